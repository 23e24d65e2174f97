/**
 * Declarations of values stored in registers, and the TypeScript types inferred from them.
 *
 * @module
 */

import type { RegisterOrder } from './order.js';

/** Value types decoded as a JavaScript `number` (§12.1–§12.3). */
export type NumberType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** 64-bit integer types, decoded as a `bigint` so that no precision is lost (§12.3). */
export type BigIntType = 'int64' | 'uint64';

/** Every value type a field can have. */
export type ValueType = NumberType | BigIntType | 'string' | 'bit';

/** Text encodings of {@link StringField}. */
export type StringEncoding = 'ascii' | 'latin1' | 'utf8';

/** Options shared by every field declared as an object. */
export interface FieldBase {
  /**
   * Register offset of the field from the start of the layout. Default: right after the
   * previous field (bit fields: see {@link BitField}). Gaps are allowed, overlaps are not.
   */
  readonly at?: number;
}

/**
 * A numeric field: 16/32-bit integers or IEEE 754 floats.
 *
 * `scale` and `exponent` (at most one of them) turn a raw device value into a physical one:
 * decoding returns `raw × scale` or `raw × 10^exponent`, encoding divides and, for integer
 * types, rounds to the nearest integer (§12.5 "scaled integers").
 */
export interface NumberField extends FieldBase {
  /** The value type: 16/32-bit signed or unsigned integer, or IEEE 754 binary32/binary64 (§12.1–§12.3). */
  readonly type: NumberType;
  /** Byte/word order (§12.2). Default: the layout's `order`, itself `ABCD` by default. */
  readonly order?: RegisterOrder;
  /** Factor applied to the raw value on decode (finite, not 0). */
  readonly scale?: number;
  /** Power of ten applied to the raw value on decode (integer, −20…20), e.g. `-1` for tenths. */
  readonly exponent?: number;
}

/** A 64-bit integer field, decoded as a `bigint`. */
export interface BigIntField extends FieldBase {
  /** `'int64'` or `'uint64'`: four registers, decoded as a `bigint` (§12.3). */
  readonly type: BigIntType;
  /** Byte/word order (§12.3); `ABCDEFGH`-style aliases accepted. Default: the layout's `order`. */
  readonly order?: RegisterOrder;
}

/**
 * A fixed-size text field, two characters per register (§12.4).
 *
 * Decoding stops at the first 0x00 and removes trailing pad characters; encoding fills the
 * unused bytes with the pad character.
 */
export interface StringField extends FieldBase {
  /** Discriminant: a text field of `registers` registers. */
  readonly type: 'string';
  /** Size of the field in registers (1 or more); it holds `2 × registers` bytes. */
  readonly registers: number;
  /** `true` when the first character is in the low byte of each register. Default `false`. */
  readonly byteSwap?: boolean;
  /** Pad byte, as a number 0–255 or a one-character string. Default `0x00` (some devices use `' '`). */
  readonly pad?: number | string;
  /**
   * Default `'latin1'`: one byte per character, lossless for every byte. `'ascii'` decodes the
   * same way but refuses characters above U+007F on encode. `'utf8'` decodes malformed bytes to
   * U+FFFD.
   */
  readonly encoding?: StringEncoding;
}

/**
 * One bit of a register (bit 0 = least significant, §12.5), decoded as a `boolean`.
 *
 * Without `at`, a bit field shares the register of the bit field declared just before it when
 * its bit is still free there; otherwise it takes the next register.
 */
export interface BitField extends FieldBase {
  /** Discriminant: a single bit of one register. */
  readonly type: 'bit';
  /** Bit number, 0–15. */
  readonly bit: number;
}

/** A field: a type name as shorthand (numbers and 64-bit integers), or a full declaration. */
export type FieldDeclaration = NumberType | BigIntType | NumberField | BigIntField | StringField | BitField;

/** The fields of a layout by name, in register order of declaration. */
export type FieldDeclarations = { readonly [name: string]: FieldDeclaration };

/** The JavaScript type of a decoded field: `number`, `bigint`, `string` or `boolean`. */
export type FieldValue<D extends FieldDeclaration> = D extends NumberType | NumberField
  ? number
  : D extends BigIntType | BigIntField
    ? bigint
    : D extends StringField
      ? string
      : D extends BitField
        ? boolean
        : never;

/** The object a layout with fields `F` decodes to (and encodes from). */
export type LayoutValue<F extends FieldDeclarations> = { -readonly [K in keyof F]: FieldValue<F[K]> };

/** Registers to decode: register values, or their bytes (each register high byte first). */
export type RegisterInput = Uint16Array | Uint8Array;
