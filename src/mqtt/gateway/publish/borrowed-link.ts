/**
 * A view of a leased port link that a client may "close" without closing the port.
 *
 * @module
 */

import { LinkClosedError } from '../../../core/errors.js';
import type { Link, LinkInfo, LinkState } from '../../../core/link.js';
import { LinkEmitter } from '../../../links/link-emitter.js';

/**
 * Wraps a link held by someone else (a gateway port under a local lease) for a client whose
 * `close()` closes its link (`ModbusClient` does): `close()` here only detaches from the inner
 * link and emits `close`, so the port stays open for the next lease.
 */
export class BorrowedLink extends LinkEmitter implements Link {
  readonly #inner: Link;
  #detached = false;

  /** @param inner - The open link to borrow. */
  constructor(inner: Link) {
    super();
    this.#inner = inner;
    inner.on('data', this.#onData);
    inner.on('close', this.#onClose);
    inner.on('error', this.#onError);
  }

  /** The inner link's facts. */
  get info(): LinkInfo {
    return this.#inner.info;
  }

  /** `closed` once detached, else the inner link's state. */
  get state(): LinkState {
    return this.#detached ? 'closed' : this.#inner.state;
  }

  /** `true` while attached and the inner link is open. */
  get isOpen(): boolean {
    return !this.#detached && this.#inner.isOpen;
  }

  /**
   * Never opens the inner link: it must be open already.
   * @throws `LinkClosedError` when detached or the inner link is not open
   */
  async open(): Promise<void> {
    if (!this.isOpen) throw new LinkClosedError(`borrowed link to ${this.info.peer} is not open`);
  }

  /**
   * Writes to the inner link.
   * @throws `LinkClosedError` once detached; whatever the inner link's write throws
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#detached) return Promise.reject(new LinkClosedError('borrowed link closed'));
    return this.#inner.write(bytes);
  }

  /** Detaches from the inner link (which stays open) and emits `close`. Idempotent. */
  async close(): Promise<void> {
    if (this.#detached) return;
    this.#detach();
    this.emit('close');
  }

  #detach(): void {
    this.#detached = true;
    this.#inner.off('data', this.#onData);
    this.#inner.off('close', this.#onClose);
    this.#inner.off('error', this.#onError);
  }

  readonly #onData = (bytes: Uint8Array): void => this.emit('data', bytes);
  readonly #onError = (error: Error): void => this.emit('error', error);
  readonly #onClose = (error?: Error): void => {
    if (this.#inner.state === 'reconnecting') return;
    this.#detach();
    if (error === undefined) this.emit('close');
    else this.emit('close', error);
  };
}
