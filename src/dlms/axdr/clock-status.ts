/**
 * The clock status octet of a COSEM date-time (meterlink spec §6.5).
 *
 * @module
 */

import { EncodeError } from '../../core/errors.js';
import type { ClockStatus, Unspecified } from './types.js';

/** The octet meaning "clock status not specified" (§6.5). */
export const clockStatusUnspecified = 0xff;

/** Bits 4–6 of the octet, reserved (§6.5). */
const reservedMask = 0x70;

/**
 * Splits a clock status octet into its flags; `0xFF` is "not specified" (§6.5).
 *
 * @example
 * ```ts
 * decodeClockStatus(0x80); // { daylightSavingActive: true, invalid: false, …, reserved: 0 }
 * ```
 */
export function decodeClockStatus(octet: number): ClockStatus | Unspecified {
  if (octet === clockStatusUnspecified) return 'unspecified';
  return {
    invalid: (octet & 0x01) !== 0,
    doubtful: (octet & 0x02) !== 0,
    differentClockBase: (octet & 0x04) !== 0,
    invalidClockStatus: (octet & 0x08) !== 0,
    daylightSavingActive: (octet & 0x80) !== 0,
    reserved: octet & reservedMask,
  };
}

/**
 * Builds the clock status octet.
 *
 * @throws EncodeError when `reserved` has bits outside 0x70, or when every bit would be set: 0xFF
 *   on the wire means "not specified" and would not decode back to the same flags.
 * @example
 * ```ts
 * encodeClockStatus({
 *   invalid: false, doubtful: false, differentClockBase: false,
 *   invalidClockStatus: false, daylightSavingActive: true, reserved: 0,
 * }); // 0x80
 * encodeClockStatus('unspecified'); // 0xFF
 * ```
 */
export function encodeClockStatus(status: ClockStatus | Unspecified): number {
  if (status === 'unspecified') return clockStatusUnspecified;
  const reserved = status.reserved;
  if (!Number.isInteger(reserved) || (reserved & ~reservedMask) !== 0) {
    throw new EncodeError(
      'clockStatus.reserved',
      `${reserved} is not a combination of bits 4–6 (a subset of 0x70)`,
    );
  }
  const octet =
    (status.invalid ? 0x01 : 0) |
    (status.doubtful ? 0x02 : 0) |
    (status.differentClockBase ? 0x04 : 0) |
    (status.invalidClockStatus ? 0x08 : 0) |
    (status.daylightSavingActive ? 0x80 : 0) |
    reserved;
  if (octet === clockStatusUnspecified) {
    throw new EncodeError('clockStatus', 'every bit set encodes as 0xFF, which means "not specified"');
  }
  return octet;
}
