/**
 * The ACSE APDUs (meterlink spec §7.2, §7.3, §7.8) as plain objects.
 *
 * Named values (contexts, mechanisms, results, diagnostics, reasons) are kebab-case strings;
 * a value without a name keeps its number, an OID its BER content octets, so that everything
 * decoded re-encodes. Byte fields are views into the decoded input.
 *
 * @module
 */

import type {
  AcseServiceProviderDiagnostic,
  AcseServiceUserDiagnostic,
  ApplicationContextNameId,
  AssociationResult,
  MechanismNameId,
  ReleaseRequestReason,
  ReleaseResponseReason,
} from './names.js';
import type { UserInformation } from './user-information.js';
import type { AuthenticationValue, BitString } from './values.js';

/** An application context (§7.4): a DLMS name, or the OID content octets of any other context. */
export type ApplicationContextName = ApplicationContextNameId | Uint8Array;

/** An authentication mechanism (§7.4): a DLMS name, or the OID content octets of any other. */
export type MechanismName = MechanismNameId | Uint8Array;

/** result-source-diagnostic of an AARE (§7.3): the source and its value, named where known. */
export type ResultSourceDiagnostic =
  | {
      /** `A1`: the diagnostic comes from the ACSE service user (the server application). */
      source: 'acse-service-user';
      /** The diagnostic, named where §7.3 names it. */
      diagnostic: AcseServiceUserDiagnostic | number;
    }
  | {
      /** `A2`: the diagnostic comes from the ACSE service provider. */
      source: 'acse-service-provider';
      /** The diagnostic, named where §7.3 names it. */
      diagnostic: AcseServiceProviderDiagnostic | number;
    };

/** Fields every ACSE APDU may carry beyond the ones it defines. */
export interface AcseUnknownFields {
  /**
   * Context-specific fields whose tag number the APDU does not define, each as its whole TLV, in
   * the order received. Written back before the first known field with a higher tag number.
   */
  unknownFields?: Uint8Array[];
}

/** AARQ, the association request (tag `60`, §7.2). */
export interface Aarq extends AcseUnknownFields {
  /** Discriminant: AARQ. */
  type: 'aarq';
  /** `80`: BIT STRING, normally omitted (version1 = `07 80`). */
  protocolVersion?: BitString;
  /** `A1`: mandatory. */
  applicationContextName: ApplicationContextName;
  /** `A2`: OCTET STRING. */
  calledApTitle?: Uint8Array;
  /** `A3`: OCTET STRING. */
  calledAeQualifier?: Uint8Array;
  /** `A4`: INTEGER. */
  calledApInvocationId?: number;
  /** `A5`: INTEGER. */
  calledAeInvocationId?: number;
  /** `A6`: the client system title (8 octets) for ciphering and HLS-GMAC/SHA-256/ECDSA. */
  callingApTitle?: Uint8Array;
  /** `A7`: the client signing certificate (suites 1/2). */
  callingAeQualifier?: Uint8Array;
  /** `A8`: INTEGER. */
  callingApInvocationId?: number;
  /** `A9`: INTEGER, the user id when the meter has a user list. */
  callingAeInvocationId?: number;
  /** `8A`: BIT STRING, `{ unusedBits: 7, bytes: [0x80] }` = authentication. */
  senderAcseRequirements?: BitString;
  /** `8B`: the authentication mechanism. */
  mechanismName?: MechanismName;
  /** `AC`: LLS password or HLS challenge CtoS. */
  callingAuthenticationValue?: AuthenticationValue;
  /** `BD`: content octets as received. */
  implementationInformation?: Uint8Array;
  /** `BE`: the xDLMS InitiateRequest, plain or ciphered (mandatory for DLMS clients). */
  userInformation?: UserInformation;
}

/** AARE, the association response (tag `61`, §7.3). */
export interface Aare extends AcseUnknownFields {
  /** Discriminant: AARE. */
  type: 'aare';
  /** `80`: BIT STRING. */
  protocolVersion?: BitString;
  /** `A1`: mandatory; the context the server accepted or proposes. */
  applicationContextName: ApplicationContextName;
  /** `A2`: mandatory. */
  result: AssociationResult;
  /** `A3`: mandatory. */
  resultSourceDiagnostic: ResultSourceDiagnostic;
  /** `A4`: the server system title. */
  respondingApTitle?: Uint8Array;
  /** `A5`: the server certificate (suites 1/2). */
  respondingAeQualifier?: Uint8Array;
  /** `A6`: INTEGER. */
  respondingApInvocationId?: number;
  /** `A7`: INTEGER. */
  respondingAeInvocationId?: number;
  /** `88`: BIT STRING, present with HLS. */
  responderAcseRequirements?: BitString;
  /** `89`: the authentication mechanism. */
  mechanismName?: MechanismName;
  /** `AA`: the server challenge StoC (HLS pass 2). */
  respondingAuthenticationValue?: AuthenticationValue;
  /** `BD`: content octets as received. */
  implementationInformation?: Uint8Array;
  /** `BE`: InitiateResponse, glo-initiate-response or confirmed-service-error. */
  userInformation?: UserInformation;
}

/** RLRQ, the release request (tag `62`, §7.8). */
export interface Rlrq extends AcseUnknownFields {
  /** Discriminant: RLRQ. */
  type: 'rlrq';
  /** `80`: INTEGER. */
  reason?: ReleaseRequestReason | number;
  /** `BE`: e.g. a ciphered InitiateRequest when the association was ciphered. */
  userInformation?: UserInformation;
}

/** RLRE, the release response (tag `63`, §7.8). */
export interface Rlre extends AcseUnknownFields {
  /** Discriminant: RLRE. */
  type: 'rlre';
  /** `80`: INTEGER. */
  reason?: ReleaseResponseReason | number;
  /** `BE`: InitiateResponse, plain or ciphered. */
  userInformation?: UserInformation;
}

/** Any ACSE APDU. */
export type AcseApdu = Aarq | Aare | Rlrq | Rlre;

/** Options of `readAcseApdu`. */
export interface AcseDecodeOptions {
  /** Largest whole APDU (tag to last octet) accepted, also applied to ciphered user-information. Default 65535. */
  maxApduBytes?: number;
}
