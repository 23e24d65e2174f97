/**
 * A-XDR building blocks of APDU fields (meterlink spec §6.2): BOOLEAN, OPTIONAL flags, CHOICE
 * octets, SEQUENCE OF counts and OCTET STRINGs with a length.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readLength, writeLength } from '../axdr/length.js';
import { checkBytes } from './encode-checks.js';

/** Default largest SEQUENCE OF count (the `maxArrayLength` default of the Data codec). */
export const defaultMaxListLength = 65535;

/** Limits read by the APDU field readers (a subset of the decode options). */
export interface ListLimits {
  /** Largest SEQUENCE OF count. Default 65 535. */
  maxArrayLength?: number;
}

/**
 * Reads a BOOLEAN: `00` is false, any other octet true (§6.2).
 *
 * @throws DecodeError when the input ends
 */
export function readBoolean(reader: ByteReader, what: string): boolean {
  return reader.u8(what) !== 0;
}

/**
 * Reads the presence octet of an OPTIONAL component: `00` absent, `01` present (§6.2). Any other
 * octet is rejected: it cannot re-encode to the same bytes and usually means misaligned input.
 *
 * @throws DecodeError for another octet or when the input ends
 */
export function readPresence(reader: ByteReader, what: string): boolean {
  const flag = reader.u8(what);
  if (flag > 1) reader.fail(`presence flag 0x${hex2(flag)}`, `00 or 01 (${what})`, reader.pos - 1);
  return flag === 1;
}

/**
 * Throws a DecodeError for a CHOICE octet the service does not define.
 *
 * @param at - Offset of the choice octet.
 */
export function failChoice(reader: ByteReader, what: string, choice: number, at: number): never {
  return reader.fail(`unknown ${what} choice 0x${hex2(choice)}`, `a ${what} choice`, at);
}

/**
 * Reads a SEQUENCE OF count (§6.1) and checks it against `maxArrayLength` and against the bytes
 * left, each element taking at least `minItemBytes`, before anything is allocated.
 *
 * @throws DecodeError for a bad length form, a count above the limit or one the input cannot hold
 */
export function readCount(
  reader: ByteReader,
  what: string,
  minItemBytes: number,
  limits: ListLimits | undefined,
): number {
  const at = reader.pos;
  const count = readLength(reader, what);
  const max = limits?.maxArrayLength ?? defaultMaxListLength;
  if (count > max) reader.fail(`${count} elements exceed maxArrayLength (${max})`, `a shorter ${what}`, at);
  if (count * minItemBytes > reader.remaining) {
    reader.fail(`${count} elements cannot fit in the ${reader.remaining} bytes left`, what, at);
  }
  return count;
}

/**
 * Reads an OCTET STRING with its length (§6.2).
 *
 * @returns A view into the reader's bytes (it aliases the input: copy it to keep it past the input's life).
 * @throws DecodeError for a bad length form or a length beyond the input
 */
export function readOctets(reader: ByteReader, what: string): Uint8Array {
  const n = readLength(reader, what);
  return reader.bytesView(n, what);
}

/**
 * Writes an OCTET STRING with its length.
 *
 * @throws EncodeError naming `field` when `bytes` is not a Uint8Array
 */
export function writeOctets(writer: ByteWriter, bytes: Uint8Array, field: string): void {
  checkBytes(bytes, field);
  writeLength(writer, bytes.length);
  writer.bytes(bytes);
}

/** Two upper-case hex digits of an octet (error messages only). */
export function hex2(octet: number): string {
  return octet.toString(16).toUpperCase().padStart(2, '0');
}
