/**
 * Named values of the ACSE fields (meterlink spec §7.3, §7.4, §7.8): application context and
 * mechanism OIDs, association result, result-source diagnostics and release reasons.
 *
 * Each table maps a kebab-case name to its number on the wire; a value without a name is kept
 * as a plain number (or, for OIDs, as the raw content octets) so that it still round-trips.
 *
 * @module
 */

/**
 * BER content octets of the DLMS-UA arc `2.16.756.5.8` (§7.4): `60` = 2×40+16, `85 74` = 756.
 * Application contexts are `…08 01 x`, mechanisms `…08 02 x`.
 */
export const dlmsUaOidPrefix: readonly number[] = Object.freeze([0x60, 0x85, 0x74, 0x05, 0x08]);

/** Arc after the DLMS-UA prefix that holds the application context names (§7.4). */
export const applicationContextArc = 1;
/** Arc after the DLMS-UA prefix that holds the authentication mechanism names (§7.4). */
export const mechanismArc = 2;

/** Application context names `2.16.756.5.8.1.x` (§7.4): name → x. */
export const ApplicationContextNames = {
  /** 1: Logical_Name_Referencing_No_Ciphering. */
  'logical-name': 1,
  /** 2: Short_Name_Referencing_No_Ciphering. */
  'short-name': 2,
  /** 3: Logical_Name_Referencing_With_Ciphering (glo-/ded-/general- APDUs allowed). */
  'logical-name-with-ciphering': 3,
  /** 4: Short_Name_Referencing_With_Ciphering. */
  'short-name-with-ciphering': 4,
} as const;

/** A named application context (§7.4). */
export type ApplicationContextNameId = keyof typeof ApplicationContextNames;

/** Authentication mechanism names `2.16.756.5.8.2.x` (§7.4, §10.8): name → x. */
export const MechanismNames = {
  /** 0: lowest level security, no authentication. */
  none: 0,
  /** 1: low level security, a password. */
  lls: 1,
  /** 2: high level security, manufacturer specific. */
  hls: 2,
  /** 3: HLS with MD5 (deprecated). */
  'hls-md5': 3,
  /** 4: HLS with SHA-1 (deprecated). */
  'hls-sha1': 4,
  /** 5: HLS with GMAC. */
  'hls-gmac': 5,
  /** 6: HLS with SHA-256. */
  'hls-sha256': 6,
  /** 7: HLS with ECDSA. */
  'hls-ecdsa': 7,
} as const;

/** A named authentication mechanism (§7.4). */
export type MechanismNameId = keyof typeof MechanismNames;

/** Association result of an AARE (§7.3): name → value. */
export const AssociationResults = {
  /** 0: accepted. */
  accepted: 0,
  /** 1: rejected permanent. */
  'rejected-permanent': 1,
  /** 2: rejected transient. */
  'rejected-transient': 2,
} as const;

/** The association result of an AARE (§7.3). */
export type AssociationResult = keyof typeof AssociationResults;

/** result-source-diagnostic values of the acse-service-user alternative (§7.3): name → value. */
export const AcseServiceUserDiagnostics = {
  /** 0: null. */
  null: 0,
  /** 1: no reason given. */
  'no-reason-given': 1,
  /** 2: application context name not supported. */
  'application-context-name-not-supported': 2,
  /** 3: calling ap title not recognized. */
  'calling-ap-title-not-recognized': 3,
  /** 4: calling ap invocation identifier not recognized. */
  'calling-ap-invocation-identifier-not-recognized': 4,
  /** 5: calling ae qualifier not recognized. */
  'calling-ae-qualifier-not-recognized': 5,
  /** 6: calling ae invocation identifier not recognized. */
  'calling-ae-invocation-identifier-not-recognized': 6,
  /** 7: called ap title not recognized. */
  'called-ap-title-not-recognized': 7,
  /** 8: called ap invocation identifier not recognized. */
  'called-ap-invocation-identifier-not-recognized': 8,
  /** 9: called ae qualifier not recognized. */
  'called-ae-qualifier-not-recognized': 9,
  /** 10: called ae invocation identifier not recognized. */
  'called-ae-invocation-identifier-not-recognized': 10,
  /** 11: authentication mechanism name not recognised. */
  'authentication-mechanism-name-not-recognised': 11,
  /** 12: authentication mechanism name required. */
  'authentication-mechanism-name-required': 12,
  /** 13: authentication failure. */
  'authentication-failure': 13,
  /** 14: authentication required. */
  'authentication-required': 14,
} as const;

/** A named acse-service-user diagnostic (§7.3). */
export type AcseServiceUserDiagnostic = keyof typeof AcseServiceUserDiagnostics;

/** result-source-diagnostic values of the acse-service-provider alternative (§7.3): name → value. */
export const AcseServiceProviderDiagnostics = {
  /** 0: null. */
  null: 0,
  /** 1: no reason given. */
  'no-reason-given': 1,
  /** 2: no common acse version. */
  'no-common-acse-version': 2,
} as const;

/** A named acse-service-provider diagnostic (§7.3). */
export type AcseServiceProviderDiagnostic = keyof typeof AcseServiceProviderDiagnostics;

/** RLRQ reasons (§7.8): name → value. */
export const ReleaseRequestReasons = {
  /** 0: normal. */
  normal: 0,
  /** 1: urgent. */
  urgent: 1,
  /** 30: user defined. */
  'user-defined': 30,
} as const;

/** A named release-request reason (§7.8). */
export type ReleaseRequestReason = keyof typeof ReleaseRequestReasons;

/** RLRE reasons (§7.8): name → value. */
export const ReleaseResponseReasons = {
  /** 0: normal. */
  normal: 0,
  /** 1: not finished. */
  'not-finished': 1,
  /** 30: user defined. */
  'user-defined': 30,
} as const;

/** A named release-response reason (§7.8). */
export type ReleaseResponseReason = keyof typeof ReleaseResponseReasons;

/** The name of `value` in `table`, or `undefined` when the value has none. */
export function nameOf<T extends Readonly<Record<string, number>>>(
  table: T,
  value: number,
): (keyof T & string) | undefined {
  for (const name in table) if (table[name] === value) return name;
  return undefined;
}
