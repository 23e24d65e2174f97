// The APDU-mode additions to protocol v1: attach / attached, the unsolicited flag, the new error
// codes; byte layouts of docs/mqtt-tunnel.md "APDU mode".
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  type AttachEnvelope,
  type AttachedEnvelope,
  decodeEnvelope,
  EnvelopeFlag,
  encodeEnvelope,
  TunnelErrorCode,
  tunnelErrorName,
} from '../../../src/mqtt/protocol/index.js';

const hex = (s: string): Uint8Array => fromHex(s.replace(/\s+/g, ''));

const attachHex =
  '01 0A 00 00 0000002A 00000003 00000004 00003A98 0000000000000000 03 686531 02 7031' +
  ' 01 10 0001 0011 00 0000 0080 00 00 04E2 03';
const attach: AttachEnvelope = {
  type: 'attach',
  flags: 0,
  sessionId: 42,
  seq: 3,
  correlationId: 4,
  deadlineMs: 15_000,
  sentAt: 0,
  replyTo: 'he1',
  portId: 'p1',
  mode: 1,
  client: 16,
  serverLogical: 1,
  serverPhysical: 17,
  addressSize: 0,
  maxInfoTransmit: 0,
  maxInfoReceive: 128,
  windowTransmit: 0,
  windowReceive: 0,
  frameTimeoutMs: 1250,
  retries: 3,
};

const attachedHex =
  '01 0B 00 00 0000002A 00000004 00000004 00000000 0000000000000000 00 02 7031' +
  ' 01 0080 0080 01 01 00010000';
const attached: AttachedEnvelope = {
  type: 'attached',
  flags: 0,
  sessionId: 42,
  seq: 4,
  correlationId: 4,
  deadlineMs: 0,
  sentAt: 0,
  replyTo: '',
  portId: 'p1',
  mode: 1,
  maxInfoTransmit: 128,
  maxInfoReceive: 128,
  windowTransmit: 1,
  windowReceive: 1,
  maxApduBytes: 65536,
};

/** The byte at the start of the attach body (after the 35-octet header with he1 / p1). */
const body = 35;

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    decodeEnvelope(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('decoded');
}

function withByte(bytes: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, at);
  return copy;
}

describe('APDU mode envelopes', () => {
  it('encodes and decodes the worked examples of attach and attached', () => {
    expect(toHex(encodeEnvelope(attach))).toBe(toHex(hex(attachHex)));
    expect(decodeEnvelope(hex(attachHex))).toEqual(attach);
    expect(toHex(encodeEnvelope(attached))).toBe(toHex(hex(attachedHex)));
    expect(decodeEnvelope(hex(attachedHex))).toEqual(attached);
  });

  it('round-trips a 1-octet server address (physical FFFF) and every default', () => {
    const plain: AttachEnvelope = {
      ...attach,
      serverPhysical: undefined,
      addressSize: 1,
      maxInfoReceive: 0,
      frameTimeoutMs: 0,
      retries: 0,
    };
    const bytes = encodeEnvelope(plain);
    expect(toHex(bytes.subarray(body + 4, body + 7))).toBe('FFFF01');
    expect(decodeEnvelope(bytes)).toEqual(plain);
    const big = { ...attach, serverLogical: 0x3fff, serverPhysical: 0x3fff, addressSize: 4 as const };
    expect(decodeEnvelope(encodeEnvelope(big))).toEqual(big);
  });

  it('ignores octets after the known fields, and decodes an unknown mode (answered unsupported)', () => {
    const longer = new Uint8Array([...hex(attachHex), 0xaa, 0xbb]);
    expect(decodeEnvelope(longer)).toEqual(attach);
    expect(decodeEnvelope(new Uint8Array([...hex(attachedHex), 0]))).toEqual(attached);
    expect(decodeEnvelope(withByte(hex(attachHex), body, 9))).toMatchObject({ mode: 9 });
  });

  it('carries the unsolicited flag on data', () => {
    const bytes = hex('01 03 02 00 0000002A 00000007 00000005 00000000 0000000000000000 00 02 7031 0F0102');
    const data = decodeEnvelope(bytes);
    expect(data.type).toBe('data');
    expect(data.flags & EnvelopeFlag.unsolicited).toBe(EnvelopeFlag.unsolicited);
    expect(toHex(encodeEnvelope(data))).toBe(toHex(bytes));
  });

  it('rejects truncated and out-of-range bodies with a DecodeError at the offset', () => {
    const a = hex(attachHex);
    expect(decodeError(a.subarray(0, a.length - 1)).offset).toBe(a.length - 1);
    expect(decodeError(a.subarray(0, body)).offset).toBe(body);
    const b = hex(attachedHex);
    expect(decodeError(b.subarray(0, b.length - 4)).offset).toBe(b.length - 4);
    expect(decodeError(withByte(a, body + 1, 0x80)).offset).toBe(body + 1); // client SAP 128
    expect(decodeError(withByte(a, body + 2, 0x40, 0x00)).offset).toBe(body + 2); // logical 16384
    expect(decodeError(withByte(a, body + 4, 0x40, 0x00)).offset).toBe(body + 4); // physical 16384
    expect(decodeError(withByte(a, body + 6, 3)).offset).toBe(body + 6); // address size 3
    expect(decodeError(withByte(a, body + 7, 0x00, 0x1f)).offset).toBe(body + 7); // max info 31
    expect(decodeError(withByte(a, body + 9, 0x07, 0xef)).offset).toBe(body + 9); // max info 2031
    expect(decodeError(withByte(a, body + 11, 8)).offset).toBe(body + 11); // window 8
    expect(decodeError(withByte(a, body + 12, 8)).offset).toBe(body + 12);
    expect(decodeError(withByte(a, 1, 12)).offset).toBe(1); // type 12 is unknown
  });

  it('refuses to encode fields out of range', () => {
    expect(() => encodeEnvelope({ ...attach, client: 128 })).toThrow(EncodeError);
    expect(() => encodeEnvelope({ ...attach, serverPhysical: 0x4000 })).toThrow(EncodeError);
    expect(() => encodeEnvelope({ ...attach, addressSize: 3 as 2 })).toThrow(EncodeError);
    expect(() => encodeEnvelope({ ...attach, maxInfoTransmit: 16 })).toThrow(EncodeError);
    expect(() => encodeEnvelope({ ...attach, windowReceive: 8 })).toThrow(EncodeError);
    expect(() => encodeEnvelope({ ...attach, frameTimeoutMs: 70_000 })).toThrow(EncodeError);
    expect(() => encodeEnvelope({ ...attached, maxApduBytes: -1 })).toThrow(EncodeError);
  });

  it('names the new error codes', () => {
    expect(tunnelErrorName(TunnelErrorCode.unsupported)).toBe('unsupported');
    expect(tunnelErrorName(TunnelErrorCode.meterRefused)).toBe('meter-refused');
    expect(tunnelErrorName(TunnelErrorCode.meterLost)).toBe('meter-lost');
  });
});
