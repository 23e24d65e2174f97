/**
 * One-octet enumerations whose values have names (Data-Access-Result, Action-Result, the
 * exception-response errors): decoded to the name when the value is known, else kept as the
 * number so it re-encodes to the same octet.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';

/** Value → name lookup of one enumeration (256 entries, read-only). */
export type EnumerationNames<N extends string> = readonly (N | undefined)[];

/**
 * Builds the value → name lookup of an `as const` name → value table.
 *
 * @param table - Names and their octet values.
 * @returns A 256-entry array indexed by the octet value.
 */
export function enumerationNames<N extends string>(table: Readonly<Record<N, number>>): EnumerationNames<N> {
  const names: (N | undefined)[] = new Array(256).fill(undefined);
  for (const name of Object.keys(table) as N[]) names[table[name]] = name;
  return names;
}

/**
 * Reads one enumeration octet.
 *
 * @returns The value's name, or the number itself when the table does not name it.
 * @throws DecodeError (the reader's layer) when the input ends
 */
export function readEnumeration<N extends string>(
  reader: ByteReader,
  names: EnumerationNames<N>,
  what: string,
): N | number {
  const value = reader.u8(what);
  return names[value] ?? value;
}

/**
 * Returns the octet value of a name or number.
 *
 * @throws EncodeError naming `field` for an unknown name or a number outside 0–255
 */
export function enumerationValue<N extends string>(
  table: Readonly<Record<N, number>>,
  value: N | number,
  field: string,
): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xff) return value;
    throw new EncodeError(field, `${value} is not an octet value (0–255)`);
  }
  const known = Object.hasOwn(table, value) ? table[value] : undefined;
  if (known === undefined) throw new EncodeError(field, `unknown name '${String(value)}'`);
  return known;
}

/**
 * Writes one enumeration octet.
 *
 * @throws EncodeError naming `field` for an unknown name or a number outside 0–255
 */
export function writeEnumeration<N extends string>(
  writer: ByteWriter,
  table: Readonly<Record<N, number>>,
  value: N | number,
  field: string,
): void {
  writer.u8(enumerationValue(table, value, field));
}
