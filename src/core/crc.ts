/**
 * Table-driven CRC-16 variants used by the protocols.
 *
 * Both are reflected CRCs computed one byte at a time through a 256-entry table built once per
 * module load (the tables are constants, not mutable state).
 *
 * @module
 */

function reflectedTable(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
    table[i] = crc;
  }
  return table;
}

/** CRC-16/MODBUS: poly 0x8005 reflected (0xA001), init 0xFFFF, no final XOR. Modbus serial §7.3. */
const modbusTable = reflectedTable(0xa001);
/** CRC-16/X.25 (the HDLC FCS): poly 0x1021 reflected (0x8408), init 0xFFFF, final XOR 0xFFFF. ISO/IEC 13239. */
const x25Table = reflectedTable(0x8408);

/**
 * CRC-16/MODBUS over `bytes[start, end)`. Check value for ASCII "123456789" is 0x4B37.
 * On the wire the CRC is sent low byte first; over a whole frame including its CRC the result is 0.
 *
 * @param crc running value to continue from (default: the initial value 0xFFFF)
 * @example
 * ```ts
 * import { crc16Modbus, fromHex } from 'meterlink';
 *
 * crc16Modbus(fromHex('01 03 00 00 00 02')); // 0x0BC4: the RTU frame ends C4 0B
 * crc16Modbus(fromHex('01 03 00 00 00 02 C4 0B')); // 0: a frame with a good CRC
 * ```
 */
export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0xffff): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ modbusTable[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/**
 * CRC-16/X.25 over `bytes[start, end)`, the HDLC frame check sequence (IEC 62056-46 §5.3.3.9).
 * Check value for ASCII "123456789" is 0x906E. Sent low byte first.
 *
 * @example
 * ```ts
 * import { crc16X25 } from 'meterlink';
 *
 * crc16X25(new TextEncoder().encode('123456789')); // 0x906E
 * ```
 */
export function crc16X25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ x25Table[(crc ^ bytes[i]!) & 0xff]!;
  return crc ^ 0xffff;
}

/**
 * Longitudinal redundancy check of Modbus ASCII (serial line §2.5.2.2): the two's complement of
 * the 8-bit sum of `bytes[start, end)`.
 *
 * @example
 * ```ts
 * import { fromHex, lrc8 } from 'meterlink';
 *
 * lrc8(fromHex('11 03 00 6B 00 03')); // 0x7E: the ASCII frame is ':1103006B00037E\r\n'
 * ```
 */
export function lrc8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return -sum & 0xff;
}
