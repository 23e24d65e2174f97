/**
 * Opening and releasing the application association (meterlink spec §7, §10.6, §10.8, §12.2,
 * §12.3, §12.6): the AARQ the client builds, what it takes from the AARE, HLS-GMAC passes 3 and 4,
 * and the RLRQ.
 *
 * @module
 */

import { ProtocolError, SecurityError } from '../../core/errors.js';
import type {
  Aare,
  Aarq,
  Conformance,
  InitiateRequest,
  Rlrq,
  UserInformation,
} from '../apdu/acse/acse-codec.js';
import { decodeApdu, encodeApdu } from '../apdu/apdu-codec.js';
import type { Apdu } from '../apdu/types.js';
import { isValidChallenge } from '../security/challenge.js';
import { hlsGmacResponse, verifyHlsGmacResponse } from '../security/hls-gmac.js';
import { llsAuthenticationValue } from '../security/lls.js';
import { invokeMethod } from './action-service.js';
import type { CipherContext } from './cipher-context.js';
import { ActionError, AssociationError, DataAccessError } from './errors.js';
import type { DlmsAuthentication } from './options.js';
import type { DlmsRequestOptions, ServiceContext } from './service-context.js';

/** What the initiate exchange agreed (§7.6, §12.3). */
export interface NegotiatedAssociation {
  /** Services the association may use. */
  conformance: Conformance;
  /** Largest APDU the server accepts (0 announced = 65535, §14.7). */
  serverMaxReceivePduSize: number;
  /** Negotiated DLMS version (6). */
  dlmsVersion: number;
  /** `0x0007` for LN. */
  vaaName: number;
  /** The server system title (AARE responding-AP-title), when sent. */
  serverSystemTitle: Uint8Array | undefined;
}

/** The current Association LN object, whose method 1 is reply_to_HLS_authentication (§10.8). */
export const currentAssociation = '0.0.40.0.0.255';

/** Inputs of {@link buildAarq}. */
export interface AarqInput {
  /** Authentication. */
  auth: DlmsAuthentication;
  /** CtoS for HLS. */
  challenge: Uint8Array | undefined;
  /** The ciphering context (keys known), if any. */
  cipher: CipherContext | undefined;
  /** The InitiateRequest to carry. */
  initiate: InitiateRequest;
}

/** The InitiateRequest of §12.2. */
export function initiateRequest(
  conformance: Conformance,
  maxPduSize: number,
  dedicatedKey: Uint8Array | undefined,
): InitiateRequest {
  return {
    type: 'initiate-request',
    ...(dedicatedKey === undefined ? {} : { dedicatedKey }),
    responseAllowed: true,
    proposedDlmsVersionNumber: 6,
    proposedConformance: conformance,
    clientMaxReceivePduSize: maxPduSize,
  };
}

async function userInformation(
  initiate: InitiateRequest,
  cipher: CipherContext | undefined,
): Promise<UserInformation> {
  if (cipher === undefined || cipher.policy === 'none') return initiate;
  // §10.6: glo-initiate-request with the global key and the client's system title.
  return cipher.protectApdu(encodeApdu(initiate), false, cipher.policy);
}

/**
 * Builds the AARQ of §12.2: context LN (ciphered when a policy applies), the mechanism and its
 * authentication value, the client system title when ciphering or HLS-GMAC, and the
 * InitiateRequest (glo-initiate-request when ciphered).
 *
 * @throws InvalidArgumentError for an invalid LLS password; the cipher's errors
 */
export async function buildAarq(input: AarqInput): Promise<Aarq> {
  const { auth, cipher } = input;
  const ciphered = cipher !== undefined && cipher.policy !== 'none';
  const aarq: Aarq = {
    type: 'aarq',
    applicationContextName: ciphered ? 'logical-name-with-ciphering' : 'logical-name',
  };
  if (ciphered || auth.mechanism === 'hls-gmac') aarq.callingApTitle = cipher!.clientSystemTitle;
  if (auth.mechanism !== 'none') {
    aarq.senderAcseRequirements = { unusedBits: 7, bytes: Uint8Array.of(0x80) };
    aarq.mechanismName = auth.mechanism;
    const value = auth.mechanism === 'lls' ? llsAuthenticationValue(auth.password) : input.challenge!;
    aarq.callingAuthenticationValue = { type: 'charstring', value };
  }
  aarq.userInformation = await userInformation(input.initiate, cipher);
  return aarq;
}

/** The outcome of {@link processAare}. */
export interface AareOutcome {
  /** What was agreed. */
  negotiated: NegotiatedAssociation;
  /** StoC when HLS pass 3/4 must follow. */
  challenge: Uint8Array | undefined;
}

/**
 * Checks the AARE (§7.3, §12.3): the result, the xDLMS part (plain, ciphered with the server
 * system title, or a confirmedServiceError), and for HLS the StoC challenge.
 *
 * @throws AssociationError when the meter refused; ProtocolError for an APDU that is not a
 *   usable AARE; SecurityError when the ciphered initiate-response fails its checks
 */
