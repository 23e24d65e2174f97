// Fault injection over Modbus/TCP framing: lost, duplicated, delayed (reordered) and corrupted
// chunks in both directions. Every call must end within its time budget with the right answer or
// a typed error — never a wrong value, never a hang — and a long run must not desynchronise.
import { describe, expect, it } from 'vitest';
import { faulty, MeterlinkError, memoryPair } from '../../../src/index.js';
import { ModbusClient, ModbusServer } from '../../../src/modbus/index.js';
import { budget, checkCalls, isTimeout, okCount, type RunOptions, run, table } from './fault-run.js';
import { closeOnFinish, settle } from './helpers.js';

// The runs wait on timers far more than they compute: they run side by side.

describe.concurrent('Modbus/TCP through a faulty link', () => {
  it('300 pipelined requests with drops, duplicates and reordering delays: no wrong value, no desync', async ({
    onTestFinished,
  }) => {
    const track = closeOnFinish(onTestFinished);
    const options: RunOptions = {
      framing: 'tcp',
      fault: { drop: 0.04, duplicate: 0.05, delay: 0.3, delayMs: [1, 20], seed: 42, direction: 'both' },
      client: { timeoutMs: 25, retries: 2, maxInFlight: 10 },
      requests: 300,
      workers: 10,
    };
    const { calls, client, counters } = await run(track, options);
    expect(calls).toHaveLength(300);
    const ok = checkCalls(calls, budget(options), isTimeout);
    expect(counters.dropped).toBeGreaterThan(0);
    expect(counters.duplicated).toBeGreaterThan(0);
    expect(counters.delayed).toBeGreaterThan(0);
    expect(ok).toBeGreaterThanOrEqual(290); // retries cover almost every loss
    expect(client.stats.unmatched).toBeGreaterThan(0); // duplicates and late answers were dropped
    expect(okCount(calls.slice(-40))).toBeGreaterThanOrEqual(36); // still in sync at the end
  });

  it.for([
    ['send', 7],
    ['receive', 8],
  ] as const)(
    'drops and duplicates in the %s direction only (seed %i)',
    async ([direction, seed], { onTestFinished }) => {
      const track = closeOnFinish(onTestFinished);
      const options: RunOptions = {
        framing: 'tcp',
        fault: { drop: 0.08, duplicate: 0.1, seed, direction },
        client: { timeoutMs: 40, retries: 3, maxInFlight: 4 },
        requests: 100,
        workers: 4,
      };
      const { calls } = await run(track, options);
      expect(checkCalls(calls, budget(options), isTimeout)).toBeGreaterThanOrEqual(97);
    },
  );

  it('corruption (MBAP has no checksum): every call still ends with a typed outcome, no hang', async ({
    onTestFinished,
  }) => {
    const track = closeOnFinish(onTestFinished);
    // A flipped bit in register data cannot be detected without a checksum (TCP's own protects
    // real connections), so values are not checked here — only that nothing hangs or throws
    // something untyped, even when a corrupted MBAP length makes the client drop the link.
    const [a, b] = memoryPair();
    const link = faulty(a, { corrupt: 0.05, seed: 3 });
    track({ close: () => b.close() });
    new ModbusServer({ model: { holdingRegisters: table } }).serve(b);
    const client = track(new ModbusClient({ link, timeoutMs: 40, retries: 1, maxInFlight: 4 }));
    const outcomes = await Promise.all(
      Array.from({ length: 80 }, (_, i) => settle(client.readHoldingRegisters(i * 3, 2))),
    );
    for (const o of outcomes) {
      if (!o.ok) expect(o.error).toBeInstanceOf(MeterlinkError);
    }
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(80 * 2 * 40 + 500);
    expect(link.counters.corrupted).toBeGreaterThan(0);
  });
});
