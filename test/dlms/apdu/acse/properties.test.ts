// Property tests (spec §7): encode → decode is the identity on valid values; random and mutated
// bytes only ever produce a DecodeError (or a value that re-encodes), never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../src/core/bytes.js';
import { DecodeError } from '../../../../src/core/errors.js';
import {
  readAcseApdu,
  readConfirmedServiceError,
  readInitiateRequest,
  readInitiateResponse,
  writeAcseApdu,
  writeConfirmedServiceError,
  writeInitiateRequest,
  writeInitiateResponse,
} from '../../../../src/dlms/apdu/acse/acse-codec.js';
import { fuzzRuns } from '../../../helpers/fuzz.js';
import { dlmsVectors, vectorBytes } from '../../../helpers/vectors.js';
import { acseApdu, confirmedServiceError, initiateRequest, initiateResponse } from './arbitraries.js';

function encode<T>(write: (w: ByteWriter, v: T) => void, v: T): Uint8Array {
  const w = new ByteWriter();
  write(w, v);
  return w.finish();
}

/** Decodes `bytes`; a DecodeError is fine, anything else fails the property. */
function decodeOrDecodeError<T>(read: (r: ByteReader) => T, bytes: Uint8Array): T | undefined {
  try {
    return read(new ByteReader(bytes, 'apdu'));
  } catch (e) {
    if (e instanceof DecodeError) {
      expect(e.layer).toBe('apdu');
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.length);
      return undefined;
    }
    throw e;
  }
}

const readAcse = (r: ByteReader) => readAcseApdu(r);
/** Property tests scale with FUZZ_SCALE; so does their time limit (30 s per unit of scale). */
const slow = { timeout: fuzzRuns(30_000) };

describe('round trip', slow, () => {
  it('ACSE APDUs', () => {
    fc.assert(
      fc.property(acseApdu, (apdu) => {
        const bytes = encode(writeAcseApdu, apdu);
        const r = new ByteReader(bytes, 'apdu');
        expect(readAcseApdu(r)).toEqual(apdu);
        expect(r.pos).toBe(bytes.length);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('InitiateRequest, InitiateResponse, confirmed-service-error', () => {
    fc.assert(
      fc.property(initiateRequest, (v) => {
        expect(readInitiateRequest(new ByteReader(encode(writeInitiateRequest, v), 'apdu'))).toEqual(v);
      }),
      { numRuns: fuzzRuns(1000) },
    );
    fc.assert(
      fc.property(initiateResponse, (v) => {
        expect(readInitiateResponse(new ByteReader(encode(writeInitiateResponse, v), 'apdu'))).toEqual(v);
      }),
      { numRuns: fuzzRuns(1000) },
    );
    fc.assert(
      fc.property(confirmedServiceError, (v) => {
        expect(
          readConfirmedServiceError(new ByteReader(encode(writeConfirmedServiceError, v), 'apdu')),
        ).toEqual(v);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  });
});

/** A decoded APDU must re-encode, and that encoding must decode to the same value. */
function checkStable(bytes: Uint8Array): void {
  const apdu = decodeOrDecodeError(readAcse, bytes);
  if (apdu === undefined) return;
  const again = encode(writeAcseApdu, apdu);
  expect(readAcseApdu(new ByteReader(again, 'apdu'))).toEqual(apdu);
}

const acseVectors = dlmsVectors.map(vectorBytes).filter((b) => b[0]! >= 0x60 && b[0]! <= 0x63);

describe('malformed input only throws DecodeError', slow, () => {
  it('random bytes behind an ACSE tag and length', () => {
    const input = fc
      .tuple(fc.integer({ min: 0x60, max: 0x63 }), fc.uint8Array({ maxLength: 40 }))
      .map(([tag, body]) => Uint8Array.of(tag, body.length, ...body));
    fc.assert(fc.property(input, checkStable), { numRuns: fuzzRuns(25_000) });
  });

  it('completely random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 24 }), checkStable), { numRuns: fuzzRuns(10_000) });
  });

  it('mutated vectors (changed, inserted and removed bytes)', () => {
    const mutation = fc.record({
      vector: fc.constantFrom(...acseVectors),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('set', 'insert', 'remove'),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ vector, edits }) => {
        const b = Array.from(vector);
        for (const e of edits) {
          const at = e.at % (b.length + 1);
          if (e.kind === 'set' && at < b.length) b[at] = e.value;
          else if (e.kind === 'insert') b.splice(at, 0, e.value);
          else b.splice(at, 1);
        }
        checkStable(Uint8Array.from(b));
      }),
      { numRuns: fuzzRuns(50_000) },
    );
  });

  it('random bytes after the initiate and confirmed-service-error tags', () => {
    const body = (tag: number) => fc.uint8Array({ maxLength: 24 }).map((b) => Uint8Array.of(tag, ...b));
    fc.assert(
      fc.property(body(0x01), (b) => void decodeOrDecodeError(readInitiateRequest, b)),
      { numRuns: fuzzRuns(5_000) },
    );
    fc.assert(
      fc.property(body(0x08), (b) => void decodeOrDecodeError(readInitiateResponse, b)),
      { numRuns: fuzzRuns(5_000) },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 6 }),
        (b) => void decodeOrDecodeError(readConfirmedServiceError, b),
      ),
      { numRuns: fuzzRuns(5_000) },
    );
  });
});
