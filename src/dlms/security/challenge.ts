/**
 * HLS challenges CtoS / StoC (meterlink spec §7.5, §10.8): random, 8..64 octets.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { randomBytes } from './web-crypto.js';

/** Allowed challenge lengths, in octets (§10.8). */
export const challengeLength = {
  /** Shortest challenge, in octets. */
  min: 8,
  /** Longest challenge, in octets. */
  max: 64,
} as const;

/**
 * A fresh random challenge from the runtime's CSPRNG.
 *
 * @param length - 8–64 octets; default 16
 * @throws InvalidArgumentError for a length outside 8–64
 * @throws SecurityError `crypto-unavailable` without WebCrypto
 * @example
 * ```ts
 * const ctos = generateChallenge(); // 16 random octets for the AARQ
 * ```
 */
export function generateChallenge(length = 16): Uint8Array {
  if (!Number.isInteger(length) || length < challengeLength.min || length > challengeLength.max) {
    throw new InvalidArgumentError(`an HLS challenge has 8–64 octets, got ${length}`);
  }
  return randomBytes(length);
}

/**
 * `true` when `challenge` has an allowed length (8–64 octets): check a received StoC before answering it.
 *
 * @example
 * ```ts
 * if (!isValidChallenge(stoc)) throw new SecurityError('authentication-failed', `StoC of ${stoc.length} octets`);
 * ```
 */
export function isValidChallenge(challenge: Uint8Array): boolean {
  return challenge.length >= challengeLength.min && challenge.length <= challengeLength.max;
}
