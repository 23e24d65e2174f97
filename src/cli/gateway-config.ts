/**
 * The JSON configuration of `meterlink gateway <config.json>`: its types and
 * {@link parseGatewayConfig}, which checks every field and names the JSON path of the first
 * mistake. No file or network access here: TLS files are read and links built by the command.
 *
 * @module
 */

import { ConfigFields, configSecret, GatewayConfigError } from '../mqtt/gateway/config-fields.js';
import type { GatewayPortProtocol } from '../mqtt/gateway/index.js';
import { type GatewayLinkConfig, parseLinkConfig } from '../mqtt/gateway/link-config.js';
import { idProblem } from '../mqtt/protocol/ids.js';
import { type GatewayModeConfig, parseGatewayModes } from './gateway-modes-config.js';

export type { GatewayLinkConfig } from '../mqtt/gateway/link-config.js';

/** One port of the gateway. */
export interface GatewayPortConfig {
  /** Port id (its topic level). */
  id: string;
  /** How meter bytes are cut into messages. */
  protocol: GatewayPortProtocol;
  /** The meter's link. */
  link: GatewayLinkConfig;
  /** Lease idle time when the head-end asks for none, ms. */
  leaseIdleMs?: number;
  /** `raw` ports: bytes arriving within this gap travel in one message, ms. */
  rawGapMs?: number;
  /** `hdlc` and `modbus-rtu` ports: an incomplete frame goes out after this much silence, ms. */
  frameGapMs?: number;
  /** `hdlc` ports on a serial line: the IEC 62056-21 mode E sign-on before every lease. */
  modeE?: GatewayModeEConfig;
  /** `modbus-rtu` ports: longest wait for the meter's answer before the next request, ms. */
  answerTimeoutMs?: number;
}

/** Mode E sign-on settings of a port (`"modeE": true` for the defaults). */
export interface GatewayModeEConfig {
  /** Device address in the sign-on request. */
  address?: string;
  /** Limit of each sign-on step, ms. */
  timeoutMs?: number;
  /** Wait before switching speed after the acknowledgement, ms. */
  switchDelayMs?: number;
  /** Highest speed accepted, bit/s. */
  maxBaudRate?: number;
}

/** The broker and how to log in; TLS files are paths, relative to the configuration file. */
export interface GatewayBrokerConfig {
  /** Broker URL (`mqtt://host:1883`, `mqtts://host:8883`; credentials in it are allowed). */
  url: string;
  /** User name. */
  username?: string;
  /** Password, taken from the file or from an environment variable. Never shown. */
  password?: string;
  /** CA certificate file (PEM) that signed the broker's certificate. */
  ca?: string;
  /** Client certificate file (PEM). */
  cert?: string;
  /** Client private key file (PEM). */
  key?: string;
}

/** A checked gateway configuration. */
export interface GatewayConfig {
  /** Gateway id: unique among the gateways on the broker. */
  id: string;
  /** Root topic level(s), when not the default `meterlink`. */
  root?: string;
  /** The broker. */
  broker: GatewayBrokerConfig;
  /** The ports (at least one, ids unique). */
  ports: GatewayPortConfig[];
  /** Modes beyond the tunnel (publish, bridge, json-frames), in the order given. */
  modes: GatewayModeConfig[];
}

const protocols: readonly GatewayPortProtocol[] = ['hdlc', 'modbus-rtu', 'raw'];
const tlsSchemes = new Set(['mqtts:', 'tls:', 'ssl:', 'wss:']);
/** Longest lease idle time the gateway grants (its `maxLeaseIdleMs` default). */
const maxLeaseIdleMs = 600_000;
const maxGapMs = 60_000;

/**
 * Parses and checks a gateway configuration (see `examples/gateways/example.json`).
 *
 * @param text - The file's JSON text.
 * @param env - Environment variables, for `"password": { "env": "NAME" }`.
 * @returns The configuration, with the password resolved.
 * @throws {@link GatewayConfigError} (an `InvalidArgumentError`, `ERR_INVALID_ARGUMENT`) naming the
 *   JSON path at fault; its message never contains a password
 * @example
 * ```ts
 * const config = parseGatewayConfig(await readFile('gateway.json', 'utf8'), process.env);
 * ```
 */
