// Byte and word orders of Modbus spec §12.1–§12.3, with registers written out by hand.
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import {
  decodeValue,
  encodeValue,
  type NumberType,
  type RegisterOrder,
  registerLayout,
} from '../../../src/modbus/registers/index.js';

type Expected = Record<'ABCD' | 'CDAB' | 'BADC' | 'DCBA', number[]>;

const numberCases: Array<[NumberType, number, Expected]> = [
  // 0x42F6E979, the table of §12.2
  [
    'float32',
    Math.fround(123.456),
    { ABCD: [0x42f6, 0xe979], CDAB: [0xe979, 0x42f6], BADC: [0xf642, 0x79e9], DCBA: [0x79e9, 0xf642] },
  ],
  // 0xFFFE1DC0
  [
    'int32',
    -123456,
    { ABCD: [0xfffe, 0x1dc0], CDAB: [0x1dc0, 0xfffe], BADC: [0xfeff, 0xc01d], DCBA: [0xc01d, 0xfeff] },
  ],
  // 0xEE6B2800
  [
    'uint32',
    4_000_000_000,
    { ABCD: [0xee6b, 0x2800], CDAB: [0x2800, 0xee6b], BADC: [0x6bee, 0x0028], DCBA: [0x0028, 0x6bee] },
  ],
  // 0x405EDD2F1A9FBE77, §12.3
  [
    'float64',
    123.456,
    {
      ABCD: [0x405e, 0xdd2f, 0x1a9f, 0xbe77],
      CDAB: [0xbe77, 0x1a9f, 0xdd2f, 0x405e],
      BADC: [0x5e40, 0x2fdd, 0x9f1a, 0x77be],
      DCBA: [0x77be, 0x9f1a, 0x2fdd, 0x5e40],
    },
  ],
  // §12.1: 16-bit values only honour the byte swap
  ['uint16', 0x1234, { ABCD: [0x1234], CDAB: [0x1234], BADC: [0x3412], DCBA: [0x3412] }],
  ['int16', -2, { ABCD: [0xfffe], CDAB: [0xfffe], BADC: [0xfeff], DCBA: [0xfeff] }],
];

const bigCases: Array<['int64' | 'uint64', bigint, Expected]> = [
  [
    'uint64',
    0x0102030405060708n,
    {
      ABCD: [0x0102, 0x0304, 0x0506, 0x0708],
      CDAB: [0x0708, 0x0506, 0x0304, 0x0102],
      BADC: [0x0201, 0x0403, 0x0605, 0x0807],
      DCBA: [0x0807, 0x0605, 0x0403, 0x0201],
    },
  ],
  [
    'int64',
    -2n,
    {
      ABCD: [0xffff, 0xffff, 0xffff, 0xfffe],
      CDAB: [0xfffe, 0xffff, 0xffff, 0xffff],
      BADC: [0xffff, 0xffff, 0xffff, 0xfeff],
      DCBA: [0xfeff, 0xffff, 0xffff, 0xffff],
    },
  ],
];

const aliases: Record<keyof Expected, RegisterOrder> = {
  ABCD: 'ABCDEFGH',
  CDAB: 'GHEFCDAB',
  BADC: 'BADCFEHG',
  DCBA: 'HGFEDCBA',
};

describe.each(numberCases)('%s %s', (type, value, expected) => {
  test.each(Object.entries(expected) as Array<[keyof Expected, number[]]>)('%s', (order, regs) => {
    for (const name of [order, aliases[order]]) {
      expect(encodeValue(type, value, { order: name })).toEqual(Uint16Array.from(regs));
      expect(decodeValue(type, Uint16Array.from(regs), { order: name })).toBe(value);
      expect(encodeValue({ type, order: name }, value)).toEqual(Uint16Array.from(regs));
    }
  });
});

describe.each(bigCases)('%s %s', (type, value, expected) => {
  test.each(Object.entries(expected) as Array<[keyof Expected, number[]]>)('%s', (order, regs) => {
    for (const name of [order, aliases[order]]) {
      expect(encodeValue(type, value, { order: name })).toEqual(Uint16Array.from(regs));
      expect(decodeValue(type, Uint16Array.from(regs), { order: name })).toBe(value);
    }
  });
});

test('default order is ABCD; a field order overrides the layout order', () => {
  expect(encodeValue('uint32', 0x11223344)).toEqual(Uint16Array.of(0x1122, 0x3344));
  const layout = registerLayout({ a: 'uint32', b: { type: 'uint32', order: 'ABCD' } }, { order: 'CDAB' });
  expect(layout.encode({ a: 0x11223344, b: 0x11223344 })).toEqual(
    Uint16Array.of(0x3344, 0x1122, 0x1122, 0x3344),
  );
  expect(layout.fields.map((f) => f.order)).toEqual(['CDAB', 'ABCD']);
});

test('aliases are reported by their canonical name', () => {
  const layout = registerLayout({ a: { type: 'int64', order: 'GHEFCDAB' } });
  expect(layout.fields[0]?.order).toBe('CDAB');
});

test('unknown orders are refused when the layout is declared', () => {
  expect(() => registerLayout({ a: { type: 'uint32', order: 'ACBD' as RegisterOrder } })).toThrow(
    InvalidArgumentError,
  );
  expect(() => registerLayout({ a: 'uint32' }, { order: 'abcd' as RegisterOrder })).toThrow(
    /unknown order "abcd"/,
  );
  expect(() => encodeValue('float32', 1, { order: 'BE' as RegisterOrder })).toThrow(InvalidArgumentError);
});

test('float specials survive every order', () => {
  for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) {
    for (const type of ['float32', 'float64'] as const) {
      for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0]) {
        expect(Object.is(decodeValue(type, encodeValue(type, v, { order }), { order }), v)).toBe(true);
      }
    }
  }
});
