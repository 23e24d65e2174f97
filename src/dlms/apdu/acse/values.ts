/**
 * The value types of ACSE fields (meterlink spec §7.2, §7.3): BIT STRING, INTEGER, OBJECT
 * IDENTIFIER content, and the authentication-value CHOICE — their BER contents read inside a
 * known end and written back in the shortest form.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';
import {
  checkBitString,
  closeBerTlv,
  expectBerEnd,
  openBerTlv,
  readBerLength,
  readBerTag,
  writeBerTlv,
} from './ber.js';

/** A BER BIT STRING: the content octets and how many low bits of the last one are unused. */
export interface BitString {
  /** 0–7; 0 when `bytes` is empty. */
  unusedBits: number;
  /** The bits, first bit = most significant bit of the first octet. */
  bytes: Uint8Array;
}

/**
 * calling-/responding-authentication-value (§7.2, §7.5): the password (LLS) or the challenge
 * (HLS) in the `charstring` alternative `[0]`; the `bitstring` alternative `[1]` is not used by
 * DLMS but decoded.
 */
export type AuthenticationValue =
  | {
      /** `[0]` GraphicString alternative. */
      type: 'charstring';
      /** The password or challenge octets. */
      value: Uint8Array;
    }
  | {
      /** `[1]` BIT STRING alternative. */
      type: 'bitstring';
      /** The bits. */
      value: BitString;
    };

/** Most content octets of an INTEGER field: 4 (X.690 two's complement, −2^31 … 2^31−1). */
const maxIntegerOctets = 4;

/**
 * Reads the content of a primitive BIT STRING (cursor on its first content octet, `end` its
 * end): the unused-bit count, then the bits.
 *
 * @throws DecodeError when empty, when the count is above 7, or when it is not 0 for an empty
 *   bit string (X.690 §8.6.2)
 */
export function readBitStringContent(reader: ByteReader, end: number): BitString {
  const at = reader.pos;
  if (at >= end) reader.fail('empty BIT STRING content', 'the unused-bit count octet');
  const unusedBits = reader.bytes[reader.pos++]!;
  if (unusedBits > 7 || (unusedBits !== 0 && reader.pos === end)) {
    reader.fail(`${unusedBits} unused bits`, 'an unused-bit count 0–7 (0 when no bits follow)', at);
  }
  return { unusedBits, bytes: reader.bytesView(end - reader.pos, 'BIT STRING') };
}

/**
 * Writes a primitive BIT STRING TLV with identifier `tag`.
 *
 * @throws EncodeError naming `field` for an unused-bit count outside 0–7 or non-zero when empty
 */
export function writeBitString(writer: ByteWriter, tag: number, v: BitString, field: string): void {
  if (!(v.bytes instanceof Uint8Array)) throw new EncodeError(field, 'bytes must be a Uint8Array');
  checkBitString(field, v.unusedBits, v.bytes.length);
  openBerTlv(writer, tag);
  writer.u8(v.unusedBits).bytes(v.bytes);
  closeBerTlv(writer);
}

/**
 * Reads the content of an INTEGER (cursor on its first content octet, `end` its end) as a
 * two's complement number.
 *
 * @throws DecodeError for an empty content or more than 4 octets
 */
export function readIntegerContent(reader: ByteReader, end: number): number {
  const n = end - reader.pos;
  if (n < 1 || n > maxIntegerOctets) reader.fail(`INTEGER of ${n} octets`, 'an INTEGER of 1–4 octets');
  let v = (reader.bytes[reader.pos++]! << 24) >> 24;
  while (reader.pos < end) v = v * 256 + reader.bytes[reader.pos++]!;
  return v;
}

/**
 * Writes an INTEGER TLV with identifier `tag`, in the fewest two's complement octets.
 *
 * @throws EncodeError naming `field` for a value that is not an integer in −2^31 … 2^31−1
 */
