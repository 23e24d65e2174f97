/**
 * RTU character and silence times (Modbus spec §7.2).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';

/** Character and silence times of an RTU line, in milliseconds. */
export interface RtuTimings {
  /** One character: 11 bits (start, 8 data, parity or second stop, stop) at the baud rate. */
  charMs: number;
  /** Longest gap allowed inside a frame (t1.5); fixed 0.75 ms above 19 200 bit/s. */
  t15Ms: number;
  /** Shortest silence between frames (t3.5); fixed 1.75 ms above 19 200 bit/s. */
  t35Ms: number;
  /**
   * Idle time after which a host-side decoder drops a partial frame: max(t3.5, 50 ms), because
   * serial ports deliver bytes in chunks with millisecond jitter (spec §7.2, §13).
   */
  idleMs: number;
}

/** Default minimum idle time for dropping a partial RTU frame (spec §13). */
export const defaultRtuIdleMs = 50;

/**
 * Computes the RTU timing values for a baud rate (spec §7.2 table: one character is 11 bits; at
 * 19 200 bit/s and below t1.5 and t3.5 are 1.5 and 3.5 characters, above it they are fixed).
 *
 * @throws {@link InvalidArgumentError} when `baudRate` is not a positive finite number
 * @example
 * ```ts
 * rtuTimings(9600); // { charMs: 1.1458…, t15Ms: 1.71875, t35Ms: 4.0104…, idleMs: 50 }
 * ```
 */
export function rtuTimings(baudRate: number): RtuTimings {
  if (typeof baudRate !== 'number' || !Number.isFinite(baudRate) || baudRate <= 0) {
    throw new InvalidArgumentError(`baudRate must be a positive number, got ${baudRate}`);
  }
  const charMs = 11_000 / baudRate;
  const fixed = baudRate > 19_200;
  const t15Ms = fixed ? 0.75 : 1.5 * charMs;
  const t35Ms = fixed ? 1.75 : 3.5 * charMs;
  return { charMs, t15Ms, t35Ms, idleMs: Math.max(t35Ms, defaultRtuIdleMs) };
}
