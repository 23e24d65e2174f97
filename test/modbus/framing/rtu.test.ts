import { describe, expect, it } from 'vitest';
import { crc16Modbus } from '../../../src/core/crc.js';
import { EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  decodeRtuFrame,
  encodeRtuFrame,
  encodeTcpFrame,
  predictRtuLength,
  RtuFrameDecoder,
  rtuTimings,
  TcpFrameDecoder,
} from '../../../src/modbus/framing/index.js';
import { modbusVector, splits, vectorBytes } from '../../helpers/vectors.js';
import { concat, cut, DiscardLog, expectDecodeError, feed } from './helpers.js';

/** An RTU frame with a correct CRC around `unitId` and the PDU given in hex. */
function rtu(unitId: number, pduHex: string): Uint8Array {
  return encodeRtuFrame({ unitId, pdu: fromHex(pduHex) });
}

function bytesOf(n: number, seed = 1): string {
  let s = '';
  for (let i = 0; i < n; i++) s += toHex(new Uint8Array([(i * 37 + seed) & 0xff]));
  return s;
}

describe('rtuTimings (spec §7.2 table)', () => {
  it.each([
    [1200, 9.167, 13.75, 32.083],
    [2400, 4.583, 6.875, 16.042],
    [4800, 2.292, 3.438, 8.021],
    [9600, 1.146, 1.719, 4.01],
    [19200, 0.573, 0.859, 2.005],
  ])('%i bit/s', (baud, charMs, t15, t35) => {
    const t = rtuTimings(baud);
    // The spec's table rounds to 3 decimals.
    expect(Math.abs(t.charMs - charMs)).toBeLessThanOrEqual(0.0005 + 1e-9);
    expect(Math.abs(t.t15Ms - t15)).toBeLessThanOrEqual(0.0005 + 1e-9);
    expect(Math.abs(t.t35Ms - t35)).toBeLessThanOrEqual(0.0005 + 1e-9);
    expect(t.idleMs).toBe(Math.max(50, t.t35Ms));
  });

  it('uses the fixed 0.75 / 1.75 ms above 19 200 bit/s, and max(t3.5, 50 ms) as idle time', () => {
    expect(rtuTimings(38400)).toEqual({ charMs: 11000 / 38400, t15Ms: 0.75, t35Ms: 1.75, idleMs: 50 });
    expect(rtuTimings(115200).t35Ms).toBe(1.75);
    expect(rtuTimings(300).idleMs).toBeCloseTo(128.33, 2);
  });

  it('rejects a baud rate that is not positive', () => {
    for (const bad of [0, -9600, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => rtuTimings(bad)).toThrow(InvalidArgumentError);
    }
  });
});

