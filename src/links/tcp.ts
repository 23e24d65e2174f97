/**
 * TCP client link.
 *
 * @module
 */

import { createConnection, type Socket } from 'node:net';
import { LinkClosedError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import { type ReconnectOptions, reconnectPolicy } from './backoff.js';
import { formatPeer } from './peer.js';
import { SocketLink } from './socket-link.js';
import { checkNumber, checkPort, checkText } from './validate.js';

/** Options of {@link tcp}. */
export interface TcpOptions {
  /** Host name or IP address of the meter / gateway. */
  host: string;
  /** TCP port (DLMS/COSEM wrapper: 4059, Modbus TCP: 502). */
  port: number;
  /** Connect timeout in ms, used by `open()` without `timeoutMs` and by each reconnect attempt. Default `3000`. */
  connectTimeoutMs?: number;
  /** Disable Nagle's algorithm so short request frames leave at once. Default `true`. */
  noDelay?: boolean;
  /**
   * TCP keep-alive initial delay in ms, so a half-open connection is noticed (Modbus spec §9.5:
   * keep-alive SHOULD be enabled); `false` turns keep-alive off. Default `60_000`.
   */
  keepAliveMs?: number | false;
  /**
   * Reconnect after an unexpected drop (`true` = default policy). Default `false`. While
   * reconnecting, `state` is `'reconnecting'` and writes fail with `LinkClosedError`; bytes in
   * flight when the connection dropped are lost.
   */
  reconnect?: ReconnectOptions | boolean;
}

/**
 * Creates a TCP client link to `host:port` (not connected until `open()`).
 *
 * `info.peer` is `tcp://host:port`. After an unexpected drop the link emits `close(error)`;
 * with a `reconnect` policy it then goes to `reconnecting`, retries with exponential backoff and
 * jitter, emits `open` when it is back, and `close` (state `closed`) after `maxAttempts` failed
 * attempts or `close()`.
 *
 * The socket reads into a 16 KiB buffer that the link reuses (no allocation per read); every
 * `data` event carries a copy of the bytes read, which listeners may keep.
 *
 * @throws {@link InvalidArgumentError} for an empty host, a port outside 1 … 65535 or a bad reconnect policy
 * @example
 * ```ts
 * const link = tcp({ host: '10.0.0.5', port: 4059, reconnect: { maxAttempts: 10 } });
 * link.on('data', (bytes) => console.log(bytes));
 * link.on('close', (error) => console.log('closed', link.state, error?.message));
 * await link.open({ timeoutMs: 2000 }); // LinkError (refused …), TimeoutError or AbortError
 * await link.write(frame);
 * await link.close();
 * ```
 */
export function tcp(options: TcpOptions): Link {
  return new TcpLink(options);
}

class TcpLink extends SocketLink {
  readonly #host: string;
  readonly #port: number;
  readonly #noDelay: boolean;
  readonly #keepAliveMs: number | undefined;
  /** The socket of a connect attempt in progress. */
  #pending: Socket | undefined;

  constructor(options: TcpOptions) {
    const host = checkText('host', options.host);
    const port = checkPort('port', options.port, false);
    super({
      info: { transport: 'tcp', messageOriented: false, bus: false, peer: formatPeer('tcp', host, port) },
      openTimeoutMs: checkNumber('connectTimeoutMs', options.connectTimeoutMs ?? 3000, 0),
      reconnect: reconnectPolicy(options.reconnect),
    });
    this.#host = host;
    this.#port = port;
    this.#noDelay = options.noDelay ?? true;
    const keepAlive = options.keepAliveMs ?? 60_000;
    this.#keepAliveMs = keepAlive === false ? undefined : checkNumber('keepAliveMs', keepAlive, 0);
  }

  protected connect(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const reader = this.reader();
      const socket = createConnection({ host: this.#host, port: this.#port, onread: reader });
      this.#pending = socket;
      const settle = (error?: Error): void => {
        socket.off('connect', onConnect);
        socket.off('error', onError);
        socket.off('close', onClose);
        signal.removeEventListener('abort', onAbort);
        if (this.#pending === socket) this.#pending = undefined;
        if (error === undefined) {
          this.adopt(socket, { noDelay: this.#noDelay, keepAliveMs: this.#keepAliveMs }, reader.buffer);
          resolve();
        } else {
          socket.destroy();
          reject(error);
        }
      };
      const onConnect = (): void => settle();
      const onError = (error: Error): void => settle(error);
      const onClose = (): void =>
        settle(new LinkClosedError(`${this.info.peer}: socket closed while connecting`));
      const onAbort = (): void => settle(new LinkClosedError(`${this.info.peer}: connect abandoned`));
      socket.once('connect', onConnect);
      socket.once('error', onError);
      socket.once('close', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  protected override disconnect(): Promise<void> {
    this.#pending?.destroy();
    this.#pending = undefined;
    return super.disconnect();
  }
}
