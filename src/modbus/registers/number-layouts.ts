/**
 * buffer-layout layouts for numbers spanning registers: checked 16/32-bit integers and floats,
 * 64-bit integers as `bigint`, and the word/byte orders of §12.2–§12.3.
 *
 * Every layout works on big-endian bytes; {@link WordOrderLayout} moves the bytes of another
 * order into place around it. Encoders validate the value first and throw an
 * {@link EncodeError} naming the layout's `property` (the field name).
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { EncodeError } from '../../core/errors.js';
import { DoubleBE, FloatBE, IntBE, Layout, UIntBE } from './layout-lib.js';
import type { BigIntType, NumberType } from './types.js';

/** Describes an unexpected value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Inclusive ranges of the integer types. */
const integerRange: Readonly<Record<Exclude<NumberType, 'float32' | 'float64'>, readonly [number, number]>> =
  {
    int16: [-0x8000, 0x7fff],
    uint16: [0, 0xffff],
    int32: [-0x8000_0000, 0x7fff_ffff],
    uint32: [0, 0xffff_ffff],
  };

/** Register count of every numeric and 64-bit type. */
export const typeRegisters: Readonly<Record<NumberType | BigIntType, number>> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  float64: 4,
  int64: 4,
  uint64: 4,
};

/** Multiplier and divisor applied to a raw value on decode (and reversed on encode). */
export interface Scaling {
  readonly mul: number;
  readonly div: number;
}

function stockLayout(type: NumberType): Layout<number> {
  switch (type) {
    case 'int16':
      return new IntBE(2);
    case 'uint16':
      return new UIntBE(2);
    case 'int32':
      return new IntBE(4);
    case 'uint32':
      return new UIntBE(4);
    case 'float32':
      return new FloatBE();
    case 'float64':
      return new DoubleBE();
  }
}

/**
 * A big-endian 16/32-bit integer or IEEE 754 float, optionally scaled.
 *
 * Encoding refuses non-numbers, non-integers and out-of-range values for integer types, and
 * finite values too large for binary32 (they would silently become ±Infinity). NaN and
 * ±Infinity are valid floats. With a scaling, integer types round `value / scale` to the nearest
 * integer: the scale is the resolution of the device.
 */
export class NumberLayout extends Layout<number> {
  /** The value type. */
  readonly type: NumberType;
  private readonly inner: Layout<number>;
  private readonly range: readonly [number, number] | undefined;
  private readonly scaling: Scaling | undefined;

  constructor(type: NumberType, property?: string, scaling?: Scaling) {
    const inner = stockLayout(type);
    super(inner.span, property);
    this.type = type;
    this.inner = inner;
    this.range = type === 'float32' || type === 'float64' ? undefined : integerRange[type];
    this.scaling = scaling;
  }

  override decode(b: Buffer, offset = 0): number {
    const raw = this.inner.decode(b, offset);
    const s = this.scaling;
    return s === undefined ? raw : (raw * s.mul) / s.div;
  }

  override encode(src: number, b: Buffer, offset = 0): number {
    const field = this.property ?? 'value';
    if (typeof src !== 'number') {
      throw new EncodeError(field, `${this.type} needs a number, got ${describeValue(src)}`);
    }
    let raw = src;
    const s = this.scaling;
    if (s !== undefined) {
      raw = (src * s.div) / s.mul;
      if (this.range !== undefined) raw = Math.round(raw);
    }
    const scaled = s === undefined ? '' : ` (raw value ${raw} after scaling)`;
    const range = this.range;
    if (range !== undefined) {
      if (!Number.isInteger(raw)) {
        throw new EncodeError(field, `${this.type} needs an integer, got ${src}${scaled}`);
      }
      if (raw < range[0] || raw > range[1]) {
        throw new EncodeError(
          field,
          `${src}${scaled} is out of range for ${this.type} (${range[0]}…${range[1]})`,
        );
      }
    } else if (this.type === 'float32' && Number.isFinite(raw) && !Number.isFinite(Math.fround(raw))) {
      throw new EncodeError(field, `${src}${scaled} is too large for float32`);
    }
    return this.inner.encode(raw, b, offset);
  }
}

const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;
const uint64Max = (1n << 64n) - 1n;

/**
 * A big-endian 64-bit integer as a `bigint`: buffer-layout's own 64-bit layouts return lossy
 * JavaScript numbers, so this one reads and writes the exact value.
 */
export class BigInt64Layout extends Layout<bigint> {
  /** The value type. */
  readonly type: BigIntType;

  constructor(type: BigIntType, property?: string) {
    super(8, property);
    this.type = type;
  }

  override decode(b: Buffer, offset = 0): bigint {
    return this.type === 'int64' ? b.readBigInt64BE(offset) : b.readBigUInt64BE(offset);
  }

  override encode(src: bigint, b: Buffer, offset = 0): number {
    const field = this.property ?? 'value';
    if (typeof src !== 'bigint') {
      throw new EncodeError(field, `${this.type} needs a bigint, got ${describeValue(src)}`);
    }
    if (this.type === 'int64') {
      if (src < int64Min || src > int64Max) {
        throw new EncodeError(field, `${src}n is out of range for int64 (${int64Min}…${int64Max})`);
      }
      b.writeBigInt64BE(src, offset);
    } else {
      if (src < 0n || src > uint64Max) {
        throw new EncodeError(field, `${src}n is out of range for uint64 (0…${uint64Max})`);
      }
      b.writeBigUInt64BE(src, offset);
    }
    return 8;
  }
}

/**
 * Wraps a big-endian layout to read and write it in another byte/word order (§12.2, §12.3).
 *
 * `permutation[i]` is the position on the wire of the value's big-endian byte `i`. The bytes
 * are gathered into a scratch buffer owned by this instance; that is safe because decode and
 * encode are synchronous and call no user code, so they cannot be re-entered.
 */
export class WordOrderLayout<T> extends Layout<T> {
  private readonly inner: Layout<T>;
  private readonly permutation: Uint8Array;
  private readonly scratch: Buffer;

  constructor(inner: Layout<T>, permutation: Uint8Array) {
    super(inner.span, inner.property);
    this.inner = inner;
    this.permutation = permutation;
    this.scratch = Buffer.alloc(inner.span);
  }

  override decode(b: Buffer, offset = 0): T {
    const { permutation: perm, scratch } = this;
    for (let i = 0; i < perm.length; i++) scratch[i] = b[offset + perm[i]!]!;
    return this.inner.decode(scratch, 0);
  }

  override encode(src: T, b: Buffer, offset = 0): number {
    const { permutation: perm, scratch } = this;
    this.inner.encode(src, scratch, 0);
    for (let i = 0; i < perm.length; i++) b[offset + perm[i]!] = scratch[i]!;
    return perm.length;
  }
}
