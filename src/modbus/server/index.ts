/**
 * The Modbus server: data model, request answering, serial diagnostics and the TCP→serial
 * gateway mode.
 *
 * @module
 */

export {
  type DeviceIdentificationInit,
  ModbusDataModel,
  type ModbusDataModelOptions,
  type TableInit,
} from './data-model.js';
export type { ModbusGatewayOptions, ModbusGatewayRoute } from './gateway.js';
export {
  type ModbusListener,
  type ModbusListenOptions,
  type ModbusRequestContext,
  type ModbusRequestHandler,
  type ModbusServeOptions,
  ModbusServer,
  type ModbusServerEvents,
  type ModbusServerOptions,
  type ModbusWriteTable,
} from './modbus-server.js';
export {
  type DiagnosticCounters,
  type DiagnosticsRequestKind,
  SerialDiagnostics,
} from './serial-diagnostics.js';
