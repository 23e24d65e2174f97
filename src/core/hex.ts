/**
 * Hex helpers for logs, test vectors and the CLI.
 *
 * @module
 */

import { InvalidArgumentError } from './errors.js';

const hexDigits = '0123456789ABCDEF';

/**
 * Renders bytes as upper-case hex, optionally with a separator between bytes.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([1, 0xab])); // '01AB'
 * toHex(new Uint8Array([1, 0xab]), ' '); // '01 AB'
 * ```
 */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (i > 0 && separator) out += separator;
    out += hexDigits[b >> 4]! + hexDigits[b & 0x0f]!;
  }
  return out;
}

function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Parses hex text into bytes. Whitespace, `:` and `-` between byte pairs are ignored, an
 * optional `0x` prefix is accepted, and both letter cases are accepted.
 *
 * @throws {@link InvalidArgumentError} on a non-hex character or an odd number of digits.
 * @example
 * ```ts
 * fromHex('01 03 00 6B'); // Uint8Array [1, 3, 0, 107]
 * ```
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0) {
    throw new InvalidArgumentError(`hex text has an odd number of digits (${clean.length})`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(clean.charCodeAt(2 * i));
    const lo = nibble(clean.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new InvalidArgumentError(`not a hex digit in '${clean.slice(2 * i, 2 * i + 2)}' (byte ${i})`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Value of one ASCII hex digit character code (both cases), or -1. Shared by text codecs. */
export const hexNibble = nibble;
