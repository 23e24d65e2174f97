/**
 * Meter URLs: one string naming protocol, framing, transport, address and options, shared by the
 * CLI and scripts (architecture doc, "URLs for scripts and the CLI").
 *
 * ```
 * modbus+tcp://host:502?unit=1           Modbus/TCP (MBAP)
 * modbus+udp://host:502?unit=1           MBAP over UDP
 * modbus+rtutcp://host:4001?unit=3       RTU frames over TCP (serial converters)
 * modbus+rtuudp://host:4001?unit=3       RTU frames over UDP
 * modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even&unit=3
 * modbus+ascii:///dev/ttyUSB0?baud=9600&unit=3
 * modbus+mqtt://broker:1883/gw-1/p1      through an MQTT tunnel gateway (meterlink/mqtt)
 * ```
 *
 * DLMS URLs (`hdlc+tcp://`, `wrapper+udp://`, …) are recognised and reported as not supported
 * until the DLMS client exists.
 *
 * @module
 */

import { InvalidUrlError } from '../core/errors.js';
import type { ModbusFraming } from '../modbus/framing/types.js';

/** Serial line settings from a URL. */
export interface SerialUrlSettings {
  /** Device path, e.g. `/dev/ttyUSB0` or `COM3`. */
  path: string;
  /** `baud`, default 19200 (Modbus serial §2.5.1 default). */
  baudRate: number;
  /** `parity`: none, even (default) or odd. */
  parity: 'none' | 'even' | 'odd';
  /** `databits`: 7 or 8 (default 8). */
  dataBits: 7 | 8;
  /** `stopbits`: 1 (default) or 2. */
  stopBits: 1 | 2;
}

/** An MQTT tunnel address from a URL. */
export interface MqttUrlSettings {
  /** Broker URL, e.g. `mqtt://broker:1883` (credentials included when the URL had them). */
  broker: string;
  /** Gateway id (first path segment). */
  gatewayId: string;
  /** Port name on the gateway (second path segment). */
  port: string;
}

/** A parsed `modbus+…` URL. */
export interface ModbusUrl {
  /** Always `modbus`. */
  protocol: 'modbus';
  /** The URL with any password replaced by `***`, for messages and logs. */
  display: string;
  /** Framing on the link. */
  framing: ModbusFraming;
  /** Transport of the link. */
  transport: 'tcp' | 'udp' | 'serial' | 'mqtt';
  /** Host and port for `tcp`/`udp`. */
  host?: string;
  /** Port for `tcp`/`udp` (default 502). */
  port?: number;
  /** Serial settings for `serial`. */
  serial?: SerialUrlSettings;
  /** Tunnel settings for `mqtt`. */
  mqtt?: MqttUrlSettings;
  /** `unit`: unit id / serial address. */
  unitId?: number;
  /** `timeout`: response timeout in ms. */
  timeoutMs?: number;
  /** `retries`: extra attempts. */
  retries?: number;
  /** `inflight`: requests in flight on Modbus/TCP. */
  maxInFlight?: number;
}

/** Every URL `parseMeterUrl` understands (more protocols join as they are implemented). */
export type MeterUrl = ModbusUrl;

const modbusSchemes: Record<string, { framing: ModbusFraming; transport: ModbusUrl['transport'] }> = {
  'modbus+tcp': { framing: 'tcp', transport: 'tcp' },
  'modbus+udp': { framing: 'tcp', transport: 'udp' },
  'modbus+rtutcp': { framing: 'rtu', transport: 'tcp' },
  'modbus+rtuudp': { framing: 'rtu', transport: 'udp' },
  'modbus+rtu': { framing: 'rtu', transport: 'serial' },
  'modbus+ascii': { framing: 'ascii', transport: 'serial' },
  'modbus+mqtt': { framing: 'rtu', transport: 'mqtt' },
  'modbus+mqtts': { framing: 'rtu', transport: 'mqtt' },
};

const dlmsSchemes = new Set([
  'hdlc+tcp',
  'hdlc+udp',
  'hdlc+serial',
  'hdlc+mqtt',
  'wrapper+tcp',
  'wrapper+udp',
]);

const parities = { none: 'none', n: 'none', even: 'even', e: 'even', odd: 'odd', o: 'odd' } as const;

/** Query parameters each transport accepts (anything else is a typo worth reporting). */
const allowedParams: Record<ModbusUrl['transport'], readonly string[]> = {
  tcp: ['unit', 'timeout', 'retries', 'inflight'],
  udp: ['unit', 'timeout', 'retries', 'inflight'],
  serial: ['unit', 'timeout', 'retries', 'baud', 'parity', 'databits', 'stopbits'],
  mqtt: ['unit', 'timeout', 'retries'],
};

/**
 * Hides the password of a string that did not even parse as a URL (`scheme://user:secret@…`).
 * Everything up to the last `@` goes: a password with a stray `/` or `@` in it (a reason the text
 * does not parse) must not leak, and hiding a bit too much is harmless.
 */
