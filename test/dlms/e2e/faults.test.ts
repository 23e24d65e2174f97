// Fault injection end to end: frames dropped, duplicated, corrupted and delayed between the real
// client and the simulator give the right values or a typed error within the timeout, never a
// wrong value; no server session stays half-open; a concurrent association is not disturbed.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  DecodeError,
  LinkClosedError,
  ProtocolError,
  SecurityError,
  TimeoutError,
} from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { AssociationError, ServiceError } from '../../../src/dlms/client/errors.js';
import type { DlmsClientOptions, DlmsSessionFactory } from '../../../src/dlms/client/options.js';
import { createClientSession } from '../../../src/dlms/session/create-session.js';
import { type FaultCounters, type FaultOptions, type FaultyLink, faulty } from '../../../src/links/faulty.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { tcp } from '../../../src/links/tcp.js';
import {
  Cleanup,
  type Meter,
  meterServer,
  noteObis,
  password,
  sap,
  security,
  tampered,
  until,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** HDLC with a short per-frame timeout and 6 recoveries, so faults are repaired quickly. */
function hdlcSessions(link: Link): DlmsSessionFactory {
  return (address) =>
    createClientSession(link, {
      framing: 'hdlc',
      client: address.client,
      server: { logical: address.logical, physical: address.physical ?? 17 },
      timeoutMs: 120,
      retries: 6,
    });
}

const management = { client: sap.lls, auth: { mechanism: 'lls' as const, password } };

/** What a correct reading of the meter gives (the server's clock is frozen). */
interface Truth {
  energy: number;
  serial: Data;
  note: Data;
}

async function truth(meter: Meter): Promise<Truth> {
  const [a, b] = memoryPair();
  cleanup.add(a);
  cleanup.add(b);
  cleanup.add(meter.server.serve(b, { framing: 'wrapper' }));
  const client = await DlmsClient.connect({ link: a, framing: 'wrapper', ...management });
  const t = {
    energy: (await client.readRegister('1.0.1.8.0.255')).value,
    serial: await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 }),
    note: await client.get({ classId: 1, obis: noteObis, attribute: 2 }),
  };
  await client.close();
  await a.close();
  return t;
}

/** The errors a fault may legitimately cause. */
const typedFaults = [TimeoutError, ProtocolError, LinkClosedError, DecodeError, SecurityError, AbortError];

interface Tally {
  ok: number;
  failed: Error[];
}

/**
 * Runs `rounds` reads through `connect()`ed clients, reconnecting when a client died; every
 * success must equal the truth, every failure must be a typed fault error.
 */
async function readThroughFaults(
  connect: () => Promise<DlmsClient>,
  expected: Truth,
  rounds: number,
  allowed: readonly (new (...a: never[]) => Error)[] = typedFaults,
): Promise<Tally> {
  const tally: Tally = { ok: 0, failed: [] };
  let client: DlmsClient | undefined;
  const fail = (error: unknown): void => {
    expect(error).toBeInstanceOf(Error);
    const typed = allowed.some((kind) => error instanceof kind);
    if (!typed) throw error;
    tally.failed.push(error as Error);
  };
  for (let i = 0; i < rounds; i++) {
    if (client === undefined || client.closed) {
      try {
        client = cleanup.add(await connect());
      } catch (error) {
        fail(error);
        continue;
      }
    }
    const started = Date.now();
    try {
      switch (i % 3) {
        case 0:
          expect((await client.readRegister('1.0.1.8.0.255')).value).toBe(expected.energy);
          break;
        case 1:
          expect(await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 })).toEqual(
            expected.serial,
          );
          break;
        default:
          expect(
            await client.get([
              { classId: 1, obis: noteObis, attribute: 2 },
              { classId: 1, obis: '0.0.96.1.0.255', attribute: 2 },
            ]),
          ).toEqual([
            { ok: true, value: expected.note },
            { ok: true, value: expected.serial },
          ]);
      }
      tally.ok++;
    } catch (error) {
      fail(error);
    }
    // Every outcome within the client's bound (timeoutMs 3000 per round trip, plus recovery).
    expect(Date.now() - started).toBeLessThan(4000);
  }
  await client?.close();
  return tally;
}

/** An HDLC client over loopback TCP with faults on the client's side of the connection. */
async function hdlcOverFaultyTcp(
  port: number,
  faults: FaultOptions,
  seed: number,
  used?: FaultyLink[],
): Promise<DlmsClient> {
  const link = faulty(tcp({ host: '127.0.0.1', port }), { ...faults, seed });
  cleanup.add(link);
  used?.push(link);
  const options: DlmsClientOptions = {
    link,
    framing: 'hdlc',
    session: hdlcSessions(link),
    timeoutMs: 3000,
    ...management,
  };
  return DlmsClient.connect(options);
}

