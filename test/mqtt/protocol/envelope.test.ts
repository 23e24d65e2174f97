// The tunnel envelope (docs/mqtt-tunnel.md): golden bytes, every field, errors, properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { idProblem, isPlainAsciiId, plainAsciiIdAt } from '../../../src/mqtt/protocol/ids.js';
import {
  decodeEnvelope,
  type Envelope,
  type EnvelopeHeader,
  EnvelopeTypeCode,
  encodeEnvelope,
  peekEnvelopeHeader,
  TunnelErrorCode,
  tunnelErrorName,
  tunnelMqtt5Properties,
  UnsupportedVersionError,
} from '../../../src/mqtt/protocol/index.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

const h: EnvelopeHeader = {
  flags: 0,
  sessionId: 0x2a,
  seq: 0,
  correlationId: 1,
  deadlineMs: 5000,
  sentAt: 0,
  replyTo: 'he1',
  portId: 'p1',
};
const gw = { ...h, replyTo: '', deadlineMs: 0 };

/** The worked examples of docs/mqtt-tunnel.md, byte for byte. */
const golden: [string, Envelope, string][] = [
  [
    'open',
    { type: 'open', ...h, leaseIdleMs: 30000 },
    '01 01 00 00 0000002A 00000000 00000001 00001388 0000000000000000 03 686531 02 7031 00007530',
  ],
  [
    'opened',
    { type: 'opened', ...gw, leaseIdleMs: 30000, maxPayloadBytes: 65536 },
    '01 02 00 00 0000002A 00000000 00000001 00000000 0000000000000000 00 02 7031 00007530 00010000',
  ],
  [
    'data to the meter',
    { type: 'data', ...h, seq: 1, correlationId: 2, payload: fromHex('7EA0070321930F017E') },
    '01 03 00 00 0000002A 00000001 00000002 00001388 0000000000000000 03 686531 02 7031 7EA0070321930F017E',
  ],
  [
    'data from the meter',
    { type: 'data', ...gw, seq: 1, correlationId: 2, payload: fromHex('7EA0072103736E0A7E') },
    '01 03 00 00 0000002A 00000001 00000002 00000000 0000000000000000 00 02 7031 7EA0072103736E0A7E',
  ],
  [
    'close',
    { type: 'close', ...h, seq: 2, correlationId: 3 },
    '01 04 00 00 0000002A 00000002 00000003 00001388 0000000000000000 03 686531 02 7031',
  ],
  [
    'closed',
    { type: 'closed', ...gw, seq: 2, correlationId: 3, code: 0, message: '' },
    '01 05 00 00 0000002A 00000002 00000003 00000000 0000000000000000 00 02 7031 0000 0000',
  ],
  [
    'error',
    { type: 'error', ...gw, seq: 1, code: TunnelErrorCode.unknownPort, message: 'no port p9' },
    '01 06 00 00 0000002A 00000001 00000001 00000000 0000000000000000 00 02 7031 0003 000A 6E6F20706F7274207039',
  ],
  [
    'ping',
    { type: 'ping', ...h, sessionId: 0, correlationId: 9, deadlineMs: 2000, portId: '' },
    '01 07 00 00 00000000 00000000 00000009 000007D0 0000000000000000 03 686531 00',
  ],
  [
    'pong',
    { type: 'pong', ...gw, sessionId: 0, correlationId: 9, portId: '' },
    '01 08 00 00 00000000 00000000 00000009 00000000 0000000000000000 00 00',
  ],
  [
    'push',
    { type: 'push', ...gw, sessionId: 0, seq: 5, correlationId: 0, payload: fromHex('010203') },
    '01 09 00 00 00000000 00000005 00000000 00000000 0000000000000000 00 02 7031 010203',
  ],
  [
    'open with sent-at and noWait',
    { type: 'open', ...h, flags: 1, sentAt: 1700000000000, leaseIdleMs: 0 },
    '01 01 01 00 0000002A 00000000 00000001 00001388 0000018BCFE56800 03 686531 02 7031 00000000',
  ],
];

describe('golden bytes', () => {
  for (const [name, envelope, hex] of golden) {
    it(name, () => {
      const bytes = encodeEnvelope(envelope);
      expect(toHex(bytes)).toBe(hex.replaceAll(' ', ''));
      expect(decodeEnvelope(bytes)).toEqual(envelope);
    });
  }
});