export async function processAare(
  apdu: Apdu,
  auth: DlmsAuthentication,
  cipher: CipherContext | undefined,
  decodeOptions: Parameters<typeof decodeApdu>[1],
): Promise<AareOutcome> {
  if (apdu.type !== 'aare') throw new ProtocolError(`expected an AARE, got ${apdu.type}`);
  const aare: Aare = apdu;
  const title = aare.respondingApTitle;
  if (cipher !== undefined && title !== undefined) {
    if (title.length !== 8)
      throw new ProtocolError(`AARE responding-AP-title of ${title.length} octets (8 expected)`);
    cipher.serverSystemTitle = title.slice();
  }
  let info: Apdu | undefined = aare.userInformation;
  let infoError: Error | undefined;
  if (info !== undefined && 'content' in info) {
    try {
      if (cipher === undefined)
        throw new SecurityError('authentication-failed', 'ciphered AARE but no keys configured');
      const required = cipher.policy === 'none' ? 'authenticated' : cipher.policy;
      info = decodeApdu((await cipher.unprotect(info, required)).plain, decodeOptions);
    } catch (error) {
      infoError = error as Error;
      info = undefined;
    }
  }
  const cse = info?.type === 'confirmed-service-error' ? info : undefined;
  const diagnostic = aare.resultSourceDiagnostic;
  if (aare.result !== 'accepted') {
    throw new AssociationError({
      result: aare.result,
      diagnostic,
      ...(cse === undefined ? {} : { confirmedServiceError: cse }),
      ...(infoError === undefined ? {} : { cause: infoError }),
    });
  }
  if (infoError !== undefined) throw infoError;
  if (cse !== undefined) {
    throw new AssociationError({
      result: aare.result,
      diagnostic,
      confirmedServiceError: cse,
      reason: 'refused by the xDLMS initiate exchange',
    });
  }
  if (info?.type !== 'initiate-response') {
    throw new ProtocolError(
      `AARE user-information holds ${info?.type ?? 'nothing'} instead of an InitiateResponse`,
    );
  }
  const negotiated: NegotiatedAssociation = {
    conformance: info.negotiatedConformance,
    serverMaxReceivePduSize: info.serverMaxReceivePduSize === 0 ? 0xffff : info.serverMaxReceivePduSize,
    dlmsVersion: info.negotiatedDlmsVersionNumber,
    vaaName: info.vaaName,
    serverSystemTitle: title?.slice(),
  };
  const authRequired =
    diagnostic.source === 'acse-service-user' && diagnostic.diagnostic === 'authentication-required';
  if (auth.mechanism !== 'hls-gmac') {
    if (authRequired) {
      throw new AssociationError({
        result: aare.result,
        diagnostic,
        reason: 'expects HLS authentication the client was not configured for',
      });
    }
    return { negotiated, challenge: undefined };
  }
  const stoc = aare.respondingAuthenticationValue;
  if (!authRequired || stoc?.type !== 'charstring' || !isValidChallenge(stoc.value)) {
    throw new ProtocolError(
      'HLS AARE without authentication-required and an 8–64 octet StoC challenge (§10.8 pass 2)',
    );
  }
  if (cipher?.serverSystemTitle === undefined) {
    throw new ProtocolError('HLS-GMAC AARE without the server system title (responding-AP-title)');
  }
  return { negotiated, challenge: stoc.value.slice() };
}

/**
 * HLS-GMAC passes 3 and 4 (§10.8): sends f(StoC) to reply_to_HLS_authentication of the current
 * association and verifies the f(CtoS) it returns.
 *
 * @throws AssociationError when the meter refuses f(StoC); SecurityError `authentication-failed`
 *   when f(CtoS) is missing or wrong; the request errors
 */
export async function hlsGmacPasses(
  ctx: ServiceContext,
  cipher: CipherContext,
  aareDiagnostic: { stoc: Uint8Array; ctos: Uint8Array },
  options: DlmsRequestOptions,
): Promise<void> {
  const f = await hlsGmacResponse({
    challenge: aareDiagnostic.stoc,
    systemTitle: cipher.clientSystemTitle,
    invocationCounter: await cipher.takeCounter(),
    authenticationKey: cipher.authenticationKey,
    encryptionKey: cipher.encryptionKey,
  });
  let reply: Awaited<ReturnType<typeof invokeMethod>>;
  try {
    reply = await invokeMethod(
      ctx,
      { classId: 15, obis: currentAssociation, method: 1, parameters: { type: 'octet-string', value: f } },
      options,
    );
  } catch (error) {
    if (error instanceof ActionError || error instanceof DataAccessError) {
      throw new AssociationError({
        result: 'accepted',
        diagnostic: { source: 'acse-service-user', diagnostic: 'authentication-failure' },
        reason: 'HLS pass 3 refused by the meter',
        cause: error,
      });
    }
    throw error;
  }
  if (reply?.type !== 'octet-string') {
    throw new SecurityError('authentication-failed', 'the meter returned no f(CtoS) in HLS pass 4 (§10.8)');
  }
  await verifyHlsGmacResponse({
    response: reply.value,
    challenge: aareDiagnostic.ctos,
    systemTitle: cipher.serverSystemTitle!,
    authenticationKey: cipher.authenticationKey,
    encryptionKey: cipher.encryptionKey,
  });
}

/**
 * The RLRQ of §12.6: reason normal, and when the association was ciphered a ciphered
 * InitiateRequest as user-information.
 *
 * @throws the cipher's errors
 */
export async function buildRlrq(initiate: InitiateRequest, cipher: CipherContext | undefined): Promise<Rlrq> {
  const rlrq: Rlrq = { type: 'rlrq', reason: 'normal' };
  if (cipher !== undefined && cipher.policy !== 'none')
    rlrq.userInformation = await userInformation(initiate, cipher);
  return rlrq;
}
