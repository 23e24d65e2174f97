/**
 * Short-name (SN) services (meterlink spec §9.13): read-request `05`, read-response `0C`,
 * write-request `06`, write-response `0D`, unconfirmed-write-request `16` and
 * information-report-request `18`.
 *
 * Short names are read as unsigned 16-bit numbers (the ASN.1 says Integer16, but base_name
 * arithmetic and every object list use the unsigned value, e.g. `FA08`).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { readOptionalDateTime, writeOptionalDateTime } from './date-time-field.js';
import { checkInteger, unknownVariant } from './encode-checks.js';
import { failChoice, readBoolean, readCount, readOctets, writeOctets } from './fields.js';
import { readDataList, writeDataList, writeList } from './lists.js';
import { readDataAccessResult, writeDataAccessResult } from './results.js';
import { apduTags } from './tags.js';
import type {
  InformationReportRequest,
  ReadRequest,
  ReadResponse,
  ReadResult,
  UnconfirmedWriteRequest,
  VariableAccessSpecification,
  WriteRequest,
  WriteResponse,
  WriteResult,
} from './types.js';

/** Reads one Variable-Access-Specification. */
function readVariableAccess(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): VariableAccessSpecification {
  const at = reader.pos;
  const choice = reader.u8('variable-access-specification choice');
  switch (choice) {
    case 2:
      return { type: 'variable-name', variableName: reader.u16('variable-name') };
    case 4: {
      const variableName = reader.u16('variable-name');
      const selector = reader.u8('selector');
      const parameters = readData(reader, options);
      return { type: 'parameterized-access', variableName, selector, parameters };
    }
    case 5:
      return { type: 'block-number-access', blockNumber: reader.u16('block-number') };
    default:
      return failChoice(reader, 'variable-access-specification', choice, at);
  }
}

/** Writes one Variable-Access-Specification. */
function writeVariableAccess(
  writer: ByteWriter,
  item: VariableAccessSpecification,
  options: DataEncodeOptions | undefined,
): void {
  switch (item?.type) {
    case 'variable-name':
      checkInteger(item.variableName, 0, 0xffff, 'variableName');
      writer.u8(2).u16(item.variableName);
      return;
    case 'parameterized-access':
      checkInteger(item.variableName, 0, 0xffff, 'variableName');
      checkInteger(item.selector, 0, 0xff, 'selector');
      writer.u8(4).u16(item.variableName).u8(item.selector);
      writeData(writer, item.parameters, options);
      return;
    case 'block-number-access':
      checkInteger(item.blockNumber, 0, 0xffff, 'blockNumber');
      writer.u8(5).u16(item.blockNumber);
      return;
    default:
      unknownVariant(item as never, 'variable-access-specification');
  }
}

/** Reads a count and that many Variable-Access-Specifications. */
function readVariableAccessList(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): VariableAccessSpecification[] {
  const count = readCount(reader, 'variable-access-specification list', 3, options);
  const items: VariableAccessSpecification[] = [];
  for (let i = 0; i < count; i++) items.push(readVariableAccess(reader, options));
  return items;
}

/** Writes a count and the Variable-Access-Specifications. */
function writeVariableAccessList(
  writer: ByteWriter,
  items: readonly VariableAccessSpecification[],
  options: DataEncodeOptions | undefined,
): void {
  writeList(writer, items, 'items');
  for (const item of items) writeVariableAccess(writer, item, options);
}

/**
 * Reads a read-request after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readReadRequest(reader: ByteReader, options: DataDecodeOptions | undefined): ReadRequest {
  return { type: 'read-request', items: readVariableAccessList(reader, options) };
}

/**
 * Writes a read-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeReadRequest(
  writer: ByteWriter,
  apdu: ReadRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['read-request']);
  writeVariableAccessList(writer, apdu.items, options);
}

/** Reads one read-response item. */
function readReadResult(reader: ByteReader, options: DataDecodeOptions | undefined): ReadResult {
  const at = reader.pos;
  const choice = reader.u8('read-response choice');
  switch (choice) {
    case 0:
      return { type: 'data', data: readData(reader, options) };
    case 1:
      return { type: 'error', result: readDataAccessResult(reader) };
    case 2: {
      const lastBlock = readBoolean(reader, 'last-block');
      const blockNumber = reader.u16('block-number');
      const rawData = readOctets(reader, 'raw-data');
      return { type: 'data-block-result', lastBlock, blockNumber, rawData };
    }
    case 3:
      return { type: 'block-number', blockNumber: reader.u16('block-number') };
    default:
      return failChoice(reader, 'read-response', choice, at);
  }
}

