/**
 * Daylight saving transitions from the Clock's date-time patterns (meterlink spec §6.5, §11.3
 * class 8): e.g. `FFFF 03 FE 07 02:00` = the last Sunday of March at 02:00.
 *
 * @module
 */

import type { CosemDateTime } from '../../axdr/types.js';

const minuteMs = 60_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of week of a UTC date: 1 = Monday … 7 = Sunday (§6.5). */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
}

/** The day of month a pattern picks in `year`, or undefined when it picks none. */
function patternDay(pattern: CosemDateTime, year: number, month: number): number | undefined {
  const last = daysInMonth(year, month);
  const { dayOfMonth, dayOfWeek } = pattern;
  const wantWeekday = typeof dayOfWeek === 'number' ? dayOfWeek : undefined;
  if (dayOfMonth === 'last' || dayOfMonth === 'second-last') {
    // The last (or second-to-last) day, moved back to the wanted weekday when one is given.
    let day = dayOfMonth === 'last' ? last : last - 1;
    if (wantWeekday !== undefined) day -= (weekday(year, month, day) - wantWeekday + 7) % 7;
    return day;
  }
  if (typeof dayOfMonth !== 'number' || dayOfMonth > last) return undefined;
  // A day with a weekday means the first such weekday on or after that day (the usual reading).
  if (wantWeekday === undefined) return dayOfMonth;
  const day = dayOfMonth + ((wantWeekday - weekday(year, month, dayOfMonth) + 7) % 7);
  return day <= last ? day : undefined;
}

/**
 * The instant (ms) a transition pattern denotes in `year`, reading its wall-clock fields at
 * `deviation` minutes (UTC = local + deviation); undefined when the pattern has no month or day.
 */
export function transitionTime(pattern: CosemDateTime, year: number, deviation: number): number | undefined {
  const month = pattern.month;
  if (typeof month !== 'number') return undefined;
  const day = patternDay(pattern, year, month);
  if (day === undefined) return undefined;
  const field = (v: number | string): number => (typeof v === 'number' ? v : 0);
  const local =
    Date.UTC(year, month - 1, day) +
    field(pattern.hour) * 3_600_000 +
    field(pattern.minute) * minuteMs +
    field(pattern.second) * 1000;
  return local + deviation * minuteMs;
}

/** Daylight-saving rules of a Clock: the begin/end patterns, time zone and DST deviation. */
export interface DaylightSavingRule {
  /** Begin pattern, read in local standard time. */
  begin: CosemDateTime;
  /** End pattern, read in local daylight time. */
  end: CosemDateTime;
  /** Clock time_zone (DLMS sign: CET = −60). */
  timeZone: number;
  /** Minutes added during DST. */
  deviation: number;
}

/**
 * Whether daylight saving time is in force at `instant` (ms). Begin before end in the year is
 * the northern-hemisphere case; end before begin means DST spans the new year.
 */
export function isDaylightSaving(rule: DaylightSavingRule, instant: number): boolean {
  const year = new Date(instant - rule.timeZone * minuteMs).getUTCFullYear();
  const begin = transitionTime(rule.begin, year, rule.timeZone);
  const end = transitionTime(rule.end, year, rule.timeZone - rule.deviation);
  if (begin === undefined || end === undefined) return false;
  return begin < end ? instant >= begin && instant < end : instant >= begin || instant < end;
}
