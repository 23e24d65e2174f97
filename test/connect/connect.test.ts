import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  connect,
  InvalidArgumentError,
  InvalidUrlError,
  LinkError,
  parseMeterUrl,
  TimeoutError,
} from '../../src/index.js';
import { type ModbusClient, ModbusException, ModbusServer } from '../../src/modbus/index.js';
import { type Blackhole, startBlackhole } from '../links/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function track(client: ModbusClient): ModbusClient {
  cleanups.push(() => client.close());
  return client;
}

/** A ModbusServer on 127.0.0.1, port 0, serving units 1 and 7 from one small model. */
async function startServer(framing: 'tcp' | 'rtu', transport: 'tcp' | 'udp'): Promise<number> {
  const server = new ModbusServer({
    model: { holdingRegisters: [10, 20, 30, 40], coils: [true, false, true] },
    unitIds: [1, 7],
  });
  const listener = await server.listen({ host: '127.0.0.1', port: 0, framing, transport });
  cleanups.push(() => listener.close());
  return listener.port;
}

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** A loopback port with nobody listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('connect() against a ModbusServer', () => {
  it.each([
    ['modbus+tcp', 'tcp', 'tcp'],
    ['modbus+udp', 'tcp', 'udp'],
    ['modbus+rtutcp', 'rtu', 'tcp'],
    ['modbus+rtuudp', 'rtu', 'udp'],
  ] as const)('%s: reads and writes over %s framing on %s', async (scheme, framing, transport) => {
    const port = await startServer(framing, transport);
    const client = track(await connect(`${scheme}://127.0.0.1:${port}?unit=7&timeout=1000`));
    expect(client.framing).toBe(framing);
    expect(client.link.info.transport).toBe(transport);
    expect([...(await client.readHoldingRegisters(0, 4))]).toEqual([10, 20, 30, 40]);
    await client.writeSingleRegister(2, 0xbeef);
    expect([...(await client.readHoldingRegisters(2, 1))]).toEqual([0xbeef]);
    expect(await client.readCoils(0, 3)).toEqual([true, false, true]);
    const id = await client.readDeviceIdentification();
    expect(id.vendorName).toBe('meterlink');
    await client.close();
    expect(client.link.isOpen).toBe(false);
  });

  it('accepts a parsed URL as well as text', async () => {
    const port = await startServer('tcp', 'tcp');
    const client = track(await connect(parseMeterUrl(`modbus+tcp://127.0.0.1:${port}?unit=1`)));
    expect([...(await client.readHoldingRegisters(0, 1))]).toEqual([10]);
  });

  it('uses the unit of the URL: a unit the server does not serve gets an exception', async () => {
    const port = await startServer('tcp', 'tcp');
    const client = track(await connect(`modbus+tcp://127.0.0.1:${port}?unit=9`));
    const error = await client.readHoldingRegisters(0, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusException);
    expect((error as ModbusException).unitId).toBe(9);
  });

  it('options.modbus overrides the URL', async () => {
    const port = await startServer('rtu', 'tcp');
    // The URL names unit 9 (nobody answers on an RTU line); the override names unit 1.
    const client = track(
      await connect(`modbus+rtutcp://127.0.0.1:${port}?unit=9&timeout=100`, { modbus: { unitId: 1 } }),
    );
    expect([...(await client.readHoldingRegisters(0, 2))]).toEqual([10, 20]);
  });

  it('an override left undefined keeps the URL value', async () => {
    const port = await startServer('tcp', 'tcp');
    const client = track(
      await connect(`modbus+tcp://127.0.0.1:${port}?unit=9`, {
        modbus: { unitId: undefined, timeoutMs: 500 },
      }),
    );
    const error = await client.readHoldingRegisters(0, 1).catch((e: unknown) => e);
    expect((error as ModbusException).unitId).toBe(9);
  });

  it('connection refused → LinkError, quickly', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await connect(`modbus+tcp://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe('ERR_LINK');
    expect((error as LinkError).message).toContain(`127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the URL timeout bounds every response', async () => {
    const port = await silentServer();
    const client = track(await connect(`modbus+tcp://127.0.0.1:${port}?timeout=100`));
    const started = Date.now();
    const error = await client.readHoldingRegisters(0, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('options.modbus.timeoutMs overrides the URL timeout', async () => {
    const port = await silentServer();
    const client = track(
      await connect(`modbus+tcp://127.0.0.1:${port}?timeout=5000`, { modbus: { timeoutMs: 80 } }),
    );
    const error = await client.readHoldingRegisters(0, 1).catch((e: unknown) => e);
    expect((error as TimeoutError).timeoutMs).toBe(80);
  });

  describe('connect timeout', () => {
    let hole: Blackhole | undefined;
    afterEach(async () => {
      await hole?.close();
      hole = undefined;
    });

    it('timeoutMs bounds opening the link → TimeoutError', async () => {
      hole = await startBlackhole();
      const started = Date.now();
      const error = await connect(`modbus+tcp://127.0.0.1:${hole.port}`, { timeoutMs: 150 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).timeoutMs).toBe(150);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('a signal aborts a hanging connect → AbortError', async () => {
      hole = await startBlackhole();
      const controller = new AbortController();
      const pending = connect(`modbus+tcp://127.0.0.1:${hole.port}`, {
        timeoutMs: 5000,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error('user gave up')), 50);
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).code).toBe('ERR_ABORTED');
    });
  });

  it('an aborted signal fails at once with AbortError', async () => {
    const port = await startServer('tcp', 'tcp');
    const error = await connect(`modbus+tcp://127.0.0.1:${port}`, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AbortError);
  });

  it('bad URLs fail before any I/O with InvalidUrlError', async () => {
    await expect(connect('modbus+tcp://h?unit=300')).rejects.toBeInstanceOf(InvalidUrlError);
    await expect(connect('hdlc+tcp://h:4059?unit=1')).rejects.toBeInstanceOf(InvalidUrlError);
    const mqtt = await connect('modbus+mqtt://u:pw@broker/gw').catch((e: unknown) => e);
    expect(mqtt).toBeInstanceOf(InvalidUrlError);
    expect((mqtt as InvalidUrlError).message).not.toContain(':pw@');
  });

  it('serial URLs open a serial link: a missing device fails with a meterlink error', async () => {
    const error = await connect('modbus+rtu:///dev/meterlink-test-no-such-device?baud=9600', {
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    // LinkError from the OS, or MissingDependencyError where serialport is not installed.
    expect(['ERR_LINK', 'ERR_MISSING_DEPENDENCY']).toContain((error as LinkError).code);
  });

  it('bad client options fail with InvalidArgumentError and open nothing', async () => {
    const port = await startServer('tcp', 'tcp');
    await expect(
      connect(`modbus+tcp://127.0.0.1:${port}`, { modbus: { maxInFlight: 0 } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
