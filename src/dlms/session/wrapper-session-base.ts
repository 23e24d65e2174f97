/**
 * What the wrapper client and server sessions share (spec §5): reading frames from a link (a
 * {@link WrapperFrameDecoder} on byte streams, one frame per datagram on message-oriented links),
 * writing frames, the life cycle and the events.
 *
 * @module
 */

import { abortErrorOf, waitFor } from '../../core/abort.js';
import { DecodeError, EncodeError, InvalidArgumentError, LinkClosedError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { type QuietWrite, quietWriterOf } from '../../core/quiet-write.js';
import {
  decodeWrapperFrame,
  encodeWrapperFrame,
  maxApduOption,
  type WrapperFrame,
} from '../wrapper/wrapper-codec.js';
import { WrapperFrameDecoder } from '../wrapper/wrapper-decoder.js';
import type {
  DlmsSession,
  DlmsSessionEvents,
  ReceivedApdu,
  SessionState,
  SessionWaitOptions,
} from './types.js';

/** What a wrapper session dropped instead of emitting. */
export interface WrapperSessionCounters {
  /** Well-formed frames whose wPorts do not belong to this session (spec §5), dropped. */
  ignored: number;
  /**
   * Datagrams that are not exactly one well-formed wrapper frame (message-oriented links only:
   * wrong version, wrong length, above `maxApduBytes`), dropped.
   */
  malformed: number;
}

/** Options both wrapper sessions take. */
export interface WrapperSessionOptions {
  /**
   * Longest APDU sent or accepted, 1–65 535 octets. A longer APDU to send is refused; a longer
   * one received closes a stream session (`DecodeError`) or is dropped from a datagram link.
   * Default `65535` (what the 16-bit length field can carry, spec §5).
   */
  maxApduBytes?: number;
  /** Default limit of every wait (`open`, `send`), in ms. Default `10_000`. */
  timeoutMs?: number;
}

/** Default of {@link WrapperSessionOptions.timeoutMs}. */
const defaultTimeoutMs = 10_000;

/** The longest delay `setTimeout` honours (2^31 − 1 ms). */
const maxTimerMs = 0x7fffffff;

/** An empty chunk, pushed to surface a failure the decoder stored behind the frames it returned. */
const noBytes = new Uint8Array(0);

/** What `writeFrame` returns once a quiet write took the frame (settled, shared: nothing to wait for). */
const written: Promise<void> = Promise.resolve();

/**
 * Checks a wPort option: an integer 0–65535 (spec §5).
 *
 * @throws {@link InvalidArgumentError} otherwise
 */
export function checkWport(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new InvalidArgumentError(`${name} must be a wPort, an integer 0–65535, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks a duration option: a number of ms > 0 and ≤ 2^31 − 1 (what a timer can wait).
 *
 * @throws {@link InvalidArgumentError} otherwise
 */
export function checkDurationMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= maxTimerMs)) {
    throw new InvalidArgumentError(
      `${name} must be a number of ms > 0 and ≤ ${maxTimerMs}, got ${String(value)}`,
    );
  }
  return value;
}

type Listeners = { [E in keyof DlmsSessionEvents]: Set<DlmsSessionEvents[E]> };

/**
 * A {@link DlmsSession} over the wrapper. Subclasses decide which frames belong to them
 * ({@link WrapperSession.accept}) and which wPorts they send with.
 *
 * Events are dispatched by a small listener table rather than Node's `EventEmitter`, so the
 * session runs unchanged in a browser; a listener added twice is called once.
 *
 * @example
 * ```ts
 * // Its subclasses are what you create: WrapperClientSession (or createClientSession) …
 * const session: WrapperSession = new WrapperClientSession(tcp({ host: '10.0.0.5', port: 4059 }), { client: 16, server: 1 });
 * session.on('apdu', ({ apdu, address }) => console.log(address.client, apdu.length));
 * ```
 */
export abstract class WrapperSession implements DlmsSession {
  /** The framing on the wire. */
  readonly framing = 'wrapper' as const;
  /** Longest APDU sent or accepted (option `maxApduBytes`). */
  readonly maxApduBytes: number;
  /** The link the frames travel on. */
  protected readonly link: Link;
  /** Default limit of every wait, in ms. */
  protected readonly timeoutMs: number;
  /** Incremental decoder of a byte-stream link; `undefined` on message-oriented links. */
  readonly #decoder: WrapperFrameDecoder | undefined;
  /** The link's promise-free write, when it has one (meterlink's TCP links); else `link.write`. */
  readonly #quietWrite: QuietWrite | undefined;
  readonly #counters: WrapperSessionCounters = { ignored: 0, malformed: 0 };
  readonly #listeners: Listeners = { apdu: new Set(), close: new Set() };
  #state: SessionState;
  readonly #onData = (bytes: Uint8Array): void => this.#receive(bytes);
  readonly #onLinkClose = (error?: Error): void =>
    this.finish(
      new LinkClosedError(
        `the link to ${this.link.info.peer} closed`,
        error === undefined ? undefined : { cause: error },
      ),
    );

  /**
   * @throws {@link InvalidArgumentError} for a `maxApduBytes` or `timeoutMs` out of range
   */
  protected constructor(link: Link, options: WrapperSessionOptions) {
    this.link = link;
    this.maxApduBytes = maxApduOption(options);
    if (this.maxApduBytes < 1) throw new InvalidArgumentError('maxApduBytes must be at least 1');
    this.timeoutMs = checkDurationMs('timeoutMs', options.timeoutMs ?? defaultTimeoutMs);
    this.#decoder = link.info.messageOriented
      ? undefined
      : new WrapperFrameDecoder({ maxApduBytes: this.maxApduBytes });
    this.#quietWrite = quietWriterOf(link);
    this.#state = 'idle';
  }

  /** Where the session is in its life cycle. */
  get state(): SessionState {
    return this.#state;
  }

  /** A snapshot of what was dropped so far. */
  get counters(): Readonly<WrapperSessionCounters> {
    return { ...this.#counters };
  }

  /**
   * Opens the link if it is not open yet (nothing goes on the wire: the wrapper has no
   * link-level handshake, spec §2 step 1) and starts receiving. Resolves at once when the session
   * is open. If it fails the session stays `idle` and `open()` may be tried again.
   *
   * @throws {@link LinkClosedError} when the session was closed or the link cannot be reopened,
   *   `LinkError` when the link cannot be opened, {@link TimeoutError} after `timeoutMs`
   *   (default: the session's), {@link AbortError}
   */
  async open(options: SessionWaitOptions = {}): Promise<void> {
    if (this.#state === 'open') return;
    if (this.#state === 'closed') throw new LinkClosedError('the wrapper session is closed');
    this.#state = 'opening';
    try {
      await this.link.open({ timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal });
    } catch (error) {
      if (this.#state === 'opening') this.#state = 'idle';
      throw error;
    }
    this.start();
    // close() may have been called meanwhile, or the link dropped at once.
    if ((this.#state as SessionState) !== 'open')
      throw new LinkClosedError(`the wrapper session to ${this.link.info.peer} closed while opening`);
  }

  /** Sends one APDU; see the subclasses. */
  abstract send(apdu: Uint8Array, options?: SessionWaitOptions): Promise<void>;

  /**
   * Stops using the link: no more `apdu` events, nothing more sent; emits `close` (without
   * error). Nothing goes on the wire (the wrapper has no link-level release, spec §2 step 6) and
   * the link stays open. Idempotent.
   */
  close(_options?: SessionWaitOptions): Promise<void> {
    this.finish(undefined);
    return Promise.resolve();
  }

  /** Adds a listener. */
  on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#listeners[event].add(listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#listeners[event].delete(listener);
    return this;
  }

  /** Number of listeners of `event` (handy in tests to check nothing leaks). */
  listenerCount(event: keyof DlmsSessionEvents): number {
    return this.#listeners[event].size;
  }

  /**
   * Decides whether a well-formed frame belongs to this session: returns what to emit, or
   * `undefined` to drop it (counted as `ignored`). The payload is owned by the session.
   */
  protected abstract accept(frame: WrapperFrame): ReceivedApdu | undefined;

  /** Called once when the session ends, before `close` is emitted (to clear timers). */
  protected ended(): void {}

  /**
   * Starts reading the link; the session is then `open` (ends it at once if the link is not
   * open). Does nothing once open or closed.
   */
  protected start(): void {
    if (this.#state === 'open' || this.#state === 'closed') return;
    this.#state = 'open';
    this.link.on('data', this.#onData);
    this.link.on('close', this.#onLinkClose);
    if (!this.link.isOpen) {
      this.finish(new LinkClosedError(`the link to ${this.link.info.peer} is ${this.link.state}`));
    }
  }

  /** Ends the session (once): stops reading the link and emits `close(error)`. */
  protected finish(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.link.off('data', this.#onData);
    this.link.off('close', this.#onLinkClose);
    this.#decoder?.reset();
    this.ended();
    for (const listener of [...this.#listeners.close]) listener(error);
    this.#listeners.apdu.clear();
    this.#listeners.close.clear();
  }

  /**
   * Writes one frame carrying `apdu` from wPort `source` to wPort `destination`.
   *
   * On a link with a quiet write (meterlink's TCP links, see `core/quiet-write.ts`) the frame is
   * handed over at once, without a promise or a timer per frame: it resolves immediately, and a
   * transport failure closes the link, which ends the session (`close` event). Other links
   * (memory, UDP, …) are written through `link.write`, bounded by the timeout.
   *
   * @throws {@link EncodeError} when `apdu` is longer than `maxApduBytes` (nothing is written),
   *   {@link LinkClosedError} when the session or the link is not open, {@link TimeoutError},
   *   {@link AbortError}, `LinkError` when the transport fails
   */
  protected writeFrame(
    apdu: Uint8Array,
    source: number,
    destination: number,
    options: SessionWaitOptions = {},
  ): Promise<void> {
    if (this.#state !== 'open') {
      return Promise.reject(new LinkClosedError(`cannot send: the wrapper session is ${this.#state}`));
    }
    const n = apdu.length;
    if (n > this.maxApduBytes) {
      return Promise.reject(
        new EncodeError(
          'apdu',
          `${n} octets are more than maxApduBytes (${this.maxApduBytes}); larger APDUs need block transfer (spec §5)`,
        ),
      );
    }
    let frame: Uint8Array;
    try {
      frame = encodeWrapperFrame({ source, destination, payload: apdu });
    } catch (error) {
      return Promise.reject(error);
    }
    const quietWrite = this.#quietWrite;
    if (quietWrite === undefined) {
      return waitFor<void>(
        (resolve, reject) => {
          this.link.write(frame).then(resolve, reject);
          return undefined;
        },
        { timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal },
        this.#sending(n),
      );
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortErrorOf(signal, this.#sending(n)));
    try {
      // Not coalesced: a client has one request outstanding (§12.4), a server answers each as it comes.
      quietWrite(frame, false);
    } catch (error) {
      return Promise.reject(error);
    }
    return written;
  }

  /** What a send is called in its error messages. */
  #sending(octets: number): string {
    return `sending a ${octets}-octet APDU to ${this.link.info.peer}`;
  }

  #receive(bytes: Uint8Array): void {
    if (this.#state !== 'open') return;
    const decoder = this.#decoder;
    if (decoder === undefined) {
      // A datagram is exactly one frame (spec §5): a bad one is dropped, nothing can desynchronise.
      let frame: WrapperFrame;
      try {
        frame = decodeWrapperFrame(bytes, { maxApduBytes: this.maxApduBytes });
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        this.#counters.malformed++;
        return;
      }
      // Copied: the datagram may be shared (a duplicated delivery), the payload is the receiver's.
      this.#deliver({ ...frame, payload: frame.payload.slice() });
      return;
    }
    // A byte stream cannot find the next header after a bad one (spec §5): the session ends.
    let frames: WrapperFrame[];
    try {
      frames = decoder.push(bytes);
    } catch (error) {
      this.finish(error as DecodeError);
      return;
    }
    for (const frame of frames) {
      if (this.#state !== 'open') return;
      this.#deliver(frame);
    }
    if (frames.length === 0 || this.#state !== 'open') return;
    try {
      decoder.push(noBytes); // throws the failure stored behind the frames just returned
    } catch (error) {
      this.finish(error as DecodeError);
    }
  }

  #deliver(frame: WrapperFrame): void {
    const received = this.accept(frame);
    if (received === undefined) {
      this.#counters.ignored++;
      return;
    }
    for (const listener of [...this.#listeners.apdu]) listener(received);
  }
}