describe('fields', () => {
  it('puts every header field at its offset', () => {
    const bytes = encodeEnvelope({
      type: 'ping',
      flags: 0xa5,
      sessionId: 0x01020304,
      seq: 0x05060708,
      correlationId: 0x090a0b0c,
      deadlineMs: 0x0d0e0f10,
      sentAt: 0x001fffff_ffffffff,
      replyTo: 'h',
      portId: 'é',
    });
    expect(toHex(bytes)).toBe(
      '0107A500010203040506070809 0A0B0C0D0E0F10001FFFFFFFFFFFFF0168 02C3A9'.replaceAll(' ', ''),
    );
    expect(decodeEnvelope(bytes)).toMatchObject({
      sentAt: Number.MAX_SAFE_INTEGER,
      portId: 'é',
      flags: 0xa5,
    });
  });

  it('returns data payloads as views and ignores extension octets of the other bodies', () => {
    const bytes = encodeEnvelope({ type: 'data', ...h, payload: fromHex('AABB') });
    const env = decodeEnvelope(bytes);
    expect(env.type === 'data' && env.payload.buffer).toBe(bytes.buffer);
    const opened = encodeEnvelope({ type: 'opened', ...gw, leaseIdleMs: 1, maxPayloadBytes: 2 });
    const extended = new Uint8Array([...opened, 0xff, 0xee]);
    expect(decodeEnvelope(extended)).toEqual(decodeEnvelope(opened));
    const pong = new Uint8Array([...encodeEnvelope({ type: 'pong', ...gw }), 1, 2, 3]);
    expect(decodeEnvelope(pong).type).toBe('pong');
  });

  it('keeps unknown error codes and names the known ones', () => {
    const env = decodeEnvelope(encodeEnvelope({ type: 'error', ...gw, code: 0xfff0, message: 'later' }));
    expect(env).toMatchObject({ code: 0xfff0, message: 'later' });
    expect(tunnelErrorName(TunnelErrorCode.portBusy)).toBe('port-busy');
    expect(tunnelErrorName(TunnelErrorCode.unsupportedVersion)).toBe('unsupported-version');
    expect(tunnelErrorName(0xfff0)).toBe('code-65520');
    expect(Object.keys(EnvelopeTypeCode)).toHaveLength(11);
  });

  it('derives the MQTT 5 properties', () => {
    const env: Envelope = { type: 'close', ...h, correlationId: 0x01020304, deadlineMs: 1500 };
    expect(tunnelMqtt5Properties(env, 'meterlink/he/he1/res')).toEqual({
      correlationData: fromHex('01020304'),
      contentType: 'application/vnd.meterlink.tunnel.v1',
      messageExpiryInterval: 2,
      responseTopic: 'meterlink/he/he1/res',
    });
    expect(tunnelMqtt5Properties({ ...env, deadlineMs: 0 })).not.toHaveProperty('messageExpiryInterval');
  });
});

describe('encode errors', () => {
  const cases: [string, Envelope][] = [
    ['sessionId', { type: 'close', ...h, sessionId: -1 }],
    ['seq', { type: 'close', ...h, seq: 2 ** 32 }],
    ['correlationId', { type: 'close', ...h, correlationId: 1.5 }],
    ['deadlineMs', { type: 'close', ...h, deadlineMs: Number.NaN }],
    ['sentAt', { type: 'close', ...h, sentAt: 2 ** 53 }],
    ['flags', { type: 'close', ...h, flags: 256 }],
    ['replyTo', { type: 'open', ...h, replyTo: '', leaseIdleMs: 0 }],
    ['portId', { type: 'open', ...h, portId: '', leaseIdleMs: 0 }],
    ['portId', { type: 'push', ...h, portId: '', payload: new Uint8Array() }],
    ['replyTo', { type: 'close', ...h, replyTo: 'a/b' }],
    ['portId', { type: 'close', ...h, portId: '#' }],
    ['portId', { type: 'close', ...h, portId: '$SYS' }],
    ['replyTo', { type: 'close', ...h, replyTo: 'a+b' }],
    ['portId', { type: 'close', ...h, portId: 'a\0b' }],
    ['portId', { type: 'close', ...h, portId: 'é/' }],
    ['replyTo', { type: 'close', ...h, replyTo: 'x'.repeat(256) }],
    ['leaseIdleMs', { type: 'open', ...h, leaseIdleMs: -5 }],
    ['maxPayloadBytes', { type: 'opened', ...h, leaseIdleMs: 0, maxPayloadBytes: 2 ** 32 }],
    ['code', { type: 'error', ...h, code: 65536, message: '' }],
    ['message', { type: 'error', ...h, code: 1, message: 'x'.repeat(65536) }],
  ];
  for (const [field, envelope] of cases) {
    it(`${field} of ${envelope.type}`, () => {
      const e = (() => {
        try {
          encodeEnvelope(envelope);
        } catch (error) {
          return error;
        }
      })();
      expect(e).toBeInstanceOf(EncodeError);
      expect((e as EncodeError).field).toBe(field);
    });
  }
});

