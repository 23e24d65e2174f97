// Every 'axdr' golden vector: decode to the documented meaning, encode back to the same octets.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/hex.js';
import { asDateTime } from '../../../src/dlms/axdr/calendar-instant.js';
import { decodeData, encodeData } from '../../../src/dlms/axdr/data-codec.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { dlmsVectors, vectorBytes } from '../../helpers/vectors.js';

const axdrVectors = dlmsVectors.filter((v) => v.layer === 'axdr');

function vector(id: string): Uint8Array {
  const v = axdrVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no axdr vector '${id}'`);
  return vectorBytes(v);
}

const ok = {
  invalid: false,
  doubtful: false,
  differentClockBase: false,
  invalidClockStatus: false,
  reserved: 0,
};
const octets = (...bytes: number[]) => new Uint8Array(bytes);
const range = (from: number, to: number) => Uint8Array.from({ length: to - from }, (_, i) => from + i);

/** The decoded value each vector's `meaning` describes. */
const expected: Record<string, Data> = {
  'axdr-null': { type: 'null-data' },
  'axdr-boolean-true': { type: 'boolean', value: true },
  'axdr-bit-string': { type: 'bit-string', value: [...'1011000001'].map((c) => c === '1') },
  'axdr-double-long': { type: 'double-long', value: -2 },
  'axdr-double-long-unsigned': { type: 'double-long-unsigned', value: 5009 },
  'axdr-octet-string-obis': { type: 'octet-string', value: octets(1, 0, 1, 8, 0, 255) },
  'axdr-visible-string': { type: 'visible-string', value: 'ABC123' },
  'axdr-utf8-string': { type: 'utf8-string', value: 'Zähler' },
  'axdr-bcd': { type: 'bcd', value: 12 },
  'axdr-integer': { type: 'integer', value: -128 },
  'axdr-long': { type: 'long', value: -300 },
  'axdr-unsigned': { type: 'unsigned', value: 200 },
  'axdr-long-unsigned': { type: 'long-unsigned', value: 65535 },
  'axdr-long64': { type: 'long64', value: -2n },
  'axdr-long64-unsigned': { type: 'long64-unsigned', value: 1099511627776n },
  'axdr-enum': { type: 'enum', value: 30 },
  'axdr-float32': { type: 'float32', value: 230.5 },
  'axdr-float64': { type: 'float64', value: -0.25 },
  'axdr-date-time-tag': {
    type: 'date-time',
    value: {
      year: 2024,
      month: 6,
      dayOfMonth: 15,
      dayOfWeek: 6,
      hour: 12,
      minute: 34,
      second: 56,
      hundredths: 0,
      deviation: -120,
      clockStatus: { ...ok, daylightSavingActive: true },
    },
  },
  'axdr-date-tag': { type: 'date', value: { year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 } },
  'axdr-time-tag': { type: 'time', value: { hour: 12, minute: 34, second: 56, hundredths: 0 } },
  'axdr-date-time-cet-octets': {
    type: 'octet-string',
    value: octets(0x07, 0xe8, 0x01, 0x0f, 0x01, 0x08, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00),
  },
  'axdr-date-time-unspecified': {
    type: 'octet-string',
    value: octets(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x00, 0xff),
  },
  'axdr-date-time-wildcards': {
    type: 'octet-string',
    value: octets(0xff, 0xff, 0xfe, 0xfe, 0x07, 0x02, 0x00, 0x00, 0xff, 0x80, 0x00, 0xff),
  },
  'axdr-structure-scaler-unit': {
    type: 'structure',
    value: [
      { type: 'integer', value: -3 },
      { type: 'enum', value: 30 },
    ],
  },
  'axdr-nested-array': {
    type: 'array',
    value: [
      [octets(1, 0, 1, 8, 0, 255), 123456],
      [octets(1, 0, 2, 8, 0, 255), 42],
    ].map(([obis, value]) => ({
      type: 'structure',
      value: [
        { type: 'octet-string', value: obis as Uint8Array },
        { type: 'double-long-unsigned', value: value as number },
        {
          type: 'structure',
          value: [
            { type: 'integer', value: 0 },
            { type: 'enum', value: 30 },
          ],
        },
      ],
    })),
  },
  'axdr-octet-string-len-81': { type: 'octet-string', value: range(0, 128) },
  'axdr-octet-string-len-82': { type: 'octet-string', value: range(0, 256) },
  'axdr-compact-array-simple': {
    type: 'compact-array',
    description: { type: 'long-unsigned' },
    value: [1, 2, 3].map((value) => ({ type: 'long-unsigned', value })),
  },
  'axdr-compact-array-structure': {
    type: 'compact-array',
    description: {
      type: 'structure',
      elements: [{ type: 'long-unsigned' }, { type: 'double-long-unsigned' }],
    },
    value: [1, 2].map((n) => ({
      type: 'structure',
      value: [
        { type: 'long-unsigned', value: n },
        { type: 'double-long-unsigned', value: n },
      ],
    })),
  },
};

describe('A-XDR golden vectors', () => {
  it('covers all 30 axdr vectors', () => {
    expect(axdrVectors.map((v) => v.id).sort()).toEqual(Object.keys(expected).sort());
    expect(axdrVectors).toHaveLength(30);
  });

  for (const v of axdrVectors) {
    it(`${v.id}: decodes to its meaning and re-encodes identically`, () => {
      const bytes = vectorBytes(v);
      const decoded = decodeData(bytes);
      expect(decoded).toEqual(expected[v.id]);
      expect(toHex(encodeData(decoded))).toBe(toHex(bytes));
      expect(toHex(encodeData(expected[v.id]!))).toBe(toHex(bytes));
    });
  }

  it('axdr-date-time-cet-octets: 08:00 local, deviation −60 → 07:00 UTC', () => {
    const value = asDateTime(decodeData(vector('axdr-date-time-cet-octets')));
    expect(value).toEqual({
      year: 2024,
      month: 1,
      dayOfMonth: 15,
      dayOfWeek: 1,
      hour: 8,
      minute: 0,
      second: 0,
      hundredths: 0,
      deviation: -60,
      clockStatus: { ...ok, daylightSavingActive: false },
    });
  });

  it('axdr-date-time-unspecified: every field unspecified', () => {
    expect(asDateTime(decodeData(vector('axdr-date-time-unspecified')))).toEqual({
      year: 'unspecified',
      month: 'unspecified',
      dayOfMonth: 'unspecified',
      dayOfWeek: 'unspecified',
      hour: 'unspecified',
      minute: 'unspecified',
      second: 'unspecified',
      hundredths: 'unspecified',
      deviation: 'unspecified',
      clockStatus: 'unspecified',
    });
  });

  it('axdr-date-time-wildcards: DST-begin month, last day, Sunday 02:00', () => {
    expect(asDateTime(decodeData(vector('axdr-date-time-wildcards')))).toEqual({
      year: 'unspecified',
      month: 'dst-begin',
      dayOfMonth: 'last',
      dayOfWeek: 7,
      hour: 2,
      minute: 0,
      second: 0,
      hundredths: 'unspecified',
      deviation: 'unspecified',
      clockStatus: 'unspecified',
    });
  });
});
