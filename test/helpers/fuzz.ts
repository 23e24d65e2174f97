// Case counts for property tests. `npm test` runs the base counts; `npm run fuzz` raises them
// (FUZZ_SCALE, e.g. 20) for a longer, nightly-style run of the same properties.
const scale = Number(process.env.FUZZ_SCALE ?? '1');

/** `base` property cases, scaled by FUZZ_SCALE (default 1). */
export function fuzzRuns(base: number): number {
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
