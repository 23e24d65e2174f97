import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDateTimeOctets, encodeDateTimeOctets } from '../../../../src/dlms/axdr/calendar.js';
import { cosemDateTimeToDate, dateToCosemDateTime } from '../../../../src/dlms/axdr/calendar-instant.js';
import type { Data } from '../../../../src/dlms/axdr/types.js';
import { parseCaptureObjects } from '../../../../src/dlms/cosem/capture-objects.js';
import { formatObis } from '../../../../src/dlms/cosem/obis.js';
import { parseScalerUnit } from '../../../../src/dlms/cosem/scaler.js';
import { entryDescriptor, rangeDescriptor } from '../../../../src/dlms/cosem/selective-access.js';
import type { CosemObject } from '../../../../src/dlms/server/cosem-object.js';
import { exampleMeter } from '../../../../src/dlms/server/meter/example-meter.js';
import { Household } from '../../../../src/dlms/server/meter/household.js';
import type { PushNotification } from '../../../../src/dlms/server/objects/push-setup.js';
import { fuzzRuns } from '../../../helpers/fuzz.js';
import { arbData } from '../../axdr/arbitraries.js';
import { at, num, ok, zero } from '../objects/context.js';

const created = new Date('2026-11-25T12:00:00Z');
const now = at(created);

function byName(objects: readonly CosemObject[], obis: string): CosemObject {
  const found = objects.find((o) => formatObis(o.logicalName) === obis);
  if (found === undefined) throw new Error(`no ${obis}`);
  return found;
}

const rows = (data: Data): Data[][] => (data as { value: { value: Data[] }[] }).value.map((r) => r.value);
const instant = (cell: Data | undefined): number =>
  cosemDateTimeToDate(decodeDateTimeOctets((cell as { value: Uint8Array }).value)).getTime();
const read = (o: CosemObject, attribute: number, context = now) => ok(o.get(attribute, undefined, context));

