import { describe, expect, it } from 'vitest';
import { decodeDateTimeOctets, encodeDateTimeOctets } from '../../../../src/dlms/axdr/calendar.js';
import { cosemDateTimeToDate, dateToCosemDateTime } from '../../../../src/dlms/axdr/calendar-instant.js';
import type { CosemDateTime, Data } from '../../../../src/dlms/axdr/types.js';
import { Clock } from '../../../../src/dlms/server/objects/clock.js';
import { at, ok, zero } from './context.js';

const decode = (data: Data): CosemDateTime => decodeDateTimeOctets((data as { value: Uint8Array }).value);
const instant = (data: Data): string => cosemDateTimeToDate(decode(data)).toISOString();
const octets = (iso: string, deviation: number): Data => ({
  type: 'octet-string',
  value: encodeDateTimeOctets(dateToCosemDateTime(new Date(iso), { deviation })),
});

describe('Clock (class 8)', () => {
  it('runs with the request time in CET, and CEST with the status bit while DST is active', () => {
    const clock = new Clock({ timeZone: -60, daylightSavingsEnabled: true });
    expect([clock.classId, clock.version, clock.attributeCount, clock.methodCount]).toEqual([8, 0, 9, 6]);
    const winter = decode(ok(clock.get(2, undefined, at('2024-01-15T07:00:00Z'))));
    expect([winter.hour, winter.deviation]).toEqual([8, -60]);
    expect(winter.clockStatus).toMatchObject({ daylightSavingActive: false });
    const summer = decode(ok(clock.get(2, undefined, at('2024-06-15T10:34:56Z'))));
    expect([summer.hour, summer.minute, summer.second, summer.deviation]).toEqual([12, 34, 56, -120]);
    expect(summer.clockStatus).toMatchObject({ daylightSavingActive: true });
    expect(clock.get(4, undefined, at('2024-06-15T10:00:00Z'))).toEqual({ type: 'unsigned', value: 0x80 });
    expect(clock.get(3, undefined, at('2024-06-15T10:00:00Z'))).toEqual({ type: 'long', value: -60 });
    expect(clock.get(9, undefined, at('2024-06-15T10:00:00Z'))).toEqual({ type: 'enum', value: 1 });
  });

  it('switches at the EU transitions (last Sunday of March 01:00 UTC, of October 01:00 UTC)', () => {
    const clock = new Clock({ timeZone: -60, daylightSavingsEnabled: true });
    expect(clock.isDaylightSaving(new Date('2024-03-31T00:59:59Z'))).toBe(false);
    expect(clock.isDaylightSaving(new Date('2024-03-31T01:00:00Z'))).toBe(true);
    expect(clock.isDaylightSaving(new Date('2024-10-27T00:59:59Z'))).toBe(true);
    expect(clock.isDaylightSaving(new Date('2024-10-27T01:00:00Z'))).toBe(false);
    expect(clock.deviationAt(new Date('2025-07-01T00:00:00Z'))).toBe(-120);
    expect(new Clock({ timeZone: -60 }).deviationAt(new Date('2025-07-01T00:00:00Z'))).toBe(-60);
  });

  it('handles a southern-hemisphere rule (DST across the new year) and patterns with a day number', () => {
    const pattern = (month: number, day: number, hour: number): CosemDateTime => ({
      year: 'unspecified',
      month,
      dayOfMonth: day,
      dayOfWeek: 7,
      hour,
      minute: 0,
      second: 0,
      hundredths: 'unspecified',
      deviation: 'unspecified',
      clockStatus: 'unspecified',
    });
    // Australia (Sydney): first Sunday of October 02:00 → first Sunday of April 03:00, UTC+10.
    const clock = new Clock({
      timeZone: -600,
      daylightSavingsEnabled: true,
      daylightSavingsBegin: pattern(10, 1, 2),
      daylightSavingsEnd: pattern(4, 1, 3),
    });
    expect(clock.isDaylightSaving(new Date('2024-01-10T00:00:00Z'))).toBe(true);
    expect(clock.isDaylightSaving(new Date('2024-06-10T00:00:00Z'))).toBe(false);
    // 2024-10-06 is the first Sunday: 02:00 AEST = 2024-10-05T16:00Z.
    expect(clock.isDaylightSaving(new Date('2024-10-05T15:59:00Z'))).toBe(false);
    expect(clock.isDaylightSaving(new Date('2024-10-05T16:00:00Z'))).toBe(true);
  });

  it('is set through attribute 2 and keeps running from the new time', () => {
    const adjusted: string[] = [];
    const clock = new Clock({
      timeZone: -60,
      onAdjust: (from, to) => adjusted.push(`${from.toISOString()}>${to.toISOString()}`),
    });
    expect(clock.set(2, octets('2024-01-15T12:00:00Z', -60), at('2024-01-15T10:00:00Z'))).toBe('success');
    expect(instant(ok(clock.get(2, undefined, at('2024-01-15T10:00:30Z'))))).toBe('2024-01-15T12:00:30.000Z');
    expect(adjusted).toEqual(['2024-01-15T10:00:00.000Z>2024-01-15T12:00:00.000Z']);
    // Tag 25 is accepted too; a missing deviation means the clock's own.
    const floating: Data = {
      type: 'date-time',
      value: { ...dateToCosemDateTime(new Date('2024-01-15T09:00:00Z')), deviation: 'unspecified' },
    };
    expect(clock.set(2, floating, at('2024-01-15T10:00:00Z'))).toBe('success');
    expect(instant(ok(clock.get(2, undefined, at('2024-01-15T10:00:00Z'))))).toBe('2024-01-15T08:00:00.000Z');
  });

  it('refuses malformed times and read-only attributes', () => {
    const clock = new Clock();
    const now = at('2024-01-15T10:00:00Z');
    expect(clock.set(2, { type: 'octet-string', value: new Uint8Array(11) }, now)).toBe('type-unmatched');
    const pattern = Uint8Array.from([0xff, 0xff, 0xfe, 0xfe, 7, 2, 0, 0, 0xff, 0x80, 0, 0xff]);
    expect(clock.set(2, { type: 'octet-string', value: pattern }, now)).toBe('type-unmatched');
    expect(clock.set(2, { type: 'long', value: 1 }, now)).toBe('type-unmatched');
    expect(clock.set(4, { type: 'unsigned', value: 0 }, now)).toBe('read-write-denied');
    expect(clock.set(9, { type: 'enum', value: 2 }, now)).toBe('read-write-denied');
    expect(clock.set(3, { type: 'long', value: 900 }, now)).toBe('type-unmatched');
    expect(clock.set(3, { type: 'integer', value: 60 }, now)).toBe('type-unmatched');
    expect(clock.set(5, { type: 'octet-string', value: Uint8Array.of(1, 2) }, now)).toBe('type-unmatched');
    expect(clock.set(7, { type: 'integer', value: 121 }, now)).toBe('type-unmatched');
    expect(clock.set(8, { type: 'unsigned', value: 1 }, now)).toBe('type-unmatched');
  });

  it('writes time zone and DST settings', () => {
    const clock = new Clock();
    const now = at('2024-06-15T10:00:00Z');
    expect(clock.set(3, { type: 'long', value: -60 }, now)).toBe('success');
    expect(clock.set(8, { type: 'boolean', value: true }, now)).toBe('success');
    expect(decode(ok(clock.get(2, undefined, now))).deviation).toBe(-120);
    expect(clock.set(7, { type: 'integer', value: 30 }, now)).toBe('success');
    expect(decode(ok(clock.get(2, undefined, now))).deviation).toBe(-90);
    const begin = ok(clock.get(5, undefined, now));
    expect(decode(begin)).toMatchObject({ month: 3, dayOfMonth: 'last', dayOfWeek: 7, hour: 2 });
    expect(clock.set(6, begin, now)).toBe('success');
    expect(decode(ok(clock.get(6, undefined, now)))).toMatchObject({ month: 3 });
    expect(clock.set(8, { type: 'boolean', value: false }, now)).toBe('success');
    expect(decode(ok(clock.get(2, undefined, now))).deviation).toBe(-60);
  });

  it('adjusts to the quarter, the measuring period and the minute', () => {
    const adjusted = (method: number): string => {
      const clock = new Clock({ measuringPeriod: 600 });
      expect(clock.action(method, zero, at('2024-01-15T10:07:31Z'))).toEqual({ result: 'success' });
      return instant(ok(clock.get(2, undefined, at('2024-01-15T10:07:31Z'))));
    };
    expect(adjusted(1)).toBe('2024-01-15T10:15:00.000Z');
    expect(adjusted(2)).toBe('2024-01-15T10:10:00.000Z');
    expect(adjusted(3)).toBe('2024-01-15T10:08:00.000Z');
    expect(new Clock().action(1, { type: 'long', value: 0 }, at('2024-01-15T10:07:31Z'))).toEqual({
      result: 'type-unmatched',
    });
  });

  it('shifts the time by −900…900 s only', () => {
    const clock = new Clock();
    expect(clock.action(6, { type: 'long', value: -120 }, at('2024-01-15T10:00:00Z'))).toEqual({
      result: 'success',
    });
    expect(instant(ok(clock.get(2, undefined, at('2024-01-15T10:00:00Z'))))).toBe('2024-01-15T09:58:00.000Z');
    expect(clock.action(6, { type: 'long', value: 901 }, at('2024-01-15T10:00:00Z'))).toEqual({
      result: 'type-unmatched',
    });
    expect(clock.action(6, zero, at('2024-01-15T10:00:00Z'))).toEqual({ result: 'type-unmatched' });
  });

  it('presets a time and applies it inside the validity window only', () => {
    const clock = new Clock();
    const preset: Data = {
      type: 'structure',
      value: [
        octets('2024-01-15T12:00:00Z', 0),
        octets('2024-01-15T10:00:00Z', 0),
        octets('2024-01-15T10:30:00Z', 0),
      ],
    };
    expect(clock.action(4, zero, at('2024-01-15T10:10:00Z'))).toEqual({ result: 'temporary-failure' });
    expect(clock.action(5, zero, at('2024-01-15T10:10:00Z'))).toEqual({ result: 'type-unmatched' });
    expect(clock.action(5, preset, at('2024-01-15T09:00:00Z'))).toEqual({ result: 'success' });
    expect(clock.action(4, zero, at('2024-01-15T09:59:00Z'))).toEqual({ result: 'temporary-failure' });
    expect(clock.action(4, zero, at('2024-01-15T10:10:00Z'))).toEqual({ result: 'success' });
    expect(instant(ok(clock.get(2, undefined, at('2024-01-15T10:10:00Z'))))).toBe('2024-01-15T12:00:00.000Z');
  });
});
