/**
 * The function code a message travels with.
 *
 * @module
 */

import { FunctionCode } from './constants.js';
import type { ModbusRequest, ModbusRequestType, ModbusResponse } from './types.js';

/** Function code of every typed message (raw and exception messages carry their own). */
const functionCodes = {
  'read-coils': FunctionCode.readCoils,
  'read-discrete-inputs': FunctionCode.readDiscreteInputs,
  'read-holding-registers': FunctionCode.readHoldingRegisters,
  'read-input-registers': FunctionCode.readInputRegisters,
  'write-single-coil': FunctionCode.writeSingleCoil,
  'write-single-register': FunctionCode.writeSingleRegister,
  'read-exception-status': FunctionCode.readExceptionStatus,
  diagnostics: FunctionCode.diagnostics,
  'get-comm-event-counter': FunctionCode.getCommEventCounter,
  'get-comm-event-log': FunctionCode.getCommEventLog,
  'write-multiple-coils': FunctionCode.writeMultipleCoils,
  'write-multiple-registers': FunctionCode.writeMultipleRegisters,
  'report-server-id': FunctionCode.reportServerId,
  'read-file-record': FunctionCode.readFileRecord,
  'write-file-record': FunctionCode.writeFileRecord,
  'mask-write-register': FunctionCode.maskWriteRegister,
  'read-write-multiple-registers': FunctionCode.readWriteMultipleRegisters,
  'read-fifo-queue': FunctionCode.readFifoQueue,
  'read-device-identification': FunctionCode.encapsulatedInterfaceTransport,
  'encapsulated-interface': FunctionCode.encapsulatedInterfaceTransport,
} as const satisfies Record<Exclude<ModbusRequestType, 'raw'>, number>;

/**
 * The function code of a request or response, 1–127. For an `exception` response this is the
 * request's code (bit 7 clear), so `functionCodeOf(request) === functionCodeOf(response)` holds for
 * every answer to `request`.
 *
 * @example
 * ```ts
 * functionCodeOf({ type: 'read-holding-registers', address: 0, quantity: 1 }); // 3
 * functionCodeOf({ type: 'exception', functionCode: 3, exceptionCode: 2 }); // 3
 * ```
 */
export function functionCodeOf(message: ModbusRequest | ModbusResponse): number {
  return message.type === 'raw' || message.type === 'exception'
    ? message.functionCode
    : functionCodes[message.type];
}
