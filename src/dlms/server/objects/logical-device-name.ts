/**
 * The COSEM logical device name (meterlink spec §11.5: Data 0.0.42.0.0.255, an octet-string of
 * at most 16 characters starting with the 3-letter manufacturer code).
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
import { DataObject } from './data-object.js';

/**
 * The logical device name object (read-only).
 *
 * @param name - ASCII, 3–16 characters, the first three letters (the FLAG manufacturer code).
 * @throws InvalidArgumentError when `name` is not such a name
 * @example
 * ```ts
 * logicalDeviceName('MLK0000012345678');
 * ```
 */
export function logicalDeviceName(name: string): DataObject {
  if (!/^[A-Za-z]{3}[\x20-\x7e]{0,13}$/.test(name)) {
    throw new InvalidArgumentError(
      `logical device name must be 3–16 ASCII characters starting with a 3-letter manufacturer code, got ${JSON.stringify(name)}`,
    );
  }
  return new DataObject({
    logicalName: '0.0.42.0.0.255',
    value: { type: 'octet-string', value: new TextEncoder().encode(name) },
    readOnly: true,
  });
}
