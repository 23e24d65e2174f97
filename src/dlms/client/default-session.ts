/**
 * The session factory `DlmsClient.connect` uses when none is injected: the package's HDLC or
 * wrapper client session on the client's link.
 *
 * @module
 */

import { createClientSession } from '../session/create-session.js';
import type { DlmsClientOptions, DlmsSessionFactory, ResolvedClientOptions } from './options.js';

/** The longest default per-frame response timeout (spec §4.10: 1–5 s is typical). */
const hdlcFrameTimeoutMs = 3000;

/** Default recoveries in a row without progress (spec §4.10). */
const hdlcRetries = 3;

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
      const { frameTimeoutMs, retries = hdlcRetries, ...hdlc } = options.hdlc ?? {};
      // Every recovery (RR poll or repetition, §4.10) must fit inside one request's timeout.
      const frameTimeout = frameTimeoutMs ?? Math.min(hdlcFrameTimeoutMs, resolved.timeoutMs / (retries + 1));
      return createClientSession(link, {
        framing: 'hdlc',
        client: address.client,
        server: {
          logical: address.logical,
          ...(address.physical === undefined ? {} : { physical: address.physical }),
        },
        timeoutMs: Math.max(1, Math.round(frameTimeout)),
        retries,
        quirks: resolved.quirks,
        ...hdlc,
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
