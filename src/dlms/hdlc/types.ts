/**
 * The HDLC frame as values (IEC 62056-46 as profiled in meterlink spec §4).
 *
 * @module
 */

/**
 * An HDLC address (spec §4.3). A client address is one octet: `upper` is the client SAP. A
 * server address is 1, 2 or 4 octets: `upper` is the logical device (server SAP), `lower` the
 * physical device, absent in the 1-octet form.
 */
export interface HdlcAddress {
  /** Client SAP, or the server's upper HDLC address (logical device): 0–127, 0–16383 in the 4-octet form. */
  upper: number;
  /** Server's lower HDLC address (physical device): 0–127, 0–16383 in the 4-octet form; absent in the 1-octet form. */
  lower?: number;
  /**
   * Octets on the wire: 1, 2 or 4. Decoded frames always carry it, so that they re-encode
   * byte-identically. When encoding without it: 1 octet without `lower`, 2 octets when both
   * parts are below 128, else 4 (spec §4.3 automatic choice).
   */
  size?: 1 | 2 | 4;
}

/** Kinds of control field (spec §4.4). REJ and SREJ are not used by DLMS and are rejected. */
export type HdlcControlKind = HdlcControl['kind'];

/**
 * The control field (spec §4.4), by frame kind. `pollFinal` is the P/F bit (0x10): P in
 * frames from the client (primary station), F in frames from the server. Sequence numbers are
 * 0–7.
 */
export type HdlcControl =
  | {
      /** Information frame. */
      kind: 'I';
      /** N(S): the frame's send sequence number. */
      sendSequence: number;
      /** N(R): the next sequence number expected from the peer. */
      receiveSequence: number;
      /** The P/F bit. */
      pollFinal: boolean;
    }
  | {
      /** Receive ready, receive not ready (supervisory frames). */
      kind: 'RR' | 'RNR';
      /** N(R): the next sequence number expected from the peer. */
      receiveSequence: number;
      /** The P/F bit. */
      pollFinal: boolean;
    }
  | {
      /** Unnumbered frames. */
      kind: 'SNRM' | 'DISC' | 'UA' | 'DM' | 'FRMR' | 'UI';
      /** The P/F bit. */
      pollFinal: boolean;
    };

/**
 * One HDLC frame (spec §4.1): everything between the flags, with the check sequences verified
 * (decoding) or computed (encoding).
 */
export interface HdlcFrame {
  /** The format field's S bit: more segments of the same APDU follow (spec §4.2, §4.9). */
  segmented: boolean;
  /** Destination address (the server's when the client sends, the client's when the server answers). */
  destination: HdlcAddress;
  /** Source address. */
  source: HdlcAddress;
  /** The control field. */
  control: HdlcControl;
  /**
   * The information field, empty when the frame has none (then it has no HCS either, spec §4.5).
   * Only I, UI, SNRM, UA and FRMR frames may carry one.
   */
  information: Uint8Array;
}

/**
 * Why bytes were discarded by `HdlcFrameDecoder`, or why `decodeHdlcFrame` rejected a
 * frame:
 *
 * - `no-flag`: bytes before an opening flag (garbage, line noise);
 * - `bad-flag`: the input does not start or end with a flag (one-shot decoding only);
 * - `bad-format`: the format type is not `1010` (spec §4.2);
 * - `bad-length`: the length field is below 7, the closing flag is not where it says, or the
 *   frame is too short for HCS and information (spec §4.2, §4.5);
 * - `too-long`: the length field is above the decoder's `maxFrameBytes`;
 * - `bad-fcs`, `bad-hcs`: a check sequence does not match (spec §4.5);
 * - `bad-address`: an address of 3 or more than 4 octets, or one that overruns the frame (spec §4.3);
 * - `bad-control`: REJ, SREJ or an unknown unnumbered control field (spec §4.4);
 * - `information-not-allowed`: an RR, RNR, DISC or DM frame with an information field (spec §4.4);
 * - `truncated`: the stream ended, or was reset, inside a frame.
 */
export type HdlcDiscardReason =
  | 'no-flag'
  | 'bad-flag'
  | 'bad-format'
  | 'bad-length'
  | 'too-long'
  | 'bad-fcs'
  | 'bad-hcs'
  | 'bad-address'
  | 'bad-control'
  | 'information-not-allowed'
  | 'truncated';

/**
 * A run of bytes `HdlcFrameDecoder` dropped. Consecutive rejections with nothing but flags
 * between them form one run, reported with the reason of its first rejection; a run still open
 * when `push` returns is reported then, and goes on (same reason) in the next `push`.
 */
export interface HdlcDiscard {
  /** Why the run started. */
  reason: HdlcDiscardReason;
  /** Offset of the run's first byte in the stream (bytes pushed since the decoder was created or ended). */
  streamOffset: number;
  /** Number of bytes dropped (flags inside the run included). */
  bytes: number;
}
