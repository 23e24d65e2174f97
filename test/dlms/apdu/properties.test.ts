import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import { apduTags } from '../../../src/dlms/apdu/tags.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { dlmsVectors, vectorBytes } from '../../helpers/vectors.js';
import { arbApdu } from './arbitraries.js';

/** Decodes, letting only DecodeError through silently; anything else fails the property. */
function decodeOnlyThrowsDecodeError(bytes: Uint8Array): void {
  try {
    decodeApdu(bytes, { maxDepth: 8 });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.layer).toBe('apdu');
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
  }
}

const seeds = dlmsVectors
  .filter((v) => v.layer === 'apdu' || v.id.startsWith('cosem-') || v.id.startsWith('sec-'))
  .map(vectorBytes)
  .filter((b) => b.length > 0 && b.length < 300);

/** A vector with a few octets changed, cut short or extended. */
const mutated = fc
  .record({
    seed: fc.constantFrom(...seeds),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    tail: fc.uint8Array({ maxLength: 3 }),
  })
  .map(({ seed, edits, cut, tail }) => {
    const b = Uint8Array.from(seed);
    for (const [at, v] of edits) b[at % b.length] = v;
    const kept = cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
    const out = new Uint8Array(kept.length + tail.length);
    out.set(kept);
    out.set(tail, kept.length);
    return out;
  });

const tags = Object.values(apduTags);

describe('APDU codec properties', () => {
  it('decode(encode(x)) deep-equals x for every type and variant', () => {
    fc.assert(
      fc.property(arbApdu, (apdu) => {
        const bytes = encodeApdu(apdu);
        expect(decodeApdu(bytes)).toEqual(apdu);
        expect(encodeApdu(decodeApdu(bytes))).toEqual(bytes);
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('random bytes only ever throw DecodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 32 }), decodeOnlyThrowsDecodeError), {
      numRuns: fuzzRuns(30000),
    });
  });

  it('random bytes after a known tag only ever throw DecodeError', () => {
    const arb = fc
      .tuple(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 40 }))
      .map(([tag, rest]) => Uint8Array.of(tag, ...rest));
    fc.assert(fc.property(arb, decodeOnlyThrowsDecodeError), { numRuns: fuzzRuns(40000) });
  });

  it('mutated vectors only ever throw DecodeError', () => {
    fc.assert(fc.property(mutated, decodeOnlyThrowsDecodeError), { numRuns: fuzzRuns(40000) });
  });

  it('mutated encodings of arbitrary APDUs only ever throw DecodeError', () => {
    const arb = fc.tuple(arbApdu, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([apdu, at, v]) => {
      const b = encodeApdu(apdu);
      b[at % b.length] = v;
      return b;
    });
    fc.assert(fc.property(arb, decodeOnlyThrowsDecodeError), { numRuns: fuzzRuns(5000) });
  });
});
