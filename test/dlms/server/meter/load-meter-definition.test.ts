import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/core/errors.js';
import type { Data } from '../../../../src/dlms/axdr/types.js';
import { parseCaptureObjects } from '../../../../src/dlms/cosem/capture-objects.js';
import { formatObis } from '../../../../src/dlms/cosem/obis.js';
import { parseScalerUnit } from '../../../../src/dlms/cosem/scaler.js';
import type { CosemObject } from '../../../../src/dlms/server/cosem-object.js';
import { MeterDefinitionError } from '../../../../src/dlms/server/meter/definition-fields.js';
import { loadMeterDefinition } from '../../../../src/dlms/server/meter/load-meter-definition.js';
import type { PushNotification } from '../../../../src/dlms/server/objects/push-setup.js';
import { at, num, ok, zero } from '../objects/context.js';

const now = at('2026-11-25T12:00:00Z');
const example = new URL('../../../../examples/meters/example.json', import.meta.url);

function byName(objects: readonly CosemObject[], obis: string): CosemObject {
  const found = objects.find((o) => formatObis(o.logicalName) === obis);
  if (found === undefined) throw new Error(`no ${obis}`);
  return found;
}

function failure(definition: unknown): MeterDefinitionError {
  try {
    loadMeterDefinition(definition);
  } catch (error) {
    if (error instanceof MeterDefinitionError) return error;
    throw error;
  }
  throw new Error('loaded');
}

