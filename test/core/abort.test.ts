import { describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../src/core/abort.js';
import { AbortError, TimeoutError } from '../../src/core/errors.js';

describe('waitFor', () => {
  it('resolves and runs the cleanup exactly once', async () => {
    let cleaned = 0;
    const v = await waitFor<number>(
      (resolve) => {
        setTimeout(() => resolve(42), 1);
        return () => cleaned++;
      },
      { timeoutMs: 1000 },
      'answer',
    );
    expect(v).toBe(42);
    expect(cleaned).toBe(1);
  });

  it('times out with a TimeoutError naming the wait', async () => {
    let cleaned = 0;
    const p = waitFor(() => () => cleaned++, { timeoutMs: 10 }, 'response to FC3');
    await expect(p).rejects.toThrow(TimeoutError);
    await expect(p).rejects.toThrow(/response to FC3 \(no answer within 10 ms\)/);
    expect(cleaned).toBe(1);
  });

  it('aborts with an AbortError carrying the reason, before or during the wait', async () => {
    const ac = new AbortController();
    const p = waitFor(() => undefined, { signal: ac.signal }, 'open');
    ac.abort(new Error('user'));
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AbortError);
    expect((e as AbortError).cause).toEqual(new Error('user'));
    await expect(waitFor(() => undefined, { signal: ac.signal }, 'open')).rejects.toThrow(AbortError);
  });

  it('turns a throwing start into a rejection, and handles synchronous settling', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('boom');
        },
        {},
        'x',
      ),
    ).rejects.toThrow('boom');
    let cleaned = 0;
    await expect(
      waitFor<number>(
        (resolve) => {
          resolve(1);
          return () => cleaned++;
        },
        {},
        'x',
      ),
    ).resolves.toBe(1);
    expect(cleaned).toBe(1);
  });

  it('delay honours its signal', async () => {
    const ac = new AbortController();
    const p = delay(10_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow(AbortError);
    await delay(1);
  });
});
