/**
 * SEQUENCE OF helpers shared by the services: the count prefix and lists of `Data`.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { readData, writeData } from '../axdr/data-codec.js';
import { writeLength } from '../axdr/length.js';
import type { Data, DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { readCount } from './fields.js';

/**
 * Writes the count of a SEQUENCE OF.
 *
 * @throws EncodeError naming `field` when `list` is not an array
 */
export function writeList(writer: ByteWriter, list: readonly unknown[], field: string): void {
  if (!Array.isArray(list)) throw new EncodeError(field, 'must be an array');
  writeLength(writer, list.length);
}

/**
 * Reads a count and that many `Data` values.
 *
 * @throws DecodeError for a count beyond the limits or a malformed value
 */
export function readDataList(
  reader: ByteReader,
  what: string,
  options: DataDecodeOptions | undefined,
): Data[] {
  const count = readCount(reader, what, 1, options);
  const values: Data[] = [];
  for (let i = 0; i < count; i++) values.push(readData(reader, options));
  return values;
}

/**
 * Writes a count and the `Data` values.
 *
 * @throws EncodeError naming `field` when `values` is not an array, or for a value the Data codec refuses
 */
export function writeDataList(
  writer: ByteWriter,
  values: readonly Data[],
  field: string,
  options: DataEncodeOptions | undefined,
): void {
  writeList(writer, values, field);
  for (const value of values) writeData(writer, value, options);
}
