import { describe, expect, it } from 'vitest';
import { decodeDateTimeOctets, encodeDateTimeOctets } from '../../../../src/dlms/axdr/calendar.js';
import { cosemDateTimeToDate } from '../../../../src/dlms/axdr/calendar-instant.js';
import type { Data } from '../../../../src/dlms/axdr/types.js';
import {
  type CaptureObject,
  captureObjectData,
  parseCaptureObjects,
} from '../../../../src/dlms/cosem/capture-objects.js';
import { entryDescriptor, rangeDescriptor } from '../../../../src/dlms/cosem/selective-access.js';
import { Clock } from '../../../../src/dlms/server/objects/clock.js';
import { ObjectDirectory } from '../../../../src/dlms/server/objects/object-directory.js';
import { ProfileGeneric } from '../../../../src/dlms/server/objects/profile-generic.js';
import { Register } from '../../../../src/dlms/server/objects/register.js';
import { at, num, ok, u32, zero } from './context.js';

const clockColumn: CaptureObject = {
  classId: 8,
  logicalName: '0.0.1.0.0.255',
  attributeIndex: 2,
  dataIndex: 0,
};
const energyColumn: CaptureObject = {
  classId: 3,
  logicalName: '1.0.1.8.0.255',
  attributeIndex: 2,
  dataIndex: 0,
};
const scalerColumn: CaptureObject = {
  classId: 3,
  logicalName: '1.0.1.8.0.255',
  attributeIndex: 3,
  dataIndex: 0,
};
const unitColumn: CaptureObject = { ...scalerColumn, dataIndex: 2 };
const now = at('2024-06-15T10:07:00Z');
const minutes = (d: Date): number => d.getTime() / 60_000 - 28_000_000;

/** A CET/CEST clock and an energy register that counts minutes: one Wh per minute. */
function setup(): { directory: ObjectDirectory; valueReads: () => number } {
  let reads = 0;
  const directory = new ObjectDirectory();
  directory.add(
    new Clock({ timeZone: -60, daylightSavingsEnabled: true }),
    new Register({
      logicalName: '1.0.1.8.0.255',
      value: (t) => {
        reads++;
        return u32(minutes(t));
      },
      unit: 30,
    }),
  );
  return { directory, valueReads: () => reads };
}

function loadProfile(
  directory: ObjectDirectory,
  extra: Partial<ConstructorParameters<typeof ProfileGeneric>[0]> = {},
) {
  return new ProfileGeneric({
    logicalName: '1.0.99.1.0.255',
    directory,
    generated: true,
    capturePeriod: 900,
    profileEntries: 2880,
    captureObjects: [clockColumn, energyColumn, scalerColumn, unitColumn],
    ...extra,
  });
}

const rows = (data: Data): Data[][] => {
  if (data.type !== 'array') throw new Error(`not an array: ${data.type}`);
  return data.value.map((row) => (row as { value: Data[] }).value);
};
const time = (cell: Data | undefined): string =>
  cosemDateTimeToDate(decodeDateTimeOctets((cell as { value: Uint8Array }).value)).toISOString();
const clockRange = (from: Date | Data, to: Date | Data, selectedValues: CaptureObject[] = []) =>
  rangeDescriptor({ restrictingObject: clockColumn, from, to, selectedValues, deviation: -120 });

