// Gateway mode: a ModbusServer listening on Modbus/TCP forwards to RTU devices (another
// ModbusServer) on a simulated serial bus (spec §11).
import { describe, expect, it } from 'vitest';
import { faulty, type Link, memoryPair, tcp, toHex } from '../../../src/index.js';
import {
  ModbusClient,
  ModbusException,
  type ModbusRequestHandler,
  ModbusServer,
  type ModbusServerOptions,
} from '../../../src/modbus/index.js';
import { concat, mbap, sleep, until, useCleanup, Wire } from './helpers.js';

const track = useCleanup();

interface GatewaySetup {
  device: ModbusServer;
  gateway: ModbusServer;
  port: number;
  /** A TCP client of the gateway. */
  client(options?: { maxInFlight?: number; unitId?: number }): Promise<ModbusClient>;
  /** A raw TCP connection to the gateway. */
  raw(): Promise<Wire>;
}

interface GatewayOptions {
  onDevice?: ModbusRequestHandler;
  maxQueue?: number;
  timeoutMs?: number;
  lineFaults?: (link: Link) => Link;
  gateway?: Partial<ModbusServerOptions>;
  units?: readonly number[];
}

/** Device unit 7 (100 registers) on an RTU bus, behind a gateway listening on 127.0.0.1. */
async function setup(options: GatewayOptions = {}): Promise<GatewaySetup> {
  const [lineClient, lineDevice] = memoryPair({ bus: true });
  const device = new ModbusServer({
    model: { holdingRegisters: 100, coils: 100 },
    unitIds: [7],
    ...(options.onDevice === undefined ? {} : { onRequest: options.onDevice }),
  });
  track(lineDevice, (l) => l.close());
  device.serve(lineDevice, { framing: 'rtu' });
  const line = options.lineFaults?.(lineClient) ?? lineClient;
  const serial = track(
    new ModbusClient({ link: line, framing: 'rtu', timeoutMs: 1000, broadcastDelayMs: 5 }),
    (c) => c.close(),
  );
  const gateway = new ModbusServer({
    gateway: {
      route: options.units === undefined ? { client: serial } : { client: serial, units: options.units },
      timeoutMs: options.timeoutMs ?? 100,
      ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
    },
    ...options.gateway,
  });
  const listener = track(await gateway.listen({ port: 0 }), (l) => l.close());
  return {
    device,
    gateway,
    port: listener.port,
    async client({ maxInFlight = 1, unitId = 7 } = {}) {
      const link = tcp({ host: '127.0.0.1', port: listener.port });
      return track(await ModbusClient.connect({ link, unitId, maxInFlight, timeoutMs: 2000 }), (c) =>
        c.close(),
      );
    },
    async raw() {
      const link = tcp({ host: '127.0.0.1', port: listener.port });
      track(link, (l) => l.close());
      await link.open();
      return new Wire(link);
    },
  };
}

