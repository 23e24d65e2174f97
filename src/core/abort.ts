/**
 * Timeout and cancellation helpers shared by every waiting operation.
 *
 * They use only web-platform globals (`setTimeout`, `AbortSignal`), so they run unchanged in
 * Node, browsers, Deno and workers.
 *
 * @module
 */

import { AbortError, TimeoutError } from './errors.js';

/** Options accepted by every operation that waits. */
export interface WaitOptions {
  /** Give up after this many milliseconds with a {@link TimeoutError}. No limit when omitted. */
  timeoutMs?: number;
  /** Give up with an {@link AbortError} (whose `cause` is the signal's reason) when this signal fires. */
  signal?: AbortSignal;
}

/** The {@link AbortError} for an aborted signal, carrying the signal's reason as `cause`. */
export function abortErrorOf(signal: AbortSignal, what = 'operation'): AbortError {
  return new AbortError(`${what} aborted`, { cause: signal.reason });
}

/** Throws an {@link AbortError} if `signal` has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortErrorOf(signal, what);
}

/**
 * Runs `start` and waits until it settles, the timeout expires or the signal fires, whichever is
 * first. `start` receives `resolve`/`reject` and may return a cleanup function, which always runs
 * exactly once when the wait ends (success, failure, timeout or abort).
 *
 * @param what describes the wait in error messages (e.g. `"response to FC3 from unit 1"`)
 * @throws {@link TimeoutError} or {@link AbortError}, or whatever `start` rejects with
 * @example
 * ```ts
 * const bytes = await waitFor<Uint8Array>((resolve) => {
 *   link.on('data', resolve);
 *   return () => link.off('data', resolve);
 * }, { timeoutMs: 1000, signal }, 'first bytes');
 * ```
 */
export function waitFor<T>(
  start: (resolve: (value: T) => void, reject: (error: unknown) => void) => (() => void) | undefined,
  options: WaitOptions,
  what: string,
): Promise<T> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) return Promise.reject(abortErrorOf(signal, what));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => finish(() => reject(abortErrorOf(signal!, what)));
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      settle();
    }
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => finish(() => reject(new TimeoutError(what, timeoutMs))), timeoutMs);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      cleanup = start(
        (value) => finish(() => resolve(value)),
        (error) => finish(() => reject(error)),
      );
    } catch (error) {
      finish(() => reject(error));
      return;
    }
    // start() may have settled synchronously, before its cleanup was known: run it now.
    if (done) cleanup?.();
  });
}

/**
 * Resolves after `ms` milliseconds; rejects early with an {@link AbortError} if `signal` fires.
 *
 * @throws {@link AbortError} when `signal` fires first (the timer is cleared)
 * @example
 * ```ts
 * import { delay } from 'meterlink';
 *
 * // Poll a meter every 15 minutes until Ctrl-C.
 * const stop = new AbortController();
 * process.once('SIGINT', () => stop.abort());
 * while (!stop.signal.aborted) {
 *   console.log(await meter.readRegister('1.0.1.8.0.255'));
 *   await delay(15 * 60_000, stop.signal).catch(() => {});
 * }
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return waitFor<void>(
    (resolve) => {
      const t = setTimeout(resolve, ms);
      return () => clearTimeout(t);
    },
    signal === undefined ? {} : { signal },
    'delay',
  );
}
