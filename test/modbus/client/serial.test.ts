// Serial lines and RTU over TCP: one transaction at a time, matching by address and function,
// stale-byte flushing, t3.5 quiet time (spec §6, §7.2, §10, §13).
import { describe, expect, it } from 'vitest';
import { crc16Modbus, TimeoutError } from '../../../src/index.js';
import { type ModbusFraming, rtuTimings } from '../../../src/modbus/index.js';
import {
  autoClose,
  type Received,
  registersAt,
  rejection,
  type ScriptedOptions,
  type ScriptedPeer,
  scripted,
  settle,
  sleep,
  ticks,
} from './helpers.js';

const track = autoClose();

function setup(framing: ModbusFraming, options: ScriptedOptions = {}) {
  const s = scripted(framing, {
    ...options,
    pair: options.pair ?? { bus: true, baudRate: 115200 },
    client: { unitId: 1, ...options.client },
  });
  track(s.client);
  return s;
}

function answerRead(peer: ScriptedPeer, r: Received, unitId?: number): void {
  const request = r.request!;
  if (request.type !== 'read-holding-registers') throw new Error(`unexpected ${request.type}`);
  peer.reply(
    r,
    { type: request.type, values: registersAt(request.address, request.quantity) },
    unitId === undefined ? {} : { unitId },
  );
}

describe.each(['rtu', 'ascii'] as const)('serial bus, %s framing', (framing) => {
  it('never has more than one request on the wire, even with 10 concurrent callers', async () => {
    let outstanding = 0;
    let most = 0;
    const { client } = setup(framing, {
      script: (r, peer) => {
        outstanding++;
        most = Math.max(most, outstanding);
        setTimeout(() => {
          outstanding--;
          answerRead(peer, r);
        }, 2);
      },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.readHoldingRegisters(i * 3, 2, { unitId: 1 + (i % 3) })),
    );
    expect(most).toBe(1);
    results.forEach((values, i) => {
      expect([...values]).toEqual([...registersAt(i * 3, 2)]);
    });
  });

  it('ignores an answer from another address; the timeout keeps running', async () => {
    const { client, peer } = setup(framing, { client: { timeoutMs: 150 } });
    const call = client.readHoldingRegisters(4, 1, { unitId: 7 });
    await peer.waitForRequests(1);
    answerRead(peer, peer.at(0), 8); // another server answers (or a stale frame)
    await sleep(30);
    answerRead(peer, peer.at(0));
    expect((await call)[0]).toBe(registersAt(4, 1)[0]);
    expect(client.stats.unmatched).toBe(1);
  });

  it('times out when only other addresses answer', async () => {
    const { client, peer } = setup(framing, { client: { timeoutMs: 60 } });
    peer.script = (r, p) => answerRead(p, r, 9);
    const outcome = await settle(client.readHoldingRegisters(0, 1));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.ms).toBeGreaterThanOrEqual(55);
    expect(client.stats.unmatched).toBe(1);
  });

  it('ignores an answer for another function code from the right address', async () => {
    const { client, peer } = setup(framing, { client: { timeoutMs: 150 } });
    const call = client.readHoldingRegisters(4, 1);
    await peer.waitForRequests(1);
    peer.reply(peer.at(0), { type: 'read-input-registers', values: Uint16Array.of(1) });
    await ticks(5);
    answerRead(peer, peer.at(0));
    expect((await call)[0]).toBe(registersAt(4, 1)[0]);
    expect(client.stats.unmatched).toBe(1);
  });

  it('after a timeout, a late answer is flushed and not taken for the next request', async () => {
    const { client, peer } = setup(framing, { client: { timeoutMs: 40, staleFlushMs: 50 } });
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(TimeoutError);
    const next = client.readHoldingRegisters(0, 1); // same unit, same function, same shape
    await sleep(10);
    // The late answer to the first request (a value the next one must not get).
    peer.reply(peer.at(0), { type: 'read-holding-registers', values: Uint16Array.of(0xdead) });
    await peer.waitForRequests(2);
    expect(peer.at(1).at - peer.at(0).at).toBeGreaterThanOrEqual(40 + 45);
    answerRead(peer, peer.at(1));
    expect((await next)[0]).toBe(registersAt(0, 1)[0]);
    expect(client.stats.unmatched).toBe(1);
  });

  it('after a timeout, a partial late answer does not glue onto the next answer', async () => {
    const { client, peer } = setup(framing, { client: { timeoutMs: 40, staleFlushMs: 30 } });
    expect(await rejection(client.readHoldingRegisters(0, 2))).toBeInstanceOf(TimeoutError);
    const next = client.readHoldingRegisters(0, 2);
    const stale = peer.frameFor(peer.at(0), {
      type: 'read-holding-registers',
      values: Uint16Array.of(0xdead, 0xbeef),
    });
    peer.send(stale.subarray(0, 4)); // the first bytes arrive before the flush …
    await peer.waitForRequests(2);
    peer.send(stale.subarray(4)); // … the rest after the next request went out
    answerRead(peer, peer.at(1));
    expect([...(await next)]).toEqual([...registersAt(0, 2)]);
    expect(client.stats.discarded).toBeGreaterThanOrEqual(1);
  });
});

