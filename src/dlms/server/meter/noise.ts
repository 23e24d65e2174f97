/**
 * Deterministic noise for the simulated meter: a hash of (seed, stream, key) to [0, 1), so every
 * value is a pure function of time and the same seed always gives the same meter.
 *
 * @module
 */

/**
 * A pseudo-random number in [0, 1) for `key` (an integer, e.g. a time slot) in `stream` (one per
 * quantity), from a 32-bit integer hash (xorshift-multiply finaliser).
 */
export function noise(seed: number, stream: number, key: number): number {
  const low = (key % 0x100000000) | 0;
  const high = Math.floor(key / 0x100000000) | 0;
  let h = (seed | 0) ^ Math.imul(low, 0x9e3779b1) ^ Math.imul(high ^ stream, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 0x100000000;
}
