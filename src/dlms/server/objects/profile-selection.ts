/**
 * Selective access to a simulated Profile generic buffer (meterlink spec §11.3 class 7):
 * range_descriptor (selector 1) and entry_descriptor (selector 2), turned into the entries and
 * columns to return.
 *
 * @module
 */

import type { DataAccessResultName } from '../../apdu/results.js';
import { asDateTime, cosemDateTimeToDate } from '../../axdr/calendar-instant.js';
import type { Data } from '../../axdr/types.js';
import { type CaptureObject, parseCaptureObject } from '../../cosem/capture-objects.js';
import type { SelectiveAccess } from '../../cosem/selective-access.js';

/** Rows whose restricting column lies in `[from, to]`. */
export interface RangeSelection {
  /** Discriminant. */
  kind: 'range';
  /** Index of the restricting column in capture_objects. */
  column: number;
  /** Lower bound (inclusive), as a key (see {@link rangeKey}). */
  from: number;
  /** Upper bound (inclusive). */
  to: number;
  /** Bounds given without a deviation: compare local wall-clock times. */
  floating: boolean;
  /** Columns to return (indexes into capture_objects), in order. */
  columns: number[];
}

/** Entries `from`…`to` (0-based, inclusive; `to` may exceed the entries in use). */
export interface EntrySelection {
  /** Discriminant. */
  kind: 'entries';
  /** First entry, 0-based. */
  from: number;
  /** Last entry, 0-based (Infinity = to the last one). */
  to: number;
  /** Columns to return, in order. */
  columns: number[];
}

/** What a buffer read returns. */
export type BufferSelection = RangeSelection | EntrySelection;

/** A failure: the Data-Access-Result to answer with. */
export interface SelectionFailure {
  /** The result. */
  failure: DataAccessResultName;
}

const typeUnmatched: SelectionFailure = { failure: 'type-unmatched' };
const unavailable: SelectionFailure = { failure: 'object-unavailable' };

function sameColumn(a: CaptureObject, b: CaptureObject): boolean {
  return (
    a.classId === b.classId &&
    a.logicalName === b.logicalName &&
    a.attributeIndex === b.attributeIndex &&
    a.dataIndex === b.dataIndex
  );
}

function parseColumn(data: Data): CaptureObject | undefined {
  try {
    return parseCaptureObject(data);
  } catch {
    return undefined;
  }
}

/** `classId * 256 + attribute` of the date-time attributes of §11.3 (octet-string(12)). */
const dateTimeAttributes = [8 * 256 + 2, 4 * 256 + 5, 5 * 256 + 6, 5 * 256 + 7];

/** Whether a column holds date-times (Clock time, capture times …) rather than numbers. */
export function isDateTimeColumn(column: CaptureObject): boolean {
  return column.dataIndex === 0 && dateTimeAttributes.includes(column.classId * 256 + column.attributeIndex);
}

/**
 * The comparison key of a restricting-column value or bound: a date-time (octet-string(12) or
 * tag 25) as its instant in ms — or, when `floating`, its wall-clock fields read as UTC — and a
 * number as itself; undefined for anything else.
 */
export function rangeKey(value: Data, floating: boolean): number | undefined {
  if (value.type === 'octet-string' || value.type === 'date-time') {
    try {
      const dateTime = asDateTime(value);
      const deviation = floating || dateTime.deviation === 'unspecified' ? 0 : dateTime.deviation;
      return cosemDateTimeToDate({ ...dateTime, deviation }).getTime();
    } catch {
      return undefined;
    }
  }
  const n = (value as { value?: unknown }).value;
  return typeof n === 'number' || typeof n === 'bigint' ? Number(n) : undefined;
}

function isFloating(value: Data): boolean {
  try {
    return asDateTime(value).deviation === 'unspecified';
  } catch {
    return false;
  }
}

function rangeSelection(
  parameters: Data,
  columns: readonly CaptureObject[],
): BufferSelection | SelectionFailure {
  if (parameters.type !== 'structure' || parameters.value.length !== 4) return typeUnmatched;
  const [restricting, fromValue, toValue, selected] = parameters.value as [Data, Data, Data, Data];
  const restrictingColumn = parseColumn(restricting);
  if (restrictingColumn === undefined || selected.type !== 'array') return typeUnmatched;
  const column = columns.findIndex((c) => sameColumn(c, restrictingColumn));
  if (column < 0) return unavailable;
  // A bound without deviation is a local time of unknown offset (§6.5): compare wall clocks.
  const floating = isFloating(fromValue) || isFloating(toValue);
  const from = rangeKey(fromValue, floating);
  const to = rangeKey(toValue, floating);
  if (from === undefined || to === undefined) return typeUnmatched;
  // The bounds must be of the column's kind: date-times for a time column, numbers otherwise.
  const dateTime = isDateTimeColumn(restrictingColumn);
  if ([fromValue, toValue].some((v) => (v.type === 'octet-string' || v.type === 'date-time') !== dateTime)) {
    return typeUnmatched;
  }
  const picked: number[] = [];
  for (const item of selected.value) {
    const wanted = parseColumn(item);
    if (wanted === undefined) return typeUnmatched;
    const index = columns.findIndex((c) => sameColumn(c, wanted));
    if (index < 0) return unavailable;
    picked.push(index);
  }
  // §11.3: an empty selected_values array means every column.
  return {
    kind: 'range',
    column,
    from,
    to,
    floating,
    columns: picked.length > 0 ? picked : columns.map((_, i) => i),
  };
}

function entrySelection(parameters: Data, columnCount: number): BufferSelection | SelectionFailure {
  if (parameters.type !== 'structure' || parameters.value.length !== 4) return typeUnmatched;
  const [fromEntry, toEntry, fromValue, toValue] = parameters.value as [Data, Data, Data, Data];
  if (
    fromEntry.type !== 'double-long-unsigned' ||
    toEntry.type !== 'double-long-unsigned' ||
    fromValue.type !== 'long-unsigned' ||
    toValue.type !== 'long-unsigned'
  ) {
    return typeUnmatched;
  }
  // §11.3: entries and columns are numbered from 1; 0 as an upper bound means "to the last one".
  const firstColumn = Math.max(fromValue.value, 1);
  const lastColumn = toValue.value === 0 ? columnCount : toValue.value;
  if (firstColumn > columnCount || lastColumn > columnCount || firstColumn > lastColumn) return unavailable;
  const columns: number[] = [];
  for (let c = firstColumn; c <= lastColumn; c++) columns.push(c - 1);
  return {
    kind: 'entries',
    from: Math.max(fromEntry.value, 1) - 1,
    to: toEntry.value === 0 ? Number.POSITIVE_INFINITY : toEntry.value - 1,
    columns,
  };
}

/**
 * Reads the access parameters of a buffer read. Malformed parameters answer `type-unmatched`;
 * a restricting or selected column that is not captured, or a column range outside the columns,
 * answers `object-unavailable`.
 */
export function bufferSelection(
  access: SelectiveAccess,
  columns: readonly CaptureObject[],
): BufferSelection | SelectionFailure {
  if (access.selector === 1) return rangeSelection(access.parameters, columns);
  return entrySelection(access.parameters, columns.length);
}
