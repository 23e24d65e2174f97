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

/**
 * A ciphered APDU as it travels. `content` is the payload after the security header exactly as
 * on the wire: ciphertext (or the APDU in clear when only authenticated) followed by the 12-octet
 * tag when the A bit is set.
 */
export type CipheredApdu =
  /** Service-specific APDU protected with a global key (`glo-get-request` …). */
  | ({ type: 'glo-ciphered'; service: CipheredService; content: Uint8Array } & SecurityHeader)
  /** Service-specific APDU protected with the dedicated key (`ded-get-request` …). */
  | ({ type: 'ded-ciphered'; service: CipheredService; content: Uint8Array } & SecurityHeader)
  /** `DB` general-glo-ciphering: any APDU, with the sender's system title. */
  | ({ type: 'general-glo-ciphering'; systemTitle: Uint8Array; content: Uint8Array } & SecurityHeader)
  /** `DC` general-ded-ciphering. */
  | ({ type: 'general-ded-ciphering'; systemTitle: Uint8Array; content: Uint8Array } & SecurityHeader);
