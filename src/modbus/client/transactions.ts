/**
 * The client's transaction engine: slots, matching, timeouts, retries.
 *
 * Two regimes (Modbus spec §9.4, §10, §13):
 * - **pipelined** (MBAP framing): up to `maxInFlight` requests outstanding, each with a unique
 *   16-bit transaction id; responses are matched by id only, so a server may answer out of
 *   order; a response whose id is not outstanding is dropped.
 * - **one at a time** (serial lines, RTU over TCP, lenient MBAP): a single request on the wire;
 *   the answer is matched by address and function code (lenient MBAP: by function code); after a
 *   timeout the engine waits and flushes before the next request so a late answer cannot be
 *   taken for the next one.
 *
 * A request the caller abandoned (abort) keeps its slot until its answer or its timeout: the
 * server is still working on it, and on a bus a new request must not collide with that answer.
 *
 * Timeouts run on one engine timer rather than a timer per request (a `setTimeout` and a
 * `clearTimeout` per request cost about 0.25 µs, more than the request's whole codec work): each
 * transaction has a deadline, and the timer is armed for the earliest one. Answers do not touch the timer;
 * when it fires, it expires what is due and re-arms for the next deadline. A transaction never
 * times out before its deadline on `performance.now()`, and late by no more than a timer's
 * usual lateness.
 *
 * @module
 */

import { abortErrorOf, delay, waitFor } from '../../core/abort.js';
import {
  type DecodeError,
  InvalidArgumentError,
  LinkClosedError,
  ProtocolError,
  TimeoutError,
} from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { type QuietWrite, quietWriterOf } from '../../core/quiet-write.js';
import { createFrameDecoder, encodeFrame, RtuFrameDecoder, rtuTimings } from '../framing/index.js';
import type { FrameDecoder, ModbusFrame } from '../framing/types.js';
import { checkResponse, decodeResponse, encodeRequest, isBroadcastAllowed } from '../pdu/index.js';
import type { ModbusRequest, ModbusResponse } from '../pdu/types.js';
import { ModbusException } from './modbus-exception.js';
import {
  checkRetries,
  checkTimeout,
  type ModbusClientStats,
  type ModbusRequestOptions,
  type ResolvedClientOptions,
} from './options.js';

/** What the engine reports to its owner. */
export interface TransactionEvents {
  /** A frame arrived that no outstanding request wanted. */
  unmatched(frame: ModbusFrame): void;
  /** The decoder dropped bytes. */
  discard(error: DecodeError, bytes: Uint8Array): void;
}

/** One request as the caller made it: what each of its attempts sends, and how it ends. */
interface Call {
  readonly request: ModbusRequest;
  readonly pdu: Uint8Array;
  readonly unitId: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** A broadcast or FC8/04: written, never answered. */
  readonly silent: boolean;
  /** Turns the validated response into what the caller's promise resolves to (default: itself). */
  readonly pick: ((response: ModbusResponse) => unknown) | undefined;
}

/** One attempt on the wire, from the write until its answer, timeout, write failure or link loss. */
interface Transaction {
  readonly call: Call;
  readonly functionCode: number;
  /** Key in `inFlight`: the MBAP transaction id when pipelined, 0 otherwise. */
  readonly key: number;
  /** When it times out (`performance.now()` time). */
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  onAbort: (() => void) | undefined;
  /** The transaction left `inFlight` (answered, timed out, failed). */
  ended: boolean;
  /** The caller's promise is settled (possibly earlier than `ended`, by an abort). */
  callerSettled: boolean;
}

/** A request waiting for a free slot. */
interface Waiter {
  grant(): void;
  fail(error: unknown): void;
}

/** Exception codes worth another attempt: ACKNOWLEDGE, SERVER DEVICE BUSY, GATEWAY TARGET (spec §5.3). */
const retryableExceptions = new Set([0x05, 0x06, 0x0b]);

function isRetryable(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  return error instanceof ModbusException && retryableExceptions.has(error.exceptionCode);
}

