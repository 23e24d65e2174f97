/**
 * Get-Data-Result (meterlink spec §9.3): CHOICE `00` data or `01` data-access-result.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { unknownVariant } from './encode-checks.js';
import { failChoice, readCount } from './fields.js';
import { writeList } from './lists.js';
import { readDataAccessResult, writeDataAccessResult } from './results.js';
import type { GetDataResult } from './types.js';

/**
 * Reads a Get-Data-Result.
 *
 * @throws DecodeError for an unknown choice or a malformed value
 */
export function readGetDataResult(reader: ByteReader, options: DataDecodeOptions | undefined): GetDataResult {
  const at = reader.pos;
  const choice = reader.u8('get-data-result choice');
  if (choice === 0) return { type: 'data', data: readData(reader, options) };
  if (choice === 1) return { type: 'error', result: readDataAccessResult(reader) };
  return failChoice(reader, 'get-data-result', choice, at);
}

/**
 * Writes a Get-Data-Result.
 *
 * @throws EncodeError for an unknown type, result or a value the Data codec refuses
 */
export function writeGetDataResult(
  writer: ByteWriter,
  result: GetDataResult,
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
    default:
      unknownVariant(result as never, 'get-data-result');
  }
}

/**
 * Reads a count and that many Get-Data-Results.
 *
 * @throws DecodeError for a count beyond the limits or a malformed result
 */
export function readGetDataResultList(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): GetDataResult[] {
  const count = readCount(reader, 'get-data-result list', 2, options);
  const results: GetDataResult[] = [];
  for (let i = 0; i < count; i++) results.push(readGetDataResult(reader, options));
  return results;
}

/**
 * Writes a count and the Get-Data-Results.
 *
 * @throws EncodeError for an invalid result
 */
export function writeGetDataResultList(
  writer: ByteWriter,
  results: readonly GetDataResult[],
  options: DataEncodeOptions | undefined,
): void {
  writeList(writer, results, 'results');
  for (const result of results) writeGetDataResult(writer, result, options);
}
