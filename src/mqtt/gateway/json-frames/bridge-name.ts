/**
 * The topic prefix of the JSON frame mode's request topics.
 *
 * @module
 */

import { idProblem } from '../../protocol/ids.js';

const utf8Encoder = new TextEncoder();

/**
 * Why `name` cannot be a bridge name, or `undefined` when it can: one or more topic levels
 * separated by `/`, each a valid tunnel identifier (1–255 UTF-8 octets, no `+`, `#` or U+0000,
 * not starting with `$`).
 */
export function bridgeNameProblem(name: string): string | undefined {
  for (const level of name.split('/')) {
    const problem = idProblem(level, utf8Encoder.encode(level).length);
    if (problem !== undefined) return `level ${JSON.stringify(level)} ${problem}`;
  }
  return undefined;
}
