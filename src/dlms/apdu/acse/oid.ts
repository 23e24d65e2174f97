/**
 * OBJECT IDENTIFIER content octets ↔ arcs (X.690 §8.19), e.g. for comparing the
 * application_context_name attribute of Association LN (a structure of the arcs, §11.3) with the
 * context of an AARE.
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
import { oidContentError } from './values.js';

/**
 * The arcs of an OBJECT IDENTIFIER given its BER content octets.
 *
 * @throws InvalidArgumentError for malformed content or an arc above 2^53−1
 * @example
 * ```ts
 * oidToArcs(Uint8Array.of(0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01)); // [2, 16, 756, 5, 8, 1, 1]
 * ```
 */
export function oidToArcs(content: Uint8Array): number[] {
  if (oidContentError(content) >= 0) throw new InvalidArgumentError('malformed OBJECT IDENTIFIER content');
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError('OBJECT IDENTIFIER arc above 2^53−1');
    if (b & 0x80) continue;
    if (arcs.length === 0) {
      // X.690 §8.19.4: the first sub-identifier is 40 × arc1 + arc2 (arc1 = 2 takes the rest).
      const first = v < 80 ? Math.floor(v / 40) : 2;
      arcs.push(first, v - 40 * first);
    } else arcs.push(v);
    v = 0;
  }
  return arcs;
}

/**
 * The BER content octets of the OBJECT IDENTIFIER with `arcs`.
 *
 * @throws InvalidArgumentError for fewer than 2 arcs, a first arc above 2, a second arc above 39
 *   under arcs 0 and 1, or an arc that is not a safe non-negative integer
 * @example
 * ```ts
 * oidFromArcs([2, 16, 756, 5, 8, 2, 5]); // 60 85 74 05 08 02 05 (HLS-GMAC)
 * ```
 */
export function oidFromArcs(arcs: readonly number[]): Uint8Array {
  const [a0, a1] = arcs;
  if (a0 === undefined || a1 === undefined) throw new InvalidArgumentError('an OID needs at least 2 arcs');
  for (const a of arcs) {
    if (!Number.isSafeInteger(a) || a < 0)
      throw new InvalidArgumentError(`OID arc ${String(a)} is not valid`);
  }
  if (a0 > 2 || (a0 < 2 && a1 > 39)) throw new InvalidArgumentError(`OID cannot start with ${a0}.${a1}`);
  const out: number[] = [];
  const subIds = [a0 * 40 + a1, ...arcs.slice(2)];
  if (!Number.isSafeInteger(subIds[0])) throw new InvalidArgumentError(`OID arc ${a1} is too large`);
  for (const id of subIds) {
    const septets: number[] = [];
    for (let v = id; ; v = Math.floor(v / 128)) {
      septets.unshift((v % 128) | (septets.length > 0 ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...septets);
  }
  return Uint8Array.from(out);
}
