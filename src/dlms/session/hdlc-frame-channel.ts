/**
 * Frame I/O of an HDLC session over a `Link`: bytes in through an `HdlcFrameDecoder`, frames out
 * through `encodeHdlcFrame`, listeners attached and removed as a unit.
 *
 * @module
 */

import type { Link } from '../../core/link.js';
import { type QuietWrite, quietWriterOf } from '../../core/quiet-write.js';
import { encodeHdlcFrame } from '../hdlc/frame-codec.js';
import { HdlcFrameDecoder } from '../hdlc/frame-decoder.js';
import type { HdlcFrame } from '../hdlc/types.js';

/** Which way a frame went, for the diagnostics hook of the sessions. */
export type HdlcFrameDirection = 'sent' | 'received';

/** Callbacks of an {@link HdlcFrameChannel}. */
export interface HdlcFrameChannelHandlers {
  /** A frame with good check sequences arrived. */
  frame: (frame: HdlcFrame) => void;
  /** The link closed. */
  close: (error?: Error) => void;
  /** Diagnostics: every frame sent or received. */
  trace?: ((frame: HdlcFrame, direction: HdlcFrameDirection) => void) | undefined;
}

/** Counters of an {@link HdlcFrameChannel}. */
export interface HdlcChannelCounters {
  /** Frames written. */
  framesSent: number;
  /** Frames received with good check sequences. */
  framesReceived: number;
  /** Frames the decoder rejected (bad FCS/HCS, format, address, control; truncated). */
  badFrames: number;
}

/**
 * Owns the decoder of one session and its two link listeners (`data`, `close`). After
 * {@link detach} nothing reaches the session any more, even frames decoded from a chunk that
 * was being processed.
 */
export class HdlcFrameChannel {
  readonly #link: Link;
  readonly #handlers: HdlcFrameChannelHandlers;
  readonly #decoder = new HdlcFrameDecoder();
  /** The link's promise-free write, when it offers one (meterlink's TCP links do). */
  readonly #quietWrite: QuietWrite | undefined;
  #attached = false;
  #sent = 0;
  #received = 0;
  readonly #onData = (bytes: Uint8Array): void => {
    for (const frame of this.#decoder.push(bytes)) {
      if (!this.#attached) return;
      this.#received++;
      this.#handlers.trace?.(frame, 'received');
      this.#handlers.frame(frame);
    }
  };
  readonly #onClose = (error?: Error): void => {
    if (this.#attached) this.#handlers.close(error);
  };

  /** Binds to `link`; nothing is listened to before {@link attach}. */
  constructor(link: Link, handlers: HdlcFrameChannelHandlers) {
    this.#link = link;
    this.#handlers = handlers;
    this.#quietWrite = quietWriterOf(link);
  }

  /** The link. */
  get link(): Link {
    return this.#link;
  }

  /** `true` between {@link attach} and {@link detach}. */
  get attached(): boolean {
    return this.#attached;
  }

  /** Counters since the channel was created. */
  get counters(): HdlcChannelCounters {
    return { framesSent: this.#sent, framesReceived: this.#received, badFrames: this.#decoder.badFrames };
  }

  /** Starts listening to the link (idempotent). */
  attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    this.#link.on('data', this.#onData);
    this.#link.on('close', this.#onClose);
  }

  /** Stops listening and drops a partial frame (idempotent). */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#link.off('data', this.#onData);
    this.#link.off('close', this.#onClose);
    this.#decoder.end();
  }

  /** Drops a partly received frame, before a retry (spec §4.10). */
  resetDecoder(): void {
    this.#decoder.reset();
  }

  /**
   * Encodes and writes one frame.
   * @throws `EncodeError` for a frame that cannot be encoded, `LinkClosedError` from the link
   */
  write(frame: HdlcFrame): Promise<void> {
    const bytes = encodeHdlcFrame(frame);
    this.#sent++;
    this.#handlers.trace?.(frame, 'sent');
    return this.#link.write(bytes);
  }

  /**
   * Encodes and writes one frame without a promise where the link allows it (`quiet-write.ts`):
   * returns `undefined` once the bytes are with the transport (a failure there closes the link,
   * whose `close` event reports it), or else the promise of the link's `write`. HDLC frames are
   * never coalesced: each is its own write, as the sessions' peers expect.
   * @throws `EncodeError` for a frame that cannot be encoded, `LinkClosedError` when the link is
   *   not open (quiet write)
   */
  send(frame: HdlcFrame): Promise<void> | undefined {
    const quietWrite = this.#quietWrite;
    if (quietWrite === undefined) return this.write(frame);
    const bytes = encodeHdlcFrame(frame);
    this.#sent++;
    this.#handlers.trace?.(frame, 'sent');
    quietWrite(bytes, false);
    return undefined;
  }
}
