/**
 * The embedded MQTT broker (aedes) for demos, tests and small installations.
 *
 * @module
 */

import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { LinkError } from '../../core/errors.js';
import { formatPeer, messageOf } from '../../links/peer.js';
import { checkPort, checkText } from '../../links/validate.js';

/** Options of {@link startBroker}. */
export interface StartBrokerOptions {
  /** TCP port to listen on; `0` picks a free port (read it back from `port`). Default `1883`. */
  port?: number;
  /** Address to bind. Default `'127.0.0.1'` (only local clients; use `'0.0.0.0'` to accept others). */
  host?: string;
}

/** A running embedded broker, returned by {@link startBroker}. */
export interface EmbeddedBroker {
  /** The port the broker listens on (the real one when `0` was asked for). */
  readonly port: number;
  /** The address the broker is bound to. */
  readonly host: string;
  /** `mqtt://host:port`, ready for `mqttLink({ broker })` and `MqttGateway({ broker })`. */
  readonly url: string;
  /**
   * Disconnects every client (without sending their Last Will) and stops listening; the port is
   * free when the promise resolves. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts an embedded MQTT 3.1.1 broker (aedes, in-memory persistence) on a plain TCP socket.
 *
 * Every accepted socket gets `TCP_NODELAY`: with Nagle's algorithm and delayed ACKs left on, a
 * QoS 1 request/response pair waits about 40 ms per hop (11 round trips/s instead of about 4,000).
 * Sessions, retained messages and queued QoS 1 messages live in memory and are lost on `close()`.
 * No authentication: bind it to a trusted interface.
 *
 * @throws {@link InvalidArgumentError} for a port outside 0 … 65535 or an empty host,
 *   {@link LinkError} when the port cannot be bound (in use, no permission)
 * @example
 * ```ts
 * const broker = await startBroker({ port: 0 });
 * const gateway = new MqttGateway({ broker: broker.url, id: 'gw-1', ports: [...] });
 * await gateway.start();
 * // …
 * await gateway.stop();
 * await broker.close();
 * ```
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  const port = checkPort('port', options.port ?? 1883, true);
  const host = checkText('host', options.host ?? '127.0.0.1');
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  try {
    await listen(server, port, host);
  } catch (error) {
    await closeAedes(aedes);
    throw new LinkError(
      `cannot start the MQTT broker on ${formatPeer('mqtt', host, port)}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    host,
    url: formatPeer('mqtt', host, bound),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await closeAedes(aedes);
        // Sockets that never sent CONNECT are unknown to aedes: end them here.
        for (const socket of sockets) socket.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise<void>((resolve) => aedes.close(() => resolve()));
}
