/**
 * General-block-transfer on the server (meterlink spec §9.11): requests reassembled from GBT
 * blocks (each non-streamed block acknowledged), and responses longer than the client takes
 * sent block by block, one per acknowledgement (window 1, no streaming).
 *
 * @module
 */

import { encodeApdu } from '../apdu/apdu-codec.js';
import type { GeneralBlockTransfer } from '../apdu/types.js';
import type { Association } from './association.js';

/** Octets of a GBT block before its data: tag, control, number, ack, data length ≤ 3 (§9.11). */
const gbtHeader = 9;

/** A GBT request being received. */
export interface GbtIncoming {
  /** Blocks received. */
  readonly parts: Uint8Array[];
  /** Their octets. */
  size: number;
  /** The block number expected next. */
  next: number;
  /** Acknowledgements sent (their own block numbers). */
  acks: number;
}

/** A GBT response being sent. */
export interface GbtOutgoing {
  /** The whole APDU. */
  readonly data: Uint8Array;
  /** Octets per block. */
  readonly blockSize: number;
  /** Number of blocks. */
  readonly count: number;
  /** Blocks sent so far. */
  sent: number;
}

/** What to do with a received GBT APDU. */
export type GbtStep =
  | { readonly reply?: Uint8Array; readonly complete?: undefined; readonly failed?: undefined }
  | { readonly complete: Uint8Array; readonly reply?: undefined; readonly failed?: undefined }
  | { readonly failed: true; readonly reply?: undefined; readonly complete?: undefined };

function block(out: GbtOutgoing, n: number): Uint8Array {
  return encodeApdu({
    type: 'general-block-transfer',
    lastBlock: n === out.count,
    streaming: false,
    windowSize: 1,
    blockNumber: n,
    blockNumberAck: 0,
    blockData: out.data.subarray((n - 1) * out.blockSize, n * out.blockSize),
  });
}

/**
 * Starts sending `apdu` (whole, ciphered or not) in GBT blocks; returns the first block. `apdu`
 * is kept until the last block is sent, not copied: the caller hands it over.
 */
export function startGbtResponse(association: Association, apdu: Uint8Array): Uint8Array {
  const blockSize = Math.max(1, association.sendLimit - gbtHeader);
  const out: GbtOutgoing = {
    data: apdu,
    blockSize,
    count: Math.ceil(apdu.length / blockSize),
    sent: 1,
  };
  association.gbtOut = out.count > 1 ? out : undefined;
  return block(out, 1);
}

/**
 * Takes one GBT APDU: an acknowledgement (empty, not last) releases the next response block; a
 * data block is appended to the request, acknowledged unless streamed within a window, and the
 * last one completes it.
 */
export function receiveGbt(association: Association, gbt: GeneralBlockTransfer, maxBytes: number): GbtStep {
  if (gbt.blockData.length === 0 && !gbt.lastBlock) {
    const out = association.gbtOut;
    if (out === undefined || gbt.blockNumberAck !== out.sent) return {};
    out.sent++;
    if (out.sent === out.count) association.gbtOut = undefined;
    return { reply: block(out, out.sent) };
  }
  // A new request abandons a response still being sent.
  association.gbtOut = undefined;
  const state: GbtIncoming = association.gbtIn ?? { parts: [], size: 0, next: 1, acks: 0 };
  if (gbt.blockNumber !== state.next || state.size + gbt.blockData.length > maxBytes) {
    association.gbtIn = undefined;
    return { failed: true };
  }
  state.parts.push(gbt.blockData.slice());
  state.size += gbt.blockData.length;
  state.next++;
  if (gbt.lastBlock) {
    association.gbtIn = undefined;
    const all = new Uint8Array(state.size);
    let at = 0;
    for (const part of state.parts) {
      all.set(part, at);
      at += part.length;
    }
    return { complete: all };
  }
  association.gbtIn = state;
  if (gbt.streaming && state.parts.length % Math.max(1, gbt.windowSize) !== 0) return {};
  state.acks++;
  return {
    reply: encodeApdu({
      type: 'general-block-transfer',
      lastBlock: false,
      streaming: false,
      windowSize: 1,
      blockNumber: state.acks,
      blockNumberAck: gbt.blockNumber,
      blockData: new Uint8Array(0),
    }),
  };
}
