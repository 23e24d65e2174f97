/**
 * The state machine every concrete link shares.
 *
 * @module
 */

import { delay, type WaitOptions, waitFor } from '../core/abort.js';
import { LinkClosedError, LinkError, MeterlinkError } from '../core/errors.js';
import type { Link, LinkInfo, LinkOpenOptions, LinkState } from '../core/link.js';
import { backoffDelay, type ReconnectPolicy } from './backoff.js';
import { LinkEmitter } from './link-emitter.js';
import { messageOf } from './peer.js';

/** Construction options of a {@link BaseLink}. */
export interface BaseLinkOptions {
  /** Static facts about the link. */
  info: LinkInfo;
  /** Open (and reconnect-attempt) timeout used when `open()` gets no `timeoutMs`. Default: none. */
  openTimeoutMs?: number | undefined;
  /** Reconnect policy after an unexpected drop; `undefined` = close for good. */
  reconnect?: ReconnectPolicy | undefined;
  /**
   * `'open'` for links that exist only once their transport is up (an accepted socket, a memory
   * end); they cannot be opened again once closed. Default `'idle'`.
   */
  initialState?: 'idle' | 'open';
}

/**
 * Base class of the links in `meterlink`: it owns the life cycle (`idle → opening → open →
 * closed`, with `reconnecting` between a drop and the next `open`), the events, the open
 * timeout and abort handling and the reconnect loop, so a transport only supplies four hooks.
 *
 * A subclass implements
 * - {@link BaseLink.connect}: acquire the transport (called by `open()` and by every reconnect attempt);
 * - {@link BaseLink.disconnect}: release it, whatever state it is in (connecting or connected); idempotent;
 * - {@link BaseLink.send}: hand bytes to it;
 *
 * and calls {@link BaseLink.received} for incoming bytes, {@link BaseLink.lost} when the
 * transport went away on its own, and {@link BaseLink.reportError} for non-fatal problems.
 *
 * Guarantees: `close` is emitted only by a link that was open (or reconnecting); `data` is
 * emitted only while open; `state` is updated before the event that reports the change, so a
 * `close` listener can tell a drop that will be retried (`state === 'reconnecting'`) from the end.
 *
 * @example
 * ```ts
 * class LoopbackLink extends BaseLink {
 *   constructor() {
 *     super({ info: { transport: 'memory', messageOriented: true, bus: false, peer: 'loopback' } });
 *   }
 *   protected async connect(): Promise<void> {}
 *   protected async disconnect(): Promise<void> {}
 *   protected async send(bytes: Uint8Array): Promise<void> {
 *     setImmediate(() => this.received(bytes.slice()));
 *   }
 * }
 * ```
 */
