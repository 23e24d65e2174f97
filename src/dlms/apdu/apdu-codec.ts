/**
 * The APDU codec (meterlink spec §7–§10): dispatches on the first octet (§8) to the ACSE, xDLMS
 * initiate, ciphered-envelope and service codecs.
 *
 * Octet fields of decoded APDUs (`rawData`, `blockData`, ciphered `content`, `systemTitle`,
 * octet-string `Data` values …) are views into the input: they alias it, so copy them to keep
 * them after the input buffer is reused.
 *
 * @module
 */

import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { isCipheredTag, readCipheredApdu, writeCipheredApdu } from '../security/ciphered-apdu.js';
import { readAccessRequest, readAccessResponse, writeAccessRequest, writeAccessResponse } from './access.js';
import {
  readAcseApdu,
  readConfirmedServiceError,
  readInitiateRequest,
  readInitiateResponse,
  writeAcseApdu,
  writeConfirmedServiceError,
  writeInitiateRequest,
  writeInitiateResponse,
} from './acse/acse-codec.js';
import { readActionRequest, readActionResponse, writeActionRequest, writeActionResponse } from './action.js';
import { unknownVariant } from './encode-checks.js';
import { readExceptionResponse, writeExceptionResponse } from './exception.js';
import { hex2 } from './fields.js';
import { readGeneralBlockTransfer, writeGeneralBlockTransfer } from './general-block-transfer.js';
import { readGetRequest, readGetResponse, writeGetRequest, writeGetResponse } from './get.js';
import {
  readDataNotification,
  readEventNotificationRequest,
  writeDataNotification,
  writeEventNotificationRequest,
} from './notification.js';
import { readSetRequest, readSetResponse, writeSetRequest, writeSetResponse } from './set.js';
import {
  readInformationReportRequest,
  readReadRequest,
  readReadResponse,
  readWriteRequest,
  readWriteResponse,
  writeInformationReportRequest,
  writeReadRequest,
  writeReadResponse,
  writeWriteRequest,
  writeWriteResponse,
} from './short-name.js';
import { apduTagName } from './tags.js';
import type { Apdu } from './types.js';

/** Default {@link ApduDecodeOptions.maxApduBytes}. */
export const defaultMaxApduBytes = 65535;

/** Options of {@link decodeApdu} and `readApdu`; the Data limits apply to every `Data` inside. */
export interface ApduDecodeOptions extends DataDecodeOptions {
  /**
   * Largest APDU accepted, in octets: {@link decodeApdu} rejects a longer input before decoding
   * anything, and ciphered envelopes whose length says more are rejected. Default 65 535.
   */
  maxApduBytes?: number;
}

/** Options of {@link encodeApdu} and `writeApdu`. */
export type ApduEncodeOptions = DataEncodeOptions;

function maxApduBytesOf(options: ApduDecodeOptions | undefined): number {
  const max = options?.maxApduBytes;
  if (max === undefined) return defaultMaxApduBytes;
  if (!(max >= 0) || (!Number.isInteger(max) && max !== Number.POSITIVE_INFINITY)) {
    throw new InvalidArgumentError(`maxApduBytes must be a non-negative integer, got ${String(max)}`);
  }
  return max;
}

/**
 * Reads one APDU at the reader's cursor (its tag octet) and leaves the cursor just after it.
 * Errors use the reader's layer and offsets. The caller bounds the input (see
 * {@link ApduDecodeOptions.maxApduBytes}, checked by {@link decodeApdu}).
 *
 * @throws DecodeError for an unknown or unsupported tag (at the tag's offset, naming it) or a
 *   malformed APDU
 * @throws InvalidArgumentError for a limit that is not a non-negative integer
 * @example
 * ```ts
 * const reader = new ByteReader(frame, 'apdu', infoStart);
 * const apdu = readApdu(reader);
 * ```
 */
export function readApdu(reader: ByteReader, options?: ApduDecodeOptions): Apdu {
  const at = reader.pos;
  const tag = reader.peek();
  if (tag === undefined) return reader.fail('empty APDU', 'an APDU tag', at);
  switch (tag) {
    case 0x01:
      return readInitiateRequest(reader);
    case 0x08:
      return readInitiateResponse(reader);
    case 0x0e:
      return readConfirmedServiceError(reader);
    case 0x60:
    case 0x61:
    case 0x62:
    case 0x63:
      return readAcseApdu(reader, { maxApduBytes: maxApduBytesOf(options) });
  }
  if (isCipheredTag(tag)) return readCipheredApdu(reader, { maxApduBytes: maxApduBytesOf(options) });
  reader.pos = at + 1;
  switch (tag) {
    case 0x0f:
      return readDataNotification(reader, options);
    case 0xc0:
      return readGetRequest(reader, options);
    case 0xc4:
      return readGetResponse(reader, options);
    case 0xc1:
      return readSetRequest(reader, options);
    case 0xc5:
      return readSetResponse(reader, options);
    case 0xc3:
      return readActionRequest(reader, options);
    case 0xc7:
      return readActionResponse(reader, options);
    case 0xc2:
      return readEventNotificationRequest(reader, options);
    case 0xd8:
      return readExceptionResponse(reader);
    case 0xe0:
      return readGeneralBlockTransfer(reader);
    case 0xd9:
      return readAccessRequest(reader, options);
    case 0xda:
      return readAccessResponse(reader, options);
    case 0x05:
      return readReadRequest(reader, options);
    case 0x0c:
      return readReadResponse(reader, options);
    case 0x06:
      return readWriteRequest(reader, 'write-request', options);
    case 0x0d:
      return readWriteResponse(reader, options);
    case 0x16:
      return readWriteRequest(reader, 'unconfirmed-write-request', options);
    case 0x18:
      return readInformationReportRequest(reader, options);
    default:
      return failTag(reader, tag, at);
  }
}

