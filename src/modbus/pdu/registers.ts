/**
 * Register lists: 16-bit words, high byte first (Modbus spec §1 byte order). Internal.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';

/** Reads `count` big-endian registers after a single bounds check. */
export function readRegisters(r: ByteReader, count: number, what: string): Uint16Array {
  r.need(count * 2, what);
  const out = registersAt(r.bytes, r.pos, count);
  r.pos += count * 2;
  return out;
}

/** The `count` big-endian registers at `bytes[at]` (the caller checked the bounds). */
export function registersAt(bytes: Uint8Array, at: number, count: number): Uint16Array {
  const out = new Uint16Array(count);
  for (let i = 0, p = at; i < count; i++, p += 2) out[i] = (bytes[p]! << 8) | bytes[p + 1]!;
  return out;
}

/** Stores registers big-endian into `out` from offset `at` (the caller sized `out`). */
export function putRegisters(out: Uint8Array, at: number, values: Uint16Array): void {
  for (let i = 0; i < values.length; i++, at += 2) {
    const v = values[i]!;
    out[at] = v >>> 8;
    out[at + 1] = v & 0xff;
  }
}

/** Appends registers big-endian. */
export function writeRegisters(w: ByteWriter, values: Uint16Array): void {
  for (let i = 0; i < values.length; i++) w.u16(values[i]!);
}
