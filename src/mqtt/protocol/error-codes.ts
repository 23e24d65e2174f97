/**
 * Error codes of the tunnel's `error` and `closed` envelopes (u16 on the wire).
 *
 * @module
 */

/**
 * Every code a gateway sends in an `error` or `closed` envelope. A receiver keeps codes it does
 * not know (a newer peer) as numbers; {@link tunnelErrorName} names them `code-<n>`.
 */
export const TunnelErrorCode = {
  /** `closed` only: the lease ended because the head-end sent `close`. */
  none: 0,
  /** The envelope could not be decoded (answered when its reply-to could still be read). */
  badEnvelope: 1,
  /** The envelope's version is not one the receiver speaks; the message names the versions it does. */
  unsupportedVersion: 2,
  /** No port with that id on this gateway. */
  unknownPort: 3,
  /** The port is leased to another session and the `open` had the `noWait` flag (or the queue is full). */
  portBusy: 4,
  /** The lease ended because nothing was exchanged for its idle time. */
  leaseExpired: 5,
  /** The request's deadline had passed before the gateway could act on it; nothing was written. */
  deadlinePassed: 6,
  /** The gateway is shutting down; leases end, queued opens fail. */
  gatewayStopping: 7,
  /** `data`, `close` or `ping` for a session the gateway does not know (expired, or never opened). */
  unknownSession: 8,
  /** The port's transport failed (serial error, TCP connection to the meter lost). */
  portFailed: 9,
  /** The lease ended because the head-end's status went away (Last Will). */
  headEndGone: 10,
  /** A `data` payload is larger than the gateway accepts (see `opened.maxPayloadBytes`). */
  payloadTooLarge: 11,
  /** Anything else that went wrong inside the gateway. */
  internal: 12,
  /** The request needs what the gateway or port does not offer (APDU mode on a non-`hdlc` port, an unknown mode). */
  unsupported: 13,
  /** APDU mode: the meter refused the link layer (HDLC DM or FRMR) or did not answer it (no UA). */
  meterRefused: 14,
  /** APDU mode: the meter's link layer failed during the lease (no answer after the retries, DM, FRMR). */
  meterLost: 15,
} as const;

/** A known tunnel error code. */
export type TunnelErrorCode = (typeof TunnelErrorCode)[keyof typeof TunnelErrorCode];

/** Kebab-case names of the known codes, as used in docs and error messages. */
const names: Record<number, string> = {
  0: 'none',
  1: 'bad-envelope',
  2: 'unsupported-version',
  3: 'unknown-port',
  4: 'port-busy',
  5: 'lease-expired',
  6: 'deadline-passed',
  7: 'gateway-stopping',
  8: 'unknown-session',
  9: 'port-failed',
  10: 'head-end-gone',
  11: 'payload-too-large',
  12: 'internal',
  13: 'unsupported',
  14: 'meter-refused',
  15: 'meter-lost',
};

/**
 * The kebab-case name of a tunnel error code (`port-busy` for 4), `code-<n>` for unknown ones.
 *
 * @param code - A u16 code from an `error` or `closed` envelope.
 * @returns Its name.
 * @example
 * ```ts
 * tunnelErrorName(TunnelErrorCode.portBusy); // 'port-busy'
 * ```
 */
export function tunnelErrorName(code: number): string {
  return names[code] ?? `code-${code}`;
}
