/**
 * One remote peer of a `listenUdp` socket, seen as a link.
 *
 * @module
 */

import type { Socket } from 'node:dgram';
import { LinkClosedError, LinkError } from '../core/errors.js';
import { BaseLink } from './base-link.js';
import { formatPeer, messageOf } from './peer.js';

/** Callbacks from a {@link UdpPeerLink} to the server that owns it. */
export interface UdpPeerHooks {
  /** The link was closed (by its user, by expiry or by the server): forget it. */
  released(link: UdpPeerLink): void;
}

/**
 * A virtual link to one `address:port` behind a shared, listening UDP socket: its datagrams
 * arrive as `data`, writes go back to it. It expires after `idleMs` without traffic either way.
 */
export class UdpPeerLink extends BaseLink {
  /** Map key of the peer: `address:port`. */
  readonly key: string;
  readonly #socket: Socket;
  readonly #address: string;
  readonly #port: number;
  readonly #hooks: UdpPeerHooks;
  readonly #idleTimer: ReturnType<typeof setTimeout>;

  constructor(socket: Socket, address: string, port: number, idleMs: number, hooks: UdpPeerHooks) {
    super({
      info: { transport: 'udp', messageOriented: true, bus: false, peer: formatPeer('udp', address, port) },
      initialState: 'open',
    });
    this.key = `${address}:${port}`;
    this.#socket = socket;
    this.#address = address;
    this.#port = port;
    this.#hooks = hooks;
    this.#idleTimer = setTimeout(
      () =>
        void this.lost(new LinkClosedError(`${this.info.peer} expired after ${idleMs} ms without traffic`)),
      idleMs,
    );
    this.#idleTimer.unref();
  }

  /** A datagram from this peer arrived. */
  deliver(datagram: Uint8Array): void {
    this.#idleTimer.refresh();
    this.received(datagram);
  }

  /** Closes the link on the server's behalf; its `close` event carries `reason`. */
  evict(reason: string): Promise<void> {
    return this.lost(new LinkClosedError(`${this.info.peer} closed by the server: ${reason}`));
  }

  protected connect(): Promise<void> {
    return Promise.reject(
      new LinkError(`${this.info.peer} is a UDP peer of a server and cannot be reopened`),
    );
  }

  protected send(bytes: Uint8Array): Promise<void> {
    this.#idleTimer.refresh();
    return new Promise<void>((resolve, reject) => {
      this.#socket.send(bytes, this.#port, this.#address, (error) => {
        if (error)
          reject(new LinkError(`sending to ${this.info.peer} failed: ${messageOf(error)}`, { cause: error }));
        else resolve();
      });
    });
  }

  protected disconnect(): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.#hooks.released(this);
    return Promise.resolve();
  }
}
