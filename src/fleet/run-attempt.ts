/**
 * One attempt at one meter: connect, run the plan, close — bounded by the attempt's signal, which
 * fires on the meter's timeout and on the fleet's abort.
 *
 * @module
 */

import type { MeterlinkError } from '../core/errors.js';
import { asMeterlinkError } from './fleet-error.js';
import type { FleetTarget } from './fleet-meter.js';
import type { FleetConnector } from './fleet-options.js';
import type { FleetTask, MeterClient } from './fleet-plan.js';

/** How an attempt ended. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: MeterlinkError };

/** What an attempt needs. */
export interface AttemptContext<T> {
  connect: FleetConnector;
  run: FleetTask<T>;
  closeTimeoutMs: number;
}

/** What the fleet needs of a client: `close`, with DLMS's `{ release: false }` after an abort. */
interface Closable {
  close(options?: { release?: boolean }): Promise<unknown>;
}

function ignore(): void {}

/** `promise`, or a rejection with `signal.reason` as soon as the signal fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(ignore);
      reject(signal.reason);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** What `promise` resolves to within `timeoutMs`, or `undefined` (rejected, or too late). */
async function settledWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a client, waiting at most `timeoutMs` (the close goes on in the background after that).
 * After an abort or timeout the DLMS release (RLRQ) is skipped: the meter may not be answering.
 */
async function closeClient(client: MeterClient, release: boolean, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closing = (async () => {
    const c = client as Closable;
    await (release ? c.close() : c.close({ release: false }));
  })().catch(ignore);
  await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/**
 * Runs one attempt. Never rejects: the outcome carries the typed error. When `signal` fires the
 * outcome's error is its reason (the fleet sets a `TimeoutError` or an `AbortError`), whatever the
 * client threw meanwhile. The client is closed before the returned promise settles.
 */
export async function runAttempt<T>(
  target: FleetTarget,
  signal: AbortSignal,
  context: AttemptContext<T>,
): Promise<AttemptOutcome<T>> {
  const connecting = (async () => context.connect(target, signal))();
  let client: MeterClient | undefined;
  try {
    client = await untilAborted(connecting, signal);
    const connected = client;
    const value = await untilAborted((async () => context.run(connected, target, signal))(), signal);
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      error: signal.aborted ? (signal.reason as MeterlinkError) : asMeterlinkError(error, target.id),
    };
  } finally {
    if (client !== undefined) await closeClient(client, !signal.aborted, context.closeTimeoutMs);
    else {
      // Aborted while connecting: a connector that honours the signal settles at once; a client
      // it still delivers gets closed. One that takes longer is closed in the background.
      const late = await settledWithin(connecting, context.closeTimeoutMs);
      if (late !== undefined) await closeClient(late, false, context.closeTimeoutMs);
      else connecting.then((c) => closeClient(c, false, context.closeTimeoutMs), ignore);
    }
  }
}
