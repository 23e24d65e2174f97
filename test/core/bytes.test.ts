import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../src/core/bytes.js';
import { DecodeError } from '../../src/core/errors.js';
import { fromHex, toHex } from '../../src/core/hex.js';

describe('ByteReader', () => {
  it('reads big-endian fields from a window into a larger buffer (byteOffset)', () => {
    const backing = fromHex('FFFF0102030405060708090A0B0C');
    const window = backing.subarray(2); // like a socket Buffer inside a larger ArrayBuffer
    const r = new ByteReader(window, 'core');
    expect(r.u8('a')).toBe(1);
    expect(r.u16('b')).toBe(0x0203);
    expect(r.u32('c')).toBe(0x04050607);
    expect(toHex(r.bytesView(2, 'd'))).toBe('0809');
    expect(r.remaining).toBe(3);
    expect(r.peek()).toBe(0x0a);
    expect(toHex(r.rest())).toBe('0A0B0C');
    r.expectEnd('end');
  });

  it('signed, 64-bit and float fields', () => {
    const r = new ByteReader(fromHex('FFFEFFFFFFFE8000000000000001BF8000003FF0000000000000'), 'core');
    expect(r.i16('a')).toBe(-2);
    expect(r.i32('b')).toBe(-2);
    expect(r.i64('c')).toBe(-0x7fffffffffffffffn);
    expect(r.f32('d')).toBe(-1);
    expect(r.f64('e')).toBe(1);
  });

  it('throws a DecodeError with layer, offset and expectation on truncation', () => {
    const r = new ByteReader(fromHex('0102'), 'modbus-pdu');
    r.u8('function code');
    try {
      r.u16('starting address');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      const d = e as DecodeError;
      expect(d.layer).toBe('modbus-pdu');
      expect(d.offset).toBe(2);
      expect(d.expected).toBe('starting address');
    }
    expect(() => new ByteReader(fromHex('0102'), 'core').expectEnd('nothing')).toThrow(DecodeError);
  });
});

describe('ByteWriter', () => {
  it('grows by doubling and fills reserved headers', () => {
    const w = new ByteWriter(1);
    const at = w.reserve(2);
    for (let i = 0; i < 100; i++) w.u8(i);
    w.setU16(at, w.pos - 2);
    const out = w.finish();
    expect(out.length).toBe(102);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(100);
    expect(out[101]).toBe(99);
  });

  it('fork/join inserts a prefix whose size depends on the content', () => {
    const berLength = (n: number) => (n < 0x80 ? Uint8Array.of(n) : Uint8Array.of(0x81, n));
    const w = new ByteWriter(4);
    w.u8(0x61).fork();
    w.bytes(new Uint8Array(200).fill(7));
    expect(w.join(berLength)).toBe(200);
    w.u8(0xee);
    const out = w.finish();
    expect(toHex(out.subarray(0, 4))).toBe('6181C807');
    expect(out.length).toBe(1 + 2 + 200 + 1);
    expect(out[out.length - 1]).toBe(0xee);
  });

  it('round-trips every field type with ByteReader', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.double({ noNaN: true }),
        fc.uint8Array({ maxLength: 40 }),
        (a, b, c, d, e) => {
          const w = new ByteWriter(2).u16(a).i32(b).u64(c).f64(d).bytes(e);
          const r = new ByteReader(w.finish(), 'core');
          expect(r.u16('a')).toBe(a);
          expect(r.i32('b')).toBe(b);
          expect(r.u64('c')).toBe(c);
          expect(Object.is(r.f64('d'), d)).toBe(true);
          expect(r.rest()).toEqual(e);
        },
      ),
    );
  });
});

describe('integer fields without a DataView', () => {
  it('read and write the same bytes as DataView, in a window into a larger buffer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xff }),
        fc.integer({ min: -0x80, max: 0x7f }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: -0x8000, max: 0x7fff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        fc.float({ noNaN: true }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.integer({ min: 0, max: 9 }),
        (u8, i8, u16, i16, u32, i32, f32, i64, offset) => {
          const bytes = new ByteWriter(1)
            .u8(u8)
            .i8(i8)
            .u16(u16)
            .i16(i16)
            .u32(u32)
            .i32(i32)
            .f32(f32)
            .i64(i64)
            .finish();
          const oracle = new DataView(new ArrayBuffer(26));
          oracle.setUint8(0, u8);
          oracle.setInt8(1, i8);
          oracle.setUint16(2, u16);
          oracle.setInt16(4, i16);
          oracle.setUint32(6, u32);
          oracle.setInt32(10, i32);
          oracle.setFloat32(14, f32);
          oracle.setBigInt64(18, i64);
          expect(bytes).toEqual(new Uint8Array(oracle.buffer));
          // Read back from a window (byteOffset ≠ 0), as from a socket's pooled Buffer.
          const backing = new Uint8Array(offset + bytes.length + 3).fill(0xaa);
          backing.set(bytes, offset);
          const r = new ByteReader(backing.subarray(offset, offset + bytes.length), 'core');
          expect([r.u8('a'), r.i8('b'), r.u16('c'), r.i16('d'), r.u32('e'), r.i32('f')]).toEqual([
            u8,
            i8,
            u16,
            i16,
            u32,
            i32,
          ]);
          expect(Object.is(r.f32('g'), Math.fround(f32))).toBe(true);
          expect(r.i64('h')).toBe(i64);
          r.expectEnd('end');
        },
      ),
    );
  });

  it('finish() returns an exact-size array: the buffer itself when full, else a copy', () => {
    const exact = new ByteWriter(3).u8(1).u16(0x0203);
    const a = exact.finish();
    expect(a.length).toBe(3);
    expect(a.buffer.byteLength).toBe(3);
    const spare = new ByteWriter(64).u8(9);
    const b = spare.finish();
    expect([...b]).toEqual([9]);
    expect(b.buffer.byteLength).toBe(1);
  });

  it('reserved bytes are zero, after growth and after a join too', () => {
    const w = new ByteWriter(2);
    w.u16(0xffff);
    const first = w.reserve(3); // grows
    w.fork().u8(0xff).u8(0xff);
    w.join(() => Uint8Array.of(0xee));
    const second = w.reserve(4);
    w.u8(0x11);
    const out = w.finish();
    expect([...out.subarray(first, first + 3)]).toEqual([0, 0, 0]);
    expect([...out.subarray(second, second + 4)]).toEqual([0, 0, 0, 0]);
    expect(out.length).toBe(2 + 3 + 3 + 4 + 1);
  });
});

describe('hex', () => {
  it('parses with separators and either case, and renders upper case', () => {
    expect(toHex(fromHex('0x01 ab:CD-ef'))).toBe('01ABCDEF');
    expect(toHex(fromHex('01ab'), ' ')).toBe('01 AB');
  });
  it('rejects odd lengths and non-hex characters', () => {
    expect(() => fromHex('123')).toThrow(/odd number/);
    expect(() => fromHex('zz')).toThrow(/not a hex digit/);
  });
});
