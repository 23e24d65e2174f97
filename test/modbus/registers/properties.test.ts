// Property tests (fast-check) for every value type × order of Modbus spec §12.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import {
  type BigIntType,
  decodeValue,
  encodeValue,
  type NumberType,
  RegisterOrder,
  registerLayout,
  type StringField,
} from '../../../src/modbus/registers/index.js';
import { arrange, bigEndian, bytesOf } from './oracle.js';

const orders = Object.values(RegisterOrder);

const numberArbs: Record<NumberType, fc.Arbitrary<number>> = {
  int16: fc.integer({ min: -0x8000, max: 0x7fff }),
  uint16: fc.integer({ min: 0, max: 0xffff }),
  int32: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  uint32: fc.integer({ min: 0, max: 0xffff_ffff }),
  float32: fc.float(), // every binary32 value, NaN, ±Infinity and -0 included
  float64: fc.double(),
};
const bigArbs: Record<BigIntType, fc.Arbitrary<bigint>> = {
  int64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  uint64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
};
const sizes: Record<NumberType | BigIntType, number> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  float64: 4,
  int64: 4,
  uint64: 4,
};

const cases = (Object.keys(sizes) as Array<NumberType | BigIntType>).flatMap((type) =>
  orders.map((order) => [type, order] as const),
);

const arbitraryOf = (type: NumberType | BigIntType): fc.Arbitrary<number | bigint> =>
  type === 'int64' || type === 'uint64' ? bigArbs[type] : numberArbs[type];

describe.each(cases)('%s %s', (type, order) => {
  test('decode(encode(v)) is v (Object.is: NaN equals NaN, -0 is not 0)', () => {
    fc.assert(
      fc.property(arbitraryOf(type), (v) => {
        const regs = encodeValue(type, v, { order });
        expect(regs).toHaveLength(sizes[type]);
        expect(Object.is(decodeValue(type, regs, { order }), v)).toBe(true);
        expect(Object.is(decodeValue(type, bytesOf(regs), { order }), v)).toBe(true);
      }),
    );
  });

  test('encode places the bytes as the order name says', () => {
    fc.assert(
      fc.property(arbitraryOf(type), (v) => {
        fc.pre(!(typeof v === 'number' && Number.isNaN(v))); // NaN payloads are not canonical
        expect(encodeValue(type, v, { order })).toEqual(arrange(bigEndian(type, v), order));
      }),
    );
  });

  test('random registers always decode; integers re-encode to the same registers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: sizes[type], maxLength: sizes[type] }),
        (words) => {
          const regs = Uint16Array.from(words);
          const v = decodeValue(type, regs, { order });
          if (!(typeof v === 'number' && Number.isNaN(v)))
            expect(encodeValue(type, v, { order })).toEqual(regs);
        },
      ),
    );
  });
});

const latin1Text = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength });

const stringFields = fc.record({
  registers: fc.integer({ min: 1, max: 8 }),
  byteSwap: fc.boolean(),
  pad: fc.constantFrom(0, 0x20, 0x2a),
  encoding: fc.constantFrom('latin1' as const, 'ascii' as const, 'utf8' as const),
});

describe('strings', () => {
  test('decode(encode(s)) is s for text without U+0000 or a trailing pad character', () => {
    fc.assert(
      fc.property(stringFields, latin1Text(16), (options, text) => {
        const field: StringField = { type: 'string', ...options };
        const max = options.encoding === 'ascii' ? 0x7f : 0xff;
        const s = Array.from(text, (c) => String.fromCharCode(Math.min(c.charCodeAt(0), max)))
          .join('')
          .slice(0, options.registers * 2);
        const bytes = Buffer.from(s, options.encoding === 'utf8' ? 'utf8' : 'latin1');
        fc.pre(bytes.length <= options.registers * 2);
        fc.pre(options.pad === 0 || !s.endsWith(String.fromCharCode(options.pad)));
        expect(decodeValue(field, encodeValue(field, s))).toBe(s);
      }),
    );
  });

  test('random registers always decode', () => {
    fc.assert(
      fc.property(
        stringFields,
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }),
        (options, words) => {
          const field: StringField = { type: 'string', ...options };
          const regs = Uint16Array.from({ length: options.registers }, (_, i) => words[i] ?? 0);
          expect(typeof decodeValue(field, regs)).toBe('string');
        },
      ),
    );
  });
});

describe('layouts', () => {
  const layout = registerLayout(
    {
      a: 'int16',
      b: { type: 'uint32', order: 'CDAB' },
      c: { type: 'float32', order: 'BADC' },
      d: { type: 'float64', order: 'DCBA', at: 6 },
      e: { type: 'int64', order: 'GHEFCDAB' },
      f: { type: 'string', registers: 3, pad: 0x20 },
      g: { type: 'bit', bit: 0 },
      h: { type: 'bit', bit: 9 },
    },
    { registers: 24 },
  );

  const values = fc.record({
    a: numberArbs.int16,
    b: numberArbs.uint32,
    c: numberArbs.float32,
    d: numberArbs.float64,
    e: bigArbs.int64,
    f: fc.stringMatching(/^[A-Za-z0-9-]{0,6}$/),
    g: fc.boolean(),
    h: fc.boolean(),
  });

  test('decode(encode(v)) is v', () => {
    fc.assert(
      fc.property(values, (v) => {
        const decoded = layout.decode(layout.encode(v));
        for (const key of Object.keys(v) as Array<keyof typeof v>)
          expect(Object.is(decoded[key], v[key])).toBe(true);
      }),
    );
  });

  test('random registers of the right length always decode; shorter ones give a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 60 }), (bytes) => {
        if (bytes.length >= 48) expect(Object.keys(layout.decode(bytes))).toHaveLength(8);
        else expect(() => layout.decode(bytes)).toThrow(DecodeError);
      }),
    );
  });
});
