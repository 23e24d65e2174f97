/**
 * Meter URLs: one string naming protocol, framing, transport, address and options, shared by the
 * CLI and scripts (architecture doc, "URLs for scripts and the CLI").
 *
 * ```
 * hdlc+tcp://host:4059?client=16&server=1      DLMS, HDLC frames over TCP (default port 4059)
 * hdlc+udp://host:4059                         HDLC frames over UDP
 * hdlc+serial:///dev/ttyUSB0?baud=9600&modee=1 HDLC on a serial line (default 9600 8N1)
 * hdlc+mqtt://broker:1883/gw-1/p0              HDLC through an MQTT tunnel gateway
 * apdu+mqtt://broker/gw-1/p0                   whole APDUs through the tunnel (HDLC at the gateway)
 * wrapper+tcp://host:4059                      DLMS wrapper over TCP
 * wrapper+udp://host:4059                      DLMS wrapper over UDP
 * modbus+tcp://host:502?unit=1                 Modbus/TCP (MBAP)
 * modbus+udp://host:502?unit=1                 MBAP over UDP
 * modbus+rtutcp://host:4001?unit=3             RTU frames over TCP (serial converters)
 * modbus+rtuudp://host:4001?unit=3             RTU frames over UDP
 * modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even&unit=3
 * modbus+ascii:///dev/ttyUSB0?baud=9600&unit=3
 * modbus+mqtt://broker:1883/gw-1/p1            through an MQTT tunnel gateway
 * ```
 *
 * `mqtts` variants (`hdlc+mqtts`, `apdu+mqtts`, `modbus+mqtts`) use TLS to the broker. The broker
 * password may be given in the URL (`hdlc+mqtt://user:password@broker/…`); `display` hides it.
 * No other secret belongs in a URL: DLMS passwords and keys go in `ConnectOptions.dlms`.
 *
 * @module
 */

import { dlmsSchemes, parseDlmsUrl } from './dlms-url.js';
import type {
  DlmsScheme,
  DlmsUrl,
  DlmsUrlText,
  MeterUrl,
  ModbusScheme,
  ModbusUrl,
  ModbusUrlText,
} from './meter-url.js';
import { modbusSchemes, parseModbusUrl } from './modbus-url.js';
import { UrlReader } from './url-reader.js';

export type {
  DlmsScheme,
  DlmsUrl,
  DlmsUrlFraming,
  DlmsUrlText,
  HdlcUrlSettings,
  MeterUrl,
  ModbusScheme,
  ModbusUrl,
  ModbusUrlText,
  MqttUrlSettings,
  SerialUrlSettings,
  UrlTransport,
} from './meter-url.js';

/** `true` when `scheme` is a key of `table` (and not an inherited name like `constructor`). */
function isScheme<K extends string>(table: Readonly<Record<K, unknown>>, scheme: string): scheme is K {
  return Object.hasOwn(table, scheme);
}

/**
 * Parses a meter URL.
 *
 * DLMS query parameters: `client` (SAP), `server` (logical device), `physical` (HDLC physical
 * address), `timeout` (ms), `pdu` (max PDU size), `auth` (`none`, `lls`, `hls-gmac`), `policy`
 * (`none`, `authenticated`, `encrypted`, `authenticated-encrypted`), HDLC `window`, `maxinfo`,
 * `retries`, serial `baud`, `parity`, `databits`, `stopbits`, `modee`. Modbus: `unit`, `timeout`,
 * `retries`, `inflight` (TCP/UDP), serial line settings.
 *
 * @throws {@link InvalidUrlError} for an unknown scheme, a missing host/path/gateway segment, an
 *   unknown query parameter or a value out of range (the message names which, never a password)
 * @example
 * ```ts
 * parseMeterUrl('hdlc+tcp://10.0.0.5?client=1&server=1&physical=17&auth=lls');
 * // { protocol: 'dlms', framing: 'hdlc', transport: 'tcp', host: '10.0.0.5', port: 4059, client: 1, … }
 * parseMeterUrl('modbus+rtu:///dev/ttyUSB0?baud=9600&parity=none&unit=3');
 * ```
 */
export function parseMeterUrl(text: DlmsUrlText): DlmsUrl;
export function parseMeterUrl(text: ModbusUrlText): ModbusUrl;
export function parseMeterUrl(text: string): MeterUrl;
export function parseMeterUrl(text: string): MeterUrl {
  const reader = new UrlReader(text);
  const { scheme } = reader;
  if (isScheme<DlmsScheme>(dlmsSchemes, scheme)) return parseDlmsUrl(reader, scheme);
  if (isScheme<ModbusScheme>(modbusSchemes, scheme)) return parseModbusUrl(reader, scheme);
  return reader.fail(
    `unknown scheme '${scheme}'; expected one of ${[...Object.keys(modbusSchemes), ...Object.keys(dlmsSchemes)].join(', ')}`,
  );
}
