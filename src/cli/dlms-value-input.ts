/**
 * Values for `set` and `action` from the command line: the typed JSON form that `--json` prints
 * (`{"type":"long-unsigned","value":7}`), or the short form `<type>:<text>` (`long-unsigned:7`,
 * `u16:7`, `octet-string:0A0B`, `visible-string:abc`, `date-time:2024-06-15T12:00:00Z`,
 * `obis:1.0.1.8.0.255`), or `null`, `true`, `false`.
 *
 * @module
 */

import { dateToCosemDateTime } from '../dlms/axdr/calendar-instant.js';
import type { CosemDateTime, Data, TypeDescription } from '../dlms/axdr/types.js';
import { parseObis } from '../dlms/cosem/obis.js';
import { UsageError } from './args.js';

/** Integer types and their ranges. */
const integerRanges: Readonly<Record<string, readonly [number, number]>> = {
  integer: [-0x80, 0x7f],
  long: [-0x8000, 0x7fff],
  'double-long': [-0x80000000, 0x7fffffff],
  unsigned: [0, 0xff],
  'long-unsigned': [0, 0xffff],
  'double-long-unsigned': [0, 0xffffffff],
  enum: [0, 0xff],
  bcd: [0, 99],
  'delta-integer': [-0x80, 0x7f],
  'delta-long': [-0x8000, 0x7fff],
  'delta-double-long': [-0x80000000, 0x7fffffff],
  'delta-unsigned': [0, 0xff],
  'delta-long-unsigned': [0, 0xffff],
  'delta-double-long-unsigned': [0, 0xffffffff],
};

const bigRanges: Readonly<Record<string, readonly [bigint, bigint]>> = {
  long64: [-(2n ** 63n), 2n ** 63n - 1n],
  'long64-unsigned': [0n, 2n ** 64n - 1n],
};

/** Short names of the short form. */
const aliases: Readonly<Record<string, string>> = {
  i8: 'integer',
  u8: 'unsigned',
  i16: 'long',
  u16: 'long-unsigned',
  i32: 'double-long',
  u32: 'double-long-unsigned',
  i64: 'long64',
  u64: 'long64-unsigned',
  f32: 'float32',
  f64: 'float64',
  bool: 'boolean',
  string: 'visible-string',
  utf8: 'utf8-string',
  hex: 'octet-string',
};

const otherTypes = [
  'null-data',
  'boolean',
  'bit-string',
  'octet-string',
  'visible-string',
  'utf8-string',
  'float32',
  'float64',
  'date-time',
  'date',
  'time',
  'array',
  'structure',
  'compact-array',
  'dont-care',
];

/** Every type name the typed JSON form accepts. */
const typeNames = new Set([...Object.keys(integerRanges), ...Object.keys(bigRanges), ...otherTypes]);

const example = 'e.g. long-unsigned:7, visible-string:abc or {"type":"long-unsigned","value":7}';

/** Reads one value; `what` names it in errors (`<value>`, `[parameter]`). */
class ValueReader {
  constructor(
    readonly what: string,
    readonly command: string,
  ) {}

  fail(path: string, message: string): never {
    throw new UsageError(`${this.what}${path === '' ? '' : ` at ${path}`}: ${message}`, this.command);
  }

  integer(type: string, value: unknown, path: string): number {
    const [min, max] = integerRanges[type]!;
    const n =
      typeof value === 'string' && /^[-+]?(\d+|0x[0-9a-f]+)$/i.test(value) ? parseSigned(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.fail(path, `${type} must be an integer ${min}–${max}`);
    }
    return n;
  }

  big(type: string, value: unknown, path: string): bigint {
    const [min, max] = bigRanges[type]!;
    let n: bigint | undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    if (typeof value === 'string' && /^[-+]?\d+$/.test(value)) n = BigInt(value);
    if (n === undefined || n < min || n > max) this.fail(path, `${type} must be an integer ${min}–${max}`);
    return n;
  }

