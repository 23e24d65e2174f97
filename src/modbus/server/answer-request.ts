/**
 * How a unit answers a decoded request from its data model (Modbus spec §4, processing order
 * §5.2: function supported → values → addresses → execute). The value checks of step 2 that
 * depend on the PDU alone already happened in `decodeRequest`; this module does step 1 (01 for
 * what the model does not implement), the value checks that depend on the device (FC8 data words,
 * the FC24 queue length, FC43/14 individual access), step 3 (02) and step 4.
 *
 * @module
 */

import { ExceptionCode, ModbusLimits } from '../pdu/constants.js';
import type { ModbusRequest, ModbusResponse } from '../pdu/types.js';
import type { ModbusDataModel } from './data-model.js';
import { answerDeviceIdentification } from './device-identification.js';
import { refuse } from './exception-response.js';
import type { SerialDiagnostics } from './serial-diagnostics.js';

/** What a unit answers with: its data and its serial-line diagnostics. */
export interface ModbusUnitState {
  /** The unit's tables, files, FIFOs and identification. */
  model: ModbusDataModel;
  /** FC8/11/12 state and listen-only mode. */
  diagnostics: SerialDiagnostics;
}

/** Is `[address, address + quantity)` inside a table of `size` items? (spec §5.1 code 02) */
function inRange(address: number, quantity: number, size: number): boolean {
  return address + quantity <= size;
}

function bits(table: Uint8Array, address: number, quantity: number): boolean[] {
  const out = new Array<boolean>(quantity);
  for (let i = 0; i < quantity; i++) out[i] = table[address + i] === 1;
  return out;
}

/** FC8 sub-functions whose request data is defined as 0x0000 (spec §4.6: other values → 03). */
const zeroDataSubFunctions = new Set([
  0x02, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14,
]);

/** Can `char` end an ASCII frame? Not ':' (frame start) and not a hex digit (frame content). */
function isDelimiterCandidate(char: number): boolean {
  const hexDigit =
    (char >= 0x30 && char <= 0x39) || (char >= 0x41 && char <= 0x46) || (char >= 0x61 && char <= 0x66);
  return char !== 0x3a && !hexDigit;
}

function word(data: Uint8Array): number {
  return ((data[0] ?? 0) << 8) | (data[1] ?? 0);
}

function wordBytes(value: number): Uint8Array {
  return Uint8Array.of((value >> 8) & 0xff, value & 0xff);
}

function diagnostics(
  request: Extract<ModbusRequest, { type: 'diagnostics' }>,
  state: SerialDiagnostics,
): ModbusResponse | undefined {
  const { subFunction, data } = request;
  const echo = (payload: Uint8Array = data): ModbusResponse => ({
    type: 'diagnostics',
    subFunction,
    data: payload,
  });
  if (zeroDataSubFunctions.has(subFunction) && word(data) !== 0) {
    return refuse(request, ExceptionCode.illegalDataValue);
  }
  const c = state.counters;
  switch (subFunction) {
    case 0x00:
      return echo();
    case 0x01: {
      const value = word(data);
      if (value !== 0x0000 && value !== 0xff00) return refuse(request, ExceptionCode.illegalDataValue);
      state.restart(value === 0xff00);
      // The echo goes out before the restart (spec §4.6). A serial port in listen-only mode sends
      // nothing: the server drops this answer there, as it drops every answer in that mode.
      return echo();
    }
    case 0x02:
      return echo(wordBytes(state.diagnosticRegister));
    case 0x03: {
      // Data is `CHAR 00`; a ':' or a hex digit could not delimit an ASCII frame (spec §8.2).
      const char = data[0]!;
      if (data[1] !== 0x00 || !isDelimiterCandidate(char))
        return refuse(request, ExceptionCode.illegalDataValue);
      state.asciiDelimiter = char;
      return echo();
    }
    case 0x04:
      // No response, ever (spec §4.6).
      state.enterListenOnly();
      return undefined;
    case 0x0a:
      state.clearCounters();
      return echo();
    case 0x0b:
      return echo(wordBytes(c.busMessages));
    case 0x0c:
      return echo(wordBytes(c.busCommunicationErrors));
    case 0x0d:
      return echo(wordBytes(c.busExceptionErrors));
    case 0x0e:
      return echo(wordBytes(c.serverMessages));
    case 0x0f:
      return echo(wordBytes(c.serverNoResponses));
    case 0x10:
      return echo(wordBytes(c.serverNaks));
    case 0x11:
      return echo(wordBytes(c.serverBusy));
    case 0x12:
      return echo(wordBytes(c.busCharacterOverruns));
    case 0x14:
      state.clearOverrun();
      return echo();
    default:
      // 0x05–0x09, 0x13 and 0x15+ are reserved (spec §4.6 table).
      return refuse(request, ExceptionCode.illegalFunction);
  }
}

function readFileRecord(
  request: Extract<ModbusRequest, { type: 'read-file-record' }>,
  model: ModbusDataModel,
): ModbusResponse {
  let size = 2;
  for (const s of request.subRequests) size += 2 + 2 * s.recordLength;
  // The whole response must fit one PDU (spec §4.12).
  if (size > ModbusLimits.maxPduBytes) return refuse(request, ExceptionCode.illegalDataValue);
  const subResponses = [];
  for (const s of request.subRequests) {
    const file = model.files.get(s.fileNumber);
    if (
      s.referenceType !== 6 ||
      file === undefined ||
      !inRange(s.recordNumber, s.recordLength, file.length)
    ) {
      return refuse(request, ExceptionCode.illegalDataAddress);
    }
    subResponses.push({
      referenceType: 6,
      values: file.slice(s.recordNumber, s.recordNumber + s.recordLength),
    });
  }
  return { type: 'read-file-record', subResponses };
}

