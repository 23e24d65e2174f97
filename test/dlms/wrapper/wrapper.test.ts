// The TCP/UDP wrapper (spec §5): golden vectors, errors, the incremental decoder, properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, type EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  decodeWrapperFrame,
  encodeWrapperFrame,
  type WrapperFrame,
  WrapperFrameDecoder,
} from '../../../src/dlms/index.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { dlmsVectors, splits, vectorBytes } from '../../helpers/vectors.js';

const vectors = dlmsVectors.filter((v) => v.layer === 'wrapper');

/** What each vector's `meaning` says: wPorts and the APDU (in full, or its first octets). */
const expected: Record<string, { source: number; destination: number; length: number; apdu: string }> = {
  'wrapper-aarq': { source: 0x10, destination: 0x01, length: 31, apdu: '601DA109060760857405080101BE10' },
  'wrapper-aare': {
    source: 0x01,
    destination: 0x10,
    length: 43,
    apdu: '6129A109060760857405080101A203020100',
  },
  'wrapper-get-request': { source: 0x10, destination: 0x01, length: 13, apdu: 'C001C100080000010000FF0200' },
  'wrapper-data-notification': {
    source: 0x01,
    destination: 0x66,
    length: 33,
    apdu: '0F000000010C07E8010F0108000000FFC400020209060000010000FF0600BC614E',
  },
  'wrapper-rlrq': { source: 0x10, destination: 0x01, length: 5, apdu: '6203800100' },
};

interface Plain {
  source: number;
  destination: number;
  payload: string;
}
const plain = (f: WrapperFrame): Plain => ({
  source: f.source,
  destination: f.destination,
  payload: toHex(f.payload),
});

