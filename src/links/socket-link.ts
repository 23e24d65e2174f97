/**
 * A link over a connected `net.Socket`: the common half of the TCP client and of accepted
 * server connections.
 *
 * @module
 */

import type { Socket } from 'node:net';
import { LinkClosedError, LinkError } from '../core/errors.js';
import { BaseLink } from './base-link.js';
import { viewOf } from './bytes-view.js';
import { messageOf } from './peer.js';

/** Socket options applied to every connected socket. */
export interface SocketTuning {
  /** Disable Nagle's algorithm (send small frames at once). */
  noDelay: boolean;
  /** TCP keep-alive: initial delay in ms, or `undefined` to leave keep-alive off. */
  keepAliveMs: number | undefined;
}

/** How long `close()` waits for buffered bytes to drain before destroying the socket. */
const closeGraceMs = 1000;

/**
 * Byte-stream link over a `net.Socket`. Subclasses decide where the socket comes from
 * (`connect()`); this class tunes it, turns its events into link events and releases it.
 */
export abstract class SocketLink extends BaseLink {
  #socket: Socket | undefined;

  /** Takes over a connected socket: tunes it and wires its events to the link. */
  protected adopt(socket: Socket, tuning: SocketTuning): void {
    this.#socket = socket;
    // Latency matters more than throughput for request/response meter protocols.
    socket.setNoDelay(tuning.noDelay);
    if (tuning.keepAliveMs !== undefined) socket.setKeepAlive(true, tuning.keepAliveMs);
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket === socket) this.received(viewOf(chunk));
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return; // released by disconnect(): close() or a failed attempt
      this.#socket = undefined;
      void this.lost(
        failure === undefined
          ? new LinkClosedError(`${this.info.peer} closed the connection`)
          : new LinkError(`connection to ${this.info.peer} lost: ${failure.message}`, { cause: failure }),
      );
    });
  }

  protected send(bytes: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined || socket.destroyed) {
      return Promise.reject(new LinkClosedError(`cannot write to ${this.info.peer}: the socket is closed`));
    }
    return new Promise<void>((resolve, reject) => {
      socket.write(bytes, (error) => {
        if (error)
          reject(new LinkError(`writing to ${this.info.peer} failed: ${messageOf(error)}`, { cause: error }));
        else resolve();
      });
    });
  }

  protected disconnect(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    return socket === undefined ? Promise.resolve() : endSocket(socket);
  }
}

/**
 * Ends a socket gracefully (bytes already written still go out, then FIN) and resolves once it
 * is closed; destroys it after a grace period if the peer does not read.
 */
export function endSocket(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), closeGraceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (socket.connecting) socket.destroy();
    else socket.end(() => socket.destroy());
  });
}
