/**
 * The HDLC control field (spec §4.4).
 *
 * @module
 */

import { EncodeError } from '../../core/errors.js';
import type { HdlcControl } from './types.js';

/** The P/F bit (spec §4.4). */
const pollFinalBit = 0x10;

/** Control octets of the unnumbered frames with P/F = 0 (spec §4.4). */
const unnumbered = { SNRM: 0x83, DISC: 0x43, UA: 0x63, DM: 0x0f, FRMR: 0x87, UI: 0x03 } as const;

function checkSequence(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 7) {
    throw new EncodeError(field, `must be an integer 0–7 (modulo 8), got ${value}`);
  }
}

/**
 * Encodes a control field.
 *
 * @throws {@link EncodeError} on an unknown kind or a sequence number outside 0–7
 */
export function encodeHdlcControl(control: HdlcControl): number {
  const pf = control.pollFinal ? pollFinalBit : 0;
  switch (control.kind) {
    case 'I':
      checkSequence(control.sendSequence, 'control.sendSequence');
      checkSequence(control.receiveSequence, 'control.receiveSequence');
      return (control.receiveSequence << 5) | pf | (control.sendSequence << 1);
    case 'RR':
    case 'RNR':
      checkSequence(control.receiveSequence, 'control.receiveSequence');
      return (control.receiveSequence << 5) | pf | (control.kind === 'RR' ? 0x01 : 0x05);
    case 'SNRM':
    case 'DISC':
    case 'UA':
    case 'DM':
    case 'FRMR':
    case 'UI':
      return unnumbered[control.kind] | pf;
    default:
      throw new EncodeError(
        'control.kind',
        `unknown HDLC frame kind ${String((control as HdlcControl).kind)}`,
      );
  }
}

/**
 * Decodes a control field; `undefined` for REJ, SREJ and unknown unnumbered values (spec §4.4).
 */
export function decodeHdlcControl(c: number): HdlcControl | undefined {
  const pollFinal = (c & pollFinalBit) !== 0;
  if ((c & 1) === 0) {
    return { kind: 'I', sendSequence: (c >> 1) & 7, receiveSequence: c >> 5, pollFinal };
  }
  if ((c & 2) === 0) {
    const type = c & 0x0c;
    if (type === 0) return { kind: 'RR', receiveSequence: c >> 5, pollFinal };
    if (type === 0x04) return { kind: 'RNR', receiveSequence: c >> 5, pollFinal };
    return undefined; // REJ, SREJ: not used by DLMS
  }
  switch (c & ~pollFinalBit) {
    case 0x83:
      return { kind: 'SNRM', pollFinal };
    case 0x43:
      return { kind: 'DISC', pollFinal };
    case 0x63:
      return { kind: 'UA', pollFinal };
    case 0x0f:
      return { kind: 'DM', pollFinal };
    case 0x87:
      return { kind: 'FRMR', pollFinal };
    case 0x03:
      return { kind: 'UI', pollFinal };
    default:
      return undefined;
  }
}

/** Whether frames of this kind may carry an information field (spec §4.4 table). */
export function hdlcAllowsInformation(control: HdlcControl): boolean {
  const kind = control.kind;
  return kind !== 'RR' && kind !== 'RNR' && kind !== 'DISC' && kind !== 'DM';
}
