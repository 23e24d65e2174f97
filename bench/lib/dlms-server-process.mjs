// A DLMS session benchmark server in its own process, so `process.cpuUsage()` in the benchmark
// process is the client's alone, and the server's CPU time and memory are read here, over IPC.
//
//   node bench/lib/dlms-server-process.mjs dlms   → DlmsServer on two ports (wrapper, HDLC):
//       a Register 1.0.1.8.0.255 (double-long-unsigned, fixed value), a Clock, four energy
//       Registers and a Profile generic 1.0.99.1.0.255 whose stored buffer holds PROFILE_ROWS
//       rows (clock + the four registers, 15-minute period); the public client (16) may read them,
//       and so may client 17, whose association has a 65535-octet PDU; the HDLC port accepts
//       information fields up to 2030 octets and windows up to 7
//   node bench/lib/dlms-server-process.mjs meter  → DlmsServer, wrapper: the simulator's example
//       meter (exampleMeter()), the public client may also read its import energy 1.0.1.8.0.255
//   node bench/lib/dlms-server-process.mjs echo   → the raw echo server (below)
//
// Started with an IPC channel: sends `{ type: 'listening', ports }` once bound, then answers
//   { type: 'cpu' }    → { type: 'cpu', usage: process.cpuUsage() }
//   { type: 'memory' } → { type: 'memory', memory: process.memoryUsage(), connections, associations }
//                        after two full garbage collections (the process runs with --expose-gc)
//   { type: 'exit' }   → exits (so a --cpu-prof profile gets written)
//
// The raw echo server is the least a server can do with the same traffic: it understands only
// the benchmark's own unit header. A request unit starts with its length (uint32 BE, ≥ 8) and the
// length of the answer it wants (uint32 BE); the server answers every complete unit with that many
// bytes (units may arrive split or coalesced; a partial one is carried over), all the answers to
// one chunk in one write, as meterlink's servers do. So one echo server serves every byte size:
// a GET's, a profile read's, a whole transfer's.

import { createServer } from 'node:net';
import { loadDlms } from './dlms-api.mjs';

const mode = process.argv[2];
const rows = Number(process.env.PROFILE_ROWS ?? 10_000);
const host = '127.0.0.1';

/** Zeros the echo answers are cut from (grown on demand, never written to). */
let zeros = Buffer.alloc(1 << 20);
const connections = new Set();

