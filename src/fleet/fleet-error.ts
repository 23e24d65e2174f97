/**
 * The errors of a fleet read: unknown failures wrapped into a typed error, and which failures are
 * worth another attempt.
 *
 * @module
 */

import {
  DecodeError,
  ErrorCode,
  LinkClosedError,
  LinkError,
  MeterlinkError,
  TimeoutError,
} from '../core/errors.js';
import { ModbusException } from '../modbus/client/modbus-exception.js';

/**
 * A meter's read failed with something that is not a meterlink error (a `TypeError` in a plan
 * function, an error a custom connector threw …); `cause` is the original.
 *
 * @example
 * ```ts
 * for await (const r of readFleet(meters, async () => { throw new Error('boom'); })) {
 *   if (!r.ok && r.error instanceof FleetTaskError) console.error(r.meter.id, r.error.cause);
 * }
 * ```
 */
export class FleetTaskError extends MeterlinkError {
  static override readonly brand: string = 'FleetTaskError';
  /** Id of the meter whose read failed. */
  readonly meterId: string;
  constructor(meterId: string, cause: unknown) {
    const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(ErrorCode.fleetTask, `meter ${meterId}: ${text}`, { cause });
    this.meterId = meterId;
  }
}

/** `error` itself when it is a meterlink error, else a {@link FleetTaskError} wrapping it. */
export function asMeterlinkError(error: unknown, meterId: string): MeterlinkError {
  return error instanceof MeterlinkError ? error : new FleetTaskError(meterId, error);
}

/** Tunnel failures (`TunnelError.reason`) that another attempt cannot cure: the address or the peer is wrong. */
const permanentTunnelReasons = new Set([
  'unknown-port',
  'bad-envelope',
  'unsupported-version',
  'payload-too-large',
  'unsupported',
]);

/**
 * Modbus exceptions that say "not now" (Modbus Application Protocol §7): 05 ACKNOWLEDGE,
 * 06 SERVER DEVICE BUSY, 0A GATEWAY PATH UNAVAILABLE, 0B GATEWAY TARGET DEVICE FAILED TO RESPOND.
 */
const transientModbusExceptions = new Set([0x05, 0x06, 0x0a, 0x0b]);

/**
 * The default retry rule of `readFleet`: another attempt may help after a timeout, a link that
 * failed or closed (connection refused, tunnel port busy, gateway offline, lease expired …),
 * garbled bytes (a noisy line), or a busy/gateway Modbus exception. Never after an abort, a bad
 * URL or option, a refused association or a security failure, or a meter that answered "no".
 *
 * @param error - The failure of one attempt.
 * @returns Whether a new attempt is worth it.
 * @example
 * ```ts
 * isRetryableFleetError(new TimeoutError('GET', 1000)); // true
 * ```
 */
export function isRetryableFleetError(error: MeterlinkError): boolean {
  if (error instanceof TimeoutError || error instanceof LinkClosedError || error instanceof DecodeError) {
    return true;
  }
  if (error instanceof LinkError) {
    const reason = (error as { reason?: unknown }).reason;
    return typeof reason !== 'string' || !permanentTunnelReasons.has(reason);
  }
  return error instanceof ModbusException && transientModbusExceptions.has(error.exceptionCode);
}
