/**
 * ACSE APDUs — AARQ `60`, AARE `61`, RLRQ `62`, RLRE `63` (meterlink spec §7) — and the xDLMS
 * initiate APDUs they carry. The APDU dispatcher imports everything ACSE from this module.
 *
 * Decoding is BER (§7.1): definite lengths only, every length checked against its parent, fields
 * accepted in any order, unknown context-specific fields kept raw. Encoding writes the fields in
 * the order of §7.2/§7.3 with the shortest lengths, so the golden vectors come out byte for byte.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';
import { closeBerTlv, openBerTlv, readBerLength } from './ber.js';
import { aareFields, aarqFields, rlreFields, rlrqFields } from './field-tables.js';
import { type FieldTable, readFields, writeFields } from './fields.js';
import type { AcseApdu, AcseDecodeOptions } from './types.js';

export {
  type ConfirmedServiceError,
  type ConfirmedServiceErrorService,
  ConfirmedServiceErrorServices,
  confirmedServiceErrorTag,
  readConfirmedServiceError,
  type ServiceErrorChoice,
  type ServiceErrorKind,
  ServiceErrorKinds,
  ServiceErrorValues,
  writeConfirmedServiceError,
} from './confirmed-service-error.js';
export {
  type Conformance,
  ConformanceBit,
  type ConformanceFlag,
  conformanceFromBits,
  conformanceToBits,
  lnClientConformance,
  lnClientConformanceBits,
} from './conformance.js';
export {
  type InitiateRequest,
  type InitiateResponse,
  initiateRequestTag,
  initiateResponseTag,
  readInitiateRequest,
  readInitiateResponse,
  writeInitiateRequest,
  writeInitiateResponse,
} from './initiate.js';
export {
  type AcseServiceProviderDiagnostic,
  AcseServiceProviderDiagnostics,
  type AcseServiceUserDiagnostic,
  AcseServiceUserDiagnostics,
  type ApplicationContextNameId,
  ApplicationContextNames,
  type AssociationResult,
  AssociationResults,
  applicationContextArc,
  dlmsUaOidPrefix,
  type MechanismNameId,
  MechanismNames,
  mechanismArc,
  type ReleaseRequestReason,
  ReleaseRequestReasons,
  type ReleaseResponseReason,
  ReleaseResponseReasons,
} from './names.js';
export { oidFromArcs, oidToArcs } from './oid.js';
export type {
  Aare,
  Aarq,
  AcseApdu,
  AcseDecodeOptions,
  AcseUnknownFields,
  ApplicationContextName,
  MechanismName,
  ResultSourceDiagnostic,
  Rlre,
  Rlrq,
} from './types.js';
export type { UserInformation } from './user-information.js';
export type { AuthenticationValue, BitString } from './values.js';

/** APDU tags of the ACSE APDUs (§8). */
export const AcseTag = {
  /** AARQ. */
  aarq: 0x60,
  /** AARE. */
  aare: 0x61,
  /** RLRQ. */
  rlrq: 0x62,
  /** RLRE. */
  rlre: 0x63,
} as const;

/** Default {@link AcseDecodeOptions.maxApduBytes}. */
export const defaultMaxAcseApduBytes = 0xffff;

/** Fields of each APDU, indexed by `tag - 0x60`. */
const tables: readonly FieldTable[] = [aarqFields, aareFields, rlrqFields, rlreFields];
const types: readonly AcseApdu['type'][] = ['aarq', 'aare', 'rlrq', 'rlre'];

/** `true` when `tag` is the tag of an ACSE APDU (`60`–`63`). */
export function isAcseTag(tag: number): boolean {
  return tag >= AcseTag.aarq && tag <= AcseTag.rlre;
}

/**
 * Reads one ACSE APDU, the cursor on its tag (`60`–`63`), and leaves the cursor just after it
 * (bytes after the APDU are not looked at).
 *
 * @throws DecodeError (the reader's layer, offsets of the reader) for another tag, a malformed
 *   BER TLV (indefinite or over-long length, a child longer than its parent, truncation), an
 *   APDU longer than `maxApduBytes`, a duplicate or missing mandatory field, or a malformed value
 * @example
 * ```ts
 * const apdu = readAcseApdu(new ByteReader(bytes, 'apdu'));
 * if (apdu.type === 'aare' && apdu.result !== 'accepted') console.error(apdu.resultSourceDiagnostic);
 * ```
 */
export function readAcseApdu(reader: ByteReader, options?: AcseDecodeOptions): AcseApdu {
  const max = options?.maxApduBytes ?? defaultMaxAcseApduBytes;
  const start = reader.pos;
  const tag = reader.u8('ACSE APDU tag');
  if (!isAcseTag(tag)) reader.fail('not an ACSE APDU', 'AARQ 60, AARE 61, RLRQ 62 or RLRE 63', start);
  const lengthAt = reader.pos;
  const length = readBerLength(reader, reader.length);
  if (reader.pos - start + length > max) {
    reader.fail(`APDU of ${reader.pos - start + length} bytes`, `at most maxApduBytes (${max})`, lengthAt);
  }
  const index = tag - AcseTag.aarq;
  const fields = readFields(reader, reader.pos + length, start, types[index]!, tables[index]!, max);
  return fields as unknown as AcseApdu;
}

/**
 * Writes one ACSE APDU.
 *
 * @throws EncodeError naming the field for a missing mandatory field, an unknown name or an
 *   out-of-range value (the writer should then be discarded)
 * @example
 * ```ts
 * const w = new ByteWriter();
 * writeAcseApdu(w, { type: 'rlrq', reason: 'normal' });
 * w.finish(); // 62 03 80 01 00
 * ```
 */
export function writeAcseApdu(writer: ByteWriter, apdu: AcseApdu): void {
  const index = types.indexOf(apdu.type);
  if (index < 0) throw new EncodeError('type', `not an ACSE APDU: '${String(apdu.type)}'`);
  openBerTlv(writer, AcseTag.aarq + index);
  writeFields(writer, apdu as unknown as Readonly<Record<string, unknown>>, tables[index]!);
  closeBerTlv(writer);
}
