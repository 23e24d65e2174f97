/**
 * TCP acceptor: every incoming connection becomes a {@link Link}.
 *
 * @module
 */

import { createServer, type Socket } from 'node:net';
import { LinkClosedError, LinkError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import type { LinkServer } from './link-server.js';
import { formatPeer, messageOf } from './peer.js';
import { SocketLink, type SocketTuning } from './socket-link.js';
import { checkNumber, checkPort } from './validate.js';

/** Options of {@link listenTcp}. */
export interface ListenTcpOptions {
  /** Address to bind. Default `'127.0.0.1'` (loopback only: pass `'0.0.0.0'` or `'::'` to serve the network). */
  host?: string;
  /** Port to bind; `0` lets the OS choose (read it from the result). Default `0`. */
  port?: number;
  /** Disable Nagle's algorithm on accepted sockets. Default `true`. */
  noDelay?: boolean;
  /**
   * TCP keep-alive initial delay on accepted sockets, in ms, so dead clients are noticed (Modbus
   * spec §9.5); `false` turns it off. Default `60_000`.
   */
  keepAliveMs?: number | false;
  /**
   * Most simultaneous connections. When a new client arrives at the limit, the **oldest**
   * connection is closed (its link emits `close` with a `LinkClosedError`) and the new one is
   * accepted, as the Modbus TCP implementation guide recommends (Modbus spec §9.5, connection
   * management): a server whose clients vanished without a FIN must not stay unreachable.
   * "Oldest" means longest connected; traffic does not make a connection younger. Default: no limit.
   */
  maxConnections?: number;
  /** Receives errors that have no caller to go to (an `onLink` that threw, a server socket error). */
  onError?: (error: Error) => void;
}

/**
 * Listens for TCP connections and hands each one to `onLink` as an open {@link Link}
 * (`info.peer` = `tcp://remote:port`). Accepted links cannot be reopened once closed. If
 * `onLink` throws, that connection is closed and the error goes to `onError`.
 *
 * @returns the bound address and `close()`, which stops listening **and** closes every accepted link
 * @throws {@link LinkError} when the port cannot be bound (in use, no permission …; `cause` = the OS error),
 *   {@link InvalidArgumentError} for bad options
 * @example
 * ```ts
 * const server = await listenTcp({ port: 0 }, (link) => {
 *   link.on('data', (bytes) => void link.write(bytes)); // echo
 * });
 * console.log(`listening on ${server.host}:${server.port}`);
 * await server.close();
 * ```
 */
export async function listenTcp(
  options: ListenTcpOptions,
  onLink: (link: Link) => void,
): Promise<LinkServer> {
  const host = options.host ?? '127.0.0.1';
  const port = checkPort('port', options.port ?? 0, true);
  const maxConnections =
    options.maxConnections === undefined
      ? undefined
      : checkNumber('maxConnections', options.maxConnections, 1);
  const tuning: SocketTuning = {
    noDelay: options.noDelay ?? true,
    keepAliveMs:
      options.keepAliveMs === false
        ? undefined
        : checkNumber('keepAliveMs', options.keepAliveMs ?? 60_000, 0),
  };
  const report = (error: Error): void => options.onError?.(error);
  const links = new Set<AcceptedTcpLink>(); // insertion order = age, oldest first
  const server = createServer();

  let closing: Promise<void> | undefined;
  server.on('connection', (socket) => {
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    if (maxConnections !== undefined && links.size >= maxConnections) {
      const oldest = links.values().next().value;
      if (oldest !== undefined) {
        links.delete(oldest);
        void oldest.evict(`maxConnections (${maxConnections}) reached`);
      }
    }
    const link = new AcceptedTcpLink(socket, tuning);
    links.add(link);
    link.on('close', () => links.delete(link));
    try {
      onLink(link);
    } catch (error) {
      void link.close();
      report(new LinkError(`onLink failed for ${link.info.peer}: ${messageOf(error)}`, { cause: error }));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new LinkError(`cannot listen on ${formatPeer('tcp', host, port)}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    server.listen({ host, port }, () => resolve());
  });
  server.on('error', report);

  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    host,
    port: boundPort,
    close(): Promise<void> {
      closing ??= Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        ...[...links].map((link) => link.close()),
      ]).then(() => undefined);
      return closing;
    },
  };
}

/** A server-side connection: open from birth, never reopened. */
class AcceptedTcpLink extends SocketLink {
  constructor(socket: Socket, tuning: SocketTuning) {
    super({
      info: {
        transport: 'tcp',
        messageOriented: false,
        bus: false,
        peer: formatPeer('tcp', socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0),
      },
      initialState: 'open',
    });
    this.adopt(socket, tuning);
  }

  /** Closes the connection on the server's behalf; the link's `close` event carries `reason`. */
  evict(reason: string): Promise<void> {
    return this.lost(new LinkClosedError(`${this.info.peer} closed by the server: ${reason}`));
  }

  protected connect(): Promise<void> {
    return Promise.reject(
      new LinkError(`${this.info.peer} is an accepted connection and cannot be reopened`),
    );
  }
}
