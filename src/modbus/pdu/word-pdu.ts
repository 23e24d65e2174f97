/**
 * Builders for the fixed-size PDUs made of a function code and 16-bit words (FC1–6, 15, 16, 22,
 * 24 …). They fill an exact-size array directly: these are the hottest encoders and need no
 * growing writer. Values must already be checked (internal).
 *
 * @module
 */

/** `[fc][a]` — 3 bytes. */
export function wordPdu1(fc: number, a: number): Uint8Array {
  const out = new Uint8Array(3);
  out[0] = fc;
  out[1] = a >>> 8;
  out[2] = a & 0xff;
  return out;
}

/** `[fc][a][b]` — 5 bytes. */
export function wordPdu2(fc: number, a: number, b: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = fc;
  out[1] = a >>> 8;
  out[2] = a & 0xff;
  out[3] = b >>> 8;
  out[4] = b & 0xff;
  return out;
}

/** `[fc][a][b][c]` — 7 bytes. */
export function wordPdu3(fc: number, a: number, b: number, c: number): Uint8Array {
  const out = new Uint8Array(7);
  out[0] = fc;
  out[1] = a >>> 8;
  out[2] = a & 0xff;
  out[3] = b >>> 8;
  out[4] = b & 0xff;
  out[5] = c >>> 8;
  out[6] = c & 0xff;
  return out;
}
