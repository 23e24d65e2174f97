/**
 * The session factory `DlmsClient.connect` uses when none is injected: the package's HDLC or
 * wrapper client session on the client's link.
 *
 * @module
 */

import { createClientSession } from '../session/create-session.js';
import type { DlmsClientOptions, DlmsSessionFactory, ResolvedClientOptions } from './options.js';

/** HDLC's own per-frame response timeout default (spec §4.10), lowered to the client's when that is shorter. */
const hdlcFrameTimeoutMs = 3000;

/**
 * The factory of the package's sessions for `options.framing` over `options.link`: HDLC with the
 * client and server addresses as HDLC addresses and the `hdlc` proposals, or the wrapper with
 * them as wPorts.
 */
export function defaultSessionFactory(
  options: DlmsClientOptions,
  resolved: ResolvedClientOptions,
): DlmsSessionFactory {
  const link = options.link;
  return (address) => {
    if (options.framing === 'hdlc') {
      return createClientSession(link, {
        framing: 'hdlc',
        client: address.client,
        server: {
          logical: address.logical,
          ...(address.physical === undefined ? {} : { physical: address.physical }),
        },
        timeoutMs: Math.min(hdlcFrameTimeoutMs, resolved.timeoutMs),
        quirks: resolved.quirks,
        ...options.hdlc,
      });
    }
    return createClientSession(link, {
      framing: 'wrapper',
      client: address.client,
      server: address.logical,
      timeoutMs: resolved.timeoutMs,
      ...(options.pushDestinations === undefined ? {} : { pushDestinations: options.pushDestinations }),
    });
  };
}
