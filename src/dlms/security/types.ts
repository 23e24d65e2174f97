/**
 * Ciphered APDU envelopes (meterlink spec §10.4): the contract between the APDU codec (which
 * decodes and encodes them as part of the `Apdu` union) and the security module (which
 * encrypts and decrypts their content with AES-GCM).
 *
 * @module
 */

/** The plain services a glo-/ded- APDU can protect (§8: glo = plain tag + 8 / + 32, ded = + 16 / + 64). */
export type CipheredService =
  | 'initiate-request'
  | 'initiate-response'
  | 'read-request'
  | 'write-request'
  | 'read-response'
  | 'write-response'
  | 'confirmed-service-error'
  | 'unconfirmed-write-request'
  | 'information-report-request'
  | 'get-request'
  | 'set-request'
  | 'event-notification-request'
  | 'action-request'
  | 'get-response'
  | 'set-response'
  | 'action-response';

/** The security header: security control byte (§10.3) and invocation counter (§10.7). */
export interface SecurityHeader {
  /** Bits 0–3 suite, bit 4 authentication, bit 5 encryption, bit 6 broadcast key, bit 7 compression (0). */
  securityControl: number;
  /** 32-bit invocation counter of the sender. */
  invocationCounter: number;
}

/** What every ciphered APDU carries besides its header: the protected payload. */
interface CipheredPayload extends SecurityHeader {
  /**
   * The payload after the security header exactly as on the wire: ciphertext (or the APDU in
   * clear when only authenticated), followed by the 12-octet tag when the A bit is set.
   */
  content: Uint8Array;
}

/** Service-specific APDU protected with a global key (`glo-get-request` …, §8: plain tag + 8 / + 32). */
export interface GloCipheredApdu extends CipheredPayload {
  /** Discriminator. */
  type: 'glo-ciphered';
  /** The plain service the envelope's tag names. */
  service: CipheredService;
}

/** Service-specific APDU protected with the dedicated key (`ded-get-request` …, §8: plain tag + 16 / + 64). */
export interface DedCipheredApdu extends CipheredPayload {
  /** Discriminator. */
  type: 'ded-ciphered';
  /** The plain service the envelope's tag names. */
  service: CipheredService;
}

/** `DB` general-glo-ciphering (§10.4): any APDU, with the sender's system title. */
export interface GeneralGloCipheringApdu extends CipheredPayload {
  /** Discriminator. */
  type: 'general-glo-ciphering';
  /** The sender's system title (8 octets, §10.2). */
  systemTitle: Uint8Array;
}

/** `DC` general-ded-ciphering (§10.4): as general-glo-ciphering, with the dedicated key. */
export interface GeneralDedCipheringApdu extends CipheredPayload {
  /** Discriminator. */
  type: 'general-ded-ciphering';
  /** The sender's system title (8 octets, §10.2). */
  systemTitle: Uint8Array;
}

/** A ciphered APDU as it travels (§10.4); `content` is still protected. */
export type CipheredApdu =
  | GloCipheredApdu
  | DedCipheredApdu
  | GeneralGloCipheringApdu
  | GeneralDedCipheringApdu;
