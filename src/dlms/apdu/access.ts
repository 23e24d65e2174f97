/**
 * access-request `D9` and access-response `DA` (meterlink spec §9.12, a summary; the layout
 * follows the xDLMS ASN.1 of IEC 62056-5-3): long-invoke-id-and-priority, a date-time OCTET
 * STRING (empty when absent), then the body.
 *
 * - Request body: SEQUENCE OF Access-Request-Specification (CHOICE `01` get, `02` set, `03`
 *   action, `04` get-with-selection, `05` set-with-selection), then SEQUENCE OF Data.
 * - Response body: the request specifications as an OPTIONAL SEQUENCE OF (normally `00`), the
 *   SEQUENCE OF Data, then SEQUENCE OF Access-Response-Specification (CHOICE `01` get, `02` set
 *   with a Data-Access-Result, `03` action with an Action-Result).
 *
 * In the with-selection forms the Selective-Access-Descriptor is mandatory, so it has no presence
 * octet: `selector Data` follow the attribute descriptor directly.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { readDateTimeOctetString, writeDateTimeOctetString } from './date-time-field.js';
import {
  descriptorBytes,
  readAttributeDescriptor,
  readMethodDescriptor,
  writeAttributeDescriptor,
  writeMethodDescriptor,
} from './descriptors.js';
import { checkInteger, unknownVariant } from './encode-checks.js';
import { failChoice, readCount, readPresence } from './fields.js';
import { readLongInvokeIdAndPriority, writeLongInvokeIdAndPriority } from './invoke-id.js';
import { readDataList, writeDataList, writeList } from './lists.js';
import {
  readActionResult,
  readDataAccessResult,
  writeActionResult,
  writeDataAccessResult,
} from './results.js';
import { apduTags } from './tags.js';
import type {
  AccessRequest,
  AccessRequestSpecification,
  AccessResponse,
  AccessResponseSpecification,
  SelectiveAccess,
} from './types.js';

/** Reads a mandatory Selective-Access-Descriptor (no presence octet). */
function readSelection(reader: ByteReader, options: DataDecodeOptions | undefined): SelectiveAccess {
  const selector = reader.u8('access-selector');
  return { selector, parameters: readData(reader, options) };
}

/** Writes a mandatory Selective-Access-Descriptor. */
function writeSelection(
  writer: ByteWriter,
  access: SelectiveAccess,
  options: DataEncodeOptions | undefined,
): void {
  checkInteger(access?.selector, 0, 0xff, 'selector');
  writer.u8(access.selector);
  writeData(writer, access.parameters, options);
}

/** Reads one Access-Request-Specification. */
function readRequestSpecification(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): AccessRequestSpecification {
  const at = reader.pos;
  const choice = reader.u8('access-request-specification choice');
  switch (choice) {
    case 1:
      return { type: 'get', attribute: readAttributeDescriptor(reader) };
    case 2:
      return { type: 'set', attribute: readAttributeDescriptor(reader) };
    case 3:
      return { type: 'action', method: readMethodDescriptor(reader) };
    case 4: {
      const attribute = readAttributeDescriptor(reader);
      return { type: 'get-with-selection', attribute, access: readSelection(reader, options) };
    }
    case 5: {
      const attribute = readAttributeDescriptor(reader);
      return { type: 'set-with-selection', attribute, access: readSelection(reader, options) };
    }
    default:
      return failChoice(reader, 'access-request-specification', choice, at);
  }
}

/** Writes one Access-Request-Specification. */
function writeRequestSpecification(
  writer: ByteWriter,
  spec: AccessRequestSpecification,
  options: DataEncodeOptions | undefined,
): void {
  switch (spec?.type) {
    case 'get':
      writer.u8(1);
      writeAttributeDescriptor(writer, spec.attribute);
      return;
    case 'set':
      writer.u8(2);
      writeAttributeDescriptor(writer, spec.attribute);
      return;
    case 'action':
      writer.u8(3);
      writeMethodDescriptor(writer, spec.method);
      return;
    case 'get-with-selection':
      writer.u8(4);
      writeAttributeDescriptor(writer, spec.attribute);
      writeSelection(writer, spec.access, options);
      return;
    case 'set-with-selection':
      writer.u8(5);
      writeAttributeDescriptor(writer, spec.attribute);
      writeSelection(writer, spec.access, options);
      return;
    default:
      unknownVariant(spec as never, 'access-request-specification');
  }
}

