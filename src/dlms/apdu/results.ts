/**
 * The result enumerations of the LN services (meterlink spec §9.7).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { enumerationNames, readEnumeration, writeEnumeration } from './enumeration.js';

const dataAccessResultValues = {
  success: 0,
  'hardware-fault': 1,
  'temporary-failure': 2,
  'read-write-denied': 3,
  'object-undefined': 4,
  'object-class-inconsistent': 9,
  'object-unavailable': 11,
  'type-unmatched': 12,
  'scope-of-access-violated': 13,
  'data-block-unavailable': 14,
  'long-get-aborted': 15,
  'no-long-get-in-progress': 16,
  'long-set-aborted': 17,
  'no-long-set-in-progress': 18,
  'data-block-number-invalid': 19,
  'other-reason': 250,
} as const satisfies Record<DataAccessResultName, number>;

/** Data-Access-Result values by name (§9.7): the outcome of a GET/SET of one attribute. */
export const dataAccessResults: Readonly<Record<DataAccessResultName, number>> = dataAccessResultValues;

/** A named Data-Access-Result. */
export type DataAccessResultName =
  | 'success'
  | 'hardware-fault'
  | 'temporary-failure'
  | 'read-write-denied'
  | 'object-undefined'
  | 'object-class-inconsistent'
  | 'object-unavailable'
  | 'type-unmatched'
  | 'scope-of-access-violated'
  | 'data-block-unavailable'
  | 'long-get-aborted'
  | 'no-long-get-in-progress'
  | 'long-set-aborted'
  | 'no-long-set-in-progress'
  | 'data-block-number-invalid'
  | 'other-reason';

/** A Data-Access-Result: its name, or the octet value when §9.7 does not name it. */
export type DataAccessResult = DataAccessResultName | number;

const actionResultValues = {
  success: 0,
  'hardware-fault': 1,
  'temporary-failure': 2,
  'read-write-denied': 3,
  'object-undefined': 4,
  'object-class-inconsistent': 9,
  'object-unavailable': 11,
  'type-unmatched': 12,
  'scope-of-access-violated': 13,
  'data-block-unavailable': 14,
  'long-action-aborted': 15,
  'no-long-action-in-progress': 16,
  'other-reason': 250,
} as const satisfies Record<ActionResultName, number>;

/** Action-Result values by name (§9.7): the outcome of an ACTION. */
export const actionResults: Readonly<Record<ActionResultName, number>> = actionResultValues;

/** A named Action-Result. */
export type ActionResultName =
  | 'success'
  | 'hardware-fault'
  | 'temporary-failure'
  | 'read-write-denied'
  | 'object-undefined'
  | 'object-class-inconsistent'
  | 'object-unavailable'
  | 'type-unmatched'
  | 'scope-of-access-violated'
  | 'data-block-unavailable'
  | 'long-action-aborted'
  | 'no-long-action-in-progress'
  | 'other-reason';

/** An Action-Result: its name, or the octet value when §9.7 does not name it. */
export type ActionResult = ActionResultName | number;

const dataAccessResultNames = enumerationNames(dataAccessResults);
const actionResultNames = enumerationNames(actionResults);

/**
 * Reads a Data-Access-Result octet.
 *
 * @throws DecodeError when the input ends
 */
export function readDataAccessResult(reader: ByteReader): DataAccessResult {
  return readEnumeration(reader, dataAccessResultNames, 'data-access-result');
}

/**
 * Writes a Data-Access-Result octet.
 *
 * @throws EncodeError for an unknown name or a number outside 0–255
 */
export function writeDataAccessResult(writer: ByteWriter, result: DataAccessResult): void {
  writeEnumeration(writer, dataAccessResults, result, 'data-access-result');
}

/**
 * Reads an Action-Result octet.
 *
 * @throws DecodeError when the input ends
 */
export function readActionResult(reader: ByteReader): ActionResult {
  return readEnumeration(reader, actionResultNames, 'action-result');
}

/**
 * Writes an Action-Result octet.
 *
 * @throws EncodeError for an unknown name or a number outside 0–255
 */
export function writeActionResult(writer: ByteWriter, result: ActionResult): void {
  writeEnumeration(writer, actionResults, result, 'action-result');
}