describe('RTU timing on a bus', () => {
  it('keeps t3.5 of silence between an answer and the next request (1200 bit/s: 32 ms)', async () => {
    const t35 = rtuTimings(1200).t35Ms;
    const { client, peer } = setup('rtu', {
      pair: { bus: true, baudRate: 1200 },
      script: (r, p) => answerRead(p, r),
    });
    for (let i = 0; i < 3; i++) await client.readHoldingRegisters(i, 1);
    for (let i = 1; i < 3; i++) {
      const gap = peer.at(i).at - peer.sentAt[i - 1]!;
      expect(gap, `gap before request ${i}`).toBeGreaterThanOrEqual(t35 - 2);
    }
  });

  it('gives up with a TimeoutError when the line never falls quiet', async () => {
    const { client, peer } = setup('rtu', {
      pair: { bus: true, baudRate: 1200 }, // t3.5 = 32 ms
      client: { timeoutMs: 50, broadcastDelayMs: 20, staleFlushMs: 20 },
    });
    const babble = setInterval(() => peer.send(Uint8Array.of(0x00)), 5);
    track({ close: () => clearInterval(babble) });
    await sleep(20);
    const outcome = await settle(client.readHoldingRegisters(0, 1));
    clearInterval(babble);
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.ms).toBeGreaterThanOrEqual(90);
    expect(outcome.ms).toBeLessThan(400);
    expect(peer.requests).toHaveLength(0);
  });

  it('does not wait on a fast line beyond a few ms', async () => {
    const { client } = setup('rtu', {
      pair: { bus: true, baudRate: 115200 },
      script: (r, p) => answerRead(p, r),
    });
    const start = performance.now();
    for (let i = 0; i < 10; i++) await client.readHoldingRegisters(i, 1);
    expect(performance.now() - start).toBeLessThan(200);
  });

  it('frames the FC8/0 echo by the length it sent, even with no data (6 bytes)', async () => {
    const { client, peer } = setup('rtu');
    // The peer's request table would wait for 8 bytes: answer from the raw bytes instead.
    const got: number[] = [];
    peer.link.on('data', (chunk) => {
      got.push(...chunk);
      if (got.length === 6) peer.send(Uint8Array.from(got));
    });
    expect(await client.diagnostics(0, new Uint8Array(0))).toEqual(new Uint8Array(0));
    const frame = Uint8Array.from(got);
    expect(crc16Modbus(frame)).toBe(0);
  });
});

describe('RTU over TCP (no bus, no transaction id)', () => {
  it('keeps one request outstanding whatever maxInFlight says', async () => {
    let outstanding = 0;
    let most = 0;
    const { client } = setup('rtu', {
      pair: {},
      client: { maxInFlight: 16 },
      script: (r, peer) => {
        outstanding++;
        most = Math.max(most, outstanding);
        setImmediate(() => {
          outstanding--;
          answerRead(peer, r);
        });
      },
    });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => client.readHoldingRegisters(i, 1)));
    expect(most).toBe(1);
    expect(results.map((v) => v[0])).toEqual(Array.from({ length: 8 }, (_, i) => registersAt(i, 1)[0]));
  });

  it('waits staleFlushMs after a timeout before sending again', async () => {
    const { client, peer } = setup('rtu', { pair: {}, client: { timeoutMs: 30, staleFlushMs: 40 } });
    await rejection(client.readHoldingRegisters(0, 1));
    peer.script = (r, p) => answerRead(p, r);
    await client.readHoldingRegisters(1, 1);
    expect(peer.at(1).at - peer.at(0).at).toBeGreaterThanOrEqual(30 + 35);
  });

  it('accepts answers split into single bytes', async () => {
    const { client, peer } = setup('rtu', { pair: { maxChunkBytes: 1 } });
    peer.script = (r, p) => answerRead(p, r);
    expect([...(await client.readHoldingRegisters(10, 3))]).toEqual([...registersAt(10, 3)]);
  });
});
