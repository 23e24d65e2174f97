/**
 * The ciphering state of one association (meterlink spec §10.2–§10.7): keys, both system titles,
 * the client's invocation counter (persisted through a callback) and the last counter accepted
 * from the server (replay protection).
 *
 * @module
 */

import { ByteWriter } from '../../core/bytes.js';
import { SecurityError } from '../../core/errors.js';
import { writeCipheredApdu } from '../security/ciphered-apdu.js';
import { nextInvocationCounter } from '../security/invocation-counter.js';
import { protectApdu, type UnprotectedApdu, unprotectApdu } from '../security/protect.js';
import type { SecurityMode } from '../security/security-control.js';
import type { CipheredApdu } from '../security/types.js';
import { randomBytes } from '../security/web-crypto.js';
import type { ResolvedSecurity } from './options.js';

/**
 * Largest number of octets ciphering adds to an APDU: tag 1 + length 3 + SC 1 + IC 4 + tag 12,
 * plus 9 for the system title of general-glo-ciphering (§10.4).
 */
export function cipheringOverhead(envelope: 'service' | 'general'): number {
  return envelope === 'general' ? 30 : 21;
}

/** Keys, titles and counters of a ciphered (or HLS-GMAC) association. */
export class CipherContext {
  /** Protection of every request and the minimum of every response; `'none'` = plain association. */
  readonly policy: SecurityMode | 'none';
  /** EK. */
  readonly encryptionKey: Uint8Array;
  /** AK. */
  readonly authenticationKey: Uint8Array;
  /** The client system title. */
  readonly clientSystemTitle: Uint8Array;
  /** The dedicated key proposed in the InitiateRequest, if any. */
  readonly dedicatedKey: Uint8Array | undefined;
  /** Which envelope requests use. */
  readonly envelope: 'service' | 'general';
  /** The server system title (AARE responding-AP-title). */
  serverSystemTitle: Uint8Array | undefined;
  /** The last counter accepted from the server; responses must carry a greater one (§10.7). */
  lastServerCounter: number | undefined;
  #next: number;
  readonly #persist: ((next: number) => void | Promise<void>) | undefined;

  constructor(security: ResolvedSecurity, firstCounter: number) {
    this.policy = security.policy;
    this.encryptionKey = security.encryptionKey;
    this.authenticationKey = security.authenticationKey;
    this.clientSystemTitle = security.systemTitle;
    this.dedicatedKey = security.dedicatedKey === true ? randomBytes(16) : security.dedicatedKey;
    this.envelope = security.envelope;
    this.#next = firstCounter;
    this.#persist = security.onInvocationCounter;
  }

  /** `true` when requests are ciphered. */
  get ciphered(): boolean {
    return this.policy !== 'none';
  }

  /** The counter value the next protected APDU will use. */
  get nextCounter(): number {
    return this.#next;
  }

  /**
   * Takes the next counter value, advances it and lets the application persist the new next value
   * before anything is sent with the taken one (§10.7: a counter is never used twice).
   *
   * @throws InvalidArgumentError when the counter is exhausted (the key must be replaced)
   */
  async takeCounter(): Promise<number> {
    const ic = this.#next;
    // Refuse FFFFFFFF as the last usable value is reached: advancing past it is impossible.
    this.#next = nextInvocationCounter(ic);
    await this.#persist?.(this.#next);
    return ic;
  }

  /**
   * Protects a plain APDU with the global key (or the dedicated key when `useDedicated` and one
   * was proposed) in the configured envelope, with the next counter.
   *
   * @param useDedicated - the dedicated key was agreed (AARQ/RLRQ user-information always use the global key)
   * @throws InvalidArgumentError when the counter is exhausted; SecurityError `crypto-unavailable`
   */
  async protectApdu(plain: Uint8Array, useDedicated: boolean, mode: SecurityMode): Promise<CipheredApdu> {
    const ded = useDedicated && this.dedicatedKey !== undefined;
    const envelope =
      this.envelope === 'general' ? (ded ? 'general-ded' : 'general-glo') : ded ? 'ded' : 'glo';
    const invocationCounter = await this.takeCounter();
    return protectApdu(plain, {
      envelope,
      security: mode,
      encryptionKey: ded ? this.dedicatedKey! : this.encryptionKey,
      authenticationKey: this.authenticationKey,
      systemTitle: this.clientSystemTitle,
      invocationCounter,
    });
  }

  /**
   * {@link CipherContext.protectApdu}, encoded.
   * @throws see {@link CipherContext.protectApdu}
   */
  async protect(plain: Uint8Array, useDedicated: boolean, mode: SecurityMode): Promise<Uint8Array> {
    const w = new ByteWriter();
    writeCipheredApdu(w, await this.protectApdu(plain, useDedicated, mode));
    return w.finish();
  }

  /**
   * Checks and decrypts an APDU from the server: the key its envelope names, the server system
   * title, at least `required` protections, and a counter above the last accepted one, which is
   * then remembered.
   *
   * @throws SecurityError for a failed check (`tag-mismatch`, `replay`, `authentication-failed`
   *   for an unknown system title or a missing dedicated key, `unsupported-security-control`)
   */
  async unprotect(apdu: CipheredApdu, required: SecurityMode | 'none'): Promise<UnprotectedApdu> {
    const ded = apdu.type === 'ded-ciphered' || apdu.type === 'general-ded-ciphering';
    if (ded && this.dedicatedKey === undefined) {
      throw new SecurityError('authentication-failed', `${apdu.type} APDU but no dedicated key was agreed`);
    }
    const general = apdu.type === 'general-glo-ciphering' || apdu.type === 'general-ded-ciphering';
    if (!general && this.serverSystemTitle === undefined) {
      throw new SecurityError(
        'authentication-failed',
        `${apdu.type} APDU but the server system title is unknown`,
      );
    }
    const result = await unprotectApdu(apdu, {
      encryptionKey: ded ? this.dedicatedKey! : this.encryptionKey,
      authenticationKey: this.authenticationKey,
      ...(this.serverSystemTitle === undefined ? {} : { systemTitle: this.serverSystemTitle }),
      ...(this.lastServerCounter === undefined ? {} : { minInvocationCounter: this.lastServerCounter + 1 }),
      requiredSecurity: required,
    });
    this.lastServerCounter = result.invocationCounter;
    return result;
  }
}
