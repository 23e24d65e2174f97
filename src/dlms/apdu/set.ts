/**
 * set-request `C1` and set-response `C5` (meterlink spec §9.5).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { readDataBlockSA, writeBlockNumber, writeDataBlockSA } from './blocks.js';
import {
  readAttributeAccessList,
  readAttributeDescriptor,
  readSelectiveAccess,
  writeAttributeAccessList,
  writeAttributeDescriptor,
  writeSelectiveAccess,
} from './descriptors.js';
import { unknownVariant } from './encode-checks.js';
import { failChoice, readCount } from './fields.js';
import { readInvokeIdAndPriority, writeInvokeIdAndPriority } from './invoke-id.js';
import { readDataList, writeDataList, writeList } from './lists.js';
import { type DataAccessResult, readDataAccessResult, writeDataAccessResult } from './results.js';
import { apduTags } from './tags.js';
import type { SetRequest, SetResponse } from './types.js';

/**
 * Reads a set-request after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readSetRequest(reader: ByteReader, options: DataDecodeOptions | undefined): SetRequest {
  const at = reader.pos;
  const choice = reader.u8('set-request choice');
  if (choice < 1 || choice > 5) failChoice(reader, 'set-request', choice, at);
  const invoke = readInvokeIdAndPriority(reader);
  switch (choice) {
    case 1: {
      const attribute = readAttributeDescriptor(reader);
      const access = readSelectiveAccess(reader, options);
      const value = readData(reader, options);
      return { type: 'set-request', variant: 'normal', invoke, attribute, access, value };
    }
    case 2: {
      const attribute = readAttributeDescriptor(reader);
      const access = readSelectiveAccess(reader, options);
      const block = readDataBlockSA(reader);
      return { type: 'set-request', variant: 'with-first-datablock', invoke, attribute, access, block };
    }
    case 3:
      return { type: 'set-request', variant: 'with-datablock', invoke, block: readDataBlockSA(reader) };
    case 4: {
      const items = readAttributeAccessList(reader, options);
      const values = readDataList(reader, 'value list', options);
      return { type: 'set-request', variant: 'with-list', invoke, items, values };
    }
    default: {
      const items = readAttributeAccessList(reader, options);
      const block = readDataBlockSA(reader);
      return { type: 'set-request', variant: 'with-list-and-first-datablock', invoke, items, block };
    }
  }
}

/**
 * Writes a set-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeSetRequest(
  writer: ByteWriter,
  apdu: SetRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['set-request']);
  switch (apdu.variant) {
    case 'normal':
      writer.u8(1);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeAttributeDescriptor(writer, apdu.attribute);
      writeSelectiveAccess(writer, apdu.access, options);
      writeData(writer, apdu.value, options);
      return;
    case 'with-first-datablock':
      writer.u8(2);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeAttributeDescriptor(writer, apdu.attribute);
      writeSelectiveAccess(writer, apdu.access, options);
      writeDataBlockSA(writer, apdu.block);
      return;
    case 'with-datablock':
      writer.u8(3);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeDataBlockSA(writer, apdu.block);
      return;
    case 'with-list':
      writer.u8(4);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeAttributeAccessList(writer, apdu.items, options);
      writeDataList(writer, apdu.values, 'values', options);
      return;
    case 'with-list-and-first-datablock':
      writer.u8(5);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeAttributeAccessList(writer, apdu.items, options);
      writeDataBlockSA(writer, apdu.block);
      return;
    default:
      unknownVariant(apdu, 'set-request variant');
  }
}

/** Reads a count and that many Data-Access-Results. */
function readResultList(reader: ByteReader, options: DataDecodeOptions | undefined): DataAccessResult[] {
  const count = readCount(reader, 'result list', 1, options);
  const results: DataAccessResult[] = [];
  for (let i = 0; i < count; i++) results.push(readDataAccessResult(reader));
  return results;
}

/** Writes a count and the Data-Access-Results. */
function writeResultList(writer: ByteWriter, results: readonly DataAccessResult[]): void {
  writeList(writer, results, 'results');
  for (const result of results) writeDataAccessResult(writer, result);
}

/**
 * Reads a set-response after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readSetResponse(reader: ByteReader, options: DataDecodeOptions | undefined): SetResponse {
  const at = reader.pos;
  const choice = reader.u8('set-response choice');
  if (choice < 1 || choice > 5) failChoice(reader, 'set-response', choice, at);
  const invoke = readInvokeIdAndPriority(reader);
  switch (choice) {
    case 1:
      return { type: 'set-response', variant: 'normal', invoke, result: readDataAccessResult(reader) };
    case 2:
      return { type: 'set-response', variant: 'datablock', invoke, blockNumber: reader.u32('block-number') };
    case 3: {
      const result = readDataAccessResult(reader);
      const blockNumber = reader.u32('block-number');
      return { type: 'set-response', variant: 'last-datablock', invoke, result, blockNumber };
    }
    case 4: {
      const results = readResultList(reader, options);
      const blockNumber = reader.u32('block-number');
      return { type: 'set-response', variant: 'last-datablock-with-list', invoke, results, blockNumber };
    }
    default:
      return { type: 'set-response', variant: 'with-list', invoke, results: readResultList(reader, options) };
  }
}

/**
 * Writes a set-response, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeSetResponse(writer: ByteWriter, apdu: SetResponse): void {
  writer.u8(apduTags['set-response']);
  switch (apdu.variant) {
    case 'normal':
      writer.u8(1);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeDataAccessResult(writer, apdu.result);
      return;
    case 'datablock':
      writer.u8(2);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeBlockNumber(writer, apdu.blockNumber);
      return;
    case 'last-datablock':
      writer.u8(3);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeDataAccessResult(writer, apdu.result);
      writeBlockNumber(writer, apdu.blockNumber);
      return;
    case 'last-datablock-with-list':
      writer.u8(4);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeResultList(writer, apdu.results);
      writeBlockNumber(writer, apdu.blockNumber);
      return;
    case 'with-list':
      writer.u8(5);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeResultList(writer, apdu.results);
      return;
    default:
      unknownVariant(apdu, 'set-response variant');
  }
}
