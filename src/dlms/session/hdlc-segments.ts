/**
 * Segmentation of an APDU over HDLC information fields and its reassembly (spec §4.6, §4.9).
 *
 * @module
 */

import { type LlcDirection, withLlc } from '../hdlc/llc.js';

/** The length of the LLC header in front of an APDU's first segment (spec §4.6). */
export const llcHeaderLength = 3;

/** Whether an information field starts with the LLC header `E6 E6 00` or `E6 E7 00` (spec §4.6). */
function hasLlc(information: Uint8Array): boolean {
  return (
    information.length >= llcHeaderLength &&
    information[0] === 0xe6 &&
    (information[1] === 0xe6 || information[1] === 0xe7) &&
    information[2] === 0x00
  );
}

/**
 * Cuts an APDU, preceded by the LLC header of `direction` (or none: `undefined`), into pieces of
 * at most `maxInfo` octets; only the first piece starts with the LLC header (spec §4.9). Every
 * piece but the last goes out with the S bit set. The pieces are views into one new array.
 */
export function segmentApdu(
  apdu: Uint8Array,
  direction: LlcDirection | undefined,
  maxInfo: number,
): Uint8Array[] {
  const information = direction === undefined ? apdu.slice() : withLlc(apdu, direction);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < information.length; at += maxInfo) {
    pieces.push(information.subarray(at, Math.min(information.length, at + maxInfo)));
  }
  if (pieces.length === 0) pieces.push(information); // an empty APDU without LLC: one empty field
  return pieces;
}

/** What {@link HdlcReassembler.push} made of one information field. */
export type ReassemblyResult =
  /** A segment with S = 1 was kept; more follow. */
  | { kind: 'more' }
  /** The APDU is complete; `llc` tells whether its first segment carried an LLC header. */
  | { kind: 'apdu'; apdu: Uint8Array; llc: boolean }
  /** The APDU was dropped (the rest of its segments will be dropped too); `reason` says why. */
  | { kind: 'dropped'; reason: 'no-llc' | 'too-large' };

/**
 * Concatenates the information fields of consecutive segments into one APDU (spec §4.9): the
 * first one without its 3 LLC octets (either direction is accepted, §4.6), the others as they
 * are. The APDU is bounded by `maxApduBytes`: a longer one is dropped without growing a buffer
 * past the bound, and so are the segments that follow it up to the one with S = 0.
 */
export class HdlcReassembler {
  readonly #maxApduBytes: number;
  readonly #optionalLlc: boolean;
  #parts: Uint8Array[] = [];
  #size = 0;
  #llc = true;
  /** Inside a dropped APDU: skip segments up to the one with S = 0. */
  #skipping = false;

  /**
   * @param maxApduBytes longest APDU accepted
   * @param optionalLlc accept a first segment without LLC header (quirk `optionalLlc`)
   */
  constructor(maxApduBytes: number, optionalLlc: boolean) {
    this.#maxApduBytes = maxApduBytes;
    this.#optionalLlc = optionalLlc;
  }

  /** `true` between a segment with S = 1 and the one with S = 0. */
  get inProgress(): boolean {
    return this.#parts.length > 0 || this.#skipping;
  }

  /** Forgets a partly received APDU (link reset). */
  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
  }

  /** Adds the information field of the next accepted segment (`segmented` = its S bit). */
  push(information: Uint8Array, segmented: boolean): ReassemblyResult {
    if (this.#skipping) {
      if (!segmented) this.#skipping = false;
      return { kind: 'more' };
    }
    let from = 0;
    if (this.#parts.length === 0) {
      // Either direction's header is accepted (spec §4.6).
      this.#llc = hasLlc(information);
      if (this.#llc) from = llcHeaderLength;
      else if (!this.#optionalLlc) return this.#drop(segmented, 'no-llc');
      // Otherwise the quirk: the meter sends no LLC header (spec §4.6 deviation).
    }
    const length = information.length - from;
    if (this.#size + length > this.#maxApduBytes) return this.#drop(segmented, 'too-large');
    // Fields handed out by the frame decoder are views into shared blocks: keep copies.
    this.#parts.push(information.slice(from));
    this.#size += length;
    if (segmented) return { kind: 'more' };
    const apdu = this.#parts.length === 1 ? this.#parts[0]! : concatParts(this.#parts, this.#size);
    this.#parts.length = 0;
    this.#size = 0;
    return { kind: 'apdu', apdu, llc: this.#llc };
  }

  #drop(segmented: boolean, reason: 'no-llc' | 'too-large'): ReassemblyResult {
    this.#parts = [];
    this.#size = 0;
    this.#skipping = segmented;
    return { kind: 'dropped', reason };
  }
}

function concatParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
