// fast-check properties of the HDLC codecs: round trips, arbitrary chunking, random and mutated input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16X25 } from '../../../src/core/crc.js';
import { DecodeError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import {
  decodeHdlcFrame,
  decodeHdlcParameters,
  encodeHdlcFrame,
  encodeHdlcParameters,
  type HdlcAddress,
  type HdlcControl,
  type HdlcFrame,
  HdlcFrameDecoder,
  type HdlcParameters,
} from '../../../src/dlms/index.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { vectorBytes } from '../../helpers/vectors.js';
import { concat, hdlcVectors, plain } from './helpers.js';

const seq = fc.integer({ min: 0, max: 7 });
const control: fc.Arbitrary<HdlcControl> = fc.oneof(
  fc.record({
    kind: fc.constant('I' as const),
    sendSequence: seq,
    receiveSequence: seq,
    pollFinal: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom('RR' as const, 'RNR' as const),
    receiveSequence: seq,
    pollFinal: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom(
      'SNRM' as const,
      'DISC' as const,
      'UA' as const,
      'DM' as const,
      'FRMR' as const,
      'UI' as const,
    ),
    pollFinal: fc.boolean(),
  }),
);
const part = (max: number) => fc.integer({ min: 0, max });
const address: fc.Arbitrary<HdlcAddress> = fc.oneof(
  fc.record({ upper: part(127), size: fc.constant(1 as const) }),
  fc.record({ upper: part(127), lower: part(127), size: fc.constant(2 as const) }),
  fc.record({ upper: part(0x3fff), lower: part(0x3fff), size: fc.constant(4 as const) }),
);
const noInformation = new Set(['RR', 'RNR', 'DISC', 'DM']);

function frameOf(maxInformation: number): fc.Arbitrary<HdlcFrame> {
  return fc
    .record({
      segmented: fc.boolean(),
      destination: address,
      source: address,
      control,
      information: fc.uint8Array({ maxLength: maxInformation }),
    })
    .map((f) => (noInformation.has(f.control.kind) ? { ...f, information: new Uint8Array(0) } : f));
}

/** Throws anything that is not a DecodeError of layer `hdlc` with an offset inside the input. */
function onlyDecodeErrors(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  try {
    decode(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    if (e.layer !== 'hdlc' || e.offset < 0 || e.offset > bytes.length)
      throw new Error(`bad error ${e.message}`);
  }
}

/** Recomputes the FCS so that mutations reach the checks behind it. */
function fixFcs(b: Uint8Array): Uint8Array {
  if (b.length >= 9) {
    const at = b.length - 3;
    const fcs = crc16X25(b, 1, at);
    b[at] = fcs;
    b[at + 1] = fcs >> 8;
  }
  return b;
}

const smallSeeds = [
  ...hdlcVectors.map(vectorBytes).filter((b) => b.length <= 64),
  ...fc.sample(frameOf(24), { numRuns: 40, seed: 7 }).map(encodeHdlcFrame),
];

/** A small valid frame with a few octets changed, its FCS fixed or not, cut short or extended. */
const mutated = fc
  .record({
    seed: fc.constantFrom(...smallSeeds),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
    fix: fc.boolean(),
    cut: fc.option(fc.nat(), { nil: undefined }),
    tail: fc.uint8Array({ maxLength: 3 }),
  })
  .map(({ seed, edits, fix, cut, tail }) => {
    const b = Uint8Array.from(seed);
    for (const [at, v] of edits) b[at % b.length] = v;
    if (fix) fixFcs(b);
    const kept = cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
    return concat(kept, tail);
  });

/** Random octets framed as `7E Ax LL … 7E` with a matching length, half of them with a good FCS. */
const framedRandom = fc
  .record({ inner: fc.uint8Array({ minLength: 5, maxLength: 24 }), s: fc.boolean(), fix: fc.boolean() })
  .map(({ inner, s, fix }) => {
    const length = inner.length + 2;
    const b = concat(Uint8Array.of(0x7e, 0xa0 | (s ? 8 : 0), length), inner, Uint8Array.of(0x7e));
    return fix ? fixFcs(b) : b;
  });

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Cuts `bytes` at the given points (taken modulo its length). */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('HDLC properties', () => {
  it('decode(encode(frame)) equals the frame', () => {
    fc.assert(
      fc.property(frameOf(300), (frame) => {
        const bytes = encodeHdlcFrame(frame);
        expect(plain(decodeHdlcFrame(bytes))).toEqual(plain(frame));
        expect(toHex(encodeHdlcFrame(decodeHdlcFrame(bytes)))).toBe(toHex(bytes));
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('any chunking of back-to-back frames gives the frames decoded one by one', () => {
    fc.assert(
      fc.property(
        fc.array(frameOf(80), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (frames, points, shareFlags) => {
          const encoded = frames.map(encodeHdlcFrame);
          const stream = concat(...encoded.map((b, i) => (shareFlags && i > 0 ? b.subarray(1) : b)));
          const decoder = new HdlcFrameDecoder({ onDiscard: (d) => expect.fail(`discarded ${d.reason}`) });
          const out = cut(stream, points).flatMap((c) => decoder.push(c));
          decoder.end();
          expect(out.map(plain)).toEqual(frames.map(plain));
        },
      ),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('decodeHdlcFrame only throws DecodeError on random and mutated input', () => {
    const decode = (b: Uint8Array) => decodeHdlcFrame(b);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (b) => onlyDecodeErrors(b, decode)),
      { numRuns: fuzzRuns(20_000) },
    );
    fc.assert(
      fc.property(framedRandom, (b) => onlyDecodeErrors(b, decode)),
      { numRuns: fuzzRuns(40_000) },
    );
    fc.assert(
      fc.property(mutated, (b) => onlyDecodeErrors(b, decode)),
      { numRuns: fuzzRuns(40_000) },
    );
  });

  it('HdlcFrameDecoder never throws, buffers at most maxFrameBytes, returns only frames of the stream, whatever the chunking', () => {
    const stream = fc
      .array(
        fc.oneof(mutated, framedRandom, fc.constantFrom(...smallSeeds), fc.uint8Array({ maxLength: 6 })),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map((parts) => concat(...parts));
    let framesSeen = 0;
    const reasons = new Set<string>();
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 7, max: 80 }),
        (bytes, points, max) => {
          let discarded = 0;
          const decoder = new HdlcFrameDecoder({
            maxFrameBytes: max,
            onDiscard: (d) => {
              discarded += d.bytes;
              reasons.add(d.reason);
            },
          });
          const chunked: string[] = [];
          for (const chunk of cut(bytes, points)) {
            for (const frame of decoder.push(chunk)) {
              framesSeen++;
              // Re-encoding gives the exact octets between the flags, good FCS included.
              const encoded = encodeHdlcFrame(frame);
              chunked.push(toHex(encoded));
              check(encoded.length - 2 <= max, 'frame longer than maxFrameBytes');
              check(indexOfBytes(bytes, encoded.subarray(0, -1)) >= 0, 'frame not in the stream');
            }
            check(decoder.pending <= max, 'pending above maxFrameBytes');
          }
          decoder.end();
          check(decoder.discardedBytes === discarded, 'discardedBytes differs from the reports');
          // Chunking does not change which frames come out.
          const oneShot = new HdlcFrameDecoder({ maxFrameBytes: max })
            .push(bytes)
            .map((f) => toHex(encodeHdlcFrame(f)));
          check(oneShot.join() === chunked.join(), 'chunked decoding differs from one-shot decoding');
          check(discarded <= bytes.length, 'more bytes discarded than pushed');
        },
      ),
      { numRuns: fuzzRuns(100_000) },
    );
    // The property is not vacuous: frames come out, and every kind of rejection happens.
    expect(framesSeen).toBeGreaterThan(fuzzRuns(100_000) / 2);
    expect([...reasons].sort()).toEqual(
      [
        'bad-address',
        'bad-control',
        'bad-fcs',
        'bad-format',
        'bad-hcs',
        'bad-length',
        'information-not-allowed',
        'no-flag',
        'too-long',
        'truncated',
      ].sort(),
    );
  });

  it('stays bounded under a long stream of flags and plausible headers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0x7e, 0xa7, 0xff, 0x00, 0x23), { minLength: 200, maxLength: 2000 }),
        (arr) => {
          const decoder = new HdlcFrameDecoder({ maxFrameBytes: 100 });
          const bytes = Uint8Array.from(arr);
          for (let i = 0; i < bytes.length; i += 37) {
            decoder.push(bytes.subarray(i, i + 37));
            expect(decoder.pending).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });

  const parameters: fc.Arbitrary<HdlcParameters> = fc
    .record({
      maxInfoTransmit: fc.integer({ min: 32, max: 2030 }),
      maxInfoReceive: fc.integer({ min: 32, max: 2030 }),
      windowTransmit: fc.integer({ min: 1, max: 7 }),
      windowReceive: fc.integer({ min: 1, max: 7 }),
      widths: fc.record({
        maxInfoTransmit: fc.constantFrom(0 as const, 1 as const, 2 as const, 4 as const),
        maxInfoReceive: fc.constantFrom(0 as const, 1 as const, 2 as const, 4 as const),
        windowTransmit: fc.constantFrom(0 as const, 1 as const, 2 as const, 4 as const),
        windowReceive: fc.constantFrom(0 as const, 1 as const, 2 as const, 4 as const),
      }),
    })
    .map((p) => {
      const out = { ...p, widths: { ...p.widths } };
      if (out.widths.maxInfoTransmit === 0) out.maxInfoTransmit = 128;
      if (out.widths.maxInfoReceive === 0) out.maxInfoReceive = 128;
      if (out.widths.windowTransmit === 0) out.windowTransmit = 1;
      if (out.widths.windowReceive === 0) out.windowReceive = 1;
      if (out.widths.maxInfoTransmit === 1 && out.maxInfoTransmit > 255) out.widths.maxInfoTransmit = 2;
      if (out.widths.maxInfoReceive === 1 && out.maxInfoReceive > 255) out.widths.maxInfoReceive = 2;
      return out;
    });

  it('decodeHdlcParameters(encodeHdlcParameters(p)) equals p', () => {
    fc.assert(
      fc.property(parameters, (p) => {
        expect(decodeHdlcParameters(encodeHdlcParameters(p))).toEqual(p);
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('decodeHdlcParameters only throws DecodeError on random and mutated input', () => {
    const decode = (b: Uint8Array) => decodeHdlcParameters(b);
    const prefixed = fc
      .tuple(fc.uint8Array({ maxLength: 20 }), fc.integer({ min: -2, max: 2 }))
      .map(([rest, skew]) => concat(Uint8Array.of(0x81, 0x80, Math.max(0, rest.length + skew)), rest));
    const mutatedParams = fc
      .tuple(
        parameters,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 2 }),
      )
      .map(([p, edits]) => {
        const b = encodeHdlcParameters(p);
        for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (b) => onlyDecodeErrors(b, decode)),
      {
        numRuns: fuzzRuns(20_000),
      },
    );
    fc.assert(
      fc.property(prefixed, (b) => onlyDecodeErrors(b, decode)),
      { numRuns: fuzzRuns(40_000) },
    );
    fc.assert(
      fc.property(mutatedParams, (b) => onlyDecodeErrors(b, decode)),
      { numRuns: fuzzRuns(40_000) },
    );
  });
});
