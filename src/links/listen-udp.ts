/**
 * UDP acceptor: one virtual {@link Link} per remote address and port.
 *
 * @module
 */

import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { LinkError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import { viewOf } from './bytes-view.js';
import type { LinkServer } from './link-server.js';
import { formatPeer, messageOf } from './peer.js';
import { closeDgram } from './udp.js';
import { UdpPeerLink } from './udp-peer-link.js';
import { checkNumber, checkPort } from './validate.js';

/** Options of {@link listenUdp}. */
export interface ListenUdpOptions {
  /** Address to bind. Default `'127.0.0.1'`; an IPv6 address selects a `udp6` socket. */
  host?: string;
  /** Port to bind; `0` lets the OS choose. Default `0`. */
  port?: number;
  /** A peer with no datagram either way for this long is closed (`close` with a `LinkClosedError`). Default `60_000`. */
  idleMs?: number;
  /**
   * Most peers tracked at once. A datagram from a new peer at the limit closes the peer that
   * has been idle longest, so a flood of spoofed sources cannot grow memory without bound. Default `1000`.
   */
  maxPeers?: number;
  /** Receives errors that have no caller to go to (an `onLink` that threw, a socket error). */
  onError?: (error: Error) => void;
}

/**
 * Listens for UDP datagrams. The first datagram from a new `address:port` creates an open
 * {@link Link} (message-oriented, `info.peer` = `udp://address:port`) that is handed to `onLink`
 * before that datagram is delivered as its first `data` event; writes on it go back to that
 * peer. Peers expire after `idleMs` without traffic; a peer that sends again after its link
 * closed gets a new link. If `onLink` throws, that link is closed and the error goes to `onError`.
 *
 * @returns the bound address and `close()`, which closes the socket and every peer link
 * @throws {@link LinkError} when the port cannot be bound (`cause` = the OS error),
 *   {@link InvalidArgumentError} for bad options
 * @example
 * ```ts
 * const server = await listenUdp({ port: 4059 }, (link) => {
 *   link.on('data', (datagram) => void link.write(datagram)); // echo each datagram
 * });
 * await server.close();
 * ```
 */
export async function listenUdp(
  options: ListenUdpOptions,
  onLink: (link: Link) => void,
): Promise<LinkServer> {
  const host = options.host ?? '127.0.0.1';
  const port = checkPort('port', options.port ?? 0, true);
  const idleMs = checkNumber('idleMs', options.idleMs ?? 60_000, 1);
  const maxPeers = checkNumber('maxPeers', options.maxPeers ?? 1000, 1);
  const report = (error: Error): void => options.onError?.(error);
  // Insertion order is kept as "least recently active first": a peer is moved to the end on traffic.
  const peers = new Map<string, UdpPeerLink>();
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  const hooks = {
    released(link: UdpPeerLink): void {
      if (peers.get(link.key) === link) peers.delete(link.key);
    },
  };

  let closing: Promise<void> | undefined;
  socket.on('message', (datagram, from) => {
    if (closing !== undefined) return;
    const key = `${from.address}:${from.port}`;
    let link = peers.get(key);
    if (link !== undefined) {
      peers.delete(key);
      peers.set(key, link);
    } else {
      if (peers.size >= maxPeers) {
        const idlest = peers.values().next().value;
        if (idlest !== undefined) void idlest.evict(`maxPeers (${maxPeers}) reached`);
      }
      link = new UdpPeerLink(socket, from.address, from.port, idleMs, hooks);
      peers.set(key, link);
      try {
        onLink(link);
      } catch (error) {
        void link.close();
        report(new LinkError(`onLink failed for ${link.info.peer}: ${messageOf(error)}`, { cause: error }));
        return;
      }
    }
    link.deliver(viewOf(datagram));
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error) => {
      void closeDgram(socket);
      reject(
        new LinkError(`cannot listen on ${formatPeer('udp', host, port)}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    socket.bind({ address: host, port }, () => resolve());
  });
  socket.on('error', report);

  const boundPort = socket.address().port;
  return {
    host,
    port: boundPort,
    close(): Promise<void> {
      closing ??= Promise.all([...peers.values()].map((link) => link.close())).then(() => closeDgram(socket));
      return closing;
    },
  };
}
