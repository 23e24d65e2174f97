/**
 * Cursor-based byte reading and writing for the codecs.
 *
 * Integers up to 32 bits are read and written with shifts on the array itself. Floats and 64-bit
 * fields go through a `DataView` built on first use with the array's own `byteOffset` and
 * `byteLength` (a socket's Buffer is often a window into a larger ArrayBuffer). The `DataView` is
 * not built up front because V8 keeps typed arrays of up to 64 bytes — every Modbus PDU, most
 * frames — on its own heap, and the first access to their `.buffer` (by `new DataView`,
 * `subarray` or Node's `Buffer.from`) moves them off-heap: 250–500 ns plus GC work, several
 * times the cost of decoding the fields.
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
  /** Built by the first float or 64-bit read (see the module comment). */
  private dataView: DataView | undefined;

  constructor(bytes: Uint8Array, layer: DecodeLayer, pos = 0) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.layer = layer;
    this.pos = pos;
  }

  private get view(): DataView {
    const b = this.bytes;
    this.dataView ??= new DataView(b.buffer, b.byteOffset, b.byteLength);
    return this.dataView;
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
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  /** Reads a big-endian unsigned 32-bit integer. */
  u32(what: string): number {
    return this.i32(what) >>> 0;
  }

  /** Reads one signed byte. */
  i8(what: string): number {
    return (this.u8(what) << 24) >> 24;
  }

  /** Reads a big-endian signed 16-bit integer. */
  i16(what: string): number {
    return (this.u16(what) << 16) >> 16;
  }

  /** Reads a big-endian signed 32-bit integer. */
  i32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
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
  /** Built by the first float or 64-bit write, dropped when `buf` grows (see the module comment). */
  private dataView: DataView | undefined;
  /** Starts of the open {@link ByteWriter.fork}s; created by the first one (most writers have none). */
  private forks: number[] | undefined;

  /**
   * @param initialCapacity - bytes to allocate up front; when it is the exact size of the
   *   output, {@link ByteWriter.finish} returns the buffer itself without copying. Default 64.
   */
  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(1, initialCapacity));
  }

  private get view(): DataView {
    this.dataView ??= new DataView(this.buf.buffer);
    return this.dataView;
  }

  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf); // past `pos` the old buffer holds only zeros
    this.buf = next;
    this.dataView = undefined;
  }

  /** Appends one byte (the low 8 bits of `v`, so a signed byte too). */
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  /** Appends a big-endian 16-bit integer (signed or unsigned bit pattern). */
  u16(v: number): this {
    this.ensure(2);
    this.setU16(this.pos, v);
    this.pos += 2;
    return this;
  }

  /** Appends a big-endian unsigned 32-bit integer. */
  u32(v: number): this {
    this.ensure(4);
    // Storing into a Uint8Array keeps the low 8 bits, as DataView.setUint32 would.
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
    return this;
  }

  /** Appends one signed byte. */
  i8(v: number): this {
    return this.u8(v);
  }

  /** Appends a big-endian signed 16-bit integer. */
  i16(v: number): this {
    return this.u16(v);
  }

  /** Appends a big-endian signed 32-bit integer. */
  i32(v: number): this {
    return this.u32(v);
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
    // Already zero: the buffer is zeroed when allocated, and nothing is written past `pos`.
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
    this.buf[offset] = v >>> 8;
    this.buf[offset + 1] = v;
    return this;
  }

  /** Starts a length-prefixed section whose prefix is written by the matching {@link ByteWriter.join}. */
  fork(): this {
    this.forks ??= [];
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
    const start = this.forks?.pop();
    if (start === undefined) throw new Error('ByteWriter.join() without fork()');
    const length = this.pos - start;
    const head = prefix(length);
    this.ensure(head.length);
    this.buf.copyWithin(start + head.length, start, this.pos);
    this.buf.set(head, start);
    this.pos += head.length;
    return length;
  }

  /**
   * Returns the bytes written so far, exactly sized: the buffer itself when it is full (an exact
   * `initialCapacity`), else a copy of its used part. A `subarray` view would keep the spare
   * capacity alive and, for a small buffer, move it off V8's heap, which costs more than copying
   * it. The writer should not be used afterwards.
   */
  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}
