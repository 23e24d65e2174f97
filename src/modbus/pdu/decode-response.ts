/**
 * Response PDU decoder (Modbus spec §4, §5.1).
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { readBits } from './bits.js';
import { FunctionCode, MeiType, ModbusLimits } from './constants.js';
import { openPdu, readByteCount, readQuantity } from './decode-helpers.js';
import { readDeviceIdentificationResponse } from './device-identification.js';
import { readDiagnostics } from './diagnostics.js';
import { readMaskWriteRegister, readWriteSingleCoil, readWriteSingleRegister } from './echo-codec.js';
import { readReadFileRecordResponse, readWriteFileRecord } from './file-record.js';
import { hexByte } from './hex-format.js';
import { readEncapsulated, readRaw } from './opaque-codec.js';
import { readRegisters, registersAt } from './registers.js';
import type { ModbusResponse } from './types.js';

/** Largest FC1/FC2 byte count: ceil(2000 / 8) (spec §4.1). */
const maxBitBytes = (ModbusLimits.maxReadBits + 7) >>> 3;
/** Largest register byte count: 2 × 125 (spec §4.2, §4.15). */
const maxRegisterBytes = 2 * ModbusLimits.maxReadRegisters;
/** FC12 byte count: 6 + 0–64 event bytes (spec §4.8). */
const minEventLogBytes = 6;
const maxEventLogBytes = 70;

/** FC1/FC2: byte count 1–250 and the PDU length 2 + N; all 8·N bits, padding included (spec §4.1). */
function readBitTable(r: ByteReader, type: 'read-coils' | 'read-discrete-inputs'): ModbusResponse {
  const n = readByteCount(r, 1, maxBitBytes, 1, 'byte count');
  const values = readBits(r, n, 8 * n, 'bit values');
  r.expectEnd('end of the bit table');
  return { type, values };
}

/** FC3/FC4/FC23: an even byte count 2–250 and the PDU length 2 + N (spec §4.2, §4.15). */
function readRegisterTable(
  r: ByteReader,
  type: 'read-holding-registers' | 'read-input-registers' | 'read-write-multiple-registers',
): ModbusResponse {
  const n = readByteCount(r, 2, maxRegisterBytes, 2, 'byte count');
  const values = readRegisters(r, n >>> 1, 'register values');
  r.expectEnd('end of the register values');
  return { type, values };
}

/**
 * FC3/FC4 answers, the bulk of Modbus traffic, decoded straight from the PDU when they are well
 * formed: an even byte count 2–250 that is exactly the rest of the PDU (spec §4.2). Anything
 * else returns `undefined` and takes the general path, which reports what is wrong.
 */
function readRegisterAnswerFast(pdu: Uint8Array): ModbusResponse | undefined {
  const fc = pdu[0];
  if (fc !== FunctionCode.readHoldingRegisters && fc !== FunctionCode.readInputRegisters) return undefined;
  const n = pdu.length - 2;
  if (n < 2 || n > maxRegisterBytes || (n & 1) !== 0 || pdu[1] !== n) return undefined;
  const type = fc === FunctionCode.readHoldingRegisters ? 'read-holding-registers' : 'read-input-registers';
  return { type, values: registersAt(pdu, 2, n >>> 1) };
}

/** FC15/FC16: address and quantity (within the request limits). */
function readWriteMultipleAck(
  r: ByteReader,
  type: 'write-multiple-coils' | 'write-multiple-registers',
  max: number,
): ModbusResponse {
  const address = r.u16('starting address');
  const quantity = readQuantity(r, 1, max, 'quantity');
  r.expectEnd('end of the write response');
  return { type, address, quantity };
}

/** FC12: byte count 6–70, three words, then the event bytes, most recent first (spec §4.8). */
function readCommEventLog(r: ByteReader): ModbusResponse {
  const n = readByteCount(r, minEventLogBytes, maxEventLogBytes, 1, 'byte count');
  r.need(n, 'event log');
  const status = r.u16('status');
  const eventCount = r.u16('event count');
  const messageCount = r.u16('message count');
  const events = r.bytesView(n - minEventLogBytes, 'events');
  r.expectEnd('end of the FC12 response');
  return { type: 'get-comm-event-log', status, eventCount, messageCount, events };
}

/** FC17: byte count N, then N device-specific bytes (spec §4.11). */
function readReportServerId(r: ByteReader): ModbusResponse {
  const n = r.u8('byte count');
  const data = r.bytesView(n, 'server id data');
  r.expectEnd('end of the FC17 response');
  return { type: 'report-server-id', data };
}

/**
 * FC24: a **2-byte** byte count = 2 + 2·count (it counts the FIFO count field and the values),
 * FIFO count ≤ 31 (spec §4.16).
 */