describe('Profile generic (class 7), generated buffer', () => {
  it('describes itself: capture objects, period, sort, entries', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    expect([p.classId, p.version, p.attributeCount, p.methodCount]).toEqual([7, 1, 8, 2]);
    expect(p.selectors).toEqual({ 2: [1, 2] });
    expect(parseCaptureObjects(ok(p.get(3, undefined, now)))).toEqual([
      clockColumn,
      energyColumn,
      scalerColumn,
      unitColumn,
    ]);
    expect(p.get(4, undefined, now)).toEqual(u32(900));
    expect(p.get(5, undefined, now)).toEqual({ type: 'enum', value: 1 });
    expect(parseCaptureObjects({ type: 'array', value: [ok(p.get(6, undefined, now))] })[0]?.classId).toBe(0);
    expect(p.get(7, undefined, now)).toEqual(u32(2880));
    expect(p.get(8, undefined, now)).toEqual(u32(2880));
  });

  it('generates 30 days of rows lazily, consistent with the register, whole attributes and elements', () => {
    const { directory, valueReads } = setup();
    const p = loadProfile(directory);
    expect(p.get(7, undefined, now)).toEqual(u32(2880));
    expect(valueReads()).toBe(0); // nothing computed until the buffer is read
    const started = performance.now();
    const all = rows(ok(p.get(2, undefined, now)));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(all).toHaveLength(2880);
    expect(time(all[2879]![0])).toBe('2024-06-15T10:00:00.000Z');
    expect(time(all[0]![0])).toBe('2024-05-16T10:15:00.000Z');
    for (const row of [all[0]!, all[1234]!, all[2879]!]) {
      expect(num(row[1]!)).toBe(minutes(new Date(time(row[0]))));
      expect(row[2]).toEqual({
        type: 'structure',
        value: [
          { type: 'integer', value: 0 },
          { type: 'enum', value: 30 },
        ],
      });
      expect(row[3]).toEqual({ type: 'enum', value: 30 });
    }
    const values = all.map((r) => num(r[1]!));
    expect(values.every((v, i) => i === 0 || v - values[i - 1]! === 15)).toBe(true);
    // The row times are the meter's local time: CEST, deviation −120, DST bit set.
    const local = decodeDateTimeOctets((all[2879]![0] as { value: Uint8Array }).value);
    expect([local.hour, local.deviation]).toEqual([12, -120]);
  });

  it('selects a time range by the clock column, bounds inclusive, computing only what it returns', () => {
    const { directory, valueReads } = setup();
    const p = loadProfile(directory);
    const selected = rows(
      ok(p.get(2, clockRange(new Date('2024-06-15T08:00:00Z'), new Date('2024-06-15T08:45:00Z')), now)),
    );
    expect(selected.map((r) => time(r[0]))).toEqual([
      '2024-06-15T08:00:00.000Z',
      '2024-06-15T08:15:00.000Z',
      '2024-06-15T08:30:00.000Z',
      '2024-06-15T08:45:00.000Z',
    ]);
    expect(valueReads()).toBe(4);
    const between = rows(
      ok(p.get(2, clockRange(new Date('2024-06-15T08:01:00Z'), new Date('2024-06-15T08:14:00Z')), now)),
    );
    expect(between).toEqual([]);
  });

  it('returns the selected columns in the requested order', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    const selected = rows(
      ok(
        p.get(
          2,
          clockRange(new Date('2024-06-15T09:30:00Z'), new Date('2024-06-16T00:00:00Z'), [
            unitColumn,
            energyColumn,
            clockColumn,
          ]),
          now,
        ),
      ),
    );
    expect(selected).toHaveLength(3);
    expect(selected[0]![0]).toEqual({ type: 'enum', value: 30 });
    expect(num(selected[0]![1]!)).toBe(minutes(new Date('2024-06-15T09:30:00Z')));
    expect(time(selected[2]![2])).toBe('2024-06-15T10:00:00.000Z');
  });

  it('gives an empty buffer for a range before, after or inverted', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    const read = (from: string, to: string) =>
      rows(ok(p.get(2, clockRange(new Date(from), new Date(to)), now)));
    expect(read('2023-01-01T00:00:00Z', '2023-02-01T00:00:00Z')).toEqual([]);
    expect(read('2024-06-15T11:00:00Z', '2024-06-16T00:00:00Z')).toEqual([]);
    expect(read('2024-06-15T09:00:00Z', '2024-06-15T08:00:00Z')).toEqual([]);
    expect(read('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')).toHaveLength(2880);
  });

  it('compares bounds without a deviation as local wall-clock times', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    const local = (hour: number): Data => ({
      type: 'octet-string',
      value: encodeDateTimeOctets({
        year: 2024,
        month: 6,
        dayOfMonth: 15,
        dayOfWeek: 'unspecified',
        hour,
        minute: 0,
        second: 0,
        hundredths: 'unspecified',
        deviation: 'unspecified',
        clockStatus: 'unspecified',
      }),
    });
    // 10:00–11:00 local CEST = 08:00–09:00 UTC.
    const selected = rows(ok(p.get(2, clockRange(local(10), local(11)), now)));
    expect(selected.map((r) => time(r[0]))).toHaveLength(5);
    expect(time(selected[0]![0])).toBe('2024-06-15T08:00:00.000Z');
  });

  it('filters by a non-clock column row by row', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    const from = minutes(new Date('2024-06-15T09:00:00Z'));
    const access = rangeDescriptor({ restrictingObject: energyColumn, from: u32(from), to: u32(from + 30) });
    expect(rows(ok(p.get(2, access, now))).map((r) => num(r[1]!))).toEqual([from, from + 15, from + 30]);
  });

  it('selects entries and column ranges by entry_descriptor', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    const read = (fromEntry: number, toEntry: number, fromSelectedValue = 1, toSelectedValue = 0) =>
      p.get(2, entryDescriptor({ fromEntry, toEntry, fromSelectedValue, toSelectedValue }), now);
    const first = rows(ok(read(1, 2)));
    expect(first.map((r) => time(r[0]))).toEqual(['2024-05-16T10:15:00.000Z', '2024-05-16T10:30:00.000Z']);
    expect(rows(ok(read(2879, 0))).map((r) => time(r[0]))).toEqual([
      '2024-06-15T09:45:00.000Z',
      '2024-06-15T10:00:00.000Z',
    ]);
    expect(rows(ok(read(2880, 5000)))).toHaveLength(1);
    expect(rows(ok(read(2881, 0)))).toEqual([]);
    expect(rows(ok(read(5, 4)))).toEqual([]);
    expect(rows(ok(read(0, 1)))).toHaveLength(1); // from_entry 0 read as 1
    const columns = rows(ok(read(1, 1, 2, 2)));
    expect(columns[0]).toHaveLength(1);
    expect(num(columns[0]![0]!)).toBe(minutes(new Date('2024-05-16T10:15:00.000Z')));
    expect(rows(ok(read(1, 1, 3, 0)))[0]).toHaveLength(2);
    expect(read(1, 1, 5, 0)).toEqual({ failure: 'object-unavailable' });
    expect(read(1, 1, 3, 2)).toEqual({ failure: 'object-unavailable' });
  });

  it('refuses malformed or unknown selective access', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    const range = clockRange(new Date('2024-06-15T08:00:00Z'), new Date('2024-06-15T09:00:00Z'));
    const params = (range.parameters as { value: Data[] }).value;
    const withParams = (selector: number, value: Data[]) =>
      p.get(2, { selector, parameters: { type: 'structure', value } }, now);
    expect(p.get(2, { selector: 3, parameters: zero }, now)).toEqual({ failure: 'object-unavailable' });
    expect(p.get(3, range, now)).toEqual({ failure: 'object-unavailable' });
    expect(p.get(2, { selector: 1, parameters: zero }, now)).toEqual({ failure: 'type-unmatched' });
    expect(withParams(1, params.slice(0, 3))).toEqual({ failure: 'type-unmatched' });
    expect(withParams(1, [zero, ...params.slice(1)])).toEqual({ failure: 'type-unmatched' });
    expect(withParams(1, [params[0]!, zero, params[2]!, params[3]!])).toEqual({ failure: 'type-unmatched' });
    expect(withParams(1, [params[0]!, params[1]!, params[2]!, zero])).toEqual({ failure: 'type-unmatched' });
    const unknown = captureObjectData({ ...energyColumn, logicalName: '1.0.2.8.0.255' });
    expect(withParams(1, [unknown, ...params.slice(1)])).toEqual({ failure: 'object-unavailable' });
    expect(withParams(1, [...params.slice(0, 3), { type: 'array', value: [unknown] }])).toEqual({
      failure: 'object-unavailable',
    });
    expect(withParams(1, [...params.slice(0, 3), { type: 'array', value: [zero] }])).toEqual({
      failure: 'type-unmatched',
    });
    expect(withParams(2, [u32(1), u32(2), u32(1), u32(0)])).toEqual({ failure: 'type-unmatched' });
    expect(
      withParams(1, [params[0]!, { type: 'visible-string', value: 'x' }, params[2]!, params[3]!]),
    ).toEqual({
      failure: 'type-unmatched',
    });
  });

  it('restarts empty on reset and refuses capture (it captures on its period)', () => {
    const { directory } = setup();
    const p = loadProfile(directory);
    expect(p.action(2, zero, now)).toEqual({ result: 'read-write-denied' });
    expect(p.action(1, zero, at('2024-06-15T10:07:00Z'))).toEqual({ result: 'success' });
    expect(p.get(7, undefined, at('2024-06-15T10:10:00Z'))).toEqual(u32(0));
    expect(p.get(2, undefined, at('2024-06-15T10:10:00Z'))).toEqual({ type: 'array', value: [] });
    expect(p.get(7, undefined, at('2024-06-15T10:45:00Z'))).toEqual(u32(3));
    expect(rows(ok(p.get(2, undefined, at('2024-06-15T10:45:00Z')))).map((r) => time(r[0]))[0]).toBe(
      '2024-06-15T10:15:00.000Z',
    );
  });

  it('writes capture_period and profile_entries, validating them', () => {
    const { directory } = setup();
    const p = loadProfile(directory, { since: new Date('2024-06-15T00:00:00Z') });
    expect(p.get(7, undefined, now)).toEqual(u32(41));
    expect(p.set(8, u32(10), now)).toBe('success');
    expect(p.get(7, undefined, now)).toEqual(u32(10));
    expect(p.set(8, u32(0), now)).toBe('type-unmatched');
    expect(p.set(8, u32(100_001), now)).toBe('type-unmatched');
    expect(p.set(4, u32(3600), now)).toBe('success');
    expect(rows(ok(p.get(2, undefined, now))).map((r) => time(r[0]))).toHaveLength(10);
    expect(p.set(4, u32(0), now)).toBe('type-unmatched');
    expect(p.set(4, { type: 'long-unsigned', value: 60 }, now)).toBe('type-unmatched');
    expect(p.set(5, { type: 'enum', value: 2 }, now)).toBe('read-write-denied');
    expect(p.set(7, u32(1), now)).toBe('read-write-denied');
  });

  it('refuses an invalid configuration', () => {
    const { directory } = setup();
    expect(() => loadProfile(directory, { capturePeriod: 0 })).toThrow(/capture period/);
    expect(() => loadProfile(directory, { profileEntries: 0 })).toThrow(/profileEntries/);
    expect(() => loadProfile(directory, { logicalName: '1.2.3' })).toThrow(/OBIS/);
  });
});