describe('loadMeterDefinition', () => {
  it('loads examples/meters/example.json', async () => {
    const sent: PushNotification[] = [];
    const objects = loadMeterDefinition(await readFile(example, 'utf8'), { onPush: (n) => sent.push(n) });
    const list = objects.map((o) => `${o.classId} ${formatObis(o.logicalName)}`);
    expect(list).toEqual(
      expect.arrayContaining([
        '8 0.0.1.0.0.255',
        '1 0.0.42.0.0.255',
        '1 0.0.96.1.0.255',
        '3 1.0.1.8.0.255',
        '5 1.0.1.4.0.255',
        '4 1.0.1.6.0.255',
        '7 1.0.99.1.0.255',
        '7 1.0.99.2.0.255',
        '7 0.0.99.98.0.255',
        '1 0.0.96.11.0.255',
        '70 0.0.96.3.10.255',
        '40 0.0.25.9.0.255',
        '23 0.0.22.0.0.255',
        '41 0.0.25.0.0.255',
      ]),
    );
    for (const o of objects) {
      for (let a = 2; a <= o.attributeCount; a++) expect('failure' in o.get(a, undefined, now)).toBe(false);
    }
    expect(byName(objects, '0.0.42.0.0.255').get(2, undefined, now)).toEqual({
      type: 'octet-string',
      value: new TextEncoder().encode('MLK0000000000042'),
    });
    // counter: 1 250 000 + 420 Wh per hour since 2024-01-01.
    const hours = (Date.parse('2026-11-25T12:00:00Z') - Date.parse('2024-01-01T00:00:00Z')) / 3_600_000;
    expect(num(ok(byName(objects, '1.0.1.8.0.255').get(2, undefined, now)))).toBe(
      Math.round(1_250_000 + 420 * hours),
    );
    expect(parseScalerUnit(ok(byName(objects, '1.0.32.7.0.255').get(3, undefined, now)))).toEqual({
      scaler: -1,
      unit: 35,
    });
    const volts = num(ok(byName(objects, '1.0.32.7.0.255').get(2, undefined, now)));
    expect(volts).toBeGreaterThanOrEqual(2300 - 33);
    expect(volts).toBeLessThanOrEqual(2300 + 33);
    const daily = byName(objects, '1.0.99.2.0.255');
    expect(
      parseCaptureObjects(ok(daily.get(3, undefined, now))).map((c) => [
        c.classId,
        c.attributeIndex,
        c.dataIndex,
      ]),
    ).toEqual([
      [8, 2, 0],
      [3, 2, 0],
      [3, 3, 1],
    ]);
    const rows = (ok(daily.get(2, undefined, now)) as { value: { value: Data[] }[] }).value;
    expect(rows).toHaveLength(60);
    expect(rows[0]!.value[2]).toEqual({ type: 'integer', value: -1 });
    expect(byName(objects, '1.0.99.1.0.255').get(7, undefined, now)).toEqual({
      type: 'double-long-unsigned',
      value: 2880,
    });
    expect(byName(objects, '0.0.25.9.0.255').action(1, zero, now)).toEqual({ result: 'success' });
    expect((sent[0]!.body as { value: Data[] }).value[0]).toEqual({
      type: 'visible-string',
      value: '00004242',
    });
    // The event log records disconnector operations.
    expect(byName(objects, '0.0.96.3.10.255').action(1, zero, now)).toEqual({ result: 'success' });
    const events = (
      ok(byName(objects, '0.0.99.98.0.255').get(2, undefined, now)) as { value: { value: Data[] }[] }
    ).value;
    expect(events.map((r) => r.value[1])).toEqual([{ type: 'unsigned', value: 62 }]);
  });

  it('adds a clock and a logical device name, accepts class ids, fixed values of every kind', () => {
    const objects = loadMeterDefinition({
      objects: [
        { class: 1, obis: '0-0:96.1.0*255', value: 'X' },
        { class: 'data', obis: '0.0.96.1.1.255', type: 'octet-string', value: '0aff' },
        { class: 'data', obis: '0.0.96.1.2.255', value: true },
        { class: 'data', obis: '0.0.96.1.3.255', value: -5 },
        { class: 'data', obis: '0.0.96.1.4.255', type: 'long64-unsigned', value: '18446744073709551615' },
        { class: 'data', obis: '0.0.96.1.5.255', type: 'float32', generator: { kind: 'wave', mean: 1.5 } },
        { class: 3, obis: '1.0.0.3.0.255', type: 'long-unsigned', value: 1000, unit: 45 },
        { class: 'register', obis: '1.0.0.3.1.255', type: 'long64', value: -7 },
        { class: 'register', obis: '1.0.0.3.2.255', type: 'utf8-string', value: 'é' },
      ],
    });
    const value = (obis: string) => byName(objects, obis).get(2, undefined, now);
    expect(value('0.0.96.1.0.255')).toEqual({ type: 'visible-string', value: 'X' });
    expect(value('0.0.96.1.1.255')).toEqual({ type: 'octet-string', value: Uint8Array.of(10, 255) });
    expect(value('0.0.96.1.2.255')).toEqual({ type: 'boolean', value: true });
    expect(value('0.0.96.1.3.255')).toEqual({ type: 'double-long', value: -5 });
    expect(value('0.0.96.1.4.255')).toEqual({ type: 'long64-unsigned', value: 2n ** 64n - 1n });
    expect(value('0.0.96.1.5.255')).toEqual({ type: 'float32', value: 1.5 });
    expect(value('1.0.0.3.1.255')).toEqual({ type: 'long64', value: -7n });
    expect(value('1.0.0.3.2.255')).toEqual({ type: 'utf8-string', value: 'é' });
    expect(parseScalerUnit(ok(byName(objects, '1.0.0.3.0.255').get(3, undefined, now)))).toEqual({
      scaler: 0,
      unit: 45,
    });
    expect(byName(objects, '0.0.1.0.0.255').classId).toBe(8);
    expect(byName(objects, '0.0.42.0.0.255').get(2, undefined, now)).toEqual({
      type: 'octet-string',
      value: new TextEncoder().encode('MLK0000000000001'),
    });
  });

  it('makes a stored profile without capture period', () => {
    const objects = loadMeterDefinition({
      objects: [
        { class: 'register', obis: '1.0.1.8.0.255', value: 5 },
        {
          class: 'profile-generic',
          obis: '1.0.98.1.0.255',
          entries: 12,
          columns: ['0.0.1.0.0.255', '1.0.1.8.0.255'],
        },
      ],
    });
    const billing = byName(objects, '1.0.98.1.0.255');
    expect(billing.get(2, undefined, now)).toEqual({ type: 'array', value: [] });
    expect(billing.action(2, zero, now)).toEqual({ result: 'success' });
    expect(billing.get(7, undefined, now)).toEqual({ type: 'double-long-unsigned', value: 1 });
  });

  const invalid: [string, unknown, string, RegExp][] = [
    ['not JSON', '{ objects: ', '', /not valid JSON/],
    ['not an object', [], '', /must be an object/],
    ['unknown top-level field', { objects: [], meters: 1 }, 'meters', /unknown field/],
    ['objects not an array', { objects: 3 }, 'objects', /must be an array/],
    ['object not an object', { objects: [7] }, 'objects[0]', /must be an object/],
    [
      'unknown class',
      { objects: [{ class: 'gizmo', obis: '1.0.0.0.0.255' }] },
      'objects[0].class',
      /must be one of/,
    ],
    ['missing obis', { objects: [{ class: 'register', value: 1 }] }, 'objects[0].obis', /required/],
    [
      'bad obis',
      { objects: [{ class: 'register', obis: '1.0.1.8.0', value: 1 }] },
      'objects[0].obis',
      /OBIS/,
    ],
    [
      'unknown field',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255', value: 1, scalar: 1 }] },
      'objects[0].scalar',
      /unknown field/,
    ],
    [
      'scaler out of range',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255', value: 1, scaler: 200 }] },
      'objects[0].scaler',
      /-128…127/,
    ],
    [
      'unknown unit',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255', value: 1, unit: 'kWh' }] },
      'objects[0].unit',
      /unit/,
    ],
    [
      'value out of range',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255', type: 'unsigned', value: 256 }] },
      'objects[0].value',
      /0…255/,
    ],
    [
      'value of wrong type',
      { objects: [{ class: 'data', obis: '0.0.96.1.0.255', type: 'boolean', value: 1 }] },
      'objects[0].value',
      /true or false/,
    ],
    [
      'bad hex',
      { objects: [{ class: 'data', obis: '0.0.96.1.0.255', type: 'octet-string', value: 'abc' }] },
      'objects[0].value',
      /hex/,
    ],
    [
      'unknown type',
      { objects: [{ class: 'data', obis: '0.0.96.1.0.255', type: 'text', value: 'a' }] },
      'objects[0].value',
      /type "text"/,
    ],
    [
      'both value and generator',
      {
        objects: [
          { class: 'register', obis: '1.0.1.8.0.255', value: 1, generator: { kind: 'wave', mean: 1 } },
        ],
      },
      'objects[0].value',
      /either/,
    ],
    [
      'neither value nor generator',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255' }] },
      'objects[0].value',
      /either/,
    ],
    [
      'generator for a string',
      {
        objects: [
          {
            class: 'data',
            obis: '0.0.96.1.0.255',
            type: 'visible-string',
            generator: { kind: 'wave', mean: 1 },
          },
        ],
      },
      'objects[0].type',
      /numeric type/,
    ],
    [
      'unknown generator',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255', generator: { kind: 'ramp' } }] },
      'objects[0].generator.kind',
      /counter/,
    ],
    [
      'generator field missing',
      { objects: [{ class: 'register', obis: '1.0.1.8.0.255', generator: { kind: 'counter' } }] },
      'objects[0].generator.perHour',
      /number/,
    ],
    [
      'generator bad date',
      {
        objects: [
          {
            class: 'register',
            obis: '1.0.1.8.0.255',
            generator: { kind: 'counter', perHour: 1, since: 'soon' },
          },
        ],
      },
      'objects[0].generator.since',
      /ISO/,
    ],
    [
      'generator bad period',
      {
        objects: [
          {
            class: 'register',
            obis: '1.0.1.8.0.255',
            generator: { kind: 'wave', mean: 1, periodSeconds: 0 },
          },
        ],
      },
      'objects[0].generator.periodSeconds',
      /at least 1/,
    ],
    [
      'demand without generator',
      { objects: [{ class: 'demand-register', obis: '1.0.1.4.0.255' }] },
      'objects[0].generator',
      /must be an object/,
    ],
    [
      'duplicate name',
      {
        objects: [
          { class: 'register', obis: '1.0.1.8.0.255', value: 1 },
          { class: 'data', obis: '1-0:1.8.0', value: 1 },
        ],
      },
      'objects[1]',
      /repeats the logical name 1.0.1.8.0.255 of objects\[0\]/,
    ],
    [
      'dangling column',
      {
        objects: [
          {
            class: 'profile-generic',
            obis: '1.0.99.1.0.255',
            capturePeriod: 900,
            columns: ['1.0.1.8.0.255'],
          },
        ],
      },
      'objects[0].columns[0]',
      /does not have/,
    ],
    [
      'no columns',
      { objects: [{ class: 'profile-generic', obis: '1.0.99.1.0.255' }] },
      'objects[0].columns',
      /at least one/,
    ],
    [
      'bad column',
      {
        objects: [
          {
            class: 'profile-generic',
            obis: '1.0.99.1.0.255',
            columns: [{ obis: '0.0.1.0.0.255', attribute: 0 }],
          },
        ],
      },
      'objects[0].columns[0].attribute',
      /1…127/,
    ],
    [
      'too many entries',
      {
        objects: [
          { class: 'profile-generic', obis: '1.0.99.1.0.255', entries: 100_001, columns: ['0.0.1.0.0.255'] },
        ],
      },
      'objects[0].entries',
      /1…100000/,
    ],
    [
      'dangling push object',
      { objects: [{ class: 'push-setup', objects: ['9.9.9.9.9.9'] }] },
      'objects[0].objects[0]',
      /does not have/,
    ],
    [
      'bad control mode',
      { objects: [{ class: 'disconnect-control', controlMode: 7 }] },
      'objects[0].controlMode',
      /0…6/,
    ],
    [
      'bad flag',
      { objects: [{ class: 'clock', daylightSaving: 'yes' }] },
      'objects[0].daylightSaving',
      /true or false/,
    ],
    ['bad name', { name: '42-meter', objects: [] }, 'name', /manufacturer code/],
    ['bad seed', { seed: 1.5, objects: [] }, 'seed', /integer/],
  ];

  it.each(invalid)('refuses %s, naming the path', (_, definition, path, message) => {
    const error = failure(definition);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    if (path !== '') expect(error.message).toContain(path);
  });
});
