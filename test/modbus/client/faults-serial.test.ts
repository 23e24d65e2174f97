// Fault injection over RTU (bus and RTU over TCP) and ASCII framing: the CRC/LRC and the
// address + function matching must keep every value right through drops, corruption,
// duplicates and delays; every call ends within its budget with a value or a typed error.
import { describe, expect, it } from 'vitest';
import { ProtocolError, TimeoutError } from '../../../src/index.js';
import { budget, checkCalls, isTimeout, okCount, type RunOptions, run } from './fault-run.js';
import { closeOnFinish } from './helpers.js';

// The runs wait on timers far more than they compute: they run side by side.

describe.concurrent('RTU through a faulty link', () => {
  it('100 requests on a bus with drops, corruption and duplicates: CRC and matching keep every value right', async ({
    onTestFinished,
  }) => {
    const track = closeOnFinish(onTestFinished);
    // RTU has no transaction id: an answer the server sends very late (here: the ModbusServer's
    // RTU decoder can hold a corrupted request and the ones after it until enough bytes arrive)
    // can only be told apart from the right one by its shape. Quantities cycle 1–5 so that such a
    // stale answer never fits a later request: it surfaces as a ProtocolError, not a wrong value.
    const options: RunOptions = {
      framing: 'rtu',
      pair: { bus: true, baudRate: 115200 },
      fault: { drop: 0.02, corrupt: 0.03, duplicate: 0.03, seed: 1234, direction: 'both' },
      client: { timeoutMs: 25, retries: 2, staleFlushMs: 10 },
      requests: 100,
      workers: 1,
    };
    const { calls, client, counters } = await run(track, options);
    const ok = checkCalls(
      calls,
      budget(options),
      (e) => e instanceof TimeoutError || e instanceof ProtocolError,
    );
    expect(counters.corrupted).toBeGreaterThan(0);
    expect(counters.dropped).toBeGreaterThan(0);
    expect(counters.duplicated).toBeGreaterThan(0);
    expect(client.stats.discarded).toBeGreaterThan(0); // CRC failures were dropped
    expect(ok).toBeGreaterThanOrEqual(90);
    expect(okCount(calls.slice(-40))).toBeGreaterThanOrEqual(32); // still in sync at the end
  });

  it('corrupted answers only: every failure is a timeout, every value right', async ({ onTestFinished }) => {
    const track = closeOnFinish(onTestFinished);
    const options: RunOptions = {
      framing: 'rtu',
      pair: { bus: true, baudRate: 115200 },
      fault: { drop: 0.02, corrupt: 0.06, duplicate: 0.03, seed: 77, direction: 'receive' },
      client: { timeoutMs: 25, retries: 2, staleFlushMs: 10 },
      requests: 60,
      workers: 1,
    };
    const { calls, counters } = await run(track, options);
    expect(counters.corrupted).toBeGreaterThan(0);
    expect(checkCalls(calls, budget(options), isTimeout)).toBeGreaterThanOrEqual(57);
  });

  it('RTU over TCP with drops and delays, callers queueing: no wrong value', async ({ onTestFinished }) => {
    const track = closeOnFinish(onTestFinished);
    const options: RunOptions = {
      framing: 'rtu',
      fault: { drop: 0.04, delay: 0.5, delayMs: [1, 8], seed: 99, direction: 'both' },
      client: { timeoutMs: 40, retries: 2, staleFlushMs: 10 },
      requests: 50,
      workers: 3,
    };
    const { calls, counters } = await run(track, options);
    expect(counters.delayed).toBeGreaterThan(0);
    expect(checkCalls(calls, budget(options) + 3 * budget(options), isTimeout)).toBeGreaterThanOrEqual(47);
  });

  it('ASCII on a bus with corruption and drops: the LRC catches every flipped bit', async ({
    onTestFinished,
  }) => {
    const track = closeOnFinish(onTestFinished);
    const options: RunOptions = {
      framing: 'ascii',
      pair: { bus: true, baudRate: 115200 },
      fault: { drop: 0.03, corrupt: 0.05, seed: 5, direction: 'both' },
      client: { timeoutMs: 25, retries: 2, staleFlushMs: 10 },
      requests: 50,
      workers: 1,
    };
    const { calls, counters } = await run(track, options);
    expect(counters.corrupted).toBeGreaterThan(0);
    expect(checkCalls(calls, budget(options), isTimeout)).toBeGreaterThanOrEqual(47);
  });
});
