/**
 * Small `Data` builders and checks shared by the simulated COSEM objects (meterlink spec §6.3,
 * §6.5, §6.7).
 *
 * @module
 */

import type { ClockStatus, Data, DataType } from '../../axdr/types.js';

/** A `Data` of a number-valued type. */
export type NumericData = Extract<Data, { value: number | bigint }>;

/** A check a written value must pass; a failed check answers `type-unmatched`. */
export type DataCheck = (value: Data) => boolean;

const integerRanges: Readonly<Partial<Record<DataType, readonly [number, number]>>> = {
  integer: [-128, 127],
  long: [-32768, 32767],
  'double-long': [-0x80000000, 0x7fffffff],
  unsigned: [0, 0xff],
  'long-unsigned': [0, 0xffff],
  'double-long-unsigned': [0, 0xffffffff],
  enum: [0, 0xff],
};

/**
 * A number-valued `Data` of `type` holding `value`, clamped into the type's range and truncated
 * to an integer for integer types (the simulators compute values in floating point).
 */
export function numericData(type: NumericData['type'], value: number | bigint): NumericData {
  if (type === 'long64' || type === 'long64-unsigned') {
    const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    return { type, value: type === 'long64-unsigned' && v < 0n ? 0n : v };
  }
  const v = Number(value);
  const range = integerRanges[type];
  if (range === undefined) return { type, value: v } as NumericData;
  const clamped = Math.min(range[1], Math.max(range[0], Math.trunc(v)));
  return { type, value: clamped } as NumericData;
}

/** The number in a number-valued `Data`, else `undefined`. */
export function numberOf(data: Data): number | bigint | undefined {
  const value = (data as { value?: unknown }).value;
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
}

/** `structure { integer scaler, enum unit }` (§6.7). */
export function scalerUnitData(scaler: number, unit: number): Data {
  return {
    type: 'structure',
    value: [
      { type: 'integer', value: scaler },
      { type: 'enum', value: unit },
    ],
  };
}

/** A clock status with no flag set but, optionally, daylight saving active (§6.5). */
export function clockStatus(daylightSavingActive = false): ClockStatus {
  return {
    invalid: false,
    doubtful: false,
    differentClockBase: false,
    invalidClockStatus: false,
    daylightSavingActive,
    reserved: 0,
  };
}

/** A check: the value has exactly this `Data` type. */
export function ofType(type: DataType): DataCheck {
  return (value) => value.type === type;
}

/** A check: an integer type whose value lies in `min`–`max`. */
export function inRange(type: NumericData['type'], min: number, max: number): DataCheck {
  return (value) => {
    if (value.type !== type) return false;
    const n = Number(value.value);
    return n >= min && n <= max;
  };
}

/** A check: an octet-string of `length` octets (12 for a date-time, 6 for a logical name). */
export function octetsOfLength(length: number): DataCheck {
  return (value) => value.type === 'octet-string' && value.value.length === length;
}

/** A check: a capture_object_definition (§11.3). */
export const isCaptureObject: DataCheck = (value) =>
  value.type === 'structure' &&
  value.value.length === 4 &&
  value.value[0]?.type === 'long-unsigned' &&
  octetsOfLength(6)(value.value[1]!) &&
  value.value[2]?.type === 'integer' &&
  value.value[3]?.type === 'long-unsigned';

/** A check: an array whose every element passes `element`. */
export function arrayOfChecked(element: DataCheck): DataCheck {
  return (value) => value.type === 'array' && value.value.every(element);
}
