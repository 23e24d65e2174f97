/**
 * A-XDR values as plain JSON for published readings.
 *
 * @module
 */

import { toHex } from '../../../core/hex.js';
import { cosemDateTimeToDate } from '../../../dlms/axdr/calendar-instant.js';
import { cosemDateText, cosemTimeText } from '../../../dlms/axdr/calendar-text.js';
import type { CosemDateTime, Data } from '../../../dlms/axdr/types.js';

/** A JSON value of a published reading. */
export type ReadingValue = number | string | boolean | null | ReadingValue[];

/**
 * A 64-bit or other integer as JSON: a number when it is exact as one (|v| ≤ 2^53 − 1), else
 * its decimal text.
 */
export function integerJson(value: number | bigint): number | string {
  if (typeof value === 'number') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/**
 * The date-time as an ISO 8601 UTC instant, or `undefined` when a field needed for one is
 * unspecified (the meter did not say, and nothing is guessed).
 */
export function isoOf(value: CosemDateTime): string | undefined {
  try {
    return cosemDateTimeToDate(value).toISOString();
  } catch {
    return undefined;
  }
}

/**
 * A `Data` as plain JSON: numbers, text and booleans as they are, 64-bit integers per
 * {@link integerJson}, octet-strings as hex text, bit-strings as `0`/`1` text, date-times as ISO
 * instants (their wall-clock text with `*` for unspecified fields when no instant can be
 * formed), dates and times as text, arrays and structures as arrays.
 */
export function jsonOf(data: Data): ReadingValue {
  switch (data.type) {
    case 'null-data':
    case 'dont-care':
      return null;
    case 'array':
    case 'structure':
    case 'compact-array':
      return data.value.map(jsonOf);
    case 'octet-string':
      return toHex(data.value);
    case 'bit-string':
      return data.value.map((b) => (b ? '1' : '0')).join('');
    case 'long64':
    case 'long64-unsigned':
      return integerJson(data.value);
    case 'date-time':
      return isoOf(data.value) ?? `${cosemDateText(data.value)}T${cosemTimeText(data.value)}`;
    case 'date':
      return cosemDateText(data.value);
    case 'time':
      return cosemTimeText(data.value);
    default:
      return data.value;
  }
}

/** The numeric value of a `Data` (integers, 64-bit integers, floats, enums), else `undefined`. */
export function numericOf(data: Data): number | bigint | undefined {
  if (data.type === 'bcd' || data.type === 'boolean') return undefined;
  const value = (data as { value?: unknown }).value;
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
}