function feed(decoder: WrapperFrameDecoder, chunks: Iterable<Uint8Array>): Plain[] {
  const out: Plain[] = [];
  for (const c of chunks) for (const f of decoder.push(c)) out.push(plain(f));
  decoder.end();
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectDecodeError(fn: () => unknown, offset: number): DecodeError {
  const e = caught(fn);
  expect(e).toBeInstanceOf(DecodeError);
  expect((e as DecodeError).layer).toBe('wrapper');
  expect((e as DecodeError).offset).toBe(offset);
  return e as DecodeError;
}

describe('wrapper golden vectors', () => {
  it('covers all 5 vectors', () => {
    expect(vectors.map((v) => v.id).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const v of vectors) {
    describe(v.id, () => {
      const bytes = vectorBytes(v);
      const want = expected[v.id]!;

      it('decodes to the documented wPorts and APDU', () => {
        const frame = decodeWrapperFrame(bytes);
        expect(frame.source).toBe(want.source);
        expect(frame.destination).toBe(want.destination);
        expect(frame.payload).toHaveLength(want.length);
        expect(toHex(frame.payload).startsWith(want.apdu)).toBe(true);
      });

      it('encodes back to the same bytes', () => {
        expect(toHex(encodeWrapperFrame(decodeWrapperFrame(bytes)))).toBe(v.hex.toUpperCase());
      });

      it('decodes incrementally at every split and byte by byte', () => {
        const once = plain(decodeWrapperFrame(bytes));
        for (const chunks of splits(bytes)) {
          const decoder = new WrapperFrameDecoder();
          expect(feed(decoder, chunks)).toEqual([once]);
          expect(decoder.pending).toBe(0);
        }
      });
    });
  }

  it('decodes all vectors back to back at every split', () => {
    const all = vectors.map(vectorBytes);
    const want = all.map((b) => plain(decodeWrapperFrame(b)));
    const stream = concat(...all);
    for (const chunks of splits(stream)) expect(feed(new WrapperFrameDecoder(), chunks)).toEqual(want);
  });
});

describe('wrapper codec', () => {
  const rlrq = fromHex('00010010000100056203800100');

  it('rejects a wrong version, a length above the limit, or a length that does not match', () => {
    expectDecodeError(() => decodeWrapperFrame(fromHex('00020010000100056203800100')), 0);
    expectDecodeError(() => decodeWrapperFrame(rlrq, { maxApduBytes: 4 }), 6);
    expectDecodeError(() => decodeWrapperFrame(rlrq.subarray(0, 12)), 12);
    expectDecodeError(() => decodeWrapperFrame(concat(rlrq, fromHex('00'))), 13);
    expectDecodeError(() => decodeWrapperFrame(rlrq.subarray(0, 7)), 7);
  });

  it('returns a view of the payload', () => {
    expect(decodeWrapperFrame(rlrq).payload.buffer).toBe(rlrq.buffer);
  });

  it('throws EncodeError for ports and payloads out of range', () => {
    const ok = { source: 1, destination: 1, payload: new Uint8Array(1) };
    expect((caught(() => encodeWrapperFrame({ ...ok, source: 0x10000 })) as EncodeError).field).toBe(
      'source',
    );
    expect((caught(() => encodeWrapperFrame({ ...ok, destination: -1 })) as EncodeError).field).toBe(
      'destination',
    );
    expect(
      (caught(() => encodeWrapperFrame({ ...ok, payload: new Uint8Array(0x10000) })) as EncodeError).field,
    ).toBe('payload');
    expect(encodeWrapperFrame({ ...ok, payload: new Uint8Array(0xffff) })).toHaveLength(0xffff + 8);
  });

  it('validates maxApduBytes', () => {
    expect(() => new WrapperFrameDecoder({ maxApduBytes: 0x10000 })).toThrow(InvalidArgumentError);
    expect(() => decodeWrapperFrame(rlrq, { maxApduBytes: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('WrapperFrameDecoder', () => {
  const rlrq = fromHex('00010010000100056203800100');
  const bad = fromHex('0002001000010005');

  it('throws on a wrong version and stays failed until reset()', () => {
    const decoder = new WrapperFrameDecoder();
    expectDecodeError(() => decoder.push(bad), 0);
    expectDecodeError(() => decoder.push(rlrq), 0);
    expectDecodeError(() => decoder.end(), 0);
    expect(decoder.push(rlrq)).toHaveLength(1); // end() cleared the failure
    expectDecodeError(() => decoder.push(bad.subarray(0, 3)).concat(decoder.push(bad.subarray(3))), 0);
    decoder.reset();
    expect(decoder.push(rlrq)).toHaveLength(1);
  });

  it('returns the frames before a bad header first, then throws', () => {
    const decoder = new WrapperFrameDecoder();
    expect(decoder.push(concat(rlrq, bad))).toHaveLength(1);
    expectDecodeError(() => decoder.push(rlrq), 0);
  });

  it('checks the length against maxApduBytes before buffering the APDU', () => {
    const decoder = new WrapperFrameDecoder({ maxApduBytes: 4 });
    expectDecodeError(() => decoder.push(rlrq.subarray(0, 8)), 6);
    expect(decoder.pending).toBe(0);
    const big = new WrapperFrameDecoder({ maxApduBytes: 1000 });
    expectDecodeError(() => big.push(fromHex('000100010010FFFF')), 6);
  });

  it('decodes an empty APDU and throws at end() inside a frame', () => {
    const decoder = new WrapperFrameDecoder();
    expect(feed(decoder, [fromHex('00010001001000'), fromHex('00')])).toEqual([
      { source: 1, destination: 0x10, payload: '' },
    ]);
    decoder.push(rlrq.subarray(0, 10));
    expect(decoder.pending).toBe(10);
    expectDecodeError(() => decoder.end(), 10);
    expect(decoder.pending).toBe(0);
    decoder.push(rlrq.subarray(0, 5));
    expectDecodeError(() => decoder.end(), 5);
  });

  it('hands out payloads that later pushes do not change', () => {
    const decoder = new WrapperFrameDecoder();
    const chunk = Uint8Array.from(rlrq);
    const [a] = decoder.push(chunk);
    decoder.push(chunk.subarray(0, 10));
    const [b] = decoder.push(chunk.subarray(10));
    chunk.fill(0);
    expect(toHex(a!.payload)).toBe('6203800100');
    expect(toHex(b!.payload)).toBe('6203800100');
  });
});

describe('wrapper properties', () => {
  const frame = fc.record({
    source: fc.integer({ min: 0, max: 0xffff }),
    destination: fc.integer({ min: 0, max: 0xffff }),
    payload: fc.uint8Array({ maxLength: 300 }),
  });

  it('decode(encode(frame)) equals the frame, and any chunking equals one-shot decoding', () => {
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (frames, points) => {
          const encoded = frames.map(encodeWrapperFrame);
          expect(encoded.map((b) => plain(decodeWrapperFrame(b)))).toEqual(frames.map(plain));
          const stream = concat(...encoded);
          const at = [...new Set(points.map((p) => p % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at].map((from, i) => stream.subarray(from, [...at, stream.length][i]));
          expect(feed(new WrapperFrameDecoder(), chunks)).toEqual(frames.map(plain));
        },
      ),
      { numRuns: fuzzRuns(2000) },
    );
  });

  const seeds = vectors.map(vectorBytes);
  const mutated = fc
    .record({
      seed: fc.constantFrom(...seeds),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      tail: fc.uint8Array({ maxLength: 3 }),
    })
    .map(({ seed, edits, cut, tail }) => {
      const b = Uint8Array.from(seed);
      // Edits land in the header most of the time.
      for (const [at, v] of edits) b[at % 2 === 0 ? (at >> 1) % 8 : at % b.length] = v;
      return concat(cut === undefined ? b : b.subarray(0, cut % (b.length + 1)), tail);
    });
  const inputs = fc.oneof(fc.uint8Array({ maxLength: 16 }), mutated);

  it('decodeWrapperFrame only throws DecodeError on random and mutated input', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 0, max: 0xffff }), (b, max) => {
        try {
          decodeWrapperFrame(b, { maxApduBytes: max });
        } catch (e) {
          if (!(e instanceof DecodeError) || e.layer !== 'wrapper') throw e;
        }
      }),
      { numRuns: fuzzRuns(100_000) },
    );
  });

  it('WrapperFrameDecoder only throws DecodeError and never buffers an APDU above the limit', () => {
    fc.assert(
      fc.property(
        fc.array(inputs, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 64 }),
        (parts, max) => {
          const decoder = new WrapperFrameDecoder({ maxApduBytes: max });
          try {
            for (const p of parts) {
              for (const f of decoder.push(p))
                if (f.payload.length > max) throw new Error('APDU above the limit');
              if (decoder.pending > max + 8) throw new Error('buffered above the limit');
            }
            decoder.end();
          } catch (e) {
            if (!(e instanceof DecodeError) || e.layer !== 'wrapper') throw e;
          }
        },
      ),
      { numRuns: fuzzRuns(100_000) },
    );
  });
});
