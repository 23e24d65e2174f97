// Every 'hdlc' golden vector: decoded to its documented meaning, encoded back to the same bytes,
// and decoded incrementally under every chunking.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  decodeHdlcFrame,
  decodeHdlcParameters,
  encodeHdlcFrame,
  encodeHdlcParameters,
  type HdlcAddress,
  type HdlcControl,
  type HdlcParameters,
  stripLlc,
} from '../../../src/dlms/index.js';
import { splits } from '../../helpers/vectors.js';
import { concat, feed, hdlcVector, hdlcVectors, plain, recordingDecoder, sharedFlags } from './helpers.js';

const server117: HdlcAddress = { upper: 1, lower: 17, size: 2 };
const client16: HdlcAddress = { upper: 16, size: 1 };

interface Expected {
  segmented?: boolean;
  destination: HdlcAddress;
  source: HdlcAddress;
  control: HdlcControl;
  /** Information field in hex, or its length and first octets. */
  information?: string | { length: number; startsWith: string };
  parameters?: HdlcParameters;
}

const i = (sendSequence: number, receiveSequence: number): HdlcControl => ({
  kind: 'I',
  sendSequence,
  receiveSequence,
  pollFinal: true,
});

/** What each vector's `meaning` says. */
const expected: Record<string, Expected> = {
  'hdlc-snrm-default': {
    destination: server117,
    source: client16,
    control: { kind: 'SNRM', pollFinal: true },
    information: '',
  },
  'hdlc-snrm-params': {
    destination: server117,
    source: client16,
    control: { kind: 'SNRM', pollFinal: true },
    information: '8180140502020006020200070400000001080400000001',
    parameters: {
      maxInfoTransmit: 512,
      maxInfoReceive: 512,
      windowTransmit: 1,
      windowReceive: 1,
      widths: { maxInfoTransmit: 2, maxInfoReceive: 2, windowTransmit: 4, windowReceive: 4 },
    },
  },
  'hdlc-ua-params': {
    destination: client16,
    source: server117,
    control: { kind: 'UA', pollFinal: true },
    parameters: {
      maxInfoTransmit: 154,
      maxInfoReceive: 154,
      windowTransmit: 1,
      windowReceive: 1,
      widths: { maxInfoTransmit: 1, maxInfoReceive: 1, windowTransmit: 4, windowReceive: 4 },
    },
  },
  'hdlc-ua-empty': {
    destination: client16,
    source: server117,
    control: { kind: 'UA', pollFinal: true },
    information: '',
    parameters: {
      maxInfoTransmit: 128,
      maxInfoReceive: 128,
      windowTransmit: 1,
      windowReceive: 1,
      widths: { maxInfoTransmit: 0, maxInfoReceive: 0, windowTransmit: 0, windowReceive: 0 },
    },
  },
  'hdlc-i-aarq': {
    destination: server117,
    source: client16,
    control: i(0, 0),
    information: 'E6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFF',
  },
  'hdlc-i-aare': {
    destination: client16,
    source: server117,
    control: i(0, 1),
    information:
      'E6E7006129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F0400001E1D04C80007',
  },
  'hdlc-i-get-request': {
    destination: server117,
    source: client16,
    control: i(1, 1),
    information: 'E6E600C001C100080000010000FF0200',
  },
  'hdlc-i-get-response': {
    destination: client16,
    source: server117,
    control: i(1, 2),
    information: 'E6E700C401C100090C07E8060F060C223800FF8880',
  },
  'hdlc-rr': {
    destination: server117,
    source: client16,
    control: { kind: 'RR', receiveSequence: 2, pollFinal: true },
    information: '',
  },
  'hdlc-disc': {
    destination: server117,
    source: client16,
    control: { kind: 'DISC', pollFinal: true },
    information: '',
  },
  'hdlc-dm': {
    destination: client16,
    source: server117,
    control: { kind: 'DM', pollFinal: true },
    information: '',
  },
  'hdlc-snrm-1byte-server': {
    destination: { upper: 1, size: 1 },
    source: client16,
    control: { kind: 'SNRM', pollFinal: true },
    information: '',
  },
  'hdlc-snrm-4byte-server': {
    destination: { upper: 1, lower: 1234, size: 4 },
    source: { upper: 1, size: 1 },
    control: { kind: 'SNRM', pollFinal: true },
    information: '',
  },
  'hdlc-snrm-4byte-dlms-example': {
    destination: { upper: 1, lower: 17, size: 4 },
    source: client16,
    control: { kind: 'SNRM', pollFinal: true },
    information: '',
  },
  'hdlc-ua-4byte-params': {
    destination: client16,
    source: { upper: 1, lower: 17, size: 4 },
    control: { kind: 'UA', pollFinal: true },
    parameters: {
      maxInfoTransmit: 128,
      maxInfoReceive: 128,
      windowTransmit: 1,
      windowReceive: 1,
      widths: { maxInfoTransmit: 2, maxInfoReceive: 2, windowTransmit: 4, windowReceive: 4 },
    },
  },
  'hdlc-seg-1': {
    segmented: true,
    destination: client16,
    source: server117,
    control: i(2, 3),
    information: { length: 128, startsWith: 'E6E700C401C10001030204120008110009060000010000FF' },
  },
  'hdlc-seg-rr': {
    destination: server117,
    source: client16,
    control: { kind: 'RR', receiveSequence: 3, pollFinal: true },
    information: '',
  },
  'hdlc-seg-2': {
    destination: client16,
    source: server117,
    control: i(3, 3),
    information: { length: 157, startsWith: '000204120003110009060100010800FF' },
  },
  'hdlc-ui-push': {
    destination: { upper: 0x20, size: 1 },
    source: { upper: 4, lower: 65, size: 2 },
    control: { kind: 'UI', pollFinal: true },
    // LLC, data-notification, long-invoke-id 40000000, no date-time, array of 27 structures.
    information: {
      length: 569,
      startsWith: 'E6E7000F4000000000011B020209060000010000FF090C07E30C1001073B28FF8000FF',
    },
  },
  'hdlc-ui-push-aidon': {
    destination: { upper: 0x20, size: 1 },
    source: { upper: 4, lower: 65, size: 2 },
    control: { kind: 'UI', pollFinal: true },
    information: {
      length: 257,
      startsWith: 'E6E7000F4000000000010C020209060101000281FF0A0B4149444F4E5F5630303031',
    },
  },
};

