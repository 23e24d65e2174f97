/**
 * How a simulated object writes an instant as a COSEM date-time octet-string(12) (meterlink spec
 * §6.5): the meter's local time with deviation and clock status. The Clock object supplies the
 * meter's own formatter; the default is UTC.
 *
 * @module
 */

import { encodeDateTimeOctets } from '../../axdr/calendar.js';
import { dateToCosemDateTime } from '../../axdr/calendar-instant.js';
import type { Data } from '../../axdr/types.js';
import { clockStatus } from './data-values.js';

/** Writes an instant as the octet-string(12) date-time of the meter's local time. */
export type DateTimeFormatter = (instant: Date) => Data;

/** The date-time of `instant` at `deviation` minutes (DLMS sign, CET = −60) with the given status. */
export function dateTimeData(instant: Date, deviation: number, daylightSavingActive = false): Data {
  const value = dateToCosemDateTime(instant, { deviation, clockStatus: clockStatus(daylightSavingActive) });
  return { type: 'octet-string', value: encodeDateTimeOctets(value) };
}

/** The default formatter: UTC, deviation 0, clock status 0. */
export const utcDateTime: DateTimeFormatter = (instant) => dateTimeData(instant, 0);