export function parseGatewayConfig(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): GatewayConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GatewayConfigError('', `is not valid JSON (${jsonProblem(text, error as Error)})`);
  }
  const f = new ConfigFields(json, '', ['description', 'id', 'root', 'broker', 'ports', 'modes']);
  if (f.has('description')) f.text('description');
  const id = checkId(f, 'id');
  const root = f.text('root', true);
  if (root !== undefined) {
    for (const level of root.split('/')) {
      const problem = idProblem(level, new TextEncoder().encode(level).length);
      if (problem !== undefined)
        throw new GatewayConfigError('root', `level ${JSON.stringify(level)} ${problem}`);
    }
  }
  const broker = parseBroker(f.raw('broker'), 'broker', env);
  const seen = new Map<string, string>();
  const ports = f.list('ports').map((value, i) => {
    const port = parsePort(value, `ports[${i}]`);
    const earlier = seen.get(port.id);
    if (earlier !== undefined) {
      throw new GatewayConfigError(
        `ports[${i}].id`,
        `repeats the id ${JSON.stringify(port.id)} of ${earlier}`,
      );
    }
    seen.set(port.id, `ports[${i}]`);
    return port;
  });
  const modes = f.has('modes') ? parseGatewayModes(f.raw('modes'), 'modes', env) : [];
  for (const [i, { mode, options }] of modes.entries()) {
    const used =
      mode === 'publish' ? options.meters.map((m) => m.port) : mode === 'bridge' ? [options.port] : [];
    const unknown = used.find((portId) => !seen.has(portId));
    if (unknown !== undefined) {
      throw new GatewayConfigError(
        `modes[${i}]`,
        `uses port ${JSON.stringify(unknown)}, which is not in ports`,
      );
    }
    // One process cannot open a serial line twice: refused here rather than by the OS at start.
    const served = mode === 'bridge' ? options.serve?.link.info.peer : undefined;
    const shared = ports.findIndex((p) => 'serial' in p.link && `serial://${p.link.serial.path}` === served);
    if (shared >= 0) {
      throw new GatewayConfigError(`modes[${i}].serve.serial.path`, `is the serial line of ports[${shared}]`);
    }
  }
  return { id, ...(root === undefined ? {} : { root }), broker, ports, modes };
}

/** A gateway or port id: a valid topic level. */
function checkId(f: ConfigFields, key: string): string {
  const id = f.text(key);
  const problem = idProblem(id, new TextEncoder().encode(id).length);
  if (problem !== undefined) throw new GatewayConfigError(f.at(key), `${JSON.stringify(id)} ${problem}`);
  return id;
}

function parseBroker(
  value: unknown,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): GatewayBrokerConfig {
  if (value === undefined) throw new GatewayConfigError(path, 'is required');
  if (typeof value === 'string') return { url: checkUrl(value, path) };
  const f = new ConfigFields(value, path, ['url', 'username', 'password', 'ca', 'cert', 'key']);
  const url = checkUrl(f.text('url'), f.at('url'));
  const broker: GatewayBrokerConfig = { url };
  const username = f.text('username', true);
  if (username !== undefined) broker.username = username;
  // A string, or `{ "env": "NAME" }`; messages never show its value.
  const password = f.has('password') ? configSecret(f.raw('password'), f.at('password'), env) : undefined;
  if (password !== undefined) broker.password = password;
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = f.text(key, true);
    if (file === undefined) continue;
    if (!tlsSchemes.has(new URL(url).protocol)) {
      throw new GatewayConfigError(f.at(key), 'needs a TLS broker URL (mqtts://host:8883)');
    }
    broker[key] = file;
  }
  if ((broker.cert === undefined) !== (broker.key === undefined)) {
    throw new GatewayConfigError(
      f.at(broker.cert === undefined ? 'cert' : 'key'),
      `is required with ${f.at(broker.cert === undefined ? 'key' : 'cert')}`,
    );
  }
  return broker;
}

