// Data codec behaviour beyond the golden vectors: every tag, limits, malformed input, encode errors.
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../src/core/bytes.js';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { decodeData, encodeData, readData, writeData } from '../../../src/dlms/axdr/data-codec.js';
import { dataTags } from '../../../src/dlms/axdr/data-tags.js';
import type { Data, DataDecodeOptions } from '../../../src/dlms/axdr/types.js';

function decodeError(hex: string, options?: DataDecodeOptions): DecodeError {
  try {
    decodeData(fromHex(hex), options);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error(`${hex} decoded without error`);
}

function encodeError(data: unknown): EncodeError {
  try {
    encodeData(data as Data);
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
  throw new Error('encoded without error');
}

const hex = (data: Data) => toHex(encodeData(data));

describe('Data tags', () => {
  it('names every tag of §6.3', () => {
    expect(Object.values(dataTags).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
      32, 33, 255,
    ]);
  });

  it('rejects tags 7, 8, 11, 14 and every unlisted tag with the offset of the tag', () => {
    for (const tag of [7, 8, 11, 14, 34, 0x80, 0xfe]) {
      const e = decodeError(`0202 1100 ${tag.toString(16).padStart(2, '0')}00`);
      expect(e).toMatchObject({ layer: 'axdr', offset: 4 });
      expect(e.message).toContain(`unknown data type ${tag}`);
    }
  });

  it("decodes and encodes don't-care and the delta types (§6.3, §14.10)", () => {
    const cases: [string, Data][] = [
      ['FF', { type: 'dont-care' }],
      ['1C80', { type: 'delta-integer', value: -128 }],
      ['1DFED4', { type: 'delta-long', value: -300 }],
      ['1EFFFFFFFE', { type: 'delta-double-long', value: -2 }],
      ['1FC8', { type: 'delta-unsigned', value: 200 }],
      ['20FFFF', { type: 'delta-long-unsigned', value: 65535 }],
      ['21FFFFFFFF', { type: 'delta-double-long-unsigned', value: 0xffffffff }],
    ];
    for (const [h, data] of cases) {
      expect(decodeData(fromHex(h))).toEqual(data);
      expect(hex(data)).toBe(h);
    }
  });
});

describe('Data values', () => {
  it('accepts any non-zero boolean octet as true and re-encodes 01 (§6.2)', () => {
    expect(decodeData(fromHex('0302'))).toEqual({ type: 'boolean', value: true });
    expect(decodeData(fromHex('0300'))).toEqual({ type: 'boolean', value: false });
    expect(hex({ type: 'boolean', value: true })).toBe('0301');
  });

  it('bit-string: bit 0 is the MSB of the first octet, empty string, exact octets', () => {
    expect(decodeData(fromHex('0400'))).toEqual({ type: 'bit-string', value: [] });
    const first = [true, false, false, false, false, false, false, false];
    expect(decodeData(fromHex('040880'))).toEqual({ type: 'bit-string', value: first });
    expect(decodeData(fromHex('0409FF80'))).toEqual({ type: 'bit-string', value: Array(9).fill(true) });
    expect(
      hex({ type: 'bit-string', value: [false, false, false, false, false, false, false, true, true] }),
    ).toBe('04090180');
  });

  it('bit-string: rejects non-zero padding bits, which could not re-encode identically', () => {
    expect(decodeError('040AB041')).toMatchObject({ offset: 3 });
    expect(decodeError('0401C0')).toMatchObject({ offset: 2 });
  });

  it('visible-string decodes every octet as Latin-1 and round-trips it', () => {
    const data = decodeData(fromHex('0A0400417FFF'));
    expect(data).toEqual({ type: 'visible-string', value: '\u0000A\u007f\u00ff' });
    expect(hex(data)).toBe('0A0400417FFF');
    const long = new Uint8Array(10_003);
    long.set([0x0a, 0x82, 0x27, 0x0f]);
    for (let i = 4; i < long.length; i++) long[i] = i & 0xff;
    const big = decodeData(long);
    expect(big.type === 'visible-string' && big.value.length).toBe(9_999);
    expect(toHex(encodeData(big))).toBe(toHex(long));
  });

  it('utf8-string: invalid UTF-8 is a DecodeError at the content', () => {
    expect(decodeError('0C02C328')).toMatchObject({ layer: 'axdr', offset: 2 });
    expect(decodeError('0C01FF')).toMatchObject({ offset: 2 });
    expect(decodeError('0C03EDA080')).toMatchObject({ offset: 2 }); // an encoded surrogate
  });

  it('utf8-string keeps a BOM and astral characters', () => {
    const data: Data = { type: 'utf8-string', value: '\ufeff😀' };
    expect(hex(data)).toBe('0C07EFBBBFF09F9880');
    expect(decodeData(encodeData(data))).toEqual(data);
  });

  it('bcd: two decimal digits, A–F rejected', () => {
    expect(decodeData(fromHex('0D99'))).toEqual({ type: 'bcd', value: 99 });
    expect(hex({ type: 'bcd', value: 7 })).toBe('0D07');
    expect(decodeError('0D1A')).toMatchObject({ offset: 1 });
    expect(decodeError('0DA1')).toMatchObject({ offset: 1 });
  });

  it('64-bit integers are bigint at both ends of their range', () => {
    const cases: [string, Data][] = [
      ['148000000000000000', { type: 'long64', value: -(2n ** 63n) }],
      ['147FFFFFFFFFFFFFFF', { type: 'long64', value: 2n ** 63n - 1n }],
      ['15FFFFFFFFFFFFFFFF', { type: 'long64-unsigned', value: 2n ** 64n - 1n }],
    ];
    for (const [h, data] of cases) {
      expect(decodeData(fromHex(h))).toEqual(data);
      expect(hex(data)).toBe(h);
    }
  });

  it('float32 rounds a non-representable number; -0 and infinities survive', () => {
    expect(hex({ type: 'float32', value: 0.1 })).toBe('173DCCCCCD');
    expect(decodeData(fromHex('1780000000'))).toEqual({ type: 'float32', value: -0 });
    expect(decodeData(fromHex('18FFF0000000000000'))).toEqual({
      type: 'float64',
      value: Number.NEGATIVE_INFINITY,
    });
  });

  it('octet-string values are copies, independent of the input buffer', () => {
    const bytes = fromHex('09020102');
    const data = decodeData(bytes);
    bytes[2] = 0xff;
    expect(data).toEqual({ type: 'octet-string', value: new Uint8Array([1, 2]) });
  });

  it('trailing octets and truncation are DecodeErrors', () => {
    expect(decodeError('110000')).toMatchObject({ offset: 2 });
    expect(decodeError('12FF')).toMatchObject({ offset: 2 });
    expect(decodeError('0905010203')).toMatchObject({ offset: 5 });
    expect(decodeError('')).toMatchObject({ offset: 0 });
    expect(decodeError('19 07E8')).toMatchObject({ offset: 3 });
  });
});

describe('readData / writeData', () => {
  it('read at the cursor, errors in the reader layer with its offsets', () => {
    const reader = new ByteReader(fromHex('C4010100 1101 0F'), 'apdu', 4);
    expect(readData(reader)).toEqual({ type: 'unsigned', value: 1 });
    expect(reader.pos).toBe(6);
    try {
      readData(reader);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect(e).toMatchObject({ layer: 'apdu', offset: 7 });
    }
  });

  it('write appends to an existing writer', () => {
    const writer = new ByteWriter();
    writer.u8(0xc4);
    writeData(writer, { type: 'long-unsigned', value: 230 });
    expect(toHex(writer.finish())).toBe('C41200E6');
  });

  it('rejects limits that are not non-negative integers', () => {
    expect(() => decodeData(fromHex('00'), { maxDepth: -1 })).toThrow(InvalidArgumentError);
    expect(() => decodeData(fromHex('00'), { maxArrayLength: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => decodeData(fromHex('00'), { maxStringBytes: 1.5 })).toThrow(InvalidArgumentError);
    expect(decodeData(fromHex('0100'), { maxArrayLength: Number.POSITIVE_INFINITY })).toEqual({
      type: 'array',
      value: [],
    });
  });
});

describe('limits before allocation', () => {
  it('an array announcing 2^31 elements in 10 octets fails at its count', () => {
    const e = decodeError('0184800000000000000000');
    expect(e).toMatchObject({ layer: 'axdr', offset: 1 });
    expect(e.message).toContain('maxArrayLength');
    const e2 = decodeError('0184800000000000000000', { maxArrayLength: Number.POSITIVE_INFINITY });
    expect(e2).toMatchObject({ offset: 1 });
    expect(e2.message).toContain('octets follow');
  });

  it('a count larger than the octets left fails before reading elements', () => {
    expect(decodeError('02050000')).toMatchObject({ offset: 1 });
    expect(decodeError('0103000000', { maxArrayLength: 2 }).message).toContain('maxArrayLength 2');
    expect(decodeData(fromHex('0102 0000'), { maxArrayLength: 2 }).type).toBe('array');
  });

  it('maxDepth counts nested arrays/structures (and compact-arrays)', () => {
    const nested = (depth: number) => `${'0101'.repeat(depth)}00`;
    expect(decodeData(fromHex(nested(32))).type).toBe('array');
    expect(decodeError(nested(33)).message).toContain('maxDepth 32');
    expect(decodeError(nested(33))).toMatchObject({ offset: 64 });
    expect(decodeData(fromHex(nested(2)), { maxDepth: 2 }).type).toBe('array');
    expect(decodeError(nested(3), { maxDepth: 2 })).toMatchObject({ offset: 4 });
    expect(decodeData(fromHex('1100'), { maxDepth: 0 })).toEqual({ type: 'unsigned', value: 0 });
    expect(decodeError('0100', { maxDepth: 0 })).toMatchObject({ offset: 0 });
    expect(decodeError('1312020001', { maxDepth: 0 })).toMatchObject({ offset: 0 });
    expect(decodeError('13020111', { maxDepth: 1 })).toMatchObject({ offset: 1 });
    // 100,000 nested arrays: a DecodeError, not a stack overflow.
    expect(decodeError(nested(100_000)).message).toContain('maxDepth');
  });

  it('maxStringBytes limits strings and bit-strings before reading them', () => {
    expect(decodeError('0984FFFFFFFF00').message).toContain('maxStringBytes 65535');
    expect(decodeError('0903010203', { maxStringBytes: 2 })).toMatchObject({ offset: 1 });
    expect(decodeError('0A03414243', { maxStringBytes: 2 })).toMatchObject({ offset: 1 });
    expect(decodeError('0C03414243', { maxStringBytes: 2 })).toMatchObject({ offset: 1 });
    expect(decodeError('0411000000', { maxStringBytes: 2 })).toMatchObject({ offset: 1 });
    expect(decodeData(fromHex('04100000'), { maxStringBytes: 2 }).type).toBe('bit-string');
    // A bit count of 2^32 − 1 asks for 512 MiB: refused by the limit, then by the octets left.
    expect(decodeError('0484FFFFFFFF00').message).toContain('maxStringBytes');
    expect(decodeError('0484FFFFFFFF00', { maxStringBytes: Number.POSITIVE_INFINITY })).toMatchObject({
      offset: 7,
    });
  });
});

describe('compact-array (§6.6)', () => {
  it('an array description: two-octet count, elements without tags', () => {
    const h = '13010002110401020304';
    const pair = (a: number, b: number): Data => ({
      type: 'array',
      value: [
        { type: 'unsigned', value: a },
        { type: 'unsigned', value: b },
      ],
    });
    const data: Data = {
      type: 'compact-array',
      description: { type: 'array', length: 2, element: { type: 'unsigned' } },
      value: [pair(1, 2), pair(3, 4)],
    };
    expect(decodeData(fromHex(h))).toEqual(data);
    expect(hex(data)).toBe(h);
  });

  it('decodes a structure of an array and strings', () => {
    const description = {
      type: 'structure',
      elements: [
        { type: 'array', length: 2, element: { type: 'unsigned' } },
        { type: 'octet-string' },
        { type: 'bit-string' },
      ],
    } as const;
    const data: Data = {
      type: 'compact-array',
      description: JSON.parse(JSON.stringify(description)),
      value: [
        {
          type: 'structure',
          value: [
            {
              type: 'array',
              value: [
                { type: 'unsigned', value: 3 },
                { type: 'unsigned', value: 4 },
              ],
            },
            { type: 'octet-string', value: new Uint8Array([0xaa]) },
            { type: 'bit-string', value: [true] },
          ],
        },
      ],
    };
    // 13 | 02 03 {01 0002 11, 09, 04} | 06 | 03 04, 01 AA, 01 80
    const h = '13020301000211090406030401AA0180';
    expect(hex(data)).toBe(h);
    expect(decodeData(fromHex(h))).toEqual(data);
  });

  it('an empty compact-array', () => {
    const data: Data = { type: 'compact-array', description: { type: 'date-time' }, value: [] };
    expect(hex(data)).toBe('131900');
    expect(decodeData(fromHex('131900'))).toEqual(data);
  });

  it('the contents are limited by maxArrayLength (elements), not maxStringBytes', () => {
    expect(decodeData(fromHex('131206000100020003'), { maxStringBytes: 2 }).type).toBe('compact-array');
  });

  it('a contents length of 128+ uses the long length form', () => {
    const value = Array.from({ length: 100 }, (_, i): Data => ({ type: 'long-unsigned', value: i }));
    const bytes = encodeData({ type: 'compact-array', description: { type: 'long-unsigned' }, value });
    expect(toHex(bytes.subarray(0, 4))).toBe('131281C8');
    expect(decodeData(bytes)).toEqual({
      type: 'compact-array',
      description: { type: 'long-unsigned' },
      value,
    });
  });

  it('rejects descriptions that are not element types, empty or too deep', () => {
    expect(decodeError('130000')).toMatchObject({ offset: 1 }); // null-data
    expect(decodeError('131300')).toMatchObject({ offset: 1 }); // compact-array
    expect(decodeError('13FF00')).toMatchObject({ offset: 1 }); // dont-care
    expect(decodeError('130700')).toMatchObject({ offset: 1 }); // unknown
    expect(decodeError('13020000')).toMatchObject({ offset: 2 }); // empty structure
    expect(decodeError('1301000011 00')).toMatchObject({ offset: 2 }); // zero-length array
    expect(decodeError('1301000511 00', { maxArrayLength: 4 })).toMatchObject({ offset: 2 });
    expect(decodeError('13020511')).toMatchObject({ offset: 2 }); // 5 members, 1 octet left
  });

  it('rejects contents that end inside an element or are too long', () => {
    expect(decodeError('131203000100')).toMatchObject({ offset: 6 }); // the end of the contents
    expect(decodeError('131204000100')).toMatchObject({ offset: 6 }); // truncation: the end of the input
    // an element described as array[3] with 2 octets of contents left
    expect(decodeError('1301000311 02 0102')).toMatchObject({ offset: 6 });
    expect(decodeError('131103010203', { maxArrayLength: 2 }).message).toContain('maxArrayLength 2');
  });

  it('rejects a value that does not match its description on encode', () => {
    const base = { type: 'compact-array' } as const;
    for (const bad of [
      { ...base, description: { type: 'unsigned' }, value: [{ type: 'long-unsigned', value: 1 }] },
      {
        ...base,
        description: { type: 'structure', elements: [{ type: 'unsigned' }] },
        value: [{ type: 'structure', value: [] }],
      },
      {
        ...base,
        description: { type: 'array', length: 2, element: { type: 'unsigned' } },
        value: [{ type: 'array', value: [{ type: 'unsigned', value: 1 }] }],
      },
      { ...base, description: { type: 'structure', elements: [] }, value: [] },
      { ...base, description: { type: 'array', length: 0, element: { type: 'unsigned' } }, value: [] },
      { ...base, description: { type: 'array', length: 65_536, element: { type: 'unsigned' } }, value: [] },
      { ...base, description: { type: 'null-data' }, value: [] },
      { ...base, description: { type: 'unsigned' }, value: [{ type: 'unsigned', value: 256 }] },
    ]) {
      expect(encodeError(bad)).toBeInstanceOf(EncodeError);
    }
  });
});

describe('encode errors', () => {
  const bad: [string, unknown][] = [
    ['unsigned', { type: 'unsigned', value: 300 }],
    ['unsigned', { type: 'unsigned', value: -1 }],
    ['long', { type: 'long', value: 1.5 }],
    ['integer', { type: 'integer', value: 128 }],
    ['double-long', { type: 'double-long', value: 2 ** 31 }],
    ['double-long-unsigned', { type: 'double-long-unsigned', value: 2 ** 32 }],
    ['long-unsigned', { type: 'long-unsigned', value: Number.NaN }],
    ['enum', { type: 'enum', value: '1' }],
    ['bcd', { type: 'bcd', value: 100 }],
    ['long64', { type: 'long64', value: 2n ** 63n }],
    ['long64', { type: 'long64', value: 1 }],
    ['long64-unsigned', { type: 'long64-unsigned', value: -1n }],
    ['float32', { type: 'float32', value: '1' }],
    ['boolean', { type: 'boolean', value: 1 }],
    ['octet-string', { type: 'octet-string', value: [1, 2] }],
    ['visible-string', { type: 'visible-string', value: 'Ā' }],
    ['utf8-string', { type: 'utf8-string', value: 'a\ud800' }],
    ['utf8-string', { type: 'utf8-string', value: '\udc00' }],
    ['bit-string', { type: 'bit-string', value: 'x' }],
    ['type', { type: 'real' }],
    ['type', { type: 'toString' }],
    ['month', { type: 'date', value: { year: 2024, month: 13, dayOfMonth: 1, dayOfWeek: 1 } }],
  ];
  for (const [field, data] of bad) {
    it(`${JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))} → EncodeError(${field})`, () => {
      expect(encodeError(data).field).toBe(field);
    });
  }

  it('nested values are validated too', () => {
    expect(
      encodeError({
        type: 'array',
        value: [{ type: 'structure', value: [{ type: 'unsigned', value: 256 }] }],
      }).field,
    ).toBe('unsigned');
  });
});
