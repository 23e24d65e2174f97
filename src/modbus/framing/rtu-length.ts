/**
 * RTU frame length prediction: the tables of Modbus spec §7.4.
 *
 * @module
 */

import type { FrameDirection } from './types.js';

/** Largest RTU ADU (spec §1): address, 253-byte PDU, CRC. */
export const maxRtuFrameBytes = 256;

/**
 * Predicts the total length (address + PDU + CRC) of the RTU frame starting at
 * `buffered[start]`, from its function code and at most one count field (spec §7.4 tables).
 *
 * - a number: the total frame length. Above 256 it may be a lower bound (the FC43 walk stops as
 *   soon as the frame cannot fit), which is enough to reject the frame.
 * - `undefined`: more bytes are needed to decide.
 * - `null`: the table has no rule — a user-defined or unknown function code, FC43 with an MEI type
 *   other than 14, or a function code that is impossible in this direction (0; 128–255 in a
 *   request; 0x80 in a response). The caller then uses a user rule or the CRC-scan fallback.
 *
 * FC8 is predicted with its usual two data bytes (8 in total); sub-function 0 may carry more, which
 * only the sender knows (spec §7.4 notes).
 *
 * @param buffered bytes received so far, the frame starting at `start`
 * @param direction `'request'` uses the table a server needs, `'response'` the one a client needs
 * @param start offset of the frame's address byte (default 0)
 * @param end offset just past the last received byte (default `buffered.length`)
 * @example
 * ```ts
 * predictRtuLength(fromHex('1103'), 'request'); // 8
 * predictRtuLength(fromHex('1103'), 'response'); // undefined (needs the byte count)
 * predictRtuLength(fromHex('110306'), 'response'); // 11
 * ```
 */
export function predictRtuLength(
  buffered: Uint8Array,
  direction: FrameDirection,
  start = 0,
  end: number = buffered.length,
): number | undefined | null {
  const avail = end - start;
  if (avail < 2) return undefined;
  const fc = buffered[start + 1]!;
  return direction === 'request'
    ? requestLength(buffered, start, avail, fc)
    : responseLength(buffered, start, avail, fc);
}

function requestLength(b: Uint8Array, s: number, avail: number, fc: number): number | undefined | null {
  switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 8:
      return 8;
    case 7:
    case 11:
    case 12:
    case 17:
      return 4;
    case 15:
    case 16:
      return avail < 7 ? undefined : 9 + b[s + 6]!;
    case 20:
    case 21:
      return avail < 3 ? undefined : 5 + b[s + 2]!;
    case 22:
      return 10;
    case 23:
      return avail < 11 ? undefined : 13 + b[s + 10]!;
    case 24:
      return 6;
    case 43:
      if (avail < 3) return undefined;
      return b[s + 2] === 0x0e ? 7 : null;
    default:
      return null;
  }
}

function responseLength(b: Uint8Array, s: number, avail: number, fc: number): number | undefined | null {
  if (fc & 0x80) return fc === 0x80 ? null : 5; // exception: address, fc | 0x80, code, CRC (spec §5.1)
  switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 12:
    case 17:
    case 20:
    case 21:
    case 23:
      return avail < 3 ? undefined : 5 + b[s + 2]!;
    case 5:
    case 6:
    case 8:
    case 11:
    case 15:
    case 16:
      return 8;
    case 7:
      return 5;
    case 22:
      return 10;
    case 24:
      // The only 2-byte byte count (spec §4.16).
      return avail < 4 ? undefined : 6 + ((b[s + 2]! << 8) | b[s + 3]!);
    case 43:
      if (avail < 3) return undefined;
      return b[s + 2] === 0x0e ? walkDeviceIdentification(b, s, avail) : null;
    default:
      return null;
  }
}

/**
 * FC43/14 response: n = b[7] objects of {id, length L, value} start at b[8]; the length grows
 * while walking (spec §7.4, §4.18).
 */
function walkDeviceIdentification(b: Uint8Array, s: number, avail: number): number | undefined {
  if (avail < 8) return undefined;
  let remaining = b[s + 7]!;
  let p = 8;
  while (remaining-- > 0) {
    // Stop early once the frame cannot fit: the caller rejects it without waiting for more bytes.
    if (p + 2 > maxRtuFrameBytes) return p + 2;
    if (avail < p + 2) return undefined;
    p += 2 + b[s + p + 1]!;
  }
  return p + 2;
}

/**
 * Whether a function code can start a frame in this direction (spec §3): 0 never; 128–255 only in
 * responses (exceptions), and 0x80 not even there (it would be the exception of function 0).
 */
export function isPossibleFunctionCode(fc: number, direction: FrameDirection): boolean {
  if (fc === 0 || fc === 0x80) return false;
  return direction === 'response' || fc < 0x80;
}
