// Response timeouts on the engine's single timer: every request times out at its own deadline,
// never before it, whatever the other requests' timeouts; answers, aborts and close() end
// transactions without disturbing the others (spec §9.4, §13).
import { describe, expect, it } from 'vitest';
import { AbortError, LinkClosedError, TimeoutError } from '../../../src/index.js';
import type { ModbusClient } from '../../../src/modbus/index.js';
import {
  autoClose,
  type Received,
  registersAt,
  type ScriptedPeer,
  scripted,
  settle,
  sleep,
} from './helpers.js';

const track = autoClose();

function setup(options: Parameters<typeof scripted>[1] = {}) {
  const s = scripted('tcp', options);
  track(s.client);
  return s;
}

/** Answers a read with `registersAt(address, quantity)`. */
function answerRead(peer: ScriptedPeer, r: Received): void {
  const request = r.request as { type: 'read-holding-registers'; address: number; quantity: number };
  peer.reply(r, { type: request.type, values: registersAt(request.address, request.quantity) });
}

/** White-box view of the engine timer, to check what keeps the process alive. */
function engineTimer(client: ModbusClient): NodeJS.Timeout | undefined {
  return (client as unknown as { engine: { timer: NodeJS.Timeout | undefined } }).engine.timer;
}

/** Generous upper bound on timer lateness for a loaded CI machine. */
const slackMs = 80;

