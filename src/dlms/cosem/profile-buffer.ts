/**
 * Profile generic buffer (meterlink spec §11.3 class 7, attribute 2): an array of structures,
 * one per entry, whose elements follow the capture objects. Rows come back as plain arrays of
 * typed cells, one per column:
 *
 * - null-data → `null` (kept; see {@link ProfileBufferOptions} for the reconstruction §11.3 asks for);
 * - the integer types, enum, float32/64 and the delta types → `number`; long64(-unsigned) → `bigint`;
 *   boolean → `boolean`;
 * - a date-time (tag 25) anywhere, and an octet-string of 12 octets in a date-time column (see
 *   {@link ProfileColumn.dateTime}) → `CosemDateTime`;
 * - anything else (strings, structures, bit-strings, other octet-strings …) → the `Data` itself.
 *
 * @module
 */

import { ByteReader } from '../../core/bytes.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { readCosemDateTime } from '../axdr/calendar.js';
import { decodeData, readData } from '../axdr/data-codec.js';
import type { CosemDateTime, Data, DataDecodeOptions } from '../axdr/types.js';
import type { CaptureObject } from './capture-objects.js';
import { malformed } from './malformed.js';
import { type ProfileColumn, profileColumns } from './profile-columns.js';

/** One cell of a profile row (see the module comment for which `Data` becomes what). */
export type ProfileCell = number | bigint | boolean | null | CosemDateTime | Data;

/** A decoded profile buffer. */
export interface ProfileBuffer {
  /** The columns, in row order. */
  columns: ProfileColumn[];
  /** The entries; `rows[i][j]` belongs to `columns[j]`. */
  rows: ProfileCell[][];
}

/** Options of {@link parseProfileBuffer} and {@link decodeProfileBuffer}. */
export interface ProfileBufferOptions extends DataDecodeOptions {
  /** Largest number of rows accepted, checked before allocating. Default `maxArrayLength`, else 65 535. */
  maxRows?: number;
  /**
   * Capture period in seconds (Profile generic attribute 4). When set, a null-data in a
   * date-time column becomes the previous row's time plus this period (§11.3: meters may omit
   * timestamps that follow from the previous row). The previous row's deviation and clock status
   * are kept; the day of week is recomputed when it was specified. Without it nulls stay `null`.
   */
  capturePeriod?: number;
  /**
   * A null-data in a column that is not a date-time column repeats the previous row's value
   * (§11.3: meters may send null-data for repeated values). Default false: nulls stay `null`.
   */
  repeatPrevious?: boolean;
}

const defaultMaxRows = 65_535;

/**
 * Turns a decoded buffer attribute into typed rows.
 *
 * @param data - The decoded buffer: an array (or compact-array) of structures.
 * @param captureObjects - The columns (capture_objects, or the selected_values of the request).
 * @param options - Row limit, null reconstruction, deviation sign.
 * @returns The columns and the rows.
 * @throws DecodeError (layer `'cosem'`) when `data` is not an array of structures with
 *   one element per capture object, a date-time column holds 12 octets that are no date-time,
 *   or there are more than `maxRows` rows.
 * @throws InvalidArgumentError when `capturePeriod` is not a non-negative integer.
 * @example
 * ```ts
 * const { columns, rows } = parseProfileBuffer(decodeData(bufferBytes), captureObjects);
 * rows[0]; // [{ year: 2024, month: 1, … }, 1000]
 * ```
 */
export function parseProfileBuffer(
  data: Data,
  captureObjects: readonly CaptureObject[],
  options?: ProfileBufferOptions,
): ProfileBuffer {
  if (data.type !== 'array' && data.type !== 'compact-array') {
    malformed(`buffer is ${data.type}`, 'buffer: an array of structures');
  }
  const columns = profileColumns(captureObjects);
  const width = columns.length;
  const maxRows = options?.maxRows ?? options?.maxArrayLength ?? defaultMaxRows;
  const entries = data.value;
  if (entries.length > maxRows) {
    malformed(`${entries.length} rows exceed maxRows ${maxRows}`, `at most ${maxRows} rows`);
  }
  const invert = options?.invertDeviation === true;
  const dateTime = columns.map((c) => c.dateTime);
  const rows: ProfileCell[][] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.type !== 'structure' || entry.value.length !== width) {
      malformed(
        `buffer[${i}] is ${entry.type === 'structure' ? `a structure of ${entry.value.length}` : entry.type}`,
        `buffer[${i}]: a structure of ${width} elements (one per capture object)`,
      );
    }
    const row: ProfileCell[] = new Array(width);
    for (let j = 0; j < width; j++) row[j] = cellOf(entry.value[j]!, dateTime[j]!, invert);
    rows.push(row);
  }
  fillNulls(rows, dateTime, options);
  return { columns, rows };
}