describe('HDLC golden vectors', () => {
  it('covers all 20 vectors', () => {
    expect(hdlcVectors.map((v) => v.id).sort()).toEqual(Object.keys(expected).sort());
    expect(hdlcVectors).toHaveLength(20);
  });

  for (const v of hdlcVectors) {
    describe(v.id, () => {
      const bytes = hdlcVector(v.id);
      const want = expected[v.id]!;

      it('decodes to the documented fields', () => {
        const frame = decodeHdlcFrame(bytes);
        expect(frame.segmented).toBe(want.segmented ?? false);
        expect(frame.destination).toStrictEqual(want.destination);
        expect(frame.source).toStrictEqual(want.source);
        expect(frame.control).toStrictEqual(want.control);
        const info = toHex(frame.information);
        if (typeof want.information === 'string') expect(info).toBe(want.information);
        else if (want.information !== undefined) {
          expect(frame.information.length).toBe(want.information.length);
          expect(info.startsWith(want.information.startsWith)).toBe(true);
        }
        if (want.parameters !== undefined) {
          expect(decodeHdlcParameters(frame.information)).toStrictEqual(want.parameters);
          expect(toHex(encodeHdlcParameters(want.parameters))).toBe(info);
        }
      });

      it('encodes back to the same bytes', () => {
        expect(toHex(encodeHdlcFrame(decodeHdlcFrame(bytes)))).toBe(toHex(bytes));
      });

      it('decodes incrementally at every split and byte by byte', () => {
        const once = plain(decodeHdlcFrame(bytes));
        for (const chunks of splits(bytes)) {
          const { decoder, discards } = recordingDecoder();
          expect(feed(decoder, chunks)).toEqual([once]);
          expect(discards).toEqual([]);
          expect(decoder.pending).toBe(0);
        }
      });
    });
  }

  it('reassembles the segmented GET response (hdlc-seg-1 + hdlc-seg-2, spec §4.9)', () => {
    const first = decodeHdlcFrame(hdlcVector('hdlc-seg-1'));
    const second = decodeHdlcFrame(hdlcVector('hdlc-seg-2'));
    const apdu = concat(stripLlc(first.information, 'response'), second.information);
    const meaning = hdlcVectors.find((x) => x.id === 'hdlc-seg-2')!.meaning as unknown as Record<
      string,
      string
    >;
    expect(toHex(apdu)).toBe(meaning.reassembled_apdu);
    expect(apdu).toHaveLength(125 + 157);
  });

  it('rebuilds the SNRM of spec §4.5 from values', () => {
    const bytes = encodeHdlcFrame({
      segmented: false,
      destination: { upper: 1, lower: 17 },
      source: { upper: 16 },
      control: { kind: 'SNRM', pollFinal: true },
      information: new Uint8Array(0),
    });
    expect(toHex(bytes)).toBe('7EA00802232193BD647E');
  });

  it('rebuilds hdlc-snrm-params with the default parameter widths', () => {
    const information = encodeHdlcParameters({
      maxInfoTransmit: 512,
      maxInfoReceive: 512,
      windowTransmit: 1,
      windowReceive: 1,
    });
    const bytes = encodeHdlcFrame({
      segmented: false,
      destination: { upper: 1, lower: 17 },
      source: { upper: 16 },
      control: { kind: 'SNRM', pollFinal: true },
      information,
    });
    expect(toHex(bytes)).toBe(toHex(hdlcVector('hdlc-snrm-params')));
  });

  describe('all vectors back to back', () => {
    const all = hdlcVectors.map((v) => hdlcVector(v.id));
    const want = all.map((b) => plain(decodeHdlcFrame(b)));

    it('with a shared flag between frames, at every split and byte by byte', () => {
      const stream = sharedFlags(all);
      expect(stream.length).toBe(all.reduce((n, b) => n + b.length, 0) - all.length + 1);
      const { decoder, discards } = recordingDecoder();
      expect(feed(decoder, [stream])).toEqual(want);
      let count = 0;
      for (const chunks of splits(stream)) {
        const { decoder: d, discards: lost } = recordingDecoder();
        expect(feed(d, chunks)).toEqual(want);
        expect(lost).toEqual([]);
        count++;
      }
      expect(count).toBe(stream.length);
      expect(discards).toEqual([]);
    });

    it('with two flags and idle fill between frames', () => {
      const stream = concat(fromHex('7E7E7E'), ...all.flatMap((b) => [b, fromHex('7E7E')]));
      const { decoder, discards } = recordingDecoder();
      expect(feed(decoder, [stream])).toEqual(want);
      expect(discards).toEqual([]);
      expect(decoder.discardedBytes).toBe(0);
      expect(decoder.badFrames).toBe(0);
    });
  });
});
