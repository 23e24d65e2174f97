// Every rtu, ascii and tcp golden vector: decode, encode back, and decode split at every byte boundary.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/hex.js';
import {
  AsciiFrameDecoder,
  createFrameDecoder,
  decodeAsciiFrame,
  decodeRtuFrame,
  decodeTcpFrame,
  encodeAsciiFrame,
  encodeFrame,
  encodeRtuFrame,
  encodeTcpFrame,
  RtuFrameDecoder,
  TcpFrameDecoder,
} from '../../../src/modbus/framing/index.js';
import {
  isInvalid,
  type ModbusVector,
  modbusVector,
  modbusVectors,
  splits,
  vectorBytes,
} from '../../helpers/vectors.js';
import { concat, DiscardLog, expectDecodeError, feed, type PlainFrame, plain } from './helpers.js';

const framed = modbusVectors.filter((v) => v.framing !== 'pdu');

/** Vectors that must be rejected by the framing layer itself; every other INVALID one is PDU-level. */
const framingInvalid = new Set(['rtu-bad-crc', 'tcp-fc10-req-qty124']);

/** The ADUs of a vector, derived independently of the code under test. */
function expectedFrames(v: ModbusVector): PlainFrame[] {
  const bytes = vectorBytes(v);
  if (v.framing === 'rtu') return [{ unitId: bytes[0]!, pdu: toHex(bytes.subarray(1, bytes.length - 2)) }];
  if (v.framing === 'ascii') {
    const text = v.text!;
    expect(text.startsWith(':') && text.endsWith('\r\n')).toBe(true);
    return [{ unitId: Number.parseInt(text.slice(1, 3), 16), pdu: text.slice(3, -4).toUpperCase() }];
  }
  const frames: PlainFrame[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = (bytes[at + 4]! << 8) | bytes[at + 5]!;
    frames.push({
      transactionId: (bytes[at]! << 8) | bytes[at + 1]!,
      unitId: bytes[at + 6]!,
      pdu: toHex(bytes.subarray(at + 7, at + 6 + length)),
    });
    at += 6 + length;
  }
  return frames;
}

/** Explicit expectations for the multi-ADU vectors, whose meanings name several frames. */
const multi: Record<string, Array<{ transactionId: number; fc: number; pdu?: string }>> = {
  'tcp-pipelined-2req': [
    { transactionId: 0x0a, fc: 3 },
    { transactionId: 0x0b, fc: 4 },
  ],
  'tcp-pipelined-2rsp': [
    { transactionId: 0x0a, fc: 3 },
    { transactionId: 0x0b, fc: 4 },
  ],
  'tcp-pipelined-4req': [
    { transactionId: 7, fc: 3 },
    { transactionId: 8, fc: 4 },
    { transactionId: 9, fc: 5, pdu: '050001ABCD' },
    { transactionId: 10, fc: 3 },
  ],
  'tcp-pipelined-4rsp': [
    { transactionId: 7, fc: 3 },
    { transactionId: 8, fc: 4 },
    { transactionId: 9, fc: 0x85, pdu: '8503' },
    { transactionId: 10, fc: 0x83, pdu: '8302' },
  ],
};

