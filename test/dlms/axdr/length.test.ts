// §6.1 length / quantity encoding.
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../src/core/bytes.js';
import { DecodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { lengthBytes, lengthSize, readLength, writeLength } from '../../../src/dlms/axdr/length.js';

function read(hex: string): { value: number; pos: number } {
  const reader = new ByteReader(fromHex(hex), 'axdr');
  const value = readLength(reader, 'a test length');
  return { value, pos: reader.pos };
}

function written(length: number): string {
  const writer = new ByteWriter();
  writeLength(writer, length);
  return toHex(writer.finish());
}

describe('A-XDR length', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [127, '7F'],
    [128, '8180'],
    [255, '81FF'],
    [256, '820100'],
    [65535, '82FFFF'],
    [65536, '83010000'],
    [0xffffff, '83FFFFFF'],
    [0x1000000, '8401000000'],
    [0xffffffff, '84FFFFFFFF'],
  ];
  for (const [value, hex] of cases) {
    it(`${value} <-> ${hex}`, () => {
      expect(written(value)).toBe(hex);
      expect(toHex(lengthBytes(value))).toBe(hex);
      expect(lengthSize(value)).toBe(hex.length / 2);
      expect(read(`${hex}AA`)).toEqual({ value, pos: hex.length / 2 });
    });
  }

  it('accepts non-shortest forms (only encoders must use the shortest)', () => {
    expect(read('8105').value).toBe(5);
    expect(read('8400000005').value).toBe(5);
  });

  it('rejects 0x80 (indefinite) and 0x85+ at the length octet', () => {
    for (const first of [0x80, 0x85, 0x88, 0xff]) {
      const reader = new ByteReader(new Uint8Array([0x09, first, 0, 0, 0, 0, 0, 0, 0]), 'apdu', 1);
      const error = (() => {
        try {
          readLength(reader, 'an octet-string');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DecodeError);
      expect(error).toMatchObject({ layer: 'apdu', offset: 1 });
    }
  });

  it('rejects a truncated length', () => {
    expect(() => read('8201')).toThrow(DecodeError);
    expect(() => read('')).toThrow(DecodeError);
    expect(() => read('84FFFFFF')).toThrow(DecodeError);
  });
});
