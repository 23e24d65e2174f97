/**
 * The shapes `parseMeterUrl` returns: one per protocol, told apart by `protocol`.
 *
 * @module
 */

import type { SecurityMode } from '../dlms/security/security-control.js';
import type { ModbusFraming } from '../modbus/framing/types.js';

/** Serial line settings from a URL. */
export interface SerialUrlSettings {
  /** Device path, e.g. `/dev/ttyUSB0` or `COM3`. */
  path: string;
  /** `baud`: default 19200 for Modbus, 9600 for DLMS. */
  baudRate: number;
  /** `parity`: none, even or odd (default even for Modbus, none for DLMS). */
  parity: 'none' | 'even' | 'odd';
  /** `databits`: 7 or 8 (default 8). */
  dataBits: 7 | 8;
  /** `stopbits`: 1 (default) or 2. */
  stopBits: 1 | 2;
}

/** An MQTT tunnel address from a URL. */
export interface MqttUrlSettings {
  /**
   * Broker URL, e.g. `mqtt://broker:1883` (credentials included when the URL had them; without
   * a port MQTT.js uses 1883 for `mqtt://` and 8883 for `mqtts://`).
   */
  broker: string;
  /** Gateway id (first path segment). */
  gatewayId: string;
  /** Port name on the gateway (second path segment). */
  port: string;
}

/** Transport of the link a meter URL names. */
export type UrlTransport = 'tcp' | 'udp' | 'serial' | 'mqtt';

/** A parsed `modbus+…` URL. */
export interface ModbusUrl {
  /** Always `modbus`. */
  protocol: 'modbus';
  /** The URL with any password replaced by `***`, for messages and logs. */
  display: string;
  /** Framing on the link. */
  framing: ModbusFraming;
  /** Transport of the link. */
  transport: UrlTransport;
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

/** DLMS framing a URL selects: HDLC, the wrapper, or whole APDUs through the tunnel (`apdu+mqtt`). */
export type DlmsUrlFraming = 'hdlc' | 'wrapper' | 'tunnel-apdu';

/** HDLC link parameters from a URL (both directions get the same value). */
export interface HdlcUrlSettings {
  /** `window`: window size 1–7, proposed for transmit and receive. */
  window?: number;
  /** `maxinfo`: largest information field 32–2030, proposed for transmit and receive. */
  maxInfo?: number;
  /** `retries`: recoveries in a row without progress before the link counts as lost (0–100). */
  retries?: number;
}

/**
 * A parsed DLMS URL (`hdlc+tcp`, `hdlc+udp`, `hdlc+serial`, `hdlc+mqtt(s)`, `wrapper+tcp`,
 * `wrapper+udp`, `apdu+mqtt(s)`). Never holds a secret but the broker password (in
 * `mqtt.broker`); passwords and keys go in `ConnectOptions.dlms`.
 */
export interface DlmsUrl {
  /** Always `dlms`. */
  protocol: 'dlms';
  /** The URL with any password replaced by `***`, for messages and logs. */
  display: string;
  /** Framing on the link. */
  framing: DlmsUrlFraming;
  /** Transport of the link. */
  transport: UrlTransport;
  /** Host for `tcp`/`udp`. */
  host?: string;
  /** Port for `tcp`/`udp` (default 4059, the IANA DLMS/COSEM port). */
  port?: number;
  /** Serial settings for `serial` (default 9600 8N1). */
  serial?: SerialUrlSettings;
  /** Tunnel settings for `mqtt`. */
  mqtt?: MqttUrlSettings;
  /** `client`: client SAP 0–127. */
  client?: number;
  /** `server`: server logical device 0–16383. */
  logical?: number;
  /** `physical`: server physical device 0–16383 (HDLC only). */
  physical?: number;
  /** `timeout`: limit of every wait, ms. */
  timeoutMs?: number;
  /** `pdu`: client-max-receive-pdu-size 12–65535. */
  maxPduSize?: number;
  /** `auth`: association authentication (its password or keys come from `ConnectOptions.dlms`). */
  auth?: 'none' | 'lls' | 'hls-gmac';
  /** `policy`: security policy of the association (keys from `ConnectOptions.dlms.security`). */
  policy?: SecurityMode | 'none';
  /** `modee`: run the IEC 62056-21 mode E sign-on first (`hdlc+serial` only). */
  modeE?: boolean;
  /** `window`, `maxinfo`, `retries` (HDLC framings only). */
  hdlc?: HdlcUrlSettings;
}

/** Every URL `parseMeterUrl` understands. */
export type MeterUrl = ModbusUrl | DlmsUrl;

/** Schemes of {@link ModbusUrl}s. */
export type ModbusScheme =
  | 'modbus+tcp'
  | 'modbus+udp'
  | 'modbus+rtutcp'
  | 'modbus+rtuudp'
  | 'modbus+rtu'
  | 'modbus+ascii'
  | 'modbus+mqtt'
  | 'modbus+mqtts';

/** Schemes of {@link DlmsUrl}s. */
export type DlmsScheme =
  | 'hdlc+tcp'
  | 'hdlc+udp'
  | 'hdlc+serial'
  | 'hdlc+mqtt'
  | 'hdlc+mqtts'
  | 'wrapper+tcp'
  | 'wrapper+udp'
  | 'apdu+mqtt'
  | 'apdu+mqtts';

/** URL text with a Modbus scheme (lower case): lets `connect` return a `ModbusClient` type. */
export type ModbusUrlText = `${ModbusScheme}://${string}`;

/** URL text with a DLMS scheme (lower case): lets `connect` return a `DlmsClient` type. */
export type DlmsUrlText = `${DlmsScheme}://${string}`;
