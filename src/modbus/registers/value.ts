/**
 * Single-value helpers: one number, bigint, string or bit to and from registers.
 *
 * @module
 */

import type { RegisterOrder } from './order.js';
import { RegisterLayout } from './register-layout.js';
import type { FieldDeclaration, FieldValue, RegisterInput } from './types.js';

/** Options of {@link encodeValue}. */
export interface EncodeValueOptions {
  /** Order used when the declaration has none. Default `'ABCD'`. */
  order?: RegisterOrder;
}

/** Options of {@link decodeValue}. */
export interface DecodeValueOptions extends EncodeValueOptions {
  /** Register index in the input where the value starts. Default 0. */
  start?: number;
}

function single<D extends FieldDeclaration>(
  declaration: D,
  order: RegisterOrder | undefined,
): RegisterLayout<{ value: FieldValue<D> }> {
  // A single value always starts at register 0: `at` of the declaration is ignored.
  const decl =
    typeof declaration === 'object' && declaration !== null ? { ...declaration, at: 0 } : declaration;
  return new RegisterLayout<{ value: FieldValue<D> }>({ value: decl }, order === undefined ? {} : { order });
}

/**
 * Encodes one value into registers (1 for 16-bit types and bits, 2 for 32-bit, 4 for 64-bit,
 * `registers` for strings). A bit is encoded in an otherwise zero register.
 *
 * @param type - a type name or a declaration as in {@link registerLayout} (`at` is ignored).
 * @example
 * ```ts
 * encodeValue('float32', 123.456);                          // Uint16Array [0x42F6, 0xE979]
 * encodeValue('float32', 123.456, { order: 'CDAB' });       // Uint16Array [0xE979, 0x42F6]
 * encodeValue('int64', -2n);                                // [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE]
 * encodeValue({ type: 'string', registers: 4 }, 'Modbus!'); // [0x4D6F, 0x6462, 0x7573, 0x2100]
 * ```
 * @throws {EncodeError} (field `value`) when the value has the wrong type, is out of range or
 * does not fit.
 * @throws {InvalidArgumentError} for an invalid declaration or order.
 */
export function encodeValue<const D extends FieldDeclaration>(
  type: D,
  value: FieldValue<D>,
  options: EncodeValueOptions = {},
): Uint16Array {
  return single(type, options.order).encode({ value });
}

/**
 * Decodes one value from registers or register bytes; input beyond the value is ignored.
 *
 * @param type - a type name or a declaration as in {@link registerLayout} (`at` is ignored).
 * @example
 * ```ts
 * decodeValue('int16', Uint16Array.of(0xfffe)); // -2
 * decodeValue('float32', Uint16Array.of(0xe979, 0x42f6), { order: 'CDAB' }); // 123.456 (as float32)
 * decodeValue('uint32', await client.readHoldingRegisters(0, 4), { start: 2 }); // registers 2–3
 * ```
 * @throws {DecodeError} (layer `modbus-registers`) when the input is too short.
 * @throws {InvalidArgumentError} for an invalid declaration, order or `start`.
 */
export function decodeValue<const D extends FieldDeclaration>(
  type: D,
  registers: RegisterInput,
  options: DecodeValueOptions = {},
): FieldValue<D> {
  return single(type, options.order).decode(registers, options.start ?? 0).value;
}
