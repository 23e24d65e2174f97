// HdlcFrameDecoder: garbage, bad frames, resynchronisation, discard reports, limits.
import { describe, expect, it } from 'vitest';
import { crc16X25 } from '../../../src/core/crc.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex } from '../../../src/core/hex.js';
import { decodeHdlcFrame, encodeHdlcFrame, HdlcFrameDecoder } from '../../../src/dlms/index.js';
import { splits } from '../../helpers/vectors.js';
import { concat, feed, hdlcVector, plain, recordingDecoder, sharedFlags } from './helpers.js';

const snrm = hdlcVector('hdlc-snrm-default'); // 10 octets
const ua = hdlcVector('hdlc-ua-params');
const aare = hdlcVector('hdlc-i-aare');
const push = hdlcVector('hdlc-ui-push');

function corrupt(frame: Uint8Array, at: number): Uint8Array {
  const out = Uint8Array.from(frame);
  out[at] = out[at]! ^ 0x01;
  return out;
}

describe('HdlcFrameDecoder', () => {
  it('skips and reports garbage before the first flag', () => {
    const { decoder, discards } = recordingDecoder();
    expect(feed(decoder, [concat(fromHex('0102030405'), snrm)])).toEqual([plain(decodeHdlcFrame(snrm))]);
    expect(discards).toEqual([{ reason: 'no-flag', streamOffset: 0, bytes: 5 }]);
    expect(decoder.discardedBytes).toBe(5);
    expect(decoder.badFrames).toBe(0);
  });

  it('reports garbage between frames and still decodes the next frame', () => {
    const stream = concat(snrm, fromHex('1234'), ua);
    const want = [plain(decodeHdlcFrame(snrm)), plain(decodeHdlcFrame(ua))];
    for (const chunks of splits(stream)) {
      const { decoder, discards } = recordingDecoder();
      expect(feed(decoder, chunks)).toEqual(want);
      // After the closing flag, 12 is not a format field: dropped up to the next flag.
      expect(discards.reduce((n, d) => n + d.bytes, 0)).toBe(2);
      expect(discards[0]).toEqual({ reason: 'bad-format', streamOffset: 10, bytes: discards[0]!.bytes });
    }
  });

  it('discards a frame with a corrupted FCS up to its closing flag and decodes the next one', () => {
    const bad = corrupt(aare, aare.length - 2);
    const stream = sharedFlags([snrm, bad, ua]);
    const want = [plain(decodeHdlcFrame(snrm)), plain(decodeHdlcFrame(ua))];
    for (const chunks of splits(stream)) {
      const { decoder, discards } = recordingDecoder();
      expect(feed(decoder, chunks)).toEqual(want);
      expect(discards).toEqual([{ reason: 'bad-fcs', streamOffset: 10, bytes: aare.length - 2 }]);
      expect(decoder.badFrames).toBe(1);
    }
  });

  it('reports a bad HCS', () => {
    // Change the HCS and fix the FCS so that only the HCS is wrong.
    const frame = decodeHdlcFrame(aare);
    const good = encodeHdlcFrame(frame);
    const bad = Uint8Array.from(good);
    bad[8] = bad[8]! ^ 0xff;
    const fcs = crc16X25(bad, 1, bad.length - 3);
    bad[bad.length - 3] = fcs;
    bad[bad.length - 2] = fcs >> 8;
    const { decoder, discards } = recordingDecoder();
    expect(feed(decoder, [bad, snrm])).toEqual([plain(decodeHdlcFrame(snrm))]);
    expect(discards).toEqual([{ reason: 'bad-hcs', streamOffset: 1, bytes: aare.length - 2 }]);
  });

  it('drops a frame cut short as soon as a complete frame arrives inside it', () => {
    // The push frame's length (579) points far past the frames that follow its first 40 octets.
    const stream = concat(push.subarray(0, 40), snrm, ua);
    const want = [plain(decodeHdlcFrame(snrm)), plain(decodeHdlcFrame(ua))];
    for (const chunks of splits(stream)) {
      const { decoder, discards } = recordingDecoder();
      expect(feed(decoder, chunks)).toEqual(want);
      expect(discards).toEqual([{ reason: 'truncated', streamOffset: 1, bytes: 39 }]);
    }
    // Without end(), the frames come out at once.
    const { decoder } = recordingDecoder();
    expect(decoder.push(stream)).toHaveLength(2);
  });

  it('resynchronises on the next flag when the length does not lead to a flag', () => {
    const bad = Uint8Array.from(snrm);
    bad[2] = 9; // one more than the octets up to the closing flag
    const stream = concat(bad, fromHex('55'), ua);
    const { decoder, discards } = recordingDecoder();
    expect(feed(decoder, [stream])).toEqual([plain(decodeHdlcFrame(ua))]);
    // From the format field through the 55 after the closing flag.
    expect(discards).toEqual([{ reason: 'bad-length', streamOffset: 1, bytes: 10 }]);
  });

  it('drops a frame whose length is above maxFrameBytes without waiting for it', () => {
    const { decoder, discards } = recordingDecoder(100);
    const frames = decoder.push(concat(push.subarray(0, 3)));
    expect(frames).toEqual([]);
    expect(decoder.pending).toBe(0);
    expect(discards).toEqual([{ reason: 'too-long', streamOffset: 1, bytes: 2 }]);
    expect(feed(decoder, [push.subarray(3), snrm]).map((f) => f.control.kind)).toEqual(['SNRM']);
  });

  it('accepts frames up to maxFrameBytes', () => {
    const { decoder } = recordingDecoder(aare.length - 2);
    expect(feed(decoder, [aare]).map((f) => f.control.kind)).toEqual(['I']);
  });

  it('keeps pending bytes within maxFrameBytes on a stream of flags and long headers', () => {
    const { decoder } = recordingDecoder(64);
    const header = fromHex('7EA03F');
    for (let k = 0; k < 1000; k++) {
      decoder.push(header);
      decoder.push(new Uint8Array(17).fill(k & 0x7f));
      expect(decoder.pending).toBeLessThanOrEqual(64);
    }
  });

  it('buffers nothing under a stream without flags', () => {
    const { decoder, discards } = recordingDecoder();
    const chunk = new Uint8Array(4096).fill(0x55);
    for (let k = 0; k < 100; k++) {
      expect(decoder.push(chunk)).toEqual([]);
      expect(decoder.pending).toBe(0);
    }
    expect(decoder.discardedBytes).toBe(409_600);
    expect(discards).toHaveLength(100);
    expect(discards[99]).toEqual({ reason: 'no-flag', streamOffset: 405_504, bytes: 4096 });
  });

  it('reports a trailing partial frame at end() as truncated and starts a new stream', () => {
    const { decoder, discards } = recordingDecoder();
    expect(decoder.push(ua.subarray(0, 20))).toEqual([]);
    expect(decoder.pending).toBe(19);
    decoder.end();
    expect(discards).toEqual([{ reason: 'truncated', streamOffset: 1, bytes: 19 }]);
    expect(decoder.badFrames).toBe(1);
    expect(decoder.pending).toBe(0);
    // Offsets start again at 0; the rest of the old frame is garbage up to its closing flag.
    expect(decoder.push(concat(fromHex('AA'), snrm)).map((f) => f.control.kind)).toEqual(['SNRM']);
    expect(discards[1]).toEqual({ reason: 'no-flag', streamOffset: 0, bytes: 1 });
  });

  it('reset() drops the partial frame; the next frame needs its own flag', () => {
    const { decoder, discards } = recordingDecoder();
    decoder.push(ua.subarray(0, 5));
    decoder.reset();
    expect(discards).toEqual([{ reason: 'truncated', streamOffset: 1, bytes: 4 }]);
    expect(decoder.push(snrm.subarray(1))).toEqual([]); // no opening flag: garbage up to its closing flag
    expect(decoder.push(snrm).length).toBe(1);
  });

  it('returns information fields that later pushes do not change', () => {
    const decoder = new HdlcFrameDecoder();
    const chunk = Uint8Array.from(aare);
    const first = decoder.push(chunk.subarray(0, 30));
    expect(first).toEqual([]);
    const [frame] = decoder.push(chunk.subarray(30));
    const copy = Uint8Array.from(frame!.information);
    chunk.fill(0);
    decoder.push(Uint8Array.from(push));
    expect(frame!.information).toEqual(copy);
  });

  it('merges rejections separated only by flags into one report', () => {
    const { decoder, discards } = recordingDecoder();
    const bad1 = corrupt(snrm, 7);
    const bad2 = corrupt(ua, 20);
    feed(decoder, [concat(bad1, bad2, fromHex('7E7E'), snrm)]);
    expect(discards).toEqual([{ reason: 'bad-fcs', streamOffset: 1, bytes: 8 + 2 + ua.length - 2 }]);
    expect(decoder.badFrames).toBe(2);
  });

  it('rejects unknown control fields and information on frames that have none', () => {
    const rej = encodeHdlcFrame({
      segmented: false,
      destination: { upper: 1 },
      source: { upper: 16 },
      control: { kind: 'RR', receiveSequence: 0, pollFinal: true },
      information: new Uint8Array(0),
    });
    rej[5] = 0x19; // REJ
    const fcs = crc16X25(rej, 1, 6);
    rej[6] = fcs;
    rej[7] = fcs >> 8;
    const { decoder, discards } = recordingDecoder();
    expect(feed(decoder, [rej])).toEqual([]);
    expect(discards).toEqual([{ reason: 'bad-control', streamOffset: 1, bytes: 7 }]);
  });

  it('validates maxFrameBytes', () => {
    expect(() => new HdlcFrameDecoder({ maxFrameBytes: 6 })).toThrow(InvalidArgumentError);
    expect(() => new HdlcFrameDecoder({ maxFrameBytes: 2048 })).toThrow(InvalidArgumentError);
    expect(() => new HdlcFrameDecoder({ maxFrameBytes: 100.5 })).toThrow(InvalidArgumentError);
  });
});
