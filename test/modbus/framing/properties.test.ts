// fast-check properties of the three framings: round trips, arbitrary chunking, random and mutated input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import {
  AsciiFrameDecoder,
  decodeAsciiFrame,
  decodeRtuFrame,
  decodeTcpFrame,
  encodeAsciiFrame,
  encodeRtuFrame,
  encodeTcpFrame,
  type FrameDecoder,
  type FrameDirection,
  type ModbusFrame,
  RtuFrameDecoder,
  TcpFrameDecoder,
} from '../../../src/modbus/framing/index.js';
import { concat, cut } from './helpers.js';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

const runs = 10_000;

const unitId = fc.integer({ min: 0, max: 255 });
const transactionId = fc.integer({ min: 0, max: 0xffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u8 = fc.integer({ min: 0, max: 255 });

/** Any PDU of 1–253 bytes whose function code is not 0. */
const anyPdu = bytes(1, 253).map((p) => {
  if (p[0] === 0) p[0] = 1;
  return p;
});

const pdu = (...parts: Array<number | Uint8Array>): Uint8Array =>
  concat(...parts.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : p)));

/** Request PDUs whose length follows the §7.4 request table. */
const requestPdu: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.constantFrom(1, 2, 3, 4, 5, 6, 8), bytes(4, 4)).map(([f, d]) => pdu(f, d)),
  fc.constantFrom(7, 11, 12, 17).map((f) => pdu(f)),
  fc.tuple(fc.constantFrom(15, 16), bytes(4, 4), bytes(0, 246)).map(([f, h, d]) => pdu(f, h, d.length, d)),
  fc.tuple(fc.constantFrom(20, 21), bytes(0, 251)).map(([f, d]) => pdu(f, d.length, d)),
  bytes(6, 6).map((d) => pdu(22, d)),
  fc.tuple(bytes(8, 8), bytes(0, 243)).map(([h, d]) => pdu(23, h, d.length, d)),
  bytes(2, 2).map((d) => pdu(24, d)),
  bytes(2, 2).map((d) => pdu(43, 14, d)),
);

/** FC43/14 response PDUs: header, then objects that fit in 253 bytes. */
const deviceIdPdu = fc
  .tuple(bytes(4, 4), fc.array(fc.tuple(u8, bytes(0, 60)), { maxLength: 8 }))
  .map(([h, objects]) => {
    const parts: Uint8Array[] = [];
    let size = 7;
    for (const [id, value] of objects) {
      if (size + 2 + value.length > 253) break;
      parts.push(pdu(id, value.length, value));
      size += 2 + value.length;
    }
    return pdu(43, 14, h, parts.length, ...parts);
  });

/** Response PDUs whose length follows the §7.4 response table. */
const responsePdu: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.integer({ min: 0x81, max: 0xff }), u8).map(([f, code]) => pdu(f, code)),
  fc
    .tuple(fc.constantFrom(1, 2, 3, 4, 12, 17, 20, 21, 23), bytes(0, 251))
    .map(([f, d]) => pdu(f, d.length, d)),
  fc.tuple(fc.constantFrom(5, 6, 8, 11, 15, 16), bytes(4, 4)).map(([f, d]) => pdu(f, d)),
  u8.map((s) => pdu(7, s)),
  bytes(6, 6).map((d) => pdu(22, d)),
  bytes(0, 250).map((d) => pdu(24, d.length >> 8, d.length & 0xff, d)),
  deviceIdPdu,
);

const frameOf = (p: fc.Arbitrary<Uint8Array>) => fc.record({ unitId, pdu: p });
const tcpFrame = fc.record({ transactionId, unitId, pdu: anyPdu });

/** Cut points for chunking a stream arbitrarily. */
const cuts = fc.array(fc.nat({ max: 4000 }), { maxLength: 12 });

function chunked(stream: Uint8Array, at: number[]): Uint8Array[] {
  return cut(
    stream,
    at.map((p) => p % (stream.length + 1)),
  );
}

function drain(decoder: FrameDecoder, chunks: Uint8Array[]): ModbusFrame[] {
  const out: ModbusFrame[] = [];
  for (const c of chunks) out.push(...decoder.push(c));
  return out;
}

