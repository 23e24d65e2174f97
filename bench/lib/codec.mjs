// Codec microbenchmarks (tinybench): meterlink's PDU codec and framings, each beside two
// baselines measured in the same run on the same data:
//   - JSON: `JSON.stringify` (encoders) or `JSON.parse` (decoders) of an equivalent plain object —
//     what a generic serializer costs for the same message;
//   - copy: allocating a `Uint8Array` of the same bytes and `set()`-ting them in (a memcpy) — the
//     least any encoder or decoder that hands out fresh bytes can do.

import { Bench } from 'tinybench';
import {
  checkResponse,
  createFrameDecoder,
  decodeRequest,
  decodeResponse,
  encodeFrame,
  encodeRequest,
  encodeResponse,
  ModbusClient,
  ModbusServer,
} from '../../dist/modbus/index.js';
import { echoAnswer, InlineLink } from './inline-link.mjs';
import { requestTemplate, unitId } from './wire.mjs';

/** Inner calls per tinybench iteration, so each sample is well above the timer's resolution. */
const batch = 1000;

let sink;

function repeat(fn) {
  return () => {
    for (let i = 0; i < batch; i++) sink = fn();
  };
}

function copyOf(bytes) {
  return () => {
    const out = new Uint8Array(bytes.length);
    out.set(bytes);
    return out;
  };
}

/** The cases: ours, plus the JSON and copy baselines for the same message. */
function cases() {
  const request = { type: 'read-holding-registers', address: 0, quantity: 10 };
  const requestPdu = encodeRequest(request);
  const values10 = Uint16Array.from({ length: 10 }, (_, i) => i * 1000);
  const values125 = Uint16Array.from({ length: 125 }, (_, i) => i * 500);
  const response10 = { type: 'read-holding-registers', values: values10 };
  const response125 = { type: 'read-holding-registers', values: values125 };
  const pdu10 = encodeResponse(response10);
  const pdu125 = encodeResponse(response125);
  const json10 = { type: response10.type, values: [...values10] };
  const json125 = { type: response125.type, values: [...values125] };
  const tcpFrame = { transactionId: 1, unitId: 1, pdu: pdu10 };
  const tcpAdu = encodeFrame('tcp', tcpFrame);
  const rtuFrame = { unitId: 1, pdu: pdu10 };
  const rtuAdu = encodeFrame('rtu', rtuFrame);
  const tcpRequestAdu = encodeFrame('tcp', { transactionId: 1, unitId: 1, pdu: requestPdu });
  const tcpJson = { transactionId: 1, unitId: 1, pdu: [...pdu10] };
  const rtuJson = { unitId: 1, pdu: [...pdu10] };
  const tcpDecoder = createFrameDecoder('tcp', 'response');
  const rtuDecoder = createFrameDecoder('rtu', 'response');
  const serverDecoder = createFrameDecoder('tcp', 'request');
  const clientDecoder = createFrameDecoder('tcp', 'response');
  const text = (o) => JSON.stringify(o);
  const parse = (o) => {
    const s = JSON.stringify(o);
    return () => JSON.parse(s);
  };
  const stringify = (o) => () => text(o);
  return [
    {
      name: 'encodeRequest FC3 (5 B PDU)',
      ours: () => encodeRequest(request),
      json: stringify(request),
      copy: copyOf(requestPdu),
    },
    {
      name: 'decodeRequest FC3 (5 B PDU)',
      ours: () => decodeRequest(requestPdu),
      json: parse(request),
      copy: copyOf(requestPdu),
    },
    {
      name: 'encodeResponse FC3 10 regs (22 B)',
      ours: () => encodeResponse(response10),
      json: stringify(json10),
      copy: copyOf(pdu10),
    },
    {
      name: 'decodeResponse FC3 10 regs (22 B)',
      ours: () => decodeResponse(pdu10),
      json: parse(json10),
      copy: copyOf(pdu10),
    },
    {
      name: 'encodeResponse FC3 125 regs (252 B)',
      ours: () => encodeResponse(response125),
      json: stringify(json125),
      copy: copyOf(pdu125),
    },
    {
      name: 'decodeResponse FC3 125 regs (252 B)',
      ours: () => decodeResponse(pdu125),
      json: parse(json125),
      copy: copyOf(pdu125),
    },
    {
      name: "encodeFrame 'tcp' (29 B ADU)",
      ours: () => encodeFrame('tcp', tcpFrame),
      json: stringify(tcpJson),
      copy: copyOf(tcpAdu),
    },
    {
      name: 'TCP frame decoder push (29 B ADU)',
      ours: () => tcpDecoder.push(tcpAdu),
      json: parse(tcpJson),
      copy: copyOf(tcpAdu),
    },
    {
      name: "encodeFrame 'rtu' (25 B ADU, CRC)",
      ours: () => encodeFrame('rtu', rtuFrame),
      json: stringify(rtuJson),
      copy: copyOf(rtuAdu),
    },
    {
      name: 'RTU frame decoder push (25 B ADU, CRC)',
      ours: () => rtuDecoder.push(rtuAdu),
      json: parse(rtuJson),
      copy: copyOf(rtuAdu),
    },
    {
      name: 'client codec per transaction (TCP)',
      // encode request + frame, decode response frame + PDU, check it against the request
      ours: () => {
        encodeFrame('tcp', { transactionId: 1, unitId: 1, pdu: encodeRequest(request) });
        return checkResponse(request, decodeResponse(clientDecoder.push(tcpAdu)[0].pdu));
      },
      json: (() => {
        const s = text(tcpJson);
        return () => [text(request), JSON.parse(s)];
      })(),
      copy: (() => {
        const a = copyOf(tcpRequestAdu);
        const b = copyOf(tcpAdu);
        return () => [a(), b()];
      })(),
    },
    {
      name: 'server codec per transaction (TCP)',
      // decode request frame + PDU, encode the response PDU + frame
      ours: () => {
        const frame = serverDecoder.push(tcpRequestAdu)[0];
        decodeRequest(frame.pdu);
        return encodeFrame('tcp', {
          transactionId: frame.transactionId,
          unitId: 1,
          pdu: encodeResponse(response10),
        });
      },
      json: (() => {
        const s = text(request);
        return () => [JSON.parse(s), text(tcpJson)];
      })(),
      copy: (() => {
        const a = copyOf(tcpRequestAdu);
        const b = copyOf(tcpAdu);
        return () => [a(), b()];
      })(),
    },
  ];
}

