/**
 * Two connected in-memory link ends, for tests and simulators.
 *
 * @module
 */

import { LinkClosedError, LinkError } from '../core/errors.js';
import type { Link, LinkInfo } from '../core/link.js';
import { BaseLink } from './base-link.js';
import { checkNumber } from './validate.js';

/** Options of {@link memoryPair}. */
export interface MemoryPairOptions {
  /** Report `info.messageOriented` (like UDP: one `data` event per `write`). Default `false`. */
  messageOriented?: boolean;
  /** Delay of every delivery (and of the close notice), in ms; order is kept. Default `0` (next `setImmediate`). */
  latencyMs?: number;
  /** Report `info.bus` (simulate a shared serial line). Default `false`. */
  bus?: boolean;
  /** `info.baudRate` to report (e.g. to exercise Modbus RTU timing). Default: none. */
  baudRate?: number;
  /**
   * Byte streams only: deliver each write in pieces of at most this many bytes, to exercise
   * reassembly in framing layers. Default: one `data` event per write.
   */
  maxChunkBytes?: number;
}

/**
 * Creates two connected in-memory link ends `[a, b]`: bytes written on one arrive as `data` on
 * the other, asynchronously (never inside `write`) and as a copy, so the writer may reuse its
 * buffer. Both ends start open (`open()` resolves at once); closing either one closes the
 * other, whose `close` event carries a `LinkClosedError`. Deliveries already in flight arrive
 * before the close notice. A closed end cannot be reopened. `info.transport` and `info.peer`
 * are `'memory'`.
 *
 * @throws {@link InvalidArgumentError} for a negative `latencyMs` or a `maxChunkBytes` below 1
 * @example
 * ```ts
 * const [client, server] = memoryPair({ latencyMs: 5 });
 * server.on('data', (bytes) => void server.write(bytes)); // echo
 * client.on('data', (bytes) => console.log('echo', bytes));
 * await client.write(new Uint8Array([1, 2, 3]));
 * await client.close(); // server emits close(LinkClosedError)
 * ```
 */
export function memoryPair(options: MemoryPairOptions = {}): [Link, Link] {
  const latencyMs = checkNumber('latencyMs', options.latencyMs ?? 0, 0);
  const maxChunkBytes =
    options.maxChunkBytes === undefined || options.messageOriented
      ? Number.POSITIVE_INFINITY
      : checkNumber('maxChunkBytes', options.maxChunkBytes, 1);
  const info: LinkInfo = {
    transport: 'memory',
    messageOriented: options.messageOriented ?? false,
    bus: options.bus ?? false,
    peer: 'memory',
    ...(options.baudRate === undefined ? {} : { baudRate: checkNumber('baudRate', options.baudRate, 1) }),
  };
  const schedule =
    latencyMs > 0
      ? (task: () => void): void => void setTimeout(task, latencyMs)
      : (task: () => void): void => void setImmediate(task);
  const a = new MemoryLink(info, schedule, maxChunkBytes);
  const b = new MemoryLink(info, schedule, maxChunkBytes);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class MemoryLink extends BaseLink {
  peer: MemoryLink | undefined;
  readonly #schedule: (task: () => void) => void;
  readonly #maxChunkBytes: number;

  constructor(info: LinkInfo, schedule: (task: () => void) => void, maxChunkBytes: number) {
    super({ info, initialState: 'open' });
    this.#schedule = schedule;
    this.#maxChunkBytes = maxChunkBytes;
  }

  protected connect(): Promise<void> {
    return Promise.reject(new LinkError('a memory link cannot be reopened once closed'));
  }

  protected send(bytes: Uint8Array): Promise<void> {
    const peer = this.peer;
    if (peer === undefined) return Promise.reject(new LinkClosedError('memory peer is gone'));
    const copy = new Uint8Array(bytes); // copies: the writer may reuse its buffer
    if (copy.length === 0 && this.info.messageOriented) {
      this.#schedule(() => peer.receivedFromPeer(copy)); // an empty datagram is still a datagram
    }
    for (let at = 0; at < copy.length; at += this.#maxChunkBytes) {
      const piece = copy.subarray(at, Math.min(copy.length, at + this.#maxChunkBytes));
      this.#schedule(() => peer.receivedFromPeer(piece));
    }
    return Promise.resolve();
  }

  protected disconnect(): Promise<void> {
    const peer = this.peer;
    this.peer = undefined;
    if (peer === undefined) return Promise.resolve();
    return new Promise<void>((resolve) =>
      this.#schedule(() => {
        void peer.peerClosed();
        resolve();
      }),
    );
  }

  receivedFromPeer(bytes: Uint8Array): void {
    this.received(bytes);
  }

  peerClosed(): Promise<void> {
    this.peer = undefined;
    return this.lost(new LinkClosedError('the other memory end was closed'));
  }
}
