/**
 * Options of the HDLC sessions, their checks, and the link parameter negotiation (spec §4.3,
 * §4.7, §4.10).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { defaultHdlcParameters, encodeHdlcParameters, type HdlcParameters } from '../hdlc/parameters.js';
import type { HdlcAddress, HdlcFrame } from '../hdlc/types.js';
import type { HdlcFrameDirection } from './hdlc-frame-channel.js';
import type { DlmsQuirks, SessionAddress } from './types.js';

/** Link parameters from one station's own point of view (spec §4.7). */
export interface HdlcLinkParameters {
  /** Longest information field this station sends, octets. */
  maxInfoTransmit: number;
  /** Longest information field this station receives, octets. */
  maxInfoReceive: number;
  /** I-frames this station sends before it needs an acknowledgement. */
  windowTransmit: number;
  /** I-frames this station receives before it acknowledges. */
  windowReceive: number;
}

/** The server address a client session talks to (spec §4.3). */
export interface HdlcServerAddressOptions {
  /** Upper HDLC address: the logical device (server SAP), 0–127, or 0–16383 in the 4-octet form. */
  logical: number;
  /** Lower HDLC address: the physical device; absent for a 1-octet address. */
  physical?: number;
  /**
   * Octets of the server address on the wire. Default: 1 without `physical`, 2 when both parts
   * are below 128, else 4 (spec §4.3).
   */
  addressSize?: 1 | 2 | 4;
}

/** Diagnostics hook: every frame the session sent or received (after the check sequences). */
export type HdlcFrameHook = (frame: HdlcFrame, direction: HdlcFrameDirection) => void;

/** The proposals and limits both session kinds accept. */
export interface HdlcLinkOptions {
  /** Longest information field to send, 32–2030 octets. Default 128 (spec §4.7). */
  maxInfoTransmit?: number;
  /** Longest information field to receive, 32–2030 octets. Default 128 (spec §4.7). */
  maxInfoReceive?: number;
  /** I-frames to send before an acknowledgement is needed, 1–7. Default 1 (spec §4.7). */
  windowTransmit?: number;
  /** I-frames to receive before acknowledging, 1–7. Default 1 (spec §4.7). */
  windowReceive?: number;
  /**
   * Longest APDU reassembled from segments, octets. Default 65 535 (the largest xDLMS PDU size).
   * Client: a longer answer closes the session with a `ProtocolError`; server: a longer request
   * is dropped.
   */
  maxApduBytes?: number;
  /** Work-arounds for deviating peers (`ignoreSendSequence`, `optionalLlc`). Default: none. */
  quirks?: DlmsQuirks;
  /** Diagnostics: called with every frame sent and received. Default: none. */
  onFrame?: HdlcFrameHook;
}

