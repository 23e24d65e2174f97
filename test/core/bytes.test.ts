import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../src/core/bytes.js';
import { DecodeError } from '../../src/core/errors.js';
import { fromHex, toHex } from '../../src/core/hex.js';

describe('ByteReader', () => {
  it('reads big-endian fields through a DataView that respects byteOffset', () => {
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
