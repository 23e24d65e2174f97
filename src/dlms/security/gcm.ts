/**
 * AES-GCM protection of an APDU payload for security suite 0 (meterlink spec §10.5, NIST SP
 * 800-38D): IV = system title (8) ‖ invocation counter (4), 12-octet tag, AAD = SC ‖ AK (‖ the
 * APDU when only authenticated).
 *
 * @module
 */

import { DecodeError, InvalidArgumentError, SecurityError } from '../../core/errors.js';
import { checkCounterRange } from './invocation-counter.js';
import { checkSecurityControl } from './security-control.js';
import { checkKey, importAesKey, isOperationError, subtleCrypto, type WebCryptoKey } from './web-crypto.js';

/** Length of the truncated GCM authentication tag (§10.5). */
export const gcmTagLength = 12;

/** Inputs of {@link encryptPayload} and {@link decryptPayload}. */
export interface PayloadOptions {
  /** Security control byte (§10.3); suite 0 with A and/or E. */
  securityControl: number;
  /** The sender's invocation counter for this APDU. */
  invocationCounter: number;
  /** The **sender's** 8-octet system title (§10.2). */
  systemTitle: Uint8Array;
  /** 16-octet cipher key: global unicast, broadcast or dedicated key, as the envelope requires. */
  encryptionKey: Uint8Array;
  /** 16-octet authentication key (AK); only used when the A bit is set. */
  authenticationKey: Uint8Array;
}

/**
 * Protects an APDU: returns the content that follows the security header on the wire —
 * ciphertext ‖ tag (`30`), APDU ‖ tag (`10`) or ciphertext (`20`).
 *
 * @throws SecurityError `unsupported-security-control`, `bad-key` or `crypto-unavailable`
 * @throws InvalidArgumentError for a system title that is not 8 octets or a counter out of range
 * @example
 * ```ts
 * const content = await encryptPayload(apdu, { securityControl: 0x30, invocationCounter: 1, systemTitle, encryptionKey, authenticationKey });
 * ```
 */
export async function encryptPayload(plain: Uint8Array, options: PayloadOptions): Promise<Uint8Array> {
  const mode = checkSecurityControl(options.securityControl);
  const iv = buildIv(options.systemTitle, options.invocationCounter);
  const subtle = subtleCrypto();
  if (mode === 'encrypted') {
    const key = await importAesKey(options.encryptionKey, 'AES-CTR', 'encryption key');
    return new Uint8Array(await subtle.encrypt(ctrParams(iv), key, new Uint8Array(plain)));
  }
  checkKey(options.authenticationKey, 'authentication key');
  const key = await importAesKey(options.encryptionKey, 'AES-GCM', 'encryption key');
  if (mode === 'authenticated-encrypted') {
    const aad = buildAad(options.securityControl, options.authenticationKey, undefined);
    return new Uint8Array(await subtle.encrypt(gcmParams(iv, aad), key, new Uint8Array(plain)));
  }
  // Authentication only: the GMAC is the tag of an encryption of nothing, with the APDU in the AAD.
  const aad = buildAad(options.securityControl, options.authenticationKey, plain);
  const tag = new Uint8Array(await subtle.encrypt(gcmParams(iv, aad), key, new Uint8Array(0)));
  const content = new Uint8Array(plain.length + gcmTagLength);
  content.set(plain);
  content.set(tag, plain.length);
  return content;
}

/**
 * Reverses {@link encryptPayload}: verifies the tag (when the A bit is set) before anything is
 * decrypted or returned, and returns the APDU.
 *
 * @throws SecurityError `tag-mismatch` when the tag does not verify (wrong key, system title,
 *   counter or tampered bytes); `unsupported-security-control`, `bad-key`, `crypto-unavailable`
 * @throws DecodeError (layer `security`) when the content is shorter than the tag
 * @throws InvalidArgumentError for a system title that is not 8 octets or a counter out of range
 * @example
 * ```ts
 * const apdu = await decryptPayload(ciphered.content, { ...ciphered, systemTitle: serverTitle, encryptionKey, authenticationKey });
 * ```
 */