/** Checks an integer option and returns it. */
export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer ${min}–${max}, got ${String(value)}`);
  }
  return value;
}

/** Checks a duration option (ms, finite, ≥ `min`) and returns it. */
export function checkDuration(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be a number of ms ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** The checked own limits of {@link HdlcLinkOptions}, defaults applied (spec §4.7). */
export function ownLinkParameters(options: HdlcLinkOptions): HdlcLinkParameters {
  return {
    maxInfoTransmit: checkInteger('maxInfoTransmit', options.maxInfoTransmit ?? 128, 32, 2030),
    maxInfoReceive: checkInteger('maxInfoReceive', options.maxInfoReceive ?? 128, 32, 2030),
    windowTransmit: checkInteger('windowTransmit', options.windowTransmit ?? 1, 1, 7),
    windowReceive: checkInteger('windowReceive', options.windowReceive ?? 1, 1, 7),
  };
}

/** The checked `maxApduBytes` option. */
export function maxApduOption(options: HdlcLinkOptions): number {
  return checkInteger('maxApduBytes', options.maxApduBytes ?? 0xffff, 1, 0x7fffffff);
}

/**
 * The information field of an SNRM proposing `own`: only the parameters that differ from the
 * defaults, none at all when everything is default (spec §4.7, vector `hdlc-snrm-default`).
 */
export function proposalField(own: HdlcLinkParameters): Uint8Array {
  const width = (name: keyof HdlcLinkParameters): 0 | undefined =>
    own[name] === defaultHdlcParameters[name] ? 0 : undefined;
  const widths = {
    maxInfoTransmit: width('maxInfoTransmit') ?? (own.maxInfoTransmit < 256 ? 1 : 2),
    maxInfoReceive: width('maxInfoReceive') ?? (own.maxInfoReceive < 256 ? 1 : 2),
    windowTransmit: width('windowTransmit') ?? 4,
    windowReceive: width('windowReceive') ?? 4,
  } as const;
  return encodeHdlcParameters({ ...own, widths });
}

/**
 * What a station uses after SNRM/UA: its own transmit limit is the peer's receive limit and
 * the other way round, each capped at its own value (spec §4.7). Values below the allowed range
 * are taken as they are (at least 1); windows are kept within 1–7.
 */
export function negotiateLink(own: HdlcLinkParameters, peer: HdlcParameters): HdlcLinkParameters {
  const size = (a: number, b: number): number => Math.max(1, Math.min(a, b));
  const window = (a: number, b: number): number => Math.max(1, Math.min(a, b, 7));
  return {
    maxInfoTransmit: size(own.maxInfoTransmit, peer.maxInfoReceive),
    maxInfoReceive: size(own.maxInfoReceive, peer.maxInfoTransmit),
    windowTransmit: window(own.windowTransmit, peer.windowReceive),
    windowReceive: window(own.windowReceive, peer.windowTransmit),
  };
}

/** The HDLC address of a server as configured in a client session, checked (spec §4.3). */
export function serverHdlcAddress(server: HdlcServerAddressOptions): HdlcAddress {
  if (typeof server !== 'object' || server === null) {
    throw new InvalidArgumentError('server must be an object { logical, physical?, addressSize? }');
  }
  const { logical, physical, addressSize } = server;
  const size = addressSize ?? (physical === undefined ? 1 : logical < 128 && physical < 128 ? 2 : 4);
  if (size !== 1 && size !== 2 && size !== 4) {
    throw new InvalidArgumentError(`server.addressSize must be 1, 2 or 4, got ${String(size)}`);
  }
  const max = size === 4 ? 0x3fff : 0x7f;
  checkInteger('server.logical', logical, 0, max);
  if (size === 1) {
    if (physical !== undefined) {
      throw new InvalidArgumentError('server.physical needs a 2- or 4-octet address (spec §4.3)');
    }
    return { upper: logical, size };
  }
  if (physical === undefined) {
    throw new InvalidArgumentError(`a ${size}-octet server address needs server.physical (spec §4.3)`);
  }
  return { upper: logical, lower: checkInteger('server.physical', physical, 0, max), size };
}

/** Same station: same upper and lower address, whatever the number of octets. */
export function sameHdlcAddress(a: HdlcAddress, b: HdlcAddress): boolean {
  return a.upper === b.upper && a.lower === b.lower;
}

/** The session address of a frame sent by a client to a server. */
export function requestAddress(frame: HdlcFrame): SessionAddress {
  const destination = frame.destination;
  return {
    client: frame.source.upper,
    logicalDevice: destination.upper,
    ...(destination.lower === undefined ? {} : { physicalDevice: destination.lower }),
  };
}

/** Names of the FRMR reason flags, bit 0 first (spec §4.11). */
const frmrReasons = [
  'invalid control field (W)',
  'information field not allowed (X)',
  'information field too long (Y)',
  'invalid N(R) (Z)',
] as const;

/** A readable account of an FRMR information field, for error messages (spec §4.11). */
export function describeFrmr(information: Uint8Array): string {
  if (information.length < 3) return 'the server rejected a frame (FRMR)';
  const state = information[1]!;
  const flags = information[2]!;
  const reasons = frmrReasons.filter((_, bit) => (flags >> bit) & 1);
  const control = information[0]!.toString(16).padStart(2, '0').toUpperCase();
  return `the server rejected frame with control ${control} (FRMR: ${
    reasons.length > 0 ? reasons.join(', ') : 'no reason flag'
  }; server V(S) = ${(state >> 1) & 7}, V(R) = ${state >> 5})`;
}

/** The FRMR information field for a rejected control field and reason flags (spec §4.11). */
export function frmrField(control: number, vs: number, vr: number, flags: number): Uint8Array {
  // Bit 4 of the second octet is the C/R flag: 0, the rejected frame was a command (from the primary).
  return new Uint8Array([control, (vr << 5) | (vs << 1), flags]);
}
