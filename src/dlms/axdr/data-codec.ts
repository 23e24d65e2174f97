/**
 * The A-XDR `Data` codec (meterlink spec §6.3, §6.4, §6.6): reading and writing every `Data`
 * alternative, including compact-array, with the limits of `DataLimits` checked before
 * anything is allocated or recursed into.
 *
 * Decoded values keep their type tag so they re-encode to the same octets, with two exceptions:
 * a boolean octet other than 00/01 decodes as `true` and re-encodes as 01 (§6.2: accept any
 * non-zero octet), and a float NaN re-encodes with the platform's canonical NaN bits.
 *
 * @module
 */

import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError, InvalidArgumentError } from '../../core/errors.js';
import {
  readCosemDate,
  readCosemDateTime,
  readCosemTime,
  writeCosemDate,
  writeCosemDateTime,
  writeCosemTime,
} from './calendar.js';
import { dataTags, simpleTypeOfTag } from './data-tags.js';
import { lengthBytes, maxLength, readLength, writeLength } from './length.js';
import type { Data, DataDecodeOptions, DataEncodeOptions, TypeDescription } from './types.js';

/** The limits and options of one decode, resolved once per {@link readData} call. */
interface DecodeContext {
  readonly maxArrayLength: number;
  readonly maxDepth: number;
  readonly maxStringBytes: number;
  readonly invertDeviation: boolean;
}

/** Defaults of `DataLimits` (documented in types.ts). */
const defaultContext: DecodeContext = Object.freeze({
  maxArrayLength: 65_535,
  maxDepth: 32,
  maxStringBytes: 65_535,
  invertDeviation: false,
});

// Constant `what` strings: nothing is built on the success path.
const whatTag = 'a Data type tag';
const whatCount = 'an element count';
const whatValue = 'a Data value';
const whatBits = 'a bit-string';
const whatString = 'a string';
const whatDescription = 'a compact-array type description';
const whatContents = 'compact-array contents';

/**
 * A fatal, BOM-preserving UTF-8 decoder. Used only for one-shot `decode()` calls, which keep no
 * state between calls, so sharing it is safe.
 */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Stateless as well. */
const utf8Encoder = new TextEncoder();