/** Reads a count and that many Access-Request-Specifications. */
function readRequestSpecifications(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): AccessRequestSpecification[] {
  const count = readCount(reader, 'access-request-specification list', descriptorBytes + 1, options);
  const specs: AccessRequestSpecification[] = [];
  for (let i = 0; i < count; i++) specs.push(readRequestSpecification(reader, options));
  return specs;
}

/** Writes a count and the Access-Request-Specifications. */
function writeRequestSpecifications(
  writer: ByteWriter,
  specs: readonly AccessRequestSpecification[],
  options: DataEncodeOptions | undefined,
): void {
  writeList(writer, specs, 'requests');
  for (const spec of specs) writeRequestSpecification(writer, spec, options);
}

/**
 * Reads an access-request after its tag octet.
 *
 * @throws DecodeError for a reserved bit set, a bad date-time, an unknown choice or a malformed field
 */
export function readAccessRequest(reader: ByteReader, options: DataDecodeOptions | undefined): AccessRequest {
  const invoke = readLongInvokeIdAndPriority(reader);
  const dateTime = readDateTimeOctetString(reader, true, options?.invertDeviation === true);
  const requests = readRequestSpecifications(reader, options);
  const data = readDataList(reader, 'access-request list of data', options);
  return { type: 'access-request', invoke, dateTime, requests, data };
}

/**
 * Writes an access-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeAccessRequest(
  writer: ByteWriter,
  apdu: AccessRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['access-request']);
  writeLongInvokeIdAndPriority(writer, apdu.invoke);
  writeDateTimeOctetString(writer, apdu.dateTime, options?.invertDeviation === true);
  writeRequestSpecifications(writer, apdu.requests, options);
  writeDataList(writer, apdu.data, 'data', options);
}

/** Reads one Access-Response-Specification. */
function readResponseSpecification(reader: ByteReader): AccessResponseSpecification {
  const at = reader.pos;
  const choice = reader.u8('access-response-specification choice');
  switch (choice) {
    case 1:
      return { type: 'get', result: readDataAccessResult(reader) };
    case 2:
      return { type: 'set', result: readDataAccessResult(reader) };
    case 3:
      return { type: 'action', result: readActionResult(reader) };
    default:
      return failChoice(reader, 'access-response-specification', choice, at);
  }
}

/** Writes one Access-Response-Specification. */
function writeResponseSpecification(writer: ByteWriter, spec: AccessResponseSpecification): void {
  switch (spec?.type) {
    case 'get':
      writer.u8(1);
      writeDataAccessResult(writer, spec.result);
      return;
    case 'set':
      writer.u8(2);
      writeDataAccessResult(writer, spec.result);
      return;
    case 'action':
      writer.u8(3);
      writeActionResult(writer, spec.result);
      return;
    default:
      unknownVariant(spec as never, 'access-response-specification');
  }
}

/**
 * Reads an access-response after its tag octet.
 *
 * @throws DecodeError for a reserved bit set, a bad date-time, an unknown choice or a malformed field
 */
export function readAccessResponse(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): AccessResponse {
  const invoke = readLongInvokeIdAndPriority(reader);
  const dateTime = readDateTimeOctetString(reader, true, options?.invertDeviation === true);
  const requests = readPresence(reader, 'access-request-specification')
    ? readRequestSpecifications(reader, options)
    : undefined;
  const data = readDataList(reader, 'access-response list of data', options);
  const count = readCount(reader, 'access-response-specification list', 2, options);
  const responses: AccessResponseSpecification[] = [];
  for (let i = 0; i < count; i++) responses.push(readResponseSpecification(reader));
  return { type: 'access-response', invoke, dateTime, requests, data, responses };
}

/**
 * Writes an access-response, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeAccessResponse(
  writer: ByteWriter,
  apdu: AccessResponse,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['access-response']);
  writeLongInvokeIdAndPriority(writer, apdu.invoke);
  writeDateTimeOctetString(writer, apdu.dateTime, options?.invertDeviation === true);
  if (apdu.requests === undefined) {
    writer.u8(0);
  } else {
    writer.u8(1);
    writeRequestSpecifications(writer, apdu.requests, options);
  }
  writeDataList(writer, apdu.data, 'data', options);
  writeList(writer, apdu.responses, 'responses');
  for (const spec of apdu.responses) writeResponseSpecification(writer, spec);
}