/**
 * Runs every case and its baselines, interleaved (ours, JSON, copy per case).
 * @param {{ timeMs: number }} options per-task time budget
 * @returns {Promise<{ name: string, ours: number, json: number, copy: number }[]>} ops/s
 */
export async function runCodecBench({ timeMs }) {
  const list = cases();
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs), throws: true });
  for (const c of list) {
    bench.add(`${c.name}|ours`, repeat(c.ours));
    bench.add(`${c.name}|json`, repeat(c.json));
    bench.add(`${c.name}|copy`, repeat(c.copy));
  }
  await bench.run();
  const rate = (name) => {
    const task = bench.getTask(name);
    // p50 latency of one batch (ms) → operations per second
    return (batch * 1000) / task.result.latency.p50;
  };
  if (sink === Symbol.for('never')) console.log(sink);
  return list.map((c) => ({
    name: c.name,
    ours: rate(`${c.name}|ours`),
    json: rate(`${c.name}|json`),
    copy: rate(`${c.name}|copy`),
  }));
}

/** Sequential awaits per tinybench iteration of the async cases. */
const asyncBatch = 100;

/**
 * meterlink's client and server stacks without I/O (over {@link InlineLink}), beside the least
 * the same work can cost in-process:
 *   - client: a bare promise whose resolution comes in a microtask with the raw echo's answer
 *     bytes (what any promise-based client must at least do);
 *   - server: the raw echo server's per-chunk work (a 29-byte answer per 12-byte request).
 * @returns {Promise<{ name: string, ours: number, base: number, baseName: string }[]>} ops/s
 */