  float(type: string, value: unknown, path: string): number {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || Number.isNaN(n)) this.fail(path, `${type} must be a number`);
    return n;
  }

  octets(value: unknown, path: string): Uint8Array {
    const text = typeof value === 'string' ? value.replace(/^0x/i, '').replace(/[\s:]/g, '') : undefined;
    if (text === undefined || !/^([0-9a-f]{2})*$/i.test(text)) {
      this.fail(path, 'octet-string must be hex text with an even number of digits');
    }
    return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  }

  bits(value: unknown, path: string): boolean[] {
    if (typeof value !== 'string' || !/^[01]*$/.test(value))
      this.fail(path, 'bit-string must be a text of 0 and 1');
    return [...value].map((c) => c === '1');
  }

  dateTime(value: unknown, path: string): CosemDateTime {
    if (typeof value === 'string') {
      const date = value === 'now' ? new Date() : new Date(value);
      if (Number.isNaN(date.getTime())) this.fail(path, 'date-time must be an ISO 8601 date-time or now');
      // Written in UTC (deviation 0): the meter converts, and no local zone is guessed.
      return dateToCosemDateTime(date, { deviation: 0 });
    }
    if (typeof value !== 'object' || value === null) {
      this.fail(path, 'date-time must be an ISO 8601 text or the fields object --json prints');
    }
    // The fields object of `--json`: checked field by field when encoded.
    return value as CosemDateTime;
  }

  /** A value of the typed JSON form. */
  json(input: unknown, path: string): Data {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      this.fail(path, `expected {"type": …, "value": …}, ${example}`);
    }
    const { type, value, description } = input as { type?: unknown; value?: unknown; description?: unknown };
    if (typeof type !== 'string' || !typeNames.has(type)) {
      this.fail(
        path,
        `unknown type ${JSON.stringify(type)} (expected an A-XDR type name such as long-unsigned)`,
      );
    }
    return this.typed(type, value, path, description);
  }

  typed(type: string, value: unknown, path: string, description?: unknown): Data {
    if (type in integerRanges) return { type, value: this.integer(type, value, path) } as Data;
    if (type in bigRanges) return { type, value: this.big(type, value, path) } as Data;
    switch (type) {
      case 'null-data':
      case 'dont-care':
        return { type };
      case 'boolean':
        if (typeof value === 'boolean') return { type, value };
        if (value === 'true' || value === '1') return { type, value: true };
        if (value === 'false' || value === '0') return { type, value: false };
        return this.fail(path, 'boolean must be true or false');
      case 'float32':
      case 'float64':
        return { type, value: this.float(type, value, path) };
      case 'octet-string':
        return { type, value: this.octets(value, path) };
      case 'bit-string':
        return { type, value: this.bits(value, path) };
      case 'visible-string':
      case 'utf8-string':
        if (typeof value !== 'string') this.fail(path, `${type} must be a text`);
        return { type, value };
      case 'date-time':
        return { type, value: this.dateTime(value, path) };
      case 'date':
      case 'time':
        if (typeof value !== 'object' || value === null) this.fail(path, `${type} must be the fields object`);
        return { type, value } as Data;
      default: {
        if (!Array.isArray(value)) this.fail(path, `${type} must have a list of typed elements as value`);
        const elements = value.map((v, i) => this.json(v, `${path}[${i}]`));
        if (type !== 'compact-array') return { type, value: elements } as Data;
        if (typeof description !== 'object' || description === null) {
          this.fail(path, 'compact-array needs its element description');
        }
        return { type, description: description as TypeDescription, value: elements };
      }
    }
  }
}

function parseSigned(text: string): number {
  const negative = text.startsWith('-');
  const magnitude = Number(text.replace(/^[-+]/, ''));
  return negative ? -magnitude : magnitude;
}

/**
 * Reads a value given on the command line (see the module comment for the forms).
 *
 * @param what - names the argument in error messages (`<value>`)
 * @throws {@link UsageError} naming the argument and the problem
 * @example
 * ```ts
 * parseDataArgument('u16:7', '<value>', 'set'); // { type: 'long-unsigned', value: 7 }
 * parseDataArgument('{"type":"structure","value":[{"type":"integer","value":-1}]}', '<value>', 'set');
 * ```
 */
export function parseDataArgument(text: string, what: string, command: string): Data {
  const reader = new ValueReader(what, command);
  const trimmed = text.trim();
  if (trimmed === 'null') return { type: 'null-data' };
  if (trimmed === 'true' || trimmed === 'false') return { type: 'boolean', value: trimmed === 'true' };
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      return reader.fail('', `not valid JSON (${(error as Error).message})`);
    }
    return reader.json(json, '');
  }
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  if (name === 'obis') {
    try {
      return { type: 'octet-string', value: parseObis(rest) };
    } catch (error) {
      return reader.fail('', (error as Error).message);
    }
  }
  const type = aliases[name] ?? name;
  if (!typeNames.has(type) || ['array', 'structure', 'compact-array', 'date', 'time'].includes(type)) {
    return reader.fail('', `'${text}' needs a type: ${example} (arrays and structures: the JSON form)`);
  }
  return reader.typed(type, rest, '');
}
