// fast-check generators of valid ACSE and xDLMS initiate values (spec §7): every value they
// produce encodes, and decodes back deep-equal (names where a name exists, numbers otherwise).
import fc from 'fast-check';
import type {
  Aare,
  Aarq,
  AcseApdu,
  ConfirmedServiceError,
  InitiateRequest,
  InitiateResponse,
  Rlre,
  Rlrq,
  ServiceErrorChoice,
  UserInformation,
} from '../../../../src/dlms/apdu/acse/acse-codec.js';
import {
  AcseServiceProviderDiagnostics,
  AcseServiceUserDiagnostics,
  ApplicationContextNames,
  AssociationResults,
  ConfirmedServiceErrorServices,
  conformanceFromBits,
  MechanismNames,
  oidFromArcs,
  ReleaseRequestReasons,
  ReleaseResponseReasons,
  ServiceErrorKinds,
  ServiceErrorValues,
} from '../../../../src/dlms/apdu/acse/acse-codec.js';
import type { CipheredApdu } from '../../../../src/dlms/security/types.js';

const bytes = (max: number, min = 0) => fc.uint8Array({ minLength: min, maxLength: max });
const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];
/** A number that has no name in `table`, within `min`–`max`. */
const unnamed = (table: Readonly<Record<string, number>>, min: number, max: number) => {
  const named = new Set(Object.values(table));
  return fc.integer({ min, max }).filter((n) => !named.has(n));
};
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });

export const conformance = fc.integer({ min: 0, max: 0xffffff }).map(conformanceFromBits);

/** OID content outside the DLMS-UA arc (first arcs 1.2 → first octet 0x2A). */
const foreignOid = fc
  .array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 4 })
  .map((rest) => oidFromArcs([1, 2, ...rest]));
export const contextName = fc.oneof(fc.constantFrom(...keysOf(ApplicationContextNames)), foreignOid);
export const mechanismName = fc.oneof(fc.constantFrom(...keysOf(MechanismNames)), foreignOid);

const bitString = fc.oneof(
  fc.record({ unusedBits: fc.integer({ min: 0, max: 7 }), bytes: bytes(4, 1) }),
  fc.constant({ unusedBits: 0, bytes: new Uint8Array(0) }),
);
const authenticationValue = fc.oneof(
  fc.record({ type: fc.constant('charstring' as const), value: bytes(64) }),
  fc.record({ type: fc.constant('bitstring' as const), value: bitString }),
);

export const initiateRequest: fc.Arbitrary<InitiateRequest> = fc.record(
  {
    type: fc.constant('initiate-request' as const),
    dedicatedKey: bytes(32),
    responseAllowed: fc.boolean(),
    proposedQualityOfService: fc.integer({ min: -128, max: 127 }),
    proposedDlmsVersionNumber: fc.integer({ min: 0, max: 255 }),
    proposedConformance: conformance,
    clientMaxReceivePduSize: fc.integer({ min: 1, max: 0xffff }),
  },
  {
    requiredKeys: [
      'type',
      'responseAllowed',
      'proposedDlmsVersionNumber',
      'proposedConformance',
      'clientMaxReceivePduSize',
    ],
  },
);

export const initiateResponse: fc.Arbitrary<InitiateResponse> = fc.record(
  {
    type: fc.constant('initiate-response' as const),
    negotiatedQualityOfService: fc.integer({ min: -128, max: 127 }),
    negotiatedDlmsVersionNumber: fc.integer({ min: 0, max: 255 }),
    negotiatedConformance: conformance,
    serverMaxReceivePduSize: fc.integer({ min: 0, max: 0xffff }),
    vaaName: fc.integer({ min: 0, max: 0xffff }),
  },
  {
    requiredKeys: [
      'type',
      'negotiatedDlmsVersionNumber',
      'negotiatedConformance',
      'serverMaxReceivePduSize',
      'vaaName',
    ],
  },
);

const namedServiceError = fc.constantFrom(...keysOf(ServiceErrorKinds)).chain((error) => {
  const names: readonly string[] = ServiceErrorValues[error];
  return fc.record({
    error: fc.constant(error),
    value: fc.oneof(fc.constantFrom(...names), fc.integer({ min: names.length, max: 255 })),
  });
}) as fc.Arbitrary<ServiceErrorChoice>;
const serviceError: fc.Arbitrary<ServiceErrorChoice> = fc.oneof(
  namedServiceError,
  fc.record({ error: unnamed(ServiceErrorKinds, 0, 255), value: fc.integer({ min: 0, max: 255 }) }),
);

export const confirmedServiceError: fc.Arbitrary<ConfirmedServiceError> = fc.record({
  type: fc.constant('confirmed-service-error' as const),
  service: fc.oneof(
    fc.constantFrom(...keysOf(ConfirmedServiceErrorServices)),
    unnamed(ConfirmedServiceErrorServices, 0, 255),
  ),
  serviceError,
});

