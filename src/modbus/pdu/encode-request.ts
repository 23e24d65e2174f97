/**
 * Request PDU encoder (Modbus spec §3, §4).
 *
 * @module
 */

import { ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { writeBits } from './bits.js';
import { FunctionCode, ModbusLimits } from './constants.js';
import { encodeDeviceIdentificationRequest } from './device-identification.js';
import { encodeDiagnostics } from './diagnostics.js';
import { encodeMaskWriteRegister, encodeWriteSingleCoil, encodeWriteSingleRegister } from './echo-codec.js';
import {
  checkArray,
  checkCount,
  checkInt,
  checkRange,
  checkU16,
  checkWords,
  unknownType,
} from './encode-checks.js';
import { encodeReadFileRecordRequest, encodeWriteFileRecord } from './file-record.js';
import { encodeEncapsulated, encodeRaw } from './opaque-codec.js';
import { writeRegisters } from './registers.js';
import type { ModbusRequest } from './types.js';
import { wordPdu1, wordPdu2 } from './word-pdu.js';

/** FC1–FC4: `[fc][address][quantity]`, quantity 1–`max`, range within the table (spec §2, §4.1, §4.2). */
function encodeRead(fc: number, address: number, quantity: number, max: number): Uint8Array {
  checkU16('address', address);
  checkInt('quantity', quantity, 1, max);
  checkRange('quantity', address, quantity);
  return wordPdu2(fc, address, quantity);
}

/** FC15: quantity 1–1968, byte count ceil(q/8), padding bits 0 (spec §4.9). */
function encodeWriteMultipleCoils(address: number, values: readonly boolean[]): Uint8Array {
  checkU16('address', address);
  checkArray('values', values);
  const q = values.length;
  checkCount('values', q, 1, ModbusLimits.maxWriteBits, 'coils');
  checkRange('values', address, q);
  const n = (q + 7) >>> 3;
  const w = new ByteWriter(6 + n).u8(FunctionCode.writeMultipleCoils).u16(address).u16(q).u8(n);
  writeBits(w, values);
  return w.finish();
}

/** FC16: quantity 1–123, byte count 2·q (spec §4.10). */
function encodeWriteMultipleRegisters(address: number, values: Uint16Array): Uint8Array {
  checkU16('address', address);
  checkWords('values', values);
  const q = values.length;
  checkCount('values', q, 1, ModbusLimits.maxWriteRegisters, 'registers');
  checkRange('values', address, q);
  const w = new ByteWriter(6 + 2 * q)
    .u8(FunctionCode.writeMultipleRegisters)
    .u16(address)
    .u16(q)
    .u8(2 * q);
  writeRegisters(w, values);
  return w.finish();
}

/** FC23: read 1–125, write 1–121, write byte count 2·qw (spec §4.15). */
function encodeReadWriteMultipleRegisters(
  readAddress: number,
  readQuantity: number,
  writeAddress: number,
  values: Uint16Array,
): Uint8Array {
  checkU16('readAddress', readAddress);
  checkInt('readQuantity', readQuantity, 1, ModbusLimits.maxReadRegisters);
  checkRange('readQuantity', readAddress, readQuantity);
  checkU16('writeAddress', writeAddress);
  checkWords('values', values);
  const qw = values.length;
  checkCount('values', qw, 1, ModbusLimits.maxReadWriteWriteRegisters, 'registers');
  checkRange('values', writeAddress, qw);
  const w = new ByteWriter(10 + 2 * qw)
    .u8(FunctionCode.readWriteMultipleRegisters)
    .u16(readAddress)
    .u16(readQuantity)
    .u16(writeAddress)
    .u16(qw)
    .u8(2 * qw);
  writeRegisters(w, values);
  return w.finish();
}

/**
 * Encodes a request PDU (function code and data, no transport framing).
 *
 * Every field is checked first against the limits of spec §4 (checklist PDU-2): quantities,
 * `address + quantity ≤ 65536`, FC5 booleans only, FC8 data lengths, FC20/21 file references and
 * sizes, Read Device ID code 1–4, and the 253-byte PDU limit. A `raw` request may carry any function
 * code 1–127, public ones included, to send what the typed messages refuse.
 *
 * @throws {@link EncodeError} naming the offending field (`quantity`, `values`, `subRequests[0].recordNumber` …)
 * @example
 * ```ts
 * encodeRequest({ type: 'read-holding-registers', address: 0x6b, quantity: 3 }); // 03 00 6B 00 03
 * encodeRequest({ type: 'write-single-coil', address: 0xac, value: true }); // 05 00 AC FF 00
 * ```
 */
export function encodeRequest(request: ModbusRequest): Uint8Array {
  switch (request.type) {
    case 'read-coils':
      return encodeRead(FunctionCode.readCoils, request.address, request.quantity, ModbusLimits.maxReadBits);
    case 'read-discrete-inputs':
      return encodeRead(
        FunctionCode.readDiscreteInputs,
        request.address,
        request.quantity,
        ModbusLimits.maxReadBits,
      );
    case 'read-holding-registers':
      return encodeRead(
        FunctionCode.readHoldingRegisters,
        request.address,
        request.quantity,
        ModbusLimits.maxReadRegisters,
      );
    case 'read-input-registers':
      return encodeRead(
        FunctionCode.readInputRegisters,
        request.address,
        request.quantity,
        ModbusLimits.maxReadRegisters,
      );
    case 'write-single-coil':
      return encodeWriteSingleCoil(request);
    case 'write-single-register':
      return encodeWriteSingleRegister(request);
    case 'read-exception-status':
      return Uint8Array.of(FunctionCode.readExceptionStatus);
    case 'diagnostics':
      return encodeDiagnostics(request);
    case 'get-comm-event-counter':
      return Uint8Array.of(FunctionCode.getCommEventCounter);
    case 'get-comm-event-log':
      return Uint8Array.of(FunctionCode.getCommEventLog);
    case 'write-multiple-coils':
      return encodeWriteMultipleCoils(request.address, request.values);
    case 'write-multiple-registers':
      return encodeWriteMultipleRegisters(request.address, request.values);
    case 'report-server-id':
      return Uint8Array.of(FunctionCode.reportServerId);
    case 'read-file-record':
      return encodeReadFileRecordRequest(request.subRequests);
    case 'write-file-record':
      return encodeWriteFileRecord(request);
    case 'mask-write-register':
      return encodeMaskWriteRegister(request);
    case 'read-write-multiple-registers':
      return encodeReadWriteMultipleRegisters(
        request.readAddress,
        request.readQuantity,
        request.writeAddress,
        request.values,
      );
    case 'read-fifo-queue':
      checkU16('address', request.address);
      return wordPdu1(FunctionCode.readFifoQueue, request.address);
    case 'read-device-identification':
      return encodeDeviceIdentificationRequest(request.readCode, request.objectId);
    case 'encapsulated-interface':
      return encodeEncapsulated(request.meiType, request.data);
    case 'raw':
      return encodeRaw(request.functionCode, request.data);
    default:
      return unknownType('request', request);
  }
}
