/**
 * Typed event plumbing shared by every link implementation.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type TypedEmitter from 'typed-emitter';
import type { LinkEvents } from '../core/link.js';

/**
 * `LinkEvents` as a type alias: typed-emitter wants an index-signature-compatible map, which an
 * interface is not, while a mapped type over it is.
 */
type LinkEventMap = { [E in keyof LinkEvents]: LinkEvents[E] };

/**
 * The event half of a {@link Link}: `on`/`once`/`off` for everyone, `emit` for the link itself.
 *
 * The Node `EventEmitter` is kept private so that users cannot emit `data` into a link, and an
 * `error` event with no listener is dropped instead of being thrown: Node's default (throw an
 * unhandled `'error'`) would crash a process because a reconnect attempt failed.
 *
 * Extend {@link BaseLink} for a link over a real transport (it adds open/close/reconnect); extend
 * this class directly for a link that has no transport of its own, such as a wrapper.
 *
 * @example
 * ```ts
 * import { LinkEmitter, toHex } from 'meterlink';
 *
 * // Replays captured bytes as if a meter had sent them.
 * class CaptureReplay extends LinkEmitter {
 *   play(chunks: readonly Uint8Array[]): void {
 *     for (const chunk of chunks) this.emit('data', chunk);
 *     this.emit('close');
 *   }
 * }
 *
 * const replay = new CaptureReplay();
 * replay.on('data', (bytes) => console.log(toHex(bytes)));
 * replay.play(capturedChunks);
 * ```
 */
export abstract class LinkEmitter {
  readonly #events = new EventEmitter() as TypedEmitter<LinkEventMap>;

  /** Adds a listener. */
  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Adds a one-shot listener. */
  once<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Number of listeners for `event` (handy in tests to check nothing leaks). */
  listenerCount(event: keyof LinkEvents): number {
    return this.#events.listenerCount(event);
  }

  /** Emits an event; an `error` nobody listens to is dropped rather than thrown. */
  protected emit<E extends keyof LinkEvents>(event: E, ...args: Parameters<LinkEvents[E]>): void {
    if (event === 'error' && this.#events.listenerCount('error') === 0) return;
    this.#events.emit(event, ...args);
  }
}