function limit(options: DataDecodeOptions, name: 'maxArrayLength' | 'maxDepth' | 'maxStringBytes'): number {
  const value = options[name];
  if (value === undefined) return defaultContext[name];
  if (!(value >= 0) || (!Number.isInteger(value) && value !== Number.POSITIVE_INFINITY)) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function contextOf(options: DataDecodeOptions | undefined): DecodeContext {
  if (options === undefined) return defaultContext;
  return {
    maxArrayLength: limit(options, 'maxArrayLength'),
    maxDepth: limit(options, 'maxDepth'),
    maxStringBytes: limit(options, 'maxStringBytes'),
    invertDeviation: options.invertDeviation === true,
  };
}

/**
 * Reads one `Data` (type tag and content) at the reader's cursor and leaves the cursor after it.
 * Errors use the reader's layer, so an APDU decoder gets 'apdu' errors with APDU offsets.
 *
 * @throws DecodeError for an unknown tag, truncated content, an out-of-range calendar field,
 *   invalid UTF-8, a non-decimal BCD digit, non-zero bit-string padding or an exceeded limit
 * @throws InvalidArgumentError for a limit that is not a non-negative integer
 * @example
 * ```ts
 * const reader = new ByteReader(bytes, 'apdu', offset);
 * const value = readData(reader, { maxDepth: 8 });
 * ```
 */
export function readData(reader: ByteReader, options?: DataDecodeOptions): Data {
  return readValue(reader, contextOf(options), 0, -1);
}

/**
 * Decodes a complete `Data` encoding; every octet must belong to it.
 *
 * @throws DecodeError (layer 'axdr') for malformed input or trailing octets
 * @throws InvalidArgumentError for a limit that is not a non-negative integer
 * @example
 * ```ts
 * decodeData(fromHex('02020FFD161E'));
 * // { type: 'structure', value: [{ type: 'integer', value: -3 }, { type: 'enum', value: 30 }] }
 * ```
 */
export function decodeData(bytes: Uint8Array, options?: DataDecodeOptions): Data {
  const reader = new ByteReader(bytes, 'axdr');
  const value = readValue(reader, contextOf(options), 0, -1);
  reader.expectEnd('the end of the Data');
  return value;
}

/**
 * Writes one `Data` (type tag and content).
 *
 * @throws EncodeError naming the type whose value is out of range (an integer outside its type,
 *   a non-integer, bcd > 99, a visible-string character above U+00FF, a utf8-string with a lone
 *   surrogate, a calendar field out of range, a compact-array element not matching its description)
 * @example
 * ```ts
 * const writer = new ByteWriter();
 * writeData(writer, { type: 'long-unsigned', value: 230 });
 * ```
 */
export function writeData(writer: ByteWriter, data: Data, options?: DataEncodeOptions): void {
  writeValue(writer, data, options?.invertDeviation === true);
}

/**
 * Encodes one `Data` (type tag and content) to a new array.
 *
 * @throws EncodeError as `writeData`
 * @example
 * ```ts
 * encodeData({ type: 'double-long-unsigned', value: 5009 }); // 06 00 00 13 91
 * ```
 */
export function encodeData(data: Data, options?: DataEncodeOptions): Uint8Array {
  const writer = new ByteWriter();
  writeValue(writer, data, options?.invertDeviation === true);
  return writer.finish();
}

// ---------------------------------------------------------------------------------------------
// Decoding

function checkDepth(r: ByteReader, ctx: DecodeContext, depth: number, at: number): void {
  if (depth >= ctx.maxDepth) {
    r.fail(
      `nesting exceeds maxDepth ${ctx.maxDepth}`,
      `at most ${ctx.maxDepth} nested arrays/structures`,
      at,
    );
  }
}

/** Checks an element count against maxArrayLength and the octets left (each element needs ≥ 1). */
function checkCount(r: ByteReader, ctx: DecodeContext, count: number, at: number): void {
  if (count > ctx.maxArrayLength) {
    r.fail(`${count} elements exceed maxArrayLength ${ctx.maxArrayLength}`, whatCount, at);
  }
  if (count > r.length - r.pos) {
    r.fail(`${count} elements announced but only ${r.length - r.pos} octets follow`, whatCount, at);
  }
}

function readElements(r: ByteReader, ctx: DecodeContext, depth: number, at: number): Data[] {
  checkDepth(r, ctx, depth, at);
  const countAt = r.pos;
  const count = readLength(r, whatCount);
  checkCount(r, ctx, count, countAt);
  const out: Data[] = [];
  for (let i = 0; i < count; i++) out.push(readValue(r, ctx, depth + 1, -1));
  return out;
}

/** Reads a string length and checks it against maxStringBytes and the octets left. */
function readStringLength(r: ByteReader, ctx: DecodeContext): number {
  const at = r.pos;
  const n = readLength(r, whatString);
  if (n > ctx.maxStringBytes) {
    r.fail(`${n} octets exceed maxStringBytes ${ctx.maxStringBytes}`, whatString, at);
  }
  r.need(n, whatString);
  return n;
}

/**
 * Reads one value. `describedTag` is −1 to read the type tag from the wire, or the tag of a
 * compact-array element type (§6.6), whose content comes without a tag. One switch for both keeps
 * the hot path to a single call per value. `depth` = number of containers enclosing the value.
 */
function readValue(r: ByteReader, ctx: DecodeContext, depth: number, describedTag: number): Data {
  const at = r.pos;
  const tag = describedTag < 0 ? r.u8(whatTag) : describedTag;
  switch (tag) {
    case 0:
      return { type: 'null-data' };
    case 1:
      return { type: 'array', value: readElements(r, ctx, depth, at) };
    case 2:
      return { type: 'structure', value: readElements(r, ctx, depth, at) };
    case 3:
      return { type: 'boolean', value: r.u8(whatValue) !== 0 }; // §6.2: any non-zero octet is TRUE
    case 4:
      return { type: 'bit-string', value: readBits(r, ctx) };
    case 5:
      return { type: 'double-long', value: r.i32(whatValue) };
    case 6:
      return { type: 'double-long-unsigned', value: r.u32(whatValue) };
    case 9: {
      const n = readStringLength(r, ctx);
      const p = r.pos;
      r.pos = p + n;
      // A copy: the value must outlive a reused receive buffer.
      return { type: 'octet-string', value: r.bytes.slice(p, p + n) };
    }
    case 10: {
      const n = readStringLength(r, ctx);
      const p = r.pos;
      r.pos = p + n;
      return { type: 'visible-string', value: latin1(r.bytes, p, p + n) };
    }
    case 12: {
      const n = readStringLength(r, ctx);
      const p = r.pos;
      let value: string;
      try {
        value = utf8Decoder.decode(r.bytes.subarray(p, p + n));
      } catch {
        r.fail('invalid UTF-8', 'well-formed UTF-8 octets', p);
      }
      r.pos = p + n;
      return { type: 'utf8-string', value };
    }
    case 13: {
      const octet = r.u8(whatValue);
      const high = octet >> 4;
      const low = octet & 0x0f;
      if (high > 9 || low > 9) r.fail('BCD digit above 9', 'two BCD digits 0–9', r.pos - 1);
      return { type: 'bcd', value: high * 10 + low };
    }
    case 15:
      return { type: 'integer', value: r.i8(whatValue) };
    case 16:
      return { type: 'long', value: r.i16(whatValue) };
    case 17:
      return { type: 'unsigned', value: r.u8(whatValue) };
    case 18:
      return { type: 'long-unsigned', value: r.u16(whatValue) };
    case 19:
      return readCompactArray(r, ctx, depth, at);
    case 20:
      return { type: 'long64', value: r.i64(whatValue) };
    case 21:
      return { type: 'long64-unsigned', value: r.u64(whatValue) };
    case 22:
      return { type: 'enum', value: r.u8(whatValue) };
    case 23:
      return { type: 'float32', value: r.f32(whatValue) };
    case 24:
      return { type: 'float64', value: r.f64(whatValue) };
    case 25:
      return { type: 'date-time', value: readCosemDateTime(r, ctx.invertDeviation) };
    case 26:
      return { type: 'date', value: readCosemDate(r) };
    case 27:
      return { type: 'time', value: readCosemTime(r) };
    // §6.3, §14.10: delta types, sizes 1, 2, 4, 1, 2, 4.
    case 28:
      return { type: 'delta-integer', value: r.i8(whatValue) };
    case 29:
      return { type: 'delta-long', value: r.i16(whatValue) };
    case 30:
      return { type: 'delta-double-long', value: r.i32(whatValue) };
    case 31:
      return { type: 'delta-unsigned', value: r.u8(whatValue) };
    case 32:
      return { type: 'delta-long-unsigned', value: r.u16(whatValue) };
    case 33:
      return { type: 'delta-double-long-unsigned', value: r.u32(whatValue) };
    case 255:
      return { type: 'dont-care' };
    default:
      return r.fail(`unknown data type ${tag}`, 'a Data type tag (§6.3)', at);
  }
}

/** §6.4: bit i is bit (7 − i mod 8) of octet ⌊i / 8⌋; padding bits must be zero. */
function readBits(r: ByteReader, ctx: DecodeContext): boolean[] {
  const at = r.pos;
  const bits = readLength(r, whatBits);
  const octets = Math.ceil(bits / 8);
  if (octets > ctx.maxStringBytes) {
    r.fail(`${octets} octets exceed maxStringBytes ${ctx.maxStringBytes}`, whatBits, at);
  }
  r.need(octets, whatBits);
  const b = r.bytes;
  const p = r.pos;
  // Non-zero padding could not be re-encoded identically (the value has no room for it): reject.
  if ((bits & 7) !== 0 && (b[p + octets - 1]! & (0xff >> (bits & 7))) !== 0) {
    r.fail('non-zero unused bits', 'zero padding after the last bit (§6.4)', p + octets - 1);
  }
  const value: boolean[] = [];
  for (let i = 0; i < bits; i++) value.push((b[p + (i >>> 3)]! & (0x80 >> (i & 7))) !== 0);
  r.pos = p + octets;
  return value;
}

/** Latin-1 (every octet is the code point of the same value), so any octet survives a round trip. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  if (end - start <= 32) {
    // Short strings (serial numbers, names): no subarray, which would move a small input off V8's heap.
    for (let p = start; p < end; p++) s += String.fromCharCode(bytes[p]!);
    return s;
  }
  for (let p = start; p < end; ) {
    const stop = Math.min(end, p + 4096);
    s += String.fromCharCode.apply(null, bytes.subarray(p, stop) as unknown as number[]);
    p = stop;
  }
  return s;
}

/** §6.6: tag 19, type description, contents length, contents (elements without tags). */
function readCompactArray(r: ByteReader, ctx: DecodeContext, depth: number, at: number): Data {
  checkDepth(r, ctx, depth, at);
  const description = readDescription(r, ctx, depth + 1);
  const lengthAt = r.pos;
  const length = readLength(r, whatContents);
  r.need(length, whatContents);
  const end = r.pos + length;
  // A reader that ends with the contents: an element cannot run past them, offsets stay absolute.
  const contents = new ByteReader(r.bytes.subarray(0, end), r.layer, r.pos);
  const value: Data[] = [];
  while (contents.pos < end) {
    if (value.length >= ctx.maxArrayLength) {
      contents.fail(`more than maxArrayLength ${ctx.maxArrayLength} elements`, whatContents, lengthAt);
    }
    value.push(readDescribed(contents, description, ctx));
  }
  r.pos = end;
  return { type: 'compact-array', description, value };
}

/**
 * Reads a type description. Empty structures and zero-length arrays are rejected: every
 * described element then takes at least one octet, so counts can be checked against the
 * octets left before allocating, and the element loop always advances.
 */
function readDescription(r: ByteReader, ctx: DecodeContext, depth: number): TypeDescription {
  const at = r.pos;
  const tag = r.u8(whatDescription);
  if (tag === 2) {
    checkDepth(r, ctx, depth, at);
    const countAt = r.pos;
    const count = readLength(r, whatDescription);
    if (count === 0) r.fail('empty structure', 'a structure description with at least one element', countAt);
    checkCount(r, ctx, count, countAt);
    const elements: TypeDescription[] = [];
    for (let i = 0; i < count; i++) elements.push(readDescription(r, ctx, depth + 1));
    return { type: 'structure', elements };
  }
  if (tag === 1) {
    checkDepth(r, ctx, depth, at);
    const countAt = r.pos;
    const length = r.u16(whatDescription); // §6.6: a two-octet count, not a §6.1 length
    if (length === 0) r.fail('zero-length array', 'an array description with at least one element', countAt);
    if (length > ctx.maxArrayLength) {
      r.fail(`${length} elements exceed maxArrayLength ${ctx.maxArrayLength}`, whatDescription, countAt);
    }
    return { type: 'array', length, element: readDescription(r, ctx, depth + 1) };
  }
  const type = simpleTypeOfTag(tag);
  if (type === undefined) r.fail(`type ${tag} cannot describe a compact-array element`, whatDescription, at);
  return { type };
}

function readDescribed(r: ByteReader, description: TypeDescription, ctx: DecodeContext): Data {
  switch (description.type) {
    case 'structure': {
      const value: Data[] = [];
      for (const element of description.elements) value.push(readDescribed(r, element, ctx));
      return { type: 'structure', value };
    }
    case 'array': {
      const count = description.length;
      if (count > r.length - r.pos) {
        r.fail(`${count} elements described but only ${r.length - r.pos} octets left`, whatContents);
      }
      const value: Data[] = [];
      for (let i = 0; i < count; i++) value.push(readDescribed(r, description.element, ctx));
      return { type: 'array', value };
    }
    default:
      return readValue(r, ctx, 0, dataTags[description.type]); // a simple type: depth is not used
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function writeValue(w: ByteWriter, data: Data, invert: boolean): void {
  const tag: unknown = dataTags[data.type]; // not a number for a type name that does not exist
  if (typeof tag !== 'number') {
    throw new EncodeError('type', `unknown Data type ${String(data.type)}`);
  }
  w.u8(tag);
  writeContent(w, data, invert);
}

function integer(data: { type: string; value: unknown }, min: number, max: number): number {
  const v = data.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new EncodeError(data.type, `${String(v)} is not an integer ${min}…${max}`);
  }
  return v;
}

function bigInteger(data: { type: string; value: unknown }, min: bigint, max: bigint): bigint {
  const v = data.value;
  if (typeof v !== 'bigint' || v < min || v > max) {
    throw new EncodeError(data.type, `${String(v)} is not a bigint ${min}…${max}`);
  }
  return v;
}

function checkedLength(type: string, n: number): number {
  if (n > maxLength) throw new EncodeError(type, `${n} exceeds the largest A-XDR length 2^32−1`);
  return n;
}

/** A lone surrogate would be replaced by U+FFFD when encoding and not decode back. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Content of `data` without its tag (also compact-array elements). */
function writeContent(w: ByteWriter, data: Data, invert: boolean): void {
  switch (data.type) {
    case 'null-data':
    case 'dont-care':
      return;
    case 'array':
    case 'structure':
      writeLength(w, checkedLength(data.type, data.value.length));
      for (const element of data.value) writeValue(w, element, invert);
      return;
    case 'boolean': {
      const v: unknown = data.value;
      if (typeof v !== 'boolean') throw new EncodeError('boolean', `${String(v)} is not a boolean`);
      w.u8(v ? 1 : 0);
      return;
    }
    case 'bit-string':
      writeBits(w, data.value);
      return;
    case 'double-long':
    case 'delta-double-long':
      w.i32(integer(data, -0x80000000, 0x7fffffff));
      return;
    case 'double-long-unsigned':
    case 'delta-double-long-unsigned':
      w.u32(integer(data, 0, 0xffffffff));
      return;
    case 'octet-string': {
      const v: unknown = data.value;
      if (!(v instanceof Uint8Array)) throw new EncodeError(data.type, 'the value is not a Uint8Array');
      writeLength(w, checkedLength(data.type, v.length));
      w.bytes(v);
      return;
    }
    case 'visible-string':
      writeLatin1(w, data.value);
      return;
    case 'utf8-string': {
      const v: unknown = data.value;
      if (typeof v !== 'string' || loneSurrogate.test(v)) {
        throw new EncodeError(data.type, 'the value is not a well-formed string (lone surrogate)');
      }
      const octets = utf8Encoder.encode(v);
      writeLength(w, checkedLength(data.type, octets.length));
      w.bytes(octets);
      return;
    }
    case 'bcd': {
      const v = integer(data, 0, 99);
      w.u8((Math.floor(v / 10) << 4) | (v % 10));
      return;
    }
    case 'integer':
    case 'delta-integer':
      w.i8(integer(data, -0x80, 0x7f));
      return;
    case 'long':
    case 'delta-long':
      w.i16(integer(data, -0x8000, 0x7fff));
      return;
    case 'unsigned':
    case 'enum':
    case 'delta-unsigned':
      w.u8(integer(data, 0, 0xff));
      return;
    case 'long-unsigned':
    case 'delta-long-unsigned':
      w.u16(integer(data, 0, 0xffff));
      return;
    case 'long64':
      w.i64(bigInteger(data, -(2n ** 63n), 2n ** 63n - 1n));
      return;
    case 'long64-unsigned':
      w.u64(bigInteger(data, 0n, 2n ** 64n - 1n));
      return;
    case 'float32':
    case 'float64': {
      const v: unknown = data.value;
      if (typeof v !== 'number') throw new EncodeError(data.type, `${String(v)} is not a number`);
      if (data.type === 'float32') w.f32(v);
      else w.f64(v);
      return;
    }
    case 'date-time':
      writeCosemDateTime(w, data.value, invert);
      return;
    case 'date':
      writeCosemDate(w, data.value);
      return;
    case 'time':
      writeCosemTime(w, data.value);
      return;
    case 'compact-array':
      writeCompactArray(w, data.description, data.value, invert);
      return;
    default:
      throw new EncodeError('type', `unknown Data type ${String((data as { type: unknown }).type)}`);
  }
}

function writeBits(w: ByteWriter, bits: unknown): void {
  if (!Array.isArray(bits)) throw new EncodeError('bit-string', 'the value is not an array of booleans');
  writeLength(w, checkedLength('bit-string', bits.length));
  let octet = 0;
  for (let i = 0; i < bits.length; i++) {
    if (bits[i]) octet |= 0x80 >> (i & 7);
    if ((i & 7) === 7) {
      w.u8(octet);
      octet = 0;
    }
  }
  if (bits.length & 7) w.u8(octet);
}

function writeLatin1(w: ByteWriter, value: unknown): void {
  if (typeof value !== 'string') throw new EncodeError('visible-string', `${String(value)} is not a string`);
  writeLength(w, checkedLength('visible-string', value.length));
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) {
      throw new EncodeError(
        'visible-string',
        `character U+${code.toString(16).toUpperCase()} at ${i} is not one octet`,
      );
    }
    w.u8(code);
  }
}

