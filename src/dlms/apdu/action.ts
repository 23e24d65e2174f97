/**
 * action-request `C3` and action-response `C7` (meterlink spec §9.6).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { readDataBlockSA, writeBlockNumber, writeDataBlockSA } from './blocks.js';
import { readGetDataResult, writeGetDataResult } from './data-result.js';
import {
  readMethodDescriptor,
  readMethodList,
  writeMethodDescriptor,
  writeMethodList,
} from './descriptors.js';
import { unknownVariant } from './encode-checks.js';
import { failChoice, readCount, readPresence } from './fields.js';
import { readInvokeIdAndPriority, writeInvokeIdAndPriority } from './invoke-id.js';
import { readDataList, writeDataList, writeList } from './lists.js';
import { readActionResult, writeActionResult } from './results.js';
import { apduTags } from './tags.js';
import type { ActionRequest, ActionResponse, ActionResponseItem } from './types.js';

/**
 * Reads an action-request after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readActionRequest(reader: ByteReader, options: DataDecodeOptions | undefined): ActionRequest {
  const at = reader.pos;
  const choice = reader.u8('action-request choice');
  if (choice < 1 || choice > 6) failChoice(reader, 'action-request', choice, at);
  const invoke = readInvokeIdAndPriority(reader);
  switch (choice) {
    case 1: {
      const method = readMethodDescriptor(reader);
      const parameters = readPresence(reader, 'method-invocation-parameters')
        ? readData(reader, options)
        : undefined;
      return { type: 'action-request', variant: 'normal', invoke, method, parameters };
    }
    case 2:
      return {
        type: 'action-request',
        variant: 'next-pblock',
        invoke,
        blockNumber: reader.u32('block-number'),
      };
    case 3: {
      const methods = readMethodList(reader, options);
      const parameters = readDataList(reader, 'parameter list', options);
      return { type: 'action-request', variant: 'with-list', invoke, methods, parameters };
    }
    case 4: {
      const method = readMethodDescriptor(reader);
      const block = readDataBlockSA(reader);
      return { type: 'action-request', variant: 'with-first-pblock', invoke, method, block };
    }
    case 5: {
      const methods = readMethodList(reader, options);
      const block = readDataBlockSA(reader);
      return { type: 'action-request', variant: 'with-list-and-first-pblock', invoke, methods, block };
    }
    default:
      return { type: 'action-request', variant: 'with-pblock', invoke, block: readDataBlockSA(reader) };
  }
}

/**
 * Writes an action-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeActionRequest(
  writer: ByteWriter,
  apdu: ActionRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['action-request']);
  switch (apdu.variant) {
    case 'normal':
      writer.u8(1);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeMethodDescriptor(writer, apdu.method);
      if (apdu.parameters === undefined) {
        writer.u8(0);
      } else {
        writer.u8(1);
        writeData(writer, apdu.parameters, options);
      }
      return;
    case 'next-pblock':
      writer.u8(2);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeBlockNumber(writer, apdu.blockNumber);
      return;
    case 'with-list':
      writer.u8(3);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeMethodList(writer, apdu.methods);
      writeDataList(writer, apdu.parameters, 'parameters', options);
      return;
    case 'with-first-pblock':
      writer.u8(4);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeMethodDescriptor(writer, apdu.method);
      writeDataBlockSA(writer, apdu.block);
      return;
    case 'with-list-and-first-pblock':
      writer.u8(5);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeMethodList(writer, apdu.methods);
      writeDataBlockSA(writer, apdu.block);
      return;
    case 'with-pblock':
      writer.u8(6);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeDataBlockSA(writer, apdu.block);
      return;
    default:
      unknownVariant(apdu, 'action-request variant');
  }
}

/** Reads an Action-Response-With-Optional-Data. */
function readActionResponseItem(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): ActionResponseItem {
  const result = readActionResult(reader);
  const returnParameters = readPresence(reader, 'return-parameters')
    ? readGetDataResult(reader, options)
    : undefined;
  return { result, returnParameters };
}

/** Writes an Action-Response-With-Optional-Data. */
function writeActionResponseItem(
  writer: ByteWriter,
  item: ActionResponseItem,
  options: DataEncodeOptions | undefined,
): void {
  writeActionResult(writer, item.result);
  if (item.returnParameters === undefined) {
    writer.u8(0);
    return;
  }
  writer.u8(1);
  writeGetDataResult(writer, item.returnParameters, options);
}

/**
 * Reads an action-response after its tag octet.
 *
 * @throws DecodeError for an unknown choice or a malformed field
 */
export function readActionResponse(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): ActionResponse {
  const at = reader.pos;
  const choice = reader.u8('action-response choice');
  if (choice < 1 || choice > 4) failChoice(reader, 'action-response', choice, at);
  const invoke = readInvokeIdAndPriority(reader);
  switch (choice) {
    case 1: {
      const { result, returnParameters } = readActionResponseItem(reader, options);
      return { type: 'action-response', variant: 'normal', invoke, result, returnParameters };
    }
    case 2:
      return { type: 'action-response', variant: 'with-pblock', invoke, block: readDataBlockSA(reader) };
    case 3: {
      const count = readCount(reader, 'action-response list', 2, options);
      const responses: ActionResponseItem[] = [];
      for (let i = 0; i < count; i++) responses.push(readActionResponseItem(reader, options));
      return { type: 'action-response', variant: 'with-list', invoke, responses };
    }
    default:
      return {
        type: 'action-response',
        variant: 'next-pblock',
        invoke,
        blockNumber: reader.u32('block-number'),
      };
  }
}

/**
 * Writes an action-response, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeActionResponse(
  writer: ByteWriter,
  apdu: ActionResponse,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['action-response']);
  switch (apdu.variant) {
    case 'normal':
      writer.u8(1);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeActionResponseItem(writer, apdu, options);
      return;
    case 'with-pblock':
      writer.u8(2);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeDataBlockSA(writer, apdu.block);
      return;
    case 'with-list':
      writer.u8(3);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeList(writer, apdu.responses, 'responses');
      for (const item of apdu.responses) writeActionResponseItem(writer, item, options);
      return;
    case 'next-pblock':
      writer.u8(4);
      writeInvokeIdAndPriority(writer, apdu.invoke);
      writeBlockNumber(writer, apdu.blockNumber);
      return;
    default:
      unknownVariant(apdu, 'action-response variant');
  }
}
