/**
 * Builds exception responses (Modbus spec §5.1).
 *
 * @module
 */

import { functionCodeOf } from '../pdu/function-code.js';
import type { ModbusRequest, ModbusResponse } from '../pdu/types.js';

/** The exception response refusing `request` with `exceptionCode`. */
export function refuse(request: ModbusRequest, exceptionCode: number): ModbusResponse {
  return { type: 'exception', functionCode: functionCodeOf(request), exceptionCode };
}
