/**
 * The typed error of the tunnel link.
 *
 * @module
 */

import { LinkError, type MeterlinkErrorOptions } from '../../core/errors.js';
import { tunnelErrorName } from '../protocol/error-codes.js';

/**
 * A {@link LinkError} of the MQTT tunnel: the gateway refused or ended the lease, or went
 * offline. `reason` tells which; `tunnelCode` is the gateway's numeric code when it sent one.
 *
 * @example
 * ```ts
 * try { await link.open(); }
 * catch (e) { if (e instanceof TunnelError && e.reason === 'unknown-port') console.error('no such port'); }
 * ```
 */
export class TunnelError extends LinkError {
  static override readonly brand: string = 'TunnelError';
  /**
   * Why: the kebab-case name of the gateway's error code (`unknown-port`, `lease-expired`,
   * `gateway-stopping` …, see `TunnelErrorCode`), or `gateway-offline` when the gateway's status
   * went offline (its Last Will).
   */
  readonly reason: string;
  /** The gateway's error code (u16), when the failure came in an `error` or `closed` envelope. */
  readonly tunnelCode: number | undefined;
  constructor(message: string, reason: string, tunnelCode?: number, options?: MeterlinkErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.tunnelCode = tunnelCode;
  }

  /** The error for a gateway's `error`/`closed` envelope with `code` and `message`. */
  static fromCode(what: string, code: number, message: string): TunnelError {
    const name = tunnelErrorName(code);
    return new TunnelError(`${what}: ${name}${message === '' ? '' : ` (${message})`}`, name, code);
  }
}
