/**
 * Request PDU decoder (Modbus spec §3, §4).
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { readBits } from './bits.js';
import { FunctionCode, MeiType, ModbusLimits } from './constants.js';
import { openPdu, readDeviceIdCode, readExactByteCount, readQuantity } from './decode-helpers.js';
import { readDiagnostics } from './diagnostics.js';
import { readMaskWriteRegister, readWriteSingleCoil, readWriteSingleRegister } from './echo-codec.js';
import { readReadFileRecordRequest, readWriteFileRecord } from './file-record.js';
import { hexByte } from './hex-format.js';
import { readEncapsulated, readRaw } from './opaque-codec.js';
import { readRegisters } from './registers.js';
import type { ModbusRequest } from './types.js';

type ReadRequestType =
  | 'read-coils'
  | 'read-discrete-inputs'
  | 'read-holding-registers'
  | 'read-input-registers';

/**
 * FC1–FC4: `[address][quantity]`. The quantity limit is checked (03 from a server); a range running
 * past 65535 is not, because a server must answer it with 02 (spec §4.1, §5.2 order).
 */
function readRead(r: ByteReader, type: ReadRequestType, max: number): ModbusRequest {
  const address = r.u16('starting address');
  const quantity = readQuantity(r, 1, max, 'quantity');
  r.expectEnd('end of the read request');
  return { type, address, quantity };
}

/** A request made of the function code alone (FC7, 11, 12, 17). */
function readBare(r: ByteReader): void {
  r.expectEnd('end of the request (no data after the function code)');
}

/** FC15: quantity 1–1968, byte count ceil(q/8) and the PDU length 6 + N (spec §4.9). */
function readWriteMultipleCoils(r: ByteReader): ModbusRequest {
  const address = r.u16('starting address');
  const quantity = readQuantity(r, 1, ModbusLimits.maxWriteBits, 'quantity');
  const n = readExactByteCount(r, (quantity + 7) >>> 3, 'byte count');
  // Padding bits of the last byte are ignored (spec §4.1).
  const values = readBits(r, n, quantity, 'coil values');
  r.expectEnd('end of the FC15 request');
  return { type: 'write-multiple-coils', address, values };
}

/** FC16: quantity 1–123, byte count 2·q and the PDU length 6 + N (spec §4.10). */
function readWriteMultipleRegisters(r: ByteReader): ModbusRequest {
  const address = r.u16('starting address');
  const quantity = readQuantity(r, 1, ModbusLimits.maxWriteRegisters, 'quantity');
  readExactByteCount(r, 2 * quantity, 'byte count');
  const values = readRegisters(r, quantity, 'register values');
  r.expectEnd('end of the FC16 request');
  return { type: 'write-multiple-registers', address, values };
}

/** FC23: read quantity 1–125, write quantity 1–121, write byte count 2·qw (spec §4.15). */
function readReadWriteMultipleRegisters(r: ByteReader): ModbusRequest {
  const readAddress = r.u16('read starting address');
  const readCount = readQuantity(r, 1, ModbusLimits.maxReadRegisters, 'quantity to read');
  const writeAddress = r.u16('write starting address');
  const writeQuantity = readQuantity(r, 1, ModbusLimits.maxReadWriteWriteRegisters, 'quantity to write');
  readExactByteCount(r, 2 * writeQuantity, 'write byte count');
  const values = readRegisters(r, writeQuantity, 'values to write');
  r.expectEnd('end of the FC23 request');
  return {
    type: 'read-write-multiple-registers',
    readAddress,
    readQuantity: readCount,
    writeAddress,
    values,
  };
}

/** FC43: MEI 14 is Read Device Identification (4 bytes); any other MEI type is opaque (spec §4.17). */
function readEncapsulatedRequest(r: ByteReader): ModbusRequest {
  const meiType = r.u8('MEI type');
  if (meiType !== MeiType.readDeviceIdentification) return readEncapsulated(r, meiType);
  const readCode = readDeviceIdCode(r);
  const objectId = r.u8('object id');
  r.expectEnd('end of the FC43/14 request');
  return { type: 'read-device-identification', readCode, objectId };
}

/**
 * Decodes a request PDU (function code and data, no transport framing).
 *
 * Rejects what a server answers with exception 03 (quantities, byte counts, lengths, FC5 values,
 * Read Device ID code — spec §4, §5.2 step 2), but decodes what it answers with 01 or 02: reserved
 * FC8 sub-functions, unknown MEI types, unassigned function codes (as `raw`), address ranges past
 * 65535, unknown files. Byte fields (`data`) are views into `pdu`, not copies.
 *
 * @throws {@link DecodeError} (layer `modbus-pdu`) with the offset of the bad field and what was
 * expected — for function code 0 or ≥ 0x80, a PDU over 253 bytes, or any inconsistency above
 * @example
 * ```ts
 * decodeRequest(Uint8Array.of(0x03, 0x00, 0x6b, 0x00, 0x03));
 * // { type: 'read-holding-registers', address: 107, quantity: 3 }
 * ```
 */
export function decodeRequest(pdu: Uint8Array): ModbusRequest {
  const r = openPdu(pdu);
  const fc = r.u8('function code');
  if (fc === 0 || fc >= 0x80) {
    r.fail(`function code ${hexByte(fc)} in a request`, 'a function code 1–127', 0);
  }
  switch (fc) {
    case FunctionCode.readCoils:
      return readRead(r, 'read-coils', ModbusLimits.maxReadBits);
    case FunctionCode.readDiscreteInputs:
      return readRead(r, 'read-discrete-inputs', ModbusLimits.maxReadBits);
    case FunctionCode.readHoldingRegisters:
      return readRead(r, 'read-holding-registers', ModbusLimits.maxReadRegisters);
    case FunctionCode.readInputRegisters:
      return readRead(r, 'read-input-registers', ModbusLimits.maxReadRegisters);
    case FunctionCode.writeSingleCoil:
      return readWriteSingleCoil(r);
    case FunctionCode.writeSingleRegister:
      return readWriteSingleRegister(r);
    case FunctionCode.readExceptionStatus:
      readBare(r);
      return { type: 'read-exception-status' };
    case FunctionCode.diagnostics:
      return readDiagnostics(r);
    case FunctionCode.getCommEventCounter:
      readBare(r);
      return { type: 'get-comm-event-counter' };
    case FunctionCode.getCommEventLog:
      readBare(r);
      return { type: 'get-comm-event-log' };
    case FunctionCode.writeMultipleCoils:
      return readWriteMultipleCoils(r);
    case FunctionCode.writeMultipleRegisters:
      return readWriteMultipleRegisters(r);
    case FunctionCode.reportServerId:
      readBare(r);
      return { type: 'report-server-id' };
    case FunctionCode.readFileRecord:
      return { type: 'read-file-record', subRequests: readReadFileRecordRequest(r) };
    case FunctionCode.writeFileRecord:
      return readWriteFileRecord(r);
    case FunctionCode.maskWriteRegister:
      return readMaskWriteRegister(r);
    case FunctionCode.readWriteMultipleRegisters:
      return readReadWriteMultipleRegisters(r);
    case FunctionCode.readFifoQueue: {
      const address = r.u16('FIFO pointer address');
      r.expectEnd('end of the FC24 request');
      return { type: 'read-fifo-queue', address };
    }
    case FunctionCode.encapsulatedInterfaceTransport:
      return readEncapsulatedRequest(r);
    default:
      return readRaw(r, fc);
  }
}
