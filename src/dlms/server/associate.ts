/**
 * AARQ → AARE (meterlink spec §7.2–§7.7, §10.6, §10.8): checks the application context, the
 * calling-AP-title, the xDLMS InitiateRequest (deciphering a glo-initiate-request), the DLMS
 * version, conformance and PDU size, and the authentication mechanism; answers with the AARE
 * and, when accepted, the new association.
 *
 * @module
 */

import type {
  Aare,
  Aarq,
  AcseServiceUserDiagnostic,
  ApplicationContextName,
  ConfirmedServiceError,
  Conformance,
  InitiateRequest,
  ServiceErrorChoice,
  UserInformation,
} from '../apdu/acse/acse-codec.js';
import { ConformanceBit, conformanceFromBits } from '../apdu/acse/acse-codec.js';
import { decodeApdu, encodeApdu } from '../apdu/apdu-codec.js';
import { generateChallenge, isValidChallenge } from '../security/challenge.js';
import { verifyLlsPassword } from '../security/lls.js';
import type { SecurityMode } from '../security/security-control.js';
import type { CipheredApdu } from '../security/types.js';
import type { Association } from './association.js';
import { decipherRequest, protectResponse } from './ciphering.js';
import type { LogicalDevice } from './logical-device.js';

/** The xDLMS services the server offers (§7.6.1); the negotiated set is their intersection with the proposal. */
const serverConformance: Conformance = conformanceFromBits(
  bit('generalProtection') |
    bit('generalBlockTransfer') |
    bit('blockTransferWithGetOrRead') |
    bit('blockTransferWithSetOrWrite') |
    bit('blockTransferWithAction') |
    bit('multipleReferences') |
    bit('dataNotification') |
    bit('get') |
    bit('set') |
    bit('selectiveAccess') |
    bit('eventNotification') |
    bit('action'),
);

function bit(flag: keyof typeof ConformanceBit): number {
  return 0x800000 >>> ConformanceBit[flag];
}

/** Smallest client-max-receive-pdu-size that still leaves room for a datablock (plain, ciphered). */
const minClientPdu = { plain: 32, ciphered: 64 } as const;

/** The outcome of an AARQ. */
export interface AssociateResult {
  /** The AARE to send. */
  readonly aare: Aare;
  /** The association, when accepted (HLS: pending until pass 4). */
  readonly association?: Association;
}

/** An association draft waiting for its current-association object. */
type Draft = Omit<Association, 'object' | 'outgoing' | 'incoming' | 'gbtIn' | 'gbtOut'>;

/** An association from its draft, nothing in progress. */
function fromDraft(draft: Draft): Association {
  return {
    ...draft,
    object: undefined,
    outgoing: undefined,
    incoming: undefined,
    gbtIn: undefined,
    gbtOut: undefined,
  };
}

function rejection(
  context: ApplicationContextName,
  diagnostic: AcseServiceUserDiagnostic,
  userInformation: UserInformation | undefined,
): AssociateResult {
  const aare: Aare = {
    type: 'aare',
    applicationContextName: context,
    result: 'rejected-permanent',
    resultSourceDiagnostic: { source: 'acse-service-user', diagnostic },
  };
  if (userInformation !== undefined) aare.userInformation = userInformation;
  return { aare };
}

function initiateError(error: ServiceErrorChoice): ConfirmedServiceError {
  return { type: 'confirmed-service-error', service: 'initiate-error', serviceError: error };
}

/** The InitiateRequest inside user-information, deciphered when needed, or the error to answer. */
async function initiateRequestOf(
  aarq: Aarq,
  draft: Draft,
): Promise<
  | { request: InitiateRequest; protection?: { envelope: 'glo' | 'general-glo'; security: SecurityMode } }
  | ServiceErrorChoice
> {
  const info = aarq.userInformation;
  const deciphering: ServiceErrorChoice = { error: 'application-reference', value: 'deciphering-error' };
  if (info === undefined) return { error: 'initiate', value: 'other' };
  if (info.type === 'initiate-request') {
    // A ciphered policy needs a ciphered initiate (§10.6).
    if ((draft.config.security?.policy ?? 'none') !== 'none') return deciphering;
    return { request: info };
  }
  if (info.type !== 'glo-ciphered' && info.type !== 'general-glo-ciphering') {
    return info.type === 'ded-ciphered' || info.type === 'general-ded-ciphering'
      ? deciphering
      : { error: 'initiate', value: 'other' };
  }
  if (!draft.ciphered) return { error: 'application-reference', value: 'application-context-unsupported' };
  const result = await decipherRequest(info as CipheredApdu, fromDraft(draft));
  if ('failure' in result) return deciphering;
  let plain: UserInformation | ReturnType<typeof decodeApdu>;
  try {
    plain = decodeApdu(result.plain);
  } catch {
    return deciphering;
  }
  if (plain.type !== 'initiate-request') return deciphering;
  const envelope = result.protection.envelope === 'general-glo' ? 'general-glo' : 'glo';
  return { request: plain, protection: { envelope, security: result.protection.security } };
}

/**
 * Answers an AARQ addressed to `device` from client SAP `client`.
 */