describe('HDLC over faulty loopback TCP (window 1, 6 retries)', () => {
  const cases: [string, FaultOptions][] = [
    ['dropped', { drop: 0.08 }],
    ['duplicated', { duplicate: 0.25 }],
    ['corrupted', { corrupt: 0.08 }],
    ['delayed', { delayMs: 15, delay: 0.3 }],
    ['all at once', { drop: 0.04, duplicate: 0.1, corrupt: 0.04, delayMs: 10, delay: 0.2 }],
  ];
  for (const [name, faults] of cases) {
    it(`${name} frames: right values or typed errors, no session left behind`, {
      timeout: 10_000,
    }, async () => {
      const meter = meterServer();
      const expected = await truth(meter);
      const listener = cleanup.add(
        await meter.server.listen({ port: 0, framing: 'hdlc', hdlc: { inactivityTimeoutMs: 1500 } }),
      );
      const baseline = meter.server.sessionCount;
      const errors: Error[] = [];
      meter.server.on('error', (e) => errors.push(e));
      let seed = 1;
      const links: FaultyLink[] = [];
      const tally = await readThroughFaults(
        () => hdlcOverFaultyTcp(listener.port, faults, seed++, links),
        expected,
        24,
      );
      // The faults really happened.
      const done = { dropped: 0, corrupted: 0, duplicated: 0, delayed: 0 };
      for (const l of links)
        for (const k of Object.keys(done) as (keyof FaultCounters)[]) done[k] += l.counters[k];
      if (faults.drop !== undefined) expect(done.dropped).toBeGreaterThan(0);
      if (faults.corrupt !== undefined) expect(done.corrupted).toBeGreaterThan(0);
      if (faults.duplicate !== undefined) expect(done.duplicated).toBeGreaterThan(0);
      if (faults.delayMs !== undefined) expect(done.delayed).toBeGreaterThan(0);
      // HDLC repairs most faults: most reads succeed.
      expect(tally.ok).toBeGreaterThanOrEqual(16);
      // Every client closed: its TCP connection and with it the server session are gone.
      await until(() => meter.server.sessionCount === baseline, 3000, 'sessions back to the baseline');
    });
  }
});

describe('wrapper over a faulty datagram link', () => {
  async function wrapperClient(meter: Meter, faults: FaultOptions, seed: number, ciphered: boolean) {
    const [a, b] = memoryPair({ messageOriented: true });
    cleanup.add(b);
    cleanup.add(meter.server.serve(b, { framing: 'wrapper' }));
    const link = cleanup.add(faulty(a, { ...faults, seed }));
    return DlmsClient.connect({
      link,
      framing: 'wrapper',
      timeoutMs: 250,
      ...(ciphered
        ? {
            client: sap.authEncrypted,
            auth: { mechanism: 'lls', password },
            security: security({ invocationCounter: 'read', invocationCounterObis: '0.0.43.1.4.255' }),
          }
        : management),
    });
  }

  it('dropped, duplicated and delayed datagrams: right values or TimeoutError', {
    timeout: 10_000,
  }, async () => {
    const meter = meterServer();
    const expected = await truth(meter);
    let seed = 10;
    const tally = await readThroughFaults(
      () => wrapperClient(meter, { drop: 0.05, duplicate: 0.2, delayMs: 20, delay: 0.3 }, seed++, false),
      expected,
      30,
    );
    expect(tally.ok).toBeGreaterThanOrEqual(20);
    for (const e of tally.failed) expect(e).toBeInstanceOf(TimeoutError);
  });

  it('corrupted datagrams with authenticated encryption: never a wrong value', {
    timeout: 10_000,
  }, async () => {
    const meter = meterServer();
    const expected = await truth(meter);
    let seed = 20;
    // Without a check sequence in the wrapper, only the GCM tag detects the damage (§10.3); the
    // meter answers a damaged request with an exception (ServiceError), a damaged AARQ (its
    // password is not ciphered) with a refusal (AssociationError).
    const tally = await readThroughFaults(
      () => wrapperClient(meter, { corrupt: 0.15 }, seed++, true),
      expected,
      30,
      [...typedFaults, ServiceError, AssociationError],
    );
    expect(tally.ok).toBeGreaterThanOrEqual(15);
    expect(tally.failed.length).toBeGreaterThan(0);
  });
});

