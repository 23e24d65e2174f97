/**
 * Reading helpers shared by the PDU decoders (internal). Every failure is a {@link DecodeError}
 * of layer `modbus-pdu` pointing at the offending field.
 *
 * @module
 */

import { ByteReader } from '../../core/bytes.js';
import { ModbusLimits } from './constants.js';
import { hexWord } from './hex-format.js';
import type { DeviceIdReadCode } from './types.js';

/**
 * Wraps a PDU in a reader after the checks common to both directions: at least the function code,
 * at most 253 bytes (spec §1: the 256-byte serial frame minus address and CRC, on every transport).
 */
export function openPdu(pdu: Uint8Array): ByteReader {
  const r = new ByteReader(pdu, 'modbus-pdu');
  if (pdu.length === 0) r.fail('empty PDU', 'a function code', 0);
  if (pdu.length > ModbusLimits.maxPduBytes) {
    r.fail(
      `PDU of ${pdu.length} bytes`,
      `a PDU of at most ${ModbusLimits.maxPduBytes} bytes`,
      ModbusLimits.maxPduBytes,
    );
  }
  return r;
}

/** Reads a 16-bit quantity and checks it is in `min … max` (a server answers 03 otherwise, spec §4). */
export function readQuantity(r: ByteReader, min: number, max: number, what: string): number {
  const at = r.pos;
  const q = r.u16(what);
  if (q < min || q > max) r.fail(`${what} ${q} out of range`, `${what} ${min}–${max}`, at);
  return q;
}

/**
 * Reads a one-byte count and checks it: in `min … max` and, when `step` > 1, a multiple of `step`.
 */
export function readByteCount(r: ByteReader, min: number, max: number, step: number, what: string): number {
  const at = r.pos;
  const n = r.u8(what);
  if (n < min || n > max || n % step !== 0) {
    r.fail(`${what} ${n}`, `${what} ${min}–${max}${step > 1 ? `, a multiple of ${step}` : ''}`, at);
  }
  return n;
}

/** Reads a byte count that must equal `expected` (derived from a quantity read before). */
export function readExactByteCount(r: ByteReader, expected: number, what: string): number {
  const at = r.pos;
  const n = r.u8(what);
  if (n !== expected) r.fail(`${what} ${n} does not match the quantity`, `${what} ${expected}`, at);
  return n;
}

/** Reads an FC5 output value: only 0xFF00 (ON) and 0x0000 (OFF) exist (spec §4.3). */
export function readCoilValue(r: ByteReader): boolean {
  const at = r.pos;
  const v = r.u16('output value');
  if (v === 0xff00) return true;
  if (v !== 0x0000) r.fail(`coil value ${hexWord(v)}`, 'output value 0xFF00 (ON) or 0x0000 (OFF)', at);
  return false;
}

/** Reads a Read Device ID code, 1–4 (spec §4.18; a server answers 03 for others). */
export function readDeviceIdCode(r: ByteReader): DeviceIdReadCode {
  const at = r.pos;
  const code = r.u8('Read Device ID code');
  if (code < 1 || code > 4) r.fail(`Read Device ID code ${code}`, 'Read Device ID code 1–4', at);
  return code as DeviceIdReadCode;
}
