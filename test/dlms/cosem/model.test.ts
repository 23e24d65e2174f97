import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex } from '../../../src/core/hex.js';
import { decodeData, encodeData } from '../../../src/dlms/axdr/data-codec.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { captureObjectData, parseCaptureObjects } from '../../../src/dlms/cosem/capture-objects.js';
import {
  attributeName,
  ClassId,
  classById,
  cosemClasses,
  methodName,
} from '../../../src/dlms/cosem/classes.js';
import { parseObjectList, parseShortNameObjectList } from '../../../src/dlms/cosem/object-list.js';
import { profileColumns } from '../../../src/dlms/cosem/profile-columns.js';
import { applyScaler, parseScalerUnit, scaledDecimal, scaledValue } from '../../../src/dlms/cosem/scaler.js';
import { entryDescriptor, rangeDescriptor } from '../../../src/dlms/cosem/selective-access.js';
import { unitById, unitSymbol } from '../../../src/dlms/cosem/units.js';
import { describeObis } from '../../../src/dlms/cosem/well-known.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { arbData } from '../axdr/arbitraries.js';

const s = (...value: Data[]): Data => ({ type: 'structure', value });
const a = (...value: Data[]): Data => ({ type: 'array', value });
const int = (value: number): Data => ({ type: 'integer', value });
const en = (value: number): Data => ({ type: 'enum', value });
const lu = (value: number): Data => ({ type: 'long-unsigned', value });
const u8 = (value: number): Data => ({ type: 'unsigned', value });
const ln = (...o: number[]): Data => ({ type: 'octet-string', value: Uint8Array.of(...o) });
const nul: Data = { type: 'null-data' };

function entry(attrs: Data[], methods: Data[]): Data {
  return s(lu(3), u8(0), ln(1, 0, 1, 8, 0, 255), s(a(...attrs), a(...methods)));
}

