/**
 * The error for decoded `Data` that does not have the shape a COSEM attribute requires.
 *
 * The input is already-decoded `Data`, so there is no byte offset to report: these errors carry
 * offset 0 and name the element path (`object_list[3].access_rights`) in `expected` instead.
 * The path is given in pieces (`where`, `index`, `field`) and only joined when failing.
 *
 * @module
 */

import { DecodeError } from '../../core/errors.js';
import type { Data } from '../axdr/types.js';

/** Throws a `DecodeError` of layer `'cosem'` (offset 0, see the module comment). */
export function malformed(message: string, expected: string): never {
  throw new DecodeError(message, { layer: 'cosem', offset: 0, expected });
}

/** Joins a path: `where[index].field` (index < 0 and field '' are left out). */
export function pathOf(where: string, index: number, field: string): string {
  return `${where}${index < 0 ? '' : `[${index}]`}${field === '' ? '' : `.${field}`}`;
}

function fail(data: Data, what: string, where: string, index: number, field: string): never {
  const path = pathOf(where, index, field);
  const got =
    data.type === 'structure' || data.type === 'array' || data.type === 'octet-string'
      ? `${data.type} of ${data.value.length}`
      : data.type;
  malformed(`${path} is ${got}`, `${path}: ${what}`);
}

/** Returns the elements of a structure of exactly `count` elements, else throws. */
export function structureOf(data: Data, count: number, where: string, index = -1, field = ''): Data[] {
  if (data.type !== 'structure' || data.value.length !== count) {
    fail(data, `a structure of ${count} elements`, where, index, field);
  }
  return data.value;
}

/** Returns the elements of an array, else throws. */
export function arrayOf(data: Data, where: string, index = -1, field = ''): Data[] {
  if (data.type !== 'array') fail(data, 'an array', where, index, field);
  return data.value;
}

/** Returns the value of a `Data` of the given number-valued type, else throws. */
export function integerOf(data: Data, type: Data['type'], where: string, index = -1, field = ''): number {
  if (data.type !== type) fail(data, type, where, index, field);
  return (data as { value: number }).value;
}

/** Returns the octets of a 6-octet octet-string (a logical name), else throws. */
export function logicalNameOf(data: Data, where: string, index = -1, field = ''): Uint8Array {
  if (data.type !== 'octet-string' || data.value.length !== 6) {
    fail(data, 'an octet-string of 6 octets (a logical name)', where, index, field);
  }
  return data.value;
}
