/**
 * HLS mechanism 5 (GMAC) passes 3 and 4 (meterlink spec §10.8): f(challenge) =
 * SC ‖ IC ‖ GMAC, where GMAC is the 12-octet AES-GCM tag with key EK, IV = sender's system title
 * ‖ IC and AAD = SC ‖ AK ‖ challenge over an empty plaintext.
 *
 * @module
 */

import { SecurityError } from '../../core/errors.js';
import { buildAad, gmacTag } from './gcm.js';
import { checkInvocationCounter } from './invocation-counter.js';
import { securityControlBits } from './security-control.js';
import { checkKey, constantTimeEqual } from './web-crypto.js';

/** Length of an HLS-GMAC response: SC (1) ‖ IC (4) ‖ GMAC (12). */
export const hlsGmacResponseLength = 17;

/** Inputs of {@link hlsGmacResponse}. */
export interface HlsGmacResponseOptions {
  /** The peer's challenge: StoC when the client answers (pass 3), CtoS when the server does (pass 4). */
  challenge: Uint8Array;
  /** The responder's own 8-octet system title. */
  systemTitle: Uint8Array;
  /** The responder's next invocation counter (HLS consumes one value, §10.7). */
  invocationCounter: number;
  /** 16-octet authentication key (AK). */
  authenticationKey: Uint8Array;
  /** 16-octet global unicast encryption key (EK), the GMAC key. */
  encryptionKey: Uint8Array;
  /** Security control byte; default `10` (suite 0, authentication only). */
  securityControl?: number;
}

/**
 * Computes f(challenge) for HLS-GMAC: the 17 octets sent in pass 3 (client, over StoC) or
 * returned in pass 4 (server, over CtoS).
 *
 * @throws SecurityError `unsupported-security-control` for a security control other than
 *   suite 0 authentication-only (`10`, or `50` with the broadcast bit); `bad-key`, `crypto-unavailable`
 * @throws InvalidArgumentError for a system title that is not 8 octets or a counter out of range
 * @example
 * ```ts
 * const fStoC = await hlsGmacResponse({ challenge: stoc, systemTitle: clientTitle, invocationCounter: 1, authenticationKey, encryptionKey });
 * // 10 00000001 1A52FE7DD3E72748973C1E28 with the Green Book keys
 * ```
 */
export async function hlsGmacResponse(options: HlsGmacResponseOptions): Promise<Uint8Array> {
  const sc = options.securityControl ?? securityControlBits.authentication;
  checkHlsSecurityControl(sc);
  const tag = await computeGmac(sc, options.invocationCounter, options);
  const out = new Uint8Array(hlsGmacResponseLength);
  out[0] = sc;
  out[1] = options.invocationCounter >>> 24;
  out[2] = options.invocationCounter >>> 16;
  out[3] = options.invocationCounter >>> 8;
  out[4] = options.invocationCounter;
  out.set(tag, 5);
  return out;
}

/** Inputs of {@link verifyHlsGmacResponse}. */
export interface VerifyHlsGmacResponseOptions {
  /** The received f(challenge) (17 octets). */
  response: Uint8Array;
  /** The challenge we sent: CtoS on the client, StoC on the server. */
  challenge: Uint8Array;
  /** The **responder's** 8-octet system title. */
  systemTitle: Uint8Array;
  /** 16-octet authentication key (AK). */
  authenticationKey: Uint8Array;
  /** 16-octet global unicast encryption key (EK). */
  encryptionKey: Uint8Array;
  /** Smallest counter accepted from the responder (last accepted + 1); omitted: not checked. */
  minInvocationCounter?: number;
}

/** What a verified f(StoC)/f(CtoS) response carried. */
export interface VerifiedHlsGmacResponse {
  /** The responder's invocation counter (the caller stores it as the last one seen, §10.7). */
  invocationCounter: number;
  /** The security control byte of the response. */
  securityControl: number;
}

/**
 * Verifies f(challenge) received in HLS pass 3 or 4: recomputes the GMAC with the security control
 * and counter found in the response and compares the 12 tag octets in constant time.
 *
 * @returns the responder's counter and security control byte
 * @throws SecurityError `authentication-failed` when the response is not 17 octets, uses an
 *   unsupported security control, or its GMAC differs; `replay` when its counter is below
 *   `minInvocationCounter`; `bad-key`, `crypto-unavailable`
 * @example
 * ```ts
 * await verifyHlsGmacResponse({ response: fCtoS, challenge: ctos, systemTitle: serverTitle, authenticationKey, encryptionKey });
 * ```
 */
export async function verifyHlsGmacResponse(
  options: VerifyHlsGmacResponseOptions,
): Promise<VerifiedHlsGmacResponse> {
  checkKey(options.encryptionKey, 'encryption key');
  checkKey(options.authenticationKey, 'authentication key');
  const r = options.response;
  if (r.length !== hlsGmacResponseLength) {
    throw new SecurityError('authentication-failed', `HLS-GMAC response of ${r.length} octets instead of 17`);
  }
  const sc = r[0]!;
  const ic = ((r[1]! << 24) | (r[2]! << 16) | (r[3]! << 8) | r[4]!) >>> 0;
  if (!isHlsSecurityControl(sc)) {
    throw new SecurityError(
      'authentication-failed',
      'HLS-GMAC response with an unsupported security control',
    );
  }
  if (options.minInvocationCounter !== undefined) checkInvocationCounter(ic, options.minInvocationCounter);
  const expected = await computeGmac(sc, ic, options);
  if (!constantTimeEqual(expected, r.subarray(5))) {
    throw new SecurityError(
      'authentication-failed',
      'HLS-GMAC response does not match the challenge (§10.8)',
    );
  }
  return { invocationCounter: ic, securityControl: sc };
}

function computeGmac(
  sc: number,
  ic: number,
  keys: {
    challenge: Uint8Array;
    systemTitle: Uint8Array;
    authenticationKey: Uint8Array;
    encryptionKey: Uint8Array;
  },
): Promise<Uint8Array> {
  checkKey(keys.authenticationKey, 'authentication key');
  return gmacTag(
    keys.encryptionKey,
    keys.systemTitle,
    ic,
    buildAad(sc, keys.authenticationKey, keys.challenge),
  );
}

/** Suite 0, A set, E and compression clear (broadcast bit tolerated). */
function isHlsSecurityControl(sc: number): boolean {
  return (
    Number.isInteger(sc) &&
    sc >= 0 &&
    sc <= 0xff &&
    (sc & (securityControlBits.suite | securityControlBits.encryption | securityControlBits.compression)) ===
      0 &&
    (sc & securityControlBits.authentication) !== 0
  );
}

function checkHlsSecurityControl(sc: number): void {
  if (!isHlsSecurityControl(sc)) {
    throw new SecurityError(
      'unsupported-security-control',
      `HLS-GMAC uses security control 0x10 (suite 0, authentication only), got ${sc}`,
    );
  }
}
