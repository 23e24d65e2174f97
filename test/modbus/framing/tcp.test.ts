import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  AsciiFrameDecoder,
  createFrameDecoder,
  decodeTcpFrame,
  encodeFrame,
  encodeTcpFrame,
  RtuFrameDecoder,
  TcpFrameDecoder,
} from '../../../src/modbus/framing/index.js';
import { modbusVector, splits, vectorBytes } from '../../helpers/vectors.js';
import { concat, DiscardLog, expectDecodeError, feed } from './helpers.js';

const adu = (hex: string) => fromHex(hex);

describe('encodeTcpFrame / decodeTcpFrame', () => {
  it('writes the MBAP header (spec §9.1 example)', () => {
    const bytes = encodeTcpFrame({ transactionId: 1, unitId: 1, pdu: fromHex('03006B0003') });
    expect(toHex(bytes)).toBe('0001000000060103006B0003');
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength); // exact allocation
    expect(decodeTcpFrame(bytes)).toEqual({ transactionId: 1, unitId: 1, pdu: fromHex('03006B0003') });
  });

  it('requires a transaction id 0–65535 and a valid frame', () => {
    const pdu = fromHex('07');
    for (const transactionId of [undefined, -1, 65536, 1.5]) {
      const e = catchError(() => encodeTcpFrame({ transactionId, unitId: 1, pdu }));
      expect(e).toBeInstanceOf(EncodeError);
      expect((e as EncodeError).field).toBe('transactionId');
    }
    expect(toHex(encodeTcpFrame({ transactionId: 0xffff, unitId: 0xff, pdu }))).toBe('FFFF00000002FF07');
    expect(() => encodeTcpFrame({ transactionId: 0, unitId: 256, pdu })).toThrow(EncodeError);
    expect(() => encodeTcpFrame({ transactionId: 0, unitId: 1, pdu: new Uint8Array(254).fill(3) })).toThrow(
      EncodeError,
    );
  });

  it('rejects malformed ADUs', () => {
    expectDecodeError(() => decodeTcpFrame(adu('00010000')), 'modbus-tcp', 4);
    expectDecodeError(() => decodeTcpFrame(adu('00010000000101')), 'modbus-tcp', 4); // length 1
    expectDecodeError(() => decodeTcpFrame(adu('000100000006010300')), 'modbus-tcp', 9); // truncated
    expectDecodeError(() => decodeTcpFrame(adu('00010000000201070000')), 'modbus-tcp', 8); // trailing bytes
    const e = expectDecodeError(() => decodeTcpFrame(adu('0001000100020107')), 'modbus-tcp', 2);
    expect(e.message).toMatch(/protocol identifier 1/);
  });
});