function now(): number {
  return performance.now();
}

/** Runs Modbus transactions over one link. Internal to {@link ModbusClient}. */
export class TransactionEngine {
  private readonly inFlight = new Map<number, Transaction>();
  private readonly waiting: Waiter[] = [];
  private readonly decoder: FrameDecoder;
  /** The decoder when it is an RTU one (it needs to be told what answer to expect). */
  private readonly rtuDecoder: RtuFrameDecoder | undefined;
  private readonly pipelined: boolean;
  private readonly mbap: boolean;
  private readonly maxInFlight: number;
  private readonly onBus: boolean;
  private readonly timed: boolean;
  private readonly messageOriented: boolean;
  private readonly quietMs: number;
  /** The link's promise-free write, if it has one (meterlink's TCP links), else `link.write`. */
  private readonly quietWrite: QuietWrite | undefined;
  /** The engine timer (see the module comment); it keeps the process alive only while requests are in flight. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When {@link TransactionEngine.timer} fires. */
  private timerAt = 0;
  /** Frames in the last chunk received: that many callers may be sending their next request now. */
  private framesInLastChunk = 0;
  /** Slots taken: requests in flight plus those granted a slot and about to send. */
  private busy = 0;
  private nextTransactionId = 0;
  /** No frame may be sent before this time (t3.5 after bus activity, turnaround, stale flush). */
  private busReadyAt = 0;
  private flushBeforeSend = false;
  /** Set by {@link TransactionEngine.dispose}: every later request fails with it. */
  private disposed: Error | undefined;

  constructor(
    private readonly link: Link,
    private readonly options: ResolvedClientOptions,
    private readonly stats: ModbusClientStats,
    private readonly events: TransactionEvents,
  ) {
    const info = link.info;
    this.onBus = info.bus;
    this.mbap = options.framing === 'tcp';
    this.pipelined = this.mbap && !options.lenientTransactionId && !info.bus;
    this.maxInFlight = this.pipelined ? options.maxInFlight : 1;
    // Only a real serial port reports arrival times worth using for idle-gap rules (spec §7.2).
    this.timed = info.transport === 'serial';
    this.messageOriented = info.messageOriented;
    this.quietMs = info.baudRate === undefined ? 0 : rtuTimings(info.baudRate).t35Ms;
    // On a bus the engine needs to know when a write completed (bus timing): keep `write` there.
    this.quietWrite = this.onBus ? undefined : quietWriterOf(link);
    this.decoder = createFrameDecoder(options.framing, 'response', {
      onDiscard: (error: DecodeError, bytes: Uint8Array) => {
        this.stats.discarded++;
        this.events.discard(error, bytes);
      },
    });
    this.rtuDecoder = this.decoder instanceof RtuFrameDecoder ? this.decoder : undefined;
    link.on('data', this.onData);
    link.on('close', this.onClose);
  }

  /** Stops listening to the link and fails everything outstanding or queued with `error`. */
  dispose(error: Error): void {
    if (this.disposed !== undefined) return;
    this.disposed = error;
    this.link.off('data', this.onData);
    this.link.off('close', this.onClose);
    for (const waiter of this.waiting.splice(0)) waiter.fail(error);
    this.failAll(error);
  }

