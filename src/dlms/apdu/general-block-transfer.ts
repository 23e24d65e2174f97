/**
 * general-block-transfer `E0` (meterlink spec §9.11): block-control, block-number,
 * block-number-ack and the block data (a view into the decoded input).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { checkInteger } from './encode-checks.js';
import { readOctets, writeOctets } from './fields.js';
import { apduTags } from './tags.js';
import type { GeneralBlockTransfer } from './types.js';

/**
 * Reads a general-block-transfer after its tag octet.
 *
 * @throws DecodeError when the input ends or the block data is longer than what is left
 */
export function readGeneralBlockTransfer(reader: ByteReader): GeneralBlockTransfer {
  const control = reader.u8('block-control');
  const blockNumber = reader.u16('block-number');
  const blockNumberAck = reader.u16('block-number-ack');
  const blockData = readOctets(reader, 'block-data');
  return {
    type: 'general-block-transfer',
    lastBlock: (control & 0x80) !== 0,
    streaming: (control & 0x40) !== 0,
    windowSize: control & 0x3f,
    blockNumber,
    blockNumberAck,
    blockData,
  };
}

/**
 * Writes a general-block-transfer, tag included.
 *
 * @throws EncodeError for a window size outside 0–63, a block number outside 0–65535 or block
 *   data that is not a Uint8Array
 */
export function writeGeneralBlockTransfer(writer: ByteWriter, apdu: GeneralBlockTransfer): void {
  checkInteger(apdu.windowSize, 0, 0x3f, 'windowSize');
  checkInteger(apdu.blockNumber, 0, 0xffff, 'blockNumber');
  checkInteger(apdu.blockNumberAck, 0, 0xffff, 'blockNumberAck');
  writer
    .u8(apduTags['general-block-transfer'])
    .u8((apdu.lastBlock ? 0x80 : 0) | (apdu.streaming ? 0x40 : 0) | apdu.windowSize)
    .u16(apdu.blockNumber)
    .u16(apdu.blockNumberAck);
  writeOctets(writer, apdu.blockData, 'blockData');
}
