/**
 * DataBlock-G (meterlink spec §9.3) and DataBlock-SA (§9.5): the blocks of long GET, SET and
 * ACTION transfers. Raw data comes back as a view into the decoded input.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { checkInteger, unknownVariant } from './encode-checks.js';
import { failChoice, readBoolean, readOctets, writeOctets } from './fields.js';
import { readDataAccessResult, writeDataAccessResult } from './results.js';
import type { DataBlockG, DataBlockSA } from './types.js';

/**
 * Reads a DataBlock-G.
 *
 * @throws DecodeError for an unknown result choice or a raw-data length beyond the input
 */
export function readDataBlockG(reader: ByteReader): DataBlockG {
  const lastBlock = readBoolean(reader, 'last-block');
  const blockNumber = reader.u32('block-number');
  const at = reader.pos;
  const choice = reader.u8('datablock result choice');
  if (choice === 0)
    return { lastBlock, blockNumber, result: { type: 'raw-data', data: readOctets(reader, 'raw-data') } };
  if (choice === 1)
    return { lastBlock, blockNumber, result: { type: 'error', result: readDataAccessResult(reader) } };
  return failChoice(reader, 'datablock result', choice, at);
}

/**
 * Writes a DataBlock-G.
 *
 * @throws EncodeError for a block number outside Unsigned32 or an invalid result
 */
export function writeDataBlockG(writer: ByteWriter, block: DataBlockG): void {
  if (block === undefined || block === null) throw new EncodeError('block', 'missing');
  checkInteger(block.blockNumber, 0, 0xffffffff, 'blockNumber');
  writer.u8(block.lastBlock ? 1 : 0).u32(block.blockNumber);
  const result = block.result;
  switch (result?.type) {
    case 'raw-data':
      writer.u8(0);
      writeOctets(writer, result.data, 'data');
      return;
    case 'error':
      writer.u8(1);
      writeDataAccessResult(writer, result.result);
      return;
    default:
      unknownVariant(result as never, 'datablock result');
  }
}

/**
 * Reads a DataBlock-SA.
 *
 * @throws DecodeError for a raw-data length beyond the input
 */
export function readDataBlockSA(reader: ByteReader): DataBlockSA {
  const lastBlock = readBoolean(reader, 'last-block');
  const blockNumber = reader.u32('block-number');
  const rawData = readOctets(reader, 'raw-data');
  return { lastBlock, blockNumber, rawData };
}

/**
 * Writes a DataBlock-SA.
 *
 * @throws EncodeError for a block number outside Unsigned32 or raw data that is not a Uint8Array
 */
export function writeDataBlockSA(writer: ByteWriter, block: DataBlockSA): void {
  if (block === undefined || block === null) throw new EncodeError('block', 'missing');
  checkInteger(block.blockNumber, 0, 0xffffffff, 'blockNumber');
  writer.u8(block.lastBlock ? 1 : 0).u32(block.blockNumber);
  writeOctets(writer, block.rawData, 'rawData');
}

/**
 * Writes an Unsigned32 block number.
 *
 * @throws EncodeError outside 0 … 2^32−1
 */
export function writeBlockNumber(writer: ByteWriter, blockNumber: number): void {
  checkInteger(blockNumber, 0, 0xffffffff, 'blockNumber');
  writer.u32(blockNumber);
}
