// Write coalescing over real loopback sockets: pipelined MBAP requests issued in one tick leave
// in one segment and are all answered correctly (spec §9.2, §9.4); RTU over TCP never puts two
// requests in one write (spec §10).
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { quietWrite } from '../../../src/core/quiet-write.js';
import { tcp } from '../../../src/index.js';
import {
  createFrameDecoder,
  decodeRequest,
  encodeFrame,
  encodeResponse,
  ModbusClient,
  type ModbusFraming,
} from '../../../src/modbus/index.js';
import { registersAt } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * A plain `net` Modbus server that records how the requests arrived: the number of frames in
 * every chunk it read. It answers each chunk's reads in one write, in reverse order (so the client
 * must match by transaction id).
 */
async function recordingServer(framing: ModbusFraming): Promise<{ port: number; framesPerChunk: number[] }> {
  const framesPerChunk: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    const decoder = createFrameDecoder(framing, 'request');
    socket.on('data', (chunk) => {
      const frames = decoder.push(chunk);
      framesPerChunk.push(frames.length);
      const answers = frames.reverse().map((frame) => {
        const request = decodeRequest(frame.pdu);
        if (request.type !== 'read-holding-registers') throw new Error(`unexpected ${request.type}`);
        const values = registersAt(request.address, request.quantity);
        return encodeFrame(framing, {
          unitId: frame.unitId,
          transactionId: frame.transactionId ?? 0,
          pdu: encodeResponse({ type: request.type, values }),
        });
      });
      if (answers.length > 0) socket.write(Buffer.concat(answers));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, framesPerChunk };
}

/** A client over `tcp()` whose quiet writes are recorded (the `coalesce` flag of each). */
async function recordingClient(
  port: number,
  framing: ModbusFraming,
): Promise<{ client: ModbusClient; coalesceFlags: boolean[] }> {
  const link = tcp({ host: '127.0.0.1', port });
  const coalesceFlags: boolean[] = [];
  const target = link as unknown as Record<typeof quietWrite, (bytes: Uint8Array, coalesce: boolean) => void>;
  const write = target[quietWrite];
  target[quietWrite] = function (this: unknown, bytes, coalesce) {
    coalesceFlags.push(coalesce);
    write.call(this, bytes, coalesce);
  };
  const client = await ModbusClient.connect({ link, framing, unitId: 1, maxInFlight: 16, timeoutMs: 2000 });
  cleanups.push(() => client.close());
  return { client, coalesceFlags };
}

describe('write coalescing', () => {
  it('sends pipelined MBAP requests of one tick in one segment, and matches every answer', async () => {
    const server = await recordingServer('tcp');
    const { client, coalesceFlags } = await recordingClient(server.port, 'tcp');
    const reads = (round: number) =>
      Array.from({ length: 16 }, (_, i) => client.readHoldingRegisters(round * 100 + i * 3, 3));
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(reads(round));
      results.forEach((values, i) => {
        expect([...values]).toEqual([...registersAt(round * 100 + i * 3, 3)]);
      });
    }
    const frames = server.framesPerChunk.reduce((a, b) => a + b, 0);
    expect(frames).toBe(80);
    // The first request of the first batch leaves at once; the rest of every batch is coalesced.
    expect(coalesceFlags[0]).toBe(false);
    expect(coalesceFlags.filter(Boolean).length).toBeGreaterThanOrEqual(75);
    expect(server.framesPerChunk.length).toBeLessThanOrEqual(10);
    expect(Math.max(...server.framesPerChunk)).toBeGreaterThanOrEqual(15);
    expect(client.stats).toMatchObject({ requests: 80, responses: 80, unmatched: 0, timeouts: 0 });
  });

  it('writes a lone request at once (1 in flight)', async () => {
    const server = await recordingServer('tcp');
    const { client, coalesceFlags } = await recordingClient(server.port, 'tcp');
    for (let i = 0; i < 10; i++)
      expect((await client.readHoldingRegisters(i, 1))[0]).toBe(registersAt(i, 1)[0]);
    expect(coalesceFlags).toEqual(Array(10).fill(false));
  });

  it('never coalesces RTU over TCP: one request per write, one on the wire', async () => {
    const server = await recordingServer('rtu');
    const { client, coalesceFlags } = await recordingClient(server.port, 'rtu');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.readHoldingRegisters(i, 2)),
    );
    results.forEach((values, i) => {
      expect([...values]).toEqual([...registersAt(i, 2)]);
    });
    expect(coalesceFlags).toEqual(Array(12).fill(false));
    expect(server.framesPerChunk).toEqual(Array(12).fill(1));
  });
});
