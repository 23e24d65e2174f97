/**
 * Fault injection: a link wrapper that drops, corrupts, duplicates and delays chunks.
 *
 * @module
 */

import { InvalidArgumentError } from '../core/errors.js';
import type { Link, LinkInfo, LinkOpenOptions, LinkState } from '../core/link.js';
import { LinkEmitter } from './link-emitter.js';
import { checkNumber, checkRate } from './validate.js';

/** Which traffic {@link faulty} tampers with: incoming `data`, outgoing `write`s, or both. */
export type FaultDirection = 'receive' | 'send' | 'both';

/** Options of {@link faulty}. Probabilities are per chunk (one `data` event or one `write`). */
export interface FaultOptions {
  /** Probability that a chunk is lost. Default `0`. */
  drop?: number;
  /** Probability that one random bit of a chunk is flipped (empty chunks are never corrupted). Default `0`. */
  corrupt?: number;
  /** Probability that a chunk is delivered twice in a row. Default `0`. */
  duplicate?: number;
  /**
   * Hold chunks back: a fixed number of ms, or `[min, max]` for a uniformly random delay per
   * chunk. Random delays **reorder** chunks (a later chunk can overtake an earlier one), as a
   * datagram network does; on a byte stream that mixes up the stream. Default `0`.
   */
  delayMs?: number | readonly [number, number];
  /** Probability that a chunk is delayed by `delayMs` (the rest pass at once). Default `1`. */
  delay?: number;
  /**
   * Seed of the pseudo-random generator (mulberry32). The same seed and the same sequence of
   * chunks give the same faults; receive and send use independent generators derived from it,
   * so the interleaving of the two directions does not matter. Default `1`.
   */
  seed?: number;
  /** Traffic to tamper with. Default `'both'`. */
  direction?: FaultDirection;
}

/** How many chunks {@link faulty} tampered with, both directions together. */
export interface FaultCounters {
  /** Chunks lost. */
  dropped: number;
  /** Chunks with one bit flipped. */
  corrupted: number;
  /** Chunks delivered twice. */
  duplicated: number;
  /** Chunks held back by a delay greater than zero. */
  delayed: number;
}

/** A {@link Link} with faults injected, plus counters of what was done. */
export interface FaultyLink extends Link {
  /** A snapshot of the fault counters. */
  readonly counters: Readonly<FaultCounters>;
  /** The wrapped link. */
  readonly inner: Link;
}

/**
 * Wraps `link` so that chunks are dropped, corrupted (one random bit flipped), duplicated or
 * delayed, decided per chunk by a seeded generator: deterministic for a given seed and sequence
 * of chunks, so a failing fault-injection test replays exactly. The wrapper has the same `info`,
 * `state` and events as `link`; opening and closing it opens and closes `link`.
 *
 * On send, a dropped chunk resolves `write` as if it had been sent, and a delayed one resolves
 * at once (a later failure of the inner write is reported as an `error` event). Delayed chunks
 * still pending when the link closes are discarded.
 *
 * @throws {@link InvalidArgumentError} for a probability outside 0 … 1 or a negative delay
 * @example
 * ```ts
 * const [a, b] = memoryPair();
 * const lossy = faulty(a, { drop: 0.1, corrupt: 0.05, delayMs: [0, 20], seed: 42 });
 * // … run a client over `lossy` against a server on `b` …
 * console.log(lossy.counters); // { dropped: 3, corrupted: 1, duplicated: 0, delayed: 57 }
 * ```
 */
export function faulty(link: Link, options: FaultOptions = {}): FaultyLink {
  return new FaultyLinkImpl(link, options);
}

/** What happens to one chunk. */
interface Fate {
  drop: boolean;
  bytes: Uint8Array;
  copies: 1 | 2;
  delayMs: number;
}

interface FaultPlan {
  drop: number;
  corrupt: number;
  duplicate: number;
  delay: number;
  delayMin: number;
  delayMax: number;
}

/** Offset between the receive and send generators' seeds (the golden-ratio constant). */
const sendSeedOffset = 0x9e3779b9;

