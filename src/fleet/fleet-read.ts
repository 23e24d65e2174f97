/**
 * `FleetRead`: the scheduler behind `readFleet` — pulls meters from the input, starts them under
 * the concurrency, per-gateway and backpressure limits, retries with backoff, and hands results to
 * the consumer as they complete.
 *
 * @module
 */

import { abortErrorOf } from '../core/abort.js';
import { AbortError, InvalidArgumentError, type MeterlinkError, TimeoutError } from '../core/errors.js';
import { Listeners } from '../dlms/client/listeners.js';
import { backoffDelay } from '../links/backoff.js';
import { type FleetMeterRef, type FleetTarget, resolveMeter } from './fleet-meter.js';
import type { ResolvedFleetOptions } from './fleet-options.js';
import type { PlanRunner } from './fleet-plan.js';
import type { FleetProgress, FleetResult } from './fleet-result.js';
import { PendingMeters } from './pending-meters.js';
import { type AttemptOutcome, runAttempt } from './run-attempt.js';

/** Events of a {@link FleetRead}. */
export type FleetReadEvents = {
  /** The counters changed: a meter started, finished, or is waiting to retry. */
  progress: (progress: FleetProgress) => void;
};

/** The meters (or URLs) `readFleet` reads: any iterable or async iterable. */
export type FleetInput<M> = Iterable<M> | AsyncIterable<M>;

/** @internal Connections the meters of one read share: closed when idle, and at the end. */
export interface SharedConnections {
  /** Closes them while no meter uses them; they open again on demand. */
  closeIdle(): Promise<void>;
  /** Closes them for good. */
  close(): Promise<void>;
}

interface Job {
  readonly index: number;
  readonly key: string;
  readonly target: FleetTarget;
  readonly ref: FleetMeterRef;
  attempts: number;
  startedAt: number;
  startedAtDate: Date;
}

type Step = IteratorResult<unknown>;

/**
 * A fleet read in progress: an async iterable of one {@link FleetResult} per meter, in the order
 * they complete, with `progress` events. Nothing starts until iteration begins (listeners added
 * before the `for await` see every event); it can be iterated once.
 *
 * Leaving the `for await` early (`break`, `return`, a throw) stops the read: no new meter starts,
 * running ones are aborted, and every client is closed before the loop exits.
 *
 * @example
 * ```ts
 * const read = readFleet(urls, [{ obis: '1.0.1.8.0.255', name: 'energy' }], { concurrency: 16 });
 * read.on('progress', ({ done, total }) => process.stderr.write(`\r${done}/${total ?? '?'}`));
 * for await (const r of read) console.log(r.meter.id, r.ok ? r.value.energy : r.error.message);
 * ```
 */
export class FleetRead<T> implements AsyncIterable<FleetResult<T>> {
  readonly #listeners = new Listeners<FleetReadEvents>();
  readonly #input: FleetInput<unknown>;
  readonly #plan: PlanRunner<T>;
  readonly #options: ResolvedFleetOptions;
  readonly #pending = new PendingMeters<Job>();
  readonly #results: FleetResult<T>[] = [];
  readonly #gatewayRunning = new Map<string, number>();
  /** Attempts in progress, settled once their client is closed. */
  readonly #attempts = new Set<Promise<void>>();
  /** Backoff timers of meters waiting to retry. */
  readonly #backoffs = new Map<Job, ReturnType<typeof setTimeout>>();
  /** Fires when the read stops (abort, early exit, failed input): aborts every attempt. */
  readonly #stop = new AbortController();
  /**
   * Controllers of the running attempts: `#halt` aborts them (one listener per attempt on the
   * shared stop signal would trip Node's listener-leak warning above 10 meters in flight).
   */
  readonly #running = new Set<AbortController>();
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined;
  #iterating = false;
  #pulling = false;
  #inputDone = false;
  #seen = 0;
  #total: number | undefined;
  #done = 0;
  #failed = 0;
  #inputError: { error: unknown } | undefined;
  /** The consumer left: results are dropped. */
  #closed = false;
  #wake: (() => void)[] = [];

  /** What the read shares between meters (its tunnel head-ends). */
  readonly #shared: SharedConnections | undefined;
  /** Closes the shared connections while nothing runs (see `sharedIdleCloseMs`). */
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The end of the read: listeners removed, shared connections closed. */
  #released: Promise<void> | undefined;

  /** @internal Use `readFleet`. */
  constructor(
    input: FleetInput<unknown>,
    plan: PlanRunner<T>,
    options: ResolvedFleetOptions,
    shared?: SharedConnections,
  ) {
    this.#input = input;
    this.#shared = shared;
    this.#plan = plan;
    this.#options = options;
    if (Array.isArray(input)) this.#total = input.length;
  }

  /** The current counters. */
  get progress(): FleetProgress {
    return {
      done: this.#done,
      failed: this.#failed,
      running: this.#attempts.size,
      retrying: this.#backoffs.size,
      total: this.#total,
    };
  }

