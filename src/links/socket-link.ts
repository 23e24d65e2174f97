/**
 * A link over a connected `net.Socket`: the common half of the TCP client and of accepted
 * server connections.
 *
 * @module
 */

import type { OnReadOpts, Socket } from 'node:net';
import { LinkClosedError, LinkError } from '../core/errors.js';
import { type QuietWriter, quietWrite } from '../core/quiet-write.js';
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

/** Size of the buffer that a client socket reads into (see {@link SocketLink.reader}). */
const readBufferBytes = 16 * 1024;

/** V8 keeps typed arrays of up to this many bytes on its own heap (`typed_array_max_size_in_heap`). */
const maxOnHeapBytes = 64;

/**
 * `bytes` as the `Buffer` that `socket.write` wants. Given a plain `Uint8Array`, Node builds a
 * `Buffer` over its `.buffer`, which for a small array on V8's heap means moving it off-heap
 * (250–500 ns): copying a frame of a few dozen bytes into Buffer's pool is cheaper. Larger
 * arrays already live off-heap and are wrapped without a copy.
 */
function bufferOf(bytes: Uint8Array): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  return bytes.byteLength <= maxOnHeapBytes
    ? Buffer.from(bytes)
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Byte-stream link over a `net.Socket`. Subclasses decide where the socket comes from
 * (`connect()`); this class tunes it, turns its events into link events and releases it.
 */
export abstract class SocketLink extends BaseLink implements QuietWriter {
  #socket: Socket | undefined;
  /** The buffer {@link SocketLink.#socket} reads into, if it was created with a {@link SocketLink.reader}. */
  #readBuffer: Uint8Array | undefined;
  /** The socket corked by a coalescing quiet write in this tick, until the tick ends. */
  #corked: Socket | undefined;

  /**
   * `onread` options for `net.connect`, for subclasses that create their sockets: the socket
   * then reads into one buffer that it reuses, where Node would allocate a buffer for every read
   * (two `malloc`s, an `ArrayBuffer` and its GC bookkeeping; a raw client reading this way does
   * 4–7 % more round trips on loopback). The bytes are copied out of it before `data` is
   * emitted, so listeners may keep them, as with any link. Pass the reader's `buffer` to
   * {@link SocketLink.adopt}.
   */
  protected reader(): OnReadOpts & { buffer: Uint8Array } {
    const buffer = new Uint8Array(readBufferBytes);
    return {
      buffer,
      callback: (bytesRead) => {
        // A socket released by disconnect() may still deliver a last read: drop it.
        if (this.#readBuffer === buffer) this.received(buffer.slice(0, bytesRead));
        return true;
      },
    };
  }

  /**
   * Takes over a connected socket: tunes it and wires its events to the link. `readBuffer` is
   * the buffer of the {@link SocketLink.reader} the socket was created with, if any.
   */
  protected adopt(socket: Socket, tuning: SocketTuning, readBuffer?: Uint8Array): void {
    this.#socket = socket;
    this.#readBuffer = readBuffer;
    // Latency matters more than throughput for request/response meter protocols.
    socket.setNoDelay(tuning.noDelay);
    if (tuning.keepAliveMs !== undefined) socket.setKeepAlive(true, tuning.keepAliveMs);
    let failure: Error | undefined;
    if (readBuffer === undefined) {
      socket.on('data', (chunk: Buffer) => {
        if (this.#socket === socket) this.received(viewOf(chunk));
      });
    }
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return; // released by disconnect(): close() or a failed attempt
      this.#socket = undefined;
      this.#readBuffer = undefined;
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
      socket.write(bufferOf(bytes), (error) => {
        if (error)
          reject(new LinkError(`writing to ${this.info.peer} failed: ${messageOf(error)}`, { cause: error }));
        else resolve();
      });
    });
  }

  /**
   * The write of the Modbus client engine and server (see `quiet-write.ts`): no promise and no
   * callback, whose cost is a large share of a round trip on loopback. A failed write destroys
   * the socket, which emits `close` and so fails every transaction in flight.
   *
   * With `coalesce`, the first such write of a tick corks the socket and the end of the tick
   * (`process.nextTick`, which runs once the promise continuations of the tick are done)
   * uncorks it: the requests that pipelined callers issue after one received chunk leave in one
   * `writev`, one TCP segment, instead of a system call and a segment each. Every write in
   * between joins the batch, in order.
   */
  [quietWrite](bytes: Uint8Array, coalesce: boolean): void {
    const socket = this.#socket;
    if (!this.isOpen || socket === undefined || socket.destroyed) {
      throw new LinkClosedError(`cannot write to ${this.info.peer}: the link is ${this.state}`);
    }
    if (coalesce && this.#corked !== socket) {
      this.#corked = socket;
      socket.cork();
      process.nextTick(() => {
        this.#corked = undefined;
        socket.uncork();
      });
    }
    socket.write(bufferOf(bytes));
  }

  protected disconnect(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#readBuffer = undefined;
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
