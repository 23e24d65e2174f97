// Modbus/TCP pipelining: transaction ids, out-of-order answers, queueing, late and unknown
// answers, retries, lenient gateways (spec §9.4, §13).
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/index.js';
import type { ModbusClient, ModbusFrame } from '../../../src/modbus/index.js';
import {
  answerAll,
  autoClose,
  type Received,
  registersAt,
  rejection,
  type ScriptedPeer,
  scripted,
  settle,
  sleep,
  ticks,
} from './helpers.js';

const track = autoClose();

function setup(options: Parameters<typeof scripted>[1] = {}) {
  const s = scripted('tcp', options);
  track(s.client);
  return s;
}

/** Answers a read with `registersAt(address, quantity)`. */
function answerRead(peer: ScriptedPeer, r: Received): void {
  const request = r.request!;
  if (request.type !== 'read-holding-registers') throw new Error(`unexpected ${request.type}`);
  peer.reply(r, { type: request.type, values: registersAt(request.address, request.quantity) });
}

/** White-box access to the next transaction id, to test the wrap-around without 65536 requests. */
function setLastTransactionId(client: ModbusClient, id: number): void {
  (client as unknown as { engine: { nextTransactionId: number } }).engine.nextTransactionId = id;
}

describe('pipelining (MBAP)', () => {
  it('puts maxInFlight requests on the wire before any answer and matches answers out of order', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 16 } });
    const calls = Array.from({ length: 20 }, (_, i) => client.readHoldingRegisters(i * 10, 2));
    await peer.waitForRequests(16);
    await ticks(10);
    expect(peer.requests).toHaveLength(16); // the other 4 queue
    const ids = peer.requests.map((r) => r.frame.transactionId);
    expect(new Set(ids).size).toBe(16);
    // Answer in reverse order; each queued request goes out as a slot frees.
    for (const r of [...peer.requests].reverse()) answerRead(peer, r);
    await peer.waitForRequests(20);
    for (const r of peer.requests.slice(16)) answerRead(peer, r);
    const results = await Promise.all(calls);
    results.forEach((values, i) => {
      expect([...values]).toEqual([...registersAt(i * 10, 2)]);
    });
    expect(client.stats).toMatchObject({ requests: 20, responses: 20, unmatched: 0 });
  });

  it('sends one request at a time with the default maxInFlight 1', async () => {
    const { client, peer } = setup();
    const calls = [client.readHoldingRegisters(0, 1), client.readHoldingRegisters(1, 1)];
    await peer.waitForRequests(1);
    await ticks(10);
    expect(peer.requests).toHaveLength(1);
    answerRead(peer, peer.at(0));
    await peer.waitForRequests(2);
    answerRead(peer, peer.at(1));
    expect((await Promise.all(calls)).map((v) => v[0])).toEqual([registersAt(0, 1)[0], registersAt(1, 1)[0]]);
  });

  it('transaction ids count up and wrap from 0xFFFF to 0', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 4 }, script: answerAll });
    await client.readHoldingRegisters(0, 1);
    await client.readHoldingRegisters(0, 1);
    expect(peer.requests.map((r) => r.frame.transactionId)).toEqual([1, 2]);
    setLastTransactionId(client, 0xfffd);
    await Promise.all([0, 1, 2, 3].map((a) => client.readHoldingRegisters(a, 1)));
    expect(peer.requests.slice(2).map((r) => r.frame.transactionId)).toEqual([0xfffe, 0xffff, 0, 1]);
  });

  it('skips ids still outstanding when the counter wraps', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 4 } });
    const first = client.readHoldingRegisters(0, 1); // id 1, left unanswered for now
    await peer.waitForRequests(1);
    setLastTransactionId(client, 0xffff);
    const others = [client.readHoldingRegisters(1, 1), client.readHoldingRegisters(2, 1)];
    await peer.waitForRequests(3);
    expect(peer.requests.map((r) => r.frame.transactionId)).toEqual([1, 0, 2]);
    for (const r of peer.requests) answerRead(peer, r);
    expect((await first)[0]).toBe(registersAt(0, 1)[0]);
    expect((await Promise.all(others)).map((v) => v[0])).toEqual([
      registersAt(1, 1)[0],
      registersAt(2, 1)[0],
    ]);
  });

  it('drops a late answer and an unknown id without desynchronising later requests', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 2, timeoutMs: 500 } });
    const unmatched: ModbusFrame[] = [];
    client.on('unmatched', (frame) => unmatched.push(frame));
    const late = settle(client.readHoldingRegisters(0, 1, { timeoutMs: 30 }));
    const onTime = client.readHoldingRegisters(5, 1);
    await peer.waitForRequests(2);
    const lateOutcome = await late;
    expect(lateOutcome.ok).toBe(false);
    expect(lateOutcome.ok ? undefined : lateOutcome.error).toBeInstanceOf(TimeoutError);
    // Too late: the first request timed out. Then an id nobody used. Then the real answer.
    peer.reply(peer.at(0), { type: 'read-holding-registers', values: Uint16Array.of(0xdead) });
    peer.reply(
      peer.at(1),
      { type: 'read-holding-registers', values: Uint16Array.of(0xbad) },
      { transactionId: 999 },
    );
    // Meanwhile the second request is still outstanding... until its own answer arrives.
    await ticks(5);
    answerRead(peer, peer.at(1));
    expect((await onTime)[0]).toBe(registersAt(5, 1)[0]);
    expect(client.stats.unmatched).toBe(2);
    expect(client.stats.timeouts).toBe(1);
    expect(unmatched.map((f) => f.transactionId)).toEqual([peer.at(0).frame.transactionId, 999]);
    // Later requests are not disturbed.
    peer.script = answerAll;
    expect((await client.readHoldingRegisters(9, 1))[0]).toBe(registersAt(9, 1)[0]);
  });

  it('a retry after a timeout uses a new id; the late answer to the first attempt is ignored', async () => {
    const { client, peer } = setup({ client: { timeoutMs: 40, retries: 2 } });
    peer.script = (r, p) => {
      if (p.requests.length === 2) {
        // First attempt answered late (after its timeout, during the retry), with a wrong value.
        p.reply(p.at(0), { type: 'read-holding-registers', values: Uint16Array.of(0xdead) });
        answerRead(p, r);
      }
    };
    const values = await client.readHoldingRegisters(3, 1);
    expect(values[0]).toBe(registersAt(3, 1)[0]);
    const [a, b] = peer.requests.map((r) => r.frame.transactionId);
    expect(a).not.toBe(b);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1, timeouts: 1, unmatched: 1, responses: 1 });
  });

  it('times out after every retry with a TimeoutError', async () => {
    const { client, peer } = setup({ client: { timeoutMs: 30, retries: 2 } });
    const error = await rejection(client.readHoldingRegisters(0, 1));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(30);
    expect(peer.requests).toHaveLength(3);
    expect(new Set(peer.requests.map((r) => r.frame.transactionId)).size).toBe(3);
    expect(client.stats).toMatchObject({ requests: 3, retries: 2, timeouts: 3 });
  });

  it('waits retryDelayMs between attempts', async () => {
    const { client, peer } = setup({ client: { timeoutMs: 20, retries: 1, retryDelayMs: 60 } });
    await rejection(client.readHoldingRegisters(0, 1));
    expect(peer.at(1).at - peer.at(0).at).toBeGreaterThanOrEqual(75);
  });

  it('a per-request timeout and retry count override the client defaults', async () => {
    const { client, peer } = setup({ client: { timeoutMs: 1000, retries: 3 } });
    const outcome = await settle(client.readHoldingRegisters(0, 1, { timeoutMs: 25, retries: 0 }));
    expect(outcome.ok).toBe(false);
    expect(outcome.ms).toBeLessThan(200);
    expect(peer.requests).toHaveLength(1);
  });

  it('accepts answers coalesced in one segment and split byte by byte', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 3 } });
    const calls = [0, 1, 2].map((a) => client.readHoldingRegisters(a, 1));
    await peer.waitForRequests(3);
    const frames = peer.requests.map((r) => {
      const q = r.request as { address: number };
      return peer.frameFor(r, { type: 'read-holding-registers', values: registersAt(q.address, 1) });
    });
    const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      all.set(f, at);
      at += f.length;
    }
    peer.send(all.subarray(0, all.length - 5)); // two and a half ADUs …
    await sleep(5);
    for (const byte of all.subarray(all.length - 5)) peer.send(Uint8Array.of(byte)); // … then byte by byte
    expect((await Promise.all(calls)).map((v) => v[0])).toEqual([0, 1, 2].map((a) => registersAt(a, 1)[0]));
  });
});

