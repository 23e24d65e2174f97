import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/bytes.js';
import { decodeData, encodeData, readData } from '../../../src/dlms/axdr/data-codec.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { parseCaptureObjects } from '../../../src/dlms/cosem/capture-objects.js';
import { parseObjectList } from '../../../src/dlms/cosem/object-list.js';
import { decodeProfileBuffer, parseProfileBuffer } from '../../../src/dlms/cosem/profile-buffer.js';
import { parseScalerUnit, scaledValue } from '../../../src/dlms/cosem/scaler.js';
import { entryDescriptor, rangeDescriptor } from '../../../src/dlms/cosem/selective-access.js';
import { dlmsVectors, vectorBytes } from '../../helpers/vectors.js';

function vector(id: string): Uint8Array {
  const v = dlmsVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no dlms vector '${id}'`);
  return vectorBytes(v);
}

/** The Data of a get-response-normal with data (`C4 01 <invoke> 00 <Data>`). */
function responseData(id: string): { data: Data; bytes: Uint8Array } {
  const b = vector(id);
  expect([...b.subarray(0, 4)]).toEqual([0xc4, 0x01, 0xc1, 0x00]);
  return { data: decodeData(b.subarray(4)), bytes: b.subarray(4) };
}

const statusZero = {
  invalid: false,
  doubtful: false,
  differentClockBase: false,
  invalidClockStatus: false,
  daylightSavingActive: false,
  reserved: 0,
};

const clock = { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 };
const energy = { classId: 3, logicalName: '1.0.1.8.0.255', attributeIndex: 2, dataIndex: 0 };
const cet = (hour: number) => ({
  year: 2024,
  month: 1,
  dayOfMonth: 15,
  dayOfWeek: 1,
  hour,
  minute: 0,
  second: 0,
  hundredths: 0,
  deviation: -60,
  clockStatus: statusZero,
});

describe('cosem vectors', () => {
  it('covers every cosem vector', () => {
    expect(dlmsVectors.filter((v) => v.layer === 'cosem').map((v) => v.id)).toEqual([
      'cosem-object-list-fragment',
      'cosem-capture-objects',
      'cosem-profile-buffer',
      'cosem-profile-range-request',
      'cosem-register-scaler-unit',
      'cosem-image-transfer-initiate',
      'cosem-application-context-name',
    ]);
  });

  it('cosem-object-list-fragment', () => {
    const list = parseObjectList(responseData('cosem-object-list-fragment').data);
    expect(list).toEqual([
      {
        classId: 8,
        version: 0,
        logicalName: '0.0.1.0.0.255',
        className: 'Clock',
        access: {
          attributes: [
            { id: 1, access: 'read-only', mode: 1 },
            { id: 2, access: 'read-and-write', mode: 3 },
          ],
          methods: [
            { id: 1, access: 'no-access', mode: 0 },
            { id: 6, access: 'access', mode: 1 },
          ],
        },
      },
      {
        classId: 3,
        version: 0,
        logicalName: '1.0.1.8.0.255',
        className: 'Register',
        access: {
          attributes: [
            { id: 1, access: 'read-only', mode: 1 },
            { id: 2, access: 'read-only', mode: 1, selectors: [1, 2] },
          ],
          methods: [{ id: 1, access: 'authenticated-access', mode: 2 }],
        },
      },
    ]);
  });

  it('cosem-capture-objects', () => {
    expect(parseCaptureObjects(responseData('cosem-capture-objects').data)).toEqual([clock, energy]);
  });

  it('cosem-profile-buffer', () => {
    const { data, bytes } = responseData('cosem-profile-buffer');
    const parsed = parseProfileBuffer(data, [clock, energy]);
    expect(parsed.columns.map((c) => [c.name, c.label, c.dateTime])).toEqual([
      ['0.0.1.0.0.255:2', 'Clock time', true],
      ['1.0.1.8.0.255:2', 'Active energy import (+A), total value', false],
    ]);
    expect(parsed.rows).toEqual([
      [cet(0), 1000],
      [cet(1), 1250],
      [cet(2), 1490],
    ]);
    expect(decodeProfileBuffer(bytes, [clock, energy])).toEqual(parsed);
  });

  it('cosem-profile-range-request: rangeDescriptor builds the same access parameters', () => {
    const b = vector('cosem-profile-range-request');
    // C0 01 C1 | class 0007 | 0100630100FF | attribute 02 | access-selection 01 | selector 01 | Data
    expect([...b.subarray(0, 14)]).toEqual([
      0xc0, 0x01, 0xc1, 0x00, 0x07, 0x01, 0x00, 0x63, 0x01, 0x00, 0xff, 0x02, 0x01, 0x01,
    ]);
    const reader = new ByteReader(b, 'apdu', 14);
    const parameters = readData(reader);
    reader.expectEnd('end');
    const built = rangeDescriptor({
      restrictingObject: clock,
      from: new Date('2024-01-14T23:00:00Z'),
      to: new Date('2024-01-15T01:00:00Z'),
      deviation: -60,
    });
    expect(built.selector).toBe(1);
    expect(built.parameters).toEqual(parameters);
    expect(encodeData(built.parameters)).toEqual(b.subarray(14));
    // A CosemDateTime or the Data itself give the same octets.
    const asFields = rangeDescriptor({
      restrictingObject: clock,
      from: { ...cet(0), dayOfWeek: 'unspecified' },
      to: (parameters as { value: Data[] }).value[2]!,
      deviation: -60,
    });
    expect(asFields.parameters).toEqual(parameters);
  });

  it('apdu-get-request-entry: entryDescriptor builds the same access parameters', () => {
    const b = vector('apdu-get-request-entry');
    expect(b[13]).toBe(2);
    expect(encodeData(entryDescriptor({ fromEntry: 1, toEntry: 3 }).parameters)).toEqual(b.subarray(14));
  });

  it('cosem-register-scaler-unit', () => {
    const { data } = responseData('cosem-register-scaler-unit');
    expect(parseScalerUnit(data)).toEqual({ scaler: -1, unit: 35 });
    expect(scaledValue({ type: 'long-unsigned', value: 2304 }, data)).toEqual({
      value: 230.4,
      unit: 35,
      symbol: 'V',
    });
  });

  it('cosem-image-transfer-initiate: the parameter structure', () => {
    const b = vector('cosem-image-transfer-initiate');
    // C3 01 C1 | class 0012 | 00002C0000FF | method 01 | parameters present 01 | Data
    expect([...b.subarray(3, 12)]).toEqual([0x00, 0x12, 0x00, 0x00, 0x2c, 0x00, 0x00, 0xff, 0x01]);
    const parameters = decodeData(b.subarray(13));
    expect(parameters).toEqual({
      type: 'structure',
      value: [
        { type: 'octet-string', value: new TextEncoder().encode('IMG00001') },
        { type: 'double-long-unsigned', value: 65536 },
      ],
    });
  });

  it('cosem-application-context-name: the OID arcs', () => {
    const { data } = responseData('cosem-application-context-name');
    expect(data.type).toBe('structure');
    expect((data as { value: { value: number }[] }).value.map((d) => d.value)).toEqual([
      2, 16, 756, 5, 8, 1, 1,
    ]);
  });
});
