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
 * @module meterlink/modbus
 */

export * from './client/index.js';
export * from './framing/index.js';
export * from './pdu/index.js';
export * from './registers/index.js';
export * from './server/index.js';