describe('lenient transaction ids (gateways that do not echo them)', () => {
  it('takes the answer whatever its id, one request at a time', async () => {
    const { client, peer } = setup({ client: { lenientTransactionId: true, maxInFlight: 16 } });
    const calls = Array.from({ length: 5 }, (_, i) => client.readHoldingRegisters(i, 1));
    for (let i = 0; i < 5; i++) {
      await peer.waitForRequests(i + 1);
      await ticks(5);
      expect(peer.requests).toHaveLength(i + 1); // never more than one in flight
      const r = peer.at(i);
      const q = r.request as { address: number };
      peer.reply(
        r,
        { type: 'read-holding-registers', values: registersAt(q.address, 1) },
        { transactionId: 0x1234 },
      );
    }
    expect((await Promise.all(calls)).map((v) => v[0])).toEqual(
      [0, 1, 2, 3, 4].map((a) => registersAt(a, 1)[0]),
    );
    // Ids still count up on the wire, even if the gateway ignores them.
    expect(new Set(peer.requests.map((r) => r.frame.transactionId)).size).toBe(5);
  });

  it('drops a late answer that arrives during the flush delay after a timeout', async () => {
    const { client, peer } = setup({
      client: { lenientTransactionId: true, timeoutMs: 30, staleFlushMs: 40 },
    });
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(TimeoutError);
    const next = client.readHoldingRegisters(1, 1);
    // The late answer to the first request arrives before the next request may be sent.
    peer.reply(
      peer.at(0),
      { type: 'read-holding-registers', values: Uint16Array.of(0xdead) },
      { transactionId: 7 },
    );
    await peer.waitForRequests(2);
    answerRead(peer, peer.at(1));
    expect((await next)[0]).toBe(registersAt(1, 1)[0]);
    expect(client.stats.unmatched).toBe(1);
  });

  it('ignores an answer for another function code', async () => {
    const { client, peer } = setup({ client: { lenientTransactionId: true, timeoutMs: 200 } });
    const call = client.readHoldingRegisters(2, 1);
    await peer.waitForRequests(1);
    peer.reply(peer.at(0), { type: 'write-single-register', address: 2, value: 1 });
    await ticks(5);
    answerRead(peer, peer.at(0));
    expect((await call)[0]).toBe(registersAt(2, 1)[0]);
    expect(client.stats.unmatched).toBe(1);
  });
});