function writeCompactArray(
  w: ByteWriter,
  description: TypeDescription,
  value: Data[],
  invert: boolean,
): void {
  writeDescription(w, description);
  w.fork();
  for (const element of value) writeDescribed(w, description, element, invert);
  w.join(lengthBytes);
}

function writeDescription(w: ByteWriter, description: TypeDescription): void {
  switch (description.type) {
    case 'structure':
      if (description.elements.length === 0) {
        throw new EncodeError('compact-array', 'a structure description needs at least one element');
      }
      w.u8(dataTags.structure);
      writeLength(w, description.elements.length);
      for (const element of description.elements) writeDescription(w, element);
      return;
    case 'array': {
      const length = description.length;
      if (!Number.isInteger(length) || length < 1 || length > 0xffff) {
        throw new EncodeError(
          'compact-array',
          `array description length ${length} is not an integer 1…65535`,
        );
      }
      w.u8(dataTags.array).u16(length);
      writeDescription(w, description.element);
      return;
    }
    default: {
      const tag: unknown = dataTags[description.type];
      if (typeof tag !== 'number' || simpleTypeOfTag(tag) !== description.type) {
        throw new EncodeError('compact-array', `type ${String(description.type)} cannot describe an element`);
      }
      w.u8(tag);
    }
  }
}

function writeDescribed(w: ByteWriter, description: TypeDescription, data: Data, invert: boolean): void {
  if (data.type !== description.type) {
    throw new EncodeError(
      'compact-array',
      `element of type ${data.type} does not match the description (${description.type})`,
    );
  }
  if (description.type === 'structure') {
    const members = (data as { value: Data[] }).value;
    if (members.length !== description.elements.length) {
      throw new EncodeError(
        'compact-array',
        `structure of ${members.length} elements, description has ${description.elements.length}`,
      );
    }
    for (let i = 0; i < members.length; i++) writeDescribed(w, description.elements[i]!, members[i]!, invert);
  } else if (description.type === 'array') {
    const elements = (data as { value: Data[] }).value;
    if (elements.length !== description.length) {
      throw new EncodeError(
        'compact-array',
        `array of ${elements.length} elements, description has ${description.length}`,
      );
    }
    for (const element of elements) writeDescribed(w, description.element, element, invert);
  } else {
    writeContent(w, data, invert);
  }
}
