/**
 * The `modbus+…` URL forms.
 *
 * @module
 */

import type { ModbusFraming } from '../modbus/framing/types.js';
import type { ModbusScheme, ModbusUrl, UrlTransport } from './meter-url.js';
import type { UrlReader } from './url-reader.js';

/** Framing and transport of every Modbus scheme. */
export const modbusSchemes: Readonly<
  Record<ModbusScheme, { framing: ModbusFraming; transport: UrlTransport }>
> = {
  'modbus+tcp': { framing: 'tcp', transport: 'tcp' },
  'modbus+udp': { framing: 'tcp', transport: 'udp' },
  'modbus+rtutcp': { framing: 'rtu', transport: 'tcp' },
  'modbus+rtuudp': { framing: 'rtu', transport: 'udp' },
  'modbus+rtu': { framing: 'rtu', transport: 'serial' },
  'modbus+ascii': { framing: 'ascii', transport: 'serial' },
  'modbus+mqtt': { framing: 'rtu', transport: 'mqtt' },
  'modbus+mqtts': { framing: 'rtu', transport: 'mqtt' },
};

/** Query parameters each transport accepts (anything else is a typo worth reporting). */
const allowedParams: Record<UrlTransport, readonly string[]> = {
  tcp: ['unit', 'timeout', 'retries', 'inflight'],
  udp: ['unit', 'timeout', 'retries', 'inflight'],
  serial: ['unit', 'timeout', 'retries', 'baud', 'parity', 'databits', 'stopbits'],
  mqtt: ['unit', 'timeout', 'retries'],
};

/**
 * Reads a URL whose scheme is `scheme`.
 *
 * @throws InvalidUrlError for an unknown parameter, a value out of range, a bad address
 */
export function parseModbusUrl(reader: UrlReader, scheme: ModbusScheme): ModbusUrl {
  const { framing, transport } = modbusSchemes[scheme];
  reader.checkShape(allowedParams[transport], transport === 'mqtt');
  const parsed: ModbusUrl = { protocol: 'modbus', display: reader.display, framing, transport };
  const unitId = reader.integer('unit', 0, 255);
  const timeoutMs = reader.integer('timeout', 1, 3_600_000);
  const retries = reader.integer('retries', 0, 100);
  const maxInFlight = reader.integer('inflight', 1, 0xffff);
  if (unitId !== undefined) parsed.unitId = unitId;
  if (timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  if (retries !== undefined) parsed.retries = retries;
  if (maxInFlight !== undefined) parsed.maxInFlight = maxInFlight;
  if (transport === 'tcp' || transport === 'udp') {
    const { host, port } = reader.address(502);
    parsed.host = host;
    parsed.port = port;
  } else if (transport === 'serial') {
    // Modbus over serial line §2.5.1: 19200 bit/s, even parity is the default line.
    parsed.serial = reader.serial({ baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 });
  } else {
    parsed.mqtt = reader.mqtt(scheme === 'modbus+mqtts');
  }
  return parsed;
}
