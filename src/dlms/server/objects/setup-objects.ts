/**
 * IEC HDLC setup (class_id 23, version 1) and TCP-UDP setup (class_id 41, version 0) — meterlink
 * spec §11.3 — as plain attribute holders: they describe the communication port and are writable
 * within the ranges of §11.3, but the simulator does not reconfigure its links from them.
 *
 * @module
 */

import { parseObis } from '../../cosem/obis.js';
import { BaseCosemObject, StoredAttribute } from './base-object.js';
import { inRange, octetsOfLength } from './data-values.js';

/** Options of {@link IecHdlcSetup}; defaults from §11.3. */
export interface IecHdlcSetupOptions {
  /** Logical name. Default `'0.0.22.0.0.255'`. */
  logicalName?: string | Uint8Array;
  /** comm_speed enum 0–9 (5 = 9600 baud). Default 5. */
  commSpeed?: number;
  /** window_size_transmit / window_size_receive, 1–7. Default 1. */
  windowSize?: number;
  /** max_info_field_length_transmit / _receive, 32–2030. Default 128. */
  maxInfoFieldLength?: number;
  /** inter_octet_time_out in ms, 20–6000. Default 25. */
  interOctetTimeout?: number;
  /** inactivity_time_out in s (0 = none). Default 120. */
  inactivityTimeout?: number;
  /** device_address: the lower HDLC address, 0x10–0x3FFD. Default 0x10. */
  deviceAddress?: number;
}

/**
 * A simulated IEC HDLC setup (class 23, version 1).
 *
 * @example
 * ```ts
 * const hdlc = new IecHdlcSetup({ maxInfoFieldLength: 256 });
 * ```
 */
export class IecHdlcSetup extends BaseCosemObject {
  /**
   * @param options - The port settings.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   */
  constructor(options: IecHdlcSetupOptions = {}) {
    const u8 = (value: number, min: number, max: number): StoredAttribute =>
      new StoredAttribute({ type: 'unsigned', value }, inRange('unsigned', min, max));
    const u16 = (value: number, min: number, max: number): StoredAttribute =>
      new StoredAttribute({ type: 'long-unsigned', value }, inRange('long-unsigned', min, max));
    super({
      classId: 23,
      version: 1,
      logicalName: parseObis(options.logicalName ?? '0.0.22.0.0.255'),
      attributes: [
        new StoredAttribute({ type: 'enum', value: options.commSpeed ?? 5 }, inRange('enum', 0, 9)),
        u8(options.windowSize ?? 1, 1, 7),
        u8(options.windowSize ?? 1, 1, 7),
        u16(options.maxInfoFieldLength ?? 128, 32, 2030),
        u16(options.maxInfoFieldLength ?? 128, 32, 2030),
        u16(options.interOctetTimeout ?? 25, 20, 6000),
        u16(options.inactivityTimeout ?? 120, 0, 0xffff),
        u16(options.deviceAddress ?? 0x10, 0x10, 0x3ffd),
      ],
    });
  }
}

/** Options of {@link TcpUdpSetup}; defaults from §11.3. */
export interface TcpUdpSetupOptions {
  /** Logical name. Default `'0.0.25.0.0.255'`. */
  logicalName?: string | Uint8Array;
  /** TCP-UDP_port. Default 4059. */
  port?: number;
  /** IP_reference: logical name of the IPv4 setup object. Default `'0.0.25.1.0.255'`. */
  ipReference?: string;
  /** MSS, 40–65535. Default 576. */
  mss?: number;
  /** nb_of_sim_conn. Default 1. */
  simultaneousConnections?: number;
  /** inactivity_time_out in s (0 = none). Default 180. */
  inactivityTimeout?: number;
}

/**
 * A simulated TCP-UDP setup (class 41, version 0).
 *
 * @example
 * ```ts
 * const tcp = new TcpUdpSetup({ port: 4059, simultaneousConnections: 4 });
 * ```
 */
export class TcpUdpSetup extends BaseCosemObject {
  /**
   * @param options - The port settings.
   * @throws InvalidArgumentError when a logical name is not an OBIS code
   */
  constructor(options: TcpUdpSetupOptions = {}) {
    super({
      classId: 41,
      version: 0,
      logicalName: parseObis(options.logicalName ?? '0.0.25.0.0.255'),
      attributes: [
        new StoredAttribute(
          { type: 'long-unsigned', value: options.port ?? 4059 },
          inRange('long-unsigned', 0, 0xffff),
        ),
        new StoredAttribute(
          { type: 'octet-string', value: parseObis(options.ipReference ?? '0.0.25.1.0.255') },
          octetsOfLength(6),
        ),
        new StoredAttribute(
          { type: 'long-unsigned', value: options.mss ?? 576 },
          inRange('long-unsigned', 40, 0xffff),
        ),
        new StoredAttribute(
          { type: 'unsigned', value: options.simultaneousConnections ?? 1 },
          inRange('unsigned', 0, 0xff),
        ),
        new StoredAttribute(
          { type: 'long-unsigned', value: options.inactivityTimeout ?? 180 },
          inRange('long-unsigned', 0, 0xffff),
        ),
      ],
    });
  }
}