/** A broker URL; the message never repeats it (it may hold a password). */
function checkUrl(url: string, path: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GatewayConfigError(path, 'must be a URL such as mqtt://host:1883 or mqtts://host:8883');
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ssl:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new GatewayConfigError(path, `scheme must be mqtt: or mqtts:, got ${parsed.protocol}`);
  }
  if (parsed.hostname === '') throw new GatewayConfigError(path, 'names no host');
  return url;
}

function parsePort(value: unknown, path: string): GatewayPortConfig {
  const f = new ConfigFields(value, path, [
    'description',
    'id',
    'protocol',
    'link',
    'leaseIdleMs',
    'rawGapMs',
    'frameGapMs',
    'modeE',
    'answerTimeoutMs',
  ]);
  if (f.has('description')) f.text('description');
  const id = checkId(f, 'id');
  if (!f.has('protocol'))
    throw new GatewayConfigError(f.at('protocol'), 'is required (hdlc, modbus-rtu or raw)');
  const protocol = f.oneOf('protocol', protocols)!;
  const port: GatewayPortConfig = {
    id,
    protocol,
    link: parseLinkConfig(f.raw('link'), f.at('link'), protocol),
  };
  if (f.has('modeE')) {
    if (protocol !== 'hdlc' || !('serial' in port.link)) {
      throw new GatewayConfigError(f.at('modeE'), 'applies to hdlc ports on a serial line only');
    }
    const modeE = parseModeE(f.raw('modeE'), f.at('modeE'));
    if (modeE !== undefined) port.modeE = modeE;
  }
  const leaseIdleMs = f.integer('leaseIdleMs', 1, maxLeaseIdleMs, true);
  if (leaseIdleMs !== undefined) port.leaseIdleMs = leaseIdleMs;
  const rawGapMs = f.integer('rawGapMs', 0, maxGapMs, true);
  if (rawGapMs !== undefined) {
    if (protocol !== 'raw') throw new GatewayConfigError(f.at('rawGapMs'), 'applies to raw ports only');
    port.rawGapMs = rawGapMs;
  }
  const frameGapMs = f.integer('frameGapMs', 0, maxGapMs, true);
  if (frameGapMs !== undefined) {
    if (protocol === 'raw')
      throw new GatewayConfigError(f.at('frameGapMs'), 'applies to hdlc and modbus-rtu ports only');
    port.frameGapMs = frameGapMs;
  }
  const answerTimeoutMs = f.integer('answerTimeoutMs', 1, maxGapMs, true);
  if (answerTimeoutMs !== undefined) {
    if (protocol !== 'modbus-rtu')
      throw new GatewayConfigError(f.at('answerTimeoutMs'), 'applies to modbus-rtu ports only');
    port.answerTimeoutMs = answerTimeoutMs;
  }
  return port;
}

/** `true`, `false` or `{ address, timeoutMs, switchDelayMs, maxBaudRate }`. */
function parseModeE(value: unknown, path: string): GatewayModeEConfig | undefined {
  if (value === false) return undefined;
  if (value === true) return {};
  const f = new ConfigFields(value, path, ['address', 'timeoutMs', 'switchDelayMs', 'maxBaudRate']);
  const modeE: GatewayModeEConfig = {};
  const address = f.text('address', true);
  if (address !== undefined) {
    if (!/^[0-9A-Za-z ]{0,32}$/.test(address)) {
      throw new GatewayConfigError(f.at('address'), 'must be up to 32 characters 0-9, A-Z, a-z or space');
    }
    modeE.address = address;
  }
  const timeoutMs = f.integer('timeoutMs', 1, 60_000, true);
  if (timeoutMs !== undefined) modeE.timeoutMs = timeoutMs;
  const switchDelayMs = f.integer('switchDelayMs', 0, 10_000, true);
  if (switchDelayMs !== undefined) modeE.switchDelayMs = switchDelayMs;
  const maxBaudRate = f.integer('maxBaudRate', 300, 19_200, true);
  if (maxBaudRate !== undefined) modeE.maxBaudRate = maxBaudRate;
  return modeE;
}

/** What `JSON.parse` found wrong, without V8's quote of the text (it could show a password). */
function jsonProblem(text: string, error: Error): string {
  const message = error.message
    .replace(/,\s*".*" is not valid JSON$/s, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+/, '')} at line ${line} column ${column}`;
}
