/**
 * Rules for the identifiers that become MQTT topic levels (gateway, port and head-end ids, the
 * root) and travel in envelopes (reply-to, port id).
 *
 * @module
 */

import { maxIdLength } from './envelope.js';

/**
 * Why `id` cannot be a tunnel identifier, or `undefined` when it can: 1–255 UTF-8 octets, no
 * `/`, `+`, `#` or U+0000 (MQTT topic rules) and not starting with `$` (reserved for the broker).
 *
 * @param id - The identifier to check.
 * @param utf8Length - Its length in UTF-8 octets.
 */
export function idProblem(id: string, utf8Length: number): string | undefined {
  if (utf8Length === 0) return 'is empty';
  if (utf8Length > maxIdLength) return `is ${utf8Length} UTF-8 octets long, at most 255 allowed`;
  if (/[/+#]/u.test(id) || id.includes('\0')) return "contains '/', '+', '#' or U+0000";
  if (id.startsWith('$')) return "starts with '$'";
  return undefined;
}

/**
 * Whether `id` is a valid tunnel identifier made of ASCII characters only (then its UTF-8 length
 * is `id.length`): the hot path of the envelope codec, without an encoder or a regular
 * expression. `false` means "check it the long way" (non-ASCII, or invalid).
 *
 * @param id - The identifier to check.
 */
export function isPlainAsciiId(id: string): boolean {
  const n = id.length;
  if (n === 0 || n > maxIdLength || id.charCodeAt(0) === 0x24) return false;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x80 || c === 0 || c === 0x2f || c === 0x2b || c === 0x23) return false;
  }
  return true;
}

/**
 * The id in `length` octets at `at` of `b` when they are plain ASCII and a valid identifier
 * (see {@link isPlainAsciiId}), else `undefined` (decode it the long way).
 *
 * @param b - The bytes.
 * @param at - Offset of the first octet.
 * @param length - Number of octets, 1–255.
 */
export function plainAsciiIdAt(b: Uint8Array, at: number, length: number): string | undefined {
  if (b[at] === 0x24) return undefined;
  let id = '';
  for (let i = at; i < at + length; i++) {
    const c = b[i]!;
    if (c >= 0x80 || c === 0 || c === 0x2f || c === 0x2b || c === 0x23) return undefined;
    id += String.fromCharCode(c);
  }
  return id;
}
