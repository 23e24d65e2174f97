/**
 * get-request `C0` and get-response `C4` (meterlink spec §9.3, §9.4).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { readDataBlockG, writeBlockNumber, writeDataBlockG } from './blocks.js';
import {
  readGetDataResult,
  readGetDataResultList,
  writeGetDataResult,
  writeGetDataResultList,
} from './data-result.js';
import {
  readAttributeAccessList,
  readAttributeDescriptor,
  readSelectiveAccess,
  writeAttributeAccessList,
  writeAttributeDescriptor,
  writeSelectiveAccess,
} from './descriptors.js';
import { unknownVariant } from './encode-checks.js';
import { failChoice } from './fields.js';
import { readInvokeIdAndPriority, writeInvokeIdAndPriority } from './invoke-id.js';
import { apduTags } from './tags.js';
import type { GetRequest, GetResponse } from './types.js';

/**
 * Reads a get-request after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readGetRequest(reader: ByteReader, options: DataDecodeOptions | undefined): GetRequest {
  const at = reader.pos;
  const choice = reader.u8('get-request choice');
  if (choice < 1 || choice > 3) failChoice(reader, 'get-request', choice, at);
  const invoke = readInvokeIdAndPriority(reader);
  if (choice === 1) {
    const attribute = readAttributeDescriptor(reader);
    const access = readSelectiveAccess(reader, options);
    return { type: 'get-request', variant: 'normal', invoke, attribute, access };
  }
  if (choice === 2) {
    return { type: 'get-request', variant: 'next', invoke, blockNumber: reader.u32('block-number') };
  }
  return {
    type: 'get-request',
    variant: 'with-list',
    invoke,
    items: readAttributeAccessList(reader, options),
  };
}

/**
 * Writes a get-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeGetRequest(
  writer: ByteWriter,
  apdu: GetRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['get-request']);
  switch (apdu.variant) {
    case 'normal':
      writer.u8(1);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeAttributeDescriptor(writer, apdu.attribute);
      writeSelectiveAccess(writer, apdu.access, options);
      return;
    case 'next':
      writer.u8(2);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeBlockNumber(writer, apdu.blockNumber);
      return;
    case 'with-list':
      writer.u8(3);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeAttributeAccessList(writer, apdu.items, options);
      return;
    default:
      unknownVariant(apdu, 'get-request variant');
  }
}

/**
 * Reads a get-response after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readGetResponse(reader: ByteReader, options: DataDecodeOptions | undefined): GetResponse {
  const at = reader.pos;
  const choice = reader.u8('get-response choice');
  if (choice < 1 || choice > 3) failChoice(reader, 'get-response', choice, at);
  const invoke = readInvokeIdAndPriority(reader);
  if (choice === 1) {
    return { type: 'get-response', variant: 'normal', invoke, result: readGetDataResult(reader, options) };
  }
  if (choice === 2) {
    return { type: 'get-response', variant: 'with-datablock', invoke, block: readDataBlockG(reader) };
  }
  return {
    type: 'get-response',
    variant: 'with-list',
    invoke,
    results: readGetDataResultList(reader, options),
  };
}

/**
 * Writes a get-response, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeGetResponse(
  writer: ByteWriter,
  apdu: GetResponse,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['get-response']);
  switch (apdu.variant) {
    case 'normal':
      writer.u8(1);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeGetDataResult(writer, apdu.result, options);
      return;
    case 'with-datablock':
      writer.u8(2);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeDataBlockG(writer, apdu.block);
      return;
    case 'with-list':
      writer.u8(3);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeGetDataResultList(writer, apdu.results, options);
      return;
    default:
      unknownVariant(apdu, 'get-response variant');
  }
}
