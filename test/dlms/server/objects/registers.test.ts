import { describe, expect, it } from 'vitest';
import { decodeDateTimeOctets } from '../../../../src/dlms/axdr/calendar.js';
import { cosemDateTimeToDate } from '../../../../src/dlms/axdr/calendar-instant.js';
import type { Data } from '../../../../src/dlms/axdr/types.js';
import { parseScalerUnit } from '../../../../src/dlms/cosem/scaler.js';
import { DataObject } from '../../../../src/dlms/server/objects/data-object.js';
import { DemandRegister } from '../../../../src/dlms/server/objects/demand-register.js';
import { ExtendedRegister } from '../../../../src/dlms/server/objects/extended-register.js';
import { logicalDeviceName } from '../../../../src/dlms/server/objects/logical-device-name.js';
import { Register } from '../../../../src/dlms/server/objects/register.js';
import { at, num, ok, u16, u32, zero } from './context.js';

const t0 = at('2024-01-15T10:00:00Z');
const instant = (data: Data): string =>
  cosemDateTimeToDate(decodeDateTimeOctets((data as { value: Uint8Array }).value)).toISOString();

describe('Data (class 1)', () => {
  it('reads, writes a value of the same type and refuses another type', () => {
    const d = new DataObject({
      logicalName: '0.0.96.1.0.255',
      value: { type: 'visible-string', value: 'A1' },
    });
    expect([d.classId, d.version, d.attributeCount, d.methodCount]).toEqual([1, 0, 2, 0]);
    expect([...d.logicalName]).toEqual([0, 0, 96, 1, 0, 255]);
    expect(d.get(2, undefined, t0)).toEqual({ type: 'visible-string', value: 'A1' });
    expect(d.set(2, u16(3), t0)).toBe('type-unmatched');
    expect(d.set(2, { type: 'visible-string', value: 'B2' }, t0)).toBe('success');
    expect(d.get(2, undefined, t0)).toEqual({ type: 'visible-string', value: 'B2' });
  });

  it('answers unknown attributes and methods, selective access and read-only writes', () => {
    const d = new DataObject({ logicalName: '0.0.96.1.0.255', value: u16(1), readOnly: true });
    expect(d.get(3, undefined, t0)).toEqual({ failure: 'object-undefined' });
    expect(d.get(1, undefined, t0)).toEqual({ type: 'octet-string', value: d.logicalName });
    expect(d.get(0, undefined, t0)).toEqual({ failure: 'object-undefined' });
    expect(d.get(2, { selector: 1, parameters: zero }, t0)).toEqual({ failure: 'object-unavailable' });
    expect(d.set(2, u16(2), t0)).toBe('read-write-denied');
    expect(d.set(9, u16(2), t0)).toBe('object-undefined');
    expect(d.action(1, zero, t0)).toEqual({ result: 'object-undefined' });
    expect(d.selectors).toBeUndefined();
  });

  it('builds the logical device name and refuses bad names', () => {
    expect(ok(logicalDeviceName('MLK0001').get(2, undefined, t0))).toEqual({
      type: 'octet-string',
      value: new TextEncoder().encode('MLK0001'),
    });
    expect(() => logicalDeviceName('12345')).toThrow(/manufacturer code/);
    expect(() => logicalDeviceName('MLK01234567890123')).toThrow(/3–16/);
  });
});

describe('Register (class 3)', () => {
  it('reads value and scaler_unit; scaler_unit is read-only', () => {
    const r = new Register({ logicalName: '1.0.32.7.0.255', value: u16(2304), scaler: -1, unit: 35 });
    expect([r.classId, r.attributeCount, r.methodCount]).toEqual([3, 3, 1]);
    expect(r.get(2, undefined, t0)).toEqual(u16(2304));
    expect(parseScalerUnit(ok(r.get(3, undefined, t0)))).toEqual({ scaler: -1, unit: 35 });
    expect(r.set(3, ok(r.get(3, undefined, t0)), t0)).toBe('read-write-denied');
  });

  it('evolves a live value with time, and a write fixes it', () => {
    const r = new Register({
      logicalName: '1.0.1.8.0.255',
      value: (now) => u32(now.getTime() / 1000 - 1.7e9),
    });
    const a = num(ok(r.get(2, undefined, at('2024-01-15T10:00:00Z'))));
    const b = num(ok(r.get(2, undefined, at('2024-01-15T11:00:00Z'))));
    expect(b - a).toBe(3600);
    expect(r.set(2, { type: 'long', value: 1 }, t0)).toBe('type-unmatched');
    expect(r.set(2, u32(42), t0)).toBe('success');
    expect(r.get(2, undefined, at('2025-01-01T00:00:00Z'))).toEqual(u32(42));
  });

  it('reset restarts a live counter from 0 and zeroes a fixed value; wrong parameters are refused', () => {
    const live = new Register({
      logicalName: '1.0.1.8.0.255',
      value: (now) => u32(now.getTime() / 1000 - 1.7e9),
    });
    expect(live.action(1, { type: 'long', value: 0 }, t0)).toEqual({ result: 'type-unmatched' });
    expect(live.action(1, zero, t0)).toEqual({ result: 'success' });
    expect(live.get(2, undefined, at('2024-01-15T10:01:00Z'))).toEqual(u32(60));
    const fixed = new Register({ logicalName: '1.0.1.8.0.255', value: { type: 'long64', value: 5n } });
    expect(fixed.action(1, undefined, t0)).toEqual({ result: 'success' });
    expect(fixed.get(2, undefined, t0)).toEqual({ type: 'long64', value: 0n });
    expect(fixed.action(2, zero, t0)).toEqual({ result: 'object-undefined' });
  });
});