function writeFileRecord(
  request: Extract<ModbusRequest, { type: 'write-file-record' }>,
  model: ModbusDataModel,
): ModbusResponse {
  for (const s of request.subRequests) {
    const file = model.files.get(s.fileNumber);
    if (
      s.referenceType !== 6 ||
      file === undefined ||
      !inRange(s.recordNumber, s.values.length, file.length)
    ) {
      return refuse(request, ExceptionCode.illegalDataAddress);
    }
  }
  for (const s of request.subRequests) model.files.get(s.fileNumber)!.set(s.values, s.recordNumber);
  return { type: 'write-file-record', subRequests: request.subRequests };
}

/**
 * Answers `request` from `unit`'s data model. Returns `undefined` when the standard says no
 * response is sent (FC8/04, FC8/01 in listen-only mode). Exceptions come back as `exception`
 * responses: 01 for what the model does not implement (FC43 MEI types other than 14, FC8
 * reserved sub-functions, `raw` function codes), 02 for addresses outside the tables, files or
 * FIFOs, 03 for device-dependent value checks.
 */
export function answerRequest(request: ModbusRequest, unit: ModbusUnitState): ModbusResponse | undefined {
  const { model } = unit;
  switch (request.type) {
    case 'read-coils':
    case 'read-discrete-inputs': {
      const table = request.type === 'read-coils' ? model.coils : model.discreteInputs;
      if (!inRange(request.address, request.quantity, table.length)) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      return { type: request.type, values: bits(table, request.address, request.quantity) };
    }
    case 'read-holding-registers':
    case 'read-input-registers': {
      const table = request.type === 'read-holding-registers' ? model.holdingRegisters : model.inputRegisters;
      if (!inRange(request.address, request.quantity, table.length)) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      return { type: request.type, values: table.slice(request.address, request.address + request.quantity) };
    }
    case 'write-single-coil':
      if (request.address >= model.coils.length) return refuse(request, ExceptionCode.illegalDataAddress);
      model.coils[request.address] = request.value ? 1 : 0;
      return { ...request };
    case 'write-single-register':
      if (request.address >= model.holdingRegisters.length) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      model.holdingRegisters[request.address] = request.value;
      return { ...request };
    case 'write-multiple-coils': {
      const { address, values } = request;
      if (!inRange(address, values.length, model.coils.length)) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      for (let i = 0; i < values.length; i++) model.coils[address + i] = values[i] ? 1 : 0;
      return { type: request.type, address, quantity: values.length };
    }
    case 'write-multiple-registers':
      if (!inRange(request.address, request.values.length, model.holdingRegisters.length)) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      model.holdingRegisters.set(request.values, request.address);
      return { type: request.type, address: request.address, quantity: request.values.length };
    case 'mask-write-register': {
      if (request.address >= model.holdingRegisters.length) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      const current = model.holdingRegisters[request.address]!;
      // Spec §4.14: (current AND and) OR (or AND NOT and).
      model.holdingRegisters[request.address] =
        (current & request.andMask) | (request.orMask & ~request.andMask & 0xffff);
      return { ...request };
    }
    case 'read-write-multiple-registers': {
      const table = model.holdingRegisters;
      if (
        !inRange(request.readAddress, request.readQuantity, table.length) ||
        !inRange(request.writeAddress, request.values.length, table.length)
      ) {
        return refuse(request, ExceptionCode.illegalDataAddress);
      }
      // The write happens before the read (spec §4.15).
      table.set(request.values, request.writeAddress);
      return {
        type: request.type,
        values: table.slice(request.readAddress, request.readAddress + request.readQuantity),
      };
    }
    case 'read-exception-status':
      return { type: request.type, status: model.exceptionStatus };
    case 'diagnostics':
      return diagnostics(request, unit.diagnostics);
    case 'get-comm-event-counter':
      return { type: request.type, status: 0, eventCount: unit.diagnostics.eventCount };
    case 'get-comm-event-log':
      return {
        type: request.type,
        status: 0,
        eventCount: unit.diagnostics.eventCount,
        messageCount: unit.diagnostics.counters.busMessages,
        events: unit.diagnostics.eventLog,
      };
    case 'report-server-id':
      return { type: request.type, data: model.serverId };
    case 'read-file-record':
      return readFileRecord(request, model);
    case 'write-file-record':
      return writeFileRecord(request, model);
    case 'read-fifo-queue': {
      const fifo = model.fifos.get(request.address);
      if (fifo === undefined) return refuse(request, ExceptionCode.illegalDataAddress);
      if (fifo.length > ModbusLimits.maxFifoCount) return refuse(request, ExceptionCode.illegalDataValue);
      return { type: request.type, values: Uint16Array.from(fifo) };
    }
    case 'read-device-identification':
      return answerDeviceIdentification(
        request,
        model.deviceIdentification,
        model.deviceIdentificationIndividualAccess,
      );
    case 'encapsulated-interface':
      return refuse(request, ExceptionCode.illegalFunction);
    case 'raw':
      return refuse(request, ExceptionCode.illegalFunction);
  }
}
