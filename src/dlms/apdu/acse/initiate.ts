/**
 * xDLMS InitiateRequest (tag `01`) and InitiateResponse (tag `08`), meterlink spec §7.6, A-XDR
 * encoded (§6.2): OPTIONAL components carry a `00` absent / `01` present octet, a component with
 * DEFAULT a `00` default / `01` explicit octet.
 *
 * `response-allowed` (BOOLEAN DEFAULT TRUE) is encoded in its canonical form: TRUE as the
 * default `00`, FALSE as `01 00`; `01 01` decodes to `true`.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';
import { readLength, writeLength } from '../../axdr/length.js';
import { type Conformance, readConformance, writeConformance } from './conformance.js';

/** APDU tag of the xDLMS InitiateRequest (§8). */
export const initiateRequestTag = 0x01;
/** APDU tag of the xDLMS InitiateResponse (§8). */
export const initiateResponseTag = 0x08;

/** xDLMS InitiateRequest (§7.6), sent by the client inside the AARQ user-information. */
export interface InitiateRequest {
  /** Discriminant: APDU tag `01`. */
  type: 'initiate-request';
  /** Dedicated key proposed for ded- ciphering (usually 16 octets), or absent. */
  dedicatedKey?: Uint8Array;
  /** `false` only for unconfirmed use; DEFAULT TRUE (encoded `00`). */
  responseAllowed: boolean;
  /** Integer8, rarely present. */
  proposedQualityOfService?: number;
  /** Unsigned8; 6 for DLMS. */
  proposedDlmsVersionNumber: number;
  /** Services the client proposes (§7.6.1). */
  proposedConformance: Conformance;
  /**
   * Unsigned16: the largest APDU the client accepts. Never 0 when encoding (§14.7); a decoded 0
   * is returned as received.
   */
  clientMaxReceivePduSize: number;
}

/** xDLMS InitiateResponse (§7.6), sent by the server inside the AARE user-information. */
export interface InitiateResponse {
  /** Discriminant: APDU tag `08`. */
  type: 'initiate-response';
  /** Integer8, rarely present. */
  negotiatedQualityOfService?: number;
  /** Unsigned8; 6 for DLMS. */
  negotiatedDlmsVersionNumber: number;
  /** Services the association may use (§7.6.1). */
  negotiatedConformance: Conformance;
  /**
   * Unsigned16: the largest APDU the server accepts. Returned as received; a server announcing 0
   * should be treated as 65535 (§14.7).
   */
  serverMaxReceivePduSize: number;
  /** `0x0007` for LN associations, `0xFA00` (the SN base name) for SN ones; read as unsigned. */
  vaaName: number;
}

/** Reads an A-XDR OPTIONAL / DEFAULT presence octet: `false` for `00`, `true` for `01`. */
function readPresence(reader: ByteReader, what: string): boolean {
  const at = reader.pos;
  const flag = reader.u8(what);
  if (flag > 1) reader.fail('presence octet is neither 00 nor 01', what, at);
  return flag === 1;
}

/**
 * Reads an InitiateRequest, the cursor on its tag `01`.
 *
 * @throws DecodeError (the reader's layer) on another tag, a presence octet other than 00/01, a
 *   malformed conformance block or truncated input
 * @example
 * ```ts
 * const r = readInitiateRequest(new ByteReader(fromHex('01000000065F1F0400007E1F04B0'), 'apdu'));
 * r.clientMaxReceivePduSize; // 1200
 * ```
 */
export function readInitiateRequest(reader: ByteReader): InitiateRequest {
  const at = reader.pos;
  if (reader.u8('InitiateRequest tag') !== initiateRequestTag) {
    reader.fail('not an InitiateRequest', 'tag 01', at);
  }
  let dedicatedKey: Uint8Array | undefined;
  if (readPresence(reader, 'dedicated-key presence (00/01)')) {
    dedicatedKey = reader.bytesView(readLength(reader, 'dedicated-key'), 'dedicated-key');
  }
  const responseAllowed = readPresence(reader, 'response-allowed presence (00/01)')
    ? reader.u8('response-allowed') !== 0
    : true;
  const qos = readPresence(reader, 'proposed-quality-of-service presence (00/01)')
    ? reader.i8('proposed-quality-of-service')
    : undefined;
  const proposedDlmsVersionNumber = reader.u8('proposed-dlms-version-number');
  const proposedConformance = readConformance(reader);
  const clientMaxReceivePduSize = reader.u16('client-max-receive-pdu-size');
  const v: InitiateRequest = {
    type: 'initiate-request',
    responseAllowed,
    proposedDlmsVersionNumber,
    proposedConformance,
    clientMaxReceivePduSize,
  };
  if (dedicatedKey !== undefined) v.dedicatedKey = dedicatedKey;
  if (qos !== undefined) v.proposedQualityOfService = qos;
  return v;
}

