/**
 * Invocation counter rules (meterlink spec §10.7): strictly increasing per sender and key,
 * never past `FFFFFFFF`.
 *
 * @module
 */

import { InvalidArgumentError, SecurityError } from '../../core/errors.js';

/** Largest invocation counter value: the last one a key may be used with (§10.7). */
export const maxInvocationCounter = 0xffffffff;

/**
 * Throws unless `value` is a 32-bit unsigned integer.
 * @throws InvalidArgumentError
 */
export function checkCounterRange(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > maxInvocationCounter) {
    throw new InvalidArgumentError(`${what} must be an integer 0–4294967295, got ${value}`);
  }
}

/**
 * The counter value to send after `current` (§10.7: it strictly increases).
 *
 * @throws InvalidArgumentError when `current` is not a 32-bit unsigned integer, or is
 *   `FFFFFFFF`: the counter is exhausted and the key must be replaced before any further use
 * @example
 * ```ts
 * let ic = nextInvocationCounter(lastSent); // lastSent + 1
 * ```
 */
export function nextInvocationCounter(current: number): number {
  checkCounterRange(current, 'invocation counter');
  if (current === maxInvocationCounter) {
    throw new InvalidArgumentError(
      'invocation counter exhausted (FFFFFFFF): the key must be replaced (§10.7)',
    );
  }
  return current + 1;
}

/**
 * Rejects a received counter below `minimum` (the last accepted value + 1, §10.7).
 *
 * @throws SecurityError `replay` when `received < minimum`
 * @throws InvalidArgumentError when either is not a 32-bit unsigned integer (`minimum` may be
 *   2^32, meaning nothing more can be accepted)
 * @example
 * ```ts
 * checkInvocationCounter(apdu.invocationCounter, lastAccepted + 1);
 * ```
 */
export function checkInvocationCounter(received: number, minimum: number): void {
  checkCounterRange(received, 'received invocation counter');
  if (!Number.isInteger(minimum) || minimum < 0 || minimum > maxInvocationCounter + 1) {
    throw new InvalidArgumentError(
      `minimum invocation counter must be an integer 0–4294967296, got ${minimum}`,
    );
  }
  if (received < minimum) {
    throw new SecurityError(
      'replay',
      `invocation counter ${received} is below the expected minimum ${minimum} (replay)`,
    );
  }
}
