// Real sockets on loopback: Modbus/TCP, RTU over TCP, UDP, connect failures and reconnects.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Link, LinkClosedError, LinkError, listenTcp, tcp, udp } from '../../../src/index.js';
import { ModbusClient, ModbusServer } from '../../../src/modbus/index.js';
import {
  answerAll,
  autoClose,
  registersAt,
  rejection,
  ScriptedPeer,
  settle,
  sleep,
  until,
} from './helpers.js';

const track = autoClose();

function newServer(): ModbusServer {
  return new ModbusServer({ model: { holdingRegisters: registersAt(0, 1000), coils: 100 } });
}

/** A loopback port nobody listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Modbus/TCP over loopback', () => {
  it('reads and writes, and pipelines 16 requests', async () => {
    const listener = track(await newServer().listen({ port: 0 }));
    const client = track(
      await ModbusClient.connect({
        link: tcp({ host: '127.0.0.1', port: listener.port }),
        maxInFlight: 16,
        timeoutMs: 1000,
      }),
    );
    expect([...(await client.readHoldingRegisters(0, 3))]).toEqual([...registersAt(0, 3)]);
    await client.writeMultipleCoils(0, [true, false, true]);
    expect(await client.readCoils(0, 3)).toEqual([true, false, true]);
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.readHoldingRegisters(i * 7, 3)),
    );
    all.forEach((values, i) => {
      expect([...values]).toEqual([...registersAt(i * 7, 3)]);
    });
    expect(client.stats).toMatchObject({ timeouts: 0, unmatched: 0 });
  });

  it('RTU over TCP', async () => {
    const listener = track(
      await new ModbusServer({ unitIds: [3], model: { holdingRegisters: [1, 2, 3] } }).listen({
        port: 0,
        framing: 'rtu',
      }),
    );
    const client = track(
      await ModbusClient.connect({
        link: tcp({ host: '127.0.0.1', port: listener.port }),
        framing: 'rtu',
        unitId: 3,
        timeoutMs: 500,
      }),
    );
    const results = await Promise.all([client.readHoldingRegisters(0, 3), client.readHoldingRegisters(1, 1)]);
    expect(results.map((r) => [...r])).toEqual([[1, 2, 3], [2]]);
  });

  it('connect() fails with a LinkError when nobody listens, and the client is unusable', async () => {
    const port = await freePort();
    const error = await rejection(
      ModbusClient.connect({ link: tcp({ host: '127.0.0.1', port }), connectTimeoutMs: 1000 }),
    );
    expect(error).toBeInstanceOf(LinkError);
  });

  it('the server closing the connection fails outstanding requests; a reconnecting link serves later ones', async () => {
    const peers: ScriptedPeer[] = [];
    const accepted: Link[] = [];
    const acceptor = track(
      await listenTcp({ port: 0 }, (link) => {
        accepted.push(link);
        // First connection: silent (the test drops it). Later ones answer.
        peers.push(new ScriptedPeer(link, 'tcp', accepted.length === 1 ? undefined : answerAll));
      }),
    );
    const link = tcp({
      host: '127.0.0.1',
      port: acceptor.port,
      reconnect: { initialDelayMs: 20, jitter: 0, maxAttempts: 20 },
    });
    const client = track(await ModbusClient.connect({ link, maxInFlight: 4, timeoutMs: 1000 }));
    const outstanding = [0, 1].map((a) => settle(client.readHoldingRegisters(a, 1)));
    await until(() => (peers[0]?.requests.length ?? 0) === 2, 1000, 'requests at the first connection');
    await accepted[0]!.close();
    for (const outcome of await Promise.all(outstanding)) {
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(LinkClosedError);
      expect(outcome.ms).toBeLessThan(900);
    }
    // Requests made while the link is reconnecting wait for it (within their timeout).
    expect(link.state).toBe('reconnecting');
    const later = await client.readHoldingRegisters(5, 2);
    expect([...later]).toEqual([...registersAt(5, 2)]);
    expect(accepted).toHaveLength(2);
    expect((await client.readHoldingRegisters(9, 1))[0]).toBe(registersAt(9, 1)[0]);
  });

  it('a request waiting for a reconnect fails with LinkClosedError when the client is closed', async () => {
    const accepted: Link[] = [];
    const acceptor = track(await listenTcp({ port: 0 }, (l) => void accepted.push(l)));
    const link = tcp({
      host: '127.0.0.1',
      port: acceptor.port,
      reconnect: { initialDelayMs: 5000, jitter: 0 },
    });
    const client = await ModbusClient.connect({ link, timeoutMs: 2000 });
    await until(() => accepted.length === 1, 1000, 'connection');
    await accepted[0]!.close();
    await until(() => link.state === 'reconnecting', 1000, 'reconnecting');
    const waiting = settle(client.readHoldingRegisters(0, 1));
    await sleep(20); // the request is now waiting for the link to come back
    await client.close();
    const outcome = await waiting;
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(LinkClosedError);
    expect(outcome.ms).toBeLessThan(500);
  });
});

describe('Modbus over UDP', () => {
  it('talks to ModbusServer.listen({ transport: "udp" })', async () => {
    const listener = track(await newServer().listen({ port: 0, transport: 'udp' }));
    const client = track(
      await ModbusClient.connect({
        link: udp({ host: '127.0.0.1', port: listener.port }),
        maxInFlight: 4,
        timeoutMs: 500,
        retries: 2,
      }),
    );
    expect([...(await client.readHoldingRegisters(10, 2))]).toEqual([...registersAt(10, 2)]);
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) => client.readHoldingRegisters(i, 1)));
    expect(all.map((v) => v[0])).toEqual(Array.from({ length: 12 }, (_, i) => registersAt(i, 1)[0]));
    await client.writeSingleRegister(1, 0x4242);
    expect((await client.readHoldingRegisters(1, 1))[0]).toBe(0x4242);
  });

  it('RTU over UDP', async () => {
    const listener = track(
      await new ModbusServer({ unitIds: [1], model: { holdingRegisters: [7, 8] } }).listen({
        port: 0,
        transport: 'udp',
        framing: 'rtu',
      }),
    );
    const client = track(
      await ModbusClient.connect({
        link: udp({ host: '127.0.0.1', port: listener.port }),
        framing: 'rtu',
        unitId: 1,
        timeoutMs: 500,
      }),
    );
    expect([...(await client.readHoldingRegisters(0, 2))]).toEqual([7, 8]);
  });
});