/** The typed cell of a decoded `Data` (see the module comment). */
function cellOf(d: Data, dateTime: boolean, invert: boolean): ProfileCell {
  switch (d.type) {
    case 'null-data':
      return null;
    case 'date-time':
      return d.value;
    case 'octet-string':
      if (dateTime && d.value.length === 12)
        return readCosemDateTime(new ByteReader(d.value, 'cosem'), invert);
      return d;
    case 'array':
    case 'structure':
    case 'compact-array':
    case 'bit-string':
    case 'visible-string':
    case 'utf8-string':
    case 'bcd':
    case 'date':
    case 'time':
    case 'dont-care':
      return d;
    default:
      return d.value;
  }
}

// Constant `what` strings for the fast path (nothing is built on the success path).
const whatRow = 'a row: structure (tag 2)';
const whatWidth = 'the row element count';
const whatValue = 'a value';
const whatBuffer = 'the buffer: array (tag 1) or compact-array (tag 19)';

/**
 * Decodes a buffer attribute straight from its A-XDR octets (`01 <count> 02 <n> …`), without
 * building `Data` objects for the common cell types: the result equals
 * `parseProfileBuffer(decodeData(bytes, options), captureObjects, options)`. A compact-array
 * buffer takes that slower route.
 *
 * The row count is checked against `maxRows` and the octets left before anything is allocated;
 * the other `Data` limits apply to each cell as they would to the whole buffer.
 *
 * @param bytes - The `Data` encoding of the buffer attribute (e.g. a get-response's data).
 * @param captureObjects - The columns.
 * @param options - Row limit, `Data` limits, null reconstruction, deviation sign.
 * @returns The columns and the rows.
 * @throws DecodeError (layer `'cosem'` with the byte offset, or `'axdr'` for a
 *   compact-array) for malformed octets, a row whose width is not the number of capture objects,
 *   trailing octets, or an exceeded limit.
 * @throws InvalidArgumentError when `capturePeriod` or a `Data` limit is invalid.
 * @example
 * ```ts
 * const { rows } = decodeProfileBuffer(response.data, captureObjects, { capturePeriod: 900 });
 * ```
 */
export function decodeProfileBuffer(
  bytes: Uint8Array,
  captureObjects: readonly CaptureObject[],
  options?: ProfileBufferOptions,
): ProfileBuffer {
  if (bytes[0] === 19) return parseProfileBuffer(decodeData(bytes, options), captureObjects, options);
  const columns = profileColumns(captureObjects);
  const width = columns.length;
  const dateTime = columns.map((c) => c.dateTime);
  const maxRows = options?.maxRows ?? options?.maxArrayLength ?? defaultMaxRows;
  const invert = options?.invertDeviation === true;
  const r = new ByteReader(bytes, 'cosem');
  // Cells sit two levels below the buffer: give readData the depth that is left.
  const maxDepth = options?.maxDepth ?? 32;
  if (maxDepth < 2)
    r.fail(`nesting exceeds maxDepth ${maxDepth}`, `at most ${maxDepth} nested arrays/structures`, 0);
  const cellOptions: DataDecodeOptions = { ...options, maxDepth: maxDepth - 2 };
  // The date-time shortcut skips readData, so it must not bypass a maxStringBytes below 12.
  const dateTimeShortcut = (options?.maxStringBytes ?? 12) >= 12;
  const b = bytes;
  const n = bytes.length;
  if (r.u8(whatBuffer) !== 1) r.fail('buffer is not an array', whatBuffer, 0);
  const countAt = r.pos;
  const count = length(r, whatBuffer);
  if (count > maxRows) r.fail(`${count} rows exceed maxRows ${maxRows}`, `at most ${maxRows} rows`, countAt);
  // Each row takes at least 2 octets (tag, count) plus one per cell.
  if (count * (2 + width) > n - r.pos) {
    r.fail(`${count} rows announced but only ${n - r.pos} octets follow`, whatBuffer, countAt);
  }
  const rows: ProfileCell[][] = new Array(count);
  let p = r.pos;
  for (let i = 0; i < count; i++) {
    if (p + 2 > n || b[p] !== 2) r.fail('row is not a structure', whatRow, p);
    let w = b[p + 1]!;
    if (w < 0x80) p += 2;
    else {
      r.pos = p + 1;
      w = length(r, whatWidth);
      p = r.pos;
    }
    if (w !== width) {
      r.fail(`row ${i} has ${w} elements but there are ${width} capture objects`, whatWidth, p - 1);
    }
    const row: ProfileCell[] = new Array(width);
    for (let j = 0; j < width; j++) {
      const at = p;
      if (p >= n) r.fail('input ends before a value', whatValue, n);
      const tag = b[p++]!;
      let cell: ProfileCell;
      switch (tag) {
        case 0:
          cell = null;
          break;
        case 6: // double-long-unsigned
        case 33:
          if (p + 4 > n) truncated(r, p, 4);
          cell = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
          p += 4;
          break;
        case 5: // double-long
        case 30:
          if (p + 4 > n) truncated(r, p, 4);
          cell = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
          p += 4;
          break;
        case 18: // long-unsigned
        case 32:
          if (p + 2 > n) truncated(r, p, 2);
          cell = (b[p]! << 8) | b[p + 1]!;
          p += 2;
          break;
        case 16: // long
        case 29:
          if (p + 2 > n) truncated(r, p, 2);
          cell = (((b[p]! << 8) | b[p + 1]!) << 16) >> 16;
          p += 2;
          break;
        case 17: // unsigned
        case 22: // enum
        case 31:
          if (p >= n) truncated(r, p, 1);
          cell = b[p++]!;
          break;
        case 15: // integer
        case 28:
          if (p >= n) truncated(r, p, 1);
          cell = (b[p++]! << 24) >> 24;
          break;
        case 3: // boolean: any non-zero octet is TRUE (§6.2)
          if (p >= n) truncated(r, p, 1);
          cell = b[p++] !== 0;
          break;
        case 9: // octet-string: 12 octets in a date-time column are a date-time (§6.5)
          if (dateTime[j] && b[p] === 12 && dateTimeShortcut) {
            r.pos = p + 1;
            cell = readCosemDateTime(r, invert);
            p = r.pos;
            break;
          }
          r.pos = at;
          cell = cellOf(readData(r, cellOptions), dateTime[j]!, invert);
          p = r.pos;
          break;
        case 25: // date-time
          r.pos = p;
          cell = readCosemDateTime(r, invert);
          p = r.pos;
          break;
        default:
          r.pos = at;
          cell = cellOf(readData(r, cellOptions), false, invert);
          p = r.pos;
      }
      row[j] = cell;
    }
    rows[i] = row;
  }
  r.pos = p;
  r.expectEnd('the end of the buffer');
  fillNulls(rows, dateTime, options);
  return { columns, rows };
}

