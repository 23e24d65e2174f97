/**
 * Cursor-based byte reading and writing for the codecs.
 *
 * Multi-byte fields go through a `DataView` built with the array's own `byteOffset` and
 * `byteLength`, because a socket's Buffer is often a window into a larger ArrayBuffer.
 *
 * @module
 */

import { DecodeError, type DecodeLayer } from './errors.js';

/**
 * Reads protocol fields from a byte array with an honest cursor: `pos` is public, every read
 * checks bounds first and throws a {@link DecodeError} naming the layer, the offset and what was
 * expected. Byte fields come back as `subarray` views (no copies).
 *
 * @example
 * ```ts
 * const r = new ByteReader(bytes, 'modbus-pdu');
 * const fc = r.u8('function code');
 * const start = r.u16('starting address');
 * r.expectEnd('end of the request');
 * ```
 */
export class ByteReader {
  /** The bytes being read. */
  readonly bytes: Uint8Array;
  /** Number of bytes in {@link ByteReader.bytes}. */
  readonly length: number;
  /** Protocol layer reported in errors. */
  readonly layer: DecodeLayer;
  /** Offset of the next byte to read. */
  pos: number;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, layer: DecodeLayer, pos = 0) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.layer = layer;
    this.pos = pos;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the cursor. */
  get remaining(): number {
    return this.length - this.pos;
  }

  /** Throws a {@link DecodeError} for this reader's layer at `offset` (default: the cursor). */
  fail(message: string, expected: string, offset = this.pos): never {
    throw new DecodeError(message, { layer: this.layer, offset, expected, bytes: this.bytes });
  }

  /** Ensures `n` more bytes are available, else throws a truncation error mentioning `what`. */
  need(n: number, what: string): void {
    if (n > this.length - this.pos) {
      this.fail(`input ends after ${this.length - this.pos} of ${n} bytes of ${what}`, what, this.length);
    }
  }

  /** Reads one unsigned byte. */
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads a big-endian unsigned 16-bit integer. */
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  /** Reads a big-endian unsigned 32-bit integer. */
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads one signed byte. */
  i8(what: string): number {
    this.need(1, what);
    return this.view.getInt8(this.pos++);
  }

  /** Reads a big-endian signed 16-bit integer. */
  i16(what: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  /** Reads a big-endian signed 32-bit integer. */
  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a big-endian unsigned 64-bit integer. */
  u64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a big-endian signed 64-bit integer. */
  i64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a big-endian IEEE 754 binary32. */
  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a big-endian IEEE 754 binary64. */
  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Returns a view of the next `n` bytes and advances past them. */
  bytesView(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Returns a view of everything after the cursor and moves the cursor to the end. */
  rest(): Uint8Array {
    const v = this.bytes.subarray(this.pos);
    this.pos = this.length;
    return v;
  }

  /** Peeks at the byte `ahead` positions after the cursor without moving; `undefined` past the end. */
  peek(ahead = 0): number | undefined {
    return this.bytes[this.pos + ahead];
  }

  /** Throws unless every byte has been consumed. */
  expectEnd(what: string): void {
    if (this.pos !== this.length) {
      this.fail(`${this.length - this.pos} unexpected trailing byte(s)`, what);
    }
  }
}

/**
 * Writes protocol fields into a growing buffer (capacity doubles). Supports reserving a header
 * to fill in later (MBAP length, wrapper length, HDLC format field) and `fork`/`join` for
 * length prefixes whose own size is not known until the content is written (BER lengths).
 *
 * Values must already be in range: codecs validate fields (and throw `EncodeError` naming the
 * field) before writing them.
 *
 * @example
 * ```ts
 * const w = new ByteWriter();
 * const lengthAt = w.reserve(2);
 * w.u8(0x03).u16(0x006b).u16(3);
 * w.setU16(lengthAt, w.pos - 2);
 * const bytes = w.finish();
 * ```
 */
export class ByteWriter {
  /** Number of bytes written so far (the offset of the next byte). */
  pos = 0;
  private buf: Uint8Array;
  private view: DataView;
  private readonly forks: number[] = [];

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(1, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Appends one byte. */
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  /** Appends a big-endian 16-bit integer (signed or unsigned bit pattern). */
  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  /** Appends a big-endian unsigned 32-bit integer. */
  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
    return this;
  }

  /** Appends one signed byte. */
  i8(v: number): this {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
    return this;
  }

  /** Appends a big-endian signed 16-bit integer. */
  i16(v: number): this {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
    return this;
  }

  /** Appends a big-endian signed 32-bit integer. */
  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }

  /** Appends a big-endian unsigned 64-bit integer. */
  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Appends a big-endian signed 64-bit integer. */
  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Appends a big-endian IEEE 754 binary32. */
  f32(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
    return this;
  }

  /** Appends a big-endian IEEE 754 binary64. */
  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Appends a copy of `bytes`. */
  bytes(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Reserves `n` zero bytes (a header to fill in later) and returns their offset. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.buf.fill(0, at, at + n);
    this.pos += n;
    return at;
  }

  /** Overwrites one byte at `offset` (inside what was already written or reserved). */
  setU8(offset: number, v: number): this {
    this.buf[offset] = v;
    return this;
  }

  /** Overwrites a big-endian 16-bit integer at `offset`. */
  setU16(offset: number, v: number): this {
    this.view.setUint16(offset, v);
    return this;
  }

  /** Starts a length-prefixed section whose prefix is written by the matching {@link ByteWriter.join}. */
  fork(): this {
    this.forks.push(this.pos);
    return this;
  }

  /**
   * Ends the innermost {@link ByteWriter.fork}: computes the section's length, asks `prefix` for
   * its encoding, and inserts it before the section (moving the section once).
   *
   * @returns the length of the section (without its prefix)
   */
  join(prefix: (length: number) => Uint8Array): number {
    const start = this.forks.pop();
    if (start === undefined) throw new Error('ByteWriter.join() without fork()');
    const length = this.pos - start;
    const head = prefix(length);
    this.ensure(head.length);
    this.buf.copyWithin(start + head.length, start, this.pos);
    this.buf.set(head, start);
    this.pos += head.length;
    return length;
  }

  /** Returns the bytes written so far as a view; the writer should not be used afterwards. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
