/**
 * Reading the untyped JSON of a meter definition: each check names the path of the offending
 * field in a {@link MeterDefinitionError}.
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
import type { Data } from '../../axdr/types.js';
import { type NumericData, numericData } from '../objects/data-values.js';

/**
 * A meter definition that cannot be loaded; `path` names the field (`objects[3].scaler`).
 *
 * @example
 * ```ts
 * try {
 *   loadMeterDefinition('{ "objects": [{ "class": "regster", "obis": "1.0.1.8.0.255" }] }');
 * } catch (e) {
 *   if (e instanceof MeterDefinitionError) console.error(e.path); // 'objects[0].class'
 * }
 * ```
 */
export class MeterDefinitionError extends InvalidArgumentError {
  static override readonly brand: string = 'MeterDefinitionError';
  /** Path of the offending field, e.g. `objects[3].columns[1]` (`''` = the whole definition). */
  readonly path: string;

  /**
   * @param path - Path of the offending field.
   * @param problem - What is wrong with it.
   */
  constructor(path: string, problem: string) {
    super(`meter definition${path === '' ? '' : ` ${path}`}: ${problem}`);
    this.path = path;
  }
}

/** A JSON object's fields, each read with its path. */
export class Fields {
  readonly #value: Readonly<Record<string, unknown>>;
  /** Path of the object. */
  readonly path: string;

  /**
   * @param value - The candidate object.
   * @param path - Its path.
   * @param allowed - The field names it may have: any other is refused (catches typos). Default: any.
   * @throws MeterDefinitionError when `value` is not an object or has an unknown field
   */
  constructor(value: unknown, path: string, allowed?: readonly string[]) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MeterDefinitionError(path, `must be an object, got ${describe(value)}`);
    }
    this.#value = value as Record<string, unknown>;
    this.path = path;
    for (const key of Object.keys(value)) {
      if (allowed !== undefined && !allowed.includes(key)) {
        throw new MeterDefinitionError(
          this.at(key),
          `unknown field (expected one of: ${allowed.join(', ')})`,
        );
      }
    }
  }

  /** The path of field `key`. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** The raw value of field `key`. */
  raw(key: string): unknown {
    return this.#value[key];
  }

  /** Whether field `key` is given. */
  has(key: string): boolean {
    return this.#value[key] !== undefined;
  }

  /** An integer field within `min`–`max`, or `fallback` when absent. */
  integer(key: string, min: number, max: number, fallback: number): number;
  /** An integer field within `min`–`max`, or undefined when absent. */
  integer(key: string, min: number, max: number): number | undefined;
  integer(key: string, min: number, max: number, fallback?: number): number | undefined {
    const value = this.#value[key];
    if (value === undefined) return fallback;
    return integerAt(value, this.at(key), min, max);
  }

  /** A finite number field, or `fallback` when absent. */
  number(key: string, fallback?: number): number {
    const value = this.#value[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new MeterDefinitionError(this.at(key), `must be a number, got ${describe(value)}`);
    }
    return value;
  }

  /** A string field, or `fallback` when absent. */
  text(key: string, fallback?: string): string {
    const value = this.#value[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string')
      throw new MeterDefinitionError(this.at(key), `must be a string, got ${describe(value)}`);
    return value;
  }

  /** A boolean field, or `fallback` when absent. */
  flag(key: string, fallback: boolean): boolean {
    const value = this.#value[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean')
      throw new MeterDefinitionError(this.at(key), `must be true or false, got ${describe(value)}`);
    return value;
  }

  /** An array field (empty when absent). */
  list(key: string): unknown[] {
    const value = this.#value[key];
    if (value === undefined) return [];
    if (!Array.isArray(value))
      throw new MeterDefinitionError(this.at(key), `must be an array, got ${describe(value)}`);
    return value;
  }
}

/** A short description of a JSON value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** An integer within `min`–`max`. */
export function integerAt(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MeterDefinitionError(path, `must be an integer ${min}…${max}, got ${describe(value)}`);
  }
  return value;
}

const integerTypes: Readonly<Record<string, readonly [number, number]>> = {
  integer: [-128, 127],
  long: [-32768, 32767],
  'double-long': [-0x80000000, 0x7fffffff],
  unsigned: [0, 0xff],
  'long-unsigned': [0, 0xffff],
  'double-long-unsigned': [0, 0xffffffff],
  enum: [0, 0xff],
};
const bigTypes: Readonly<Record<string, readonly [bigint, bigint]>> = {
  long64: [-(2n ** 63n), 2n ** 63n - 1n],
  'long64-unsigned': [0n, 2n ** 64n - 1n],
};

/** The number-valued `Data` types a definition may name. */
export const numericTypes: readonly string[] = [
  ...Object.keys(integerTypes),
  ...Object.keys(bigTypes),
  'float32',
  'float64',
];

/** A numeric type name, checked. */
export function numericType(value: unknown, path: string): NumericData['type'] {
  if (typeof value !== 'string' || !numericTypes.includes(value)) {
    throw new MeterDefinitionError(
      path,
      `must be a numeric type (${numericTypes.join(', ')}), got ${describe(value)}`,
    );
  }
  return value as NumericData['type'];
}

/**
 * A fixed `Data` value of `type` from JSON: numbers (64-bit types also as decimal strings) within
 * the type's range, strings, booleans, and octet-strings as hex.
 */
export function typedValue(type: string, value: unknown, path: string): Data {
  const bad = (what: string): never => {
    throw new MeterDefinitionError(path, `must be ${what} for type ${type}, got ${describe(value)}`);
  };
  const integerRange = integerTypes[type];
  if (integerRange !== undefined) {
    return numericData(type as NumericData['type'], integerAt(value, path, integerRange[0], integerRange[1]));
  }
  const bigRange = bigTypes[type];
  if (bigRange !== undefined) {
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text !== 'string' || !/^-?\d+$/.test(text)) return bad('an integer or a decimal string');
    const n = BigInt(text);
    if (n < bigRange[0] || n > bigRange[1]) return bad(`within ${bigRange[0]}…${bigRange[1]}`);
    return { type: type as 'long64', value: n };
  }
  switch (type) {
    case 'float32':
    case 'float64':
      return typeof value === 'number' && Number.isFinite(value) ? { type, value } : bad('a number');
    case 'boolean':
      return typeof value === 'boolean' ? { type, value } : bad('true or false');
    case 'visible-string':
      return typeof value === 'string' && /^[\x20-\x7e]*$/.test(value)
        ? { type, value }
        : bad('a printable ASCII string');
    case 'utf8-string':
      return typeof value === 'string' ? { type, value } : bad('a string');
    case 'octet-string': {
      if (typeof value !== 'string' || !/^([0-9a-f]{2})*$/i.test(value)) return bad('a hex string');
      return { type, value: Uint8Array.from(value.match(/../g) ?? [], (h) => Number.parseInt(h, 16)) };
    }
    default:
      throw new MeterDefinitionError(
        path,
        `type ${describe(type)} is not one of ${[...numericTypes, 'boolean', 'visible-string', 'utf8-string', 'octet-string'].join(', ')}`,
      );
  }
}
