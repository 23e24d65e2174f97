/**
 * Which requests may be broadcast (Modbus spec §6).
 *
 * @module
 */

import { DiagnosticsSubFunction } from './diagnostics.js';
import type { ModbusRequest } from './types.js';

/**
 * `true` when `request` may be sent to the broadcast address 0 (spec §6): FC5, 6, 15, 16, 21, 22
 * and the FC8 sub-functions that only change state (1, 4, 0x0A, 0x14). Reads, FC7, 11, 12, 17, 20,
 * 23, 24, 43 and `raw` requests are refused (a client may offer an explicit override).
 *
 * @example
 * ```ts
 * isBroadcastAllowed({ type: 'write-single-register', address: 11, value: 0x1234 }); // true
 * isBroadcastAllowed({ type: 'read-holding-registers', address: 0, quantity: 1 }); // false
 * ```
 */
export function isBroadcastAllowed(request: ModbusRequest): boolean {
  switch (request.type) {
    case 'write-single-coil':
    case 'write-single-register':
    case 'write-multiple-coils':
    case 'write-multiple-registers':
    case 'write-file-record':
    case 'mask-write-register':
      return true;
    case 'diagnostics':
      return (
        request.subFunction === DiagnosticsSubFunction.restartCommunicationsOption ||
        request.subFunction === DiagnosticsSubFunction.forceListenOnlyMode ||
        request.subFunction === DiagnosticsSubFunction.clearCountersAndDiagnosticRegister ||
        request.subFunction === DiagnosticsSubFunction.clearOverrunCounterAndFlag
      );
    default:
      return false;
  }
}
