/**
 * HDLC address fields (spec §4.3): 7 address bits per octet, bit 0 = 1 on the last octet.
 *
 * @module
 */

import { EncodeError } from '../../core/errors.js';
import type { HdlcAddress } from './types.js';

function checkPart(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new EncodeError(field, `must be an integer 0–${max}, got ${value}`);
  }
}

/**
 * Checks an address and returns its size in octets (spec §4.3; without `size`: 1 octet
 * without `lower`, 2 when both parts are below 128, else 4).
 *
 * @throws {@link EncodeError} naming `field` when a part is out of range for the size, or
 *   `lower` is missing (2 or 4 octets) or present (1 octet)
 */
export function hdlcAddressSize(address: HdlcAddress, field: string): 1 | 2 | 4 {
  const { upper, lower } = address;
  const size = address.size ?? (lower === undefined ? 1 : upper < 128 && lower < 128 ? 2 : 4);
  if (size !== 1 && size !== 2 && size !== 4) {
    throw new EncodeError(`${field}.size`, `must be 1, 2 or 4, got ${String(size)}`);
  }
  const max = size === 4 ? 0x3fff : 0x7f;
  checkPart(upper, max, `${field}.upper`);
  if (size === 1) {
    if (lower !== undefined) {
      throw new EncodeError(`${field}.lower`, 'a 1-octet address has no lower part (spec §4.3)');
    }
  } else {
    if (lower === undefined) {
      throw new EncodeError(`${field}.lower`, `a ${size}-octet address needs a lower part (spec §4.3)`);
    }
    checkPart(lower, max, `${field}.lower`);
  }
  return size;
}

/** Writes an address checked by {@link hdlcAddressSize} at `p`; returns the offset after it. */
export function writeHdlcAddress(out: Uint8Array, p: number, address: HdlcAddress, size: 1 | 2 | 4): number {
  const upper = address.upper;
  const lower = address.lower ?? 0;
  if (size === 1) {
    out[p] = (upper << 1) | 1;
    return p + 1;
  }
  if (size === 2) {
    out[p] = upper << 1;
    out[p + 1] = (lower << 1) | 1;
    return p + 2;
  }
  out[p] = (upper >> 7) << 1;
  out[p + 1] = (upper & 0x7f) << 1;
  out[p + 2] = (lower >> 7) << 1;
  out[p + 3] = ((lower & 0x7f) << 1) | 1;
  return p + 4;
}

/**
 * Reads the address starting at `b[p]` (`p < limit`), which must end (bit 0 set) before `limit`.
 * Returns `undefined` for an address of 3 or more than 4 octets or one that reaches `limit`.
 */
export function readHdlcAddress(b: Uint8Array, p: number, limit: number): HdlcAddress | undefined {
  const o0 = b[p]!;
  if (o0 & 1) return { upper: o0 >> 1, size: 1 };
  if (p + 1 >= limit) return undefined;
  const o1 = b[p + 1]!;
  if (o1 & 1) return { upper: o0 >> 1, lower: o1 >> 1, size: 2 };
  if (p + 3 >= limit) return undefined;
  const o2 = b[p + 2]!;
  const o3 = b[p + 3]!;
  // A 3-octet address (o2 ends it) or a 5th octet (o3 does not) is not a DLMS layout (spec §4.3).
  if (o2 & 1 || !(o3 & 1)) return undefined;
  return { upper: ((o0 >> 1) << 7) | (o1 >> 1), lower: ((o2 >> 1) << 7) | (o3 >> 1), size: 4 };
}