describe('TcpFrameDecoder', () => {
  const a = adu('0001000000060103006B0003');
  const b = adu('0002000000020107');

  it('discards an ADU with a protocol id other than 0 and goes on', () => {
    const foreign = adu('0003000500030107FF');
    for (const chunks of splits(concat(a, foreign, b))) {
      const log = new DiscardLog();
      const frames = feed(new TcpFrameDecoder({ onDiscard: log.listener }), chunks);
      expect(frames.map((f) => f.transactionId)).toEqual([1, 2]);
      expect(log.runs).toEqual([toHex(foreign)]);
      expect(log.errors[0]!.offset).toBe(2);
      expect(log.errors[0]!.layer).toBe('modbus-tcp');
    }
  });

  it('throws on a length field below 2, with offset 4', () => {
    const d = new TcpFrameDecoder();
    const e = expectDecodeError(() => d.push(adu('000100000001FF')), 'modbus-tcp', 4);
    expect(e.message).toMatch(/cannot be resynchronised/);
  });

  it('returns the ADUs before a bad header first, then throws on the next call', () => {
    const d = new TcpFrameDecoder();
    expect(feed(d, [concat(a, adu('000900000000'))]).map((f) => f.transactionId)).toEqual([1]);
    expect(() => d.push(b)).toThrow(DecodeError);
    expect(() => d.end()).toThrow(DecodeError);
    // end() consumed the failure; reset() would too.
    const d2 = new TcpFrameDecoder();
    feed(d2, [concat(a, adu('000900000000'))]);
    d2.reset();
    expect(feed(d2, [b])).toHaveLength(1);
  });

  it('honours maxPduBytes', () => {
    const d = new TcpFrameDecoder({ maxPduBytes: 5 });
    expect(feed(d, [a])).toHaveLength(1);
    expectDecodeError(() => d.push(adu('000300000007010300000001FF')), 'modbus-tcp', 4);
    const big = vectorBytes(modbusVector('tcp-fc10-req-qty124'));
    expect(feed(new TcpFrameDecoder({ maxPduBytes: 254 }), [big])).toHaveLength(1);
    expect(() => new TcpFrameDecoder({ maxPduBytes: 0 })).toThrow(InvalidArgumentError);
  });

  it('reset() reports a partial ADU, end() throws on one', () => {
    const log = new DiscardLog();
    const d = new TcpFrameDecoder({ onDiscard: log.listener });
    d.push(a.subarray(0, 9));
    expect(d.pending).toBe(9);
    d.reset();
    expect(log.runs).toEqual([toHex(a.subarray(0, 9))]);
    d.push(a.subarray(0, 3));
    expectDecodeError(() => d.end(), 'modbus-tcp', 3);
    expect(d.pending).toBe(0);
    d.end();
  });

  it('handles many coalesced ADUs and chunks that straddle them', () => {
    const many = concat(
      ...Array.from({ length: 200 }, (_, i) => encodeFrame('tcp', { ...frame(i), unitId: 1 })),
    );
    const d = new TcpFrameDecoder();
    const got = [];
    for (let at = 0; at < many.length; at += 37) got.push(...d.push(many.subarray(at, at + 37)));
    expect(got.map((f) => f.transactionId)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(got.every((f, i) => toHex(f.pdu) === toHex(frame(i).pdu))).toBe(true);
  });
});

describe('createFrameDecoder / encodeFrame', () => {
  it('builds the decoder of each framing with its options', () => {
    const rtu = createFrameDecoder('rtu', 'request', { idleMs: 5, maxFrameBytes: 100 });
    expect(rtu).toBeInstanceOf(RtuFrameDecoder);
    expect(rtu.direction).toBe('request');
    expect(createFrameDecoder('ascii', 'response', { endChar: 0x0d })).toBeInstanceOf(AsciiFrameDecoder);
    expect(createFrameDecoder('tcp', 'response')).toBeInstanceOf(TcpFrameDecoder);
    expect(() => createFrameDecoder('udp' as 'tcp', 'response')).toThrow(InvalidArgumentError);
    expect(() => createFrameDecoder('tcp', 'sideways' as 'request')).toThrow(InvalidArgumentError);
    expect(() => createFrameDecoder('rtu', 'request', { maxFrameBytes: 1 })).toThrow(InvalidArgumentError);
    const ascii = createFrameDecoder('ascii', 'request', { endChar: 0x0d });
    expect(ascii.push(encodeFrame('ascii', frame(1), { endChar: 0x0d }))).toHaveLength(1);
  });

  it('encodes in each framing', () => {
    const f = { transactionId: 5, unitId: 17, pdu: fromHex('0700') };
    expect(toHex(encodeFrame('rtu', f))).toBe('11070023F5');
    expect(new TextDecoder().decode(encodeFrame('ascii', f))).toBe(':110700E8\r\n');
    expect(toHex(encodeFrame('tcp', f))).toBe('000500000003110700');
    expect(() => encodeFrame('tcp', { unitId: 1, pdu: f.pdu })).toThrow(EncodeError);
    expect(() => encodeFrame('x' as 'tcp', f)).toThrow(InvalidArgumentError);
  });
});

function frame(i: number) {
  return {
    transactionId: i,
    unitId: i & 0xff,
    pdu: fromHex(`03${toHex(new Uint8Array([i & 0xff, 0, 0, 1]))}`),
  };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
