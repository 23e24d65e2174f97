// One-shot HDLC codec, LLC header and parameter field: errors and edge cases.
import { describe, expect, it } from 'vitest';
import { crc16X25 } from '../../../src/core/crc.js';
import { DecodeError, EncodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  decodeHdlcFrame,
  decodeHdlcParameters,
  encodeHdlcFrame,
  encodeHdlcParameters,
  type HdlcFrame,
  llcRequestHeader,
  llcResponseHeader,
  stripLlc,
  withLlc,
} from '../../../src/dlms/index.js';
import { hdlcVector } from './helpers.js';

function expectDecodeError(fn: () => unknown, offset: number, expected?: RegExp): DecodeError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DecodeError);
  const error = caught as DecodeError;
  expect(error.layer).toBe('hdlc');
  expect(error.offset).toBe(offset);
  if (expected) expect(error.expected).toMatch(expected);
  return error;
}

/** Recomputes the HCS (when there is information) and the FCS of a frame changed by hand. */
function fix(frame: Uint8Array, hcsAt?: number): Uint8Array {
  if (hcsAt !== undefined) {
    const hcs = crc16X25(frame, 1, hcsAt);
    frame[hcsAt] = hcs;
    frame[hcsAt + 1] = hcs >> 8;
  }
  const fcsAt = frame.length - 3;
  const fcs = crc16X25(frame, 1, fcsAt);
  frame[fcsAt] = fcs;
  frame[fcsAt + 1] = fcs >> 8;
  return frame;
}

const base: HdlcFrame = {
  segmented: false,
  destination: { upper: 1, lower: 17 },
  source: { upper: 16 },
  control: { kind: 'I', sendSequence: 0, receiveSequence: 0, pollFinal: true },
  information: fromHex('E6E600'),
};

describe('decodeHdlcFrame errors', () => {
  const snrm = hdlcVector('hdlc-snrm-default');
  const aarq = hdlcVector('hdlc-i-aarq');

  it('rejects a missing opening or closing flag', () => {
    expectDecodeError(() => decodeHdlcFrame(snrm.subarray(1)), 0, /flag/);
    const b = Uint8Array.from(snrm);
    b[9] = 0x7f;
    expectDecodeError(() => decodeHdlcFrame(b), 9, /flag/);
  });

  it('rejects a wrong format type', () => {
    const b = Uint8Array.from(snrm);
    b[1] = 0xb0;
    expectDecodeError(() => decodeHdlcFrame(b), 1, /format type/);
  });

  it('rejects a length that does not match the input', () => {
    expectDecodeError(() => decodeHdlcFrame(snrm.subarray(0, 9)), 9, /rest of the frame/);
    expectDecodeError(() => decodeHdlcFrame(fromHex('7EA0')), 2);
    expectDecodeError(() => decodeHdlcFrame(fromHex(`${toHex(snrm)}7E`)), 10, /length/);
    expectDecodeError(() => decodeHdlcFrame(fromHex('7EA006000000007E')), 1, /length/);
  });

  it('rejects a bad FCS and a bad HCS', () => {
    const b = Uint8Array.from(snrm);
    b[7] = b[7]! ^ 1;
    expectDecodeError(() => decodeHdlcFrame(b), 7, /FCS/);
    const c = Uint8Array.from(aarq);
    c[7] = c[7]! ^ 1;
    fix(c);
    expectDecodeError(() => decodeHdlcFrame(c), 7, /HCS/);
  });

  it('rejects address fields of 3 or more than 4 octets', () => {
    // Destination 02 04 23 (3 octets), source 21, control 93.
    expectDecodeError(() => decodeHdlcFrame(fix(fromHex('7EA00902042321930000 7E'))), 3, /address/);
    // Destination of 5 octets.
    expectDecodeError(() => decodeHdlcFrame(fix(fromHex('7EA00B000202042321930000 7E'))), 3, /address/);
    // Source without an end bit before the control field.
    expectDecodeError(() => decodeHdlcFrame(fix(fromHex('7EA00703229300007E'))), 4, /address/);
  });

  it('rejects REJ, SREJ and unknown unnumbered control fields', () => {
    for (const control of [0x19, 0x1d, 0x9b, 0x0b]) {
      const b = Uint8Array.from(snrm);
      b[6] = control;
      expectDecodeError(() => decodeHdlcFrame(fix(b)), 6, /control/);
    }
  });

  it('rejects information on RR, RNR, DISC and DM and an HCS without information', () => {
    const c = Uint8Array.from(aarq);
    c[6] = 0x11; // RR
    expectDecodeError(() => decodeHdlcFrame(fix(c, 7)), 7, /no information/);
    // HCS and FCS only: length 10.
    expectDecodeError(() => decodeHdlcFrame(fix(fromHex('7EA00A022321100000 00007E'), 7)), 1, /length/);
  });

  it('returns a view of the information field', () => {
    const frame = decodeHdlcFrame(aarq);
    expect(frame.information.buffer).toBe(aarq.buffer);
    expect(frame.information.byteOffset).toBe(aarq.byteOffset + 9);
  });
});

