/**
 * Selective access to a Profile generic buffer (meterlink spec §11.3 class 7, §9.2): the
 * range_descriptor (selector 1) and entry_descriptor (selector 2) access parameters.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { encodeDateTimeOctets } from '../axdr/calendar.js';
import { dateToCosemDateTime } from '../axdr/calendar-instant.js';
import type { ClockStatus, CosemDateTime, Data } from '../axdr/types.js';
import { type CaptureObject, captureObjectData } from './capture-objects.js';

/** A Selective-Access-Descriptor (§9.2): which part of an attribute to read, e.g. a profile buffer range. */
export interface SelectiveAccess<S extends number = number> {
  /** access-selector. */
  selector: S;
  /** access-parameters. */
  parameters: Data;
}

/** A bound of a range: a COSEM date-time, an instant, or any `Data` the restricting column holds. */
export type RangeValue = CosemDateTime | Date | Data;

/** Arguments of {@link rangeDescriptor}. */
export interface RangeDescriptorInput {
  /** The column the range applies to, normally the clock (class 8, 0.0.1.0.0.255, attribute 2). */
  restrictingObject: CaptureObject;
  /** First value (inclusive). */
  from: RangeValue;
  /** Last value (inclusive). */
  to: RangeValue;
  /** Columns to return, in this order; empty or absent = all columns. */
  selectedValues?: readonly CaptureObject[];
  /**
   * Deviation (minutes, DLMS sign: UTC = local + deviation, CET = −60) used to turn a `Date` into
   * the meter's local time. Default 0 (UTC).
   */
  deviation?: number;
}

/** Arguments of {@link entryDescriptor}. */
export interface EntryDescriptorInput {
  /** First entry, from 1 (the oldest with fifo sorting). */
  fromEntry: number;
  /** Last entry; 0 = up to the last one. */
  toEntry: number;
  /** First column, from 1. Default 1. */
  fromSelectedValue?: number;
  /** Last column; 0 = up to the last one. Default 0. */
  toSelectedValue?: number;
}

/**
 * Builds a range_descriptor: `structure { restricting_object, from_value, to_value,
 * selected_values }`. Date-time bounds are sent as octet-string(12), as meters expect (§6.5);
 * a `Date` becomes the local time of `deviation` with the day of week not specified and clock
 * status 0.
 *
 * @param input - Restricting column, bounds and selected columns.
 * @returns `{ selector: 1, parameters }` for a get-request's access-selection.
 * @throws InvalidArgumentError for an invalid `Date`, deviation or logical name.
 * @throws EncodeError when a CosemDateTime field is out of range.
 * @example
 * ```ts
 * const clock = { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 };
 * rangeDescriptor({ restrictingObject: clock, from: new Date('2024-01-14T23:00Z'), to: new Date(), deviation: -60 });
 * ```
 */
export function rangeDescriptor(input: RangeDescriptorInput): SelectiveAccess<1> {
  const deviation = input.deviation ?? 0;
  return {
    selector: 1,
    parameters: {
      type: 'structure',
      value: [
        captureObjectData(input.restrictingObject),
        rangeValue(input.from, deviation),
        rangeValue(input.to, deviation),
        { type: 'array', value: (input.selectedValues ?? []).map(captureObjectData) },
      ],
    },
  };
}

const okStatus: ClockStatus = {
  invalid: false,
  doubtful: false,
  differentClockBase: false,
  invalidClockStatus: false,
  daylightSavingActive: false,
  reserved: 0,
};

function rangeValue(value: RangeValue, deviation: number): Data {
  if (value instanceof Date) {
    // §6.5: local = UTC − deviation; the day of week is left unspecified and the status is 0,
    // as in the range requests meters are known to accept (vector cosem-profile-range-request).
    return dateTimeData(dateToCosemDateTime(value, { deviation, dayOfWeek: false, clockStatus: okStatus }));
  }
  if ('type' in value) return value;
  return dateTimeData(value);
}

function dateTimeData(value: CosemDateTime): Data {
  return { type: 'octet-string', value: encodeDateTimeOctets(value) };
}

function u32(value: number | undefined, name: string, fallback: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new InvalidArgumentError(`${name} must be an integer 0–${max}, got ${String(value)}`);
  }
  return v;
}

/**
 * Builds an entry_descriptor: `structure { double-long-unsigned from_entry, double-long-unsigned
 * to_entry, long-unsigned from_selected_value, long-unsigned to_selected_value }` (§11.3).
 *
 * @param input - Entry and column range (numbered from 1; 0 as an upper bound = up to the last).
 * @returns `{ selector: 2, parameters }`.
 * @throws InvalidArgumentError when a number is not an integer in range.
 * @example
 * ```ts
 * entryDescriptor({ fromEntry: 1, toEntry: 3 }); // entries 1–3, all columns
 * ```
 */
export function entryDescriptor(input: EntryDescriptorInput): SelectiveAccess<2> {
  return {
    selector: 2,
    parameters: {
      type: 'structure',
      value: [
        { type: 'double-long-unsigned', value: u32(input.fromEntry, 'fromEntry', Number.NaN, 0xffffffff) },
        { type: 'double-long-unsigned', value: u32(input.toEntry, 'toEntry', Number.NaN, 0xffffffff) },
        { type: 'long-unsigned', value: u32(input.fromSelectedValue, 'fromSelectedValue', 1, 0xffff) },
        { type: 'long-unsigned', value: u32(input.toSelectedValue, 'toSelectedValue', 0, 0xffff) },
      ],
    },
  };
}
