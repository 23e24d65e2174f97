/**
 * Values spanning Modbus registers (spec §12): 16/32/64-bit integers and floats in the four
 * byte/word orders, strings, bits and scaled values, and typed register maps built on
 * `buffer-layout`.
 *
 * @module
 */

export { holdingBlock, inputBlock, type RegisterBlock, type RegisterTable } from './block.js';
export { type CanonicalRegisterOrder, RegisterOrder } from './order.js';
export {
  type RegisterFieldInfo,
  RegisterLayout,
  type RegisterLayoutOptions,
  type RegisterLayoutValue,
  registerLayout,
} from './register-layout.js';
export type {
  BigIntField,
  BigIntType,
  BitField,
  FieldBase,
  FieldDeclaration,
  FieldDeclarations,
  FieldValue,
  LayoutValue,
  NumberField,
  NumberType,
  RegisterInput,
  StringEncoding,
  StringField,
  ValueType,
} from './types.js';
export { type DecodeValueOptions, decodeValue, type EncodeValueOptions, encodeValue } from './value.js';
