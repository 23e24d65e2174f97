/**
 * One HDLC frame to bytes and back (spec §4.1–§4.5).
 *
 * @module
 */

import { crc16X25 } from '../../core/crc.js';
import { DecodeError, EncodeError } from '../../core/errors.js';
import { hdlcAddressSize, writeHdlcAddress } from './address.js';
import { encodeHdlcControl, hdlcAllowsInformation } from './control.js';
import {
  expectedFor,
  type HdlcFault,
  hdlcFlag,
  maxHdlcFrameLength,
  minHdlcFrameLength,
  parseHdlcFrame,
} from './frame-parse.js';
import type { HdlcDiscardReason, HdlcFrame } from './types.js';

/**
 * Encodes a whole frame with both flags: format field (type 3, S bit, 11-bit length), addresses,
 * control field, HCS and information field when there is information, FCS (spec §4.1–§4.5).
 * There is no octet stuffing (spec §4.1).
 *
 * @throws {@link EncodeError} naming the field when an address or sequence number is out of range,
 *   the kind is unknown, an RR, RNR, DISC or DM frame has information, or the frame would be
 *   longer than 2047 octets between the flags
 * @example
 * ```ts
 * encodeHdlcFrame({
 *   segmented: false,
 *   destination: { upper: 1, lower: 17 },
 *   source: { upper: 16 },
 *   control: { kind: 'SNRM', pollFinal: true },
 *   information: new Uint8Array(0),
 * }); // 7E A0 08 02 23 21 93 BD 64 7E
 * ```
 */
export function encodeHdlcFrame(frame: HdlcFrame): Uint8Array {
  const destinationSize = hdlcAddressSize(frame.destination, 'destination');
  const sourceSize = hdlcAddressSize(frame.source, 'source');
  const control = encodeHdlcControl(frame.control);
  const information = frame.information;
  const n = information.length;
  if (n > 0 && !hdlcAllowsInformation(frame.control)) {
    throw new EncodeError(
      'information',
      `a ${frame.control.kind} frame carries no information field (spec §4.4)`,
    );
  }
  const headerEnd = 3 + destinationSize + sourceSize + 1; // after the control field
  const length = headerEnd - 1 + (n > 0 ? 2 + n : 0) + 2;
  if (length > maxHdlcFrameLength) {
    throw new EncodeError(
      'information',
      `${n} octets make a frame of ${length} octets, above the ${maxHdlcFrameLength} the length field can hold (spec §4.2)`,
    );
  }
  const out = new Uint8Array(length + 2);
  out[0] = hdlcFlag;
  out[1] = 0xa0 | (frame.segmented ? 0x08 : 0) | (length >> 8);
  out[2] = length;
  const controlAt = writeHdlcAddress(
    out,
    writeHdlcAddress(out, 3, frame.destination, destinationSize),
    frame.source,
    sourceSize,
  );
  out[controlAt] = control;
  let p = headerEnd;
  if (n > 0) {
    const hcs = crc16X25(out, 1, p);
    out[p] = hcs;
    out[p + 1] = hcs >> 8;
    out.set(information, p + 2);
    p += 2 + n;
  }
  const fcs = crc16X25(out, 1, p);
  out[p] = fcs;
  out[p + 1] = fcs >> 8;
  out[p + 2] = hdlcFlag;
  return out;
}

/**
 * Decodes exactly one frame, flags included: checks the flags, the format type, the length, the
 * FCS, the address extension bits, the control field and, when there is an information field,
 * the HCS (spec §4.1–§4.5). The information field is a view into `bytes` (not a copy).
 *
 * @throws {@link DecodeError} (layer `hdlc`, offset from the opening flag) on a missing flag,
 *   a format type other than `1010`, a length that does not match the input, a wrong HCS or FCS,
 *   an address of 3 or more than 4 octets, REJ/SREJ or an unknown control field, or an
 *   information field on an RR, RNR, DISC or DM frame
 * @example
 * ```ts
 * const frame = decodeHdlcFrame(fromHex('7EA00802232193BD647E'));
 * frame.control; // { kind: 'SNRM', pollFinal: true }
 * frame.destination; // { upper: 1, lower: 17, size: 2 }
 * ```
 */
export function decodeHdlcFrame(bytes: Uint8Array): HdlcFrame {
  const n = bytes.length;
  if (n < 3) return decodeFail(bytes, 'truncated', n, `input ends after ${n} octet(s)`);
  if (bytes[0] !== hdlcFlag) return decodeFail(bytes, 'bad-flag', 0, 'no opening flag');
  const format = bytes[1]!;
  if ((format & 0xf0) !== 0xa0) return decodeFail(bytes, 'bad-format', 1, 'wrong frame format type');
  const length = ((format & 0x07) << 8) | bytes[2]!;
  if (length < minHdlcFrameLength) {
    return decodeFail(bytes, 'bad-length', 1, `frame length ${length} is below ${minHdlcFrameLength}`);
  }
  const end = length + 1; // the closing flag
  if (n <= end)
    return decodeFail(bytes, 'truncated', n, `input ends before the ${length + 2} octets of the frame`);
  if (bytes[end] !== hdlcFlag)
    return decodeFail(bytes, 'bad-flag', end, 'no closing flag where the length says');
  if (n > end + 1) return decodeFail(bytes, 'bad-length', end + 1, `${n - end - 1} octet(s) after the frame`);
  const fault: HdlcFault = { reason: 'bad-fcs', offset: 0 };
  return (
    parseHdlcFrame(bytes, 1, end, fault) ??
    decodeFail(bytes, fault.reason, fault.offset, faultMessages[fault.reason])
  );
}

/** Messages of the faults {@link parseHdlcFrame} reports. */
const faultMessages: Readonly<Record<HdlcDiscardReason, string>> = {
  'no-flag': 'no flag',
  'bad-flag': 'no flag',
  'bad-format': 'wrong frame format type',
  'bad-length': 'HCS without information field',
  'too-long': 'frame too long',
  'bad-fcs': 'FCS mismatch',
  'bad-hcs': 'HCS mismatch',
  'bad-address': 'bad address extension bits',
  'bad-control': 'unknown or unsupported control field',
  'information-not-allowed': 'information field on a frame kind that has none',
  truncated: 'frame truncated',
};

function decodeFail(bytes: Uint8Array, reason: HdlcDiscardReason, offset: number, message: string): never {
  throw new DecodeError(message, { layer: 'hdlc', offset, expected: expectedFor(reason), bytes });
}
