/**
 * LLS, mechanism 1 (meterlink spec §7.5, §10.8): the password travels as the
 * calling-authentication-value octets.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { constantTimeEqual } from './web-crypto.js';

/** Longest LLS password accepted, in octets (the spec sets no limit; meters use 8–16). */
export const maxLlsPasswordLength = 255;

/**
 * The LLS authentication value of a password: a string is taken character by character as
 * Latin-1 octets (ASCII passwords map to themselves), bytes are copied.
 *
 * @throws InvalidArgumentError for an empty password, one longer than 255 octets, or a string
 *   with a character above U+00FF
 * @example
 * ```ts
 * llsAuthenticationValue('12345678'); // 31 32 33 34 35 36 37 38
 * ```
 */
export function llsAuthenticationValue(password: string | Uint8Array): Uint8Array {
  let value: Uint8Array;
  if (typeof password === 'string') {
    value = new Uint8Array(password.length);
    for (let i = 0; i < password.length; i++) {
      const c = password.charCodeAt(i);
      if (c > 0xff)
        throw new InvalidArgumentError('an LLS password string must be Latin-1 (characters up to U+00FF)');
      value[i] = c;
    }
  } else {
    value = password.slice();
  }
  if (value.length === 0 || value.length > maxLlsPasswordLength) {
    throw new InvalidArgumentError(`an LLS password has 1–255 octets, got ${value.length}`);
  }
  return value;
}

/**
 * Checks a received LLS authentication value against the expected password (server or simulator
 * side) in time that does not depend on where they differ.
 *
 * @throws InvalidArgumentError when `expected` is not a valid password (see {@link llsAuthenticationValue})
 * @example
 * ```ts
 * if (!verifyLlsPassword(aarq.callingAuthenticationValue, 'secret12')) rejectWithDiagnostic(13);
 * ```
 */
export function verifyLlsPassword(received: Uint8Array, expected: string | Uint8Array): boolean {
  return constantTimeEqual(received, llsAuthenticationValue(expected));
}