describe('sessions are not left half-open', () => {
  it('a client that goes silent is dropped by the server inactivity timeout (HDLC)', async () => {
    const meter = meterServer();
    const listener = cleanup.add(
      await meter.server.listen({ port: 0, framing: 'hdlc', hdlc: { inactivityTimeoutMs: 300 } }),
    );
    const inner = tcp({ host: '127.0.0.1', port: listener.port });
    cleanup.add(inner);
    await inner.open();
    const link = tampered(inner);
    const client = await DlmsClient.connect({ link, framing: 'hdlc', timeoutMs: 500, ...management });
    expect(meter.server.sessionCount).toBe(1);
    // The client loses its voice: RLRQ and DISC never arrive; close() still returns (bounded).
    link.mute = true;
    const started = Date.now();
    await client.close();
    expect(Date.now() - started).toBeLessThan(3000);
    // The meter gives up on the silent link and closes the connection it accepted.
    await until(() => meter.server.sessionCount === 0, 2000, 'inactivity timeout');
    await until(() => !inner.isOpen, 1000, 'the server closing the TCP connection');
  });

  it('a wrapper client that goes silent is dropped by the server inactivity timeout', async () => {
    const meter = meterServer();
    const listener = cleanup.add(
      await meter.server.listen({ port: 0, framing: 'wrapper', wrapper: { inactivityTimeoutMs: 300 } }),
    );
    const link = tcp({ host: '127.0.0.1', port: listener.port });
    cleanup.add(link);
    await link.open();
    const client = await DlmsClient.connect({ link, framing: 'wrapper', ...management });
    await client.readRegister('1.0.1.8.0.255');
    expect(meter.server.sessionCount).toBe(1);
    await until(() => meter.server.sessionCount === 0, 2000, 'inactivity timeout');
    await until(() => client.closed, 1000, 'the client noticing');
  });
});

describe('a concurrent association is not disturbed', () => {
  it('a clean client keeps reading right values while another one suffers faults', {
    timeout: 10_000,
  }, async () => {
    const meter = meterServer();
    const expected = await truth(meter);
    const listener = cleanup.add(await meter.server.listen({ port: 0, framing: 'hdlc' }));
    const cleanLink = tcp({ host: '127.0.0.1', port: listener.port });
    cleanup.add(cleanLink);
    const clean = cleanup.add(
      await DlmsClient.connect({ link: cleanLink, framing: 'hdlc', timeoutMs: 3000, ...management }),
    );
    let stop = false;
    let cleanReads = 0;
    const steady = (async () => {
      while (!stop && !clean.closed) {
        expect((await clean.readRegister('1.0.1.8.0.255')).value).toBe(expected.energy);
        expect(await clean.get({ classId: 1, obis: noteObis, attribute: 2 })).toEqual(expected.note);
        cleanReads++;
      }
    })();
    let seed = 100;
    const tally = await readThroughFaults(
      () =>
        hdlcOverFaultyTcp(
          listener.port,
          { drop: 0.05, duplicate: 0.1, corrupt: 0.05, delayMs: 5, delay: 0.2 },
          seed++,
        ),
      expected,
      18,
    );
    stop = true;
    await steady;
    expect(tally.ok).toBeGreaterThanOrEqual(10);
    expect(cleanReads).toBeGreaterThan(5);
    expect(clean.closed).toBe(false);
    await clean.close();
    await until(() => meter.server.sessionCount === 0, 3000, 'every session gone');
  });
});

describe('HDLC recovery under DlmsClient (spec §4.10)', () => {
  /** A memory pair whose client end loses the `n`-th chunk the server sends (1 = UA, 2 = AARE, 3 = …). */
  function losing(meter: Meter, n: number): Link {
    const [a, b] = memoryPair();
    cleanup.add(a);
    cleanup.add(b);
    cleanup.add(meter.server.serve(b, { framing: 'hdlc' }));
    let count = 0;
    return tampered(a, (chunk) => (++count === n ? undefined : chunk));
  }

  it('one lost GET answer is recovered by an RR poll well within the request timeout', async () => {
    const meter = meterServer();
    const link = losing(meter, 3);
    const client = cleanup.add(
      await DlmsClient.connect({
        link,
        framing: 'hdlc',
        session: hdlcSessions(link),
        timeoutMs: 2000,
        ...management,
      }),
    );
    const started = Date.now();
    expect((await client.readRegister('1.0.1.8.0.255')).unit).toBe('Wh');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  // The client passes only its signal to the session, so the session's own 120 ms frame timeout
  // drives the RR poll inside the client's 600 ms request bound.
  it('a session factory with a 120 ms frame timeout recovers one lost answer', async () => {
    // Lost: the answer to the GET of scaler_unit (chunk 3).
    const meter = meterServer();
    const link = losing(meter, 3);
    const client = cleanup.add(
      await DlmsClient.connect({
        link,
        framing: 'hdlc',
        session: hdlcSessions(link),
        timeoutMs: 600,
        ...management,
      }),
    );
    expect((await client.readRegister('1.0.1.8.0.255')).unit).toBe('Wh');
  });

  // The default frame timeout is the request's timeout / (retries + 1), so a recovery fits.
  it('the default session recovers one lost answer within the request timeout', async () => {
    // Lost: the answer to the GET of scaler_unit (chunk 3).
    const meter = meterServer();
    const link = losing(meter, 3);
    const client = cleanup.add(
      await DlmsClient.connect({ link, framing: 'hdlc', timeoutMs: 500, ...management }),
    );
    expect((await client.readRegister('1.0.1.8.0.255')).unit).toBe('Wh');
  });
});