describe('decode errors', () => {
  const valid = encodeEnvelope({ type: 'data', ...h, payload: fromHex('0102') });
  function decodeError(bytes: Uint8Array, options?: { maxPayloadBytes?: number }): DecodeError {
    try {
      decodeEnvelope(bytes, options);
    } catch (error) {
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).layer).toBe('mqtt-tunnel');
      return error as DecodeError;
    }
    throw new Error('decoded');
  }
  const patched = (at: number, value: number): Uint8Array => {
    const b = valid.slice();
    b[at] = value;
    return b;
  };

  it('empty input', () => expect(decodeError(new Uint8Array()).offset).toBe(0));

  it('unknown version: a typed error, with what a gateway needs to answer', () => {
    const b = patched(0, 2);
    const e = decodeError(b);
    expect(e).toBeInstanceOf(UnsupportedVersionError);
    expect((e as UnsupportedVersionError).version).toBe(2);
    expect(e.offset).toBe(0);
    expect(peekEnvelopeHeader(b)).toEqual({ version: 2, sessionId: 0x2a, correlationId: 1, replyTo: 'he1' });
  });

  it('peek never throws', () => {
    expect(peekEnvelopeHeader(new Uint8Array())).toBeUndefined();
    expect(peekEnvelopeHeader(fromHex('01'))).toEqual({ version: 1, sessionId: 0, correlationId: 0 });
    expect(peekEnvelopeHeader(patched(28, 200))).not.toHaveProperty('replyTo');
    const badUtf8 = patched(29, 0xff);
    expect(peekEnvelopeHeader(badUtf8)).not.toHaveProperty('replyTo');
  });

  it('unknown type', () => {
    expect(decodeError(patched(1, 0)).offset).toBe(1);
    expect(decodeError(patched(1, 12)).offset).toBe(1);
  });

  it('truncated header, strings and bodies', () => {
    for (let n = 1; n < 35; n++) expect(decodeError(valid.subarray(0, n)).offset).toBe(n);
    const opened = encodeEnvelope({ type: 'opened', ...gw, leaseIdleMs: 1, maxPayloadBytes: 2 });
    expect(decodeError(opened.subarray(0, opened.length - 1)).expected).toMatch(/lease idle/);
    const error = encodeEnvelope({ type: 'error', ...gw, code: 1, message: 'abc' });
    expect(decodeError(error.subarray(0, error.length - 1)).expected).toBe('the message');
  });

  it('sent-at beyond 2^53', () => expect(decodeError(patched(20, 0x20)).offset).toBe(20));

  it('invalid ids', () => {
    expect(decodeError(patched(29, 0x2f)).offset).toBe(29); // '/'
    expect(decodeError(patched(29, 0xff)).expected).toMatch(/UTF-8/);
    expect(decodeError(patched(33, 0x24)).offset).toBe(33); // '$' leading the port id
    expect(decodeError(patched(30, 0x2b)).offset).toBe(29); // '+'
    expect(decodeError(patched(31, 0x00)).offset).toBe(29); // U+0000
    expect(decodeError(patched(34, 0x23)).offset).toBe(33); // '#' in the port id
  });

  it('open without reply-to or port id', () => {
    const noPort = encodeEnvelope({ type: 'ping', ...h, portId: '' });
    noPort[1] = EnvelopeTypeCode.open;
    expect(decodeError(new Uint8Array([...noPort, 0, 0, 0, 0])).expected).toMatch(/port id/);
    const noReply = encodeEnvelope({ type: 'ping', ...h, replyTo: '' });
    noReply[1] = EnvelopeTypeCode.open;
    expect(decodeError(new Uint8Array([...noReply, 0, 0, 0, 0])).expected).toMatch(/reply-to/);
    const push = encodeEnvelope({ type: 'ping', ...h, portId: '' });
    push[1] = EnvelopeTypeCode.push;
    expect(decodeError(push).expected).toMatch(/port id/);
  });

  it('payload above the limit', () => {
    const e = decodeError(valid, { maxPayloadBytes: 1 });
    expect(e.offset).toBe(valid.length - 2);
    expect(decodeEnvelope(valid, { maxPayloadBytes: 2 }).type).toBe('data');
    const big = encodeEnvelope({ type: 'data', ...h, payload: new Uint8Array(65537) });
    expect(decodeError(big).expected).toMatch(/65536/);
    expect(() => decodeEnvelope(valid, { maxPayloadBytes: -1 })).toThrow(InvalidArgumentError);
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const id = fc
  .string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
  .filter((s) => !/[/+#\0]/u.test(s) && !s.startsWith('$') && new TextEncoder().encode(s).length <= 255);
const header = fc.record({
  flags: fc.integer({ min: 0, max: 255 }),
  sessionId: u32,
  seq: u32,
  correlationId: u32,
  deadlineMs: u32,
  sentAt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  replyTo: id,
  portId: id,
});
const optionalHeader = header.chain((hd) =>
  fc
    .record({ replyTo: fc.constantFrom(hd.replyTo, ''), portId: fc.constantFrom(hd.portId, '') })
    .map((s) => ({ ...hd, ...s })),
);
const bytes = fc.uint8Array({ maxLength: 300 });
const envelopeArb: fc.Arbitrary<Envelope> = fc.oneof(
  fc.tuple(header, u32).map(([hd, leaseIdleMs]): Envelope => ({ type: 'open', ...hd, leaseIdleMs })),
  fc.tuple(optionalHeader, u32, u32).map(
    ([hd, leaseIdleMs, maxPayloadBytes]): Envelope => ({
      type: 'opened',
      ...hd,
      leaseIdleMs,
      maxPayloadBytes,
    }),
  ),
  fc.tuple(optionalHeader, bytes).map(([hd, payload]): Envelope => ({ type: 'data', ...hd, payload })),
  fc.tuple(header, bytes).map(([hd, payload]): Envelope => ({ type: 'push', ...hd, payload })),
  fc
    .tuple(
      optionalHeader,
      fc.constantFrom('closed' as const, 'error' as const),
      fc.integer({ min: 0, max: 0xffff }),
      fc.string(),
    )
    .map(([hd, type, code, message]): Envelope => ({ type, ...hd, code, message })),
  fc
    .tuple(optionalHeader, fc.constantFrom('close' as const, 'ping' as const, 'pong' as const))
    .map(([hd, type]): Envelope => ({ type, ...hd })),
  fc
    .tuple(
      header,
      fc.record({
        mode: fc.integer({ min: 0, max: 255 }),
        client: fc.integer({ min: 0, max: 0x7f }),
        serverLogical: fc.integer({ min: 0, max: 0x3fff }),
        serverPhysical: fc.option(fc.integer({ min: 0, max: 0x3fff }), { nil: undefined }),
        addressSize: fc.constantFrom(0 as const, 1 as const, 2 as const, 4 as const),
        maxInfoTransmit: fc.oneof(fc.constant(0), fc.integer({ min: 32, max: 2030 })),
        maxInfoReceive: fc.oneof(fc.constant(0), fc.integer({ min: 32, max: 2030 })),
        windowTransmit: fc.integer({ min: 0, max: 7 }),
        windowReceive: fc.integer({ min: 0, max: 7 }),
        frameTimeoutMs: fc.integer({ min: 0, max: 0xffff }),
        retries: fc.integer({ min: 0, max: 255 }),
      }),
    )
    .map(([hd, body]): Envelope => ({ type: 'attach', ...hd, ...body })),
  fc
    .tuple(
      optionalHeader,
      fc.record({
        mode: fc.integer({ min: 0, max: 255 }),
        maxInfoTransmit: fc.integer({ min: 0, max: 0xffff }),
        maxInfoReceive: fc.integer({ min: 0, max: 0xffff }),
        windowTransmit: fc.integer({ min: 0, max: 255 }),
        windowReceive: fc.integer({ min: 0, max: 255 }),
        maxApduBytes: u32,
      }),
    )
    .map(([hd, body]): Envelope => ({ type: 'attached', ...hd, ...body })),
);

describe('properties', () => {
  it('the ASCII fast path of ids agrees with the rules', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 260 }), fc.constantFrom('$a', 'a$', 'x'.repeat(255))),
        (id) => {
          const ascii = [...id].every((c) => c.charCodeAt(0) < 0x80);
          const valid = idProblem(id, new TextEncoder().encode(id).length) === undefined;
          expect(isPlainAsciiId(id)).toBe(ascii && valid);
          const bytes = new TextEncoder().encode(`.${id}`);
          if (id.length > 0 && bytes.length <= 256) {
            expect(plainAsciiIdAt(bytes, 1, bytes.length - 1)).toBe(ascii && valid ? id : undefined);
          }
        },
      ),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('decode(encode(e)) = e', () => {
    fc.assert(
      fc.property(envelopeArb, (e) => {
        expect(decodeEnvelope(encodeEnvelope(e), { maxPayloadBytes: 300 })).toEqual(e);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('random bytes: an envelope or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (raw, v1) => {
        const b = raw.slice();
        if (v1 && b.length > 0) b[0] = 1;
        if (v1 && b.length > 1) b[1] = (b[1]! % 12) as number;
        try {
          decodeEnvelope(b);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: fuzzRuns(60_000) },
    );
  });

  it('mutated envelopes: an envelope or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(
        envelopeArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        (e, edits, cut) => {
          const b = encodeEnvelope(e);
          for (const [at, value] of edits) if (b.length > 0) b[at % b.length] = value;
          const input = b.subarray(0, b.length - (cut % 4));
          try {
            decodeEnvelope(input, { maxPayloadBytes: 200 });
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
          }
          peekEnvelopeHeader(input);
        },
      ),
      { numRuns: fuzzRuns(50_000) },
    );
  });
});