export async function decryptPayload(content: Uint8Array, options: PayloadOptions): Promise<Uint8Array> {
  const mode = checkSecurityControl(options.securityControl);
  const iv = buildIv(options.systemTitle, options.invocationCounter);
  const subtle = subtleCrypto();
  if (mode === 'encrypted') {
    const key = await importAesKey(options.encryptionKey, 'AES-CTR', 'encryption key');
    return new Uint8Array(await subtle.decrypt(ctrParams(iv), key, new Uint8Array(content)));
  }
  if (content.length < gcmTagLength) {
    throw new DecodeError(`ciphered content of ${content.length} octets has no room for the tag`, {
      layer: 'security',
      offset: content.length,
      expected: 'a 12-octet authentication tag',
      bytes: content,
    });
  }
  checkKey(options.authenticationKey, 'authentication key');
  const key = await importAesKey(options.encryptionKey, 'AES-GCM', 'encryption key');
  if (mode === 'authenticated-encrypted') {
    const aad = buildAad(options.securityControl, options.authenticationKey, undefined);
    return new Uint8Array(await verified(subtle.decrypt(gcmParams(iv, aad), key, new Uint8Array(content))));
  }
  const apdu = content.subarray(0, content.length - gcmTagLength);
  const aad = buildAad(options.securityControl, options.authenticationKey, apdu);
  // Decrypting the bare tag with the APDU in the AAD verifies the GMAC inside WebCrypto.
  await verified(subtle.decrypt(gcmParams(iv, aad), key, content.slice(content.length - gcmTagLength)));
  return apdu.slice();
}

/**
 * Computes the 12-octet GMAC tag (§10.8 HLS-GMAC): AES-GCM with `key`, IV = system title ‖ IC,
 * AAD = `aad`, empty plaintext.
 */
export async function gmacTag(
  encryptionKey: Uint8Array,
  systemTitle: Uint8Array,
  invocationCounter: number,
  aad: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  const iv = buildIv(systemTitle, invocationCounter);
  const key: WebCryptoKey = await importAesKey(encryptionKey, 'AES-GCM', 'encryption key');
  return new Uint8Array(await subtleCrypto().encrypt(gcmParams(iv, aad), key, new Uint8Array(0)));
}

/**
 * IV = system title (8) ‖ invocation counter (4, big-endian), §10.5.
 * @throws InvalidArgumentError for a system title that is not 8 octets or a counter out of range
 */
export function buildIv(systemTitle: Uint8Array, invocationCounter: number): Uint8Array<ArrayBuffer> {
  if (!(systemTitle instanceof Uint8Array) || systemTitle.length !== 8) {
    throw new InvalidArgumentError('a system title is 8 octets (§10.2)');
  }
  checkCounterRange(invocationCounter, 'invocation counter');
  const iv = new Uint8Array(12);
  iv.set(systemTitle);
  iv[8] = invocationCounter >>> 24;
  iv[9] = invocationCounter >>> 16;
  iv[10] = invocationCounter >>> 8;
  iv[11] = invocationCounter;
  return iv;
}

/** AAD = SC ‖ AK (‖ `data`), §10.5. */
export function buildAad(
  securityControl: number,
  authenticationKey: Uint8Array,
  data: Uint8Array | undefined,
): Uint8Array<ArrayBuffer> {
  const aad = new Uint8Array(1 + authenticationKey.length + (data?.length ?? 0));
  aad[0] = securityControl;
  aad.set(authenticationKey, 1);
  if (data !== undefined) aad.set(data, 1 + authenticationKey.length);
  return aad;
}

function gcmParams(iv: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>) {
  return { name: 'AES-GCM', iv, additionalData, tagLength: gcmTagLength * 8 };
}

/**
 * Encryption-only APDUs carry the GCM ciphertext without a tag (§10.5). GCM encrypts with AES-CTR
 * whose first counter block is J0 + 1 = IV ‖ 00000002 (J0 = IV ‖ 00000001 is kept for the tag,
 * SP 800-38D §7.1) and increments only the low 32 bits (inc32), so WebCrypto's AES-CTR with that
 * block and `length: 32` yields the same bytes without computing a tag nobody sends.
 */
function ctrParams(iv: Uint8Array<ArrayBuffer>) {
  const counter = new Uint8Array(16);
  counter.set(iv);
  counter[15] = 2;
  return { name: 'AES-CTR', counter, length: 32 };
}

/** Turns WebCrypto's tag failure into a `tag-mismatch` SecurityError; nothing is returned then. */
async function verified(decryption: Promise<ArrayBuffer>): Promise<ArrayBuffer> {
  try {
    return await decryption;
  } catch (error) {
    if (!isOperationError(error)) throw error;
    throw new SecurityError(
      'tag-mismatch',
      'authentication tag does not verify (wrong key, system title or invocation counter, or altered bytes)',
      { cause: error },
    );
  }
}