describe('encodeHdlcFrame', () => {
  it('chooses the address size automatically (spec §4.3)', () => {
    const enc = (destination: HdlcFrame['destination']) =>
      decodeHdlcFrame(encodeHdlcFrame({ ...base, destination }));
    expect(enc({ upper: 1 }).destination).toEqual({ upper: 1, size: 1 });
    expect(enc({ upper: 1, lower: 127 }).destination).toEqual({ upper: 1, lower: 127, size: 2 });
    expect(enc({ upper: 1, lower: 128 }).destination).toEqual({ upper: 1, lower: 128, size: 4 });
    expect(enc({ upper: 0x3fff, lower: 0x3ffe }).destination).toEqual({
      upper: 0x3fff,
      lower: 0x3ffe,
      size: 4,
    });
  });

  it('writes the S bit and the 11-bit length', () => {
    const bytes = encodeHdlcFrame({ ...base, segmented: true, information: new Uint8Array(2030) });
    expect(bytes[1]).toBe(0xa8 | 0x07);
    expect(((bytes[1]! & 7) << 8) | bytes[2]!).toBe(bytes.length - 2);
    expect(decodeHdlcFrame(bytes).segmented).toBe(true);
  });

  it('throws EncodeError for impossible frames', () => {
    const bad: Array<[string, HdlcFrame]> = [
      ['destination.upper', { ...base, destination: { upper: 128 } }],
      ['destination.upper', { ...base, destination: { upper: 128, size: 2, lower: 1 } }],
      ['destination.lower', { ...base, destination: { upper: 1, lower: 0x4000 } }],
      ['destination.lower', { ...base, destination: { upper: 1, size: 2 } }],
      ['source.lower', { ...base, source: { upper: 1, lower: 1, size: 1 } }],
      ['source.size', { ...base, source: { upper: 1, size: 3 as 1 } }],
      [
        'control.sendSequence',
        { ...base, control: { kind: 'I', sendSequence: 8, receiveSequence: 0, pollFinal: false } },
      ],
      [
        'control.receiveSequence',
        { ...base, control: { kind: 'RR', receiveSequence: -1, pollFinal: false } },
      ],
      ['control.kind', { ...base, control: { kind: 'REJ' as 'UA', pollFinal: false } }],
      ['information', { ...base, control: { kind: 'DISC', pollFinal: true } }],
      ['information', { ...base, information: new Uint8Array(2038) }],
    ];
    for (const [field, frame] of bad) {
      let caught: unknown;
      try {
        encodeHdlcFrame(frame);
      } catch (e) {
        caught = e;
      }
      expect(caught, field).toBeInstanceOf(EncodeError);
      expect((caught as EncodeError).field).toBe(field);
    }
    // The largest information field with 2-octet server and 1-octet client addresses.
    expect(encodeHdlcFrame({ ...base, information: new Uint8Array(2037) })).toHaveLength(2049);
  });
});

