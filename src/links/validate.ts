/**
 * Option checks shared by the link factories; each throws an `InvalidArgumentError` naming the
 * option, so a typo in a config file fails at construction, not at the first connect.
 *
 * @module
 */

import { InvalidArgumentError } from '../core/errors.js';

/** Checks a TCP/UDP port number; `0` (any free port) only when `allowZero`. */
export function checkPort(name: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > 65535) {
    throw new InvalidArgumentError(
      `${name} must be an integer from ${allowZero ? 0 : 1} to 65535, got ${String(value)}`,
    );
  }
  return value;
}

/** Checks a non-empty string (host name, device path). */
export function checkText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${String(value)}`);
  }
  return value;
}

/** Checks a finite number `>= min` (or `Infinity` when `allowInfinity`). */
export function checkNumber(name: string, value: unknown, min: number, allowInfinity = false): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= min &&
    (allowInfinity || Number.isFinite(value));
  if (!ok) throw new InvalidArgumentError(`${name} must be a number >= ${min}, got ${String(value)}`);
  return value as number;
}

/** Checks a probability in [0, 1]. */
export function checkRate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${name} must be a probability from 0 to 1, got ${String(value)}`);
  }
  return value;
}