/** Checks the decoded frames against what the vector's id and meaning name. */
function checkMeaning(v: ModbusVector, frames: PlainFrame[]): void {
  const m = v.meaning;
  const expectations = multi[v.id];
  if (expectations !== undefined) {
    expect(frames.map((f) => f.transactionId)).toEqual(expectations.map((x) => x.transactionId));
    expectations.forEach((x, i) => {
      expect(Number.parseInt(frames[i]!.pdu.slice(0, 2), 16)).toBe(x.fc);
      if (x.pdu !== undefined) expect(frames[i]!.pdu).toBe(x.pdu);
    });
    return;
  }
  expect(frames).toHaveLength(1);
  const f = frames[0]!;
  const fc = Number.parseInt(f.pdu.slice(0, 2), 16);
  const unit = /\bunit (?:id )?(0x[0-9A-F]+|\d+)\b/.exec(m);
  if (unit) expect(f.unitId, 'unit named in the meaning').toBe(Number(unit[1]));
  if (/broadcast/i.test(m)) expect(f.unitId, 'broadcast address').toBe(0);
  const tid = /\btransaction (?:id )?(\d+)\b/.exec(m);
  if (tid) expect(f.transactionId, 'transaction id named in the meaning').toBe(Number(tid[1]));
  const idFc = /-fc([0-9A-F]{2})/i.exec(v.id);
  if (idFc) expect(fc & 0x7f, 'function code of the id').toBe(Number.parseInt(idFc[1]!, 16));
  const decimalFc = /\bFC(\d+)\b/.exec(m);
  if (decimalFc) expect(fc & 0x7f, 'function code named in the meaning').toBe(Number(decimalFc[1]));
  const exc =
    /exc-([0-9A-F]{2})-([0-9A-F]{2})$/.exec(v.id) ?? /exception 0x([0-9A-F]{2}) \/ ([0-9A-F]{2})\b/.exec(m);
  if (exc) expect(f.pdu, 'exception PDU').toBe(`${exc[1]}${exc[2]}`);
  // Data the meaning spells out: "0x022B 0x0000 0x0064" or "CD 6B 05" appear in the PDU as is.
  for (const words of m.matchAll(/0x[0-9A-F]{4}(?: 0x[0-9A-F]{4})+/g)) {
    expect(f.pdu).toContain(words[0].replaceAll('0x', '').replaceAll(' ', ''));
  }
  for (const bytes of m.matchAll(/\b[0-9A-F]{2}(?: [0-9A-F]{2}){2,}\b/g)) {
    expect(f.pdu).toContain(bytes[0].replaceAll(' ', ''));
  }
}

function decoderFor(v: ModbusVector) {
  return createFrameDecoder(v.framing as 'rtu' | 'ascii' | 'tcp', v.direction);
}

describe('framing vectors', () => {
  it('covers every framing, and only two INVALID vectors are framing-level', () => {
    expect(framed.filter((v) => v.framing === 'rtu').length).toBeGreaterThan(50);
    expect(framed.filter((v) => v.framing === 'ascii').length).toBeGreaterThan(10);
    expect(framed.filter((v) => v.framing === 'tcp').length).toBeGreaterThan(50);
    for (const id of framingInvalid) expect(isInvalid(modbusVector(id))).toBe(true);
  });

  for (const v of framed.filter((x) => !framingInvalid.has(x.id))) {
    describe(v.id, () => {
      const bytes = vectorBytes(v);
      const expected = expectedFrames(v);

      it('decodes to what the vector means', () => {
        checkMeaning(v, expected);
        if (v.framing === 'rtu') expect(plain(decodeRtuFrame(bytes))).toEqual(expected[0]);
        if (v.framing === 'ascii') expect(plain(decodeAsciiFrame(bytes))).toEqual(expected[0]);
        if (v.framing === 'tcp' && expected.length === 1)
          expect(plain(decodeTcpFrame(bytes))).toEqual(expected[0]);
      });

      it('encodes back to the same bytes', () => {
        const frames = feed(decoderFor(v), [bytes]);
        const encoded = concat(
          ...frames.map((f) => {
            const frame = { ...f, pdu: Uint8Array.from(Buffer.from(f.pdu, 'hex')) };
            if (v.framing === 'rtu') return encodeRtuFrame(frame);
            if (v.framing === 'ascii') return encodeAsciiFrame(frame);
            return encodeTcpFrame(frame);
          }),
        );
        expect(toHex(encoded)).toBe(toHex(bytes));
        expect(
          toHex(
            concat(...frames.map((f) => encodeFrame(v.framing as 'tcp', { ...f, pdu: hexBytes(f.pdu) }))),
          ),
        ).toBe(toHex(bytes));
      });

      it(`decodes through a ${v.direction} decoder split at every byte boundary`, () => {
        for (const chunks of splits(bytes)) {
          const log = new DiscardLog();
          const decoder = createFrameDecoder(v.framing as 'rtu', v.direction, { onDiscard: log.listener });
          expect(feed(decoder, chunks)).toEqual(expected);
          expect(decoder.pending).toBe(0);
          expect(log.runs).toEqual([]);
          decoder.end();
        }
      });
    });
  }
});

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

