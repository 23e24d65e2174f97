/**
 * The security control byte (meterlink spec §10.3): suite id, authentication (A), encryption (E),
 * key set (broadcast) and compression bits.
 *
 * @module
 */

import { InvalidArgumentError, SecurityError } from '../../core/errors.js';

/** Bit masks of the security control byte (§10.3). */
export const securityControlBits = {
  /** Bits 3..0: security suite id. */
  suite: 0x0f,
  /** Bit 4 (A): an authentication tag is present. */
  authentication: 0x10,
  /** Bit 5 (E): the APDU is encrypted. */
  encryption: 0x20,
  /** Bit 6: 1 = the broadcast key, 0 = the unicast key. */
  broadcastKey: 0x40,
  /** Bit 7: compression (not used, must be 0). */
  compression: 0x80,
} as const;

/** The protections of an APDU: A only (`10`), E only (`20`) or both (`30`). */
export type SecurityMode = 'authenticated' | 'encrypted' | 'authenticated-encrypted';

/** The fields of a security control byte. */
export interface SecurityControl {
  /** Security suite id (0 AES-GCM-128, 1 and 2 ECDH/ECDSA suites, §10.1). */
  suite: number;
  /** A bit: authentication tag present. */
  authentication: boolean;
  /** E bit: encrypted. */
  encryption: boolean;
  /** Key-set bit: broadcast key instead of unicast key. */
  broadcastKey: boolean;
  /** Compression bit (always 0 in practice). */
  compression: boolean;
}

/**
 * Splits a security control byte into its fields, without judging them.
 *
 * @throws InvalidArgumentError when `sc` is not an integer 0–255
 * @example
 * ```ts
 * parseSecurityControl(0x30); // { suite: 0, authentication: true, encryption: true, broadcastKey: false, compression: false }
 * ```
 */
export function parseSecurityControl(sc: number): SecurityControl {
  checkByte(sc);
  return {
    suite: sc & securityControlBits.suite,
    authentication: (sc & securityControlBits.authentication) !== 0,
    encryption: (sc & securityControlBits.encryption) !== 0,
    broadcastKey: (sc & securityControlBits.broadcastKey) !== 0,
    compression: (sc & securityControlBits.compression) !== 0,
  };
}

/**
 * Builds the suite-0 security control byte for `security` (§10.3: `10`, `20`, `30`, plus `40` when
 * the broadcast key is used).
 *
 * @example
 * ```ts
 * buildSecurityControl('authenticated-encrypted'); // 0x30
 * buildSecurityControl('encrypted', { broadcastKey: true }); // 0x60
 * ```
 */
export function buildSecurityControl(security: SecurityMode, options?: { broadcastKey?: boolean }): number {
  const bits =
    security === 'authenticated'
      ? securityControlBits.authentication
      : security === 'encrypted'
        ? securityControlBits.encryption
        : securityControlBits.authentication | securityControlBits.encryption;
  return options?.broadcastKey === true ? bits | securityControlBits.broadcastKey : bits;
}

/**
 * Checks that a received security control byte is one this library can process for a protected
 * APDU — suite 0, no compression, at least one of A and E — and returns its protections.
 *
 * @throws SecurityError `unsupported-security-control` otherwise
 * @throws InvalidArgumentError when `sc` is not an integer 0–255
 * @example
 * ```ts
 * checkSecurityControl(0x30); // 'authenticated-encrypted'
 * checkSecurityControl(0x31); // throws: suite 1
 * ```
 */
export function checkSecurityControl(sc: number): SecurityMode {
  checkByte(sc);
  if ((sc & securityControlBits.suite) !== 0) {
    unsupported(sc, `security suite ${sc & securityControlBits.suite} (only suite 0 is implemented)`);
  }
  if ((sc & securityControlBits.compression) !== 0) unsupported(sc, 'compression');
  const a = (sc & securityControlBits.authentication) !== 0;
  const e = (sc & securityControlBits.encryption) !== 0;
  if (a && e) return 'authenticated-encrypted';
  if (a) return 'authenticated';
  if (e) return 'encrypted';
  return unsupported(sc, 'neither authentication nor encryption');
}

/**
 * `true` when `actual` has every protection of `required` (§10.6: a ciphered APDU with fewer
 * protections than the security policy asks for must be rejected).
 */
export function satisfiesSecurity(actual: SecurityMode, required: SecurityMode): boolean {
  return actual === required || actual === 'authenticated-encrypted';
}

function checkByte(sc: number): void {
  if (!Number.isInteger(sc) || sc < 0 || sc > 0xff) {
    throw new InvalidArgumentError(`a security control byte is an integer 0–255, got ${sc}`);
  }
}

function unsupported(sc: number, what: string): never {
  const hex = sc.toString(16).toUpperCase().padStart(2, '0');
  throw new SecurityError(
    'unsupported-security-control',
    `security control 0x${hex}: ${what} is not supported`,
  );
}
