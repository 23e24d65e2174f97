import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LinkClosedError } from '../../src/core/errors.js';
import type { Link } from '../../src/core/link.js';
import { type FaultOptions, faulty, memoryPair } from '../../src/links/index.js';
import { collect, until } from './helpers.js';

/** Sends `count` numbered 4-byte chunks from a raw end through a receive-side faulty wrapper. */
async function run(
  options: FaultOptions,
  count: number,
): Promise<{ received: Uint8Array[]; link: ReturnType<typeof faulty> }> {
  const [a, b] = memoryPair({ messageOriented: true });
  const link = faulty(b, { direction: 'receive', ...options });
  const received = collect(link);
  for (let i = 0; i < count; i++) await a.write(new Uint8Array([i >> 8, i & 0xff, 0xa5, 0x5a]));
  await until(
    () => {
      const c = link.counters;
      return received.length === count - c.dropped + c.duplicated;
    },
    2000,
    'all chunks delivered',
  );
  await a.close();
  return { received, link };
}

const text = (chunks: Uint8Array[]) => chunks.map((c) => [...c].join('.')).join(' ');

describe('faulty', () => {
  it('keeps the inner link info and state and passes traffic untouched by default', async () => {
    const [a, b] = memoryPair({ bus: true });
    const link = faulty(a);
    expect(link.info).toBe(a.info);
    expect(link.state).toBe('open');
    expect(link.inner).toBe(a);
    const got = collect(b);
    await link.write(new Uint8Array([1, 2]));
    await until(() => got.length === 1);
    expect([...got[0]!]).toEqual([1, 2]);
    expect(link.counters).toEqual({ dropped: 0, corrupted: 0, duplicated: 0, delayed: 0 });
    const closed = new Promise<void>((resolve) => link.on('close', () => resolve()));
    await link.close();
    await closed;
    expect(link.state).toBe('closed');
    expect(b.state).toBe('closed');
    await expect(link.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('is deterministic for a seed', async () => {
    const options: FaultOptions = { drop: 0.1, corrupt: 0.1, duplicate: 0.1, seed: 42 };
    const first = await run(options, 200);
    const second = await run(options, 200);
    expect(text(second.received)).toBe(text(first.received));
    expect(second.link.counters).toEqual(first.link.counters);
    const other = await run({ ...options, seed: 43 }, 200);
    expect(text(other.received)).not.toBe(text(first.received));
  });

  it('applies drop, corrupt and duplicate at roughly the configured rates', async () => {
    const n = 2000;
    const { received, link } = await run({ drop: 0.1, corrupt: 0.2, duplicate: 0.05, seed: 7 }, n);
    const c = link.counters;
    expect(c.dropped / n).toBeGreaterThan(0.07);
    expect(c.dropped / n).toBeLessThan(0.13);
    const kept = n - c.dropped;
    expect(c.corrupted / kept).toBeGreaterThan(0.16);
    expect(c.corrupted / kept).toBeLessThan(0.24);
    expect(c.duplicated / kept).toBeGreaterThan(0.03);
    expect(c.duplicated / kept).toBeLessThan(0.07);
    expect(c.delayed).toBe(0);
    // one bit flipped per corrupted chunk: the constant tail (a5 5a) never differs by more than
    // one bit (a flip in the two sequence bytes goes unseen here)
    const original = (x: Uint8Array) => [x[0], x[1], 0xa5, 0x5a];
    let oneBit = 0;
    for (const chunk of received) {
      const bits = [...chunk].reduce((sum, byte, i) => {
        let d = byte ^ (original(chunk)[i] ?? 0);
        let count = 0;
        while (d) {
          count += d & 1;
          d >>= 1;
        }
        return sum + count;
      }, 0);
      if (bits === 1) oneBit++;
      expect(bits).toBeLessThanOrEqual(1);
    }
    expect(oneBit).toBeGreaterThan(0);
  });

  it('delays chunks, and random delays can reorder them', async () => {
    const { received, link } = await run({ delayMs: [0, 30], seed: 3 }, 30);
    expect(link.counters.delayed).toBeGreaterThan(20);
    const order = received.map((c) => c[1]!);
    expect([...order].sort((x, y) => x - y)).toEqual([...Array(30).keys()]);
    expect(order).not.toEqual([...Array(30).keys()]); // reordered
  });

  it('tampers with the send side only when asked', async () => {
    const [a, b] = memoryPair({ messageOriented: true });
    const link = faulty(a, { drop: 1, direction: 'send' });
    const atB = collect(b);
    const atLink = collect(link);
    await link.write(new Uint8Array([1])); // dropped, but write still resolves
    await b.write(new Uint8Array([2])); // receive side untouched
    await until(() => atLink.length === 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(atB).toHaveLength(0);
    expect(link.counters.dropped).toBe(1);
    await link.close();
  });

  it('duplicates and delays on send', async () => {
    const [a, b] = memoryPair({ messageOriented: true });
    const link = faulty(a, { duplicate: 1, delayMs: 20, direction: 'send' });
    const atB = collect(b);
    const start = Date.now();
    await link.write(new Uint8Array([1]));
    await until(() => atB.length === 2);
    expect(Date.now() - start).toBeGreaterThanOrEqual(15);
    expect(link.counters).toEqual({ dropped: 0, corrupted: 0, duplicated: 1, delayed: 1 });
    await link.close();
  });

  it('discards delayed chunks when the link closes', async () => {
    const [a, b] = memoryPair({ messageOriented: true });
    const link: Link = faulty(b, { delayMs: 30, direction: 'receive' });
    const got = collect(link);
    await a.write(new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 5));
    await link.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(0);
  });

  it('validates options', () => {
    const [a] = memoryPair();
    expect(() => faulty(a, { drop: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => faulty(a, { delayMs: [10, 5] })).toThrow(InvalidArgumentError);
    expect(() => faulty(a, { delayMs: -1 })).toThrow(InvalidArgumentError);
    void a.close();
  });
});