function readFifoQueue(r: ByteReader): ModbusResponse {
  const countBytesAt = r.pos;
  const byteCount = r.u16('byte count');
  const maxBytes = 2 + 2 * ModbusLimits.maxFifoCount;
  if (byteCount < 2 || byteCount > maxBytes || byteCount % 2 !== 0) {
    r.fail(`byte count ${byteCount}`, `an even byte count 2–${maxBytes}`, countBytesAt);
  }
  r.need(byteCount, 'FIFO count and values');
  const countAt = r.pos;
  const count = r.u16('FIFO count');
  if (2 + 2 * count !== byteCount) {
    r.fail(`FIFO count ${count}`, `FIFO count ${(byteCount - 2) / 2} (from the byte count)`, countAt);
  }
  const values = readRegisters(r, count, 'queued values');
  r.expectEnd('end of the FC24 response');
  return { type: 'read-fifo-queue', values };
}

/** FC43: MEI 14 walks the object list; any other MEI type is opaque (spec §4.17, §4.18). */
function readEncapsulatedResponse(r: ByteReader): ModbusResponse {
  const meiType = r.u8('MEI type');
  if (meiType !== MeiType.readDeviceIdentification) return readEncapsulated(r, meiType);
  return readDeviceIdentificationResponse(r);
}

/**
 * Decodes a response PDU (function code and data, no transport framing).
 *
 * A first byte with bit 7 set is an exception response (exactly 2 bytes; any exception code is
 * accepted and reported — spec §5.1); its `functionCode` has bit 7 cleared. Normal responses are
 * checked for internal consistency (byte counts against lengths and spec §4 limits, FC5 value,
 * More Follows 0x00/0xFF, FC43/14 object bounds), not against a request: use `checkResponse` for
 * that. FC1/FC2 responses keep all 8·N bits of their bytes. Unassigned function codes decode as
 * `raw`. Byte fields (`data`, `events`, object values) are views into `pdu`, not copies.
 *
 * @throws {@link DecodeError} (layer `modbus-pdu`) with the offset of the bad field and what was
 * expected — for an empty PDU, function code 0 or 0x80, a PDU over 253 bytes, or any inconsistency
 * @example
 * ```ts
 * decodeResponse(Uint8Array.of(0x03, 0x02, 0x00, 0x0a)); // { type: 'read-holding-registers', values: Uint16Array [10] }
 * decodeResponse(Uint8Array.of(0x83, 0x02)); // { type: 'exception', functionCode: 3, exceptionCode: 2 }
 * ```
 */
export function decodeResponse(pdu: Uint8Array): ModbusResponse {
  const fast = readRegisterAnswerFast(pdu);
  if (fast !== undefined) return fast;
  const r = openPdu(pdu);
  const fc = r.u8('function code');
  if (fc === 0 || fc === 0x80) r.fail(`function code ${hexByte(fc)}`, 'a function code 1–127 (| 0x80)', 0);
  if (fc & 0x80) {
    const exceptionCode = r.u8('exception code');
    r.expectEnd('end of the exception response (2 bytes)');
    return { type: 'exception', functionCode: fc & 0x7f, exceptionCode };
  }
  switch (fc) {
    case FunctionCode.readCoils:
      return readBitTable(r, 'read-coils');
    case FunctionCode.readDiscreteInputs:
      return readBitTable(r, 'read-discrete-inputs');
    case FunctionCode.readHoldingRegisters:
      return readRegisterTable(r, 'read-holding-registers');
    case FunctionCode.readInputRegisters:
      return readRegisterTable(r, 'read-input-registers');
    case FunctionCode.writeSingleCoil:
      return readWriteSingleCoil(r);
    case FunctionCode.writeSingleRegister:
      return readWriteSingleRegister(r);
    case FunctionCode.readExceptionStatus: {
      const status = r.u8('exception status');
      r.expectEnd('end of the FC7 response');
      return { type: 'read-exception-status', status };
    }
    case FunctionCode.diagnostics:
      return readDiagnostics(r);
    case FunctionCode.getCommEventCounter: {
      const status = r.u16('status');
      const eventCount = r.u16('event count');
      r.expectEnd('end of the FC11 response');
      return { type: 'get-comm-event-counter', status, eventCount };
    }
    case FunctionCode.getCommEventLog:
      return readCommEventLog(r);
    case FunctionCode.writeMultipleCoils:
      return readWriteMultipleAck(r, 'write-multiple-coils', ModbusLimits.maxWriteBits);
    case FunctionCode.writeMultipleRegisters:
      return readWriteMultipleAck(r, 'write-multiple-registers', ModbusLimits.maxWriteRegisters);
    case FunctionCode.reportServerId:
      return readReportServerId(r);
    case FunctionCode.readFileRecord:
      return { type: 'read-file-record', subResponses: readReadFileRecordResponse(r) };
    case FunctionCode.writeFileRecord:
      return readWriteFileRecord(r);
    case FunctionCode.maskWriteRegister:
      return readMaskWriteRegister(r);
    case FunctionCode.readWriteMultipleRegisters:
      return readRegisterTable(r, 'read-write-multiple-registers');
    case FunctionCode.readFifoQueue:
      return readFifoQueue(r);
    case FunctionCode.encapsulatedInterfaceTransport:
      return readEncapsulatedResponse(r);
    default:
      return readRaw(r, fc);
  }
}
