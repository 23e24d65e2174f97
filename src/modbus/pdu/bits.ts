/**
 * Bit tables of FC1, FC2 and FC15: item *i* is bit `i mod 8` of byte `floor(i / 8)`, LSB first
 * (Modbus spec §4.1 "Bit packing").
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { InvalidArgumentError } from '../../core/errors.js';

/**
 * Packs booleans into bytes, first item in the least significant bit of the first byte; the unused
 * high bits of the last byte are 0 (spec §4.1: "Unused high bits of the last byte MUST be sent as 0").
 *
 * @example
 * ```ts
 * packBits([true, false, true, true, false, false, true, true, true, false]); // Uint8Array [0xCD, 0x01]
 * ```
 */
export function packBits(values: readonly boolean[]): Uint8Array {
  const out = new Uint8Array((values.length + 7) >>> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i]) out[i >>> 3] = out[i >>> 3]! | (1 << (i & 7));
  }
  return out;
}

/**
 * Unpacks `count` bits (default: all `8 × bytes.length`) into booleans, LSB of the first byte first.
 *
 * @param count number of items to return; bits beyond it (the padding) are ignored
 * @throws {@link InvalidArgumentError} when `count` is not an integer in `0 … 8 × bytes.length`
 * @example
 * ```ts
 * unpackBits(Uint8Array.of(0xcd, 0x01), 10); // [true, false, true, true, false, false, true, true, true, false]
 * ```
 */
export function unpackBits(bytes: Uint8Array, count: number = bytes.length * 8): boolean[] {
  if (!Number.isInteger(count) || count < 0 || count > bytes.length * 8) {
    throw new InvalidArgumentError(`bit count ${count} is not in 0–${bytes.length * 8}`);
  }
  return bitsFrom(bytes, 0, count);
}

/** Unpacks `count` bits starting at byte `start` (bounds already checked by the caller). */
function bitsFrom(bytes: Uint8Array, start: number, count: number): boolean[] {
  const out: boolean[] = [];
  const whole = count >>> 3;
  for (let k = 0; k < whole; k++) {
    const b = bytes[start + k]!;
    out.push(
      (b & 0x01) !== 0,
      (b & 0x02) !== 0,
      (b & 0x04) !== 0,
      (b & 0x08) !== 0,
      (b & 0x10) !== 0,
      (b & 0x20) !== 0,
      (b & 0x40) !== 0,
      (b & 0x80) !== 0,
    );
  }
  for (let i = whole * 8; i < count; i++) out.push(((bytes[start + (i >>> 3)]! >>> (i & 7)) & 1) === 1);
  return out;
}

/** Reads `byteCount` bytes of a bit table and returns the first `count` bits (internal). */
export function readBits(r: ByteReader, byteCount: number, count: number, what: string): boolean[] {
  r.need(byteCount, what);
  const out = bitsFrom(r.bytes, r.pos, count);
  r.pos += byteCount;
  return out;
}

/** Writes a bit table packed as in {@link packBits}, without an intermediate array (internal). */
export function writeBits(w: ByteWriter, values: readonly boolean[]): void {
  const n = values.length;
  let byte = 0;
  for (let i = 0; i < n; i++) {
    if (values[i]) byte |= 1 << (i & 7);
    if ((i & 7) === 7) {
      w.u8(byte);
      byte = 0;
    }
  }
  if ((n & 7) !== 0) w.u8(byte);
}