export async function runStackBench({ timeMs }) {
  const clientLink = new InlineLink(echoAnswer);
  const client = await ModbusClient.connect({ link: clientLink, framing: 'tcp', unitId, maxInFlight: 16 });
  // Links deliver plain Uint8Arrays (not Buffers).
  const request = Uint8Array.from(requestTemplate);
  const bare = () => new Promise((resolve) => queueMicrotask(() => resolve(echoAnswer(request))));
  const requests16 = Uint8Array.from(Buffer.concat(Array.from({ length: 16 }, () => requestTemplate)));
  // FC6 write of register 0 (12 B, answered by a 12 B echo): no fast path, the general
  // decodeRequest → data model → encodeResponse → encodeFrame path.
  const writeRequest = Uint8Array.of(0, 1, 0, 0, 0, 6, unitId, 6, 0, 0, 0x12, 0x34);

  let answered = 0;
  const serverLink = new InlineLink((bytes) => {
    answered += bytes.length;
    return undefined;
  });
  const server = new ModbusServer({ model: { holdingRegisters: 100 } });
  server.serve(serverLink, { framing: 'tcp' });

  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs), throws: true });
  const cases = [
    {
      name: 'client FC3 read, 1 in flight',
      unit: asyncBatch,
      ours: async () => {
        for (let i = 0; i < asyncBatch; i++) sink = await client.readHoldingRegisters(0, 10);
      },
      baseName: 'promise + echo answer',
      base: async () => {
        for (let i = 0; i < asyncBatch; i++) sink = await bare();
      },
    },
    {
      name: 'client FC3 reads, 16 in flight',
      unit: 16 * 10,
      ours: async () => {
        for (let i = 0; i < 10; i++) {
          sink = await Promise.all(Array.from({ length: 16 }, () => client.readHoldingRegisters(0, 10)));
        }
      },
      baseName: '16 × (promise + echo answer)',
      base: async () => {
        for (let i = 0; i < 10; i++) sink = await Promise.all(Array.from({ length: 16 }, bare));
      },
    },
    {
      name: 'server FC3 read (1 per chunk)',
      unit: batch,
      // async: the promise reactions of the server's writes run at the end of each batch.
      ours: async () => {
        for (let i = 0; i < batch; i++) serverLink.deliver(request);
        await null;
      },
      baseName: 'raw echo answer',
      base: async () => {
        for (let i = 0; i < batch; i++) sink = echoAnswer(request);
        await null;
      },
    },
    {
      name: 'server FC6 write (general path, 1 per chunk)',
      unit: batch,
      ours: async () => {
        for (let i = 0; i < batch; i++) serverLink.deliver(writeRequest);
        await null;
      },
      baseName: 'raw echo answer',
      base: async () => {
        for (let i = 0; i < batch; i++) sink = echoAnswer(writeRequest);
        await null;
      },
    },
    {
      name: 'server FC3 reads (16 per chunk)',
      unit: 16 * 100,
      ours: async () => {
        for (let i = 0; i < 100; i++) serverLink.deliver(requests16);
        await null;
      },
      baseName: 'raw echo answer',
      base: async () => {
        for (let i = 0; i < 100; i++) sink = echoAnswer(requests16);
        await null;
      },
    },
  ];
  for (const c of cases) {
    bench.add(`${c.name}|ours`, c.ours);
    bench.add(`${c.name}|base`, c.base);
  }
  await bench.run();
  await client.close();
  if (answered === 0) throw new Error('the server under test answered nothing');
  const rate = (name, unit) => (unit * 1000) / bench.getTask(name).result.latency.p50;
  return cases.map((c) => ({
    name: c.name,
    ours: rate(`${c.name}|ours`, c.unit),
    base: rate(`${c.name}|base`, c.unit),
    baseName: c.baseName,
  }));
}
