import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Modbus, crc16X25, lrc8 } from '../../src/core/crc.js';
import { fromHex } from '../../src/core/hex.js';

const check = new TextEncoder().encode('123456789');

/** Bit-at-a-time reference implementations (Modbus serial §7.3, ISO/IEC 13239). */
function bitwise(bytes: Uint8Array, poly: number, xorOut: number): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
  }
  return crc ^ xorOut;
}

describe('CRC-16', () => {
  it('matches the catalogue check values', () => {
    expect(crc16Modbus(check)).toBe(0x4b37);
    expect(crc16X25(check)).toBe(0x906e);
  });

  it('matches the Modbus spec example and has residue 0 over a whole frame', () => {
    expect(crc16Modbus(fromHex('010300000001'))).toBe(0x0a84);
    expect(crc16Modbus(fromHex('0103000000018 40A'))).toBe(0);
  });

  it('table-driven equals bit-at-a-time, over any range, and can be continued', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
        expect(crc16Modbus(bytes)).toBe(bitwise(bytes, 0xa001, 0));
        expect(crc16X25(bytes)).toBe(bitwise(bytes, 0x8408, 0xffff));
        const k = bytes.length ? cut % bytes.length : 0;
        expect(crc16Modbus(bytes, k, bytes.length, crc16Modbus(bytes, 0, k))).toBe(crc16Modbus(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('LRC', () => {
  it('matches the Modbus ASCII example (serial §2.5.2.2)', () => {
    expect(lrc8(fromHex('F7031389000A'))).toBe(0x60);
  });
  it('sums to zero with the LRC appended', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (bytes) => {
        const all = new Uint8Array([...bytes, lrc8(bytes)]);
        expect(all.reduce((s, b) => (s + b) & 0xff, 0)).toBe(0);
      }),
    );
  });
});
