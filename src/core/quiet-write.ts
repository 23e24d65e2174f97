/**
 * The promise-free write of meterlink's TCP links, for the Modbus client engine and server.
 * Internal: not exported from any entry point. It extends the `Link` protocol, so it lives beside
 * the interface in `core`: clients and servers find it without depending on a concrete link.
 *
 * @module
 */

import type { Link } from './link.js';

/**
 * Key of the quiet write. `Symbol.for`, so that a link and a client from two copies of the
 * package (ESM and CJS) still find each other.
 */
export const quietWrite: unique symbol = Symbol.for('meterlink.link.quietWrite');

/**
 * Hands `bytes` to the transport without a promise or a completion callback. A write failure is
 * not reported to the caller: it destroys the connection, and the link's `close` event (which
 * fails everything in flight) reports it. Only links whose transport behaves that way offer it —
 * a TCP socket does; a UDP send error, for one, leaves the socket open.
 *
 * `coalesce`: the caller expects more writes in this tick (the next pipelined requests); the
 * link may hold the bytes until the end of the tick and send them together with those writes. Never set it for framings where two frames must not share a write (RTU over
 * TCP, Modbus spec §10).
 *
 * @throws LinkClosedError when the link is not open (synchronously)
 */
export type QuietWrite = (bytes: Uint8Array, coalesce: boolean) => void;

/** A link that offers a {@link QuietWrite}. */
export interface QuietWriter {
  /** See {@link QuietWrite}. */
  [quietWrite]: QuietWrite;
}

/** `link`'s quiet write bound to it, or `undefined` when the link has none (use `write`). */
export function quietWriterOf(link: Link): QuietWrite | undefined {
  const write = (link as Partial<QuietWriter>)[quietWrite];
  return typeof write === 'function' ? write.bind(link) : undefined;
}