describe('INVALID vectors at framing level', () => {
  it('rtu-bad-crc is discarded (reported), and a good frame after it comes out', () => {
    const bad = vectorBytes(modbusVector('rtu-bad-crc'));
    const good = vectorBytes(modbusVector('rtu-over-tcp-fc03-req'));
    expectDecodeError(() => decodeRtuFrame(bad), 'modbus-rtu', 6);

    const alone = new DiscardLog();
    const single = new RtuFrameDecoder({ direction: 'request', onDiscard: alone.listener });
    expect(feed(single, [bad])).toEqual([]);
    expect(alone.errors).toHaveLength(1);
    expect(alone.errors[0]!.layer).toBe('modbus-rtu');
    expect(alone.errors[0]!.offset).toBe(6);
    expect(alone.errors[0]!.excerpt).toContain('[74]18');
    expect(alone.errors[0]!.message).toMatch(/CRC mismatch/);
    // The bytes after the first one do not form a frame yet: they wait for more bytes, an idle gap
    // or reset(), which reports them too.
    expect(single.pending).toBe(bad.length - 2);
    single.reset();
    expect(alone.runs.join('')).toBe(toHex(bad));
    expect(single.pending).toBe(0);

    const stream = concat(bad, good);
    for (const chunks of splits(stream)) {
      const log = new DiscardLog();
      const decoder = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
      expect(feed(decoder, chunks)).toEqual([{ unitId: 1, pdu: '03006B0003' }]);
      expect(log.runs.join('')).toBe(toHex(bad));
      expect(log.errors.every((e) => e.layer === 'modbus-rtu')).toBe(true);
    }
  });

  it('tcp-fc10-req-qty124 (MBAP length 0xFF) makes push throw at offset 4', () => {
    const bytes = vectorBytes(modbusVector('tcp-fc10-req-qty124'));
    expectDecodeError(() => decodeTcpFrame(bytes), 'modbus-tcp', 4);
    for (const chunks of splits(bytes)) {
      const decoder = new TcpFrameDecoder();
      let thrown = 0;
      for (const chunk of chunks) {
        try {
          expect(decoder.push(chunk)).toEqual([]);
        } catch (e) {
          thrown++;
          expect((e as { layer: string }).layer).toBe('modbus-tcp');
          expect((e as { offset: number }).offset).toBe(4);
          break;
        }
      }
      expect(thrown).toBe(1);
    }
  });

  it('every other INVALID vector is PDU-level: its frames decode fine', () => {
    const others = framed.filter((v) => isInvalid(v) && !framingInvalid.has(v.id));
    expect(others.map((v) => v.id).sort()).toEqual(
      [
        'tcp-exc-req-fc05-value',
        'tcp-exc-req-illegal-fn',
        'tcp-exc-req-qty126',
        'tcp-exc-req-qty2001',
        'tcp-fc2B-req-badcode',
        'tcp-pipelined-4req',
      ].sort(),
    );
    for (const v of others) expect(feed(decoderFor(v), [vectorBytes(v)])).toEqual(expectedFrames(v));
  });
});

describe('vector streams', () => {
  const cases: Array<[string, 'rtu' | 'ascii', 'request' | 'response']> = [
    ['rtu', 'rtu', 'request'],
    ['rtu', 'rtu', 'response'],
    ['ascii', 'ascii', 'request'],
    ['ascii', 'ascii', 'response'],
    ['rtu-over-tcp', 'rtu', 'request'],
    ['rtu-over-tcp', 'rtu', 'response'],
  ];
  for (const [prefix, framing, direction] of cases) {
    it(`all ${prefix} ${direction}s back to back, split at every boundary, give every frame in order`, () => {
      const vectors = framed.filter(
        (v) =>
          v.id.startsWith(`${prefix}-`) &&
          v.framing === framing &&
          v.direction === direction &&
          !framingInvalid.has(v.id) &&
          (prefix === 'rtu-over-tcp' || !v.id.startsWith('rtu-over-tcp')),
      );
      expect(vectors.length).toBeGreaterThan(0);
      const stream = concat(...vectors.map(vectorBytes));
      const expected = vectors.flatMap(expectedFrames);
      const make = () =>
        framing === 'rtu'
          ? new RtuFrameDecoder({ direction })
          : new AsciiFrameDecoder({ onDiscard: () => {} });
      expect(feed(make(), [stream])).toEqual(expected);
      // Every 2-way cut, byte by byte, and a few regular chunkings.
      for (const chunks of splits(stream)) expect(feed(make(), chunks)).toEqual(expected);
      for (const size of [3, 7, 64, 255]) {
        const chunks: Uint8Array[] = [];
        for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
        expect(feed(make(), chunks)).toEqual(expected);
      }
    });
  }
});