/** Throws the truncation error for a `size`-octet value at `p` (the fast path keeps its own cursor). */
function truncated(r: ByteReader, p: number, size: number): never {
  return r.fail(`input ends after ${r.length - p} of ${size} bytes of a value`, whatValue, r.length);
}

/** Reads an A-XDR length (§6.1) with the reader's layer. */
function length(r: ByteReader, what: string): number {
  const at = r.pos;
  const first = r.u8(what);
  if (first < 0x80) return first;
  const k = first & 0x7f;
  if (k === 0 || k > 4) r.fail('length form not allowed', 'a length (0x00–0x84, §6.1)', at);
  let value = 0;
  for (let i = 0; i < k; i++) value = value * 256 + r.u8(what);
  return value;
}

/** Applies the null reconstruction options in place (§11.3). */
function fillNulls(
  rows: ProfileCell[][],
  dateTime: readonly boolean[],
  options?: ProfileBufferOptions,
): void {
  const period = options?.capturePeriod;
  if (period !== undefined && !(Number.isInteger(period) && period >= 0)) {
    throw new InvalidArgumentError(`capturePeriod must be a non-negative integer, got ${period}`);
  }
  const repeat = options?.repeatPrevious === true;
  if (period === undefined && !repeat) return;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    const previous = rows[i - 1]!;
    for (let j = 0; j < row.length; j++) {
      if (row[j] !== null) continue;
      const before = previous[j]!;
      if (dateTime[j]) {
        if (period !== undefined && typeof before === 'object' && before !== null && !('type' in before)) {
          row[j] = addSeconds(before, period);
        }
      } else if (repeat) row[j] = before;
    }
  }
}

/**
 * `value` plus `seconds` in its own local time; `null` when `value` is a pattern (a field not
 * specified or special), which no period can be added to.
 */
function addSeconds(value: CosemDateTime, seconds: number): CosemDateTime | null {
  const { year, month, dayOfMonth, hour, minute, second } = value;
  if (
    typeof year !== 'number' ||
    typeof month !== 'number' ||
    typeof dayOfMonth !== 'number' ||
    typeof hour !== 'number' ||
    typeof minute !== 'number' ||
    typeof second !== 'number'
  ) {
    return null;
  }
  // setUTCFullYear, not Date.UTC: the latter maps years 0–99 to 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, dayOfMonth);
  t.setUTCHours(hour, minute, second + seconds, 0);
  return {
    ...value,
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    dayOfMonth: t.getUTCDate(),
    dayOfWeek: value.dayOfWeek === 'unspecified' ? 'unspecified' : ((t.getUTCDay() + 6) % 7) + 1,
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(),
  };
}