describe('Extended register (class 4)', () => {
  it('has status and capture_time: the request time for a live value, the write time after a write', () => {
    const r = new ExtendedRegister({
      logicalName: '1.0.1.6.0.255',
      value: () => u32(4200),
      unit: 27,
      status: { type: 'unsigned', value: 3 },
    });
    expect([r.classId, r.attributeCount, r.methodCount]).toEqual([4, 5, 1]);
    expect(r.get(4, undefined, t0)).toEqual({ type: 'unsigned', value: 3 });
    expect(instant(ok(r.get(5, undefined, t0)))).toBe('2024-01-15T10:00:00.000Z');
    expect(r.set(2, u32(1), at('2024-01-15T09:00:00Z'))).toBe('success');
    expect(instant(ok(r.get(5, undefined, t0)))).toBe('2024-01-15T09:00:00.000Z');
    expect(r.set(2, u16(1), t0)).toBe('type-unmatched');
    expect(r.set(5, ok(r.get(5, undefined, t0)), t0)).toBe('read-write-denied');
    expect(r.action(1, zero, at('2024-01-15T09:30:00Z'))).toEqual({ result: 'success' });
    expect(r.get(2, undefined, t0)).toEqual(u32(0));
    expect(instant(ok(r.get(5, undefined, t0)))).toBe('2024-01-15T09:30:00.000Z');
  });

  it('takes the capture time of a live value from captureTime', () => {
    const r = new ExtendedRegister({
      logicalName: '1.0.1.6.0.255',
      value: () => u32(1),
      captureTime: (now) => new Date(now.getTime() - 3_600_000),
    });
    expect(instant(ok(r.get(5, undefined, t0)))).toBe('2024-01-15T09:00:00.000Z');
  });
});

describe('Demand register (class 5)', () => {
  // Average of a quantity equal to the minute of the hour at the window's end: easy to check.
  const average = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / 60_000;

  it('averages over the current and the last period, with their times', () => {
    const d = new DemandRegister({ logicalName: '1.0.1.4.0.255', average, period: 900, numberOfPeriods: 2 });
    expect([d.classId, d.attributeCount, d.methodCount]).toEqual([5, 9, 2]);
    const now = at('2024-01-15T10:05:00Z');
    expect(d.get(2, undefined, now)).toEqual(u32(5)); // 10:00 → 10:05
    expect(d.get(3, undefined, now)).toEqual(u32(30)); // two periods before 10:00
    expect(parseScalerUnit(ok(d.get(4, undefined, now)))).toEqual({ scaler: 0, unit: 27 });
    expect(d.get(5, undefined, now)).toEqual({ type: 'unsigned', value: 0 });
    expect(instant(ok(d.get(6, undefined, now)))).toBe('2024-01-15T10:00:00.000Z');
    expect(instant(ok(d.get(7, undefined, now)))).toBe('2024-01-15T10:00:00.000Z');
    expect(d.get(8, undefined, now)).toEqual(u32(900));
    expect(d.get(9, undefined, now)).toEqual(u16(2));
  });

  it('writes period and number_of_periods within range only', () => {
    const d = new DemandRegister({ logicalName: '1.0.1.4.0.255', average });
    expect(d.set(8, u32(0), t0)).toBe('type-unmatched');
    expect(d.set(8, u16(60), t0)).toBe('type-unmatched');
    expect(d.set(8, u32(60), t0)).toBe('success');
    expect(d.set(9, u16(0), t0)).toBe('type-unmatched');
    expect(d.set(9, u16(3), t0)).toBe('success');
    expect(d.get(3, undefined, at('2024-01-15T10:00:30Z'))).toEqual(u32(3));
    expect(d.set(2, u32(1), t0)).toBe('read-write-denied');
  });

  it('next_period starts a period now; reset also clears the last average', () => {
    const d = new DemandRegister({ logicalName: '1.0.1.4.0.255', average });
    expect(d.action(2, zero, at('2024-01-15T10:07:00Z'))).toEqual({ result: 'success' });
    expect(instant(ok(d.get(7, undefined, at('2024-01-15T10:08:00Z'))))).toBe('2024-01-15T10:07:00.000Z');
    expect(d.get(2, undefined, at('2024-01-15T10:08:00Z'))).toEqual(u32(1));
    expect(d.get(3, undefined, at('2024-01-15T10:08:00Z'))).toEqual(u32(15));
    expect(d.action(1, zero, at('2024-01-15T10:10:00Z'))).toEqual({ result: 'success' });
    expect(d.get(3, undefined, at('2024-01-15T10:20:00Z'))).toEqual(u32(0));
    expect(d.get(3, undefined, at('2024-01-15T10:40:00Z'))).toEqual(u32(15));
    expect(d.action(1, u16(0), t0)).toEqual({ result: 'type-unmatched' });
  });
});
