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