function redactText(text: string): string {
  return text.replace(/^([^:/?#]*:\/\/[^/?#@:]*):.*@/, '$1:***@');
}

/** Windows serial devices (`COM1` … `COM256`), accepted as host (`modbus+rtu://COM3`) or path. */
const comPort = /^com[1-9]\d*$/i;

function redact(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

/**
 * Parses a meter URL.
 *
 * @throws {@link InvalidUrlError} for an unknown scheme, a missing host/path, an unknown query
 *   parameter or a value out of range (the message names which)
 * @example
 * ```ts
 * parseMeterUrl('modbus+tcp://10.0.0.7:502?unit=1&timeout=2000');
 * // { protocol: 'modbus', framing: 'tcp', transport: 'tcp', host: '10.0.0.7', port: 502, unitId: 1, timeoutMs: 2000, … }
 * parseMeterUrl('modbus+rtu:///dev/ttyUSB0?baud=9600&parity=none&unit=3');
 * ```
 */
export function parseMeterUrl(text: string): MeterUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new InvalidUrlError(redactText(text), 'not a URL', { cause });
  }
  const display = redact(url);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const fail = (message: string): never => {
    throw new InvalidUrlError(display, message);
  };
  if (dlmsSchemes.has(scheme))
    fail(`${scheme} URLs need the DLMS client, which is not part of this version yet`);
  const kind = modbusSchemes[scheme];
  if (kind === undefined) {
    fail(`unknown scheme '${scheme}'; expected one of ${Object.keys(modbusSchemes).join(', ')}`);
  }
  const { framing, transport } = kind!;

  const params = url.searchParams;
  for (const key of new Set(params.keys())) {
    if (!allowedParams[transport].includes(key)) {
      fail(`unknown parameter '${key}' for ${scheme} (allowed: ${allowedParams[transport].join(', ')})`);
    }
    if (params.getAll(key).length > 1) fail(`parameter '${key}' is given more than once`);
  }
  if (transport !== 'mqtt' && (url.username !== '' || url.password !== '')) {
    fail(`${scheme} URLs take no user name or password`);
  }
  if (url.hash !== '') fail(`unexpected fragment '${url.hash}'`);
  const integer = (key: string, min: number, max: number): number | undefined => {
    const raw = params.get(key);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      fail(`${key}=${raw} is not an integer ${min}–${max}`);
    return value;
  };

  const parsed: ModbusUrl = { protocol: 'modbus', display, framing, transport };
  const unitId = integer('unit', 0, 255);
  const timeoutMs = integer('timeout', 1, 3_600_000);
  const retries = integer('retries', 0, 100);
  const maxInFlight = integer('inflight', 1, 0xffff);
  if (unitId !== undefined) parsed.unitId = unitId;
  if (timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  if (retries !== undefined) parsed.retries = retries;
  if (maxInFlight !== undefined) parsed.maxInFlight = maxInFlight;

  if (transport === 'tcp' || transport === 'udp') {
    if (url.hostname === '') fail('missing host');
    parsed.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    parsed.port = url.port === '' ? 502 : Number(url.port);
    if (parsed.port < 1) fail(`port ${url.port} is not 1–65535`);
    if (url.pathname !== '' && url.pathname !== '/') fail(`unexpected path '${url.pathname}'`);
  } else if (transport === 'serial') {
    // `modbus+rtu:///dev/ttyUSB0` has the device as path; `modbus+rtu://COM3` as host (Windows),
    // and `modbus+rtu:///COM3` is the same port. Any other host (`modbus+rtu://dev/ttyUSB0`, one
    // slash missing) would silently name the wrong device, so it is refused.
    let path: string;
    if (url.hostname !== '') {
      if (!comPort.test(url.hostname) || url.port !== '' || (url.pathname !== '' && url.pathname !== '/')) {
        fail(
          `'${url.host}${url.pathname}' is not a device: write the path after three slashes, e.g. ${scheme}:///dev/ttyUSB0, or a COM port, e.g. ${scheme}://COM3`,
        );
      }
      path = url.hostname.toUpperCase();
    } else {
      path = decodeURIComponent(url.pathname);
      if (comPort.test(path.slice(1))) path = path.slice(1).toUpperCase();
    }
    if (path === '' || path === '/') fail(`missing serial device path, e.g. ${scheme}:///dev/ttyUSB0`);
    const parity = params.get('parity')?.toLowerCase() ?? 'even';
    if (!Object.hasOwn(parities, parity)) fail(`parity=${parity} is not none, even or odd`);
    const dataBits = integer('databits', 7, 8) ?? 8;
    const stopBits = integer('stopbits', 1, 2) ?? 1;
    parsed.serial = {
      path,
      baudRate: integer('baud', 50, 4_000_000) ?? 19200,
      parity: parities[parity as keyof typeof parities],
      dataBits: dataBits as 7 | 8,
      stopBits: stopBits as 1 | 2,
    };
  } else {
    const segments = url.pathname.split('/').filter((s) => s !== '');
    if (url.hostname === '' || segments.length !== 2) {
      fail('expected modbus+mqtt://broker[:port]/<gateway id>/<port name>');
    }
    const broker = new URL(`${scheme === 'modbus+mqtts' ? 'mqtts' : 'mqtt'}://${url.host}`);
    broker.username = url.username;
    broker.password = url.password;
    parsed.mqtt = {
      broker: broker.href.replace(/\/$/, ''),
      gatewayId: decodeURIComponent(segments[0]!),
      port: decodeURIComponent(segments[1]!),
    };
  }
  return parsed;
}