const header = {
  securityControl: fc.integer({ min: 0, max: 255 }),
  invocationCounter: fc.nat({ max: 0xffffffff }),
};
const ciphered: fc.Arbitrary<CipheredApdu> = fc.oneof(
  fc.record({
    type: fc.constantFrom('glo-ciphered' as const, 'ded-ciphered' as const),
    service: fc.constantFrom(
      'initiate-request' as const,
      'initiate-response' as const,
      'confirmed-service-error' as const,
    ),
    content: bytes(40),
    ...header,
  }),
  fc.record({
    type: fc.constantFrom('general-glo-ciphering' as const, 'general-ded-ciphering' as const),
    systemTitle: bytes(8, 8),
    content: bytes(40),
    ...header,
  }),
);

export const userInformation: fc.Arbitrary<UserInformation> = fc.oneof(
  initiateRequest,
  initiateResponse,
  confirmedServiceError,
  ciphered,
);

/** Raw context-specific TLVs whose tag numbers lie in `numbers` (not defined by the APDU). */
const unknownFields = (min: number, max: number) =>
  fc.array(
    fc
      .record({ n: fc.integer({ min, max }), constructed: fc.boolean(), content: bytes(6) })
      .map(({ n, constructed, content }) =>
        Uint8Array.of(0x80 | (constructed ? 0x20 : 0) | n, content.length, ...content),
      ),
    { minLength: 1, maxLength: 3 },
  );

const aarq: fc.Arbitrary<Aarq> = fc.record(
  {
    type: fc.constant('aarq' as const),
    protocolVersion: bitString,
    applicationContextName: contextName,
    calledApTitle: bytes(8),
    calledAeQualifier: bytes(8),
    calledApInvocationId: int32,
    calledAeInvocationId: int32,
    callingApTitle: bytes(8),
    callingAeQualifier: bytes(200),
    callingApInvocationId: int32,
    callingAeInvocationId: int32,
    senderAcseRequirements: bitString,
    mechanismName,
    callingAuthenticationValue: authenticationValue,
    implementationInformation: bytes(8),
    userInformation,
    unknownFields: unknownFields(13, 28),
  },
  { requiredKeys: ['type', 'applicationContextName'] },
);

const diagnostic = fc.oneof(
  fc.record({
    source: fc.constant('acse-service-user' as const),
    diagnostic: fc.oneof(
      fc.constantFrom(...keysOf(AcseServiceUserDiagnostics)),
      unnamed(AcseServiceUserDiagnostics, -1000, 1000),
    ),
  }),
  fc.record({
    source: fc.constant('acse-service-provider' as const),
    diagnostic: fc.oneof(
      fc.constantFrom(...keysOf(AcseServiceProviderDiagnostics)),
      unnamed(AcseServiceProviderDiagnostics, -1000, 1000),
    ),
  }),
);

const aare: fc.Arbitrary<Aare> = fc.record(
  {
    type: fc.constant('aare' as const),
    protocolVersion: bitString,
    applicationContextName: contextName,
    result: fc.constantFrom(...keysOf(AssociationResults)),
    resultSourceDiagnostic: diagnostic,
    respondingApTitle: bytes(8),
    respondingAeQualifier: bytes(200),
    respondingApInvocationId: int32,
    respondingAeInvocationId: int32,
    responderAcseRequirements: bitString,
    mechanismName,
    respondingAuthenticationValue: authenticationValue,
    implementationInformation: bytes(8),
    userInformation,
    unknownFields: unknownFields(11, 28),
  },
  { requiredKeys: ['type', 'applicationContextName', 'result', 'resultSourceDiagnostic'] },
);

const rlrq: fc.Arbitrary<Rlrq> = fc.record(
  {
    type: fc.constant('rlrq' as const),
    reason: fc.oneof(
      fc.constantFrom(...keysOf(ReleaseRequestReasons)),
      unnamed(ReleaseRequestReasons, -1000, 1000),
    ),
    userInformation,
    unknownFields: unknownFields(1, 29),
  },
  { requiredKeys: ['type'] },
);

const rlre: fc.Arbitrary<Rlre> = fc.record(
  {
    type: fc.constant('rlre' as const),
    reason: fc.oneof(
      fc.constantFrom(...keysOf(ReleaseResponseReasons)),
      unnamed(ReleaseResponseReasons, -1000, 1000),
    ),
    userInformation,
    unknownFields: unknownFields(1, 29),
  },
  { requiredKeys: ['type'] },
);

export const acseApdu: fc.Arbitrary<AcseApdu> = fc.oneof(aarq, aare, rlrq, rlre);
