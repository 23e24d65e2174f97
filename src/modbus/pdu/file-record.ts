/**
 * FC20 Read File Record and FC21 Write File Record bodies (Modbus spec §4.12, §4.13).
 *
 * A file holds up to 10 000 records (0x0000–0x270F); record lengths count registers. Decoders take
 * the reference type, file number and record number as received (a wrong one is answered with 02 by
 * a server, spec §4.12), but reject counts and lengths that are inconsistent (03).
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { FunctionCode, ModbusLimits } from './constants.js';
import { readByteCount } from './decode-helpers.js';
import {
  checkArray,
  checkCount,
  checkInt,
  checkNotEmpty,
  checkPduSize,
  checkU8,
  checkWords,
} from './encode-checks.js';
import { readRegisters, writeRegisters } from './registers.js';
import type { FileRecordReadRequest, FileRecordReadResult, FileRecordWrite } from './types.js';

/** The only reference type the standard defines for file records. */
const referenceType = 6;
/** Records per file (record numbers 0–9999). */
const recordsPerFile = ModbusLimits.maxFileRecordNumber + 1;
/** FC20 request: each sub-request is 7 bytes; byte count 0x07–0xF5 (spec §4.12). */
const readSubRequestBytes = 7;
const maxReadRequestBytes = 0xf5;
/** FC21 request data length 0x09–0xFB (spec §4.13). */
const minWriteDataBytes = 0x09;
const maxWriteDataBytes = 0xfb;

/** The FC21 message, identical for the request and its echo. */
export interface WriteFileRecordMessage {
  type: 'write-file-record';
  subRequests: FileRecordWrite[];
}

/** Checks what a client may put in a sub-request: reference type 6, file 1–65535, records in the file. */
function checkFileReference(
  prefix: string,
  sub: { referenceType: number; fileNumber: number; recordNumber: number },
  length: number,
): void {
  if (sub.referenceType !== referenceType) {
    throw new EncodeError(
      `${prefix}.referenceType`,
      `${String(sub.referenceType)}, the standard allows only 6`,
    );
  }
  checkInt(`${prefix}.fileNumber`, sub.fileNumber, 1, 0xffff);
  checkInt(`${prefix}.recordNumber`, sub.recordNumber, 0, ModbusLimits.maxFileRecordNumber);
  if (length < 1) throw new EncodeError(`${prefix}.recordLength`, 'at least one record is needed');
  if (sub.recordNumber + length > recordsPerFile) {
    throw new EncodeError(
      `${prefix}.recordLength`,
      `records ${sub.recordNumber}+${length} run past record ${ModbusLimits.maxFileRecordNumber}`,
    );
  }
}

/** Encodes an FC20 request. */
export function encodeReadFileRecordRequest(subRequests: readonly FileRecordReadRequest[]): Uint8Array {
  checkArray('subRequests', subRequests);
  const count = subRequests.length;
  checkCount('subRequests', count, 1, maxReadRequestBytes / readSubRequestBytes, 'sub-requests');
  // The whole response must fit in a 253-byte PDU: 2 + Σ(2 + 2·L) (spec §4.12).
  let responseBytes = 2;
  for (let i = 0; i < count; i++) {
    const sub = subRequests[i]!;
    const prefix = `subRequests[${i}]`;
    checkInt(`${prefix}.recordLength`, sub.recordLength, 1, 0xffff);
    checkFileReference(prefix, sub, sub.recordLength);
    responseBytes += 2 + 2 * sub.recordLength;
    if (responseBytes > ModbusLimits.maxPduBytes) {
      throw new EncodeError(
        `${prefix}.recordLength`,
        `the response would exceed ${ModbusLimits.maxPduBytes} bytes; split the read (spec §4.12)`,
      );
    }
  }
  const n = count * readSubRequestBytes;
  const w = new ByteWriter(2 + n).u8(FunctionCode.readFileRecord).u8(n);
  for (const sub of subRequests) {
    w.u8(sub.referenceType).u16(sub.fileNumber).u16(sub.recordNumber).u16(sub.recordLength);
  }
  return w.finish();
}

/** Reads an FC20 request body after the function code. */
export function readReadFileRecordRequest(r: ByteReader): FileRecordReadRequest[] {
  const n = readByteCount(r, readSubRequestBytes, maxReadRequestBytes, readSubRequestBytes, 'byte count');
  r.need(n, 'sub-requests');
  const subRequests: FileRecordReadRequest[] = [];
  let responseBytes = 2;
  for (let k = 0; k < n; k += readSubRequestBytes) {
    const referenceType = r.u8('reference type');
    const fileNumber = r.u16('file number');
    const recordNumber = r.u16('record number');
    const lengthAt = r.pos;
    const recordLength = r.u16('record length');
    if (recordLength === 0) r.fail('record length 0', 'a record length of at least 1', lengthAt);
    responseBytes += 2 + 2 * recordLength;
    if (responseBytes > ModbusLimits.maxPduBytes) {
      // A server answers 03 when the response would not fit (spec §4.12).
      r.fail(
        `sub-requests need a ${responseBytes}-byte response`,
        `record lengths whose response fits in ${ModbusLimits.maxPduBytes} bytes`,
        lengthAt,
      );
    }
    subRequests.push({ referenceType, fileNumber, recordNumber, recordLength });
  }
  r.expectEnd('end of the FC20 request');
  return subRequests;
}

