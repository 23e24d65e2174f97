/**
 * Connected UDP link.
 *
 * @module
 */

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { LinkClosedError, LinkError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import { BaseLink } from './base-link.js';
import { viewOf } from './bytes-view.js';
import { formatPeer, messageOf } from './peer.js';
import { checkPort, checkText } from './validate.js';

/** Options of {@link udp}. */
export interface UdpOptions {
  /** Host name or IP address of the meter (an IPv6 literal selects a `udp6` socket). */
  host: string;
  /** Remote UDP port (DLMS/COSEM wrapper: 4059). */
  port: number;
  /** Local port to bind. Default: any free port. */
  bindPort?: number;
  /** Local address to bind. Default: all interfaces. */
  bindHost?: string;
}

/**
 * Creates a UDP link to `host:port` (not bound until `open()`).
 *
 * The socket is *connected*, so the OS delivers only the peer's datagrams (any other sender is
 * ignored, and checked again here). `info.messageOriented` is `true`: each `write` sends exactly
 * one datagram and each `data` event carries exactly one. UDP has no connection: `open()` only
 * binds, a silent peer is noticed by request timeouts, and an ICMP "port unreachable" is
 * reported as a non-fatal `error` event (`ECONNREFUSED`) without closing the link.
 *
 * @throws {@link InvalidArgumentError} for an empty host or a port out of range
 * @example
 * ```ts
 * const link = udp({ host: '10.0.0.5', port: 4059 });
 * link.on('data', (datagram) => console.log(datagram.length));
 * await link.open();
 * await link.write(wrapperFrame); // one datagram
 * await link.close();
 * ```
 */
export function udp(options: UdpOptions): Link {
  return new UdpLink(options);
}

class UdpLink extends BaseLink {
  readonly #host: string;
  readonly #port: number;
  readonly #bindPort: number | undefined;
  readonly #bindHost: string | undefined;
  #socket: Socket | undefined;

  constructor(options: UdpOptions) {
    const host = checkText('host', options.host);
    const port = checkPort('port', options.port, false);
    super({
      info: { transport: 'udp', messageOriented: true, bus: false, peer: formatPeer('udp', host, port) },
    });
    this.#host = host;
    this.#port = port;
    this.#bindPort =
      options.bindPort === undefined ? undefined : checkPort('bindPort', options.bindPort, true);
    this.#bindHost = options.bindHost;
  }

  protected connect(signal: AbortSignal): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.#host) ? 'udp6' : 'udp4' });
    this.#socket = socket;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        socket.off('error', settle);
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) {
          this.#attach(socket);
          resolve();
        } else {
          reject(error);
        }
      };
      const onAbort = (): void => settle(new LinkClosedError(`${this.info.peer}: open abandoned`));
      socket.once('error', settle);
      signal.addEventListener('abort', onAbort, { once: true });
      const connect = (): void => {
        if (signal.aborted) return;
        // The callback gets the DNS error, if any (node:dgram `connect`).
        socket.connect(this.#port, this.#host, (error?: Error) => settle(error));
      };
      if (this.#bindPort !== undefined || this.#bindHost !== undefined) {
        socket.bind({ port: this.#bindPort ?? 0, address: this.#bindHost }, connect);
      } else {
        connect();
      }
    });
  }

  #attach(socket: Socket): void {
    const remote = socket.remoteAddress();
    socket.on('message', (datagram, from) => {
      if (this.#socket !== socket || from.port !== remote.port || from.address !== remote.address) return;
      this.received(viewOf(datagram));
    });
    socket.on('error', (error) => {
      this.reportError(new LinkError(`${this.info.peer}: ${error.message}`, { cause: error }));
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      void this.lost(new LinkClosedError(`${this.info.peer}: socket closed`));
    });
  }

  protected send(bytes: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return Promise.reject(new LinkClosedError(`${this.info.peer}: socket closed`));
    return new Promise<void>((resolve, reject) => {
      socket.send(bytes, (error) => {
        if (error)
          reject(new LinkError(`sending to ${this.info.peer} failed: ${messageOf(error)}`, { cause: error }));
        else resolve();
      });
    });
  }

  protected disconnect(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    return socket === undefined ? Promise.resolve() : closeDgram(socket);
  }
}

/** Closes a datagram socket, resolving when it is closed (or at once if it already was). */
export function closeDgram(socket: Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    socket.on('error', () => undefined); // late errors of a socket being dropped are of no interest
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed
    }
  });
}
