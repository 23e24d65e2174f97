/**
 * Typed register maps: declare a block of registers once, then decode and encode it as an
 * object whose TypeScript type follows from the declaration.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../core/errors.js';
import { compileField } from './field.js';
import { describeValue } from './number-layouts.js';
import { type CanonicalRegisterOrder, canonicalOrder, type RegisterOrder } from './order.js';
import { type PlacedField, RegisterStructure } from './structure.js';
import type { FieldDeclarations, LayoutValue, RegisterInput, ValueType } from './types.js';

/** Registers in a Modbus table (§2): a layout can never be larger. */
const tableSize = 0x10000;

/** Options of {@link registerLayout}. */
export interface RegisterLayoutOptions {
  /** Order of the numeric and 64-bit fields that do not declare their own. Default `'ABCD'`. */
  order?: RegisterOrder;
  /**
   * Size of the block in registers, when it extends past its last field (trailing gap).
   * Default: the end of the last field.
   */
  registers?: number;
}

/** Where a field sits in its layout (as computed from the declarations). */
export interface RegisterFieldInfo {
  /** Field name (the key in the decoded object). */
  readonly name: string;
  /** Value type of the field (a shorthand declaration such as `'float32'` gives that type). */
  readonly type: ValueType;
  /** Register offset from the start of the layout. */
  readonly register: number;
  /** Number of registers the field spans. */
  readonly registers: number;
  /** Canonical order of numeric and 64-bit fields. */
  readonly order?: CanonicalRegisterOrder;
  /** Bit number of bit fields. */
  readonly bit?: number;
}

interface Occupant {
  readonly name: string;
  readonly mask: number;
}

/**
 * A block of registers described field by field; create it with {@link registerLayout}.
 *
 * `T` is the decoded object type. Layouts are immutable and can be shared.
 *
 * @example
 * ```ts
 * const layout = registerLayout({ voltage: 'float32', energy: 'uint32' });
 * layout.registers; // 4
 * const registers = layout.encode({ voltage: 230.5, energy: 123456 }); // Uint16Array [0x4366, 0x8000, 0x0001, 0xE240]
 * layout.decode(registers); // { voltage: 230.5, energy: 123456 }
 * ```
 */
export class RegisterLayout<T> {
  /** Number of registers the block spans, gaps included. */
  readonly registers: number;
  /** The fields in declaration order, with their computed positions. */
  readonly fields: readonly RegisterFieldInfo[];
  private readonly structure: RegisterStructure;

