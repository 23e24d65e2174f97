/**
 * How the DLMS commands show A-XDR values: one line of text for people, and a typed JSON form
 * for `--json` that `set` and `action` read back (see `dlms-value-input.ts`).
 *
 * @module
 */

import { toHex } from '../core/hex.js';
import { decodeDateTimeOctets } from '../dlms/axdr/calendar.js';
import { cosemDateTimeToDate } from '../dlms/axdr/calendar-instant.js';
import { cosemDateText, cosemTimeText } from '../dlms/axdr/calendar-text.js';
import type { CosemDateTime, Data, TypeDescription } from '../dlms/axdr/types.js';

/**
 * The typed JSON form of a `Data`: `{ "type": "long-unsigned", "value": 7 }`. Octet-strings are
 * hex text, bit-strings a text of `0`/`1`, 64-bit integers decimal text, arrays and structures a
 * list of typed elements, dates and times their field objects.
 */
export interface DataJson {
  /** The A-XDR type name (`long-unsigned`, `octet-string`, `structure` …). */
  type: Data['type'];
  /** The value; absent for `null-data` and `dont-care`. */
  value?: unknown;
  /** The element type of a `compact-array`. */
  description?: TypeDescription;
}

/**
 * The typed JSON form of a value.
 *
 * @example
 * ```ts
 * dataToJson({ type: 'octet-string', value: Uint8Array.of(1, 2) }); // { type: 'octet-string', value: '0102' }
 * ```
 */
export function dataToJson(data: Data): DataJson {
  switch (data.type) {
    case 'null-data':
    case 'dont-care':
      return { type: data.type };
    case 'array':
    case 'structure':
      return { type: data.type, value: data.value.map(dataToJson) };
    case 'compact-array':
      return { type: data.type, description: data.description, value: data.value.map(dataToJson) };
    case 'octet-string':
      return { type: data.type, value: toHex(data.value) };
    case 'bit-string':
      return { type: data.type, value: bits(data.value) };
    case 'long64':
    case 'long64-unsigned':
      return { type: data.type, value: data.value.toString() };
    default:
      return { type: data.type, value: data.value };
  }
}

/**
 * A value as plain JSON where that loses nothing a reader needs — numbers, text, booleans, null,
 * octet-strings as hex, 64-bit integers as decimal text — and the typed form otherwise.
 */
export function plainJson(data: Data): unknown {
  switch (data.type) {
    case 'null-data':
      return null;
    case 'boolean':
    case 'visible-string':
    case 'utf8-string':
    case 'double-long':
    case 'double-long-unsigned':
    case 'integer':
    case 'long':
    case 'unsigned':
    case 'long-unsigned':
    case 'enum':
    case 'float32':
    case 'float64':
    case 'bcd':
      return data.value;
    case 'long64':
    case 'long64-unsigned':
      return data.value.toString();
    case 'octet-string':
      return toHex(data.value);
    default:
      return dataToJson(data);
  }
}

function bits(value: readonly boolean[]): string {
  return value.map((b) => (b ? '1' : '0')).join('');
}

/**
 * A COSEM date-time as the meter wrote it: local date and time (`*` for unspecified fields), the
 * UTC offset its deviation gives, and the clock status flags that are set.
 *
 * @example
 * ```ts
 * formatCosemDateTime(t); // '2024-06-15 14:00:00 +02:00 DST'
 * ```
 */
export function formatCosemDateTime(value: CosemDateTime): string {
  let text = `${cosemDateText(value)} ${cosemTimeText(value)}`;
  if (typeof value.deviation === 'number') {
    // DLMS: UTC = local + deviation, so the ISO offset is −deviation.
    const offset = -value.deviation;
    const abs = Math.abs(offset);
    text += ` ${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
  const status = value.clockStatus;
  if (status !== 'unspecified') {
    const flags = [
      status.invalid ? 'invalid' : '',
      status.doubtful ? 'doubtful' : '',
      status.differentClockBase ? 'different-clock-base' : '',
      status.invalidClockStatus ? 'invalid-status' : '',
      status.daylightSavingActive ? 'DST' : '',
    ].filter((f) => f !== '');
    if (flags.length > 0) text += ` ${flags.join(' ')}`;
  }
  return text;
}

/** The instant of a COSEM date-time, or `undefined` when fields needed for one are unspecified. */
export function instantOf(value: CosemDateTime): Date | undefined {
  try {
    return cosemDateTimeToDate(value);
  } catch {
    return undefined;
  }
}

/** An instant as ISO 8601 UTC without milliseconds when they are 0 (`2024-06-15T12:00:00Z`). */
export function isoText(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** 12 octets that decode as a plausible date-time (a Clock time written as an octet-string). */
function octetDateTime(octets: Uint8Array): CosemDateTime | undefined {
  if (octets.length !== 12) return undefined;
  try {
    const value = decodeDateTimeOctets(octets);
    const year = value.year;
    return year === 'unspecified' || (year >= 1970 && year <= 2200) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One line of text for a value: numbers as they are, strings quoted, octet-strings as hex (and a
 * 12-octet date-time also as a date), arrays `[…]`, structures `{…}`.
 *
 * @example
 * ```ts
 * formatData({ type: 'structure', value: [{ type: 'integer', value: -1 }, { type: 'enum', value: 30 }] }); // '{-1, 30}'
 * ```
 */
export function formatData(data: Data): string {
  switch (data.type) {
    case 'null-data':
      return 'null';
    case 'dont-care':
      return '*';
    case 'array':
    case 'compact-array':
      return `[${data.value.map(formatData).join(', ')}]`;
    case 'structure':
      return `{${data.value.map(formatData).join(', ')}}`;
    case 'octet-string': {
      const hex = toHex(data.value);
      const dateTime = octetDateTime(data.value);
      return dateTime === undefined ? hex : `${hex} (${formatCosemDateTime(dateTime)})`;
    }
    case 'visible-string':
    case 'utf8-string':
      return JSON.stringify(data.value);
    case 'bit-string':
      return bits(data.value);
    case 'date-time':
      return formatCosemDateTime(data.value);
    case 'date':
      return cosemDateText(data.value);
    case 'time':
      return cosemTimeText(data.value);
    default:
      return String(data.value);
  }
}
