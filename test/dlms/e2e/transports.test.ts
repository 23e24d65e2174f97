// DlmsClient ↔ DlmsServer end to end over loopback TCP (HDLC and wrapper), UDP (wrapper) and
// memory pairs: association, typed reads, every service form, profiles, disconnect control,
// and a clean release (RLRQ, DISC) leaving no session behind on the server.
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { cosemDateTimeToDate } from '../../../src/dlms/axdr/calendar-instant.js';
import type { CosemDateTime } from '../../../src/dlms/axdr/types.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { DataAccessError } from '../../../src/dlms/client/errors.js';
import type { AssociationInfo } from '../../../src/dlms/server/server-events.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { tcp } from '../../../src/links/tcp.js';
import { udp } from '../../../src/links/udp.js';
import {
  Cleanup,
  echoObis,
  type Meter,
  meterServer,
  noteObis,
  now,
  password,
  sap,
  until,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Transport {
  name: string;
  framing: 'hdlc' | 'wrapper';
  /** Serves `meter`; returns a maker of client links (and whether the test must close them). */
  setup(meter: Meter): Promise<() => { link: Link; closeAfter: boolean }>;
}

const transports: Transport[] = [
  {
    name: 'TCP, HDLC',
    framing: 'hdlc',
    async setup({ server }) {
      const { port } = cleanup.add(await server.listen({ port: 0, host: '127.0.0.1', framing: 'hdlc' }));
      return () => ({ link: tcp({ host: '127.0.0.1', port }), closeAfter: false });
    },
  },
  {
    name: 'TCP, wrapper',
    framing: 'wrapper',
    async setup({ server }) {
      const { port } = cleanup.add(await server.listen({ port: 0, framing: 'wrapper' }));
      return () => ({ link: tcp({ host: '127.0.0.1', port }), closeAfter: false });
    },
  },
  {
    name: 'UDP, wrapper',
    framing: 'wrapper',
    async setup({ server }) {
      // UDP has no connection: the server ends the session after its inactivity timeout (§5).
      const listener = await server.listen({
        port: 0,
        framing: 'wrapper',
        transport: 'udp',
        wrapper: { inactivityTimeoutMs: 300 },
      });
      cleanup.add(listener);
      return () => ({ link: udp({ host: '127.0.0.1', port: listener.port }), closeAfter: false });
    },
  },
  ...(['hdlc', 'wrapper'] as const).map(
    (framing): Transport => ({
      name: `memory pair, ${framing === 'hdlc' ? 'HDLC' : 'wrapper'}`,
      framing,
      async setup({ server }) {
        return () => {
          const [a, b] = memoryPair();
          cleanup.add(b);
          cleanup.add(server.serve(b, { framing }));
          // The client does not own a link that was already open: the test closes it to end
          // the served session (after DISC a fresh HDLC session waits on the same link, §4.8).
          return { link: a, closeAfter: true };
        };
      },
    }),
  ),
];

function asDate(cell: unknown): Date {
  return cosemDateTimeToDate(cell as CosemDateTime);
}

describe.each(transports)('DlmsClient ↔ DlmsServer over $name', (t) => {
  it('associates, reads, writes, acts and releases', { timeout: 10_000 }, async () => {
    const meter = meterServer();
    const { server } = meter;
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    const released: (AssociationInfo & { reason: string })[] = [];
    server.on('release', (r) => released.push(r));
    const newLink = await t.setup(meter);
    const { link, closeAfter: closeLinkAfter } = newLink();
    cleanup.add(link);

    const client = cleanup.add(
      await DlmsClient.connect({
        link,
        framing: t.framing,
        client: sap.lls,
        server: { logical: 1, physical: 17 },
        auth: { mechanism: 'lls', password },
        timeoutMs: 3000,
      }),
    );
    expect(client.negotiated.conformance.get).toBe(true);
    expect(server.sessionCount).toBe(1);

    // Typed reads: register (scaler 0 and 1), clock, object list.
    const energy = await client.readRegister('1.0.1.8.0.255');
    expect(energy.unit).toBe('Wh');
    expect(energy.scaler).toBe(0);
    expect(energy.raw.type).toBe('double-long-unsigned');
    expect(energy.value).toBe((energy.raw as { value: number }).value);
    expect(energy.value).toBeGreaterThan(0);
    const tariff = await client.readRegister('1-0:1.8.1*255');
    expect(tariff.scaler).toBe(1);
    expect(tariff.value).toBe((tariff.raw as { value: number }).value * 10);
    const voltage = await client.readRegister('1.0.32.7.0.255');
    expect(voltage.unit).toBe('V');
    expect(voltage.value).toBeCloseTo((voltage.raw as { value: number }).value / 10, 6);
    expect(voltage.value).toBeGreaterThan(220);
    expect(voltage.value).toBeLessThan(240);

    const clock = await client.readClock();
    expect(clock.date?.getTime()).toBe(now.getTime());
    expect(typeof clock.deviation).toBe('number');
    const maximum = await client.readExtendedRegister('1.0.1.6.0.255');
    expect(maximum.unit).toBe('W');
    expect(maximum.captureTime).toBeDefined();
    const demand = await client.readDemandRegister('1.0.1.4.0.255');
    expect(demand.unit).toBe('W');
    expect(demand.period).toBeGreaterThan(0);

    const list = await client.readObjectList();
    const names = list.map((o) => o.logicalName);
    expect(names).toEqual(
      expect.arrayContaining(['0.0.1.0.0.255', '1.0.1.8.0.255', '1.0.99.1.0.255', '0.0.40.0.0.255']),
    );
    expect(list.find((o) => o.logicalName === '1.0.99.1.0.255')?.classId).toBe(7);

    // GET normal and with-list (one failing item).
    const name = await client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 });
    expect(name.type).toBe('octet-string');
    const items = await client.get([
      { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 },
      { classId: 1, obis: noteObis, attribute: 2 },
      { classId: 3, obis: '1.0.1.8.99.255', attribute: 2 },
    ]);
    expect(items[0]).toEqual({ ok: true, value: energy.raw });
    expect(items[1]).toEqual({ ok: true, value: { type: 'long-unsigned', value: 7 } });
    expect(items[2]?.ok).toBe(false);
    expect(items[2]?.ok === false && items[2].error).toBeInstanceOf(DataAccessError);
    expect(items[2]?.ok === false && (items[2].error as DataAccessError).result).toBe('object-undefined');

    // SET normal and with-list, read back.
    await client.set({ classId: 1, obis: noteObis, attribute: 2 }, { type: 'long-unsigned', value: 42 });
    expect(await client.get({ classId: 1, obis: noteObis, attribute: 2 })).toEqual({
      type: 'long-unsigned',
      value: 42,
    });
    const setResults = await client.set([
      { classId: 1, obis: noteObis, attribute: 2, value: { type: 'long-unsigned', value: 43 } },
      { classId: 1, obis: noteObis, attribute: 2, value: { type: 'boolean', value: true } },
    ]);
    expect(setResults[0]).toEqual({ ok: true, value: undefined });
    expect(setResults[1]?.ok === false && (setResults[1].error as DataAccessError).result).toBe(
      'type-unmatched',
    );
    expect(await client.get({ classId: 1, obis: noteObis, attribute: 2 })).toEqual({
      type: 'long-unsigned',
      value: 43,
    });

    // ACTION normal and with-list.
    const echoed = await client.action(
      { classId: 1, obis: echoObis, method: 1 },
      { type: 'visible-string', value: 'hello' },
    );
    expect(echoed).toEqual({ type: 'visible-string', value: 'hello' });
    const actions = await client.action([
      { classId: 1, obis: echoObis, method: 1, parameters: { type: 'unsigned', value: 5 } },
      { classId: 1, obis: echoObis, method: 1 },
    ]);
    expect(actions).toEqual([
      { ok: true, value: { type: 'unsigned', value: 5 } },
      // With-list parameters are not optional (§9.6): the item without any goes as null-data.
      { ok: true, value: { type: 'null-data' } },
    ]);

    // Profile generic: by time range (15-minute rows, both bounds inclusive) and by entry.
    const from = new Date(now.getTime() - 2 * 3_600_000);
    const byRange = await client.readProfile('1.0.99.1.0.255', { from, to: now });
    expect(byRange.columns.map((c) => c.name)).toEqual([
      '0.0.1.0.0.255:2',
      '1.0.1.8.0.255:2',
      '1.0.2.8.0.255:2',
      '1.0.1.8.1.255:2',
      '1.0.1.8.2.255:2',
    ]);
    expect(byRange.rows).toHaveLength(9);
    expect(asDate(byRange.rows[0]![0]).getTime()).toBe(from.getTime());
    expect(asDate(byRange.rows[8]![0]).getTime()).toBe(now.getTime());
    // The last row captures the registers at `now`: the values just read.
    expect(byRange.rows[8]![1]).toBe(energy.value);
    const energies = byRange.rows.map((r) => r[1] as number);
    expect([...energies].sort((a, b) => a - b)).toEqual(energies);
    const byEntry = await client.readProfile('1.0.99.1.0.255', { fromEntry: 2878, toEntry: 2880 });
    expect(byEntry.rows).toHaveLength(3);
    expect(byEntry.rows.map((r) => asDate(r[0]).getTime())).toEqual(
      byRange.rows.slice(6).map((r) => asDate(r[0]).getTime()),
    );
    expect(byEntry.rows[2]).toEqual(byRange.rows[8]);

    // setClock: the meter's clock follows (the server's own clock is frozen, the offset is kept).
    const later = new Date(now.getTime() + 3_600_000);
    await client.setClock(later);
    expect((await client.readClock()).date?.getTime()).toBe(later.getTime());
    await client.setClock(now);

    // Disconnect control (mode 2: reconnect closes the breaker directly).
    expect(await client.readDisconnectState()).toMatchObject({
      outputState: true,
      controlState: 'connected',
    });
    await client.disconnect();
    expect(await client.readDisconnectState()).toMatchObject({
      outputState: false,
      controlState: 'disconnected',
    });
    await client.reconnect();
    expect(await client.readDisconnectState()).toMatchObject({
      outputState: true,
      controlState: 'connected',
    });

    // close(): RLRQ/RLRE (and DISC/UA over HDLC); the server's session ends with it.
    await client.close();
    expect(client.closed).toBe(true);
    await until(() => released.length === 1, 2000, 'release');
    expect(released[0]).toMatchObject({ client: sap.lls, reason: 'release-request' });
    if (closeLinkAfter) await link.close();
    await until(() => server.sessionCount === 0, 2000, 'sessionCount 0');

    // Reconnecting: a new association on a new connection sees what the first one wrote.
    const { link: again, closeAfter: closeAgain } = newLink();
    cleanup.add(again);
    const second = cleanup.add(
      await DlmsClient.connect({
        link: again,
        framing: t.framing,
        client: sap.lls,
        auth: { mechanism: 'lls', password },
        timeoutMs: 3000,
      }),
    );
    expect(await second.get({ classId: 1, obis: noteObis, attribute: 2 })).toEqual({
      type: 'long-unsigned',
      value: 43,
    });
    await second.close();
    if (closeAgain) await again.close();
    await until(() => server.sessionCount === 0, 2000, 'sessionCount 0 again');
    // Over UDP the session ends by the inactivity timeout, which the server reports as an error.
    expect(errors.filter((e) => !(t.name.startsWith('UDP') && e instanceof TimeoutError))).toEqual([]);
  });

  it('serves a public client read-only next to a management client', { timeout: 10_000 }, async () => {
    const meter = meterServer();
    const newLink = await t.setup(meter);
    const { link: link1, closeAfter: close1 } = newLink();
    cleanup.add(link1);
    const manager = cleanup.add(
      await DlmsClient.connect({
        link: link1,
        framing: t.framing,
        client: sap.lls,
        auth: { mechanism: 'lls', password },
        timeoutMs: 3000,
      }),
    );
    // A second transport connection to the same server, with the public client.
    const { link: link2, closeAfter: close2 } = newLink();
    cleanup.add(link2);
    const reader = cleanup.add(
      await DlmsClient.connect({ link: link2, framing: t.framing, client: sap.public, timeoutMs: 3000 }),
    );
    expect(meter.server.sessionCount).toBe(2);
    const serial = await reader.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 });
    expect(serial.type).toBe('visible-string');
    expect(await manager.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 })).toEqual(serial);
    await reader.close();
    await manager.close();
    if (close1) await link1.close();
    if (close2) await link2.close();
    await until(() => meter.server.sessionCount === 0, 2000, 'sessionCount 0');
  });
});
