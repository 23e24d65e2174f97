import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SecurityError } from '../../../src/core/errors.js';
import {
  checkInvocationCounter,
  nextInvocationCounter,
} from '../../../src/dlms/security/invocation-counter.js';

describe('invocation counter (§10.7)', () => {
  it('increments up to FFFFFFFF, then refuses', () => {
    expect(nextInvocationCounter(0)).toBe(1);
    expect(nextInvocationCounter(0x01234567)).toBe(0x01234568);
    expect(nextInvocationCounter(0xfffffffe)).toBe(0xffffffff);
    expect(() => nextInvocationCounter(0xffffffff)).toThrow(InvalidArgumentError);
    expect(() => nextInvocationCounter(-1)).toThrow(InvalidArgumentError);
    expect(() => nextInvocationCounter(2 ** 32)).toThrow(InvalidArgumentError);
    expect(() => nextInvocationCounter(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it('rejects a counter below the minimum as a replay', () => {
    expect(() => checkInvocationCounter(5, 5)).not.toThrow();
    expect(() => checkInvocationCounter(6, 5)).not.toThrow();
    expect(() => checkInvocationCounter(0xffffffff, 0xffffffff)).not.toThrow();
    for (const [received, minimum] of [
      [4, 5],
      [0, 1],
      [0xffffffff, 2 ** 32],
    ] as const) {
      try {
        checkInvocationCounter(received, minimum);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(SecurityError);
        expect((e as SecurityError).failure).toBe('replay');
      }
    }
    expect(() => checkInvocationCounter(2 ** 32, 0)).toThrow(InvalidArgumentError);
    expect(() => checkInvocationCounter(1, -1)).toThrow(InvalidArgumentError);
  });
});