  /**
   * Sends `request` to `unitId` and returns the validated response, or `pick(response)` when
   * `pick` is given (`undefined` for a broadcast or FC8/04). Arguments are checked before
   * anything is queued or sent.
   *
   * The common case (free slot, open link, pipelined framing, no retries) runs without a single
   * extra `await`: one promise, which resolves with the caller's result.
   * @throws ModbusException, TimeoutError, AbortError, LinkClosedError, ProtocolError, DecodeError,
   *   EncodeError, InvalidArgumentError
   */
  execute<T = ModbusResponse>(
    request: ModbusRequest,
    unitId: number,
    options: ModbusRequestOptions,
    pick?: (response: ModbusResponse) => T,
  ): Promise<T | undefined> {
    const signal = options.signal;
    let pdu: Uint8Array;
    let silent: boolean;
    let timeoutMs: number;
    let retries: number;
    try {
      if (signal?.aborted) throw abortErrorOf(signal, `${request.type} request`);
      this.checkUnitId(unitId);
      pdu = encodeRequest(request);
      const broadcast = unitId === 0 && options.expectResponse !== true;
      if (broadcast && !options.forceBroadcast && !isBroadcastAllowed(request)) {
        throw new InvalidArgumentError(
          `function ${pdu[0]} cannot be broadcast (unit 0 gets no answer, Modbus spec §6); ` +
            'pass expectResponse: true for a server that answers unit 0, or forceBroadcast: true',
        );
      }
      // FC8/04 Force Listen Only Mode is never answered (spec §4.6): sent like a broadcast.
      silent = broadcast || (request.type === 'diagnostics' && request.subFunction === 4);
      timeoutMs =
        options.timeoutMs === undefined
          ? this.options.timeoutMs
          : checkTimeout('timeoutMs', options.timeoutMs);
      retries = silent
        ? 0
        : options.retries === undefined
          ? this.options.retries
          : checkRetries('retries', options.retries);
    } catch (error) {
      return Promise.reject(error);
    }
    const call: Call = { request, pdu, unitId, timeoutMs, signal, silent, pick };
    const first = this.attempt(call);
    return (retries === 0 ? first : this.retry(first, retries, call)) as Promise<T | undefined>;
  }

  /** Awaits `first`, and sends again after a timeout or a 05/06/0B exception (spec §5.3, §13). */
  private async retry(first: Promise<unknown>, retries: number, call: Call): Promise<unknown> {
    let pending = first;
    for (let attempt = 0; ; attempt++) {
      try {
        return await pending;
      } catch (error) {
        const signal = call.signal;
        if (attempt >= retries || !isRetryable(error) || signal?.aborted || this.disposed) throw error;
        this.stats.retries++;
        if (this.options.retryDelayMs > 0) await delay(this.options.retryDelayMs, signal);
        pending = this.attempt(call);
      }
    }
  }

