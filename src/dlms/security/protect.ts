/**
 * Protecting and unprotecting whole APDUs (meterlink spec §10.4–§10.7): chooses the envelope,
 * builds the security control byte, runs AES-GCM and enforces the counter and policy checks.
 * Counters are explicit arguments: the caller keeps them (no hidden state).
 *
 * @module
 */

import { DecodeError, InvalidArgumentError, SecurityError } from '../../core/errors.js';
import { cipheredServiceOfPlainTag, cipheredServiceTags } from './ciphered-apdu.js';
import { decryptPayload, encryptPayload } from './gcm.js';
import { checkInvocationCounter } from './invocation-counter.js';
import {
  buildSecurityControl,
  checkSecurityControl,
  type SecurityMode,
  satisfiesSecurity,
} from './security-control.js';
import type { CipheredApdu } from './types.js';
import { constantTimeEqual } from './web-crypto.js';

/** Which envelope carries the protected APDU (§10.4). */
export type CipheredEnvelope = 'glo' | 'ded' | 'general-glo' | 'general-ded';

/** Options of {@link protectApdu}. */
export interface ProtectApduOptions {
  /**
   * `glo`/`ded`: the service-specific tag of the plain APDU (only for the services of §8 that
   * have one); `general-glo`/`general-ded`: `DB`/`DC`, any APDU, carrying `systemTitle`.
   */
  envelope: CipheredEnvelope;
  /** Protections to apply (SC `10`, `20` or `30`). */
  security: SecurityMode;
  /** 16-octet cipher key: global unicast (or broadcast) key for glo, the dedicated key for ded. */
  encryptionKey: Uint8Array;
  /** 16-octet authentication key (AK); not used for `encrypted`. */
  authenticationKey: Uint8Array;
  /** The sender's (our) 8-octet system title. */
  systemTitle: Uint8Array;
  /** The counter value for this APDU; the caller advances it (see `nextInvocationCounter`). */
  invocationCounter: number;
  /** Sets the key-set bit (§10.3): `encryptionKey` is then the global broadcast key. */
  broadcastKey?: boolean;
}

/**
 * Protects a plain APDU with suite 0 and wraps it in the requested envelope.
 *
 * @throws InvalidArgumentError when a glo/ded envelope is asked for an APDU that has no
 *   service-specific ciphered form (data-notification, AARQ …: use general-glo), for an empty
 *   APDU, a system title that is not 8 octets or a counter out of range
 * @throws SecurityError `bad-key` or `crypto-unavailable`
 * @example
 * ```ts
 * const ciphered = await protectApdu(getRequest, {
 *   envelope: 'glo', security: 'authenticated-encrypted', encryptionKey, authenticationKey,
 *   systemTitle: clientTitle, invocationCounter: (ic = nextInvocationCounter(ic)),
 * });
 * const w = new ByteWriter(); writeCipheredApdu(w, ciphered); send(w.finish());
 * ```
 */
export async function protectApdu(plain: Uint8Array, options: ProtectApduOptions): Promise<CipheredApdu> {
  const first = plain[0];
  if (first === undefined) throw new InvalidArgumentError('cannot protect an empty APDU');
  const securityControl = buildSecurityControl(options.security, {
    broadcastKey: options.broadcastKey === true,
  });
  const { envelope, invocationCounter } = options;
  const service = envelope === 'glo' || envelope === 'ded' ? cipheredServiceOfPlainTag(first) : undefined;
  if ((envelope === 'glo' || envelope === 'ded') && service === undefined) {
    const hex = first.toString(16).toUpperCase().padStart(2, '0');
    throw new InvalidArgumentError(
      `APDU tag 0x${hex} has no ${envelope}- form (§8); use a general-${envelope} envelope`,
    );
  }
  const content = await encryptPayload(plain, { ...options, securityControl });
  if (service !== undefined) {
    const type = envelope === 'glo' ? 'glo-ciphered' : 'ded-ciphered';
    return { type, service, securityControl, invocationCounter, content };
  }
  const type = envelope === 'general-glo' ? 'general-glo-ciphering' : 'general-ded-ciphering';
  return { type, systemTitle: options.systemTitle.slice(), securityControl, invocationCounter, content };
}