/** Writes one read-response item. */
function writeReadResult(
  writer: ByteWriter,
  result: ReadResult,
  options: DataEncodeOptions | undefined,
): void {
  switch (result?.type) {
    case 'data':
      writer.u8(0);
      writeData(writer, result.data, options);
      return;
    case 'error':
      writer.u8(1);
      writeDataAccessResult(writer, result.result);
      return;
    case 'data-block-result':
      checkInteger(result.blockNumber, 0, 0xffff, 'blockNumber');
      writer
        .u8(2)
        .u8(result.lastBlock ? 1 : 0)
        .u16(result.blockNumber);
      writeOctets(writer, result.rawData, 'rawData');
      return;
    case 'block-number':
      checkInteger(result.blockNumber, 0, 0xffff, 'blockNumber');
      writer.u8(3).u16(result.blockNumber);
      return;
    default:
      unknownVariant(result as never, 'read-response result');
  }
}

/**
 * Reads a read-response after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readReadResponse(reader: ByteReader, options: DataDecodeOptions | undefined): ReadResponse {
  const count = readCount(reader, 'read-response list', 2, options);
  const results: ReadResult[] = [];
  for (let i = 0; i < count; i++) results.push(readReadResult(reader, options));
  return { type: 'read-response', results };
}

/**
 * Writes a read-response, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeReadResponse(
  writer: ByteWriter,
  apdu: ReadResponse,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['read-response']);
  writeList(writer, apdu.results, 'results');
  for (const result of apdu.results) writeReadResult(writer, result, options);
}

/**
 * Reads a write-request or unconfirmed-write-request after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readWriteRequest(
  reader: ByteReader,
  type: 'write-request' | 'unconfirmed-write-request',
  options: DataDecodeOptions | undefined,
): WriteRequest | UnconfirmedWriteRequest {
  const items = readVariableAccessList(reader, options);
  const values = readDataList(reader, 'value list', options);
  return { type, items, values };
}

/**
 * Writes a write-request or unconfirmed-write-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeWriteRequest(
  writer: ByteWriter,
  apdu: WriteRequest | UnconfirmedWriteRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags[apdu.type]);
  writeVariableAccessList(writer, apdu.items, options);
  writeDataList(writer, apdu.values, 'values', options);
}

/** Reads one write-response item. */
function readWriteResult(reader: ByteReader): WriteResult {
  const at = reader.pos;
  const choice = reader.u8('write-response choice');
  switch (choice) {
    case 0:
      return { type: 'success' };
    case 1:
      return { type: 'error', result: readDataAccessResult(reader) };
    case 2:
      return { type: 'block-number', blockNumber: reader.u16('block-number') };
    default:
      return failChoice(reader, 'write-response', choice, at);
  }
}

/**
 * Reads a write-response after its tag octet.
 *
 * @throws DecodeError for an unknown choice or when the input ends
 */
export function readWriteResponse(reader: ByteReader, options: DataDecodeOptions | undefined): WriteResponse {
  const count = readCount(reader, 'write-response list', 1, options);
  const results: WriteResult[] = [];
  for (let i = 0; i < count; i++) results.push(readWriteResult(reader));
  return { type: 'write-response', results };
}

/**
 * Writes a write-response, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeWriteResponse(writer: ByteWriter, apdu: WriteResponse): void {
  writer.u8(apduTags['write-response']);
  writeList(writer, apdu.results, 'results');
  for (const result of apdu.results) {
    switch (result?.type) {
      case 'success':
        writer.u8(0);
        break;
      case 'error':
        writer.u8(1);
        writeDataAccessResult(writer, result.result);
        break;
      case 'block-number':
        checkInteger(result.blockNumber, 0, 0xffff, 'blockNumber');
        writer.u8(2).u16(result.blockNumber);
        break;
      default:
        unknownVariant(result as never, 'write-response result');
    }
  }
}

/**
 * Reads an information-report-request after its tag octet: OPTIONAL current-time (`00`, or
 * `01 0C` and 12 date-time octets, as event-notification's time), the variables and the data.
 *
 * @throws DecodeError for a malformed field
 */
export function readInformationReportRequest(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): InformationReportRequest {
  const currentTime = readOptionalDateTime(reader, options?.invertDeviation === true);
  const items = readVariableAccessList(reader, options);
  const values = readDataList(reader, 'value list', options);
  return { type: 'information-report-request', currentTime, items, values };
}

/**
 * Writes an information-report-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeInformationReportRequest(
  writer: ByteWriter,
  apdu: InformationReportRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['information-report-request']);
  writeOptionalDateTime(writer, apdu.currentTime, options?.invertDeviation === true);
  writeVariableAccessList(writer, apdu.items, options);
  writeDataList(writer, apdu.values, 'values', options);
}
