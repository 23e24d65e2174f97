/**
 * Response PDU encoder (Modbus spec §4, §5.1).
 *
 * @module
 */

import { ByteWriter } from '../../core/bytes.js';
import { writeBits } from './bits.js';
import { FunctionCode, ModbusLimits } from './constants.js';
import { encodeDeviceIdentificationResponse } from './device-identification.js';
import { encodeDiagnostics } from './diagnostics.js';
import { encodeMaskWriteRegister, encodeWriteSingleCoil, encodeWriteSingleRegister } from './echo-codec.js';
import {
  checkArray,
  checkBytes,
  checkCount,
  checkInt,
  checkPduSize,
  checkRange,
  checkU8,
  checkU16,
  checkWords,
  unknownType,
} from './encode-checks.js';
import { encodeReadFileRecordResponse, encodeWriteFileRecord } from './file-record.js';
import { encodeEncapsulated, encodeRaw } from './opaque-codec.js';
import { putRegisters, writeRegisters } from './registers.js';
import type { ModbusResponse } from './types.js';
import { wordPdu2 } from './word-pdu.js';

/** FC1/FC2: byte count ceil(n/8), then the bits packed LSB first, padding 0 (spec §4.1). */
function encodeBitTable(fc: number, values: readonly boolean[]): Uint8Array {
  checkArray('values', values);
  checkCount('values', values.length, 1, ModbusLimits.maxReadBits, 'bits');
  const n = (values.length + 7) >>> 3;
  const w = new ByteWriter(2 + n).u8(fc).u8(n);
  writeBits(w, values);
  return w.finish();
}

/** FC3/FC4/FC23: byte count 2·q, then q registers; q 1–125 (spec §4.2, §4.15). */
function encodeRegisterTable(fc: number, values: Uint16Array): Uint8Array {
  checkWords('values', values);
  checkCount('values', values.length, 1, ModbusLimits.maxReadRegisters, 'registers');
  // Hot path (every FC3 answer of a server): filled directly, no growing writer.
  const out = new Uint8Array(2 + 2 * values.length);
  out[0] = fc;
  out[1] = 2 * values.length;
  putRegisters(out, 2, values);
  return out;
}

/** FC15/FC16: address and quantity copied from the request (spec §4.9, §4.10). */
function encodeWriteMultipleAck(fc: number, address: number, quantity: number, max: number): Uint8Array {
  checkU16('address', address);
  checkInt('quantity', quantity, 1, max);
  checkRange('quantity', address, quantity);
  return wordPdu2(fc, address, quantity);
}

/** FC12: byte count 6 + events, status, event count, message count, 0–64 event bytes (spec §4.8). */
function encodeCommEventLog(res: Extract<ModbusResponse, { type: 'get-comm-event-log' }>): Uint8Array {
  checkU16('status', res.status);
  checkU16('eventCount', res.eventCount);
  checkU16('messageCount', res.messageCount);
  checkBytes('events', res.events);
  checkCount('events', res.events.length, 0, 64, 'event bytes');
  const n = 6 + res.events.length;
  return new ByteWriter(2 + n)
    .u8(FunctionCode.getCommEventLog)
    .u8(n)
    .u16(res.status)
    .u16(res.eventCount)
    .u16(res.messageCount)
    .bytes(res.events)
    .finish();
}

/** FC24: 2-byte byte count (2 + 2·count), FIFO count ≤ 31, the values (spec §4.16). */
function encodeFifoQueue(values: Uint16Array): Uint8Array {
  checkWords('values', values);
  checkCount('values', values.length, 0, ModbusLimits.maxFifoCount, 'queued registers');
  const count = values.length;
  const w = new ByteWriter(5 + 2 * count)
    .u8(FunctionCode.readFifoQueue)
    .u16(2 + 2 * count)
    .u16(count);
  writeRegisters(w, values);
  return w.finish();
}

/**
 * Encodes a response PDU (function code and data, no transport framing): a normal response or an
 * `exception` (`functionCode | 0x80`, exception code — spec §5.1).
 *
 * Fields are checked as `encodeRequest` does for requests: counts within spec §4 limits,
 * the 253-byte PDU limit, FC5 booleans, FC43/14 objects that fit. Bit tables are padded with 0 up to
 * a whole byte.
 *
 * @throws {@link EncodeError} naming the offending field
 * @example
 * ```ts
 * encodeResponse({ type: 'read-holding-registers', values: Uint16Array.of(0x022b, 0, 100) });
 * // 03 06 02 2B 00 00 00 64
 * encodeResponse({ type: 'exception', functionCode: 3, exceptionCode: 2 }); // 83 02
 * ```
 */
export function encodeResponse(response: ModbusResponse): Uint8Array {
  switch (response.type) {
    case 'read-coils':
      return encodeBitTable(FunctionCode.readCoils, response.values);
    case 'read-discrete-inputs':
      return encodeBitTable(FunctionCode.readDiscreteInputs, response.values);
    case 'read-holding-registers':
      return encodeRegisterTable(FunctionCode.readHoldingRegisters, response.values);
    case 'read-input-registers':
      return encodeRegisterTable(FunctionCode.readInputRegisters, response.values);
    case 'write-single-coil':
      return encodeWriteSingleCoil(response);
    case 'write-single-register':
      return encodeWriteSingleRegister(response);
    case 'read-exception-status':
      checkU8('status', response.status);
      return Uint8Array.of(FunctionCode.readExceptionStatus, response.status);
    case 'diagnostics':
      return encodeDiagnostics(response);
    case 'get-comm-event-counter':
      checkU16('status', response.status);
      checkU16('eventCount', response.eventCount);
      return wordPdu2(FunctionCode.getCommEventCounter, response.status, response.eventCount);
    case 'get-comm-event-log':
      return encodeCommEventLog(response);
    case 'write-multiple-coils':
      return encodeWriteMultipleAck(
        FunctionCode.writeMultipleCoils,
        response.address,
        response.quantity,
        ModbusLimits.maxWriteBits,
      );
    case 'write-multiple-registers':
      return encodeWriteMultipleAck(
        FunctionCode.writeMultipleRegisters,
        response.address,
        response.quantity,
        ModbusLimits.maxWriteRegisters,
      );
    case 'report-server-id':
      checkBytes('data', response.data);
      checkPduSize('data', 2 + response.data.length);
      return new ByteWriter(2 + response.data.length)
        .u8(FunctionCode.reportServerId)
        .u8(response.data.length)
        .bytes(response.data)
        .finish();
    case 'read-file-record':
      return encodeReadFileRecordResponse(response.subResponses);
    case 'write-file-record':
      return encodeWriteFileRecord(response);
    case 'mask-write-register':
      return encodeMaskWriteRegister(response);
    case 'read-write-multiple-registers':
      return encodeRegisterTable(FunctionCode.readWriteMultipleRegisters, response.values);
    case 'read-fifo-queue':
      return encodeFifoQueue(response.values);
    case 'read-device-identification':
      return encodeDeviceIdentificationResponse(response);
    case 'encapsulated-interface':
      return encodeEncapsulated(response.meiType, response.data);
    case 'raw':
      return encodeRaw(response.functionCode, response.data);
    case 'exception':
      checkInt('functionCode', response.functionCode, 1, 0x7f);
      checkU8('exceptionCode', response.exceptionCode);
      return Uint8Array.of(response.functionCode | 0x80, response.exceptionCode);
    default:
      return unknownType('response', response);
  }
}