class FaultyLinkImpl extends LinkEmitter implements FaultyLink {
  readonly inner: Link;
  readonly #plan: FaultPlan;
  readonly #onReceive: boolean;
  readonly #onSend: boolean;
  readonly #receiveRandom: () => number;
  readonly #sendRandom: () => number;
  readonly #counters: FaultCounters = { dropped: 0, corrupted: 0, duplicated: 0, delayed: 0 };
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(inner: Link, options: FaultOptions) {
    super();
    const [delayMin, delayMax] =
      typeof options.delayMs === 'object' ? options.delayMs : [options.delayMs ?? 0, options.delayMs ?? 0];
    this.#plan = {
      drop: checkRate('drop', options.drop ?? 0),
      corrupt: checkRate('corrupt', options.corrupt ?? 0),
      duplicate: checkRate('duplicate', options.duplicate ?? 0),
      delay: checkRate('delay', options.delay ?? 1),
      delayMin: checkNumber('delayMs', delayMin, 0),
      delayMax: checkNumber('delayMs', delayMax, 0),
    };
    if (this.#plan.delayMax < this.#plan.delayMin) {
      throw new InvalidArgumentError(`delayMs [min, max] needs min <= max, got [${delayMin}, ${delayMax}]`);
    }
    const direction = options.direction ?? 'both';
    if (direction !== 'receive' && direction !== 'send' && direction !== 'both') {
      throw new InvalidArgumentError(
        `direction must be 'receive', 'send' or 'both', got ${String(direction)}`,
      );
    }
    this.#onReceive = direction !== 'send';
    this.#onSend = direction !== 'receive';
    const seed = options.seed ?? 1;
    this.#receiveRandom = mulberry32(seed);
    this.#sendRandom = mulberry32(seed + sendSeedOffset);
    this.inner = inner;
    inner.on('data', (bytes) => this.#receive(bytes));
    inner.on('open', () => this.emit('open'));
    inner.on('error', (error) => this.emit('error', error));
    inner.on('close', (error) => {
      this.#cancelDelayed(); // chunks in flight die with the connection
      this.emit('close', error);
    });
  }

  get info(): LinkInfo {
    return this.inner.info;
  }

  get state(): LinkState {
    return this.inner.state;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  get counters(): Readonly<FaultCounters> {
    return { ...this.#counters };
  }

  open(options?: LinkOpenOptions): Promise<void> {
    return this.inner.open(options);
  }

  close(): Promise<void> {
    this.#cancelDelayed();
    return this.inner.close();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.#onSend || !this.inner.isOpen) return this.inner.write(bytes);
    const fate = this.#decide(this.#sendRandom, bytes);
    if (fate.drop) return;
    const sendAll = async (): Promise<void> => {
      for (let i = 0; i < fate.copies; i++) await this.inner.write(fate.bytes);
    };
    if (fate.delayMs === 0) return sendAll();
    this.#later(fate.delayMs, () => {
      sendAll().catch((error: unknown) => {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  #receive(bytes: Uint8Array): void {
    if (!this.#onReceive) {
      this.emit('data', bytes);
      return;
    }
    const fate = this.#decide(this.#receiveRandom, bytes);
    if (fate.drop) return;
    const deliver = (): void => {
      for (let i = 0; i < fate.copies; i++) this.emit('data', fate.bytes);
    };
    if (fate.delayMs === 0) deliver();
    else this.#later(fate.delayMs, deliver);
  }

  /** Draws the fate of one chunk; always six draws, so each decision stays put when rates change. */
  #decide(random: () => number, bytes: Uint8Array): Fate {
    const p = this.#plan;
    const [rDrop, rCorrupt, rDuplicate, rDelay, rDelayMs, rBit] = [
      random(),
      random(),
      random(),
      random(),
      random(),
      random(),
    ] as const;
    const c = this.#counters;
    if (rDrop < p.drop) {
      c.dropped++;
      return { drop: true, bytes, copies: 1, delayMs: 0 };
    }
    let out = bytes;
    if (rCorrupt < p.corrupt && bytes.length > 0) {
      out = new Uint8Array(bytes); // never alter the sender's or the transport's buffer
      const bit = Math.floor(rBit * bytes.length * 8);
      out[bit >> 3]! ^= 1 << (bit & 7);
      c.corrupted++;
    }
    const copies = rDuplicate < p.duplicate ? 2 : 1;
    if (copies === 2) c.duplicated++;
    const delayMs = rDelay < p.delay ? Math.round(p.delayMin + rDelayMs * (p.delayMax - p.delayMin)) : 0;
    if (delayMs > 0) c.delayed++;
    return { drop: false, bytes: out, copies, delayMs };
  }

  #later(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    this.#timers.add(timer);
  }

  #cancelDelayed(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** mulberry32: a tiny, fast 32-bit PRNG, plenty for fault injection (not for cryptography). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