/** Throws the DecodeError for a tag this codec does not decode, naming it. */
function failTag(reader: ByteReader, tag: number, at: number): never {
  const name = apduTagName(tag);
  return reader.fail(
    name === undefined ? `unknown APDU tag 0x${hex2(tag)}` : `unsupported APDU ${name} (tag 0x${hex2(tag)})`,
    'a supported APDU tag (§8)',
    at,
  );
}

/**
 * Decodes one complete APDU; every octet must belong to it.
 *
 * @param bytes - The APDU, tag first (e.g. an HDLC information field after the LLC header).
 * @throws DecodeError (layer 'apdu') for an input longer than `maxApduBytes`, an unknown tag
 *   (offset 0), a malformed APDU or trailing octets
 * @throws InvalidArgumentError for a limit that is not a non-negative integer
 * @example
 * ```ts
 * const apdu = decodeApdu(fromHex('C401C1000600001391'));
 * if (apdu.type === 'get-response' && apdu.variant === 'normal' && apdu.result.type === 'data') {
 *   console.log(apdu.result.data); // { type: 'double-long-unsigned', value: 5009 }
 * }
 * ```
 */
export function decodeApdu(bytes: Uint8Array, options?: ApduDecodeOptions): Apdu {
  const reader = new ByteReader(bytes, 'apdu');
  const max = maxApduBytesOf(options);
  if (bytes.length > max)
    reader.fail(`APDU of ${bytes.length} octets exceeds maxApduBytes (${max})`, 'a shorter APDU', 0);
  const apdu = readApdu(reader, options);
  reader.expectEnd('the end of the APDU');
  return apdu;
}

/**
 * Writes one APDU.
 *
 * @throws EncodeError naming the field that cannot be encoded
 * @example
 * ```ts
 * const writer = new ByteWriter();
 * writeApdu(writer, { type: 'set-response', variant: 'normal', invoke, result: 'success' });
 * ```
 */
export function writeApdu(writer: ByteWriter, apdu: Apdu, options?: ApduEncodeOptions): void {
  switch (apdu.type) {
    case 'aarq':
    case 'aare':
    case 'rlrq':
    case 'rlre':
      writeAcseApdu(writer, apdu);
      return;
    case 'initiate-request':
      writeInitiateRequest(writer, apdu);
      return;
    case 'initiate-response':
      writeInitiateResponse(writer, apdu);
      return;
    case 'confirmed-service-error':
      writeConfirmedServiceError(writer, apdu);
      return;
    case 'glo-ciphered':
    case 'ded-ciphered':
    case 'general-glo-ciphering':
    case 'general-ded-ciphering':
      writeCipheredApdu(writer, apdu);
      return;
    case 'get-request':
      writeGetRequest(writer, apdu, options);
      return;
    case 'get-response':
      writeGetResponse(writer, apdu, options);
      return;
    case 'set-request':
      writeSetRequest(writer, apdu, options);
      return;
    case 'set-response':
      writeSetResponse(writer, apdu);
      return;
    case 'action-request':
      writeActionRequest(writer, apdu, options);
      return;
    case 'action-response':
      writeActionResponse(writer, apdu, options);
      return;
    case 'data-notification':
      writeDataNotification(writer, apdu, options);
      return;
    case 'event-notification-request':
      writeEventNotificationRequest(writer, apdu, options);
      return;
    case 'exception-response':
      writeExceptionResponse(writer, apdu);
      return;
    case 'general-block-transfer':
      writeGeneralBlockTransfer(writer, apdu);
      return;
    case 'access-request':
      writeAccessRequest(writer, apdu, options);
      return;
    case 'access-response':
      writeAccessResponse(writer, apdu, options);
      return;
    case 'read-request':
      writeReadRequest(writer, apdu, options);
      return;
    case 'read-response':
      writeReadResponse(writer, apdu, options);
      return;
    case 'write-request':
    case 'unconfirmed-write-request':
      writeWriteRequest(writer, apdu, options);
      return;
    case 'write-response':
      writeWriteResponse(writer, apdu);
      return;
    case 'information-report-request':
      writeInformationReportRequest(writer, apdu, options);
      return;
    default:
      unknownVariant(apdu, 'APDU type');
  }
}

/**
 * Encodes one APDU to a new array.
 *
 * @throws EncodeError naming the field that cannot be encoded
 * @example
 * ```ts
 * encodeApdu({
 *   type: 'get-request',
 *   variant: 'normal',
 *   invoke: { invokeId: 1, confirmed: true, highPriority: true },
 *   attribute: { classId: 1, instance: '0.0.43.1.0.255', attributeId: 2 },
 *   access: undefined,
 * }); // C0 01 C1 00 01 00 00 2B 01 00 FF 02 00
 * ```
 */
export function encodeApdu(apdu: Apdu, options?: ApduEncodeOptions): Uint8Array {
  const writer = new ByteWriter();
  writeApdu(writer, apdu, options);
  return writer.finish();
}