describe('Profile generic (class 7), stored buffer', () => {
  function stored(directory: ObjectDirectory, rows?: Data[][]) {
    return new ProfileGeneric({
      logicalName: '0.0.99.98.0.255',
      directory,
      profileEntries: 3,
      captureObjects: [clockColumn, energyColumn],
      ...(rows === undefined ? {} : { rows }),
    });
  }

  it('captures rows (fifo, capacity) and resets', () => {
    const { directory } = setup();
    const p = stored(directory);
    expect(p.get(4, undefined, now)).toEqual(u32(0));
    for (const minute of [0, 1, 2, 3]) {
      expect(p.action(2, zero, at(Date.parse('2024-06-15T10:00:00Z') + minute * 60_000))).toEqual({
        result: 'success',
      });
    }
    expect(p.get(7, undefined, now)).toEqual(u32(3));
    const all = rows(ok(p.get(2, undefined, now)));
    expect(all.map((r) => time(r[0]))).toEqual([
      '2024-06-15T10:01:00.000Z',
      '2024-06-15T10:02:00.000Z',
      '2024-06-15T10:03:00.000Z',
    ]);
    expect(num(all[0]![1]!)).toBe(minutes(new Date('2024-06-15T10:01:00Z')));
    p.capture(new Date('2024-06-15T10:04:00Z'));
    expect(
      rows(ok(p.get(2, entryDescriptor({ fromEntry: 3, toEntry: 0 }), now))).map((r) => time(r[0])),
    ).toEqual(['2024-06-15T10:04:00.000Z']);
    expect(p.action(1, zero, now)).toEqual({ result: 'success' });
    expect(p.get(2, undefined, now)).toEqual({ type: 'array', value: [] });
    expect(p.action(2, u32(0), now)).toEqual({ result: 'type-unmatched' });
  });

  it('filters a stored buffer by range even out of time order', () => {
    const { directory } = setup();
    const p = stored(directory);
    for (const iso of ['2024-06-15T10:00:00Z', '2024-06-15T08:00:00Z', '2024-06-15T09:00:00Z'])
      p.capture(new Date(iso));
    const selected = rows(
      ok(p.get(2, clockRange(new Date('2024-06-15T08:30:00Z'), new Date('2024-06-15T10:00:00Z')), now)),
    );
    expect(selected.map((r) => time(r[0]))).toEqual(['2024-06-15T10:00:00.000Z', '2024-06-15T09:00:00.000Z']);
  });

  it('keeps only the newest initial rows, drops the oldest when shrunk, empties on new capture objects', () => {
    const { directory } = setup();
    const p = stored(directory, [[u32(1)], [u32(2)], [u32(3)], [u32(4)]]);
    // A row shorter than the columns reads null-data in the missing cells.
    const nul: Data = { type: 'null-data' };
    expect(rows(ok(p.get(2, undefined, now)))).toEqual([
      [u32(2), nul],
      [u32(3), nul],
      [u32(4), nul],
    ]);
    expect(p.set(8, u32(1), now)).toBe('success');
    expect(rows(ok(p.get(2, undefined, now)))).toEqual([[u32(4), nul]]);
    expect(p.set(3, zero, now)).toBe('type-unmatched');
    expect(
      p.set(
        3,
        { type: 'array', value: [captureObjectData({ ...energyColumn, logicalName: '9.9.9.9.9.9' })] },
        now,
      ),
    ).toBe('object-unavailable');
    expect(p.set(3, { type: 'array', value: [captureObjectData(energyColumn)] }, now)).toBe('success');
    expect(p.get(7, undefined, now)).toEqual(u32(0));
    p.capture(new Date('2024-06-15T10:00:00Z'));
    expect(rows(ok(p.get(2, undefined, now)))).toEqual([[u32(minutes(new Date('2024-06-15T10:00:00Z')))]]);
  });

  it('reads null-data for a missing object or element', () => {
    const { directory } = setup();
    const p = new ProfileGeneric({
      logicalName: '0.0.99.98.1.255',
      directory,
      profileEntries: 1,
      captureObjects: [
        { classId: 3, logicalName: '1.0.9.9.9.255', attributeIndex: 2, dataIndex: 0 },
        { ...energyColumn, dataIndex: 1 },
        { ...scalerColumn, dataIndex: 3 },
        { ...energyColumn, attributeIndex: 9 },
        { ...energyColumn, attributeIndex: 1 },
      ],
    });
    p.capture(new Date('2024-06-15T10:00:00Z'));
    const [row] = rows(ok(p.get(2, undefined, now)));
    expect(row!.slice(0, 4)).toEqual(Array(4).fill({ type: 'null-data' }));
    expect(row![4]).toEqual({ type: 'octet-string', value: Uint8Array.of(1, 0, 1, 8, 0, 255) });
  });
});