describe('predictRtuLength (spec §7.4 tables)', () => {
  const req = (hex: string) => predictRtuLength(fromHex(hex), 'request');
  const rsp = (hex: string) => predictRtuLength(fromHex(hex), 'response');

  it('requests', () => {
    for (const fc of [1, 2, 3, 4, 5, 6, 8]) expect(req(`11${toHex(new Uint8Array([fc]))}`)).toBe(8);
    for (const fc of ['07', '0B', '0C', '11']) expect(req(`11${fc}`)).toBe(4);
    expect(req('1116')).toBe(10);
    expect(req('1118')).toBe(6);
    expect(req('110F1000000A')).toBeUndefined();
    expect(req('110F1000000A02')).toBe(11);
    expect(req('1110000100020400')).toBe(13);
    expect(req('1114')).toBeUndefined();
    expect(req('11140E')).toBe(19);
    expect(req('11150D')).toBe(18);
    expect(req('111700030006000E0003')).toBeUndefined();
    expect(req('111700030006000E000306')).toBe(19);
    expect(req('112B')).toBeUndefined();
    expect(req('112B0E')).toBe(7);
    expect(req('112B0D')).toBeNull(); // MEI 13 (CANopen): no length information
  });

  it('responses', () => {
    for (const fc of ['01', '02', '03', '04', '0C', '11', '14', '15', '17']) {
      expect(rsp(`11${fc}`)).toBeUndefined();
      expect(rsp(`11${fc}06`)).toBe(11);
    }
    for (const fc of ['05', '06', '08', '0B', '0F', '10']) expect(rsp(`11${fc}`)).toBe(8);
    expect(rsp('1107')).toBe(5);
    expect(rsp('1116')).toBe(10);
    expect(rsp('1118')).toBeUndefined();
    expect(rsp('111800')).toBeUndefined();
    expect(rsp('11180006')).toBe(12); // FC24's 2-byte byte count
    expect(rsp('11180106')).toBe(6 + 0x106);
    for (const fc of ['81', '83', '8B', 'AB', 'C1', 'FF']) expect(rsp(`11${fc}`)).toBe(5);
    expect(rsp('112B0D')).toBeNull();
  });

  it('needs two bytes, and has no rule for unknown, user and impossible codes', () => {
    expect(req('')).toBeUndefined();
    expect(req('11')).toBeUndefined();
    for (const fc of ['00', '09', '41', '64', '7F', '80', '83']) expect(req(`11${fc}`)).toBeNull();
    for (const fc of ['00', '09', '41', '80']) expect(rsp(`11${fc}`)).toBeNull();
  });

  it('walks the FC43/14 object list, undecided until the last object length is in', () => {
    for (const id of ['rtu-fc2B-rsp-basic', 'rtu-fc2B-rsp-ext-more', 'rtu-fc2B-rsp-ext-last']) {
      const frame = vectorBytes(modbusVector(id));
      const n = frame[7]!;
      // The decision needs byte 7 (object count) and the length byte of every object.
      let lastLengthByte = 7;
      for (let p = 8, k = 0; k < n; k++) {
        lastLengthByte = p + 1;
        p += 2 + frame[p + 1]!;
      }
      for (let i = 0; i <= frame.length; i++) {
        const got = predictRtuLength(frame.subarray(0, i), 'response');
        if (i <= lastLengthByte) expect(got, `${id} with ${i} bytes`).toBeUndefined();
        else expect(got, `${id} with ${i} bytes`).toBe(frame.length);
      }
    }
  });

  it('stops walking as soon as the frame cannot fit in 256 bytes', () => {
    // 10 objects of 100 bytes each: once the third object's length is known the frame is too long.
    const obj = fromHex(`8064${'00'.repeat(100)}`);
    const partial = concat(fromHex('112B0E038300000A'), obj, obj, obj.subarray(0, 2));
    expect(predictRtuLength(partial.subarray(0, partial.length - 1), 'response')).toBeUndefined();
    expect(predictRtuLength(partial, 'response')).toBeGreaterThan(256);
  });

  it('reads the frame at an offset', () => {
    const b = fromHex('FFFF1103');
    expect(predictRtuLength(b, 'request', 2)).toBe(8);
    expect(predictRtuLength(b, 'request', 2, 3)).toBeUndefined();
  });
});

