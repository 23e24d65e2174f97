// The fault-injection runner shared by faults-tcp.test.ts and faults-serial.test.ts: many reads
// through a `faulty` client link against a ModbusServer, every outcome recorded and checked.
import { expect } from 'vitest';
import {
  type FaultOptions,
  type FaultyLink,
  faulty,
  type MemoryPairOptions,
  memoryPair,
  TimeoutError,
} from '../../../src/index.js';
import {
  ModbusClient,
  type ModbusClientOptions,
  type ModbusFraming,
  ModbusServer,
} from '../../../src/modbus/index.js';
import { type Outcome, registersAt, settle } from './helpers.js';

type Track = <T extends { close(): Promise<void> | void }>(thing: T) => T;

/** The server's holding registers: `registersAt(0, 65536)`, so any answer can be checked. */
export const table = registersAt(0, 0x10000);

export interface RunOptions {
  framing: ModbusFraming;
  pair?: MemoryPairOptions;
  fault: FaultOptions;
  client: Partial<ModbusClientOptions> & { timeoutMs: number; retries: number };
  requests: number;
  workers: number;
}

export interface Call {
  address: number;
  quantity: number;
  outcome: Outcome<Uint16Array>;
}

/**
 * Runs `requests` reads (`workers` callers in parallel, each one call at a time) through a faulty
 * client link against a ModbusServer whose registers are {@link table}; returns every outcome.
 * Quantities cycle 1–5, so an answer meant for an earlier call never fits the next ones.
 */
export async function run(
  track: Track,
  options: RunOptions,
): Promise<{ calls: Call[]; client: ModbusClient; counters: FaultyLink['counters'] }> {
  const [a, b] = memoryPair(options.pair);
  const link = faulty(a, options.fault);
  track({ close: () => b.close() });
  new ModbusServer({ unitIds: [1], model: { holdingRegisters: table } }).serve(b, {
    framing: options.framing,
  });
  const client = track(new ModbusClient({ ...options.client, link, framing: options.framing, unitId: 1 }));
  const calls: Call[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.requests) {
      const i = next++;
      const address = (i * 7919) % 65000;
      const quantity = 1 + (i % 5);
      calls.push({
        address,
        quantity,
        outcome: await settle(client.readHoldingRegisters(address, quantity)),
      });
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return { calls, client, counters: link.counters };
}

/** Every call ended with the right values or a typed error, within its budget. */
export function checkCalls(calls: Call[], budgetMs: number, allowed: (error: unknown) => boolean): number {
  let ok = 0;
  for (const { address, quantity, outcome } of calls) {
    expect(outcome.ms, `request for ${quantity}@${address} took ${outcome.ms} ms`).toBeLessThan(budgetMs);
    if (outcome.ok) {
      expect([...outcome.value], `values for ${quantity}@${address}`).toEqual([
        ...table.subarray(address, address + quantity),
      ]);
      ok++;
    } else {
      expect(allowed(outcome.error), `error for ${quantity}@${address}: ${String(outcome.error)}`).toBe(true);
    }
  }
  return ok;
}

/** Per-call budget: every attempt's timeout, the pauses between them, and some slack. */
export function budget(o: RunOptions): number {
  const attempts = o.client.retries + 1;
  return attempts * o.client.timeoutMs + o.client.retries * (o.client.staleFlushMs ?? 50) + 150;
}

export const isTimeout = (e: unknown): boolean => e instanceof TimeoutError;

/** Calls that succeeded; a desynchronised client would fail (nearly) all later ones. */
export function okCount(calls: Call[]): number {
  return calls.filter((c) => c.outcome.ok).length;
}
