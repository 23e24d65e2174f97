/**
 * The Modbus PDU layer: pure encoders and decoders for every public function code of the MODBUS
 * Application Protocol V1.1b3, exception responses and raw PDUs, plus client-side response checks.
 * No transport framing here (see `../framing`), and nothing from Node.
 *
 * @example
 * ```ts
 * import { checkResponse, decodeResponse, encodeRequest } from 'meterlink/modbus';
 *
 * const request = { type: 'read-holding-registers', address: 0x6b, quantity: 3 } as const;
 * const pdu = encodeRequest(request); // 03 00 6B 00 03
 * const response = checkResponse(request, decodeResponse(answerPdu));
 * ```
 *
 * @module
 */

export { packBits, unpackBits } from './bits.js';
export { isBroadcastAllowed } from './broadcast.js';
export { checkResponse } from './check-response.js';
export { type CommEvent, describeCommEvent } from './comm-event.js';
export { ExceptionCode, exceptionName, FunctionCode, MeiType, ModbusLimits } from './constants.js';
export { decodeRequest } from './decode-request.js';
export { decodeResponse } from './decode-response.js';
export { DeviceIdObjectId, deviceIdObjectName } from './device-id-objects.js';
export { DiagnosticsSubFunction, isReservedDiagnosticsSubFunction } from './diagnostics.js';
export { encodeRequest } from './encode-request.js';
export { encodeResponse } from './encode-response.js';
export { functionCodeOf } from './function-code.js';
export {
  type DeviceIdObject,
  DeviceIdReadCode,
  type FileRecordReadRequest,
  type FileRecordReadResult,
  type FileRecordWrite,
  type ModbusRequest,
  type ModbusRequestType,
  type ModbusResponse,
} from './types.js';