  /**
   * Prefer {@link registerLayout}, which infers `T` from the declarations.
   *
   * @throws {InvalidArgumentError} for an invalid declaration or option, overlapping fields, or a
   * block larger than 65536 registers.
   */
  constructor(fields: FieldDeclarations, options: RegisterLayoutOptions = {}) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new InvalidArgumentError(
        `registerLayout: expected an object of fields, got ${describeValue(fields)}`,
      );
    }
    const defaultOrder = canonicalOrder(options.order ?? 'ABCD', 'registerLayout options.order');
    const names = Object.keys(fields);
    if (names.length === 0)
      throw new InvalidArgumentError('registerLayout: a layout needs at least one field');

    const occupied = new Map<number, Occupant[]>();
    const placed: PlacedField[] = [];
    const infos: RegisterFieldInfo[] = [];
    let cursor = 0;
    let end = 0;
    let previousBit: number | undefined; // register of the previous field when it was a bit field

    for (const name of names) {
      if (name === '__proto__')
        throw new InvalidArgumentError("registerLayout: '__proto__' cannot be a field name");
      const field = compileField(name, fields[name]!, defaultOrder);
      const mask = field.bit === undefined ? 0xffff : 1 << field.bit;
      let register = field.at ?? cursor;
      // Consecutive bit fields fill one register while their bits are free there.
      if (field.at === undefined && field.bit !== undefined && previousBit !== undefined) {
        if (!(occupied.get(previousBit) ?? []).some((o) => (o.mask & mask) !== 0)) register = previousBit;
      }
      const fieldEnd = register + field.registers;
      if (fieldEnd > tableSize) {
        throw new InvalidArgumentError(
          `field '${name}': registers ${register}–${fieldEnd - 1} go past the 65536 registers of a table`,
        );
      }
      for (let r = register; r < fieldEnd; r++) {
        const list = occupied.get(r);
        const clash = list?.find((o) => (o.mask & mask) !== 0);
        if (clash !== undefined) {
          const what = field.bit === undefined ? `register ${r}` : `register ${r} bit ${field.bit}`;
          throw new InvalidArgumentError(`fields '${clash.name}' and '${name}' overlap at ${what}`);
        }
        if (list === undefined) occupied.set(r, [{ name, mask }]);
        else list.push({ name, mask });
      }
      placed.push({ name, layout: field.layout, byteOffset: register * 2 });
      const info: RegisterFieldInfo = { name, type: field.type, register, registers: field.registers };
      infos.push(
        field.order !== undefined
          ? { ...info, order: field.order }
          : field.bit !== undefined
            ? { ...info, bit: field.bit }
            : info,
      );
      cursor = fieldEnd;
      end = Math.max(end, fieldEnd);
      previousBit = field.bit === undefined ? undefined : register;
    }

    let registers = end;
    if (options.registers !== undefined) {
      const r = options.registers;
      if (typeof r !== 'number' || !Number.isInteger(r) || r < end || r > tableSize) {
        throw new InvalidArgumentError(
          `registerLayout options.registers must be an integer from ${end} (end of the last field) to ${tableSize}, got ${describeValue(r)}`,
        );
      }
      registers = r;
    }
    this.registers = registers;
    this.fields = Object.freeze(infos.map((i) => Object.freeze(i)));
    this.structure = new RegisterStructure(placed, registers * 2);
  }

  /**
   * Decodes the block from registers, or from their bytes (each register high byte first, as
   * in an FC3/FC4 response). Input beyond the block is ignored.
   *
   * @param input - register values, or register bytes.
   * @param start - register index in `input` where the block starts. Default 0.
   * @throws {DecodeError} (layer `modbus-registers`) when `input` ends before the block does;
   * `offset` is the byte length of the input (where it ended).
   * @throws {InvalidArgumentError} for a bad `start` or an input that is not a Uint16Array or
   * Uint8Array.
   */
  decode(input: RegisterInput, start = 0): T {
    if (!Number.isInteger(start) || start < 0) {
      throw new InvalidArgumentError(
        `decode: start must be a register index ≥ 0, got ${describeValue(start)}`,
      );
    }
    const bytes = this.registers * 2;
    if (input instanceof Uint8Array) {
      const available = Math.floor((input.length - start * 2) / 2);
      if (available < this.registers) this.tooShort(input, available, start, input.length);
      const buf = Buffer.isBuffer(input)
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      return this.structure.decode(buf, start * 2) as T;
    }
    if (input instanceof Uint16Array) {
      const available = input.length - start;
      if (available < this.registers) this.tooShort(registerBytes(input), available, start, input.length * 2);
      const buf = Buffer.allocUnsafe(bytes);
      for (let i = 0; i < this.registers; i++) {
        const word = input[start + i]!;
        buf[2 * i] = word >>> 8;
        buf[2 * i + 1] = word & 0xff;
      }
      return this.structure.decode(buf, 0) as T;
    }
    throw new InvalidArgumentError(
      `decode: expected a Uint16Array or a Uint8Array, got ${describeValue(input)}`,
    );
  }

  /**
   * Encodes a complete value into `registers` registers (gaps are 0).
   *
   * Properties that are not fields are ignored.
   *
   * @throws {EncodeError} naming the field that is missing, of the wrong type or out of range.
   */
  encode(value: T): Uint16Array {
    const src = asRecord(value);
    const buf = Buffer.alloc(this.registers * 2);
    this.structure.encodeFields(src, buf, 0, false);
    return toRegisters(buf, new Uint16Array(this.registers), 0);
  }

  /**
   * Writes the fields present in `value` into an existing register image, leaving the other
   * registers (and the other bits of registers holding bit fields) unchanged: the way to
   * change some fields of a block read earlier. `target` is changed only when every present
   * field encodes.
   *
   * @param start - register index in `target` where the block starts. Default 0.
   * @returns `target`.
   * @throws {EncodeError} naming the field that is of the wrong type or out of range.
   * @throws {InvalidArgumentError} when `target` is too short for the block at `start`.
   */
  encodeInto(value: Partial<T>, target: Uint16Array, start = 0): Uint16Array {
    const src = asRecord(value);
    if (!(target instanceof Uint16Array)) {
      throw new InvalidArgumentError(
        `encodeInto: target must be a Uint16Array, got ${describeValue(target)}`,
      );
    }
    if (!Number.isInteger(start) || start < 0 || start + this.registers > target.length) {
      throw new InvalidArgumentError(
        `encodeInto: ${this.registers} registers from index ${start} do not fit a target of ${target.length}`,
      );
    }
    const buf = Buffer.allocUnsafe(this.registers * 2);
    for (let i = 0; i < this.registers; i++) {
      const word = target[start + i]!;
      buf[2 * i] = word >>> 8;
      buf[2 * i + 1] = word & 0xff;
    }
    this.structure.encodeFields(src, buf, 0, true);
    return toRegisters(buf, target, start);
  }

  private tooShort(bytes: Uint8Array, available: number, start: number, offset: number): never {
    const have = Math.max(0, available);
    const cut = this.fields
      .filter((f) => f.register + f.registers > have)
      .sort((a, b) => a.register - b.register)[0];
    const where =
      cut === undefined
        ? 'the trailing gap is cut'
        : `field '${cut.name}' (registers ${cut.register}–${cut.register + cut.registers - 1}) is cut`;
    throw new DecodeError(
      `input ends after ${have} of ${this.registers} registers from register ${start}; ${where}`,
      {
        layer: 'modbus-registers',
        offset,
        expected: `${this.registers} registers (${this.registers * 2} bytes) from register ${start}`,
        bytes,
      },
    );
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EncodeError(
      'value',
      `expected an object with the layout's fields, got ${describeValue(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

function registerBytes(registers: Uint16Array): Uint8Array {
  const out = new Uint8Array(registers.length * 2);
  for (let i = 0; i < registers.length; i++) {
    out[2 * i] = registers[i]! >>> 8;
    out[2 * i + 1] = registers[i]! & 0xff;
  }
  return out;
}

function toRegisters(buf: Buffer, target: Uint16Array, start: number): Uint16Array {
  for (let i = 0; i < buf.length >> 1; i++) target[start + i] = (buf[2 * i]! << 8) | buf[2 * i + 1]!;
  return target;
}

/**
 * Declares a block of registers once, to decode and encode it as a typed object.
 *
 * Fields are packed in declaration order unless they give an explicit register offset `at`
 * (gaps allowed, overlaps refused). A type name is shorthand for `{ type }`. Decoded types:
 * `number` for int16/uint16/int32/uint32/float32/float64, `bigint` for int64/uint64,
 * `string` for strings and `boolean` for bits.
 *
 * `encode` needs every field; `encodeInto` updates the fields present in a partial object.
 *
 * @example
 * ```ts
 * const meter = registerLayout({
 *   voltage: 'float32',
 *   current: { type: 'float32', order: 'CDAB' },
 *   energy: { type: 'uint64' },                   // bigint
 *   power: { type: 'int16', exponent: -1 },       // tenths of a watt on the wire
 *   status: { type: 'uint16', at: 14 },           // explicit offset, gap before it
 *   alarm: { type: 'bit', bit: 0 },               // these two share register 15
 *   ready: { type: 'bit', bit: 1 },
 *   serial: { type: 'string', registers: 8 },
 * }, { order: 'ABCD' });
 * meter.registers;                                // 24
 * const m = meter.decode(registers);              // { voltage: number, energy: bigint, serial: string, … }
 * const regs = meter.encode({ ...m, power: 230.5 });
 * ```
 * @throws {InvalidArgumentError} for an unknown type, order or option, an option out of range,
 * overlapping fields, an empty layout, or a block past 65536 registers.
 */
export function registerLayout<const F extends FieldDeclarations>(
  fields: F,
  options?: RegisterLayoutOptions,
): RegisterLayout<LayoutValue<F>> {
  return new RegisterLayout<LayoutValue<F>>(fields, options);
}

/** The decoded object type of a layout: `RegisterLayoutValue<typeof meter>`. */
export type RegisterLayoutValue<L> = L extends RegisterLayout<infer T> ? T : never;