  private checkUnitId(unitId: number): void {
    if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) {
      throw new InvalidArgumentError(`unit id must be an integer 0–255, got ${unitId}`);
    }
    if (!this.mbap && unitId >= 248 && !this.options.allowReservedAddresses) {
      throw new InvalidArgumentError(
        `serial address ${unitId} is reserved (248–255, Modbus spec §6); set allowReservedAddresses to use it`,
      );
    }
  }

  /** One attempt: takes a slot (queueing if needed), waits for the link and the bus, sends. */
  private attempt(call: Call): Promise<unknown> {
    const acquired = this.tryAcquire();
    if (acquired && this.pipelined && this.link.isOpen) return this.send(call);
    return this.attemptLater(acquired, call);
  }

  /** The slow path of {@link TransactionEngine.attempt}: queue, link reopening, bus timing. */
  private async attemptLater(acquired: boolean, call: Call): Promise<unknown> {
    const { signal, timeoutMs } = call;
    if (!acquired) await this.acquire(signal);
    try {
      if (!this.link.isOpen) await this.ensureOpen(timeoutMs, signal);
      if (!this.pipelined) await this.waitForBus(signal, timeoutMs);
    } catch (error) {
      this.release();
      throw error;
    }
    return this.send(call);
  }

  /** Holding a slot: frames the request, registers it, writes it; settles with its outcome. */
  private send(call: Call): Promise<unknown> {
    const { request, pdu, unitId, signal } = call;
    let key = 0;
    let frame: Uint8Array;
    try {
      if (this.disposed !== undefined) throw this.disposed;
      // Aborted while the slot was being granted or the bus was awaited: nothing was sent yet.
      if (signal?.aborted) throw abortErrorOf(signal, `${request.type} request to unit ${unitId}`);
      let transactionId = 0;
      if (this.mbap) {
        transactionId = this.allocateTransactionId();
        if (this.pipelined) key = transactionId;
      }
      frame = encodeFrame(this.options.framing, { unitId, pdu, transactionId });
    } catch (error) {
      this.release();
      return Promise.reject(error);
    }
    if (call.silent) return this.sendUnanswered(frame);

    const functionCode = pdu[0]!;
    if (this.rtuDecoder !== undefined) {
      // FC8 sub-function 0 answers with exactly what it was sent; other lengths come from the tables.
      const echo = request.type === 'diagnostics' && request.subFunction === 0;
      this.rtuDecoder.expect(
        echo ? { unitId, functionCode, length: pdu.length + 3 } : { unitId, functionCode },
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      const tx: Transaction = {
        call,
        functionCode,
        key,
        deadline: now() + call.timeoutMs,
        resolve,
        reject,
        onAbort: undefined,
        ended: false,
        callerSettled: false,
      };
      if (signal !== undefined) {
        tx.onAbort = () => {
          // The caller stops waiting; the transaction keeps its slot until it ends (see module doc).
          if (tx.callerSettled) return;
          tx.callerSettled = true;
          reject(abortErrorOf(signal, `request for function ${functionCode} to unit ${unitId}`));
        };
        signal.addEventListener('abort', tx.onAbort, { once: true });
      }
      this.inFlight.set(key, tx);
      this.watch(tx.deadline);
      this.stats.requests++;
      this.write(tx, frame);
    });
  }

  /** Writes a registered transaction's frame; a failed write ends the transaction. */
  private write(tx: Transaction, frame: Uint8Array): void {
    const quietWrite = this.quietWrite;
    if (quietWrite === undefined) {
      const failed = (error: unknown): void => this.finish(tx, false, error);
      const written = this.link.write(frame);
      if (this.onBus) written.then(this.onWritten, failed);
      else written.catch(failed);
      return;
    }
    // Pipelined requests are coalesced when more writes are likely in this tick: other requests
    // are in flight (a caller is issuing a batch), or the last chunk answered several (their
    // callers are sending their next requests now). MBAP ADUs may share a TCP segment: a server
    // splits them by the length field (spec §9.4). A lone request is written at once, and
    // one-at-a-time framings (RTU over TCP, spec §10) never coalesce.
    try {
      quietWrite(frame, this.pipelined && (this.inFlight.size > 1 || this.framesInLastChunk > 1));
    } catch (error) {
      this.finish(tx, false, error);
    }
  }

  /**
   * Broadcasts and FC8/04: written, and done — nothing is awaited. On a serial line the
   * turnaround delay then holds the bus, so the *next* request waits for it (spec §6).
   */
  private async sendUnanswered(frame: Uint8Array): Promise<undefined> {
    try {
      this.stats.requests++;
      await this.link.write(frame);
      if (!this.mbap) {
        const readyAt = now() + Math.max(this.options.broadcastDelayMs, this.quietMs);
        if (readyAt > this.busReadyAt) this.busReadyAt = readyAt;
      }
    } finally {
      this.release();
    }
    return undefined;
  }

  /** Takes a slot at once when one is free and nobody queues; `false` otherwise. */
  private tryAcquire(): boolean {
    if (this.disposed !== undefined || this.busy >= this.maxInFlight || this.waiting.length > 0) return false;
    this.busy++;
    return true;
  }

  /** Queues for a slot (FIFO). */
  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.disposed !== undefined) return Promise.reject(this.disposed);
    return waitFor<void>(
      (resolve, reject) => {
        const waiter: Waiter = {
          grant: () => {
            this.busy++;
            resolve();
          },
          fail: reject,
        };
        this.waiting.push(waiter);
        return () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
        };
      },
      signal === undefined ? {} : { signal },
      'waiting for a free transaction slot',
    );
  }

  private release(): void {
    this.busy--;
    while (this.waiting.length > 0 && this.busy < this.maxInFlight) this.waiting.shift()!.grant();
  }

  /** Waits (at most `timeoutMs`) for a link that is opening or reconnecting. */
  private ensureOpen(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const link = this.link;
    const state = link.state;
    if (state !== 'opening' && state !== 'reconnecting') {
      return Promise.reject(new LinkClosedError(`link to ${link.info.peer} is ${state}, not open`));
    }
    return waitFor<void>(
      (resolve, reject) => {
        const onClose = (): void => {
          if (link.state === 'closed') reject(new LinkClosedError(`link to ${link.info.peer} closed`));
        };
        link.on('open', resolve);
        link.on('close', onClose);
        return () => {
          link.off('open', resolve);
          link.off('close', onClose);
        };
      },
      signal === undefined ? { timeoutMs } : { timeoutMs, signal },
      `link to ${link.info.peer} to reopen`,
    );
  }

  /**
   * One-at-a-time regime: keep t3.5 of silence after the last byte on a bus, the turnaround
   * delay after a broadcast and the stale-flush delay after a timeout; then drop whatever partial
   * frame a late answer left behind (spec §7.2, §10, §13).
   */
  private async waitForBus(signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
    // Loop: bytes arriving during the wait push the limit further; Node timers have 1 ms steps.
    // A line that never falls quiet (a babbling device) gives up after the longest legitimate
    // wait plus the request's timeout.
    const o = this.options;
    const limit = Math.max(o.broadcastDelayMs, o.staleFlushMs) + this.quietMs + timeoutMs;
    const start = now();
    for (let wait = this.busReadyAt - now(); wait > 0; wait = this.busReadyAt - now()) {
      if (now() - start > limit) throw new TimeoutError('waiting for the line to fall quiet', limit);
      await delay(Math.ceil(wait), signal);
    }
    if (this.flushBeforeSend) {
      this.flushBeforeSend = false;
      // An MBAP stream (lenient mode) is self-delimiting and cannot be cut: complete stale
      // answers were already dropped as unmatched while nothing was in flight.
      if (!this.mbap) this.decoder.reset();
    }
  }

  private noteBusActivity(): void {
    const readyAt = now() + this.quietMs;
    if (readyAt > this.busReadyAt) this.busReadyAt = readyAt;
  }

  private readonly onWritten = (): void => this.noteBusActivity();

  private allocateTransactionId(): number {
    // Unique among outstanding requests, wrapping 0xFFFF → 0 (spec §9.4).
    do this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff;
    while (this.inFlight.has(this.nextTransactionId));
    return this.nextTransactionId;
  }

  /** Makes the engine timer fire by `deadline`, for a transaction just added to `inFlight`. */
  private watch(deadline: number): void {
    const timer = this.timer;
    if (timer === undefined || deadline < this.timerAt) {
      if (timer !== undefined) clearTimeout(timer);
      this.arm(deadline);
    } else if (this.inFlight.size === 1) {
      timer.ref(); // unref'd while nothing was in flight
    }
  }

  private arm(at: number): void {
    this.timerAt = at;
    // Node timers have 1 ms steps and may fire a little early: `onTimer` re-checks the clock.
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(at - now())));
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Expires every transaction whose deadline has passed, earliest deadline first (a timer that
   * fired late finds several due), and re-arms for the earliest other one.
   */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    const t = now();
    let next = Number.POSITIVE_INFINITY;
    const due: Transaction[] = [];
    for (const tx of this.inFlight.values()) {
      if (tx.deadline <= t) due.push(tx);
      else if (tx.deadline < next) next = tx.deadline;
    }
    if (due.length > 1) due.sort((a, b) => a.deadline - b.deadline);
    for (const tx of due) this.expire(tx);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  };

  private expire(tx: Transaction): void {
    this.stats.timeouts++;
    if (!this.pipelined) {
      this.busReadyAt = Math.max(this.busReadyAt, now() + this.options.staleFlushMs);
      this.flushBeforeSend = true;
    }
    const { unitId, timeoutMs } = tx.call;
    this.finish(
      tx,
      false,
      new TimeoutError(`response to function ${tx.functionCode} from unit ${unitId}`, timeoutMs),
    );
  }

  private finish(tx: Transaction, ok: boolean, outcome: unknown): void {
    if (tx.ended) return;
    tx.ended = true;
    if (tx.onAbort !== undefined) tx.call.signal!.removeEventListener('abort', tx.onAbort);
    this.inFlight.delete(tx.key);
    // The timer stays armed for the next requests, but must not keep the process alive alone.
    if (this.inFlight.size === 0) this.timer?.unref();
    this.release();
    if (tx.callerSettled) return;
    tx.callerSettled = true;
    if (ok) tx.resolve(outcome);
    else tx.reject(outcome);
  }

  private failAll(error: Error): void {
    for (const tx of [...this.inFlight.values()]) this.finish(tx, false, error);
    this.stopTimer();
    this.decoder.reset();
  }

  private readonly onClose = (error?: Error): void => {
    this.failAll(
      new LinkClosedError(`link to ${this.link.info.peer} closed${error ? `: ${error.message}` : ''}`, {
        cause: error,
      }),
    );
  };

  private readonly onData = (chunk: Uint8Array): void => {
    let frames: ModbusFrame[];
    try {
      frames = this.decoder.push(chunk, this.timed ? now() : undefined);
    } catch (error) {
      // An MBAP length outside 2–254: the stream cannot be resynchronised (spec §9.2).
      this.failAll(error as Error);
      void this.link.close();
      return;
    }
    // A datagram is a whole message: never carry a partial one over to the next datagram.
    if (this.messageOriented && this.decoder.pending > 0) this.decoder.reset();
    if (this.onBus) this.noteBusActivity();
    this.framesInLastChunk = frames.length;
    for (let i = 0; i < frames.length; i++) this.dispatch(frames[i]!);
  };

  private dispatch(frame: ModbusFrame): void {
    const tx = this.match(frame);
    if (tx === undefined) {
      this.stats.unmatched++;
      this.events.unmatched(frame);
      return;
    }
    this.stats.responses++;
    try {
      const { request, pick } = tx.call;
      const pdu = frame.pdu;
      const fc = pdu[0]!;
      // A raw request gets the raw answer, even for a public function code (whose typed decoding
      // would have no `data`); exceptions are still decoded.
      const response: ModbusResponse =
        request.type === 'raw' && fc < 0x80
          ? { type: 'raw', functionCode: fc, data: pdu.subarray(1) }
          : decodeResponse(pdu);
      if (response.type === 'exception') {
        if (response.functionCode !== tx.functionCode) {
          throw new ProtocolError(
            `exception for function ${response.functionCode} answered a request for function ${tx.functionCode}`,
          );
        }
        this.stats.exceptions++;
        throw new ModbusException({
          functionCode: response.functionCode,
          exceptionCode: response.exceptionCode,
          unitId: tx.call.unitId,
        });
      }
      const checked = checkResponse(request, response);
      this.finish(tx, true, pick === undefined ? checked : pick(checked));
    } catch (error) {
      this.finish(tx, false, error);
    }
  }

  private match(frame: ModbusFrame): Transaction | undefined {
    if (this.pipelined) return this.inFlight.get(frame.transactionId ?? -1);
    const tx = this.inFlight.get(0);
    if (tx === undefined) return undefined;
    const fc = frame.pdu[0]! & 0x7f;
    // Lenient MBAP: the only outstanding request, if the function code fits (a late answer to an
    // earlier request usually does not).
    if (this.mbap) return fc === tx.functionCode ? tx : undefined;
    // Serial and RTU over TCP: same address and the request's function code (or its exception);
    // anything else is ignored and the timeout keeps running (spec §6).
    return frame.unitId === tx.call.unitId && fc === tx.functionCode ? tx : undefined;
  }
}