function onlyDecodeError(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('units (§11.4)', () => {
  it.each([
    [1, 'a'],
    [8, '°'],
    [13, 'm³'],
    [27, 'W'],
    [30, 'Wh'],
    [32, 'varh'],
    [35, 'V'],
    [38, 'Ω'],
    [44, 'Hz'],
    [56, '%'],
    [64, 'Pa·s'],
    [65, 'J/kg'],
    [72, 'dB'],
    [128, 'in'],
    [146, 'BTU'],
    [174, 'BTU/d'],
  ])('%i = %s', (id, symbol) => {
    expect(unitById(id)?.symbol).toBe(symbol);
    expect(unitById(id)?.id).toBe(id);
  });

  it('knows every assigned id and nothing else', () => {
    const assigned = new Set([
      ...Array.from({ length: 57 }, (_, i) => i + 1),
      ...[60, 61, 62, 63, 64, 65, 66, 67, 70, 71, 72],
      ...Array.from({ length: 47 }, (_, i) => i + 128),
      254,
      255,
    ]);
    for (let id = -1; id <= 256; id++) expect(unitById(id) !== undefined, String(id)).toBe(assigned.has(id));
    expect(unitById(30)?.name).toBe('active energy');
    expect(unitSymbol(255)).toBe('');
    expect(unitSymbol(58)).toBe('unit 58');
  });
});

describe('scaler_unit', () => {
  it('parses and rejects', () => {
    expect(parseScalerUnit(decodeData(fromHex('02020F03161E')))).toEqual({ scaler: 3, unit: 30 });
    expect(parseScalerUnit(s(int(3), en(30)))).toEqual({ scaler: 3, unit: 30 });
    expect(() => parseScalerUnit(s(int(3)))).toThrow(/scaler_unit is structure of 1/);
    expect(() => parseScalerUnit(s(u8(3), en(30)))).toThrow(/scaler_unit.scaler is unsigned/);
    expect(() => parseScalerUnit(s(int(3), u8(30)))).toThrow(DecodeError);
    expect(() => parseScalerUnit(nul)).toThrow(DecodeError);
  });

  it('applies scalers without binary artefacts', () => {
    expect(applyScaler(2304, -1)).toBe(230.4);
    expect(applyScaler(3, -1)).toBe(0.3);
    expect(applyScaler(123456, -3)).toBe(123.456);
    expect(applyScaler(-5, -2)).toBe(-0.05);
    expect(applyScaler(7, 3)).toBe(7000);
    expect(applyScaler(7, 0)).toBe(7);
    expect(applyScaler(5n, 3)).toBe(5000);
    expect(applyScaler(2n ** 63n, -3)).toBe(Number('9223372036854775.808'));
    expect(applyScaler(1, -128)).toBe(1e-128);
    expect(applyScaler(3, 127)).toBe(3e127);
    expect(applyScaler(2n ** 64n - 1n, -1)).toBe(Number('1844674407370955161.5'));
    expect(applyScaler(1.5, -1)).toBe(0.15);
    expect(() => applyScaler(1, 0.5)).toThrow(InvalidArgumentError);
  });

  it('applyScaler(x, -k) is the double nearest to the decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -40, max: 40 }), (v, k) => {
        expect(applyScaler(v, k)).toBe(Number(scaledDecimal(v, k)));
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('scaledDecimal is exact', () => {
    expect(scaledDecimal(2304, -1)).toBe('230.4');
    expect(scaledDecimal(-5, -2)).toBe('-0.05');
    expect(scaledDecimal(1500, -3)).toBe('1.5');
    expect(scaledDecimal(100, -2)).toBe('1');
    expect(scaledDecimal(0, -2)).toBe('0');
    expect(scaledDecimal(0, 3)).toBe('0');
    expect(scaledDecimal(15, 2)).toBe('1500');
    expect(scaledDecimal(18446744073709551615n, -3)).toBe('18446744073709551.615');
    expect(() => scaledDecimal(1.5, 0)).toThrow(InvalidArgumentError);
    expect(() => scaledDecimal(1, -0.5)).toThrow(InvalidArgumentError);
  });

  it('scaledValue', () => {
    expect(scaledValue({ type: 'double-long', value: -15 }, s(int(-1), en(27)))).toEqual({
      value: -1.5,
      unit: 27,
      symbol: 'W',
    });
    expect(scaledValue({ type: 'long64-unsigned', value: 12n }, { scaler: 2, unit: 200 })).toEqual({
      value: 1200,
      unit: 200,
      symbol: 'unit 200',
    });
    expect(() => scaledValue({ type: 'visible-string', value: '1' }, { scaler: 0, unit: 30 })).toThrow(
      DecodeError,
    );
    expect(() => scaledValue({ type: 'bcd', value: 12 }, { scaler: 0, unit: 30 })).toThrow(DecodeError);
  });
});

describe('interface classes (§11.3)', () => {
  it('describes every class of the spec', () => {
    expect(Object.keys(cosemClasses).map(Number)).toEqual([
      1, 3, 4, 5, 7, 8, 9, 12, 15, 17, 18, 23, 40, 41, 64, 70,
    ]);
    expect(Object.values(ClassId).sort((x, y) => x - y)).toEqual(Object.keys(cosemClasses).map(Number));
    for (const c of Object.values(cosemClasses)) {
      expect(c.attributes[0]).toMatchObject({ id: 1, name: 'logical_name' });
      expect(c.attributes.map((attr) => attr.id)).toEqual(c.attributes.map((_, i) => i + 1));
      expect(classById(c.classId)).toBe(c);
    }
  });

  it('names attributes and methods', () => {
    expect(classById(7)?.version).toBe(1);
    expect(attributeName(8, 2)).toBe('time');
    expect(attributeName(3, 3)).toBe('scaler_unit');
    expect(attributeName(15, 11)).toBe('current_user');
    expect(attributeName(8, 10)).toBeUndefined();
    expect(attributeName(99, 1)).toBeUndefined();
    expect(methodName(70, 1)).toBe('remote_disconnect');
    expect(methodName(18, 1)).toBe('image_transfer_initiate');
    expect(methodName(12, 8)).toBe('reply_to_HLS_authentication');
    expect(methodName(12, 5)).toBeUndefined();
    expect(classById(2)).toBeUndefined();
  });
});

describe('well-known OBIS codes (§11.5)', () => {
  it.each([
    ['0.0.1.0.0.255', 'Clock'],
    ['0-0:40.0.0', 'Current association'],
    ['0.0.40.0.3.255', 'Association 3'],
    ['0.0.43.1.2.255', 'Invocation counter 2'],
    ['0.0.99.98.1.255', 'Event log 1'],
    ['0.0.10.0.107.255', 'Script table 107'],
    ['1-0:1.8.0*255', 'Active energy import (+A), total'],
    ['1.0.1.8.2.255', 'Active energy import (+A), tariff 2'],
    ['1.0.32.7.0.255', 'Voltage L1'],
    ['1.0.99.1.0.255', 'Load profile 1'],
  ])('%s', (obis, description) => {
    expect(describeObis(obis)).toBe(description);
  });

  it('returns undefined for other codes and refuses non-OBIS', () => {
    expect(describeObis('1.0.1.8.0.0')).toBeUndefined();
    expect(describeObis(Uint8Array.of(7, 0, 1, 0, 0, 255))).toBeUndefined();
    expect(() => describeObis('1.2.3')).toThrow(InvalidArgumentError);
  });

  it('labels profile columns', () => {
    const [c] = profileColumns([
      { classId: 4, logicalName: '1.0.99.9.0.255', attributeIndex: 5, dataIndex: 0 },
    ]);
    expect(c).toMatchObject({
      name: '1.0.99.9.0.255:5',
      label: '1.0.99.9.0.255 capture_time',
      dateTime: true,
    });
    const [d] = profileColumns([
      { classId: 99, logicalName: '1.0.1.8.0.255', attributeIndex: 2, dataIndex: 3 },
    ]);
    expect(d).toMatchObject({
      name: '1.0.1.8.0.255:2:3',
      label: 'Active energy import (+A), total attribute 2[3]',
      dateTime: false,
    });
  });
});

describe('object_list', { timeout: 60_000 }, () => {
  it('method access as boolean (version 0) and attribute modes 4–6', () => {
    const [e] = parseObjectList(
      a(entry([s(int(2), en(6), nul), s(int(3), en(4), a())], [s(int(1), { type: 'boolean', value: true })])),
    );
    expect(e!.access).toEqual({
      attributes: [
        { id: 2, access: 'authenticated-read-and-write', mode: 6 },
        { id: 3, access: 'authenticated-read-only', mode: 4, selectors: [] },
      ],
      methods: [{ id: 1, access: 'access', mode: true }],
    });
  });

  it('version 3 bit maps', () => {
    const [e] = parseObjectList(
      a(
        entry(
          [s(int(2), en(0x47), nul), s(int(3), en(0x01), nul), s(int(4), en(0x40), nul)],
          [s(int(1), en(0x05))],
        ),
      ),
      { associationVersion: 3 },
    );
    expect(e!.access.attributes.map((x) => x.access)).toEqual([
      'authenticated-read-and-write',
      'read-only',
      'no-access',
    ]);
    expect(e!.access.methods).toEqual([{ id: 1, access: 'authenticated-access', mode: 5 }]);
  });

  it('rejects malformed elements with the element path', () => {
    expect(() => parseObjectList(a(entry([s(int(2), en(7), nul)], [])))).toThrow(
      /access_mode 7 is not 0–6.*object_list\[0\]\.attribute_access/,
    );
    expect(() => parseObjectList(a(entry([], [s(int(1), en(3))])))).toThrow(/method access_mode 3/);
    expect(() => parseObjectList(a(entry([s(int(2), en(1))], [])))).toThrow(
      /object_list\[0\]\.attribute_access is structure of 2/,
    );
    expect(() => parseObjectList(a(s(lu(3), u8(0), ln(1, 2, 3), s(a(), a()))))).toThrow(
      /object_list\[0\]\.logical_name is octet-string of 3/,
    );
    expect(() => parseObjectList(nul)).toThrow(DecodeError);
    expect(() => parseObjectList(a(entry([s(int(2), en(1), a(u8(1)))], [])))).toThrow(DecodeError);
  });

  it('Association SN object_list', () => {
    const data = a(s({ type: 'long', value: -1536 }, lu(8), u8(0), ln(0, 0, 1, 0, 0, 255)));
    expect(parseShortNameObjectList(data)).toEqual([
      { baseName: 0xfa00, classId: 8, version: 0, logicalName: '0.0.1.0.0.255', className: 'Clock' },
    ]);
    expect(parseShortNameObjectList(a(s(lu(0x100), lu(1), u8(0), ln(0, 0, 42, 0, 0, 255))))[0]).toMatchObject(
      {
        baseName: 0x100,
        className: 'Data',
      },
    );
    expect(() => parseShortNameObjectList(a(s(u8(1), lu(8), u8(0), ln(0, 0, 1, 0, 0, 255))))).toThrow(
      DecodeError,
    );
  });

  it('random Data only gives DecodeError', () => {
    fc.assert(
      fc.property(arbData({ maxDepth: 4 }), (data) => {
        onlyDecodeError(() => parseObjectList(data));
        onlyDecodeError(() => parseObjectList(a(data)));
        onlyDecodeError(() => parseObjectList(data, { associationVersion: 3 }));
        onlyDecodeError(() => parseShortNameObjectList(a(data)));
        onlyDecodeError(() => parseCaptureObjects(data));
        onlyDecodeError(() => parseCaptureObjects(a(data)));
        onlyDecodeError(() => parseScalerUnit(data));
      }),
      { numRuns: fuzzRuns(5000) },
    );
  });
});

/** Number of nodes of a Data tree (preorder). */
function size(d: Data): number {
  return d.type === 'array' || d.type === 'structure' ? 1 + d.value.reduce((n, x) => n + size(x), 0) : 1;
}

/** A copy of `d` whose node number `k` (preorder) is replaced by `by`. */
function replaceAt(d: Data, k: number, by: Data): Data {
  if (k === 0) return by;
  if (d.type !== 'array' && d.type !== 'structure') return d;
  let i = k - 1;
  const value: Data[] = [];
  for (const x of d.value) {
    const n = size(x);
    value.push(i >= 0 && i < n ? replaceAt(x, i, by) : x);
    i -= n;
  }
  return { type: d.type, value };
}

describe('mutated valid structures', { timeout: 60_000 }, () => {
  const objectList = decodeData(
    fromHex(
      '0102020412000811000906000001000' +
        '0FF0202010202030F0116010002030F02160300010202020F01160002020F0616010204120003110009060100010800FF' +
        '0202010202030F0116010002030F02160101020F010F02010102020F011602',
    ),
  );
  const captureObjects = decodeData(
    fromHex('0102020412000809060000010000FF0F02120000020412000309060100010800FF0F02120000'),
  );

  it('the base values parse', () => {
    expect(parseObjectList(objectList)).toHaveLength(2);
    expect(parseCaptureObjects(captureObjects)).toHaveLength(2);
  });

  it('replacing any node with random Data only gives DecodeError', () => {
    fc.assert(
      fc.property(fc.nat(), arbData({ maxDepth: 2 }), (k, by) => {
        onlyDecodeError(() => parseObjectList(replaceAt(objectList, k % size(objectList), by)));
        onlyDecodeError(() =>
          parseObjectList(replaceAt(objectList, k % size(objectList), by), { associationVersion: 3 }),
        );
        onlyDecodeError(() => parseCaptureObjects(replaceAt(captureObjects, k % size(captureObjects), by)));
      }),
      { numRuns: fuzzRuns(5000) },
    );
  });
});

describe('capture objects', () => {
  it('round-trips through captureObjectData', () => {
    const o = { classId: 5, logicalName: '1.0.1.4.0.255', attributeIndex: 3, dataIndex: 2 };
    expect(parseCaptureObjects(a(captureObjectData(o)))).toEqual([o]);
    expect(() => captureObjectData({ ...o, logicalName: 'x' })).toThrow(InvalidArgumentError);
    expect(() => parseCaptureObjects(a(s(lu(1), ln(1, 2, 3, 4, 5, 6), u8(2), lu(0))))).toThrow(
      /capture_objects\[0\]\.attribute_index is unsigned/,
    );
  });
});

describe('selective access', () => {
  it('range with selected columns and Data bounds', () => {
    const clock = { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 };
    const energy = { classId: 3, logicalName: '1.0.1.8.0.255', attributeIndex: 2, dataIndex: 0 };
    const r = rangeDescriptor({
      restrictingObject: energy,
      from: { type: 'double-long-unsigned', value: 1 },
      to: { type: 'double-long-unsigned', value: 9 },
      selectedValues: [clock, energy],
    });
    expect(encodeData(r.parameters)).toEqual(
      fromHex(
        '0204020412000309060100010800FF0F0212000006000000010600000009' +
          '0102020412000809060000010000FF0F02120000020412000309060100010800FF0F02120000',
      ),
    );
    expect(() =>
      rangeDescriptor({ restrictingObject: clock, from: new Date(Number.NaN), to: new Date(), deviation: 0 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      rangeDescriptor({ restrictingObject: clock, from: new Date(), to: new Date(), deviation: 900 }),
    ).toThrow(InvalidArgumentError);
  });

  it('entry descriptor ranges', () => {
    expect(
      entryDescriptor({ fromEntry: 2, toEntry: 0, fromSelectedValue: 2, toSelectedValue: 3 }).parameters,
    ).toEqual(
      s({ type: 'double-long-unsigned', value: 2 }, { type: 'double-long-unsigned', value: 0 }, lu(2), lu(3)),
    );
    expect(() => entryDescriptor({ fromEntry: -1, toEntry: 0 })).toThrow(InvalidArgumentError);
    expect(() => entryDescriptor({ fromEntry: 1, toEntry: 2 ** 32 })).toThrow(InvalidArgumentError);
    expect(() => entryDescriptor({ fromEntry: 1, toEntry: 1, toSelectedValue: 65536 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => entryDescriptor({ toEntry: 1 } as never)).toThrow(/fromEntry/);
  });
});
