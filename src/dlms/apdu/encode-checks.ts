/**
 * Range checks run before a field is written: a value out of range is the caller's mistake and
 * becomes an `EncodeError` naming the field, never silently truncated bytes.
 *
 * @module
 */

import { EncodeError } from '../../core/errors.js';

/**
 * Checks that `value` is an integer in `min`…`max`.
 *
 * @throws EncodeError naming `field` otherwise
 */
export function checkInteger(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError(field, `${String(value)} is not an integer in ${min}…${max}`);
  }
}

/**
 * Checks that `value` is a `Uint8Array`.
 *
 * @throws EncodeError naming `field` otherwise
 */
export function checkBytes(value: Uint8Array, field: string): void {
  if (!(value instanceof Uint8Array)) throw new EncodeError(field, 'must be a Uint8Array');
}

/**
 * Throws for a union member the encoder does not know (only reachable from untyped callers).
 *
 * @throws EncodeError naming `field` always
 */
export function unknownVariant(value: never, field: string): never {
  const shown = (value as { variant?: unknown; type?: unknown } | undefined) ?? {};
  throw new EncodeError(field, `unknown ${field} '${String(shown.variant ?? shown.type)}'`);
}