function listenEcho() {
  const server = createServer((socket) => {
    connections.add(socket);
    socket.setNoDelay(true);
    let carry;
    socket.on('data', (chunk) => {
      let bytes = chunk;
      if (carry !== undefined) {
        bytes = Buffer.concat([carry, chunk]);
        carry = undefined;
      }
      let at = 0;
      const outs = [];
      while (bytes.length - at >= 8) {
        const unit = bytes.readUInt32BE(at);
        if (bytes.length - at < unit) break;
        const answer = bytes.readUInt32BE(at + 4);
        at += unit;
        if (answer === 0) continue;
        if (answer > zeros.length) zeros = Buffer.alloc(answer);
        outs.push(zeros.subarray(0, answer));
      }
      if (at < bytes.length) carry = Buffer.from(bytes.subarray(at));
      if (outs.length === 1) socket.write(outs[0]);
      else if (outs.length > 1) socket.write(Buffer.concat(outs));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => connections.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen({ host, port: 0, backlog: 4096 }, () => resolve({ echo: server.address().port }));
  });
}

const counts = { associations: 0, server: undefined };

function count(server) {
  counts.server = server;
  server.on('association', () => counts.associations++);
  server.on('release', () => counts.associations--);
  server.on('error', () => undefined);
}

async function listenDlms() {
  const { api } = await loadDlms();
  const { DlmsServer, Register, Clock, ProfileGeneric, ObjectDirectory } = api;
  const energyNames = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255'];
  const registers = energyNames.map(
    (logicalName, i) =>
      new Register({
        logicalName,
        value: { type: 'double-long-unsigned', value: 1_234_567 + i * 1111 },
        scaler: 0,
        unit: 30,
      }),
  );
  const clock = new Clock();
  const directory = new ObjectDirectory();
  const column = (classId, logicalName) => ({ classId, logicalName, attributeIndex: 2, dataIndex: 0 });
  const start = Date.UTC(2026, 0, 1);
  const profileRows = Array.from({ length: rows }, (_, r) => [
    { type: 'octet-string', value: dateTimeOctets(new Date(start + r * 900_000)) },
    ...energyNames.map((_, i) => ({ type: 'double-long-unsigned', value: 1_000_000 + r * (10 + i) })),
  ]);
  const profile = new ProfileGeneric({
    logicalName: '1.0.99.1.0.255',
    directory,
    capturePeriod: 900,
    profileEntries: rows,
    captureObjects: [column(8, '0.0.1.0.0.255'), ...energyNames.map((n) => column(3, n))],
    rows: profileRows,
  });
  const objects = [clock, ...registers, profile];
  directory.add(...objects);
  const server = new DlmsServer({
    logicalDevices: [
      { address: 1, objects, publicObjects: ['0.0.1.0.0.255', ...energyNames, '1.0.99.1.0.255'] },
    ],
    associations: [
      { client: 16, mechanism: 'none' },
      // The same public access with the largest PDU: the profile read's "tuned" variants.
      { client: 17, mechanism: 'none', access: 'read-only-public', maxPduSize: 65535 },
    ],
  });
  count(server);
  const wrapper = await server.listen({ host, port: 0, framing: 'wrapper' });
  // The largest HDLC limits the server accepts: a client proposing nothing still gets the spec's
  // defaults (128-octet information field, window 1), as negotiation takes the smaller (§4.7).
  const big = { maxInfoTransmit: 2030, maxInfoReceive: 2030, windowTransmit: 7, windowReceive: 7 };
  const hdlc = await server.listen({ host, port: 0, framing: 'hdlc', hdlc: big });
  return { wrapper: wrapper.port, hdlc: hdlc.port };
}

async function listenMeter() {
  const { api } = await loadDlms();
  const { DlmsServer, exampleMeter } = api;
  const server = new DlmsServer({
    logicalDevices: [
      {
        address: 1,
        objects: exampleMeter({ seed: 7 }),
        // The default public objects, and the import energy register the benchmark reads.
        publicObjects: [
          '0.0.1.0.0.255',
          '0.0.42.0.0.255',
          ...Array.from({ length: 10 }, (_, i) => `0.0.96.1.${i}.255`),
          '1.0.0.2.0.255',
          '1.0.1.8.0.255',
        ],
      },
    ],
  });
  count(server);
  const wrapper = await server.listen({ host, port: 0, framing: 'wrapper' });
  return { wrapper: wrapper.port };
}

/** A 12-octet COSEM date-time (UTC fields, deviation 0, status ok) for `d`. */
function dateTimeOctets(d) {
  const b = new Uint8Array(12);
  b[0] = d.getUTCFullYear() >> 8;
  b[1] = d.getUTCFullYear() & 0xff;
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = ((d.getUTCDay() + 6) % 7) + 1;
  b[5] = d.getUTCHours();
  b[6] = d.getUTCMinutes();
  return b;
}

const listen = { echo: listenEcho, dlms: listenDlms, meter: listenMeter }[mode];
if (listen === undefined) {
  console.error(`unknown server mode ${mode}`);
  process.exit(2);
}
const ports = await listen();

process.on('message', (message) => {
  if (message?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (message?.type === 'memory') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({
      type: 'memory',
      memory: process.memoryUsage(),
      connections: counts.server?.sessionCount ?? connections.size,
      associations: counts.associations,
    });
  }
  if (message?.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'listening', ports });
