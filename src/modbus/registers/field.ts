/**
 * Turns one field declaration into a checked buffer-layout layout.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { BitLayout } from './bit-layout.js';
import type { Layout } from './layout-lib.js';
import {
  BigInt64Layout,
  describeValue,
  NumberLayout,
  type Scaling,
  typeRegisters,
  WordOrderLayout,
} from './number-layouts.js';
import { type CanonicalRegisterOrder, canonicalOrder, orderPermutation } from './order.js';
import { StringLayout } from './string-layout.js';
import type { BigIntType, FieldDeclaration, NumberType, StringEncoding, ValueType } from './types.js';

/** A field declaration after validation, not yet placed in a layout. */
export interface CompiledField {
  readonly type: ValueType;
  /** Layout of the field's bytes; its `property` is the field name. */
  readonly layout: Layout<unknown>;
  readonly registers: number;
  /** Explicit register offset, when declared. */
  readonly at: number | undefined;
  /** Order of numeric and 64-bit fields. */
  readonly order: CanonicalRegisterOrder | undefined;
  /** Bit number of bit fields. */
  readonly bit: number | undefined;
}

const numberTypes: ReadonlySet<string> = new Set<NumberType>([
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'float64',
]);
const bigIntTypes: ReadonlySet<string> = new Set<BigIntType>(['int64', 'uint64']);
const encodings: ReadonlySet<string> = new Set<StringEncoding>(['ascii', 'latin1', 'utf8']);

const allowedKeys: Readonly<Record<'number' | 'bigint' | 'string' | 'bit', ReadonlySet<string>>> = {
  number: new Set(['type', 'at', 'order', 'scale', 'exponent']),
  bigint: new Set(['type', 'at', 'order']),
  string: new Set(['type', 'at', 'registers', 'byteSwap', 'pad', 'encoding']),
  bit: new Set(['type', 'at', 'bit']),
};

function invalid(name: string, message: string): never {
  throw new InvalidArgumentError(`field '${name}': ${message}`);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function withOrder<T>(inner: Layout<T>, order: CanonicalRegisterOrder): Layout<T> {
  const permutation = orderPermutation(order, inner.span);
  return permutation === undefined ? inner : new WordOrderLayout(inner, permutation);
}

function scalingOf(name: string, scale: unknown, exponent: unknown): Scaling | undefined {
  if (scale !== undefined && exponent !== undefined)
    invalid(name, 'declare either scale or exponent, not both');
  if (scale !== undefined) {
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0) {
      invalid(name, `scale must be a finite number other than 0, got ${describeValue(scale)}`);
    }
    return { mul: scale, div: 1 };
  }
  if (exponent !== undefined) {
    if (!isIntegerIn(exponent, -20, 20)) {
      invalid(name, `exponent must be an integer from -20 to 20, got ${describeValue(exponent)}`);
    }
    // Dividing by an exact power of ten rounds better than multiplying by an inexact 0.1, 0.01 …
    return exponent >= 0 ? { mul: 10 ** exponent, div: 1 } : { mul: 1, div: 10 ** -exponent };
  }
  return undefined;
}

function padByte(name: string, pad: unknown, encoding: StringEncoding): number {
  const max = encoding === 'latin1' ? 0xff : 0x7f;
  const byte = typeof pad === 'string' && pad.length === 1 ? pad.charCodeAt(0) : pad;
  if (!isIntegerIn(byte, 0, max)) {
    invalid(
      name,
      `pad must be a byte 0–${max} or a one-character string for ${encoding}, got ${describeValue(pad)}`,
    );
  }
  return byte;
}

/**
 * Validates a declaration and builds its layout.
 *
 * @throws {InvalidArgumentError} for an unknown type, order, encoding or option, or an option
 * out of range.
 */
export function compileField(
  name: string,
  declaration: FieldDeclaration,
  defaultOrder: CanonicalRegisterOrder,
): CompiledField {
  const decl: unknown = declaration;
  if (typeof decl === 'string') {
    if (numberTypes.has(decl) || bigIntTypes.has(decl)) {
      return compileField(name, { type: decl } as FieldDeclaration, defaultOrder);
    }
    return invalid(
      name,
      `unknown type ${JSON.stringify(decl)}${decl === 'string' || decl === 'bit' ? ` (declare it as { type: '${decl}', … })` : ''}`,
    );
  }
  if (typeof decl !== 'object' || decl === null || Array.isArray(decl)) {
    return invalid(name, `expected a type name or a declaration object, got ${describeValue(decl)}`);
  }
  const d = decl as Record<string, unknown>;
  const type = d.type;
  const kind =
    typeof type !== 'string'
      ? undefined
      : numberTypes.has(type)
        ? 'number'
        : bigIntTypes.has(type)
          ? 'bigint'
          : type === 'string' || type === 'bit'
            ? type
            : undefined;
  if (kind === undefined) return invalid(name, `unknown type ${describeValue(type)}`);
  for (const key of Object.keys(d)) {
    if (!allowedKeys[kind].has(key)) invalid(name, `unknown option '${key}' for type ${type}`);
  }
  const at = d.at;
  if (at !== undefined && !isIntegerIn(at, 0, 0xffff)) {
    invalid(name, `at must be a register offset 0–65535, got ${describeValue(at)}`);
  }
  const where = `field '${name}'`;

  switch (kind) {
    case 'number': {
      const t = type as NumberType;
      const order = d.order === undefined ? defaultOrder : canonicalOrder(d.order, where);
      const layout = withOrder(new NumberLayout(t, name, scalingOf(name, d.scale, d.exponent)), order);
      return { type: t, layout, registers: typeRegisters[t], at, order, bit: undefined };
    }
    case 'bigint': {
      const t = type as BigIntType;
      const order = d.order === undefined ? defaultOrder : canonicalOrder(d.order, where);
      const layout = withOrder(new BigInt64Layout(t, name), order);
      return { type: t, layout, registers: 4, at, order, bit: undefined };
    }
    case 'string': {
      const registers = d.registers;
      if (!isIntegerIn(registers, 1, 0x10000)) {
        return invalid(name, `registers must be an integer from 1 to 65536, got ${describeValue(registers)}`);
      }
      const encoding = d.encoding ?? 'latin1';
      if (typeof encoding !== 'string' || !encodings.has(encoding)) {
        return invalid(name, `unknown encoding ${describeValue(encoding)} (expected ascii, latin1 or utf8)`);
      }
      const enc = encoding as StringEncoding;
      if (d.byteSwap !== undefined && typeof d.byteSwap !== 'boolean') {
        invalid(name, `byteSwap must be a boolean, got ${describeValue(d.byteSwap)}`);
      }
      const settings = {
        registers,
        byteSwap: d.byteSwap === true,
        pad: d.pad === undefined ? 0 : padByte(name, d.pad, enc),
        encoding: enc,
      };
      return {
        type: 'string',
        layout: new StringLayout(settings, name),
        registers,
        at,
        order: undefined,
        bit: undefined,
      };
    }
    case 'bit': {
      if (!isIntegerIn(d.bit, 0, 15)) return invalid(name, `bit must be 0–15, got ${describeValue(d.bit)}`);
      return {
        type: 'bit',
        layout: new BitLayout(d.bit, name),
        registers: 1,
        at,
        order: undefined,
        bit: d.bit,
      };
    }
  }
}
