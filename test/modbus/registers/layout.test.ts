// registerLayout: placement, gaps, overlaps, bits, scaling, validation, errors and blocks.
import { describe, expect, expectTypeOf, test } from 'vitest';
import { DecodeError, EncodeError, ErrorCode, InvalidArgumentError } from '../../../src/core/errors.js';
import {
  decodeValue,
  encodeValue,
  type FieldDeclarations,
  holdingBlock,
  inputBlock,
  type RegisterBlock,
  type RegisterLayout,
  type RegisterLayoutValue,
  registerLayout,
} from '../../../src/modbus/registers/index.js';
import { bytesOf } from './oracle.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

const meter = registerLayout(
  {
    voltage: 'float32',
    current: { type: 'float32', order: 'CDAB' },
    energy: { type: 'uint64' },
    status: { type: 'uint16', at: 10 },
    serial: { type: 'string', registers: 8 },
  },
  { order: 'ABCD' },
);

const reading = { voltage: 230.5, current: 1.25, energy: 123_456_789_012_345n, status: 7, serial: 'SN-0042' };

describe('placement', () => {
  test('packed fields, an explicit offset with a gap, and the total size', () => {
    expect(meter.registers).toBe(19);
    expect(meter.fields.map((f) => [f.name, f.register, f.registers])).toEqual([
      ['voltage', 0, 2],
      ['current', 2, 2],
      ['energy', 4, 4],
      ['status', 10, 1],
      ['serial', 11, 8],
    ]);
  });

  test('encode writes each field where declared and zeroes the gaps', () => {
    const regs = meter.encode(reading);
    expect(regs).toHaveLength(19);
    expect(Array.from(regs.subarray(0, 4))).toEqual([0x4366, 0x8000, 0x0000, 0x3fa0]);
    expect(Array.from(regs.subarray(8, 11))).toEqual([0, 0, 7]);
    expect(meter.decode(regs)).toEqual(reading);
  });

  test('decode accepts register bytes, a start index, and ignores what follows the block', () => {
    const regs = meter.encode(reading);
    expect(meter.decode(bytesOf(regs))).toEqual(reading);
    const longer = new Uint16Array(25);
    longer.set(regs, 3);
    expect(meter.decode(longer, 3)).toEqual(reading);
    // a Buffer that is a window into a larger ArrayBuffer
    const big = Buffer.alloc(100);
    Buffer.from(bytesOf(regs)).copy(big, 11);
    expect(meter.decode(big.subarray(11, 11 + 38))).toEqual(reading);
    expect(meter.decode(new Uint8Array(big.buffer, big.byteOffset + 9, 40), 1)).toEqual(reading);
  });

  test('explicit offsets may go backwards into free registers; packing continues after the previous field', () => {
    const layout = registerLayout({
      a: { type: 'uint16', at: 5 },
      b: { type: 'uint16', at: 1 },
      c: 'uint16',
    });
    expect(layout.fields.map((f) => f.register)).toEqual([5, 1, 2]);
    expect(layout.registers).toBe(6);
    expect(layout.encode({ a: 1, b: 2, c: 3 })).toEqual(Uint16Array.of(0, 2, 3, 0, 0, 1));
  });

  test('options.registers adds a trailing gap', () => {
    const layout = registerLayout({ a: 'uint16' }, { registers: 4 });
    expect(layout.registers).toBe(4);
    expect(layout.encode({ a: 9 })).toEqual(Uint16Array.of(9, 0, 0, 0));
    expect(() => registerLayout({ a: 'uint32' }, { registers: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('overlaps and invalid declarations', () => {
  test.each([
    [
      'explicit offset inside a previous field',
      { a: 'uint32', b: { type: 'uint16', at: 1 } },
      /'a' and 'b' overlap at register 1/,
    ],
    [
      'string over a value',
      { a: { type: 'uint16', at: 3 }, s: { type: 'string', registers: 4, at: 0 } },
      /'a' and 's'/,
    ],
    [
      'bit in a register used by a value',
      { a: 'uint16', b: { type: 'bit', bit: 3, at: 0 } },
      /overlap at register 0 bit 3/,
    ],
    [
      'same bit twice',
      { a: { type: 'bit', bit: 3 }, b: { type: 'bit', bit: 3, at: 0 } },
      /'a' and 'b' overlap/,
    ],
  ] as Array<[string, FieldDeclarations, RegExp]>)('%s', (_name, fields, message) => {
    const error = thrown(() => registerLayout(fields));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe(ErrorCode.invalidArgument);
    expect((error as Error).message).toMatch(message);
  });

  test.each([
    ['unknown type', { a: 'int8' }, /unknown type "int8"/],
    ['unknown type in an object', { a: { type: 'f32' } }, /unknown type/],
    ['not a declaration', { a: 42 }, /expected a type name/],
    ['unknown option', { a: { type: 'uint16', scal: 2 } }, /unknown option 'scal'/],
    ['scale on a bigint', { a: { type: 'uint64', scale: 2 } }, /unknown option 'scale'/],
    ['order on a bit', { a: { type: 'bit', bit: 1, order: 'CDAB' } }, /unknown option 'order'/],
    ['negative at', { a: { type: 'uint16', at: -1 } }, /at must be/],
    ['fractional at', { a: { type: 'uint16', at: 1.5 } }, /at must be/],
    ['bit 16', { a: { type: 'bit', bit: 16 } }, /bit must be 0–15/],
    ['scale 0', { a: { type: 'uint16', scale: 0 } }, /scale must be/],
    ['scale and exponent', { a: { type: 'uint16', scale: 2, exponent: 1 } }, /either scale or exponent/],
    ['fractional exponent', { a: { type: 'uint16', exponent: 0.5 } }, /exponent must be/],
    ['past the table', { a: { type: 'string', registers: 3, at: 65534 } }, /past the 65536 registers/],
    ['empty', {}, /at least one field/],
  ] as Array<[string, unknown, RegExp]>)('%s', (_name, fields, message) => {
    expect(() => registerLayout(fields as FieldDeclarations)).toThrow(InvalidArgumentError);
    expect(() => registerLayout(fields as FieldDeclarations)).toThrow(message);
  });

  test('__proto__ cannot be a field name', () => {
    expect(() => registerLayout({ ['__proto__']: 'uint16' } as FieldDeclarations)).toThrow(/__proto__/);
  });

  test('a layout up to the end of the table is fine', () => {
    expect(registerLayout({ a: { type: 'uint16', at: 65535 } }).registers).toBe(65536);
  });
});

describe('bits', () => {
  const flags = registerLayout({
    alarm: { type: 'bit', bit: 0 },
    ready: { type: 'bit', bit: 15 },
    again: { type: 'bit', bit: 0 }, // bit 0 is taken: next register
    mode: 'uint16',
    late: { type: 'bit', bit: 4, at: 0 },
  });

  test('consecutive bit fields share a register while their bits are free', () => {
    expect(flags.fields.map((f) => [f.name, f.register, f.bit])).toEqual([
      ['alarm', 0, 0],
      ['ready', 0, 15],
      ['again', 1, 0],
      ['mode', 2, undefined],
      ['late', 0, 4],
    ]);
    expect(flags.registers).toBe(3);
  });

  test('encode and decode bit by bit (bit 0 = least significant)', () => {
    const value = { alarm: true, ready: true, again: false, mode: 5, late: true };
    expect(flags.encode(value)).toEqual(Uint16Array.of(0x8011, 0, 5));
    expect(flags.decode(Uint16Array.of(0x8011, 0xfffe, 5))).toEqual(value);
    expect(() => flags.encode({ ...value, alarm: 1 as unknown as boolean })).toThrow(/needs a boolean/);
  });
});

describe('scale', () => {
  test('exponent: raw × 10^k', () => {
    const layout = registerLayout({ p: { type: 'int16', exponent: -1 }, e: { type: 'uint32', exponent: 3 } });
    expect(layout.decode(Uint16Array.of(2305, 0, 42))).toEqual({ p: 230.5, e: 42_000 });
    expect(layout.decode(Uint16Array.of(0xfffd, 0, 0))).toEqual({ p: -0.3, e: 0 });
    expect(layout.encode({ p: -0.3, e: 42_000 })).toEqual(Uint16Array.of(0xfffd, 0, 42));
    expect(layout.encode({ p: 230.54, e: 42_499 })).toEqual(Uint16Array.of(2305, 0, 42)); // rounded
  });

  test('factor: raw × scale, also on floats', () => {
    const layout = registerLayout({ f: { type: 'uint16', scale: 0.5 }, g: { type: 'float32', scale: 2 } });
    expect(layout.decode(Uint16Array.of(7, 0x3fc0, 0))).toEqual({ f: 3.5, g: 3 });
    expect(layout.encode({ f: 3.5, g: 3 })).toEqual(Uint16Array.of(7, 0x3fc0, 0));
  });

  test('range is checked on the raw value', () => {
    const layout = registerLayout({ p: { type: 'int16', exponent: -1 } });
    expect(() => layout.encode({ p: 3276.7 })).not.toThrow();
    const error = thrown(() => layout.encode({ p: 3276.8 }));
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).message).toMatch(/raw value 32768 after scaling/);
  });
});

describe('encode validation', () => {
  test.each([
    ['int16', 32768],
    ['int16', -32769],
    ['uint16', -1],
    ['uint16', 65536],
    ['int32', 2 ** 31],
    ['uint32', 2 ** 32],
    ['uint16', 1.5],
    ['uint16', Number.NaN],
    ['int32', Number.POSITIVE_INFINITY],
    ['float32', 1e39],
    ['float32', '1'],
    ['int64', 2n ** 63n],
    ['int64', -(2n ** 63n) - 1n],
    ['uint64', -1n],
    ['uint64', 2n ** 64n],
    ['uint64', 5],
    ['uint16', 5n],
  ] as Array<[string, unknown]>)('%s %s → EncodeError naming the field', (type, value) => {
    const layout = registerLayout({ field: type as 'uint16' });
    const error = thrown(() => layout.encode({ field: value as number }));
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).code).toBe(ErrorCode.encode);
    expect((error as EncodeError).field).toBe('field');
  });

  test('range limits themselves encode', () => {
    const layout = registerLayout({
      a: 'int16',
      b: 'uint16',
      c: 'int32',
      d: 'uint32',
      e: 'int64',
      f: 'uint64',
      g: 'float32',
    });
    const low = { a: -32768, b: 0, c: -(2 ** 31), d: 0, e: -(2n ** 63n), f: 0n, g: -3.4028234663852886e38 };
    const high = {
      a: 32767,
      b: 65535,
      c: 2 ** 31 - 1,
      d: 2 ** 32 - 1,
      e: 2n ** 63n - 1n,
      f: 2n ** 64n - 1n,
      g: 3.4028234663852886e38,
    };
    expect(layout.decode(layout.encode(low))).toEqual(low);
    expect(layout.decode(layout.encode(high))).toEqual(high);
  });

  test('every field is required by encode; extra properties are ignored', () => {
    const error = thrown(() => meter.encode({ ...reading, energy: undefined } as unknown as typeof reading));
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).field).toBe('energy');
    expect(meter.encode({ ...reading, extra: 1 } as typeof reading)).toEqual(meter.encode(reading));
    expect(() => meter.encode(null as unknown as typeof reading)).toThrow(EncodeError);
  });
});

describe('encodeInto', () => {
  const layout = registerLayout({ a: 'uint16', on: { type: 'bit', bit: 2 }, b: 'uint32' });

  test('changes only the fields present, and only their bits', () => {
    const target = Uint16Array.of(0xaaaa, 1, 0xffff, 2, 3, 0xbbbb);
    expect(layout.encodeInto({ on: false, b: 0x10002 }, target, 1)).toBe(target);
    expect(Array.from(target)).toEqual([0xaaaa, 1, 0xfffb, 1, 2, 0xbbbb]);
  });

  test('leaves the target unchanged when a field fails', () => {
    const target = Uint16Array.of(1, 0, 0, 0);
    expect(() => layout.encodeInto({ a: 7, b: -1 }, target)).toThrow(EncodeError);
    expect(Array.from(target)).toEqual([1, 0, 0, 0]);
  });

  test('refuses a target that is too short', () => {
    expect(() => layout.encodeInto({ a: 1 }, new Uint16Array(4), 1)).toThrow(InvalidArgumentError);
  });
});

describe('short input', () => {
  test('Uint16Array: DecodeError at the byte where the input ends, naming the cut field', () => {
    const error = thrown(() => meter.decode(new Uint16Array(12)));
    expect(error).toBeInstanceOf(DecodeError);
    const e = error as DecodeError;
    expect(e.code).toBe(ErrorCode.decode);
    expect(e.layer).toBe('modbus-registers');
    expect(e.offset).toBe(24);
    expect(e.message).toMatch(/ends after 12 of 19 registers.*field 'serial' \(registers 11–18\) is cut/);
  });

  test('Uint8Array, odd length, and a start index', () => {
    const e1 = thrown(() => meter.decode(new Uint8Array(37))) as DecodeError;
    expect(e1).toBeInstanceOf(DecodeError);
    expect(e1.offset).toBe(37);
    const e2 = thrown(() => meter.decode(new Uint16Array(19), 1)) as DecodeError;
    expect(e2).toBeInstanceOf(DecodeError);
    expect(e2.message).toMatch(/18 of 19 registers from register 1/);
    const e3 = thrown(() => meter.decode(new Uint16Array(2), 5)) as DecodeError;
    expect(e3.message).toMatch(/after 0 of 19/);
  });

  test('a trailing gap must be present too', () => {
    const layout = registerLayout({ a: 'uint16' }, { registers: 3 });
    expect(() => layout.decode(new Uint16Array(2))).toThrow(/trailing gap/);
  });

  test('wrong input types and start values', () => {
    expect(() => meter.decode([1, 2] as unknown as Uint16Array)).toThrow(InvalidArgumentError);
    expect(() => meter.decode(new Uint16Array(19), -1)).toThrow(InvalidArgumentError);
  });
});

test('single values: start index, `at` ignored, bit in a zero register', () => {
  expect(decodeValue('uint16', Uint16Array.of(1, 2, 3), { start: 2 })).toBe(3);
  expect(decodeValue({ type: 'uint32', order: 'CDAB', at: 7 }, Uint16Array.of(9, 1, 2), { start: 1 })).toBe(
    0x20001,
  );
  expect(encodeValue({ type: 'uint16', at: 3 }, 5)).toEqual(Uint16Array.of(5));
  expect(encodeValue({ type: 'bit', bit: 3 }, true)).toEqual(Uint16Array.of(8));
  expect(decodeValue({ type: 'bit', bit: 15 }, Uint16Array.of(0x8000))).toBe(true);
  const e = thrown(() => decodeValue('float64', Uint16Array.of(1, 2, 3))) as DecodeError;
  expect(e).toBeInstanceOf(DecodeError);
  expect(e.offset).toBe(6);
  expect((thrown(() => encodeValue('uint16', 70000)) as EncodeError).field).toBe('value');
});

describe('blocks', () => {
  test('holdingBlock and inputBlock', () => {
    const h = holdingBlock(100, meter);
    expect(h).toEqual({ table: 'holding', address: 100, layout: meter });
    expect(Object.isFrozen(h)).toBe(true);
    expect(inputBlock(0, meter).table).toBe('input');
    expectTypeOf(h).toEqualTypeOf<RegisterBlock<RegisterLayoutValue<typeof meter>, 'holding'>>();
    expectTypeOf(inputBlock(0, meter)).toMatchTypeOf<RegisterBlock<RegisterLayoutValue<typeof meter>>>();
  });

  test('address + registers must stay within the 65536 registers of the table (§2)', () => {
    expect(holdingBlock(65536 - 19, meter).address).toBe(65517);
    expect(() => holdingBlock(65536 - 18, meter)).toThrow(/past the end of the table/);
    expect(() => inputBlock(-1, meter)).toThrow(InvalidArgumentError);
    expect(() => inputBlock(1.5, meter)).toThrow(InvalidArgumentError);
    expect(() => holdingBlock(0, {} as RegisterLayout<unknown>)).toThrow(/expected a layout/);
  });
});

describe('types', () => {
  test('the decoded type is inferred from the declarations', () => {
    const layout = registerLayout({
      a: 'int16',
      b: { type: 'float64', order: 'DCBA' },
      c: 'int64',
      d: { type: 'uint64' },
      e: { type: 'string', registers: 2 },
      f: { type: 'bit', bit: 3 },
      g: { type: 'uint16', exponent: -2 },
    });
    expectTypeOf(layout.decode(new Uint16Array(layout.registers))).toEqualTypeOf<{
      a: number;
      b: number;
      c: bigint;
      d: bigint;
      e: string;
      f: boolean;
      g: number;
    }>();
    expectTypeOf(layout).toEqualTypeOf<
      RegisterLayout<{ a: number; b: number; c: bigint; d: bigint; e: string; f: boolean; g: number }>
    >();
  });

  test('wrong value types do not compile', () => {
    const layout = registerLayout({ n: 'uint16', big: 'uint64' });
    // @ts-expect-error - a uint64 field needs a bigint
    expect(() => layout.encode({ n: 1, big: 1 })).toThrow(EncodeError);
    // @ts-expect-error - every field is required by encode
    expect(() => layout.encode({ n: 1 })).toThrow(EncodeError);
    // @ts-expect-error - 'int8' is not a type
    expect(() => registerLayout({ x: 'int8' })).toThrow(InvalidArgumentError);
  });
});
