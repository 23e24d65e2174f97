/**
 * The BER essentials ACSE needs (meterlink spec §7.1, X.690 §8.1): identifier octets, definite
 * lengths, and walking nested TLVs inside a parent whose end is known.
 *
 * Every read takes the `end` of the enclosing TLV: a tag, a length or a content that would run
 * past it is a {@link DecodeError} at the offending octet, so a child can never read into its
 * sibling. Offsets are those of the reader (the start of the APDU when the reader starts there).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';

/** Bit 6 of an identifier octet: the encoding is constructed (holds TLVs). */
export const berConstructed = 0x20;
/** Bits 8–7 of an identifier octet: the class (`0x80` = context-specific). */
export const berClassMask = 0xc0;
/** Class bits of a context-specific tag. */
export const berContextClass = 0x80;
/** Tag-number bits of a one-octet identifier; all ones announces the high-tag-number form. */
export const berNumberMask = 0x1f;
/** Most subsequent identifier octets accepted in the high-tag-number form (tag numbers < 2^28). */
const maxTagNumberOctets = 4;
/** Most long-form length octets accepted (lengths < 2^32, far above any `maxApduBytes`). */
const maxLengthOctets = 4;

/**
 * Reads an identifier at the cursor, which must lie before `end`. Returns the first identifier
 * octet (class, constructed bit and, in the one-octet form, the tag number); the octets of a
 * high-tag-number form are checked and skipped — ACSE only ever switches on one-octet tags.
 *
 * @throws DecodeError when the identifier runs past `end`, or its high-tag-number form is not
 *   minimal (a leading `80` octet, a number below 31) or uses more than 4 number octets
 */
export function readBerTag(reader: ByteReader, end: number): number {
  if (reader.pos >= end) reader.fail('TLV ends before its tag', 'a BER tag');
  const first = reader.bytes[reader.pos++]!;
  if ((first & berNumberMask) !== berNumberMask) return first;
  // X.690 §8.1.2.4: base-128 tag number ≥ 31, bit 8 set on every octet but the last, no leading 0x80.
  const at = reader.pos;
  let number = 0;
  for (let i = 0; i < maxTagNumberOctets; i++) {
    if (reader.pos >= end) reader.fail('TLV ends inside its tag number', 'a BER tag number octet');
    const b = reader.bytes[reader.pos++]!;
    if (i === 0 && b === 0x80) break;
    number = number * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (number < berNumberMask) break;
      return first;
    }
  }
  return reader.fail('malformed high tag number', 'a minimal tag number of 31 to 2^28−1', at);
}

/**
 * Reads a definite length at the cursor and checks that the content it announces fits before
 * `end` (the end of the parent TLV or of the input). Leaves the cursor on the first content octet.
 *
 * @returns the content length
 * @throws DecodeError for the indefinite form `80`, more than 4 length octets (which includes
 *   the reserved `FF`) or a content that runs past `end`
 */
export function readBerLength(reader: ByteReader, end: number): number {
  const at = reader.pos;
  if (at >= end) reader.fail('TLV ends before its length', 'a BER length');
  const first = reader.bytes[reader.pos++]!;
  let length = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    // §7.1: definite form only (X.690 §8.1.3.6); 0xFF, reserved by §8.1.3.5 c), fails as too long.
    if (n === 0) reader.fail('indefinite length is not allowed', 'a definite BER length', at);
    if (n > maxLengthOctets) reader.fail('more than 4 length octets', 'a BER length of 1–4 octets', at);
    if (reader.pos + n > end) reader.fail('TLV ends inside its length', 'BER length octets', at);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + reader.bytes[reader.pos++]!;
  }
  if (length > end - reader.pos) {
    reader.fail(
      `length ${length} runs past the enclosing TLV (${end - reader.pos} bytes left)`,
      'a length that fits its parent',
      at,
    );
  }
  return length;
}

/**
 * Reads a whole TLV whose tag must be `tag` and returns the end offset of its content, with the
 * cursor on the first content octet.
 *
 * @throws DecodeError when the tag differs or the TLV is malformed
 */
export function expectBerTlv(reader: ByteReader, end: number, tag: number, expected: string): number {
  const at = reader.pos;
  if (readBerTag(reader, end) !== tag) reader.fail('unexpected tag', expected, at);
  const length = readBerLength(reader, end);
  return reader.pos + length;
}

/**
 * Throws unless the cursor is exactly at `end` (a primitive or explicit value that does not fill
 * its TLV).
 */
export function expectBerEnd(reader: ByteReader, end: number, what: string): void {
  if (reader.pos !== end) reader.fail(`${end - reader.pos} unexpected byte(s) inside the TLV`, what);
}

/** Number of octets of the definite length encoding of `length` (shortest form). */
export function berLengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  if (length < 0x1000000) return 4;
  return 5;
}

/**
 * The shortest definite length encoding of `length` (X.690 §8.1.3), as a
 * {@link ByteWriter.join} prefix.
 */
export function berLengthBytes(length: number): Uint8Array {
  const size = berLengthSize(length);
  const out = new Uint8Array(size);
  if (size === 1) {
    out[0] = length;
    return out;
  }
  out[0] = 0x80 | (size - 1);
  for (let i = size - 1, v = length; i >= 1; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

/** Writes `tag`, the length of `content` and `content`. */
export function writeBerTlv(writer: ByteWriter, tag: number, content: Uint8Array): void {
  writer.u8(tag).bytes(berLengthBytes(content.length)).bytes(content);
}

/**
 * Starts a constructed or length-prefixed TLV: writes `tag` and forks the writer; close it with
 * {@link closeBerTlv}.
 */
export function openBerTlv(writer: ByteWriter, tag: number): void {
  writer.u8(tag).fork();
}

/** Ends the innermost {@link openBerTlv}, inserting the content's length after its tag. */
export function closeBerTlv(writer: ByteWriter): void {
  writer.join(berLengthBytes);
}

/**
 * The tag number of a raw TLV (for ordering fields kept raw), or `undefined` when `raw` does not
 * start with a complete identifier.
 */
export function berTagNumber(raw: Uint8Array): number | undefined {
  const first = raw[0];
  if (first === undefined) return undefined;
  if ((first & berNumberMask) !== berNumberMask) return first & berNumberMask;
  let n = 0;
  for (let i = 1; i <= maxTagNumberOctets; i++) {
    const b = raw[i];
    if (b === undefined) return undefined;
    n = n * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return n;
  }
  return undefined;
}

/**
 * Checks a BIT STRING's unused-bit count for encoding (X.690 §8.6.2.2: 0–7, and 0 when empty).
 *
 * @throws EncodeError naming `field`
 */
export function checkBitString(field: string, unusedBits: number, byteLength: number): void {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (byteLength === 0 && unusedBits)) {
    throw new EncodeError(field, `${String(unusedBits)} unused bits: 0–7 allowed, 0 for an empty bit string`);
  }
}
