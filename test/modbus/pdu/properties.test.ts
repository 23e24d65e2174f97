// fast-check properties of the PDU codec: round trips for every message type, and random or
// mutated bytes only ever produce a DecodeError (never a RangeError, TypeError or a hang).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../../src/core/errors.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type ModbusRequest,
  type ModbusResponse,
} from '../../../src/modbus/pdu/index.js';
import { anyRequest, anyResponse } from './arbitraries.js';

const publicCodes = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43];

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Decodes `pdu`; it must either succeed or throw a DecodeError. A decoded message that the encoder
 * accepts must encode back to the same bytes (the codec is canonical), except FC15 requests, whose
 * padding bits are ignored on decode and sent as 0.
 */
function decodeOrReject<T extends ModbusRequest | ModbusResponse>(
  pdu: Uint8Array,
  decode: (pdu: Uint8Array) => T,
  encode: (msg: T) => Uint8Array,
  isRequest: boolean,
): boolean {
  let msg: T;
  try {
    msg = decode(pdu);
  } catch (e) {
    if (e instanceof DecodeError && e.layer === 'modbus-pdu' && e.offset >= 0 && e.offset <= pdu.length)
      return true;
    throw e;
  }
  let again: Uint8Array;
  try {
    again = encode(msg);
  } catch (e) {
    // Decoded but refused on encode: ranges past 65535, FC20/21 references, FC43/14 next id …
    if (e instanceof EncodeError) return true;
    throw e;
  }
  if (isRequest && msg.type === 'write-multiple-coils') return sameBytes(encode(decode(again)), again);
  return sameBytes(again, pdu);
}

/** Any bytes (0–260), or a plausible function code (public or any) and second byte, then noise. */
const noise = fc.oneof(
  fc.uint8Array({ maxLength: 260 }),
  fc
    .tuple(
      fc.oneof(fc.constantFrom(...publicCodes), fc.integer({ min: 0, max: 0xff })),
      fc.oneof(fc.constantFrom(0x0e, 0x00, 0xff), fc.integer({ min: 0, max: 0xff })),
      fc.uint8Array({ maxLength: 258 }),
    )
    .map(([code, second, rest]) => Uint8Array.of(code, second, ...rest)),
);

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'bump'; at: number; delta: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xff), fc.integer({ min: 0, max: 0xff })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('bump' as const), at: fc.nat(), delta: fc.constantFrom(-2, -1, 1, 2, 7) }),
);

function mutate(pdu: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Uint8Array.from(pdu);
  for (const m of mutations) {
    if (out.length === 0) break;
    switch (m.kind) {
      case 'set':
        out[m.at % out.length] = m.value;
        break;
      case 'bump': {
        const i = m.at % out.length;
        out[i] = (out[i]! + m.delta) & 0xff;
        break;
      }
      case 'truncate':
        out = out.subarray(0, m.at % out.length);
        break;
      case 'append':
        out = Uint8Array.of(...out, ...m.bytes);
        break;
    }
  }
  return out;
}

const mutatedRequest = fc
  .tuple(anyRequest, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([req, ms]) => mutate(encodeRequest(req), ms));
const mutatedResponse = fc
  .tuple(anyResponse, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([res, ms]) => mutate(encodeResponse(res), ms));

describe('round trips', () => {
  it('decodeRequest(encodeRequest(x)) equals x for every request type', () => {
    fc.assert(
      fc.property(anyRequest, (req) => {
        const pdu = encodeRequest(req);
        expect(pdu.length).toBeLessThanOrEqual(253);
        expect(decodeRequest(pdu)).toEqual(req);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeResponse(encodeResponse(x)) equals x for every response type', () => {
    fc.assert(
      fc.property(anyResponse, (res) => {
        const pdu = encodeResponse(res);
        expect(pdu.length).toBeLessThanOrEqual(253);
        expect(decodeResponse(pdu)).toEqual(res);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes inside a larger buffer (byteOffset ≠ 0)', () => {
    fc.assert(
      fc.property(anyResponse, fc.uint8Array({ minLength: 1, maxLength: 9 }), (res, head) => {
        const pdu = encodeResponse(res);
        const backing = new Uint8Array(head.length + pdu.length + 3);
        backing.set(head);
        backing.set(pdu, head.length);
        expect(decodeResponse(backing.subarray(head.length, head.length + pdu.length))).toEqual(res);
      }),
      { numRuns: 500 },
    );
  });
});

describe('bad input only ever produces a DecodeError', () => {
  it('random bytes → decodeRequest', () => {
    fc.assert(
      fc.property(noise, (pdu) => decodeOrReject(pdu, decodeRequest, encodeRequest, true)),
      { numRuns: 20_000 },
    );
  });

  it('random bytes → decodeResponse', () => {
    fc.assert(
      fc.property(noise, (pdu) => decodeOrReject(pdu, decodeResponse, encodeResponse, false)),
      { numRuns: 20_000 },
    );
  });

  it('mutated valid requests → decodeRequest', () => {
    fc.assert(
      fc.property(mutatedRequest, (pdu) => decodeOrReject(pdu, decodeRequest, encodeRequest, true)),
      { numRuns: 20_000 },
    );
  });

  it('mutated valid responses → decodeResponse', () => {
    fc.assert(
      fc.property(mutatedResponse, (pdu) => decodeOrReject(pdu, decodeResponse, encodeResponse, false)),
      { numRuns: 20_000 },
    );
  });

  it('requests fed to decodeResponse and responses fed to decodeRequest', () => {
    fc.assert(
      fc.property(anyRequest, anyResponse, (req, res) => {
        return (
          decodeOrReject(encodeRequest(req), decodeResponse, encodeResponse, false) &&
          decodeOrReject(encodeResponse(res), decodeRequest, encodeRequest, true)
        );
      }),
      { numRuns: 2000 },
    );
  });
});