const same = (a: ModbusFrame, b: ModbusFrame) =>
  a.unitId === b.unitId &&
  a.transactionId === b.transactionId &&
  Buffer.from(a.pdu).equals(Buffer.from(b.pdu));

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length).indexOf(Buffer.from(needle)) >= 0;
}

/** The MBAP bytes of a frame, without the encoder's checks (decoders pass function code 0 on). */
function rawTcp(f: ModbusFrame): Uint8Array {
  const n = f.pdu.length + 1;
  return pdu(f.transactionId! >> 8, f.transactionId! & 0xff, 0, 0, n >> 8, n & 0xff, f.unitId, f.pdu);
}

/** The ASCII text of a frame (upper case), without the encoder's checks. */
function rawAscii(f: ModbusFrame): string {
  const binary = pdu(f.unitId, f.pdu);
  const sum = binary.reduce((a, b) => a + b, 0);
  return `:${Buffer.from(pdu(binary, -sum & 0xff))
    .toString('hex')
    .toUpperCase()}\r\n`;
}

/** Runs `fn`, allowing only our DecodeError to escape. */
function onlyDecodeErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('round trips', () => {
  it('RTU: decode(encode(frame)) = frame', () => {
    fc.assert(
      fc.property(frameOf(anyPdu), (f) => {
        expect(same(decodeRtuFrame(encodeRtuFrame(f)), f)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('ASCII: decode(encode(frame)) = frame, for any end character', () => {
    const endChar = fc
      .integer({ min: 0, max: 255 })
      .filter((c) => !/[0-9A-Fa-f:]/.test(String.fromCharCode(c)));
    fc.assert(
      fc.property(frameOf(anyPdu), endChar, (f, e) => {
        expect(same(decodeAsciiFrame(encodeAsciiFrame(f, { endChar: e }), { endChar: e }), f)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('TCP: decode(encode(frame)) = frame', () => {
    fc.assert(
      fc.property(tcpFrame, (f) => {
        expect(same(decodeTcpFrame(encodeTcpFrame(f)), f)).toBe(true);
      }),
      { numRuns: runs },
    );
  });
});

describe('streams of valid frames, chunked arbitrarily, decode to the same frames', () => {
  const cases: Array<
    [string, fc.Arbitrary<ModbusFrame[]>, (f: ModbusFrame) => Uint8Array, () => FrameDecoder]
  > = [
    [
      'RTU requests',
      fc.array(frameOf(requestPdu), { minLength: 1, maxLength: 6 }),
      encodeRtuFrame,
      () => new RtuFrameDecoder({ direction: 'request' }),
    ],
    [
      'RTU responses',
      fc.array(frameOf(responsePdu), { minLength: 1, maxLength: 6 }),
      encodeRtuFrame,
      () => new RtuFrameDecoder({ direction: 'response' }),
    ],
    [
      'ASCII',
      fc.array(frameOf(anyPdu), { minLength: 1, maxLength: 4 }),
      (f) => encodeAsciiFrame(f),
      () => new AsciiFrameDecoder(),
    ],
    ['TCP', fc.array(tcpFrame, { minLength: 1, maxLength: 6 }), encodeTcpFrame, () => new TcpFrameDecoder()],
  ];
  for (const [name, frames, encode, make] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(frames, cuts, (fs, at) => {
          const decoder = make();
          const got = drain(decoder, chunked(concat(...fs.map(encode)), at));
          expect(got.length).toBe(fs.length);
          for (const [i, g] of got.entries()) expect(same(g, fs[i]!)).toBe(true);
          expect(decoder.pending).toBe(0);
        }),
        { numRuns: runs },
      );
    });
  }
});

/** Random bytes biased towards what the decoders look at. */
const noisyBytes = (alphabet: number[]) =>
  fc
    .uint8Array({ maxLength: 300 })
    .chain((raw) =>
      fc
        .array(fc.boolean(), { minLength: raw.length, maxLength: raw.length })
        .map((pick) => raw.map((b, i) => (pick[i] ? alphabet[b % alphabet.length]! : b))),
    );

const asciiAlphabet = [...':0123456789ABCDEFabcdef\r\n'].map((c) => c.charCodeAt(0));

/** A valid stream with a few bytes flipped, inserted or deleted. */
function mutated(stream: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), u8);
  return fc.tuple(stream, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([s, edits]) => {
    let out = Array.from(s);
    for (const [kind, at, v] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      if (kind === 'flip') out[i] = (out[i] ?? 0) ^ (v | 1);
      else if (kind === 'insert') out.splice(i, 0, v);
      else out.splice(i, 1);
    }
    out = out.slice(0, 2000);
    return Uint8Array.from(out);
  });
}

const rtuStream = (p: fc.Arbitrary<Uint8Array>) =>
  fc.array(frameOf(p), { maxLength: 5 }).map((fs) => concat(...fs.map(encodeRtuFrame)));

describe('random and mutated input only ever yields genuine frames or DecodeError', () => {
  // With `account`, every input byte must end up in a frame, a discarded run or the pending bytes.
  function checkRtu(input: Uint8Array, at: number[], direction: FrameDirection, account: boolean): void {
    let discarded = 0;
    const onDiscard = account ? (_e: DecodeError, b: Uint8Array) => (discarded += b.length) : undefined;
    const decoder = new RtuFrameDecoder({ direction, onDiscard });
    const frames = drain(decoder, chunked(input, at));
    // Every frame is in the input verbatim, CRC included.
    for (const f of frames) check(contains(input, encodeRtuFrame(f)), 'frame not in the input');
    const framed = frames.reduce((n, f) => n + f.pdu.length + 3, 0);
    if (account) check(framed + discarded + decoder.pending === input.length, 'bytes lost');
    onlyDecodeErrors(() => decoder.end());
  }

  it('RTU, random bytes', () => {
    fc.assert(
      fc.property(
        noisyBytes([0x11, 0x03, 0x10, 0x2b, 0x0e, 0x83, 0x08, 0x00]),
        cuts,
        fc.boolean(),
        (b, at, req) => checkRtu(b, at, req ? 'request' : 'response', false),
      ),
      { numRuns: runs },
    );
  });

  it('RTU, mutated streams', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutated(rtuStream(requestPdu)).map((b) => [b, 'request'] as const),
          mutated(rtuStream(responsePdu)).map((b) => [b, 'response'] as const),
        ),
        cuts,
        ([b, direction], at) => checkRtu(b, at, direction, true),
      ),
      { numRuns: runs },
    );
  });

  function checkAscii(input: Uint8Array, at: number[]): void {
    const decoder = new AsciiFrameDecoder({ onDiscard: () => {} });
    const frames = drain(decoder, chunked(input, at));
    const upper = Buffer.from(input).toString('latin1').toUpperCase();
    for (const f of frames) {
      check(upper.includes(rawAscii(f)), 'frame not in the input');
    }
    onlyDecodeErrors(() => decoder.end());
  }

  it('ASCII, random characters', () => {
    fc.assert(fc.property(noisyBytes(asciiAlphabet), cuts, checkAscii), { numRuns: runs });
  });

  it('ASCII, mutated streams', () => {
    const stream = fc.array(frameOf(bytes(1, 40)), { maxLength: 4 }).map((fs) =>
      concat(
        ...fs.map((f) => {
          if (f.pdu[0] === 0) f.pdu[0] = 1;
          return encodeAsciiFrame(f);
        }),
      ),
    );
    fc.assert(fc.property(mutated(stream), cuts, checkAscii), { numRuns: runs });
  });

  function checkTcp(input: Uint8Array, at: number[]): void {
    const decoder = new TcpFrameDecoder({ onDiscard: () => {} });
    onlyDecodeErrors(() => {
      for (const chunk of chunked(input, at)) {
        for (const f of decoder.push(chunk)) check(contains(input, rawTcp(f)), 'frame not in the input');
      }
      decoder.end();
    });
  }

  it('TCP, random bytes', () => {
    fc.assert(fc.property(noisyBytes([0, 0, 0, 1, 2, 6, 0xfd]), cuts, checkTcp), { numRuns: runs });
  });

  it('TCP, mutated streams', () => {
    const stream = fc
      .array(fc.record({ transactionId, unitId, pdu: bytes(1, 40) }), { maxLength: 5 })
      .map((fs) =>
        concat(
          ...fs.map((f) => {
            if (f.pdu[0] === 0) f.pdu[0] = 1;
            return encodeTcpFrame(f);
          }),
        ),
      );
    fc.assert(fc.property(mutated(stream), cuts, checkTcp), { numRuns: runs });
  });
});
