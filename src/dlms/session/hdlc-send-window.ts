/**
 * The sending half of HDLC sequence numbering (spec §4.8–§4.10): V(S), the I-frames sent and not
 * yet acknowledged, and go-back-N retransmission from the peer's N(R).
 *
 * @module
 */

/** One information field waiting to go out or to be acknowledged. */
export interface HdlcPiece {
  /** N(S) it was (or will be) sent with. */
  sendSequence: number;
  /** The information field. */
  information: Uint8Array;
  /** The S bit: more segments of the same APDU follow (spec §4.9). */
  segmented: boolean;
}

/** The pieces of one transmission turn, and how many of them are retransmissions. */
export interface HdlcBatch {
  /** Pieces to send in this order; the last one carries P/F = 1. */
  pieces: HdlcPiece[];
  /** How many of them were sent before (go-back-N retransmissions). */
  resent: number;
}

/**
 * V(S), the unacknowledged I-frames and the queue of segments not sent yet. Sequence numbers
 * are modulo 8 (spec §4.4).
 */
export class HdlcSendWindow {
  #vs = 0;
  /** Oldest N(S) not acknowledged yet (V(A)); equals V(S) when everything is acknowledged. */
  #va = 0;
  #unacked: HdlcPiece[] = [];
  #queue: Array<Omit<HdlcPiece, 'sendSequence'>> = [];
  #queueAt = 0;

  /** Number of the next new I-frame, V(S). */
  get sendSequence(): number {
    return this.#vs;
  }

  /** I-frames sent and not acknowledged yet. */
  get unacknowledged(): number {
    return this.#unacked.length;
  }

  /** Segments queued and never sent. */
  get queued(): number {
    return this.#queue.length - this.#queueAt;
  }

  /** Back to V(S) = 0 with nothing queued (SNRM/UA, spec §4.8). */
  reset(): void {
    this.#vs = 0;
    this.#va = 0;
    this.#unacked = [];
    this.#queue = [];
    this.#queueAt = 0;
  }

  /** Drops the queued segments that were never sent (the unacknowledged ones stay). */
  dropQueued(): void {
    this.#queue = [];
    this.#queueAt = 0;
  }

  /** Queues the segments of one APDU (from {@link segmentApdu}). */
  load(pieces: readonly Uint8Array[]): void {
    if (this.#queueAt === this.#queue.length) {
      this.#queue = [];
      this.#queueAt = 0;
    }
    const last = pieces.length - 1;
    pieces.forEach((information, i) => {
      this.#queue.push({ information, segmented: i < last });
    });
  }

  /**
   * Sends one unsegmented information field at once, past the queue: for an APDU that fits one
   * frame while nothing is queued or unacknowledged (any window holds it). Returns its N(S).
   */
  sendAlone(information: Uint8Array): number {
    const sendSequence = this.#vs;
    this.#vs = (sendSequence + 1) & 7;
    this.#unacked.push({ sendSequence, information, segmented: false });
    return sendSequence;
  }

  /**
   * Whether `nr` can be an acknowledgement: between V(A) and V(S) modulo 8 (spec §4.8). A frame
   * with any other N(R) is stale (an old copy) or from a confused peer.
   */
  isValidReceiveSequence(nr: number): boolean {
    return ((nr - this.#va) & 7) <= ((this.#vs - this.#va) & 7);
  }

  /**
   * Applies an N(R) checked by {@link isValidReceiveSequence}: every I-frame up to N(R) − 1 is
   * acknowledged. Returns `true` when that acknowledged something new.
   */
  acknowledge(nr: number): boolean {
    const count = (nr - this.#va) & 7;
    if (count === 0) return false;
    // The common case, everything acknowledged, without the array `splice` returns.
    if (count === this.#unacked.length) this.#unacked.length = 0;
    else this.#unacked.splice(0, count);
    this.#va = nr;
    return true;
  }

  /**
   * The next turn: every unacknowledged piece again (go-back-N: the peer discarded everything
   * after the one it lost, spec §4.8), then new pieces while fewer than `window` are
   * outstanding (spec §4.9).
   */
  batch(window: number): HdlcBatch {
    const pieces = [...this.#unacked];
    const resent = pieces.length;
    while (this.#unacked.length < window && this.#queueAt < this.#queue.length) {
      const piece: HdlcPiece = { sendSequence: this.#vs, ...this.#queue[this.#queueAt++]! };
      this.#vs = (this.#vs + 1) & 7;
      this.#unacked.push(piece);
      pieces.push(piece);
    }
    return { pieces, resent };
  }
}