export async function associate(aarq: Aarq, device: LogicalDevice, client: number): Promise<AssociateResult> {
  const config = device.associations.get(client);
  const proposed = aarq.applicationContextName;
  if (config === undefined) return rejection(proposed, 'no-reason-given', undefined);
  const keyed = config.security !== undefined;
  const policy = config.security?.policy ?? 'none';
  // Context (§7.4): LN only; ciphering needs keys, a ciphering policy needs ciphering.
  const contextOk =
    (proposed === 'logical-name' && policy === 'none') ||
    (proposed === 'logical-name-with-ciphering' && keyed);
  if (!contextOk) {
    return rejection(
      policy === 'none' ? 'logical-name' : 'logical-name-with-ciphering',
      'application-context-name-not-supported',
      undefined,
    );
  }
  const ciphered = proposed === 'logical-name-with-ciphering';
  const title = aarq.callingApTitle;
  if ((ciphered || config.mechanism === 'hls-gmac') && title?.length !== 8) {
    return rejection(proposed, 'calling-ap-title-not-recognized', undefined);
  }
  const hls = config.mechanism === 'hls-gmac';
  const ctos =
    aarq.callingAuthenticationValue?.type === 'charstring'
      ? aarq.callingAuthenticationValue.value
      : undefined;
  const draftBase = {
    device,
    config,
    status: hls ? ('pending' as const) : ('associated' as const),
    ciphered,
    clientSystemTitle: title?.slice(),
    dedicatedKey: undefined as Uint8Array | undefined,
    clientChallenge: hls ? ctos?.slice() : undefined,
    serverChallenge: hls ? generateChallenge(16) : undefined,
  };
  const initial = await initiateRequestOf(aarq, {
    ...draftBase,
    conformance: serverConformance,
    clientMaxPdu: 0,
    sendLimit: 0,
  });
  if (!('request' in initial)) return rejection(proposed, 'no-reason-given', initiateError(initial));
  const { request, protection } = initial;
  if (config.security !== undefined && title !== undefined) config.security.clientSystemTitle = title.slice();
  // xDLMS negotiation (§7.6): version 6, conformance intersection, PDU sizes.
  if (request.proposedDlmsVersionNumber < 6) {
    return rejection(
      proposed,
      'no-reason-given',
      initiateError({ error: 'initiate', value: 'dlms-version-too-low' }),
    );
  }
  const conformance = conformanceFromBits(0);
  for (const flag of Object.keys(ConformanceBit) as (keyof typeof ConformanceBit)[]) {
    conformance[flag] = request.proposedConformance[flag] && serverConformance[flag];
  }
  if (!ciphered) conformance.generalProtection = false;
  if (!conformance.get && !conformance.set && !conformance.action) {
    return rejection(
      proposed,
      'no-reason-given',
      initiateError({ error: 'initiate', value: 'incompatible-conformance' }),
    );
  }
  const clientMaxPdu = request.clientMaxReceivePduSize === 0 ? 0xffff : request.clientMaxReceivePduSize;
  if (clientMaxPdu < (ciphered ? minClientPdu.ciphered : minClientPdu.plain)) {
    return rejection(
      proposed,
      'no-reason-given',
      initiateError({ error: 'initiate', value: 'pdu-size-too-short' }),
    );
  }
  const draft: Draft = {
    ...draftBase,
    dedicatedKey: ciphered ? request.dedicatedKey?.slice() : undefined,
    conformance,
    clientMaxPdu,
    sendLimit: Math.min(clientMaxPdu, config.maxPduSize),
  };
  const association = fromDraft(draft);
  const response = initiateResponse(association);
  const userInformation = (
    protection === undefined
      ? decodeApdu(response)
      : decodeApdu(await protectResponse(response, association, protection))
  ) as UserInformation;
  const diagnostic = authenticate(aarq, association, ctos);
  if (diagnostic !== undefined) {
    const refused = rejection(proposed, diagnostic, userInformation);
    // The client deciphers the InitiateResponse with the title it finds here (§12.3).
    if (protection !== undefined) refused.aare.respondingApTitle = device.systemTitle!.slice();
    return refused;
  }
  const aare: Aare = {
    type: 'aare',
    applicationContextName: proposed,
    result: 'accepted',
    resultSourceDiagnostic: {
      source: 'acse-service-user',
      diagnostic: hls ? 'authentication-required' : 'null',
    },
    userInformation,
  };
  if (ciphered || hls) aare.respondingApTitle = device.systemTitle!.slice();
  if (hls) {
    aare.responderAcseRequirements = { unusedBits: 7, bytes: Uint8Array.of(0x80) };
    aare.mechanismName = 'hls-gmac';
    aare.respondingAuthenticationValue = { type: 'charstring', value: association.serverChallenge!.slice() };
  }
  return { aare, association };
}

/** The encoded InitiateResponse of an association (§7.6): version 6, its conformance, LN (vaa-name 7). */
export function initiateResponse(association: Association): Uint8Array {
  return encodeApdu({
    type: 'initiate-response',
    negotiatedDlmsVersionNumber: 6,
    negotiatedConformance: association.conformance,
    serverMaxReceivePduSize: association.config.maxPduSize,
    vaaName: 0x0007,
  });
}

/** The mechanism check of §10.8: `undefined` when it passes, else the diagnostic. */
function authenticate(
  aarq: Aarq,
  association: Association,
  value: Uint8Array | undefined,
): AcseServiceUserDiagnostic | undefined {
  const { mechanism, password } = association.config;
  const given = aarq.mechanismName;
  if (mechanism === 'none')
    return given === undefined || given === 'none'
      ? undefined
      : 'authentication-mechanism-name-not-recognised';
  if (given === undefined) return 'authentication-mechanism-name-required';
  if (given !== mechanism) return 'authentication-mechanism-name-not-recognised';
  if (value === undefined) return 'authentication-failure';
  if (mechanism === 'lls') return verifyLlsPassword(value, password!) ? undefined : 'authentication-failure';
  return isValidChallenge(value) ? undefined : 'authentication-failure';
}