export abstract class BaseLink extends LinkEmitter implements Link {
  /** Facts about the transport. */
  readonly info: LinkInfo;
  #state: LinkState;
  readonly #reopenable: boolean;
  readonly #openTimeoutMs: number | undefined;
  readonly #reconnect: ReconnectPolicy | undefined;
  /** Aborts the connect attempt in progress (initial open or reconnect). */
  #attempt: AbortController | undefined;
  /** Stops the reconnect loop. */
  #reconnectStop: AbortController | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  protected constructor(options: BaseLinkOptions) {
    super();
    this.info = options.info;
    this.#state = options.initialState ?? 'idle';
    this.#reopenable = this.#state === 'idle';
    this.#openTimeoutMs = options.openTimeoutMs;
    this.#reconnect = options.reconnect;
  }

  /** Where the link is in its life cycle. */
  get state(): LinkState {
    return this.#state;
  }

  /** `true` when `state` is `open`. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /**
   * Opens the link; resolves at once if it is open. While it is opening, the caller joins that
   * attempt; while it is reconnecting, the caller waits for the next successful reconnect. A
   * closed link can be opened again (except accepted connections and memory ends).
   *
   * @throws {@link LinkError} when the transport cannot be opened (`cause` = the OS error),
   *   {@link TimeoutError} after `timeoutMs` (default: the link's connect timeout),
   *   {@link AbortError} when `signal` fires, {@link LinkClosedError} when `close()` is called meanwhile
   */
  open(options: LinkOpenOptions = {}): Promise<void> {
    const what = `opening ${this.info.peer}`;
    switch (this.#state) {
      case 'open':
        return Promise.resolve();
      case 'opening': {
        const pending = this.#opening!;
        return waitFor<void>((resolve, reject) => void pending.then(resolve, reject), options, what);
      }
      case 'reconnecting':
        return this.#waitReconnected(options);
      default:
        if (!this.#reopenable && this.#state === 'closed') {
          return Promise.reject(new LinkClosedError(`${this.info.peer} is closed and cannot be reopened`));
        }
        this.#state = 'opening';
        this.#opening = this.#openNow(options).finally(() => {
          this.#opening = undefined;
        });
        return this.#opening;
    }
  }

  /**
   * Sends bytes (one datagram on message-oriented links).
   * @throws {@link LinkClosedError} when the link is not open, {@link LinkError} when the transport fails
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#state !== 'open') {
      return Promise.reject(
        new LinkClosedError(`cannot write to ${this.info.peer}: the link is ${this.#state}`),
      );
    }
    return this.send(bytes).catch((error: unknown) => {
      if (error instanceof MeterlinkError) throw error;
      throw new LinkError(`writing to ${this.info.peer} failed: ${messageOf(error)}`, { cause: error });
    });
  }

  /**
   * Closes the link for good: stops any reconnect loop, aborts an open in progress and releases
   * the transport. Idempotent; emits `close` (without error) if the link was open or reconnecting.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const previous = this.#state;
    this.#state = 'closed';
    if (previous === 'idle' || previous === 'closed') return Promise.resolve();
    this.#reconnectStop?.abort();
    this.#attempt?.abort();
    this.#closing = (async () => {
      try {
        await this.disconnect();
      } catch (error) {
        this.reportError(
          new LinkError(`closing ${this.info.peer} failed: ${messageOf(error)}`, { cause: error }),
        );
      } finally {
        this.#closing = undefined;
      }
      if (previous === 'open' || previous === 'reconnecting') this.emit('close');
    })();
    return this.#closing;
  }

  /**
   * Acquires the transport. Called by `open()` and by each reconnect attempt; resolves when bytes
   * can be written. `signal` fires when the attempt is abandoned (timeout, abort, `close()`);
   * `disconnect()` is always called after a failed attempt, so the subclass may rely on it.
   */
  protected abstract connect(signal: AbortSignal): Promise<void>;

  /** Releases the transport, whatever state it is in; must be idempotent and must not throw for "already closed". */
  protected abstract disconnect(): Promise<void>;

  /** Hands bytes to the transport; called only while the link is open. */
  protected abstract send(bytes: Uint8Array): Promise<void>;

  /** Delivers bytes from the transport as a `data` event (dropped unless the link is open). */
  protected received(bytes: Uint8Array): void {
    if (this.#state === 'open') this.emit('data', bytes);
  }

  /** Reports a non-fatal problem as an `error` event (dropped when nobody listens). */
  protected reportError(error: Error): void {
    this.emit('error', error);
  }

  /**
   * The transport went away on its own (peer closed, cable pulled, idle expiry …). Emits
   * `close(error)`, then either reconnects (if the link has a policy) or stays closed. Ignored
   * unless the link is open. Resolves when the transport is released (or reconnecting started).
   */
  protected lost(error: Error): Promise<void> {
    if (this.#state !== 'open') return Promise.resolve();
    const policy = this.#reconnect;
    const released = this.disconnect().catch(() => undefined);
    if (policy === undefined || policy.maxAttempts < 1) {
      this.#state = 'closed';
      this.emit('close', error);
      return released;
    }
    this.#state = 'reconnecting';
    const stop = new AbortController();
    this.#reconnectStop = stop;
    this.emit('close', error);
    void released.then(() => this.#reconnectLoop(policy, stop.signal, error));
    return released;
  }

  async #openNow(options: LinkOpenOptions): Promise<void> {
    try {
      if (this.#closing) await this.#closing;
      await this.#connectOnce({
        timeoutMs: options.timeoutMs ?? this.#openTimeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      if (this.#state !== 'opening') {
        throw new LinkClosedError(`${this.info.peer} was closed while opening`, { cause: error });
      }
      this.#state = 'closed';
      throw error;
    }
    if (this.#state !== 'opening') throw new LinkClosedError(`${this.info.peer} was closed while opening`);
    this.#state = 'open';
    this.emit('open');
  }

  /** One connect attempt bounded by `wait`; on failure the transport is released. */
  async #connectOnce(wait: WaitOptions): Promise<void> {
    const attempt = new AbortController();
    this.#attempt = attempt;
    try {
      await waitFor<void>(
        (resolve, reject) => void this.connect(attempt.signal).then(resolve, reject),
        wait,
        `opening ${this.info.peer}`,
      );
    } catch (error) {
      attempt.abort(error);
      await this.disconnect().catch(() => undefined);
      if (error instanceof MeterlinkError) throw error;
      throw new LinkError(`cannot open ${this.info.peer}: ${messageOf(error)}`, { cause: error });
    } finally {
      if (this.#attempt === attempt) this.#attempt = undefined;
    }
  }

  async #reconnectLoop(policy: ReconnectPolicy, stop: AbortSignal, cause: Error): Promise<void> {
    let last: unknown = cause;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      try {
        await delay(backoffDelay(attempt, policy), stop);
      } catch {
        return; // close() was called
      }
      try {
        await this.#connectOnce({ timeoutMs: this.#openTimeoutMs, signal: stop });
      } catch (error) {
        if (stop.aborted) return;
        last = error;
        this.reportError(
          new LinkError(`reconnect attempt ${attempt} to ${this.info.peer} failed: ${messageOf(error)}`, {
            cause: error,
          }),
        );
        continue;
      }
      if (stop.aborted) return;
      this.#reconnectStop = undefined;
      this.#state = 'open';
      this.emit('open');
      return;
    }
    this.#reconnectStop = undefined;
    this.#state = 'closed';
    this.emit(
      'close',
      new LinkError(`gave up reconnecting to ${this.info.peer} after ${policy.maxAttempts} attempts`, {
        cause: last,
      }),
    );
  }

  #waitReconnected(options: LinkOpenOptions): Promise<void> {
    return waitFor<void>(
      (resolve, reject) => {
        const onOpen = (): void => resolve();
        const onClose = (): void => {
          if (this.#state === 'closed')
            reject(new LinkClosedError(`${this.info.peer} closed while reconnecting`));
        };
        this.on('open', onOpen);
        this.on('close', onClose);
        return () => {
          this.off('open', onOpen);
          this.off('close', onClose);
        };
      },
      options,
      `reconnecting to ${this.info.peer}`,
    );
  }
}
