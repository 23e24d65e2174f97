/**
 * COSEM date-times as instants (meterlink spec §6.5): conversion to and from `Date`, and the
 * helpers that accept the date/time/date-time `Data` alternatives or the octet-strings that
 * carry them.
 *
 * @module
 */

import { DecodeError, InvalidArgumentError } from '../../core/errors.js';
import {
  type DateTimeOctetsOptions,
  decodeDateOctets,
  decodeDateTimeOctets,
  decodeTimeOctets,
  maxDeviation,
} from './calendar.js';
import type { ClockStatus, CosemDate, CosemDateTime, CosemTime, Data, Unspecified } from './types.js';

const minuteMs = 60_000;

function need(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `date-time ${name} is ${JSON.stringify(value)}: a pattern or unspecified field is not an instant (need ${min}–${max})`,
    );
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The instant a COSEM date-time denotes: local wall-clock fields + deviation (UTC = local +
 * deviation, §6.5). Refuses to guess: every field needed for an instant must be a plain number.
 * Unspecified hundredths count as 0; the day of week and the clock status are not used (check
 * `clockStatus.invalid` / `doubtful` yourself if they matter).
 *
 * @throws InvalidArgumentError naming the field when year, month, day of month, hour, minute,
 *   second or deviation is unspecified or special (dst-begin, last …), out of range, or the day
 *   does not exist in that month
 * @example
 * ```ts
 * const t = decodeDateTimeOctets(fromHex('07E8010F0108000000FFC400'));
 * cosemDateTimeToDate(t).toISOString(); // '2024-01-15T07:00:00.000Z'
 * ```
 */
export function cosemDateTimeToDate(value: CosemDateTime): Date {
  const year = need(value.year, 'year', 0, 0xfffe);
  const month = need(value.month, 'month', 1, 12);
  const day = need(value.dayOfMonth, 'dayOfMonth', 1, 31);
  if (day > daysInMonth(year, month)) {
    throw new InvalidArgumentError(`date-time dayOfMonth ${day} does not exist in ${year}-${month}`);
  }
  const hour = need(value.hour, 'hour', 0, 23);
  const minute = need(value.minute, 'minute', 0, 59);
  const second = need(value.second, 'second', 0, 59);
  const hundredths = value.hundredths === 'unspecified' ? 0 : need(value.hundredths, 'hundredths', 0, 99);
  const deviation = need(value.deviation, 'deviation', -maxDeviation, maxDeviation);
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, hundredths * 10);
  return new Date(date.getTime() + deviation * minuteMs);
}

/** Options of {@link dateToCosemDateTime}. */
export interface DateToCosemDateTimeOptions {
  /**
   * Deviation in minutes, DLMS sign: UTC = local + deviation (CET = −60), −840…840. The fields are
   * the wall-clock time at that offset. Default 0 (UTC).
   */
  deviation?: number;
  /** Clock status to send. Default 'unspecified' (0xFF): DST cannot be inferred from the offset. */
  clockStatus?: ClockStatus | Unspecified;
  /** Fill in the day of week (1 = Monday … 7 = Sunday). Default true; false sends 'unspecified'. */
  dayOfWeek?: boolean;
}

/**
 * The COSEM date-time of an instant, as wall-clock fields at the given deviation (§6.5).
 * Milliseconds are truncated to hundredths.
 *
 * @throws InvalidArgumentError for an invalid `Date`, a deviation that is not an integer
 *   −840…840, or a local year outside 0–65534
 * @example
 * ```ts
 * dateToCosemDateTime(new Date('2024-01-15T07:00:00Z'), { deviation: -60 });
 * // { year: 2024, month: 1, dayOfMonth: 15, dayOfWeek: 1, hour: 8, minute: 0, … deviation: -60 }
 * ```
 */
export function dateToCosemDateTime(date: Date, options?: DateToCosemDateTimeOptions): CosemDateTime {
  const deviation = options?.deviation ?? 0;
  if (!Number.isInteger(deviation) || deviation < -maxDeviation || deviation > maxDeviation) {
    throw new InvalidArgumentError(`deviation must be an integer −840…840 minutes, got ${deviation}`);
  }
  const time = date.getTime();
  if (Number.isNaN(time)) throw new InvalidArgumentError('invalid Date');
  const local = new Date(time - deviation * minuteMs); // §6.5: local = UTC − deviation
  const year = local.getUTCFullYear();
  if (year < 0 || year > 0xfffe)
    throw new InvalidArgumentError(`year ${year} cannot be a COSEM year (0–65534)`);
  return {
    year,
    month: local.getUTCMonth() + 1,
    dayOfMonth: local.getUTCDate(),
    dayOfWeek: options?.dayOfWeek === false ? 'unspecified' : local.getUTCDay() || 7,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    hundredths: Math.floor(local.getUTCMilliseconds() / 10),
    deviation: deviation || 0, // never -0
    clockStatus: options?.clockStatus ?? 'unspecified',
  };
}

function wrongShape(data: Data, expected: string): never {
  const what =
    data.type === 'octet-string' ? `an octet-string of ${data.value.length} octets` : `a ${data.type}`;
  throw new DecodeError(`${what} is not ${expected}`, { layer: 'axdr', offset: 0, expected });
}

/**
 * The date-time in a `Data`: a 'date-time' value, or the 12-octet octet-string that Clock
 * attributes and profile buffers usually carry (§6.5). `invertDeviation` applies only to the
 * octet-string form (a 'date-time' was already normalised by `decodeData`).
 *
 * @throws DecodeError (layer 'axdr', offset 0 = start of the octets) for any other `Data`, or an
 *   octet-string whose fields are out of range: both mean the meter sent something malformed
 * @example
 * ```ts
 * const clockTime = asDateTime(decodeData(fromHex('090C07E8010F0108000000FFC400')));
 * ```
 */
export function asDateTime(data: Data, options?: DateTimeOctetsOptions): CosemDateTime {
  if (data.type === 'date-time') return data.value;
  if (data.type === 'octet-string' && data.value.length === 12)
    return decodeDateTimeOctets(data.value, options);
  return wrongShape(data, 'a date-time or a 12-octet octet-string');
}

/**
 * The date in a `Data`: a 'date' value or a 5-octet octet-string (§6.5).
 *
 * @throws DecodeError (layer 'axdr') for any other `Data` or out-of-range fields
 * @example
 * ```ts
 * asDate(decodeData(fromHex('090507E8060F06'))); // { year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 }
 * ```
 */
export function asDate(data: Data): CosemDate {
  if (data.type === 'date') return data.value;
  if (data.type === 'octet-string' && data.value.length === 5) return decodeDateOctets(data.value);
  return wrongShape(data, 'a date or a 5-octet octet-string');
}

/**
 * The time in a `Data`: a 'time' value or a 4-octet octet-string (§6.5).
 *
 * @throws DecodeError (layer 'axdr') for any other `Data` or out-of-range fields
 * @example
 * ```ts
 * asTime(decodeData(fromHex('09040C223800'))); // { hour: 12, minute: 34, second: 56, hundredths: 0 }
 * ```
 */
export function asTime(data: Data): CosemTime {
  if (data.type === 'time') return data.value;
  if (data.type === 'octet-string' && data.value.length === 4) return decodeTimeOctets(data.value);
  return wrongShape(data, 'a time or a 4-octet octet-string');
}
