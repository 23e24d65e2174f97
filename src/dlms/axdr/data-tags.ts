/**
 * The one-octet type tags of the A-XDR `Data` CHOICE (meterlink spec §6.3).
 *
 * @module
 */

import type { DataType, SimpleDataType } from './types.js';

/**
 * Type tag of every `Data` alternative, by name (§6.3), e.g. `dataTags['double-long-unsigned']`
 * is 6. Tags 7, 8, 11 and 14 are not used by DLMS/COSEM and have no name.
 */
export const dataTags = {
  /** `0x00` */
  'null-data': 0,
  /** `0x01` */
  array: 1,
  /** `0x02` */
  structure: 2,
  /** `0x03` */
  boolean: 3,
  /** `0x04` */
  'bit-string': 4,
  /** `0x05` */
  'double-long': 5,
  /** `0x06` */
  'double-long-unsigned': 6,
  /** `0x09` */
  'octet-string': 9,
  /** `0x0A` */
  'visible-string': 10,
  /** `0x0C` */
  'utf8-string': 12,
  /** `0x0D` */
  bcd: 13,
  /** `0x0F` */
  integer: 15,
  /** `0x10` */
  long: 16,
  /** `0x11` */
  unsigned: 17,
  /** `0x12` */
  'long-unsigned': 18,
  /** `0x13` */
  'compact-array': 19,
  /** `0x14` */
  long64: 20,
  /** `0x15` */
  'long64-unsigned': 21,
  /** `0x16` */
  enum: 22,
  /** `0x17` */
  float32: 23,
  /** `0x18` */
  float64: 24,
  /** `0x19` */
  'date-time': 25,
  /** `0x1A` */
  date: 26,
  /** `0x1B` */
  time: 27,
  /** `0x1C` */
  'delta-integer': 28,
  /** `0x1D` */
  'delta-long': 29,
  /** `0x1E` */
  'delta-double-long': 30,
  /** `0x1F` */
  'delta-unsigned': 31,
  /** `0x20` */
  'delta-long-unsigned': 32,
  /** `0x21` */
  'delta-double-long-unsigned': 33,
  /** `0xFF` */
  'dont-care': 255,
} as const satisfies Record<DataType, number>;

/**
 * The simple type named by a compact-array type-description tag (§6.6: 3–27 except 19, plus the
 * delta types 28–33, which newer editions define for compact data), or `undefined`.
 */
export function simpleTypeOfTag(tag: number): SimpleDataType | undefined {
  return simpleTypes[tag];
}

/** Index = tag. Frozen: a lookup table, not state. */
const simpleTypes: readonly (SimpleDataType | undefined)[] = Object.freeze([
  undefined,
  undefined,
  undefined,
  'boolean',
  'bit-string',
  'double-long',
  'double-long-unsigned',
  undefined,
  undefined,
  'octet-string',
  'visible-string',
  undefined,
  'utf8-string',
  'bcd',
  undefined,
  'integer',
  'long',
  'unsigned',
  'long-unsigned',
  undefined,
  'long64',
  'long64-unsigned',
  'enum',
  'float32',
  'float64',
  'date-time',
  'date',
  'time',
  'delta-integer',
  'delta-long',
  'delta-double-long',
  'delta-unsigned',
  'delta-long-unsigned',
  'delta-double-long-unsigned',
]);
