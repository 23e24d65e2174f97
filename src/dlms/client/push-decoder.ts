/**
 * Turning the APDUs a meter pushes into typed notifications (meterlink spec §9.9, §9.10, §10.4):
 * deciphering with known keys, replay protection per sender system title.
 *
 * @module
 */

import { ProtocolError, SecurityError } from '../../core/errors.js';
import { toHex } from '../../core/hex.js';
import { type ApduDecodeOptions, decodeApdu } from '../apdu/apdu-codec.js';
import type { Apdu } from '../apdu/types.js';
import { unprotectApdu } from '../security/protect.js';
import type { SecurityMode } from '../security/security-control.js';
import type { CipheredApdu } from '../security/types.js';
import { type DlmsNotification, isNotification } from './push.js';

/** Keys to decipher pushes with. */
export interface PushSecurityOptions {
  /** Global unicast (or broadcast) encryption key EK, 16 octets. */
  encryptionKey: Uint8Array;
  /** Authentication key AK, 16 octets. */
  authenticationKey: Uint8Array;
  /**
   * The meter's system title, needed for glo- APDUs (which do not carry it); general-glo-ciphering
   * carries its own. When set, general-glo-ciphering from another title is refused.
   */
  systemTitle?: Uint8Array;
  /** Least protection accepted. Default `'authenticated'` (§10.6). */
  requiredSecurity?: SecurityMode;
}

function isCiphered(apdu: Apdu): apdu is CipheredApdu {
  return (
    apdu.type === 'glo-ciphered' ||
    apdu.type === 'ded-ciphered' ||
    apdu.type === 'general-glo-ciphering' ||
    apdu.type === 'general-ded-ciphering'
  );
}

/** Decodes pushes from any number of meters; remembers each sender's last counter (§10.7). */
export class PushDecoder {
  readonly #security: PushSecurityOptions | undefined;
  readonly #decode: ApduDecodeOptions;
  readonly #lastCounter = new Map<string, number>();

  constructor(security: PushSecurityOptions | undefined, decode: ApduDecodeOptions = {}) {
    this.#security = security;
    this.#decode = decode;
  }

  /**
   * The notification an APDU carries.
   *
   * @throws DecodeError for malformed bytes; SecurityError when it is ciphered and no keys are
   *   configured, fails its checks, or replays a counter; ProtocolError when it is no push
   */
  async decode(bytes: Uint8Array, peer?: string): Promise<DlmsNotification> {
    let apdu = decodeApdu(bytes, this.#decode);
    let origin: Pick<DlmsNotification, 'protection'> = {};
    if (isCiphered(apdu)) {
      const keys = this.#security;
      if (keys === undefined)
        throw new SecurityError('authentication-failed', `${apdu.type} push but no keys are configured`);
      if (apdu.type === 'ded-ciphered' || apdu.type === 'general-ded-ciphering') {
        throw new SecurityError(
          'authentication-failed',
          `${apdu.type} push: no dedicated key outside an association`,
        );
      }
      const title = apdu.type === 'general-glo-ciphering' ? apdu.systemTitle : keys.systemTitle;
      const key = title === undefined ? '' : toHex(title);
      const last = this.#lastCounter.get(key);
      const r = await unprotectApdu(apdu, {
        encryptionKey: keys.encryptionKey,
        authenticationKey: keys.authenticationKey,
        ...(keys.systemTitle === undefined ? {} : { systemTitle: keys.systemTitle }),
        ...(last === undefined ? {} : { minInvocationCounter: last + 1 }),
        requiredSecurity: keys.requiredSecurity ?? 'authenticated',
      });
      this.#lastCounter.set(key, r.invocationCounter);
      origin = {
        protection: {
          systemTitle: r.systemTitle,
          invocationCounter: r.invocationCounter,
          securityControl: r.securityControl,
        },
      };
      apdu = decodeApdu(r.plain, this.#decode);
    }
    if (!isNotification(apdu)) throw new ProtocolError(`${apdu.type} is not a push`);
    return { ...apdu, ...origin, ...(peer === undefined ? {} : { peer }) };
  }
}