export function writeInteger(writer: ByteWriter, tag: number, v: number, field: string): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new EncodeError(field, `${String(v)} is not an integer −2^31 … 2^31−1`);
  }
  let size = 1;
  while (size < maxIntegerOctets && (v < -(2 ** (8 * size - 1)) || v >= 2 ** (8 * size - 1))) size++;
  writer.u8(tag).u8(size);
  for (let shift = 8 * (size - 1); shift >= 0; shift -= 8) writer.u8(v >> shift);
}

/**
 * Checks the content octets of an OBJECT IDENTIFIER (X.690 §8.19): at least one octet, no
 * sub-identifier starting with `80`, the last octet ending a sub-identifier. Returns the index of
 * the first bad octet, or -1 when valid.
 */
export function oidContentError(content: Uint8Array): number {
  if (content.length === 0) return 0;
  let startOfSubId = true;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (startOfSubId && b === 0x80) return i;
    startOfSubId = (b & 0x80) === 0;
  }
  return startOfSubId ? -1 : content.length - 1;
}

/**
 * Reads the content of an OBJECT IDENTIFIER (cursor on its first content octet, `end` its end)
 * as a view.
 *
 * @throws DecodeError for malformed content (see {@link oidContentError})
 */
export function readOidContent(reader: ByteReader, end: number): Uint8Array {
  const start = reader.pos;
  const content = reader.bytesView(end - start, 'OBJECT IDENTIFIER');
  const bad = oidContentError(content);
  if (bad >= 0)
    reader.fail('malformed OBJECT IDENTIFIER', 'base-128 sub-identifiers (X.690 §8.19)', start + bad);
  return content;
}

/**
 * Writes an OBJECT IDENTIFIER TLV with identifier `tag` and the given content octets.
 *
 * @throws EncodeError naming `field` for malformed content
 */
export function writeOid(writer: ByteWriter, tag: number, content: Uint8Array, field: string): void {
  if (!(content instanceof Uint8Array) || oidContentError(content) >= 0) {
    throw new EncodeError(field, 'not the content octets of an OBJECT IDENTIFIER (X.690 §8.19)');
  }
  writeBerTlv(writer, tag, content);
}

/** Identifier of the charstring alternative `[0] IMPLICIT GraphicString` of an authentication value. */
const charstringTag = 0x80;
/** Identifier of the bitstring alternative `[1] IMPLICIT BIT STRING` of an authentication value. */
const bitstringTag = 0x81;

/**
 * Reads the content of an explicit authentication-value field (cursor on the inner TLV, `end`
 * the end of the field).
 *
 * @throws DecodeError for another alternative, or an inner TLV that does not fill the field
 */
export function readAuthenticationValue(reader: ByteReader, end: number): AuthenticationValue {
  const at = reader.pos;
  const tag = readBerTag(reader, end);
  const innerLength = readBerLength(reader, end);
  const innerEnd = reader.pos + innerLength;
  let v: AuthenticationValue;
  if (tag === charstringTag) {
    v = { type: 'charstring', value: reader.bytesView(innerEnd - reader.pos, 'authentication value') };
  } else if (tag === bitstringTag) {
    v = { type: 'bitstring', value: readBitStringContent(reader, innerEnd) };
  } else {
    return reader.fail('unsupported authentication-value alternative', 'charstring 80 or bitstring 81', at);
  }
  expectBerEnd(reader, end, 'the end of the authentication value');
  return v;
}

/**
 * Writes an authentication-value field: `tag`, then the `80` charstring or `81` bitstring TLV.
 *
 * @throws EncodeError naming `field` for an unknown alternative or malformed bit string
 */
export function writeAuthenticationValue(
  writer: ByteWriter,
  tag: number,
  v: AuthenticationValue,
  field: string,
): void {
  if (v.type === 'charstring') {
    if (!(v.value instanceof Uint8Array)) throw new EncodeError(field, 'value must be a Uint8Array');
    openBerTlv(writer, tag);
    writeBerTlv(writer, charstringTag, v.value);
  } else if (v.type === 'bitstring') {
    openBerTlv(writer, tag);
    writeBitString(writer, bitstringTag, v.value, field);
  } else {
    throw new EncodeError(field, "type must be 'charstring' or 'bitstring'");
  }
  closeBerTlv(writer);
}
