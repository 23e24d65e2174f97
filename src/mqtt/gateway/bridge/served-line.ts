/**
 * The link a bridge's Modbus server answers on (`serve`): opened if need be, answered on while
 * open, reopened when the mode opened it and it dropped.
 *
 * @module
 */

import { InvalidArgumentError, LinkError } from '../../../core/errors.js';
import type { Link } from '../../../core/link.js';
import type { ModbusServer } from '../../../modbus/server/modbus-server.js';
import { inContext } from './in-context.js';

/**
 * A link the bridge's Modbus server answers on, typically an RS-485 line polled by a PLC or a
 * SCADA master (Modbus RTU or ASCII). The mode opens the link when it starts if it is not open,
 * and closes it on stop only if it opened it.
 */
export interface BridgeServeOptions {
  /** The link, e.g. `serial({ path: '/dev/ttyUSB1', baudRate: 9600 })`. */
  link: Link;
  /** `rtu` (default) or `ascii`. */
  framing?: 'rtu' | 'ascii';
}

/** Longest wait for a served link to open, ms. */
const openTimeoutMs = 10_000;

/**
 * Checks `serve`: a link and a serial framing.
 * @throws InvalidArgumentError naming what is wrong
 */
export function checkServe(serve: BridgeServeOptions): void {
  if (typeof serve !== 'object' || serve === null) {
    throw new InvalidArgumentError('bridge serve must give { link, framing? }');
  }
  const link: Partial<Link> | null = serve.link;
  if (
    typeof link !== 'object' ||
    link === null ||
    typeof link.open !== 'function' ||
    typeof link.on !== 'function' ||
    typeof link.info !== 'object'
  ) {
    throw new InvalidArgumentError('bridge serve.link must be a Link (e.g. serial({ path, baudRate }))');
  }
  const framing: unknown = serve.framing;
  if (framing !== undefined && framing !== 'rtu' && framing !== 'ascii') {
    throw new InvalidArgumentError(
      `bridge serve.framing must be 'rtu' or 'ascii' (Modbus/TCP is for listen), got ${String(framing)}`,
    );
  }
}

/** The server answering on one link for a bridge mode, from its start to its stop. */
export class ServedLine {
  readonly #serve: BridgeServeOptions;
  readonly #server: ModbusServer;
  readonly #report: (error: Error) => void;
  /** Stops answering on the link; set while the server answers there. */
  #stopServing: (() => void) | undefined;
  /** `true` when this opened the link (so it reopens and closes it). */
  #opened = false;
  #stopped = false;

  /** @param report - Where problems go (the gateway's `error` event). */
  constructor(serve: BridgeServeOptions, server: ModbusServer, report: (error: Error) => void) {
    this.#serve = serve;
    this.#server = server;
    this.#report = report;
  }

  /**
   * Opens the link if it is not open (bounded by 10 s and `signal`) and answers on it.
   * @throws the link's LinkError, TimeoutError or AbortError; LinkError when stopped meanwhile
   */
  async start(signal: AbortSignal): Promise<void> {
    const link = this.#serve.link;
    if (!link.isOpen) {
      const mine = link.state === 'idle' || link.state === 'closed';
      await link.open({ timeoutMs: openTimeoutMs, signal });
      if (this.#stopped) {
        if (mine) await link.close();
        throw new LinkError('bridge mode was stopped');
      }
      this.#opened = mine;
    }
    link.on('open', this.#onOpen);
    link.on('close', this.#onClose);
    this.#onOpen();
  }

  /** Before each poll: reopens the link when this opened it and it has closed since. */
  reopen(signal: AbortSignal): void {
    const link = this.#serve.link;
    if (!this.#opened || this.#stopped || link.state !== 'closed') return;
    link.open({ timeoutMs: openTimeoutMs, signal }).catch((error: unknown) => {
      if (!this.#stopped)
        this.#report(inContext(error, `bridge: reopening the Modbus line ${link.info.peer}`));
    });
  }

  /** Stops answering, and closes the link when this opened it. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const link = this.#serve.link;
    this.#stopServing?.();
    this.#stopServing = undefined;
    link.off('open', this.#onOpen);
    link.off('close', this.#onClose);
    if (this.#opened) await link.close();
  }

  /** The link is open (again): answer on it. */
  readonly #onOpen = (): void => {
    if (this.#stopServing !== undefined || this.#stopped) return;
    this.#stopServing = this.#server.serve(this.#serve.link, { framing: this.#serve.framing ?? 'rtu' });
  };

  /** The link closed on its own (`ModbusServer.serve` stopped with it). */
  readonly #onClose = (error?: Error): void => {
    this.#stopServing = undefined;
    if (this.#stopped) return;
    const why = error === undefined ? '' : `: ${error.message}`;
    this.#report(
      new LinkError(`bridge: the Modbus line ${this.#serve.link.info.peer} closed${why}`, { cause: error }),
    );
  };
}