describe('exampleMeter', () => {
  const meter = exampleMeter({ now: () => created, seed: 7 });

  it('lists the objects of a three-phase household meter, each once', () => {
    const list = meter.map((o) => `${o.classId} ${formatObis(o.logicalName)}`);
    expect(new Set(list).size).toBe(list.length);
    expect(list).toEqual(
      expect.arrayContaining([
        '1 0.0.42.0.0.255',
        '1 0.0.96.1.0.255',
        '1 1.0.0.2.0.255',
        '8 0.0.1.0.0.255',
        '3 1.0.1.8.0.255',
        '3 1.0.2.8.0.255',
        '3 1.0.1.8.1.255',
        '3 1.0.1.8.2.255',
        '3 1.0.1.7.0.255',
        '3 1.0.2.7.0.255',
        '3 1.0.32.7.0.255',
        '3 1.0.52.7.0.255',
        '3 1.0.72.7.0.255',
        '3 1.0.31.7.0.255',
        '3 1.0.51.7.0.255',
        '3 1.0.71.7.0.255',
        '3 1.0.14.7.0.255',
        '3 1.0.13.7.0.255',
        '5 1.0.1.4.0.255',
        '4 1.0.1.6.0.255',
        '7 1.0.99.1.0.255',
        '7 0.0.99.98.0.255',
        '1 0.0.96.11.0.255',
        '70 0.0.96.3.10.255',
        '9 0.0.10.0.106.255',
        '40 0.0.25.9.0.255',
        '23 0.0.22.0.0.255',
        '41 0.0.25.0.0.255',
      ]),
    );
    for (const o of meter) {
      for (let a = 2; a <= o.attributeCount; a++)
        expect('failure' in o.get(a, undefined, now), `${list} ${a}`).toBe(false);
    }
    const name = new TextDecoder().decode(
      (read(byName(meter, '0.0.42.0.0.255'), 2) as { value: Uint8Array }).value,
    );
    expect(name).toMatch(/^MLK\d{13}$/);
  });

  it('has energy registers with their scalers, increasing, tariffs adding up to the total', () => {
    const scaler = (obis: string) => parseScalerUnit(read(byName(meter, obis), 3));
    expect(scaler('1.0.1.8.0.255')).toEqual({ scaler: 0, unit: 30 });
    expect(scaler('1.0.1.8.1.255')).toEqual({ scaler: 1, unit: 30 });
    expect(scaler('1.0.32.7.0.255')).toEqual({ scaler: -1, unit: 35 });
    expect(scaler('1.0.31.7.0.255')).toEqual({ scaler: -2, unit: 33 });
    expect(scaler('1.0.14.7.0.255')).toEqual({ scaler: -2, unit: 44 });
    const energy = (obis: string, t: Date) => num(read(byName(meter, obis), 2, at(t)));
    let previous = [0, 0, 0, 0];
    for (
      let t = Date.parse('2026-11-20T00:00:00Z');
      t < Date.parse('2026-11-21T00:00:00Z');
      t += 7 * 60_000 + 13_000
    ) {
      const values = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255'].map((o) =>
        energy(o, new Date(t)),
      );
      for (const [i, v] of values.entries()) expect(v).toBeGreaterThanOrEqual(previous[i]!);
      expect(values[0]! - 10 * (values[2]! + values[3]!)).toBeGreaterThanOrEqual(0);
      expect(values[0]! - 10 * (values[2]! + values[3]!)).toBeLessThan(21);
      previous = values;
    }
    // About 2.7 MWh a year of import since 2020.
    expect(energy('1.0.1.8.0.255', created) / 1e6).toBeGreaterThan(15);
    expect(energy('1.0.1.8.0.255', created) / 1e6).toBeLessThan(25);
  });

  it('has plausible instantaneous values', () => {
    for (let t = created.getTime(); t < created.getTime() + 86_400_000; t += 3_600_000) {
      const value = (obis: string) => num(read(byName(meter, obis), 2, at(t)));
      for (const v of ['1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255']) {
        expect(value(v) / 10).toBeGreaterThan(225);
        expect(value(v) / 10).toBeLessThan(235);
      }
      expect(Math.abs(value('1.0.14.7.0.255') - 5000)).toBeLessThanOrEqual(5);
      const phases = value('1.0.21.7.0.255') + value('1.0.41.7.0.255') + value('1.0.61.7.0.255');
      expect(Math.abs(value('1.0.1.7.0.255') - phases)).toBeLessThanOrEqual(3);
      const current =
        (value('1.0.21.7.0.255') / (value('1.0.32.7.0.255') / 10) / (value('1.0.13.7.0.255') / 1000)) * 100;
      expect(Math.abs(value('1.0.31.7.0.255') - current)).toBeLessThanOrEqual(2);
    }
  });

  it('is the same meter for the same seed, another for another seed', () => {
    const again = exampleMeter({ now: () => created, seed: 7 });
    const other = exampleMeter({ now: () => created, seed: 8 });
    const value = (m: CosemObject[]) => read(byName(m, '1.0.1.8.0.255'), 2);
    expect(value(again)).toEqual(value(meter));
    expect(value(other)).not.toEqual(value(meter));
  });

  it('keeps a 15-minute load profile of 30 days consistent with the registers', () => {
    const profile = byName(meter, '1.0.99.1.0.255');
    expect(
      parseCaptureObjects(read(profile, 3)).map((c) => `${c.classId} ${c.logicalName} ${c.attributeIndex}`),
    ).toEqual([
      '8 0.0.1.0.0.255 2',
      '3 1.0.1.8.0.255 2',
      '3 1.0.2.8.0.255 2',
      '3 1.0.1.8.1.255 2',
      '3 1.0.1.8.2.255 2',
    ]);
    expect(read(profile, 4)).toEqual({ type: 'double-long-unsigned', value: 900 });
    const all = rows(read(profile, 2));
    expect(all).toHaveLength(2880);
    expect(instant(all[2879]![0]) - instant(all[0]![0])).toBe(2879 * 900_000);
    expect(instant(all[2879]![0])).toBe(created.getTime());
    for (let i = 1; i < all.length; i++) {
      for (let c = 1; c <= 4; c++) expect(num(all[i]![c]!)).toBeGreaterThanOrEqual(num(all[i - 1]![c]!));
      expect(num(all[i]![1]!)).toBeGreaterThan(num(all[i - 1]![1]!));
    }
    for (const i of [0, 1000, 2879]) {
      const t = at(instant(all[i]![0]));
      ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255'].forEach((obis, c) => {
        expect(all[i]![c + 1]).toEqual(read(byName(meter, obis), 2, t));
      });
    }
    // The registers now are at least the last row.
    expect(num(read(byName(meter, '1.0.1.8.0.255'), 2, at(created.getTime() + 60_000)))).toBeGreaterThan(
      num(all[2879]![1]!),
    );
    const clock = { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 };
    const day = ok(
      profile.get(
        2,
        rangeDescriptor({
          restrictingObject: clock,
          from: new Date('2026-11-24T00:00:00Z'),
          to: new Date('2026-11-24T23:59:59Z'),
          deviation: -60,
        }),
        now,
      ),
    );
    expect(rows(day)).toHaveLength(96);
    expect(
      rows(
        ok(
          profile.get(
            2,
            entryDescriptor({ fromEntry: 1, toEntry: 10, fromSelectedValue: 2, toSelectedValue: 2 }),
            now,
          ),
        ),
      ).map((r) => r.length),
    ).toEqual(Array(10).fill(1));
  });

  it('logs seeded outages, clock adjustments and disconnector operations', () => {
    const m = exampleMeter({ now: () => created, seed: 3 });
    const log = byName(m, '0.0.99.98.0.255');
    const events = () => rows(read(log, 2)).map(([t, code]) => [instant(t), num(code!)] as const);
    const outages = events();
    expect(outages.map(([, code]) => code)).toEqual([1, 2, 1, 2, 1, 2]);
    for (const [t] of outages) {
      expect(t).toBeLessThan(created.getTime() + 3_600_000);
      expect(t).toBeGreaterThan(created.getTime() - 31 * 86_400_000);
    }
    const clock = byName(m, '0.0.1.0.0.255');
    const later: Data = {
      type: 'octet-string',
      value: encodeDateTimeOctets(dateToCosemDateTime(new Date('2026-11-25T12:30:00Z'), { deviation: -60 })),
    };
    expect(clock.set(2, later, at('2026-11-25T12:10:00Z'))).toBe('success');
    expect(events().slice(-2)).toEqual([
      [Date.parse('2026-11-25T12:10:00Z'), 4],
      [Date.parse('2026-11-25T12:30:00Z'), 5],
    ]);
    const breaker = byName(m, '0.0.96.3.10.255');
    expect(breaker.action(1, zero, at('2026-11-25T12:20:00Z'))).toEqual({ result: 'success' });
    expect(breaker.action(2, zero, at('2026-11-25T12:21:00Z'))).toEqual({ result: 'success' });
    expect(
      events()
        .slice(-2)
        .map(([, code]) => code),
    ).toEqual([62, 63]);
    expect(read(breaker, 2)).toEqual({ type: 'boolean', value: true });
  });

  it('disconnects and reconnects through the disconnect control script table', () => {
    const m = exampleMeter({ now: () => created });
    const scripts = byName(m, '0.0.10.0.106.255');
    const breaker = byName(m, '0.0.96.3.10.255');
    expect(scripts.action(1, { type: 'long-unsigned', value: 1 }, now)).toEqual({ result: 'success' });
    expect(read(breaker, 3)).toEqual({ type: 'enum', value: 0 });
    expect(scripts.action(1, { type: 'long-unsigned', value: 2 }, now)).toEqual({ result: 'success' });
    expect(read(breaker, 3)).toEqual({ type: 'enum', value: 1 });
  });

  it('pushes the push objects through onPush', () => {
    const sent: PushNotification[] = [];
    const m = exampleMeter({ now: () => created, onPush: (n) => sent.push(n) });
    expect(byName(m, '0.0.25.9.0.255').action(1, zero, now)).toEqual({ result: 'success' });
    const body = (sent[0]!.body as { value: Data[] }).value;
    expect(body).toHaveLength(4);
    expect(body[0]).toEqual({ type: 'octet-string', value: Uint8Array.of(0, 0, 25, 9, 0, 255) });
    expect(body[2]).toEqual(read(byName(m, '1.0.1.8.0.255'), 2));
  });
});