describe('response timeouts (one engine timer)', () => {
  it('times out many concurrent requests each at its own deadline, never early', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 64 } });
    // Timeouts in a scrambled order, so that deadlines do not follow the send order; the first
    // request has the longest, so the timer must be re-armed for the later, earlier deadlines.
    const timeouts = Array.from({ length: 48 }, (_, i) => (i === 0 ? 200 : 20 + ((i * 37) % 120)));
    const endedAt: number[] = [];
    /** No later than each deadline (taken before the call), and within microseconds of it. */
    const dueBy: number[] = [];
    const calls = timeouts.map((timeoutMs, i) => {
      const start = performance.now();
      dueBy[i] = start + timeoutMs;
      return settle(client.readHoldingRegisters(i, 1, { timeoutMs })).then((outcome) => {
        endedAt[i] = performance.now();
        return { outcome, elapsed: performance.now() - start };
      });
    });
    await peer.waitForRequests(48);
    const results = await Promise.all(calls);
    results.forEach(({ outcome, elapsed }, i) => {
      const error = outcome.ok ? undefined : (outcome.error as TimeoutError);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error?.timeoutMs).toBe(timeouts[i]);
      expect(elapsed).toBeGreaterThanOrEqual(timeouts[i]!);
      expect(elapsed).toBeLessThan(timeouts[i]! + slackMs);
    });
    // They ended in the order of their deadlines, also those a late timer found due together
    // (deadlines closer than 2 ms may tie: `dueBy` is not the deadline to the microsecond).
    const order = dueBy.map((due, i) => ({ due, at: endedAt[i]! })).sort((a, b) => a.due - b.due);
    for (let i = 1; i < order.length; i++) {
      if (order[i]!.due > order[i - 1]!.due + 2)
        expect(order[i]!.at).toBeGreaterThanOrEqual(order[i - 1]!.at);
    }
    expect(client.stats).toMatchObject({ requests: 48, timeouts: 48, responses: 0 });
  });

  it('a shorter timeout sent after a longer one fires first; an answer ends its own only', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 4 } });
    const long = settle(client.readHoldingRegisters(1, 1, { timeoutMs: 400 }));
    const short = settle(client.readHoldingRegisters(2, 1, { timeoutMs: 30 }));
    await peer.waitForRequests(2);
    const shortOutcome = await short;
    expect(shortOutcome.ok ? undefined : shortOutcome.error).toBeInstanceOf(TimeoutError);
    expect(shortOutcome.ms).toBeLessThan(30 + slackMs);
    answerRead(peer, peer.at(0));
    const longOutcome = await long;
    expect(longOutcome.ok && longOutcome.value[0]).toBe(registersAt(1, 1)[0]);
    expect(client.stats).toMatchObject({ timeouts: 1, responses: 1 });
  });

  it('answered and silent requests mixed: the answered resolve, the silent time out on time', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 32 } });
    peer.script = (r, p) => {
      if ((r.request as { address: number }).address % 2 === 1) answerRead(p, r);
    };
    const calls = Array.from({ length: 20 }, (_, i) => {
      const timeoutMs = 25 + 5 * i;
      return settle(client.readHoldingRegisters(i, 1, { timeoutMs })).then((o) => ({ o, timeoutMs }));
    });
    for (const [i, { o, timeoutMs }] of (await Promise.all(calls)).entries()) {
      if (i % 2 === 1) {
        expect(o.ok && o.value[0]).toBe(registersAt(i, 1)[0]);
      } else {
        expect(o.ok ? undefined : o.error).toBeInstanceOf(TimeoutError);
        // settle() starts its clock just after the call has set its deadline: allow that instant.
        expect(o.ms).toBeGreaterThanOrEqual(timeoutMs - 1);
        expect(o.ms).toBeLessThan(timeoutMs + slackMs);
      }
    }
    expect(client.stats).toMatchObject({ timeouts: 10, responses: 10 });
  });

  it('an aborted request rejects at once and keeps its slot until its own timeout', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 2 } });
    const controller = new AbortController();
    // Taken before the call, so it is no later than the aborted request's deadline start (the
    // peer's arrival time of that request is not: it can lag the send by a scheduling delay).
    const sentBy = performance.now();
    const aborted = settle(client.readHoldingRegisters(0, 1, { timeoutMs: 80, signal: controller.signal }));
    const other = settle(client.readHoldingRegisters(1, 1, { timeoutMs: 500 }));
    await peer.waitForRequests(2);
    const abortedAt = performance.now();
    controller.abort();
    const abortedOutcome = await aborted;
    expect(abortedOutcome.ok ? undefined : abortedOutcome.error).toBeInstanceOf(AbortError);
    expect(performance.now() - abortedAt).toBeLessThan(40); // at once, not at its 80 ms timeout
    // Both slots are taken: a third request waits for the aborted one's timeout.
    const third = settle(client.readHoldingRegisters(2, 1, { timeoutMs: 500 }));
    await sleep(30);
    expect(peer.requests).toHaveLength(2);
    await peer.waitForRequests(3, 500);
    expect(peer.at(2).at - sentBy).toBeGreaterThanOrEqual(80);
    answerRead(peer, peer.at(1));
    answerRead(peer, peer.at(2));
    const otherOutcome = await other;
    expect(otherOutcome.ok && otherOutcome.value[0]).toBe(registersAt(1, 1)[0]);
    const thirdOutcome = await third;
    expect(thirdOutcome.ok && thirdOutcome.value[0]).toBe(registersAt(2, 1)[0]);
    expect(client.stats.timeouts).toBe(1);
  });

  it('a timer that fires late expires what is due earliest deadline first', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 8 } });
    const order: number[] = [];
    const calls = [30, 10, 20].map((timeoutMs, i) =>
      client.readHoldingRegisters(i, 1, { timeoutMs }).catch(() => order.push(timeoutMs)),
    );
    await peer.waitForRequests(3);
    // Hold the event loop past every deadline: the engine timer then finds all three due at once.
    const busyUntil = performance.now() + 60;
    while (performance.now() < busyUntil) {
      // busy
    }
    await Promise.all(calls);
    expect(order).toEqual([10, 20, 30]);
  });

  it('close() fails everything outstanding at once and stops the timer', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 16 } });
    const calls = Array.from({ length: 10 }, (_, i) =>
      settle(client.readHoldingRegisters(i, 1, { timeoutMs: 1000 + 10 * i })),
    );
    await peer.waitForRequests(10);
    expect(engineTimer(client)).toBeDefined();
    await client.close();
    for (const outcome of await Promise.all(calls)) {
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(LinkClosedError);
      expect(outcome.ms).toBeLessThan(500);
    }
    expect(engineTimer(client)).toBeUndefined();
    expect(client.stats.timeouts).toBe(0);
  });

  it('keeps the process alive only while a request is outstanding', async () => {
    const { client, peer } = setup({ client: { maxInFlight: 4, timeoutMs: 5000 } });
    const first = client.readHoldingRegisters(0, 1);
    await peer.waitForRequests(1);
    expect(engineTimer(client)?.hasRef()).toBe(true);
    answerRead(peer, peer.at(0));
    await first;
    // Still armed for later requests, but it alone must not hold the event loop open.
    expect(engineTimer(client)?.hasRef()).toBe(false);
    const second = client.readHoldingRegisters(1, 1);
    await peer.waitForRequests(2);
    expect(engineTimer(client)?.hasRef()).toBe(true);
    answerRead(peer, peer.at(1));
    await second;
    expect(engineTimer(client)?.hasRef()).toBe(false);
  });
});
