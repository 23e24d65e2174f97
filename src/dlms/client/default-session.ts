/**
 * The session factory `DlmsClient.connect` uses when none is injected: the package's HDLC or
 * wrapper client session on the client's link.
 *
 * @module
 */

import { createClientSession } from '../session/create-session.js';
import { TunnelApduSession } from '../session/tunnel-apdu-session.js';
import type { DlmsClientOptions, DlmsSessionFactory, ResolvedClientOptions } from './options.js';

/** The longest default per-frame response timeout (spec §4.10: 1–5 s is typical). */
const hdlcFrameTimeoutMs = 3000;

/** Default recoveries in a row without progress (spec §4.10). */
const hdlcRetries = 3;

/**
 * The factory of the package's sessions for `options.framing` over `options.link`: HDLC with the
 * client and server addresses as HDLC addresses and the `hdlc` proposals, the wrapper with
 * them as wPorts, or the tunnel's APDU mode handing the HDLC addresses and proposals to the gateway.
 */
export function defaultSessionFactory(
  options: DlmsClientOptions,
  resolved: ResolvedClientOptions,
): DlmsSessionFactory {
  const link = options.link;
  return (address) => {
    const server = {
      logical: address.logical,
      ...(address.physical === undefined ? {} : { physical: address.physical }),
    };
    const { frameTimeoutMs, retries = hdlcRetries, ...hdlc } = options.hdlc ?? {};
    // Every recovery (RR poll or repetition, §4.10) must fit inside one request's timeout.
    const frameTimeout = Math.max(
      1,
      Math.round(frameTimeoutMs ?? Math.min(hdlcFrameTimeoutMs, resolved.timeoutMs / (retries + 1))),
    );
    if (options.framing === 'tunnel-apdu') {
      return new TunnelApduSession(link, {
        client: address.client,
        server,
        hdlc: { ...hdlc, frameTimeoutMs: frameTimeout, retries },
        // The gateway's SNRM with every repetition, plus a request's time for the broker.
        timeoutMs: frameTimeout * (retries + 1) + resolved.timeoutMs,
      });
    }
    if (options.framing === 'hdlc') {
      return createClientSession(link, {
        framing: 'hdlc',
        client: address.client,
        server,
        timeoutMs: frameTimeout,
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