/**
 * Reads an InitiateResponse, the cursor on its tag `08`.
 *
 * @throws DecodeError (the reader's layer) on another tag, a presence octet other than 00/01, a
 *   malformed conformance block or truncated input
 * @example
 * ```ts
 * const r = readInitiateResponse(new ByteReader(fromHex('0800065F1F040000501F01F40007'), 'apdu'));
 * r.serverMaxReceivePduSize; // 500
 * ```
 */
export function readInitiateResponse(reader: ByteReader): InitiateResponse {
  const at = reader.pos;
  if (reader.u8('InitiateResponse tag') !== initiateResponseTag) {
    reader.fail('not an InitiateResponse', 'tag 08', at);
  }
  const qos = readPresence(reader, 'negotiated-quality-of-service presence (00/01)')
    ? reader.i8('negotiated-quality-of-service')
    : undefined;
  const negotiatedDlmsVersionNumber = reader.u8('negotiated-dlms-version-number');
  const negotiatedConformance = readConformance(reader);
  const serverMaxReceivePduSize = reader.u16('server-max-receive-pdu-size');
  const vaaName = reader.u16('vaa-name');
  const v: InitiateResponse = {
    type: 'initiate-response',
    negotiatedDlmsVersionNumber,
    negotiatedConformance,
    serverMaxReceivePduSize,
    vaaName,
  };
  if (qos !== undefined) v.negotiatedQualityOfService = qos;
  return v;
}

function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError(field, `${String(value)} is not an integer ${min}–${max}`);
  }
  return value;
}

/**
 * Writes an InitiateRequest.
 *
 * @throws EncodeError for a field out of range (version 0–255, QoS −128–127, PDU size 1–65535 —
 *   never 0, §14.7) or a dedicated key that is not a byte array
 * @example
 * ```ts
 * writeInitiateRequest(writer, {
 *   type: 'initiate-request', responseAllowed: true, proposedDlmsVersionNumber: 6,
 *   proposedConformance: lnClientConformance, clientMaxReceivePduSize: 1200,
 * }); // 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0
 * ```
 */
export function writeInitiateRequest(writer: ByteWriter, v: InitiateRequest): void {
  if (v.dedicatedKey !== undefined && !(v.dedicatedKey instanceof Uint8Array)) {
    throw new EncodeError('dedicatedKey', 'must be a Uint8Array');
  }
  if (typeof v.responseAllowed !== 'boolean') throw new EncodeError('responseAllowed', 'must be a boolean');
  const qos = v.proposedQualityOfService;
  if (qos !== undefined) checkInt('proposedQualityOfService', qos, -128, 127);
  const version = checkInt('proposedDlmsVersionNumber', v.proposedDlmsVersionNumber, 0, 0xff);
  const pduSize = checkInt('clientMaxReceivePduSize', v.clientMaxReceivePduSize, 1, 0xffff);
  writer.u8(initiateRequestTag);
  if (v.dedicatedKey === undefined) writer.u8(0);
  else {
    writer.u8(1);
    writeLength(writer, v.dedicatedKey.length);
    writer.bytes(v.dedicatedKey);
  }
  if (v.responseAllowed) writer.u8(0);
  else writer.u8(1).u8(0);
  if (qos === undefined) writer.u8(0);
  else writer.u8(1).i8(qos);
  writer.u8(version);
  writeConformance(writer, v.proposedConformance, 'proposedConformance');
  writer.u16(pduSize);
}

/**
 * Writes an InitiateResponse.
 *
 * @throws EncodeError for a field out of range (version 0–255, QoS −128–127, PDU size and
 *   vaa-name 0–65535)
 * @example
 * ```ts
 * writeInitiateResponse(writer, {
 *   type: 'initiate-response', negotiatedDlmsVersionNumber: 6,
 *   negotiatedConformance: conformanceFromBits(0x00501f), serverMaxReceivePduSize: 500, vaaName: 7,
 * }); // 08 00 06 5F 1F 04 00 00 50 1F 01 F4 00 07
 * ```
 */
export function writeInitiateResponse(writer: ByteWriter, v: InitiateResponse): void {
  const qos = v.negotiatedQualityOfService;
  if (qos !== undefined) checkInt('negotiatedQualityOfService', qos, -128, 127);
  const version = checkInt('negotiatedDlmsVersionNumber', v.negotiatedDlmsVersionNumber, 0, 0xff);
  const pduSize = checkInt('serverMaxReceivePduSize', v.serverMaxReceivePduSize, 0, 0xffff);
  const vaaName = checkInt('vaaName', v.vaaName, 0, 0xffff);
  writer.u8(initiateResponseTag);
  if (qos === undefined) writer.u8(0);
  else writer.u8(1).i8(qos);
  writer.u8(version);
  writeConformance(writer, v.negotiatedConformance, 'negotiatedConformance');
  writer.u16(pduSize).u16(vaaName);
}
