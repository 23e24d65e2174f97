/**
 * `connect(url)`: a connected client from a meter URL.
 *
 * @module
 */

import { InvalidArgumentError, InvalidUrlError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import type { DlmsClient } from '../dlms/client/dlms-client.js';
import type { DlmsAuthentication, DlmsClientOptions, DlmsHdlcOptions } from '../dlms/client/options.js';
import { ModbusClient } from '../modbus/client/modbus-client.js';
import type { ModbusClientOptions } from '../modbus/client/options.js';
import { type LinkForOptions, linkFor } from './link-for.js';
import type { DlmsUrl, DlmsUrlText, MeterUrl, ModbusUrl, ModbusUrlText } from './meter-url.js';
import { parseMeterUrl } from './parse-meter-url.js';

/** Options of {@link connect}, {@link connectDlms} and {@link connectModbus}. */
export interface ConnectOptions {
  /**
   * Time limit for opening the link, in ms (TCP connect; through a tunnel the broker connection
   * and the lease). Default 3000, 10 000 through a tunnel. A DLMS client also bounds opening by
   * its own `timeoutMs`.
   */
  timeoutMs?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** Modbus client settings that override what the URL says (e.g. `retries`, `lenientTransactionId`). */
  modbus?: Partial<Omit<ModbusClientOptions, 'link' | 'signal' | 'connectTimeoutMs'>>;
  /**
   * DLMS client settings that override what the URL says, and the secrets a URL never holds:
   * `auth` (`{ mechanism: 'lls', password }`), `security` (keys, system title, invocation
   * counter). `server` and `hdlc` are merged field by field with the URL's; a `security.policy`
   * left out takes the URL's `policy`.
   */
  dlms?: Partial<Omit<DlmsClientOptions, 'link' | 'framing' | 'signal'>>;
  /**
   * Tunnel link settings for `…+mqtt(s)` URLs besides broker, gateway and port (`headEndId`, TLS
   * `ca` …), or `headEnd`: a shared `mqttHeadEnd` on the URL's broker to open the link on
   * (one MQTT connection for many meters; the caller closes it).
   */
  mqtt?: LinkForOptions['mqtt'];
}

/** `options` without the entries whose value is `undefined` (they must not erase URL values). */
function defined<T extends object>(options: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function linkOptions(options: ConnectOptions): LinkForOptions {
  return {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.mqtt === undefined ? {} : { mqtt: options.mqtt }),
  };
}

/** The authentication of the URL's `auth`, unless the options give one. */
function authOf(url: DlmsUrl, given: DlmsAuthentication | undefined): DlmsAuthentication | undefined {
  if (given !== undefined || url.auth === undefined) return given;
  if (url.auth === 'lls') {
    throw new InvalidArgumentError(
      `${url.display}: auth=lls needs the password in options.dlms.auth = { mechanism: 'lls', password }`,
    );
  }
  return { mechanism: url.auth };
}

/** The URL's settings under the overrides of `options.dlms`, without the link. */
function dlmsSettings(url: DlmsUrl, options: ConnectOptions): Omit<DlmsClientOptions, 'link'> {
  const { server, hdlc, auth, security, ...rest } = defined(options.dlms);
  const settings: Omit<DlmsClientOptions, 'link'> = {
    // 'tunnel-apdu' (apdu+mqtt) goes to DlmsClient as is: the tunnel's APDU mode adds it there.
    framing: url.framing as DlmsClientOptions['framing'],
  };
  if (url.client !== undefined) settings.client = url.client;
  if (url.timeoutMs !== undefined) settings.timeoutMs = url.timeoutMs;
  if (url.maxPduSize !== undefined) settings.maxPduSize = url.maxPduSize;
  if (url.modeE !== undefined) settings.modeE = url.modeE;
  const address = {
    ...(url.logical === undefined ? {} : { logical: url.logical }),
    ...(url.physical === undefined ? {} : { physical: url.physical }),
    ...defined(server),
  };
  if (Object.keys(address).length > 0) settings.server = address;
  const link: DlmsHdlcOptions = {};
  if (url.hdlc?.window !== undefined) {
    link.windowTransmit = url.hdlc.window;
    link.windowReceive = url.hdlc.window;
  }
  if (url.hdlc?.maxInfo !== undefined) {
    link.maxInfoTransmit = url.hdlc.maxInfo;
    link.maxInfoReceive = url.hdlc.maxInfo;
  }
  if (url.hdlc?.retries !== undefined) link.retries = url.hdlc.retries;
  Object.assign(link, defined(hdlc));
  if (Object.keys(link).length > 0) settings.hdlc = link;
  const mechanism = authOf(url, auth);
  if (mechanism !== undefined) settings.auth = mechanism;
  if (security !== undefined) {
    const policy = security.policy ?? url.policy;
    settings.security = policy === undefined ? security : { ...security, policy };
  } else if (url.policy !== undefined && url.policy !== 'none') {
    throw new InvalidArgumentError(
      `${url.display}: policy=${url.policy} needs the keys and system title in options.dlms.security`,
    );
  }
  return { ...settings, ...rest, ...(options.signal === undefined ? {} : { signal: options.signal }) };
}

function parse(url: string | MeterUrl): MeterUrl {
  return typeof url === 'string' ? parseMeterUrl(url) : url;
}

/**
 * Opens the link a DLMS URL names and associates: a connected {@link meterlink/dlms!DlmsClient}.
 *
 * @throws {@link InvalidUrlError} for a bad URL or a Modbus one; `InvalidArgumentError` for bad
 *   options (e.g. `auth=lls` without `options.dlms.auth.password`), before any I/O; `LinkError`,
 *   `TimeoutError`, `AbortError`, `AssociationError`, `SecurityError` while connecting
 * @example
 * ```ts
 * import { connectDlms } from 'meterlink';
 *
 * const meter = await connectDlms('hdlc+tcp://10.0.0.5?client=1&physical=17&auth=lls', {
 *   dlms: { auth: { mechanism: 'lls', password: process.env.METER_PASSWORD ?? '' } },
 * });
 * console.log(await meter.readRegister('1.0.1.8.0.255'));
 * await meter.close();
 * ```
 */
export async function connectDlms(url: string | DlmsUrl, options: ConnectOptions = {}): Promise<DlmsClient> {
  const parsed = parse(url);
  if (parsed.protocol !== 'dlms') {
    throw new InvalidUrlError(
      parsed.display,
      'is a Modbus URL; a DLMS client needs hdlc+…, wrapper+… or apdu+…',
    );
  }
  const settings = dlmsSettings(parsed, options);
  const link: Link = await linkFor(parsed, linkOptions(options));
  // Loaded on demand: a script that only speaks Modbus does not load the DLMS stack.
  const { DlmsClient } = await import('../dlms/client/dlms-client.js');
  return DlmsClient.connect({ ...settings, link });
}

/**
 * Opens the link a Modbus URL names: a connected {@link ModbusClient}.
 *
 * @throws {@link InvalidUrlError} for a bad URL or a DLMS one; `InvalidArgumentError` for bad
 *   options; `LinkError`, `TimeoutError`, `AbortError` when the link cannot be opened
 * @example
 * ```ts
 * import { connectModbus } from 'meterlink';
 *
 * const mb = await connectModbus(process.argv[2] ?? 'modbus+tcp://127.0.0.1:502?unit=1');
 * console.log(await mb.readHoldingRegisters(0, 4));
 * await mb.close();
 * ```
 */
export async function connectModbus(
  url: string | ModbusUrl,
  options: ConnectOptions = {},
): Promise<ModbusClient> {
  const parsed = parse(url);
  if (parsed.protocol !== 'modbus') {
    throw new InvalidUrlError(parsed.display, 'is a DLMS URL; a Modbus client needs modbus+…');
  }
  const settings: ModbusClientOptions = {
    link: await linkFor(parsed, linkOptions(options)),
    framing: parsed.framing,
  };
  if (parsed.unitId !== undefined) settings.unitId = parsed.unitId;
  if (parsed.timeoutMs !== undefined) settings.timeoutMs = parsed.timeoutMs;
  if (parsed.retries !== undefined) settings.retries = parsed.retries;
  if (parsed.maxInFlight !== undefined) settings.maxInFlight = parsed.maxInFlight;
  return ModbusClient.connect({
    ...settings,
    ...defined(options.modbus),
    connectTimeoutMs: options.timeoutMs ?? (parsed.transport === 'mqtt' ? 10_000 : 3000),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/**
 * Opens the link a meter URL names and returns a connected client: a {@link DlmsClient} for
 * `hdlc+…`, `wrapper+…` and `apdu+…` URLs, a {@link ModbusClient} for `modbus+…` URLs. A URL
 * literal (or a parsed URL) gives the precise type; for any other string use
 * {@link connectDlms} / {@link connectModbus}, or tell the two apart with `instanceof`.
 *
 * @throws {@link InvalidUrlError} for a bad URL; `InvalidArgumentError` for bad options, before
 *   any I/O; `LinkError`, `TimeoutError`, `AbortError` when the link cannot be opened;
 *   `AssociationError`, `SecurityError` when a DLMS meter refuses the association
 * @example
 * ```ts
 * import { connect } from 'meterlink';
 *
 * const mb = await connect('modbus+tcp://127.0.0.1:502?unit=1');
 * console.log(await mb.readHoldingRegisters(0, 4));
 * await mb.close();
 *
 * const meter = await connect('wrapper+tcp://127.0.0.1:4059?client=16');
 * console.log(await meter.readClock());
 * await meter.close();
 * ```
 */
export function connect(url: DlmsUrlText | DlmsUrl, options?: ConnectOptions): Promise<DlmsClient>;
export function connect(url: ModbusUrlText | ModbusUrl, options?: ConnectOptions): Promise<ModbusClient>;
export function connect(url: string | MeterUrl, options?: ConnectOptions): Promise<DlmsClient | ModbusClient>;
export async function connect(
  url: string | MeterUrl,
  options: ConnectOptions = {},
): Promise<DlmsClient | ModbusClient> {
  const parsed = parse(url);
  return parsed.protocol === 'dlms' ? connectDlms(parsed, options) : connectModbus(parsed, options);
}