describe('LLC header (spec §4.6)', () => {
  it('adds and strips the header of each direction', () => {
    const apdu = fromHex('C001C1');
    expect(toHex(withLlc(apdu, 'request'))).toBe('E6E600C001C1');
    expect(toHex(withLlc(apdu, 'response'))).toBe('E6E700C001C1');
    expect([...llcRequestHeader]).toEqual([0xe6, 0xe6, 0x00]);
    expect([...llcResponseHeader]).toEqual([0xe6, 0xe7, 0x00]);
    expect(toHex(stripLlc(fromHex('E6E600C001C1'), 'request'))).toBe('C001C1');
    expect(toHex(stripLlc(fromHex('E6E700C001C1'), 'response'))).toBe('C001C1');
    expect(toHex(stripLlc(fromHex('E6E600C0')))).toBe('C0');
    expect(toHex(stripLlc(fromHex('E6E700')))).toBe('');
  });

  it('rejects a missing, truncated or wrong header', () => {
    expectDecodeError(() => stripLlc(fromHex('C001C1')), 0, /E6/);
    expectDecodeError(() => stripLlc(fromHex('E6E600'), 'response'), 1, /E6 E7 00/);
    expectDecodeError(() => stripLlc(fromHex('E6E700'), 'request'), 1, /E6 E6 00/);
    expectDecodeError(() => stripLlc(fromHex('E6E601')), 2);
    expectDecodeError(() => stripLlc(fromHex('E6E7')), 2);
    expectDecodeError(() => stripLlc(new Uint8Array(0)), 0);
  });
});

describe('HDLC parameters (spec §4.7)', () => {
  it('omits parameters of width 0 and encodes nothing when all are left out', () => {
    const params = { maxInfoTransmit: 128, maxInfoReceive: 256, windowTransmit: 1, windowReceive: 1 };
    const none = { maxInfoTransmit: 0, maxInfoReceive: 0, windowTransmit: 0, windowReceive: 0 } as const;
    expect(encodeHdlcParameters({ ...params, maxInfoReceive: 128, widths: none })).toHaveLength(0);
    const bytes = encodeHdlcParameters({ ...params, widths: { ...none, maxInfoReceive: 2 } });
    expect(toHex(bytes)).toBe('81800406020100');
    expect(decodeHdlcParameters(bytes)).toEqual({ ...params, widths: { ...none, maxInfoReceive: 2 } });
  });

  it('skips unknown parameters and accepts 1, 2 and 4-octet values', () => {
    const p = decodeHdlcParameters(fromHex('81800E 0903AABBCC 050400000100 0801 07'));
    expect(p).toEqual({
      maxInfoTransmit: 256,
      maxInfoReceive: 128,
      windowTransmit: 1,
      windowReceive: 7,
      widths: { maxInfoTransmit: 4, maxInfoReceive: 0, windowTransmit: 0, windowReceive: 1 },
    });
  });

  it('rejects malformed fields', () => {
    expectDecodeError(() => decodeHdlcParameters(fromHex('8280030501FF')), 0);
    expectDecodeError(() => decodeHdlcParameters(fromHex('8181030501FF')), 1);
    expectDecodeError(() => decodeHdlcParameters(fromHex('8180040501FF')), 2);
    expectDecodeError(() => decodeHdlcParameters(fromHex('818003050200')), 6);
    expectDecodeError(() => decodeHdlcParameters(fromHex('818005050300FFFF')), 4);
    expectDecodeError(() => decodeHdlcParameters(fromHex('8180060501FF0501FF')), 6);
    expectDecodeError(() => decodeHdlcParameters(fromHex('8180020502')), 5);
    expectDecodeError(() => decodeHdlcParameters(fromHex('81')), 1);
  });

  it('throws EncodeError on values out of range or that do not fit', () => {
    const ok = { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 };
    const widths = { maxInfoTransmit: 1, maxInfoReceive: 1, windowTransmit: 1, windowReceive: 1 } as const;
    expect(() => encodeHdlcParameters({ ...ok, maxInfoTransmit: 31 })).toThrow(EncodeError);
    expect(() => encodeHdlcParameters({ ...ok, maxInfoReceive: 2031 })).toThrow(EncodeError);
    expect(() => encodeHdlcParameters({ ...ok, windowTransmit: 8 })).toThrow(EncodeError);
    expect(() => encodeHdlcParameters({ ...ok, windowReceive: 0 })).toThrow(EncodeError);
    expect(() => encodeHdlcParameters({ ...ok, maxInfoTransmit: 256, widths })).toThrow(EncodeError);
    expect(() =>
      encodeHdlcParameters({ ...ok, windowReceive: 2, widths: { ...widths, windowReceive: 0 } }),
    ).toThrow(EncodeError);
    expect(() => encodeHdlcParameters({ ...ok, widths: { ...widths, windowReceive: 3 as 1 } })).toThrow(
      EncodeError,
    );
  });
});
