// The JSON frame message codec: round trip, and random or mutated input only ever yields a
// message or the codec's typed error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeJsonFrameMessage,
  encodeJsonFrameMessage,
  type JsonFrameMessage,
  JsonFrameMessageError,
  JsonFrameType,
} from '../../../src/mqtt/gateway/json-frames/index.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

const topic = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { minLength: 1, maxLength: 4 })
  .map((levels) => levels.join('/'));

const messageArb: fc.Arbitrary<JsonFrameMessage> = fc
  .record(
    {
      id: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()),
      type: fc.constantFrom(...Object.values(JsonFrameType)),
      sender: topic,
      frame: fc.uint8Array({ maxLength: 64 }),
      exception: fc.string(),
    },
    { requiredKeys: ['type'] },
  )
  .map((m) => (Object.is(m.id, -0) ? { ...m, id: 0 } : m));

function decodesOrTypedError(bytes: Uint8Array): void {
  try {
    decodeJsonFrameMessage(bytes, { maxFrameBytes: 64 });
  } catch (error) {
    expect(error).toBeInstanceOf(JsonFrameMessageError);
  }
}

describe('JSON frame messages (properties)', () => {
  it('decode(encode(m)) = m', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        expect(decodeJsonFrameMessage(encodeJsonFrameMessage(m), { maxFrameBytes: 64 })).toEqual(m);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('random bytes and random JSON: a message or a JsonFrameMessageError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), decodesOrTypedError), {
      numRuns: fuzzRuns(20_000),
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) =>
        decodesOrTypedError(new TextEncoder().encode(JSON.stringify(value) ?? 'null')),
      ),
      { numRuns: fuzzRuns(5000) },
    );
  });

  it('mutated messages: a message or a JsonFrameMessageError, nothing else', () => {
    fc.assert(
      fc.property(
        messageArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        (m, edits, cut) => {
          const b = encodeJsonFrameMessage(m);
          for (const [at, value] of edits) if (b.length > 0) b[at % b.length] = value;
          decodesOrTypedError(b.subarray(0, b.length - (cut % 4)));
        },
      ),
      { numRuns: fuzzRuns(20_000) },
    );
  });
});
