/**
 * Broker addresses: a URL or MQTT.js options, with credentials kept out of descriptions.
 *
 * @module
 */

import type { IClientOptions } from 'mqtt';
import { InvalidArgumentError } from '../../core/errors.js';

/**
 * Where the broker is: a URL (`mqtt://host:1883`, `mqtts://host:8883`, credentials allowed as
 * `mqtt://user:password@host`) or MQTT.js client options (`host`, `port`, `protocol`,
 * `username`, `password`, `ca`, `cert`, `key`, `rejectUnauthorized` …), optionally with a `url`.
 */
export type MqttBroker =
  | string
  | (IClientOptions & {
      /** The broker URL (`mqtt://`, `mqtts://`, `ws://`, `wss://`); credentials in it move to the options. */
      url?: string;
    });

/** A broker address split into what MQTT.js needs and what may be shown. */
export interface ResolvedBroker {
  /** The URL without credentials, or `undefined` when only options were given. */
  readonly url: string | undefined;
  /** MQTT.js options, with URL credentials moved to `username`/`password`. */
  readonly options: IClientOptions;
  /** `scheme://host:port` for logs and errors: never a user name or password. */
  readonly description: string;
}

const schemes = new Set(['mqtt', 'mqtts', 'tcp', 'tls', 'ssl', 'ws', 'wss']);

/**
 * Splits a {@link MqttBroker} into MQTT.js inputs and a description without secrets.
 *
 * @throws {@link InvalidArgumentError} for a URL that cannot be parsed or has an unknown scheme
 *   (the message never repeats the URL's credentials)
 * @example
 * ```ts
 * const broker = resolveBroker('mqtt://meter:s3cret@broker.example');
 * broker.url; // 'mqtt://broker.example'
 * broker.options; // { username: 'meter', password: 's3cret' }
 * broker.description; // 'mqtt://broker.example:1883': safe to log
 * ```
 */
export function resolveBroker(broker: MqttBroker): ResolvedBroker {
  const { url: rawUrl, ...rest } = typeof broker === 'string' ? { url: broker } : broker;
  const options: IClientOptions = { ...rest };
  if (rawUrl === undefined) {
    const protocol = options.protocol ?? 'mqtt';
    const host = options.hostname ?? options.host ?? 'localhost';
    return {
      url: undefined,
      options,
      description: `${protocol}://${host}:${options.port ?? defaultPort(protocol)}`,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch {
    throw new InvalidArgumentError(`broker must be a URL such as mqtt://host:1883, got ${redactUrl(rawUrl)}`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!schemes.has(scheme)) {
    throw new InvalidArgumentError(`broker URL scheme must be mqtt: or mqtts:, got ${scheme}:`);
  }
  if (parsed.username !== '' && options.username === undefined) {
    options.username = decodeURIComponent(parsed.username);
  }
  if (parsed.password !== '' && options.password === undefined) {
    options.password = decodeURIComponent(parsed.password);
  }
  parsed.username = '';
  parsed.password = '';
  const port = parsed.port === '' ? defaultPort(scheme) : Number(parsed.port);
  return { url: parsed.toString(), options, description: `${scheme}://${parsed.hostname}:${port}` };
}

function defaultPort(scheme: string): number {
  switch (scheme) {
    case 'mqtts':
    case 'tls':
    case 'ssl':
      return 8883;
    case 'ws':
      return 80;
    case 'wss':
      return 443;
    default:
      return 1883;
  }
}

/** A URL-ish text with anything between `//` and `@` removed. */
function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//');
}
