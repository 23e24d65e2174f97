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
  type DiagnosticsRequest,
  type DiagnosticsResponse,
  type EncapsulatedInterfaceRequest,
  type EncapsulatedInterfaceResponse,
  type ExceptionResponse,
  type FileRecordReadRequest,
  type FileRecordReadResult,
  type FileRecordWrite,
  type GetCommEventCounterRequest,
  type GetCommEventCounterResponse,
  type GetCommEventLogRequest,
  type GetCommEventLogResponse,
  type MaskWriteRegisterRequest,
  type MaskWriteRegisterResponse,
  type ModbusRequest,
  type ModbusRequestType,
  type ModbusResponse,
  type RawRequest,
  type RawResponse,
  type ReadCoilsRequest,
  type ReadCoilsResponse,
  type ReadDeviceIdentificationRequest,
  type ReadDeviceIdentificationResponse,
  type ReadDiscreteInputsRequest,
  type ReadDiscreteInputsResponse,
  type ReadExceptionStatusRequest,
  type ReadExceptionStatusResponse,
  type ReadFifoQueueRequest,
  type ReadFifoQueueResponse,
  type ReadFileRecordRequest,
  type ReadFileRecordResponse,
  type ReadHoldingRegistersRequest,
  type ReadHoldingRegistersResponse,
  type ReadInputRegistersRequest,
  type ReadInputRegistersResponse,
  type ReadWriteMultipleRegistersRequest,
  type ReadWriteMultipleRegistersResponse,
  type ReportServerIdRequest,
  type ReportServerIdResponse,
  type WriteFileRecordRequest,
  type WriteFileRecordResponse,
  type WriteMultipleCoilsRequest,
  type WriteMultipleCoilsResponse,
  type WriteMultipleRegistersRequest,
  type WriteMultipleRegistersResponse,
  type WriteSingleCoilRequest,
  type WriteSingleCoilResponse,
  type WriteSingleRegisterRequest,
  type WriteSingleRegisterResponse,
} from './types.js';