describe('encodeRtuFrame / decodeRtuFrame', () => {
  it('appends the CRC low byte first (spec §7.3)', () => {
    expect(toHex(rtu(1, '0300000001'))).toBe('010300000001840A');
    expect(decodeRtuFrame(fromHex('010300000001840A'))).toEqual({ unitId: 1, pdu: fromHex('0300000001') });
  });

  it('validates address, PDU length and function code', () => {
    const bad: Array<[number, string, string]> = [
      [-1, '03', 'unitId'],
      [256, '03', 'unitId'],
      [1.5, '03', 'unitId'],
      [1, '', 'pdu'],
      [1, `03${'00'.repeat(253)}`, 'pdu'],
      [1, '00', 'pdu'],
    ];
    for (const [unitId, pdu, field] of bad) {
      const e = (() => {
        try {
          encodeRtuFrame({ unitId, pdu: fromHex(pdu) });
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(EncodeError);
      expect((e as EncodeError).field).toBe(field);
    }
    expect(encodeRtuFrame({ unitId: 255, pdu: fromHex(`03${'00'.repeat(252)}`) })).toHaveLength(256);
  });

  it('rejects short, long and bad-CRC frames with offsets', () => {
    expectDecodeError(() => decodeRtuFrame(fromHex('110B4C')), 'modbus-rtu', 3);
    expectDecodeError(() => decodeRtuFrame(new Uint8Array(257)), 'modbus-rtu', 256);
    const e = expectDecodeError(() => decodeRtuFrame(fromHex('110B4C28')), 'modbus-rtu', 2);
    expect(e.message).toMatch(/carries 0x284C, computed 0x274C/);
  });

  it('returns a PDU that does not alias the input', () => {
    const bytes = fromHex('010300000001840A');
    const frame = decodeRtuFrame(bytes);
    bytes[1] = 0x04;
    expect(frame.pdu[0]).toBe(3);
  });
});

describe('RtuFrameDecoder', () => {
  const fc3req = rtu(17, '03006B0003');
  const fc6req = rtu(17, '0600010003');
  const fc3rsp = rtu(17, '0306022B00000064');

  it('validates its options', () => {
    expect(() => new RtuFrameDecoder({ direction: 'both' as 'request' })).toThrow(InvalidArgumentError);
    expect(() => new RtuFrameDecoder({ direction: 'request', maxFrameBytes: 3 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new RtuFrameDecoder({ direction: 'request', maxFrameBytes: 257 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new RtuFrameDecoder({ direction: 'request', idleMs: -1 })).toThrow(InvalidArgumentError);
    const d = new RtuFrameDecoder({ direction: 'response' });
    expect(() => d.expect({ unitId: 256, functionCode: 3 })).toThrow(InvalidArgumentError);
    expect(() => d.expect({ unitId: 1, functionCode: 0x83 })).toThrow(InvalidArgumentError);
    expect(() => d.expect({ unitId: 1, functionCode: 8, length: 3 })).toThrow(InvalidArgumentError);
    expect(() => d.expect({ unitId: 1, functionCode: 8, length: 257 })).toThrow(InvalidArgumentError);
  });

  it('returns frames of every address', () => {
    const stream = concat(fc3req, rtu(5, '03006B0003'), rtu(0, '0600010003'), rtu(247, '0700'.slice(0, 2)));
    expect(feed(new RtuFrameDecoder({ direction: 'request' }), [stream]).map((f) => f.unitId)).toEqual([
      17, 5, 0, 247,
    ]);
  });

  it('skips garbage between frames, reporting each run once with its bytes', () => {
    const junk1 = fromHex('FF00');
    const junk2 = fromHex('1103006B'); // a truncated request
    const stream = concat(junk1, fc3req, junk2, fc6req, fc3req);
    for (const chunks of splits(stream)) {
      const log = new DiscardLog();
      const d = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
      expect(feed(d, chunks).map((f) => f.pdu)).toEqual(['03006B0003', '0600010003', '03006B0003']);
      expect(log.runs.join('|').replaceAll('|', '')).toBe(`${toHex(junk1)}${toHex(junk2)}`);
      for (const e of log.errors) {
        expect(e.layer).toBe('modbus-rtu');
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.excerpt).toMatch(/\[[0-9A-F]{2}\]/);
      }
      expect(d.pending).toBe(0);
    }
  });

  it('drops impossible function codes and frames longer than 256 bytes', () => {
    // 0x83 cannot start a request; FC16 with byte count 250 would be 259 bytes long.
    const log = new DiscardLog();
    const d = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
    expect(feed(d, [concat(fromHex('1183'), fc3req)])).toHaveLength(1);
    expect(log.errors[0]!.message).toMatch(/function code 0x83 cannot start a request/);
    expect(log.errors[0]!.offset).toBe(1);

    const log2 = new DiscardLog();
    const d2 = new RtuFrameDecoder({ direction: 'request', onDiscard: log2.listener });
    expect(feed(d2, [concat(fromHex('11100000007DFA'), fc3req)]).map((f) => f.pdu)).toEqual(['03006B0003']);
    expect(log2.errors[0]!.message).toMatch(/would be 259 bytes long/);
    expect(log2.errors[0]!.offset).toBe(6);
    expect(log2.runs).toEqual(['11100000007DFA']);
  });

  it('honours a smaller maxFrameBytes', () => {
    const log = new DiscardLog();
    const d = new RtuFrameDecoder({ direction: 'response', maxFrameBytes: 10, onDiscard: log.listener });
    expect(feed(d, [fc3rsp, rtu(17, '0302000A')])).toEqual([{ unitId: 17, pdu: '0302000A' }]);
    expect(log.errors[0]!.message).toMatch(/11 bytes long/);
  });

  it('drops a partial frame after an idle gap (nowMs), and keeps it within the idle time', () => {
    const log = new DiscardLog();
    const d = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
    expect(d.push(fc3req.subarray(0, 5), 1000)).toEqual([]);
    expect(d.pending).toBe(5);
    expect(feed(d, [fc6req], 1051)).toEqual([{ unitId: 17, pdu: '0600010003' }]);
    expect(log.runs).toEqual([toHex(fc3req.subarray(0, 5))]);
    expect(log.errors[0]!.message).toMatch(/51 ms of silence/);
    expect(log.errors[0]!.offset).toBe(5);

    const d2 = new RtuFrameDecoder({ direction: 'request', idleMs: 20 });
    d2.push(fc3req.subarray(0, 5), 0);
    expect(feed(d2, [fc3req.subarray(5)], 20)).toEqual([{ unitId: 17, pdu: '03006B0003' }]);
    // Without timing nothing is dropped.
    const d3 = new RtuFrameDecoder({ direction: 'request' });
    d3.push(fc3req.subarray(0, 5), 0);
    expect(feed(d3, [fc3req.subarray(5)])).toHaveLength(1);
  });

  it('reports a truncated frame on reset() and end()', () => {
    const log = new DiscardLog();
    const d = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
    d.push(fc3req.subarray(0, 6));
    d.reset();
    expect(log.runs).toEqual([toHex(fc3req.subarray(0, 6))]);
    expect(d.pending).toBe(0);
    d.reset(); // nothing buffered: nothing reported
    expect(log.runs).toHaveLength(1);
    d.push(fc3req.subarray(0, 3));
    const e = expectDecodeError(() => d.end(), 'modbus-rtu', 3);
    expect(e.message).toMatch(/stream ended inside a frame/);
    expect(d.pending).toBe(0);
    d.end();
  });

  it('frames FC43/14 responses split at every byte', () => {
    const a = vectorBytes(modbusVector('rtu-fc2B-rsp-ext-more'));
    const b = vectorBytes(modbusVector('rtu-fc2B-rsp-basic'));
    const stream = concat(a, b, fc3rsp);
    for (const chunks of splits(stream)) {
      const frames = feed(new RtuFrameDecoder({ direction: 'response' }), chunks);
      expect(frames.map((f) => f.pdu.length / 2 + 3)).toEqual([a.length, b.length, fc3rsp.length]);
    }
  });

  it('frames FC24 responses by their 2-byte byte count', () => {
    const frame = vectorBytes(modbusVector('rtu-fc18-rsp'));
    for (const chunks of splits(concat(frame, frame))) {
      expect(feed(new RtuFrameDecoder({ direction: 'response' }), chunks)).toHaveLength(2);
    }
  });

  describe('expect()', () => {
    // FC8/0 Return Query Data with 10 data bytes: the echo is 16 bytes, not the table's 8.
    const echo = rtu(17, `080000${bytesOf(10)}`);

    it('frames the FC8/0 echo with the announced length, split at every byte', () => {
      expect(echo).toHaveLength(16);
      for (const chunks of splits(concat(echo, fc3rsp))) {
        const d = new RtuFrameDecoder({ direction: 'response' });
        d.expect({ unitId: 17, functionCode: 8, length: echo.length });
        expect(feed(d, chunks).map((f) => f.pdu.length / 2 + 3)).toEqual([16, fc3rsp.length]);
      }
    });

    it('still frames the exception and frames from other addresses', () => {
      const d = new RtuFrameDecoder({ direction: 'response' });
      d.expect({ unitId: 17, functionCode: 8, length: echo.length });
      const other = rtu(5, '0800000000');
      const exception = rtu(17, '8801');
      for (const chunks of splits(concat(other, exception, echo))) {
        const d2 = new RtuFrameDecoder({ direction: 'response' });
        d2.expect({ unitId: 17, functionCode: 8, length: echo.length });
        expect(feed(d2, chunks)).toEqual([
          { unitId: 5, pdu: '0800000000' },
          { unitId: 17, pdu: '8801' },
          { unitId: 17, pdu: toHex(echo.subarray(1, -2)) },
        ]);
      }
      // A plain 8-byte FC8 answer still fits the table when the announced length is wrong.
      expect(feed(d, [rtu(17, '0800010000')])).toEqual([{ unitId: 17, pdu: '0800010000' }]);
      d.expect(undefined);
      expect(feed(d, [fc3rsp])).toHaveLength(1);
    });

    it('frames a user function response by its announced length', () => {
      const user = rtu(17, `41${bytesOf(7)}`);
      for (const chunks of splits(concat(user, fc3rsp))) {
        const d = new RtuFrameDecoder({ direction: 'response' });
        d.expect({ unitId: 17, functionCode: 0x41, length: user.length });
        expect(feed(d, chunks)).toHaveLength(2);
      }
    });

    it('does not let a damaged request, read as a possible reply, hold back the requests behind it', () => {
      // Unit 17 gets FC3 at 0x6400; the next such request is damaged. Read as a reply of 17 it
      // announces 5 + 0x64 bytes and waits; the good request after it must still come out at once.
      const good = rtu(17, '0364000003');
      const damaged = good.slice();
      damaged[7]! ^= 0xff;
      const next = rtu(17, '0600010003');
      const log = new DiscardLog();
      const d = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
      expect(feed(d, [concat(good, damaged, next)]).map((f) => `${f.unitId}:${f.pdu}`)).toEqual([
        '17:0364000003',
        '17:0600010003',
      ]);
      expect(log.runs).toEqual([toHex(damaged)]);
      expect(d.pending).toBe(0);
    });

    it('lets a server on a multi-drop bus frame the addressed server’s response (spec §7.4 caution)', () => {
      const forOther = rtu(5, '03006B0003');
      const otherAnswer = rtu(5, '0306022B00000064');
      const otherException = rtu(5, '8302');
      const stream = concat(
        forOther,
        otherAnswer,
        fc3req,
        forOther,
        otherException,
        forOther,
        forOther,
        fc6req,
      );
      for (const chunks of splits(stream)) {
        const log = new DiscardLog();
        const d = new RtuFrameDecoder({ direction: 'request', onDiscard: log.listener });
        // Frames framed as a reply are flagged so that servers never take them for requests.
        expect(feed(d, chunks).map((f) => `${f.unitId}:${f.pdu}${f.reply ? ' (reply)' : ''}`)).toEqual([
          '5:03006B0003',
          '5:0306022B00000064 (reply)',
          '17:03006B0003',
          '5:03006B0003',
          '5:8302 (reply)',
          // The other server stays silent and the client repeats: the request table still applies.
          '5:03006B0003',
          '5:03006B0003',
          '17:0600010003',
        ]);
        expect(log.runs).toEqual([]);
      }
    });

    it('in a server, frames an announced user-function response by its length, once', () => {
      const user = rtu(9, `41${bytesOf(7)}`);
      const d = new RtuFrameDecoder({ direction: 'request' });
      d.expect({ unitId: 9, functionCode: 0x41, length: user.length });
      expect(feed(d, [concat(user, fc3req)])).toHaveLength(2);
    });
  });

  describe('FC8 sub-function 0 without expectation', () => {
    it('finds a longer echo by CRC scan when the received bytes end with it', () => {
      const echo = rtu(17, `080000${bytesOf(6)}`);
      expect(feed(new RtuFrameDecoder({ direction: 'request' }), [echo])).toEqual([
        { unitId: 17, pdu: toHex(echo.subarray(1, -2)) },
      ]);
      expect(feed(new RtuFrameDecoder({ direction: 'response' }), [echo, fc3rsp])).toHaveLength(2);
      // Followed by a frame in the same chunk: confirmed by the frame after it.
      expect(feed(new RtuFrameDecoder({ direction: 'response' }), [concat(echo, fc3rsp)])).toHaveLength(2);
    });
  });

  describe('user length rule', () => {
    // User function 0x41: [address][0x41][n][n bytes][CRC].
    const rule = (b: Uint8Array) => (b[1] !== 0x41 ? null : b.length < 3 ? undefined : 5 + b[2]!);
    const user = rtu(17, `4105${bytesOf(5)}`);

    it('frames user function codes, split at every byte, between standard frames', () => {
      for (const dir of ['request', 'response'] as const) {
        const std = dir === 'request' ? fc3req : fc3rsp;
        for (const chunks of splits(concat(std, user, user, std))) {
          const d = new RtuFrameDecoder({ direction: dir, lengthRule: rule });
          expect(feed(d, chunks).map((f) => f.pdu.slice(0, 2))).toEqual(['03', '41', '41', '03']);
        }
      }
    });

    it('is asked with the buffered bytes and the direction', () => {
      const calls: Array<[string, string]> = [];
      const d = new RtuFrameDecoder({
        direction: 'request',
        lengthRule: (b, dir) => {
          calls.push([toHex(b), dir]);
          return rule(b);
        },
      });
      feed(d, [user.subarray(0, 2), user.subarray(2)]);
      expect(calls[0]).toEqual([toHex(user.subarray(0, 2)), 'request']);
    });

    it('falls back to the CRC scan when the rule returns null, and reports silly results', () => {
      const other = rtu(17, `42${bytesOf(4)}`);
      expect(feed(new RtuFrameDecoder({ direction: 'request', lengthRule: rule }), [other])).toHaveLength(1);
      const log = new DiscardLog();
      const d = new RtuFrameDecoder({ direction: 'request', lengthRule: () => 2, onDiscard: log.listener });
      expect(feed(d, [concat(other, fc3req)])).toEqual([{ unitId: 17, pdu: '03006B0003' }]);
      expect(log.errors[0]!.message).toMatch(/lengthRule returned 2/);
    });
  });

  describe('CRC-scan fallback (spec §7.4)', () => {
    const userA = rtu(17, `44${bytesOf(9, 3)}`); // 13 bytes
    const userB = rtu(17, `65${bytesOf(5, 7)}`); // 9 bytes

    it('test frames have no CRC match before their end', () => {
      for (const f of [userA, userB]) {
        for (let n = 4; n < f.length; n++) expect(crc16Modbus(f, 0, n)).not.toBe(0);
      }
    });

    it('accepts a frame whose CRC matches where the received bytes end', () => {
      for (const dir of ['request', 'response'] as const) {
        for (const chunks of splits(userA)) {
          // Only the chunking that ends exactly at the frame end may deliver it.
          expect(feed(new RtuFrameDecoder({ direction: dir }), chunks)).toHaveLength(1);
        }
      }
    });

    it('accepts a frame followed by a frame of known length in the same chunk', () => {
      for (const chunks of splits(concat(userA, fc3req, userB, fc6req))) {
        const frames = feed(new RtuFrameDecoder({ direction: 'request' }), chunks);
        expect(frames.map((f) => f.pdu.slice(0, 2))).toEqual(['44', '03', '65', '06']);
      }
    });

    it('takes the first match once maxFrameBytes bytes are buffered', () => {
      const d = new RtuFrameDecoder({ direction: 'request', maxFrameBytes: 20 });
      // Two unknown frames coalesced: the first is only known once 20 bytes are in.
      expect(feed(d, [concat(userA, userB)]).map((f) => f.pdu.slice(0, 2))).toEqual(['44', '65']);
      const d2 = new RtuFrameDecoder({ direction: 'request' });
      expect(feed(d2, [concat(userA, userB)])).toEqual([]);
      expect(d2.pending).toBe(userA.length + userB.length);
    });

    it('drops a byte when no CRC matches within maxFrameBytes', () => {
      const log = new DiscardLog();
      const d = new RtuFrameDecoder({ direction: 'request', maxFrameBytes: 8, onDiscard: log.listener });
      expect(feed(d, [concat(fromHex('1144AABBCCDDEEFF00'), fc3req)])).toEqual([
        { unitId: 17, pdu: '03006B0003' },
      ]);
      expect(log.errors[0]!.message).toMatch(/no CRC match within 8 bytes/);
    });
  });

  it('never modifies pushed chunks, and returned PDUs survive later pushes', () => {
    const stream = concat(fc3req, fc6req, fc3req);
    const copy = stream.slice();
    const d = new RtuFrameDecoder({ direction: 'request' });
    const frames = [];
    for (const chunk of cut(stream, [3, 5, 11, 17, 20])) frames.push(...d.push(chunk));
    for (let i = 0; i < 50; i++) d.push(cut(stream, [7])[i % 2]!);
    expect(toHex(stream)).toBe(toHex(copy));
    expect(frames.map((f) => toHex(f.pdu))).toEqual(['03006B0003', '0600010003', '03006B0003']);
  });
});

describe('chunk ownership', () => {
  it('keeps no reference to a pushed chunk: the caller may reuse it (RTU and TCP)', () => {
    const rtuStream = concat(rtu(17, '03006B0003'), rtu(17, '0600010003'), rtu(17, '03006B0003'));
    const tcpStream = concat(
      encodeTcp(1, '03006B0003'),
      encodeTcp(2, '0600010003'),
      encodeTcp(3, '03006B0003'),
    );
    for (const [stream, make] of [
      [rtuStream, () => new RtuFrameDecoder({ direction: 'request' })],
      [tcpStream, () => new TcpFrameDecoder()],
    ] as const) {
      for (const size of [1, 3, 5, 7, 13]) {
        const d = make();
        const reused = new Uint8Array(size);
        const pdus: string[] = [];
        for (let at = 0; at < stream.length; at += size) {
          const n = Math.min(size, stream.length - at);
          reused.set(stream.subarray(at, at + n));
          for (const f of d.push(reused.subarray(0, n))) pdus.push(toHex(f.pdu));
          reused.fill(0xee); // the caller scribbles over its read buffer
        }
        expect(pdus).toEqual(['03006B0003', '0600010003', '03006B0003']);
      }
    }
  });
});

function encodeTcp(transactionId: number, pduHex: string): Uint8Array {
  return encodeTcpFrame({ transactionId, unitId: 1, pdu: fromHex(pduHex) });
}
