/**
 * The network glue of `DlmsServer` (meterlink spec §2, §5): listening on TCP/UDP, and opening a
 * fresh link to push a notification to a destination. The only server module that uses
 * `src/links` (and through it Node's `net`/`dgram`).
 *
 * @module
 */

import { waitFor } from '../../core/abort.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { listenTcp } from '../../links/listen-tcp.js';
import { listenUdp } from '../../links/listen-udp.js';
import { tcp } from '../../links/tcp.js';
import { udp } from '../../links/udp.js';
import type { DlmsListener, DlmsListenOptions } from './server-options.js';

/**
 * Listens on TCP or UDP and hands every connection (UDP: every peer) to `serveLink`.
 *
 * @throws LinkError when the port cannot be bound, InvalidArgumentError for bad options
 */
export async function listenDlms(
  options: DlmsListenOptions,
  serveLink: (link: Link) => void,
  onError: (error: Error) => void,
): Promise<DlmsListener> {
  const framing = options.framing ?? 'wrapper';
  if (framing !== 'hdlc' && framing !== 'wrapper') {
    throw new InvalidArgumentError(`unknown DLMS framing '${String(framing)}'`);
  }
  const transport = options.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'udp') {
    throw new InvalidArgumentError(`unknown transport '${String(transport)}'`);
  }
  if (transport === 'udp' && framing !== 'wrapper') {
    // §2: UDP carries the wrapper profile only.
    throw new InvalidArgumentError('UDP carries the wrapper framing only');
  }
  const endpoint = { host: options.host ?? '127.0.0.1', port: options.port ?? 4059, onError };
  if (transport === 'udp') return listenUdp(endpoint, serveLink);
  return listenTcp(
    options.maxConnections === undefined ? endpoint : { ...endpoint, maxConnections: options.maxConnections },
    serveLink,
  );
}

/** Where a push goes: `host:port` (`[v6]:port` for IPv6) over TCP or UDP. */
export interface PushDestination {
  /** `'host:port'`, as Push setup's send_destination holds it (§11.3 class 40). */
  readonly destination: string;
  /** Transport service: TCP (0) or UDP (1). */
  readonly transport: 'tcp' | 'udp';
}

/** Parses `host:port`. */
function endpointOf(destination: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(destination);
  const port = Number(match?.[2]);
  if (match === null || !(port >= 1 && port <= 65535)) {
    throw new InvalidArgumentError(`push destination must be 'host:port', got '${destination}'`);
  }
  return { host: match[1]!, port };
}

/**
 * Opens a link to `to`, writes `frame` and closes it again.
 *
 * @throws InvalidArgumentError for a malformed destination; LinkError, TimeoutError, AbortError
 */
export async function pushFrame(
  to: PushDestination,
  frame: Uint8Array,
  wait: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const endpoint = endpointOf(to.destination);
  const link =
    to.transport === 'udp' ? udp(endpoint) : tcp({ ...endpoint, connectTimeoutMs: wait.timeoutMs });
  try {
    await waitFor<void>(
      (resolve, reject) => {
        link
          .open()
          .then(() => link.write(frame))
          .then(resolve, reject);
        return undefined;
      },
      wait,
      `push to ${to.destination}`,
    );
  } finally {
    await link.close();
  }
}