/** Encodes an FC20 response. */
export function encodeReadFileRecordResponse(subResponses: readonly FileRecordReadResult[]): Uint8Array {
  checkArray('subResponses', subResponses);
  checkNotEmpty('subResponses', subResponses.length, 'sub-response');
  let n = 0;
  for (let i = 0; i < subResponses.length; i++) {
    const sub = subResponses[i]!;
    checkU8(`subResponses[${i}].referenceType`, sub.referenceType);
    checkWords(`subResponses[${i}].values`, sub.values);
    checkNotEmpty(`subResponses[${i}].values`, sub.values.length, 'register');
    n += 2 + 2 * sub.values.length;
    checkPduSize(`subResponses[${i}].values`, 2 + n);
  }
  const w = new ByteWriter(2 + n).u8(FunctionCode.readFileRecord).u8(n);
  for (const sub of subResponses) {
    w.u8(1 + 2 * sub.values.length).u8(sub.referenceType);
    writeRegisters(w, sub.values);
  }
  return w.finish();
}

/** Reads an FC20 response body after the function code. */
export function readReadFileRecordResponse(r: ByteReader): FileRecordReadResult[] {
  // At least one sub-response of 4 bytes (length, reference type, one register).
  const n = readByteCount(r, 4, ModbusLimits.maxPduBytes - 2, 1, 'response data length');
  r.need(n, 'sub-responses');
  const end = r.pos + n;
  const subResponses: FileRecordReadResult[] = [];
  while (r.pos < end) {
    const at = r.pos;
    const length = r.u8('file response length');
    // 1 + 2·L: odd, at least 3. (The standard's table says 0x07–0xF5, but its own example has 0x05.)
    if (length < 3 || (length & 1) === 0 || length > end - r.pos) {
      r.fail(
        `file response length ${length}`,
        'an odd file response length of at least 3 within the response data length',
        at,
      );
    }
    const referenceType = r.u8('reference type');
    const values = readRegisters(r, (length - 1) >>> 1, 'record data');
    subResponses.push({ referenceType, values });
  }
  r.expectEnd('end of the FC20 response');
  return subResponses;
}

/** Encodes an FC21 request or its echo response. */
export function encodeWriteFileRecord(msg: WriteFileRecordMessage): Uint8Array {
  const subRequests = msg.subRequests;
  checkArray('subRequests', subRequests);
  checkNotEmpty('subRequests', subRequests.length, 'sub-request');
  let n = 0;
  for (let i = 0; i < subRequests.length; i++) {
    const sub = subRequests[i]!;
    const prefix = `subRequests[${i}]`;
    checkWords(`${prefix}.values`, sub.values);
    checkFileReference(prefix, sub, sub.values.length);
    n += 7 + 2 * sub.values.length;
    if (n > maxWriteDataBytes) {
      throw new EncodeError(
        `${prefix}.values`,
        `the request data would be ${n} bytes, more than ${maxWriteDataBytes} (253-byte PDU)`,
      );
    }
  }
  const w = new ByteWriter(2 + n).u8(FunctionCode.writeFileRecord).u8(n);
  for (const sub of subRequests) {
    w.u8(sub.referenceType).u16(sub.fileNumber).u16(sub.recordNumber).u16(sub.values.length);
    writeRegisters(w, sub.values);
  }
  return w.finish();
}

/** Reads an FC21 body (request or echo response) after the function code. */
export function readWriteFileRecord(r: ByteReader): WriteFileRecordMessage {
  const n = readByteCount(r, minWriteDataBytes, maxWriteDataBytes, 1, 'request data length');
  r.need(n, 'sub-requests');
  const end = r.pos + n;
  const subRequests: FileRecordWrite[] = [];
  while (r.pos < end) {
    if (end - r.pos < 7) {
      r.fail(`${end - r.pos} bytes left`, 'a 7-byte sub-request header within the request data length');
    }
    const referenceType = r.u8('reference type');
    const fileNumber = r.u16('file number');
    const recordNumber = r.u16('record number');
    const lengthAt = r.pos;
    const recordLength = r.u16('record length');
    if (recordLength === 0 || recordLength * 2 > end - r.pos) {
      r.fail(
        `record length ${recordLength}`,
        'a record length of at least 1 whose data fits in the request data length',
        lengthAt,
      );
    }
    const values = readRegisters(r, recordLength, 'record data');
    subRequests.push({ referenceType, fileNumber, recordNumber, values });
  }
  r.expectEnd('end of the FC21 PDU');
  return { type: 'write-file-record', subRequests };
}
