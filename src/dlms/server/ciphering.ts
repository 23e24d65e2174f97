/**
 * Ciphering of an association's xDLMS APDUs (meterlink spec §10.4–§10.7): deciphering requests
 * with replay protection against the client's counter, protecting responses with the server's
 * own counter in the envelope family the request used.
 *
 * @module
 */

import { encodeApdu } from '../apdu/apdu-codec.js';
import { lengthSize } from '../axdr/length.js';
import { nextInvocationCounter } from '../security/invocation-counter.js';
import { type CipheredEnvelope, protectApdu, unprotectApdu } from '../security/protect.js';
import { checkSecurityControl } from '../security/security-control.js';
import type { CipheredApdu } from '../security/types.js';
import type { Association, RequestProtection } from './association.js';
import type { LogicalDevice } from './logical-device.js';
import type { SecurityContext } from './security-context.js';

/** GCM tag length carried by authenticated APDUs (§10.5). */
const tagBytes = 12;

/** The envelope family of a received ciphered APDU. */
export function envelopeOf(apdu: CipheredApdu): CipheredEnvelope {
  switch (apdu.type) {
    case 'glo-ciphered':
      return 'glo';
    case 'ded-ciphered':
      return 'ded';
    case 'general-glo-ciphering':
      return 'general-glo';
    default:
      return 'general-ded';
  }
}

/** The cipher key of an envelope: the dedicated key for ded- envelopes, else the global EK. */
function keyFor(
  envelope: CipheredEnvelope,
  security: SecurityContext,
  association: Association,
): Uint8Array | undefined {
  return envelope === 'ded' || envelope === 'general-ded'
    ? association.dedicatedKey
    : security.keys.encryptionKey;
}

/** Why a ciphered request was refused (§9.8). */
export type DecipherFailure =
  | { readonly failure: 'deciphering-error' }
  | { readonly failure: 'invocation-counter-error'; readonly expected: number };

/**
 * Deciphers a request of `association` and advances the client counter it was sent with.
 * Returns the plain APDU and how it was protected, or why it was refused.
 */
export async function decipherRequest(
  apdu: CipheredApdu,
  association: Association,
): Promise<{ plain: Uint8Array; protection: RequestProtection } | DecipherFailure> {
  const security = association.config.security;
  const envelope = envelopeOf(apdu);
  const key = security === undefined ? undefined : keyFor(envelope, security, association);
  if (security === undefined || key === undefined || association.clientSystemTitle === undefined) {
    return { failure: 'deciphering-error' };
  }
  const expected = security.lastClientCounter + 1;
  if (apdu.invocationCounter < expected) return { failure: 'invocation-counter-error', expected };
  try {
    const result = await unprotectApdu(apdu, {
      encryptionKey: key,
      authenticationKey: security.keys.authenticationKey,
      systemTitle: association.clientSystemTitle,
      minInvocationCounter: expected,
      requiredSecurity: security.policy,
    });
    // Another request may have advanced the counter while this one was being decrypted.
    if (result.invocationCounter <= security.lastClientCounter) {
      return { failure: 'invocation-counter-error', expected: security.lastClientCounter + 1 };
    }
    security.lastClientCounter = result.invocationCounter;
    return {
      plain: result.plain,
      protection: { envelope, security: checkSecurityControl(result.securityControl) },
    };
  } catch {
    return { failure: 'deciphering-error' };
  }
}

/** Protects a response with the server's next counter, as the request was protected. */
export function protectResponse(
  plain: Uint8Array,
  association: Association,
  protection: RequestProtection,
): Promise<Uint8Array> {
  const security = association.config.security!;
  const key = keyFor(protection.envelope, security, association)!;
  return protectWith(plain, security, key, association.device.systemTitle!, protection);
}

/**
 * Protects a push of `device` for the association whose keys are `security`: general-glo-ciphering
 * with the policy's protections (§10.4: data-notification has no glo- form).
 */
export function protectPush(
  plain: Uint8Array,
  device: LogicalDevice,
  security: SecurityContext,
): Promise<Uint8Array> {
  const mode = security.policy === 'none' ? 'authenticated-encrypted' : security.policy;
  return protectWith(plain, security, security.keys.encryptionKey, device.systemTitle!, {
    envelope: 'general-glo',
    security: mode,
  });
}

async function protectWith(
  plain: Uint8Array,
  security: SecurityContext,
  key: Uint8Array,
  systemTitle: Uint8Array,
  protection: RequestProtection,
): Promise<Uint8Array> {
  security.serverCounter = nextInvocationCounter(security.serverCounter);
  const ciphered = await protectApdu(plain, {
    envelope: protection.envelope,
    security: protection.security,
    encryptionKey: key,
    authenticationKey: security.keys.authenticationKey,
    systemTitle,
    invocationCounter: security.serverCounter,
  });
  return encodeApdu(ciphered);
}

/**
 * Octets a protection adds around a plain APDU of at most `plainBytes` octets (§10.4): tag,
 * length, security header, GCM tag, and for general envelopes the system title.
 */
export function cipheringOverhead(protection: RequestProtection | undefined, plainBytes: number): number {
  if (protection === undefined) return 0;
  const tag = protection.security === 'encrypted' ? 0 : tagBytes;
  const content = 5 + plainBytes + tag;
  const general = protection.envelope === 'general-glo' || protection.envelope === 'general-ded' ? 9 : 0;
  return 1 + general + lengthSize(content) + 5 + tag;
}