/** Options of {@link unprotectApdu}. */
export interface UnprotectApduOptions {
  /** 16-octet cipher key (global unicast/broadcast for glo and general-glo, dedicated for ded). */
  encryptionKey: Uint8Array;
  /** 16-octet authentication key (AK). */
  authenticationKey: Uint8Array;
  /**
   * The **sender's** 8-octet system title. Required for glo-/ded- APDUs. general-glo/ded-ciphering
   * carries it; when given here too, the carried one must be equal.
   */
  systemTitle?: Uint8Array;
  /**
   * Smallest counter accepted: the last accepted value + 1 (§10.7). A lower counter is a replay.
   * Omitted: no replay check.
   */
  minInvocationCounter?: number;
  /**
   * Protections the APDU must have at least (§10.6). Default `authenticated`: an APDU without a tag
   * is refused unless this is `encrypted` or `none` — otherwise anyone could strip the A bit
   * of a `30` APDU and have its ciphertext decrypted without any check.
   */
  requiredSecurity?: SecurityMode | 'none';
}

/** What {@link unprotectApdu} returns. */
export interface UnprotectedApdu {
  /** The plain APDU. */
  plain: Uint8Array;
  /** The sender's counter (remember it: the next one must be greater). */
  invocationCounter: number;
  /** The security control byte used. */
  securityControl: number;
  /** The sender's system title used in the IV. */
  systemTitle: Uint8Array;
}

/**
 * Checks and decrypts a ciphered APDU. Nothing is returned unless every check passed: the
 * security control, the counter, the tag, and (glo/ded) that the plain APDU is the service the
 * envelope names.
 *
 * @throws SecurityError `tag-mismatch` (wrong key or altered bytes), `replay` (counter below
 *   `minInvocationCounter`), `unsupported-security-control` (suite ≠ 0, compression, no
 *   protection, or fewer protections than `requiredSecurity`), `authentication-failed` (carried
 *   system title differs from `systemTitle`), `bad-key`, `crypto-unavailable`
 * @throws DecodeError (layer `security`) when the content is too short for its tag or the
 *   plain APDU does not start with the service the envelope names
 * @throws InvalidArgumentError when a glo-/ded- APDU comes without `systemTitle`
 * @example
 * ```ts
 * const { plain, invocationCounter } = await unprotectApdu(readCipheredApdu(reader), {
 *   encryptionKey, authenticationKey, systemTitle: serverTitle, minInvocationCounter: lastServerIc + 1,
 * });
 * ```
 */
export async function unprotectApdu(
  apdu: CipheredApdu,
  options: UnprotectApduOptions,
): Promise<UnprotectedApdu> {
  const { securityControl, invocationCounter } = apdu;
  const mode = checkSecurityControl(securityControl);
  const required = options.requiredSecurity ?? 'authenticated';
  if (required !== 'none' && !satisfiesSecurity(mode, required)) {
    throw new SecurityError(
      'unsupported-security-control',
      `APDU is protected '${mode}' but '${required}' is required (§10.6)`,
    );
  }
  if (options.minInvocationCounter !== undefined) {
    checkInvocationCounter(invocationCounter, options.minInvocationCounter);
  }
  let systemTitle: Uint8Array;
  if (apdu.type === 'general-glo-ciphering' || apdu.type === 'general-ded-ciphering') {
    if (options.systemTitle !== undefined && !constantTimeEqual(options.systemTitle, apdu.systemTitle)) {
      throw new SecurityError(
        'authentication-failed',
        'the APDU carries another system title than the expected sender',
      );
    }
    systemTitle = apdu.systemTitle;
  } else {
    if (options.systemTitle === undefined) {
      throw new InvalidArgumentError(`${apdu.type} APDUs need the sender's systemTitle`);
    }
    systemTitle = options.systemTitle;
  }
  const plain = await decryptPayload(apdu.content, {
    securityControl,
    invocationCounter,
    systemTitle,
    encryptionKey: options.encryptionKey,
    authenticationKey: options.authenticationKey,
  });
  if (apdu.type === 'glo-ciphered' || apdu.type === 'ded-ciphered') {
    // The envelope tag is outside the AAD: check it names the service actually carried.
    const expected = cipheredServiceTags[apdu.service].plain;
    if (plain[0] !== expected) {
      throw new DecodeError(`plain APDU does not match its ${apdu.type} ${apdu.service} envelope`, {
        layer: 'security',
        offset: 0,
        expected: `a ${apdu.service} APDU`,
      });
    }
  }
  return { plain, invocationCounter, securityControl, systemTitle: systemTitle.slice() };
}