describe('Household', () => {
  it('is strictly increasing in import, linear inside a slot, zero before installation', () => {
    const h = new Household(5);
    expect(h.energies(new Date('2019-06-01T00:00:00Z')).import).toBe(0);
    let last = -1;
    for (let t = Date.parse('2024-03-30T00:00:00Z'); t < Date.parse('2024-04-02T00:00:00Z'); t += 450_000) {
      const e = h.energies(new Date(t));
      expect(e.import).toBeGreaterThan(last);
      expect(e.importTariff1 + e.importTariff2).toBeCloseTo(e.import, 6);
      last = e.import;
    }
    const a = h.energies(new Date('2024-04-01T10:00:00Z')).import;
    const b = h.energies(new Date('2024-04-01T10:15:00Z')).import;
    expect(h.energies(new Date('2024-04-01T10:05:00Z')).import).toBeCloseTo(a + (b - a) / 3, 6);
    expect(h.power(new Date('2024-04-01T10:05:00Z')).import).toBeCloseTo((b - a) * 4, 6);
  });

  it('exports only by day, more in summer than in winter', () => {
    const h = new Household(5);
    const day = (iso: string) =>
      h.energies(new Date(Date.parse(iso) + 86_400_000)).export - h.energies(new Date(iso)).export;
    expect(day('2024-06-20T23:00:00Z')).toBeGreaterThan(3 * day('2024-12-20T23:00:00Z'));
    expect(h.power(new Date('2024-06-21T01:00:00Z')).export).toBe(0);
    expect(h.power(new Date('2024-06-21T11:00:00Z')).export).toBeGreaterThan(900);
  });
});

describe('exampleMeter under arbitrary requests', () => {
  it('never throws: every get, set and action of every object answers', () => {
    const meter = exampleMeter({ now: () => created });
    const ids = fc.integer({ min: 0, max: 12 });
    fc.assert(
      fc.property(
        fc.nat(meter.length - 1),
        ids,
        arbData(),
        fc.option(fc.nat(3)),
        (index, id, data, selector) => {
          const object = meter[index]!;
          const access = selector === null ? undefined : { selector, parameters: data };
          const got = object.get(id, access, now);
          expect(typeof got).toBe('object');
          expect(typeof object.set(id, data, now)).toBe('string');
          expect(typeof object.action(id, data, now).result).toBe('string');
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });
});
