/**
 * `meterlink/modbus`: the Modbus stack — PDU codec for every public function code, RTU / ASCII /
 * TCP framing, a pipelining client, a server with a gateway mode, and typed register maps.
 *
 * @example
 * ```ts
 * import { tcp } from 'meterlink';
 * import { ModbusClient, holdingBlock, registerLayout } from 'meterlink/modbus';
 *
 * const mb = await ModbusClient.connect({ link: tcp({ host: '127.0.0.1', port: 502 }), unitId: 1 });
 * const meter = holdingBlock(0, registerLayout({ voltage: 'float32', energy: 'uint32' }));
 * console.log(await mb.read(meter));
 * await mb.close();
 * ```
 *
 * The error classes a Modbus user catches are re-exported here from `meterlink` (they are the same
 * classes, so `instanceof` works whichever entry they were imported from).
 *
 * @module meterlink/modbus
 */

export {
  AbortError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  LinkClosedError,
  LinkError,
  MeterlinkError,
  ProtocolError,
  TimeoutError,
} from '../core/errors.js';
export * from './client/index.js';
export * from './framing/index.js';
export * from './pdu/index.js';
export * from './registers/index.js';
export * from './server/index.js';
