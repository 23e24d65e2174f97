// Golden vectors enc-* of test/vectors/modbus.json (Modbus spec §12, §15): each is an FC3
// response PDU whose registers hold one value; decode them, and encode the value back.
import { describe, expect, test } from 'vitest';
import {
  decodeValue,
  encodeValue,
  type FieldDeclaration,
  type RegisterOrder,
  registerLayout,
} from '../../../src/modbus/registers/index.js';
import { modbusVector, modbusVectors, vectorBytes } from '../../helpers/vectors.js';
import { regsOf } from './oracle.js';

interface Case {
  type: FieldDeclaration;
  order?: RegisterOrder;
  /** The documented value. */
  value: number | bigint | string;
  /** What to encode when it differs from `value` (float32 123.456 before rounding). */
  input?: number;
}

const f32 = Math.fround(123.456);

const cases: Record<string, Case[]> = {
  'enc-float32-abcd': [
    { type: 'float32', value: f32, input: 123.456 },
    { type: 'float32', order: 'ABCD', value: f32 },
  ],
  'enc-float32-cdab': [{ type: 'float32', order: 'CDAB', value: f32, input: 123.456 }],
  'enc-float32-badc': [{ type: 'float32', order: 'BADC', value: f32, input: 123.456 }],
  'enc-float32-dcba': [{ type: 'float32', order: 'DCBA', value: f32, input: 123.456 }],
  'enc-int32-abcd': [
    { type: 'int32', order: 'ABCD', value: -123456 },
    { type: 'uint32', order: 'ABCD', value: 4294843840 },
  ],
  'enc-uint32-cdab': [{ type: 'uint32', order: 'CDAB', value: 4000000000 }],
  'enc-float64-abcd': [
    { type: 'float64', value: 123.456 },
    { type: 'float64', order: 'ABCDEFGH', value: 123.456 },
  ],
  'enc-float64-word-reversed': [
    { type: 'float64', order: 'GHEFCDAB', value: 123.456 },
    { type: 'float64', order: 'CDAB', value: 123.456 },
  ],
  'enc-int64-abcd': [
    { type: 'int64', value: -2n },
    { type: 'uint64', order: 'ABCDEFGH', value: 18446744073709551614n },
  ],
  'enc-int16': [
    { type: 'int16', value: -2 },
    { type: 'uint16', value: 65534 },
  ],
  'enc-string': [
    { type: { type: 'string', registers: 4 }, value: 'Modbus!' },
    { type: { type: 'string', registers: 4, encoding: 'ascii' }, value: 'Modbus!' },
  ],
};

test('every enc-* vector has cases (a new vector must be added here)', () => {
  const ids = modbusVectors.filter((v) => v.id.startsWith('enc-')).map((v) => v.id);
  expect(ids.sort()).toEqual(Object.keys(cases).sort());
});

describe.each(Object.entries(cases))('%s', (id, list) => {
  const bytes = vectorBytes(modbusVector(id));
  const registerBytes = bytes.subarray(2);
  const registers = regsOf(registerBytes);

  test('is an FC3 response whose byte count matches', () => {
    expect(bytes[0]).toBe(0x03);
    expect(bytes[1]).toBe(bytes.length - 2);
  });

  test.each(list.map((c) => [JSON.stringify(c.type), c.order ?? 'default', c] as const))(
    '%s %s: decode, encode, layout',
    (_type, _order, c) => {
      const options = c.order === undefined ? {} : { order: c.order };
      expect(decodeValue(c.type, registers, options)).toStrictEqual(c.value);
      expect(decodeValue(c.type, registerBytes, options)).toStrictEqual(c.value);
      expect(encodeValue(c.type, c.value, options)).toEqual(registers);
      if (c.input !== undefined) expect(encodeValue(c.type, c.input, options)).toEqual(registers);

      const layout = registerLayout({ v: c.type }, options);
      expect(layout.registers).toBe(registers.length);
      expect(layout.decode(registerBytes).v).toStrictEqual(c.value);
      expect(layout.encode({ v: c.value })).toEqual(registers);
    },
  );
});
