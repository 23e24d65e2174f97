/**
 * The checks and field extraction shared by the one-shot and the incremental HDLC decoder.
 *
 * @module
 */

import { crc16X25 } from '../../core/crc.js';
import { readHdlcAddress } from './address.js';
import { decodeHdlcControl, hdlcAllowsInformation } from './control.js';
import type { HdlcDiscardReason, HdlcFrame } from './types.js';

/** The flag that opens and closes every frame (spec §4.1). */
export const hdlcFlag = 0x7e;

/** Largest value of the 11-bit length field: octets between the flags (spec §4.1, §4.2). */
export const maxHdlcFrameLength = 2047;

/** Smallest frame between the flags: format 2, addresses 1 + 1, control 1, FCS 2. */
export const minHdlcFrameLength = 7;

/** Where {@link parseHdlcFrame} found a fault (written only when it returns `undefined`). */
export interface HdlcFault {
  /** What was wrong. */
  reason: HdlcDiscardReason;
  /** Offset of the offending field in the parsed array. */
  offset: number;
}

const empty: Uint8Array = new Uint8Array(0);

/**
 * Checks and decodes the frame whose format field is at `b[s]` and whose closing flag is at
 * `b[e]`. The caller has checked the format type and that `e - s` is the length field and at
 * least {@link minHdlcFrameLength}. The information field is a view into `b` (a shared empty
 * array when there is none).
 *
 * @returns the frame, or `undefined` after filling `fault`
 */
export function parseHdlcFrame(b: Uint8Array, s: number, e: number, fault: HdlcFault): HdlcFrame | undefined {
  const fcsAt = e - 2;
  // §4.5: FCS over format … last octet before it, low octet first.
  if (crc16X25(b, s, fcsAt) !== (b[fcsAt]! | (b[fcsAt + 1]! << 8))) return fail(fault, 'bad-fcs', fcsAt);
  // §4.3: the destination must leave room for a source, the control field and the FCS.
  const destination = readHdlcAddress(b, s + 2, fcsAt - 2);
  if (destination === undefined) return fail(fault, 'bad-address', s + 2);
  const sourceAt = s + 2 + destination.size!;
  const source = readHdlcAddress(b, sourceAt, fcsAt - 1);
  if (source === undefined) return fail(fault, 'bad-address', sourceAt);
  const controlAt = sourceAt + source.size!;
  const control = decodeHdlcControl(b[controlAt]!);
  if (control === undefined) return fail(fault, 'bad-control', controlAt);
  const hcsAt = controlAt + 1;
  let information = empty;
  if (hcsAt < fcsAt) {
    // §4.5: HCS and information come together; an HCS needs at least one information octet.
    if (fcsAt - hcsAt <= 2) return fail(fault, 'bad-length', s);
    if (!hdlcAllowsInformation(control)) return fail(fault, 'information-not-allowed', hcsAt);
    if (crc16X25(b, s, hcsAt) !== (b[hcsAt]! | (b[hcsAt + 1]! << 8))) return fail(fault, 'bad-hcs', hcsAt);
    information = b.subarray(hcsAt + 2, fcsAt);
  }
  return { segmented: (b[s]! & 0x08) !== 0, destination, source, control, information };
}

function fail(fault: HdlcFault, reason: HdlcDiscardReason, offset: number): undefined {
  fault.reason = reason;
  fault.offset = offset;
  return undefined;
}

/** What a frame failing for `reason` should have had, for error messages. */
export function expectedFor(reason: HdlcDiscardReason): string {
  switch (reason) {
    case 'no-flag':
    case 'bad-flag':
      return 'the flag 7E';
    case 'bad-format':
      return 'format type 1010 (A0–AF)';
    case 'bad-length':
      return 'a frame length matching the octets between the flags';
    case 'too-long':
      return 'a shorter frame';
    case 'bad-fcs':
      return 'the FCS (CRC-16/X.25 of the frame, low octet first)';
    case 'bad-hcs':
      return 'the HCS (CRC-16/X.25 of the header, low octet first)';
    case 'bad-address':
      return 'an address of 1, 2 or 4 octets ending with bit 0 set';
    case 'bad-control':
      return 'an I, RR, RNR, SNRM, DISC, UA, DM, FRMR or UI control field';
    case 'information-not-allowed':
      return 'no information field for this frame kind';
    case 'truncated':
      return 'the rest of the frame';
  }
}