  /** Adds a listener. */
  on<E extends keyof FleetReadEvents>(event: E, listener: FleetReadEvents[E]): this {
    this.#listeners.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof FleetReadEvents>(event: E, listener: FleetReadEvents[E]): this {
    this.#listeners.off(event, listener);
    return this;
  }

  /**
   * Starts the read and returns its iterator.
   * @throws InvalidArgumentError when called a second time (a fleet read runs once)
   */
  [Symbol.asyncIterator](): AsyncIterator<FleetResult<T>> {
    if (this.#iterating) throw new InvalidArgumentError('a fleet read can be iterated only once');
    this.#iterating = true;
    const signal = this.#options.signal;
    if (signal?.aborted) this.#halt(abortErrorOf(signal, 'fleet read'));
    else {
      signal?.addEventListener('abort', this.#onAbort, { once: true });
      const input = this.#input;
      try {
        this.#iterator =
          Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input[Symbol.iterator]();
      } catch (error) {
        this.#failInput(error);
      }
      this.#pump();
    }
    return {
      next: () => this.#next(),
      return: () => this.#return(),
    };
  }

  readonly #onAbort = (): void => {
    this.#halt(abortErrorOf(this.#options.signal!, 'fleet read'));
  };

  async #next(): Promise<IteratorResult<FleetResult<T>>> {
    for (;;) {
      const result = this.#results.shift();
      if (result !== undefined) {
        this.#pump(); // a queued result was taken: backpressure may have eased
        return { value: result, done: false };
      }
      if (this.#finished) {
        await this.#release();
        const failure = this.#inputError;
        this.#inputError = undefined;
        if (failure !== undefined) throw failure.error;
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  async #return(): Promise<IteratorResult<FleetResult<T>>> {
    this.#closed = true;
    this.#results.length = 0;
    this.#halt(new AbortError('fleet read stopped'));
    await Promise.all(this.#attempts);
    await this.#release();
    return { value: undefined, done: true };
  }

  /** No attempt running, nothing waiting, and nothing more to take from the input. */
  get #finished(): boolean {
    if (this.#attempts.size > 0 || this.#backoffs.size > 0) return false;
    return this.#stop.signal.aborted || (this.#inputDone && this.#pending.size === 0 && !this.#pulling);
  }

  /**
   * The read is over: listeners removed, shared connections closed (before the consumer hears of
   * it, and also when it never asks again). Runs once.
   */
  #release(): Promise<void> {
    this.#released ??= (async () => {
      clearTimeout(this.#idleTimer);
      this.#options.signal?.removeEventListener('abort', this.#onAbort);
      await this.#shared?.close().catch(() => undefined);
    })();
    return this.#released;
  }

  /**
   * After a pump: at the end, release at once; while nothing runs but the read is not over, close
   * the shared connections after `sharedIdleCloseMs`; while something runs, keep them.
   */
  #watchIdle(): void {
    if (this.#attempts.size > 0) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    } else if (this.#finished) {
      void this.#release();
    } else if (this.#shared !== undefined && this.#idleTimer === undefined && this.#released === undefined) {
      const shared = this.#shared;
      this.#idleTimer = setTimeout(() => {
        this.#idleTimer = undefined;
        void shared.closeIdle().catch(() => undefined);
      }, this.#options.sharedIdleCloseMs);
      // Never what keeps a process alive: a consumer that walked away leaves nothing open.
      this.#idleTimer.unref?.();
    }
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  #emitProgress(): void {
    this.#listeners.emit('progress', this.progress);
  }

  /** Starts what the limits allow, pulling more meters from the input as needed. */
  #pump(): void {
    const o = this.#options;
    while (
      !this.#stop.signal.aborted &&
      this.#attempts.size < o.concurrency &&
      this.#results.length < o.highWaterMark
    ) {
      const job = this.#pending.take((key) => (this.#gatewayRunning.get(key) ?? 0) < o.perGatewayConcurrency);
      if (job !== undefined) {
        this.#start(job);
        continue;
      }
      if (this.#inputDone || this.#pulling || this.#pending.size >= o.lookahead || !this.#pull()) break;
    }
    this.#watchIdle();
    this.#notify();
  }

  /** Takes the next input entry; `true` when it was taken at once (sync input) and more may follow. */
  #pull(): boolean {
    let step: Step | Promise<Step>;
    try {
      step = this.#iterator!.next();
    } catch (error) {
      this.#failInput(error);
      return false;
    }
    if (step instanceof Promise) {
      this.#pulling = true;
      step.then(
        (s) => {
          this.#pulling = false;
          this.#accept(s);
          this.#pump();
        },
        (error: unknown) => {
          this.#pulling = false;
          this.#failInput(error);
        },
      );
      return false;
    }
    this.#accept(step);
    return true;
  }

  #accept(step: Step): void {
    if (this.#stop.signal.aborted) return;
    if (step.done === true) {
      this.#inputDone = true;
      this.#total = this.#seen;
      this.#emitProgress();
      return;
    }
    const index = this.#seen++;
    const resolved = resolveMeter(step.value, index, this.#options.connectOptions);
    if (!resolved.ok) {
      this.#finish(resolved.ref, { ok: false, error: resolved.error }, 0, Date.now());
      return;
    }
    const { target, ref } = resolved;
    const wanted = this.#plan.protocol;
    if (wanted !== undefined && target.url.protocol !== wanted) {
      const error = new InvalidArgumentError(
        `meter ${ref.id}: a ${wanted === 'dlms' ? 'DLMS' : 'Modbus'} plan cannot read a ${target.url.protocol} meter`,
      );
      this.#finish(ref, { ok: false, error }, 0, Date.now());
      return;
    }
    let key: string;
    try {
      key = this.#options.gatewayKey(target);
    } catch (error) {
      const typed = new InvalidArgumentError(`meter ${ref.id}: gatewayKey failed`, { cause: error });
      this.#finish(ref, { ok: false, error: typed }, 0, Date.now());
      return;
    }
    this.#pending.add({ index, key, target, ref, attempts: 0, startedAt: 0, startedAtDate: new Date(0) });
  }

  #start(job: Job): void {
    const o = this.#options;
    if (job.attempts === 0) {
      job.startedAt = Date.now();
      job.startedAtDate = new Date(job.startedAt);
    }
    job.attempts++;
    this.#gatewayRunning.set(job.key, (this.#gatewayRunning.get(job.key) ?? 0) + 1);
    const controller = new AbortController();
    this.#running.add(controller);
    const timer = setTimeout(
      () => controller.abort(new TimeoutError(`reading meter ${job.ref.id}`, o.timeoutMs)),
      o.timeoutMs,
    );
    const attempt = runAttempt(job.target, controller.signal, {
      connect: o.connect,
      run: this.#plan.run,
      closeTimeoutMs: o.closeTimeoutMs,
    }).then((outcome) => {
      clearTimeout(timer);
      this.#running.delete(controller);
      this.#attempts.delete(attempt);
      const running = (this.#gatewayRunning.get(job.key) ?? 1) - 1;
      if (running === 0) this.#gatewayRunning.delete(job.key);
      else this.#gatewayRunning.set(job.key, running);
      this.#settle(job, outcome);
    });
    this.#attempts.add(attempt);
    this.#emitProgress();
  }

  /** An attempt ended: retry after a backoff, or publish the result. */
  #settle(job: Job, outcome: AttemptOutcome<T>): void {
    const o = this.#options;
    if (
      !outcome.ok &&
      !this.#stop.signal.aborted &&
      job.attempts <= o.retries &&
      this.#retryable(outcome.error, job.attempts)
    ) {
      const timer = setTimeout(
        () => {
          this.#backoffs.delete(job);
          this.#pending.add(job);
          this.#pump();
        },
        backoffDelay(job.attempts, o.backoff),
      );
      this.#backoffs.set(job, timer);
      this.#emitProgress();
      this.#pump();
      return;
    }
    this.#finish(job.ref, outcome, job.attempts, job.startedAt);
    this.#pump();
  }

  #retryable(error: MeterlinkError, attempt: number): boolean {
    try {
      return this.#options.retryIf(error, attempt);
    } catch {
      return false;
    }
  }

  #finish(ref: FleetMeterRef, outcome: AttemptOutcome<T>, attempts: number, startedAt: number): void {
    this.#done++;
    if (!outcome.ok) this.#failed++;
    if (!this.#closed) {
      const base = {
        meter: ref,
        startedAt: new Date(startedAt),
        durationMs: Date.now() - startedAt,
        attempts,
      };
      this.#results.push(
        outcome.ok
          ? { ...base, ok: true, value: outcome.value }
          : { ...base, ok: false, error: outcome.error },
      );
    }
    this.#emitProgress();
    this.#notify();
  }

  /**
   * Stops the read: nothing new starts, running attempts abort with `reason`, meters waiting to
   * retry end with it, the input is told to finish.
   */
  #halt(reason: MeterlinkError): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort(reason);
    for (const controller of this.#running) controller.abort(reason);
    this.#pending.clear();
    for (const [job, timer] of this.#backoffs) {
      clearTimeout(timer);
      this.#backoffs.delete(job);
      this.#finish(job.ref, { ok: false, error: reason }, job.attempts, job.startedAt);
    }
    const iterator = this.#iterator;
    if (!this.#inputDone && iterator?.return !== undefined) {
      this.#inputDone = true;
      try {
        Promise.resolve(iterator.return()).catch(() => undefined);
      } catch {
        // The input's own cleanup failed: nothing more to do with it.
      }
    }
    this.#notify();
  }

  #failInput(error: unknown): void {
    this.#inputError = { error };
    this.#inputDone = true;
    this.#halt(new AbortError('fleet read stopped: the meter list failed', { cause: error }));
  }
}
