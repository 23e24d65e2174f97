// A benchmark server in its own process, so the client process's `process.cpuUsage()` measures
// the client alone and client and server each get a core.
//
//   node bench/lib/server-process.mjs meterlink   → meterlink's ModbusServer (Modbus/TCP)
//   node bench/lib/server-process.mjs echo        → raw `net` echo server (below)
//
// Started with an IPC channel (`fork`): it sends `{ type: 'listening', port }` once bound and
// answers `{ type: 'cpu' }` with `{ type: 'cpu', usage: process.cpuUsage() }`.
//
// The raw echo server is the physical limit of a server on this machine: it looks at nothing but
// byte counts. For every complete 12-byte request unit received on a connection (requests may
// arrive split or coalesced; a partial unit is carried over) it answers a 29-byte valid FC3
// response (transaction id and unit id copied, 10 registers), all the answers to one chunk in one
// write, exactly as meterlink's server batches them.

import { createServer } from 'node:net';
import { requestBytes, responseBytes, responseTemplate } from './wire.mjs';

const mode = process.argv[2];

function listenEcho() {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let carry = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      let bytes = chunk;
      if (carry.length > 0) {
        bytes = Buffer.concat([carry, chunk]);
        carry = Buffer.alloc(0);
      }
      const units = Math.floor(bytes.length / requestBytes);
      const rest = bytes.length - units * requestBytes;
      if (rest > 0) carry = Buffer.from(bytes.subarray(bytes.length - rest));
      if (units === 0) return;
      const out = Buffer.allocUnsafe(units * responseBytes);
      for (let i = 0; i < units; i++) {
        const at = i * responseBytes;
        const from = i * requestBytes;
        responseTemplate.copy(out, at);
        out[at] = bytes[from];
        out[at + 1] = bytes[from + 1];
        out[at + 6] = bytes[from + 6];
      }
      socket.write(out);
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server.address().port));
  });
}

async function listenMeterlink() {
  const { ModbusServer } = await import('../../dist/modbus/index.js');
  const holdingRegisters = Array.from({ length: 100 }, (_, i) => i);
  const server = new ModbusServer({ model: { holdingRegisters } });
  const listener = await server.listen({ host: '127.0.0.1', port: 0 });
  return listener.port;
}

const port = mode === 'echo' ? await listenEcho() : mode === 'meterlink' ? await listenMeterlink() : null;
if (port === null) {
  console.error(`unknown server mode ${mode}`);
  process.exit(2);
}
process.on('message', (message) => {
  if (message?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (message?.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'listening', port });