describe('TCP → RTU gateway', () => {
  it('passes reads and writes through', async () => {
    const { device, client } = await setup();
    const mb = await client();
    await mb.writeMultipleRegisters(10, [1, 2, 3]);
    expect(device.model.holdingRegisters[11]).toBe(2);
    expect([...(await mb.readHoldingRegisters(9, 5))]).toEqual([0, 1, 2, 3, 0]);
    await mb.writeSingleCoil(4, true);
    expect((await mb.readCoils(3, 3)).slice(0, 3)).toEqual([false, true, false]);
  });

  it('relays device exceptions unchanged, with the MBAP header of the request', async () => {
    const { raw } = await setup({
      onDevice: (request) => {
        if (request.type === 'read-input-registers') throw new Error('sensor failed');
        return undefined;
      },
    });
    const wire = await raw();
    expect(await wire.exchange(mbap(0x1234, 7, '0300630002'), 9)).toBe(toHex(mbap(0x1234, 7, '8302')));
    expect(await wire.exchange(mbap(0x1235, 7, '0400000001'), 9)).toBe(toHex(mbap(0x1235, 7, '8404')));
    expect(await wire.exchange(mbap(0x1236, 7, '41'), 9)).toBe(toHex(mbap(0x1236, 7, 'C101')));
  });

  it('answers 0x0A for a unit it has no path to', async () => {
    const { raw } = await setup({ units: [7] });
    const wire = await raw();
    expect(await wire.exchange(mbap(1, 8, '0300000001'), 9)).toBe(toHex(mbap(1, 8, '830A')));
    const open = await setup();
    const wire2 = await open.raw();
    // Without a unit list, the serial addresses 1–247 are routed; 248–255 are not (spec §6).
    expect(await wire2.exchange(mbap(2, 248, '0600000001'), 9)).toBe(toHex(mbap(2, 248, '860A')));
  });

  it('answers 0x0B when the target stays silent, within the timeout', async () => {
    const { raw } = await setup({ timeoutMs: 80 });
    const wire = await raw();
    const started = performance.now();
    expect(await wire.exchange(mbap(3, 9, '0300000001'), 9)).toBe(toHex(mbap(3, 9, '830B')));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(70);
    expect(elapsed).toBeLessThan(600);
    // The device is still reachable afterwards.
    expect(await wire.exchange(mbap(4, 7, '0300000001'), 11)).toBe(toHex(mbap(4, 7, '03020000')));
  });

  it('answers 0x0B when the line loses every frame', async () => {
    const { raw } = await setup({
      timeoutMs: 60,
      lineFaults: (link) => faulty(link, { drop: 1, direction: 'send' }),
    });
    const wire = await raw();
    expect(await wire.exchange(mbap(5, 7, '0600000001'), 9)).toBe(toHex(mbap(5, 7, '860B')));
  });

  it('serialises many concurrent TCP clients on the bus: never two requests on the line', async () => {
    let active = 0;
    let most = 0;
    let served = 0;
    const { client } = await setup({
      onDevice: async () => {
        active++;
        most = Math.max(most, active);
        await sleep(1);
        active--;
        served++;
        return undefined;
      },
      timeoutMs: 1000,
    });
    const clients = await Promise.all(Array.from({ length: 5 }, () => client({ maxInFlight: 4 })));
    const results = await Promise.all(
      clients.flatMap((mb, c) =>
        Array.from({ length: 4 }, (_, i) =>
          mb.writeSingleRegister(c * 10 + i, c * 100 + i).then(() => mb.readHoldingRegisters(c * 10 + i, 1)),
        ),
      ),
    );
    expect(results.map((r) => r[0])).toEqual(clients.flatMap((_, c) => [0, 1, 2, 3].map((i) => c * 100 + i)));
    expect(served).toBe(40);
    expect(most).toBe(1);
  });

  it('answers 06 SERVER DEVICE BUSY when its queue is full', async () => {
    const { client } = await setup({
      onDevice: async () => {
        await sleep(15);
        return undefined;
      },
      maxQueue: 2,
      timeoutMs: 1000,
    });
    const mb = await client({ maxInFlight: 6 });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        mb.readHoldingRegisters(i, 1).then(
          () => 'ok',
          (error: unknown) => (error instanceof ModbusException ? error.exceptionCode : String(error)),
        ),
      ),
    );
    expect(outcomes).toEqual(['ok', 'ok', 6, 6, 6, 6]);
    // Once the queue drained, requests go through again.
    expect([...(await mb.readHoldingRegisters(0, 1))]).toEqual([0]);
  });

  it('forwards an MBAP unit-0 broadcast to the line and answers nothing', async () => {
    const { device, raw } = await setup();
    const wire = await raw();
    await wire.send(mbap(1, 0, '0600050063'));
    await until(() => device.model.holdingRegisters[5] === 0x63, 1000, 'the broadcast write');
    // A read forwarded afterwards is the first thing answered.
    expect(await wire.exchange(mbap(2, 7, '0300050001'), 11)).toBe(toHex(mbap(2, 7, '03020063')));
    // Reads cannot be broadcast: nothing is forwarded, nothing answered.
    await wire.send(mbap(3, 0, '0300050001'));
    expect(await wire.exchange(mbap(4, 7, '0300050001'), 11)).toBe(toHex(mbap(4, 7, '03020063')));
  });

  it('neither forwards nor answers function code 0 or ≥ 0x80', async () => {
    const { raw } = await setup();
    const wire = await raw();
    await wire.send(mbap(1, 7, '8302'));
    await wire.send(mbap(2, 7, '00'));
    expect(await wire.exchange(mbap(3, 7, '0300000001'), 11)).toBe(toHex(mbap(3, 7, '03020000')));
  });

  it('answers for itself at the unit ids it is given (e.g. 0xFF), and forwards the rest', async () => {
    const { raw } = await setup({ gateway: { unitIds: [0xff], model: { holdingRegisters: [0x4757] } } });
    const wire = await raw();
    expect(await wire.exchange(mbap(1, 0xff, '0300000001'), 11)).toBe(toHex(mbap(1, 0xff, '03024757')));
    expect(await wire.exchange(mbap(2, 7, '0300000001'), 11)).toBe(toHex(mbap(2, 7, '03020000')));
    // Unit 1 is not the gateway's own by default: it is forwarded (nobody answers there).
    expect(await wire.exchange(mbap(3, 1, '0300000001'), 9)).toBe(toHex(mbap(3, 1, '830B')));
  });

  it('keeps per-connection answer order when forwarded and local answers mix', async () => {
    const { raw } = await setup({ gateway: { unitIds: [0xff] } });
    const wire = await raw();
    await wire.send(
      concat([mbap(1, 7, '0300000001'), mbap(2, 0xff, '0300000001'), mbap(3, 7, '0300000001')]),
    );
    await until(() => wire.length >= 33, 1000, 'three answers');
    const bytes = wire.take();
    expect([bytes[1], bytes[12], bytes[23]]).toEqual([1, 2, 3]);
  });
});
