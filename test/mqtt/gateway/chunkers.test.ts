import { describe, expect, it } from 'vitest';
import { HdlcChunker } from '../../../src/mqtt/gateway/hdlc-chunker.js';
import { ModbusRtuChunker } from '../../../src/mqtt/gateway/modbus-rtu-chunker.js';
import { RawChunker } from '../../../src/mqtt/gateway/raw-chunker.js';

const f1 = [0x7e, 0xa0, 0x07, 0x03, 0x21, 0x93, 0x0f, 0x01, 0x7e];
const f2 = [0x7e, 0xa0, 0x08, 0x03, 0x21, 0x7e, 0x0f, 0x01, 0x02, 0x7e];

function split(chunker: HdlcChunker | ModbusRtuChunker, bytes: number[], at: number): number[][] {
  return [
    ...chunker.push(new Uint8Array(bytes.slice(0, at))),
    ...chunker.push(new Uint8Array(bytes.slice(at))),
  ].map((c) => [...c]);
}

describe('HdlcChunker', () => {
  it('cuts whole frames at every split point, 0x7E inside a frame included', () => {
    const stream = [...f1, ...f2, ...f1];
    for (let at = 0; at <= stream.length; at++) {
      const c = new HdlcChunker(50);
      expect(split(c, stream, at)).toEqual([f1, f2, f1]);
      expect(c.pending).toBe(0);
    }
  });

  it('handles shared flags, noise and bad frames without changing a byte', () => {
    const shared = [...f1, ...f2.slice(1)];
    expect(new HdlcChunker(50).push(new Uint8Array(shared)).map((c) => [...c])).toEqual([f1, f2.slice(1)]);
    const noisy = [1, 2, ...f1, 0x7e, 0x55, 0x66, 0x7e];
    const c = new HdlcChunker(50);
    const out = c.push(new Uint8Array(noisy)).map((x) => [...x]);
    expect(out.flat()).toEqual(noisy);
    expect(out[0]).toEqual([1, 2]);
    expect(out[1]).toEqual(f1);
  });

  it('hands out an incomplete frame on flush', () => {
    const c = new HdlcChunker(50);
    expect(c.push(new Uint8Array(f1.slice(0, 4)))).toEqual([]);
    expect([...c.flush()!]).toEqual(f1.slice(0, 4));
    expect(c.flush()).toBeUndefined();
  });
});

describe('ModbusRtuChunker', () => {
  it('cuts responses by predicted length, any split', () => {
    const read = [0x01, 0x03, 0x04, 0, 1, 0, 2, 0x2a, 0x32];
    const write = [0x01, 0x06, 0, 1, 0, 3, 0x98, 0x0b];
    const exception = [0x01, 0x83, 0x02, 0xc0, 0xf1];
    const stream = [...read, ...write, ...exception];
    for (let at = 0; at <= stream.length; at++) {
      expect(split(new ModbusRtuChunker(50), stream, at)).toEqual([read, write, exception]);
    }
  });

  it('leaves unknown function codes to the gap', () => {
    const c = new ModbusRtuChunker(50);
    expect(c.push(new Uint8Array([0x01, 0x41, 1, 2, 3]))).toEqual([]);
    expect([...c.flush()!]).toEqual([0x01, 0x41, 1, 2, 3]);
  });
});

describe('RawChunker', () => {
  it('keeps bytes until flushed, and cuts at the size limit', () => {
    const c = new RawChunker(5, 4);
    expect(c.push(new Uint8Array([1, 2]))).toEqual([]);
    expect(c.push(new Uint8Array([3, 4, 5])).map((x) => [...x])).toEqual([[1, 2, 3, 4]]);
    expect([...c.flush()!]).toEqual([5]);
  });
});
