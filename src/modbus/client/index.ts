export type { DeviceIdentification } from './device-identification.js';
export { ModbusClient, type ModbusClientEvents } from './modbus-client.js';
export { ModbusException, type ModbusExceptionDetails } from './modbus-exception.js';
export type { ModbusClientOptions, ModbusClientStats, ModbusRequestOptions } from './options.js';
