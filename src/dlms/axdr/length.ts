/**
 * The A-XDR length / quantity encoding (meterlink spec §6.1): one octet for 0–127, else
 * `0x80 | n` followed by n big-endian length octets (n = 1…4). Encoders use the shortest form;
 * decoders accept 1–4 length octets and reject `0x80` (indefinite) and `0x85`+.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';

/** Largest value the encoding carries (four length octets). */
export const maxLength = 0xffffffff;

/**
 * Reads an A-XDR length at the reader's cursor. `what` names the counted thing in error
 * messages; pass a constant string (nothing is built from it unless the read fails).
 *
 * Non-shortest forms (`81 05`) are accepted, as the standard only obliges encoders (§6.1).
 *
 * @throws DecodeError (the reader's layer) for `0x80`, `0x85`+ or a truncated length
 */
export function readLength(reader: ByteReader, what: string): number {
  const first = reader.u8(what);
  if (first < 0x80) return first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) {
    reader.fail(
      `length form 0x${first.toString(16).toUpperCase()} is not allowed`,
      `the length of ${what} (0x00–0x84)`,
      reader.pos - 1,
    );
  }
  let value = 0;
  for (let i = 0; i < n; i++) value = value * 256 + reader.u8(what);
  return value;
}

/** Number of octets {@link writeLength} uses for `length`. */
export function lengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  if (length < 0x1000000) return 4;
  return 5;
}

/** Writes `length` (an integer 0 … 2^32−1 the caller checked) in the shortest form. */
export function writeLength(writer: ByteWriter, length: number): void {
  const size = lengthSize(length);
  if (size === 1) {
    writer.u8(length);
    return;
  }
  writer.u8(0x80 | (size - 1));
  for (let shift = (size - 2) * 8; shift >= 0; shift -= 8) writer.u8(Math.floor(length / 2 ** shift) & 0xff);
}

/** The encoding of `length` as a fresh array (for `ByteWriter.join` prefixes). */
export function lengthBytes(length: number): Uint8Array {
  const size = lengthSize(length);
  const out = new Uint8Array(size);
  if (size === 1) {
    out[0] = length;
    return out;
  }
  out[0] = 0x80 | (size - 1);
  for (let i = 1; i < size; i++) out[i] = Math.floor(length / 2 ** ((size - 1 - i) * 8)) & 0xff;
  return out;
}
