/**
 * The meters of a fleet read: what callers pass, what the connector and plans receive, and what
 * results carry (never a secret).
 *
 * @module
 */

import type { ConnectOptions } from '../connect/connect.js';
import { type MeterUrl, parseMeterUrl } from '../connect/parse-meter-url.js';
import { InvalidArgumentError, InvalidUrlError, type MeterlinkError } from '../core/errors.js';

/** Connect options of one meter (keys, passwords, client address …); the fleet supplies `signal`. */
export type FleetConnectOptions = Omit<ConnectOptions, 'signal'>;

/** One meter of a fleet, with its own id and connect options. */
export interface FleetMeter {
  /** Name of the meter in results and progress. Default: the URL with any password redacted. */
  id?: string;
  /** The meter URL (`hdlc+tcp://…`, `modbus+mqtt://…`), or one parsed by `parseMeterUrl`. */
  url: string | MeterUrl;
  /** Connect options of this meter, over the fleet's `connectOptions`. */
  options?: FleetConnectOptions;
}

/** What the `meters` of `readFleet` may contain: a URL string, a parsed URL, or a {@link FleetMeter}. */
export type FleetMeterInput = string | MeterUrl | FleetMeter;

/**
 * How a result names its meter: safe to log or serialise (the URL has its password redacted and
 * no connect option is included).
 */
export interface FleetMeterRef {
  /** The meter's id (given, or the redacted URL). */
  id: string;
  /** Position of the meter in the input, from 0. */
  index: number;
  /** The URL with any password replaced by `***`. */
  url: string;
}

/** A meter as the connector and a plan function receive it: parsed URL and connect options. */
export interface FleetTarget {
  /** The meter's id. */
  id: string;
  /** Position of the meter in the input, from 0. */
  index: number;
  /** The parsed URL (may hold broker credentials: do not log it; use `url.display`). */
  url: MeterUrl;
  /** The fleet's `connectOptions` with the meter's own `options` over them. */
  options: FleetConnectOptions;
}

/** An input entry turned into a target, or the typed error that says why it cannot be read. */
export type ResolvedMeter =
  | { ok: true; target: FleetTarget; ref: FleetMeterRef }
  | { ok: false; error: MeterlinkError; ref: FleetMeterRef };

function isMeterUrl(value: object): value is MeterUrl {
  const v = value as { protocol?: unknown; display?: unknown };
  return typeof v.protocol === 'string' && typeof v.display === 'string';
}

/**
 * Turns one input entry into a target: parses its URL and merges its connect options over the
 * fleet's. A malformed entry or URL becomes a typed error (the read of that meter fails; the
 * others go on).
 */
export function resolveMeter(
  input: unknown,
  index: number,
  fleetOptions: FleetConnectOptions,
): ResolvedMeter {
  let meter: FleetMeter;
  if (typeof input === 'string') meter = { url: input };
  else if (typeof input === 'object' && input !== null && isMeterUrl(input)) meter = { url: input };
  else if (typeof input === 'object' && input !== null && 'url' in input) meter = input as FleetMeter;
  else {
    const error = new InvalidArgumentError(
      `meter #${index}: expected a meter URL or { id?, url, options? }, got ${input === null ? 'null' : typeof input}`,
    );
    return { ok: false, error, ref: { id: `#${index}`, index, url: '' } };
  }
  const givenId = typeof meter.id === 'string' && meter.id !== '' ? meter.id : undefined;
  let url: MeterUrl;
  try {
    if (typeof meter.url === 'string') url = parseMeterUrl(meter.url);
    else if (typeof meter.url === 'object' && meter.url !== null && isMeterUrl(meter.url)) url = meter.url;
    else throw new InvalidArgumentError(`meter #${index}: url must be a string or a parsed MeterUrl`);
  } catch (error) {
    const shown = error instanceof InvalidUrlError ? error.url : '';
    const typed =
      error instanceof InvalidUrlError || error instanceof InvalidArgumentError
        ? error
        : new InvalidArgumentError(`meter #${index}: unusable url`, { cause: error });
    return { ok: false, error: typed, ref: { id: givenId ?? (shown || `#${index}`), index, url: shown } };
  }
  const ref = { id: givenId ?? url.display, index, url: url.display };
  const options = { ...fleetOptions, ...meter.options };
  return { ok: true, target: { id: ref.id, index, url, options }, ref };
}

/** The broker of a tunnel URL without credentials or trailing slash (`mqtt://broker:1883`). */
function brokerAddress(broker: string): string {
  try {
    const u = new URL(broker);
    // MQTT.js's defaults: 1883 for mqtt://, 8883 for mqtts:// — `broker` and `broker:1883` are one broker.
    const port = u.port || (u.protocol === 'mqtts:' ? '8883' : '1883');
    return `${u.protocol}//${u.hostname}:${port}`;
  } catch {
    return broker;
  }
}

/**
 * The default gateway key of `readFleet`: meters with the same key share one conversation
 * channel and run at most `perGatewayConcurrency` at a time. Tunnel URLs: broker address and
 * gateway id (every port of one gateway); serial URLs: the device path; TCP/UDP URLs: transport,
 * host and port (a TCP-to-serial converter is one line).
 *
 * @param url - A parsed meter URL.
 * @returns The key (no credentials in it).
 * @example
 * ```ts
 * fleetGatewayKey(parseMeterUrl('hdlc+mqtt://user:pw@broker/gw-1/p0')); // 'mqtt mqtt://broker:1883 gw-1'
 * ```
 */
export function fleetGatewayKey(url: MeterUrl): string {
  switch (url.transport) {
    case 'mqtt':
      return url.mqtt === undefined
        ? `mqtt ${url.display}`
        : `mqtt ${brokerAddress(url.mqtt.broker)} ${url.mqtt.gatewayId}`;
    case 'serial':
      return `serial ${url.serial?.path ?? url.display}`;
    default:
      return `${url.transport} ${url.host ?? ''}:${url.port ?? ''}`;
  }
}
