// readFleet against simulated meters over loopback TCP through the package's own connect():
// DLMS read plans on three DlmsServers (HDLC and wrapper, public and LLS), a Modbus register
// block on a ModbusServer, a plan function, and the typed failures (wrong password, no meter).
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidUrlError, LinkError } from '../../src/core/errors.js';
import { DlmsClient } from '../../src/dlms/client/dlms-client.js';
import { AssociationError, DataAccessError } from '../../src/dlms/client/errors.js';
import type { DlmsServer } from '../../src/dlms/server/dlms-server.js';
import { type DlmsReadings, type FleetResult, readFleet } from '../../src/fleet/index.js';
import { holdingBlock, ModbusServer, registerLayout } from '../../src/modbus/index.js';
import { Cleanup, meterServer, noteObis, password, sap, until } from '../dlms/e2e/helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startMeter(framing: 'hdlc' | 'wrapper', servers: DlmsServer[] = []): Promise<number> {
  const { server } = meterServer();
  servers.push(server);
  const listener = cleanup.add(await server.listen({ port: 0, host: '127.0.0.1', framing }));
  return listener.port;
}

/** A loopback port with nobody listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function collect<T>(iterable: AsyncIterable<FleetResult<T>>): Promise<Map<string, FleetResult<T>>> {
  const out = new Map<string, FleetResult<T>>();
  for await (const r of iterable) out.set(r.meter.id, r);
  return out;
}

const fast = { initialDelayMs: 10, jitter: 0 };

describe('readFleet on simulated meters', () => {
  it('reads a DLMS plan from several meters: registers, clock, data, a missing object, typed failures', async () => {
    const [a, b, c, dead] = await Promise.all([
      startMeter('hdlc'),
      startMeter('hdlc'),
      startMeter('wrapper'),
      closedPort(),
    ]);
    const lls = { dlms: { auth: { mechanism: 'lls', password } } } as const;
    const meters = [
      { id: 'a', url: `hdlc+tcp://127.0.0.1:${a}?client=${sap.lls}&server=1&physical=17&auth=lls` },
      {
        id: 'b',
        url: `hdlc+tcp://127.0.0.1:${b}?client=${sap.lls}&server=1&physical=17&auth=lls`,
        options: lls,
      },
      { id: 'c', url: `wrapper+tcp://127.0.0.1:${c}?client=${sap.lls}&auth=lls` },
      {
        id: 'wrong-password',
        url: `wrapper+tcp://127.0.0.1:${c}?client=${sap.lls}&auth=lls`,
        options: { dlms: { auth: { mechanism: 'lls', password: 'nope' } } } as const,
      },
      { id: 'dead', url: `wrapper+tcp://127.0.0.1:${dead}` },
      { id: 'typo', url: `hdlc+tcp://127.0.0.1:${a}?clinet=16` },
    ];
    const plan = [
      { obis: '1.0.1.8.0.255', name: 'energy' },
      { obis: '0.0.1.0.0.255', classId: 8, name: 'clock' },
      { obis: noteObis, classId: 1, name: 'note' },
      { obis: '1.0.99.98.0.255', name: 'missing' },
    ];
    // The password for every meter comes from the fleet's connectOptions; one meter overrides it.
    const read = readFleet(meters, plan, {
      concurrency: 4,
      backoff: fast,
      timeoutMs: 5000,
      connectOptions: lls,
    });
    const progress: number[] = [];
    read.on('progress', (p) => progress.push(p.done));
    const results = await collect<DlmsReadings>(read);
    expect([...results.keys()].sort()).toEqual(['a', 'b', 'c', 'dead', 'typo', 'wrong-password']);

    for (const id of ['a', 'b', 'c']) {
      const r = results.get(id)!;
      if (!r.ok) throw r.error;
      expect(r.attempts).toBe(1);
      const { energy, clock, note, missing } = r.value;
      expect(energy).toMatchObject({ type: 'register', unit: 'Wh' });
      expect(energy?.type === 'register' && typeof energy.value).toBe('number');
      expect(clock?.type === 'clock' && clock.date?.toISOString()).toBe('2024-06-15T12:00:00.000Z');
      expect(note).toEqual({ type: 'data', raw: { type: 'long-unsigned', value: 7 } });
      expect(missing?.type === 'error' && missing.error).toBeInstanceOf(DataAccessError);
    }
    const wrong = results.get('wrong-password')!;
    expect(wrong).toMatchObject({ ok: false, attempts: 1 });
    expect(wrong.ok || wrong.error).toBeInstanceOf(AssociationError);
    const deadResult = results.get('dead')!;
    expect(deadResult).toMatchObject({ ok: false, attempts: 2 });
    expect(deadResult.ok || deadResult.error).toBeInstanceOf(LinkError);
    const typo = results.get('typo')!;
    expect(typo).toMatchObject({ ok: false, attempts: 0 });
    expect(typo.ok || typo.error).toBeInstanceOf(InvalidUrlError);
    expect(progress.at(-1)).toBe(6);
  });

  it('reads a Modbus register block from two units behind one host:port, one at a time', async () => {
    const server = new ModbusServer({ model: { holdingRegisters: [1, 2, 0x4120, 0] }, unitIds: [1, 7] });
    const { port } = cleanup.add(await server.listen({ host: '127.0.0.1', port: 0, framing: 'tcp' }));
    const block = holdingBlock(0, registerLayout({ a: 'uint16', b: 'uint16', c: 'float32' }));
    const meters = [`modbus+tcp://127.0.0.1:${port}?unit=1`, `modbus+tcp://127.0.0.1:${port}?unit=7`];
    const read = readFleet(meters, { block }, { concurrency: 4 });
    let maxRunning = 0;
    read.on('progress', (p) => {
      maxRunning = Math.max(maxRunning, p.running);
    });
    const results = await collect(read);
    expect(results.size).toBe(2);
    for (const r of results.values()) expect(r).toMatchObject({ ok: true, value: { a: 1, b: 2, c: 10 } });
    expect(maxRunning).toBe(1);
  });

  it('runs a plan function on DLMS meters', async () => {
    const ports = await Promise.all([startMeter('wrapper'), startMeter('hdlc')]);
    const urls = [
      `wrapper+tcp://127.0.0.1:${ports[0]}?client=16`,
      `hdlc+tcp://127.0.0.1:${ports[1]}?client=16&physical=17`,
    ];
    const results = await collect(
      readFleet(urls, async (client, meter, signal) => {
        if (!(client instanceof DlmsClient)) throw new Error(`${meter.id} is not DLMS`);
        return (await client.readObjectList({ signal })).length;
      }),
    );
    for (const r of results.values()) {
      if (!r.ok) throw r.error;
      expect(r.value).toBeGreaterThan(10);
    }
  });

  it('leaving the loop early releases every meter session on the servers', async () => {
    const servers: DlmsServer[] = [];
    const ports = await Promise.all([0, 1, 2, 3].map(() => startMeter('wrapper', servers)));
    const urls = ports.map((port) => `wrapper+tcp://127.0.0.1:${port}?client=16`);
    const read = readFleet(
      urls,
      async (client, meter, signal) => {
        const clock = await (client as DlmsClient).readClock({ signal });
        // Every meter but the first stays connected until the fleet aborts it.
        if (meter.index > 0) await new Promise((_, reject) => signal.addEventListener('abort', reject));
        return clock.date;
      },
      { concurrency: 4 },
    );
    for await (const r of read) {
      expect(r).toMatchObject({ ok: true, meter: { index: 0 } });
      break;
    }
    await until(() => servers.every((s) => s.sessionCount === 0), 2000, 'sessions closed');
  });
});
