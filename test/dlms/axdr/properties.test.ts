// Properties: Data round trips, and random or mutated octets only ever raise DecodeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import { decodeDateTimeOctets, encodeDateTimeOctets } from '../../../src/dlms/axdr/calendar.js';
import { decodeData, encodeData } from '../../../src/dlms/axdr/data-codec.js';
import type { DataDecodeOptions } from '../../../src/dlms/axdr/types.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { arbData, arbDateTime } from './arbitraries.js';

/** Decodes; a DecodeError is an accepted outcome, anything else fails the property. */
function decodeOrDecodeError(bytes: Uint8Array, options?: DataDecodeOptions): void {
  try {
    const data = decodeData(bytes, options);
    // Whatever decodes must re-encode without error (the boolean octet may normalise to 01).
    encodeData(data);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

const tags = [
  0, 1, 2, 3, 4, 5, 6, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 33, 255,
];

/** Short random octets whose first octets are often valid tags, so decoding goes deeper than the tag. */
const randomBytes = fc
  .tuple(fc.array(fc.constantFrom(...tags), { maxLength: 3 }), fc.uint8Array({ maxLength: 24 }))
  .map(([head, tail]) => Uint8Array.from([...head, ...tail]));

type Mutation = { kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
});

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip' && out.length > 0) out[at] = out[at]! ^ (1 << (m.value & 7));
    else if (m.kind === 'set' && out.length > 0) out[at] = m.value;
    else if (m.kind === 'insert') out.splice(at, 0, m.value);
    else if (m.kind === 'delete') out.splice(at, 1);
    else if (m.kind === 'truncate') out = out.slice(0, at);
  }
  return Uint8Array.from(out);
}

describe('A-XDR properties', () => {
  it('decodeData(encodeData(x)) deep-equals x', () => {
    fc.assert(
      fc.property(arbData(), (data) => {
        expect(decodeData(encodeData(data))).toEqual(data);
      }),
      { numRuns: fuzzRuns(3_000) },
    );
  });

  it('round trip with invertDeviation on both sides', () => {
    fc.assert(
      fc.property(arbData({ maxDepth: 2 }), (data) => {
        const options = { invertDeviation: true };
        expect(decodeData(encodeData(data, options), options)).toEqual(data);
      }),
      { numRuns: fuzzRuns(1_000) },
    );
  });

  it('date-time octets round trip, and invertDeviation only changes the sign', () => {
    fc.assert(
      fc.property(arbDateTime(), (value) => {
        const octets = encodeDateTimeOctets(value);
        expect(octets).toHaveLength(12);
        expect(decodeDateTimeOctets(octets)).toEqual(value);
        const inverted = decodeDateTimeOctets(octets, { invertDeviation: true });
        expect(inverted.deviation).toEqual(
          value.deviation === 'unspecified' ? 'unspecified' : 0 - value.deviation,
        );
      }),
      { numRuns: fuzzRuns(2_000) },
    );
  });

  it('random octets: only DecodeError', () => {
    fc.assert(
      fc.property(randomBytes, (bytes) => decodeOrDecodeError(bytes)),
      { numRuns: fuzzRuns(50_000) },
    );
  });

  it('random octets with tight limits: only DecodeError', () => {
    const options = { maxArrayLength: 3, maxDepth: 2, maxStringBytes: 4 };
    fc.assert(
      fc.property(randomBytes, (bytes) => decodeOrDecodeError(bytes, options)),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('random date-time octets: only DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 11, maxLength: 13 }), (bytes) => {
        try {
          expect(encodeDateTimeOctets(decodeDateTimeOctets(bytes))).toEqual(bytes);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('mutated valid encodings: only DecodeError', () => {
    fc.assert(
      fc.property(
        arbData({ maxDepth: 2 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (data, mutations) => decodeOrDecodeError(mutate(encodeData(data), mutations)),
      ),
      { numRuns: fuzzRuns(40_000) },
    );
  });
});
