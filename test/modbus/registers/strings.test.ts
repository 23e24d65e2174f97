// Strings spanning registers (Modbus spec §12.4).
import { describe, expect, test } from 'vitest';
import { EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import {
  decodeValue,
  encodeValue,
  registerLayout,
  type StringField,
} from '../../../src/modbus/registers/index.js';

const s4 = { type: 'string', registers: 4 } as const;
const regs = (...words: number[]) => Uint16Array.from(words);

describe('encode', () => {
  test('two characters per register, first in the high byte, odd length padded with 0x00', () => {
    expect(encodeValue(s4, 'Modbus!')).toEqual(regs(0x4d6f, 0x6462, 0x7573, 0x2100));
  });

  test('unused trailing registers are 0x00', () => {
    expect(encodeValue({ type: 'string', registers: 6 }, 'Modbus!')).toEqual(
      regs(0x4d6f, 0x6462, 0x7573, 0x2100, 0, 0),
    );
    expect(encodeValue(s4, '')).toEqual(regs(0, 0, 0, 0));
  });

  test('pad character fills every unused byte', () => {
    const expected = regs(0x4d6f, 0x6462, 0x7573, 0x2120, 0x2020);
    expect(encodeValue({ type: 'string', registers: 5, pad: ' ' }, 'Modbus!')).toEqual(expected);
    expect(encodeValue({ type: 'string', registers: 5, pad: 0x20 }, 'Modbus!')).toEqual(expected);
  });

  test('byteSwap puts the first character in the low byte', () => {
    expect(encodeValue({ ...s4, byteSwap: true }, 'Modbus!')).toEqual(regs(0x6f4d, 0x6264, 0x7375, 0x0021));
  });

  test('a string that fits exactly, and one that is too long', () => {
    expect(encodeValue(s4, 'Modbus!!')).toEqual(regs(0x4d6f, 0x6462, 0x7573, 0x2121));
    const error = (() => {
      try {
        registerLayout({ serial: s4 }).encode({ serial: 'Modbus!!!' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).field).toBe('serial');
    expect((error as EncodeError).message).toMatch(/needs 9 bytes, the field holds 8/);
  });

  test('encodings: ascii is strict, latin1 one byte per character, utf8 multi-byte', () => {
    expect(() => encodeValue({ ...s4, encoding: 'ascii' }, 'Café')).toThrow(/U\+00E9 at index 3/);
    expect(encodeValue(s4, 'Café')).toEqual(regs(0x4361, 0x66e9, 0, 0));
    expect(() => encodeValue(s4, 'Ωmega')).toThrow(EncodeError);
    expect(encodeValue({ ...s4, encoding: 'utf8' }, 'Café')).toEqual(regs(0x4361, 0x66c3, 0xa900, 0));
    expect(() => encodeValue({ ...s4, encoding: 'utf8' }, 'Cafééé')).toThrow(/needs 9 bytes/);
  });

  test('U+0000 and non-strings are refused', () => {
    expect(() => encodeValue(s4, 'a\0b')).toThrow(/U\+0000/);
    expect(() => encodeValue(s4, 42 as unknown as string)).toThrow(EncodeError);
  });
});

describe('decode', () => {
  test('the spec example, from registers and from bytes', () => {
    expect(decodeValue(s4, regs(0x4d6f, 0x6462, 0x7573, 0x2100))).toBe('Modbus!');
    expect(decodeValue(s4, Uint8Array.of(0x4d, 0x6f, 0x64, 0x62, 0x75, 0x73, 0x21, 0x00))).toBe('Modbus!');
  });

  test('stops at the first 0x00', () => {
    expect(decodeValue(s4, regs(0x4142, 0x0043, 0x4400, 0x4546))).toBe('AB');
    expect(decodeValue(s4, regs(0, 0x4142, 0, 0))).toBe('');
  });

  test('removes trailing pad characters only when a pad is declared', () => {
    const spaces = regs(0x4142, 0x2043, 0x2020, 0x2020);
    expect(decodeValue({ ...s4, pad: ' ' }, spaces)).toBe('AB C');
    expect(decodeValue(s4, spaces)).toBe('AB C    ');
  });

  test('byteSwap', () => {
    expect(decodeValue({ ...s4, byteSwap: true }, regs(0x6f4d, 0x6264, 0x7375, 0x0021))).toBe('Modbus!');
  });

  test('latin1 and ascii map every byte; utf8 replaces malformed bytes', () => {
    expect(decodeValue(s4, regs(0x4361, 0x66e9, 0, 0))).toBe('Café');
    expect(decodeValue({ ...s4, encoding: 'ascii' }, regs(0x4361, 0x66e9, 0, 0))).toBe('Café');
    expect(decodeValue({ ...s4, encoding: 'utf8' }, regs(0x4361, 0x66c3, 0xa900, 0))).toBe('Café');
    expect(decodeValue({ ...s4, encoding: 'utf8' }, regs(0x41ff, 0, 0, 0))).toBe('A\ufffd');
  });
});

test.each([
  ['odd length', { type: 'string', registers: 3 }, 'abcde'],
  ['byteSwap', { type: 'string', registers: 3, byteSwap: true }, 'abcde'],
  ['space pad + byteSwap', { type: 'string', registers: 4, byteSwap: true, pad: ' ' }, 'a b'],
  ['utf8', { type: 'string', registers: 4, encoding: 'utf8' }, 'é€'],
] as Array<[string, StringField, string]>)('round trip: %s', (_name, field, text) => {
  expect(decodeValue(field, encodeValue(field, text))).toBe(text);
});

test('invalid string declarations', () => {
  const bad = (field: unknown) => () => registerLayout({ s: field as StringField });
  expect(bad({ type: 'string' })).toThrow(/registers must be/);
  expect(bad({ type: 'string', registers: 0 })).toThrow(InvalidArgumentError);
  expect(bad({ type: 'string', registers: 1.5 })).toThrow(InvalidArgumentError);
  expect(bad({ type: 'string', registers: 2, pad: 'ab' })).toThrow(/pad must be/);
  expect(bad({ type: 'string', registers: 2, pad: 256 })).toThrow(/pad must be/);
  expect(bad({ type: 'string', registers: 2, pad: 0xe9, encoding: 'utf8' })).toThrow(/pad must be/);
  expect(bad({ type: 'string', registers: 2, encoding: 'utf16le' })).toThrow(/unknown encoding/);
  expect(bad({ type: 'string', registers: 2, byteSwap: 'yes' })).toThrow(/byteSwap/);
  expect(bad({ type: 'string', registers: 2, order: 'CDAB' })).toThrow(/unknown option 'order'/);
  expect(() => registerLayout({ s: 'string' as never })).toThrow(/declare it as \{ type: 'string'/);
});
