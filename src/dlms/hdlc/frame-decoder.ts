/**
 * Incremental HDLC framing over a byte stream (spec §4.1, §4.12).
 *
 * @module
 */

import { crc16X25 } from '../../core/crc.js';
import { InvalidArgumentError } from '../../core/errors.js';
import {
  type HdlcFault,
  hdlcFlag,
  maxHdlcFrameLength,
  minHdlcFrameLength,
  parseHdlcFrame,
} from './frame-parse.js';
import type { HdlcDiscard, HdlcDiscardReason, HdlcFrame } from './types.js';

/** Size of the blocks information fields are copied into: 8 frames of the largest size. */
const informationBlockBytes = 16_384;
const noBlock = new Uint8Array(0);

/** Options of {@link HdlcFrameDecoder}. */
export interface HdlcFrameDecoderOptions {
  /**
   * Longest frame accepted, counted like the format field's length (octets between the flags),
   * 7–2047. A longer length field is discarded as `too-long` without waiting for its octets, and
   * the decoder never buffers more than this many octets. Default 2047 (spec §4.1).
   */
  maxFrameBytes?: number;
  /** Told about every run of discarded bytes (see {@link HdlcDiscard}). Default: none. */
  onDiscard?: (discard: HdlcDiscard) => void;
}

/**
 * Incremental HDLC frame decoder: `push` the bytes received (serial line, or HDLC over TCP,
 * spec §4.12), get back every complete frame whose FCS and HCS check.
 *
 * - Any chunking works. A flag may close one frame and open the next, and runs of flags are
 *   idle fill (spec §4.1). There is no octet stuffing: the end of a frame is found from its
 *   length field, and must hold a flag.
 * - Bytes before a flag are discarded (`no-flag`). A frame whose format type or length is wrong,
 *   whose length is above `maxFrameBytes`, or whose closing flag is missing is discarded from its
 *   format field up to the next flag, where decoding resynchronises (that flag may be inside the
 *   bad frame). A frame whose closing flag is in place but whose FCS, HCS, address, control or
 *   information field is wrong is discarded up to that closing flag (spec §4.5: without answer).
 *   A frame cut short by lost octets must not hold back or hide the frames after it: an
 *   incomplete frame is dropped as `truncated` as soon as a complete frame with a good FCS has
 *   arrived inside it, and a bad frame is dropped only up to such a frame inside it.
 * - Every discarded run is reported to `onDiscard` (reason, stream offset, byte count) and
 *   counted in `discardedBytes`; rejected frames are counted in `badFrames`.
 * - `push` never throws on any input (only what `onDiscard` throws). Memory is bounded: one
 *   buffer of about twice `maxFrameBytes`, allocated up front. Information fields are copies:
 *   frames stay valid whatever is pushed later, and no reference to a pushed chunk is kept. To
 *   avoid one allocation per frame, consecutive frames' fields are views into shared 16 KiB
 *   blocks that are never written again where handed out; `slice()` a field kept for long so
 *   that it does not hold its whole block in memory.
 *
 * @example
 * ```ts
 * const decoder = new HdlcFrameDecoder({ onDiscard: (d) => log(d.reason, d.bytes) });
 * port.on('data', (chunk) => {
 *   for (const frame of decoder.push(chunk)) handle(frame);
 * });
 * ```
 */
export class HdlcFrameDecoder {
  private discarded = 0;
  private rejected = 0;
  private readonly maxFrameBytes: number;
  private readonly onDiscard: ((discard: HdlcDiscard) => void) | undefined;
  /** Holds the pending bytes of a frame (from its format field) and, while they exist, the next input. */
  private readonly scratch: Uint8Array;
  private pendingLength = 0;
  /** The last byte seen was a flag: the next non-flag byte is a format field. */
  private afterFlag = false;
  /** Stream offset of the next byte pushed. */
  private streamOffset = 0;
  private readonly fault: HdlcFault = { reason: 'bad-fcs', offset: 0 };
  // The open discard run: no frame was found since it started. [runStart, runEnd) is not yet reported.
  private runOpen = false;
  private runReason: HdlcDiscardReason = 'no-flag';
  private runStart = 0;
  private runEnd = 0;
  /** The block information fields are copied into, and how much of it was handed out. */
  private block: Uint8Array = noBlock;
  private blockUsed = 0;
  /** Stream offset from which `findFrameAfter` looks for flags. */
  private probeFrom = 0;

  /**
   * @throws {@link InvalidArgumentError} when `maxFrameBytes` is not an integer 7–2047
   */
  constructor(options: HdlcFrameDecoderOptions = {}) {
    const max = options.maxFrameBytes ?? maxHdlcFrameLength;
    if (!Number.isInteger(max) || max < minHdlcFrameLength || max > maxHdlcFrameLength) {
      throw new InvalidArgumentError(
        `maxFrameBytes must be an integer ${minHdlcFrameLength}–${maxHdlcFrameLength}, got ${max}`,
      );
    }
    this.maxFrameBytes = max;
    this.onDiscard = options.onDiscard;
    this.scratch = new Uint8Array(2 * (max + 1));
  }

  /** Bytes discarded so far (all reported to `onDiscard`), over the decoder's life. */
  get discardedBytes(): number {
    return this.discarded;
  }

  /** Frames rejected so far (bad format, length, check sequence, address or control; truncated). */
  get badFrames(): number {
    return this.rejected;
  }

  /** Number of bytes buffered in an incomplete frame (at most `maxFrameBytes`). */
  get pending(): number {
    return this.pendingLength;
  }

  /**
   * Feeds received bytes and returns the complete, valid frames found (possibly none).
   *
   * @throws only what `onDiscard` throws; malformed bytes are discarded and reported
   */
  push(chunk: Uint8Array): HdlcFrame[] {
    const frames: HdlcFrame[] = [];
    const n = chunk.length;
    const scratch = this.scratch;
    let offset = 0;
    while (offset < n) {
      const pending = this.pendingLength;
      if (pending === 0) {
        // Nothing left over: scan the chunk itself, keep only an incomplete frame at its end.
        const p = this.scan(chunk, offset, n, this.streamOffset, frames);
        if (p < n) scratch.set(p === 0 ? chunk : chunk.subarray(p, n));
        this.pendingLength = n - p;
        break;
      }
      // Complete the pending frame with as much of the chunk as fits after it, then scan that.
      const take = Math.min(n - offset, scratch.length - pending);
      scratch.set(take === n ? chunk : chunk.subarray(offset, offset + take), pending);
      const e = pending + take;
      // A sentinel flag stops indexOf() at `e` instead of running on through stale octets.
      if (e < scratch.length) scratch[e] = hdlcFlag;
      const p = this.scan(scratch, 0, e, this.streamOffset + offset - pending, frames);
      if (p > 0 && p < e) scratch.copyWithin(0, p, e);
      this.pendingLength = e - p;
      offset += take;
    }
    this.streamOffset += n;
    if (this.runOpen) this.flushRun();
    return frames;
  }

  /**
   * Drops an incomplete frame (after the inter-octet timeout, spec §4.10, or before a retry) and
   * reports it as `truncated`; the next frame must start with a flag.
   *
   * @throws only what `onDiscard` throws
   */
  reset(): void {
    const pending = this.pendingLength;
    if (pending > 0) {
      this.rejected++;
      this.discard('truncated', this.streamOffset - pending, this.streamOffset);
    }
    this.pendingLength = 0;
    this.afterFlag = false;
    this.closeRun();
  }

  /**
   * Declares the end of the stream: an incomplete frame is reported to `onDiscard` as
   * `truncated` (not thrown: HDLC framing recovers from anything). The decoder can then be used
   * for a new stream, whose offsets start at 0.
   *
   * @throws only what `onDiscard` throws
   */
  end(): void {
    this.reset();
    this.streamOffset = 0;
    this.probeFrom = 0;
  }

  /**
   * Scans `b[i, e)`; `base` is the stream offset of `b[0]`. Returns the offset of the incomplete
   * frame left at the end (`e` when there is none). Nothing at or after `e` is read.
   */
  private scan(b: Uint8Array, i: number, e: number, base: number, frames: HdlcFrame[]): number {
    const max = this.maxFrameBytes;
    let afterFlag = this.afterFlag;
    while (i < e) {
      if (!afterFlag) {
        const flag = b.indexOf(hdlcFlag, i);
        if (flag < 0 || flag >= e) {
          this.discard('no-flag', base + i, base + e);
          i = e;
          break;
        }
        if (flag > i) this.discard('no-flag', base + i, base + flag);
        afterFlag = true;
        i = flag + 1;
        continue;
      }
      const format = b[i]!;
      if (format === hdlcFlag) {
        i++; // idle fill, or the flag that opens the next frame (spec §4.1)
        continue;
      }
      // Rejections up to the closing-flag check resynchronise on the next flag after `i`.
      let reason: HdlcDiscardReason | undefined;
      if ((format & 0xf0) !== 0xa0) {
        reason = 'bad-format';
      } else {
        if (i + 1 >= e) break;
        const length = ((format & 0x07) << 8) | b[i + 1]!;
        if (length < minHdlcFrameLength) {
          reason = 'bad-length';
        } else if (length > max) {
          reason = 'too-long';
        } else {
          const close = i + length;
          if (close >= e) {
            // Incomplete. A complete frame inside it means it was cut short: drop it up to that
            // frame's flag instead of holding the stream back until `length` octets arrived.
            const flag = this.findFrameAfter(b, i, e, base);
            if (flag < 0) break;
            this.rejected++;
            this.discard('truncated', base + i, base + flag);
            i = flag + 1;
            continue;
          }
          if (b[close] !== hdlcFlag) {
            reason = 'bad-length';
          } else {
            const frame = parseHdlcFrame(b, i, close, this.fault);
            if (frame === undefined) {
              this.rejected++;
              // A bad frame may be one cut short that swallowed a good frame: resume there.
              const inner = this.findFrameAfter(b, i, close + 1, base);
              const next = inner < 0 ? close : inner;
              this.discard(this.fault.reason, base + i, base + next);
              i = next + 1;
              continue;
            }
            if (this.runOpen) this.closeRun();
            if (frame.information.length > 0) frame.information = this.keep(frame.information);
            frames.push(frame);
            i = close + 1; // past the closing flag, which may open the next frame
            continue;
          }
        }
      }
      this.rejected++;
      this.discard(reason, base + i, base + i);
      afterFlag = false;
    }
    this.afterFlag = afterFlag;
    return i;
  }

  /**
   * Copies an information field out of `b` into the current block, which is never written
   * again where it was handed out (cheaper than one allocation per frame).
   */
  private keep(view: Uint8Array): Uint8Array {
    const n = view.length;
    let block = this.block;
    let at = this.blockUsed;
    if (block.length - at < n) {
      block = this.block = new Uint8Array(informationBlockBytes);
      at = 0;
    }
    block.set(view, at);
    this.blockUsed = at + n;
    return block.subarray(at, at + n);
  }

  /** Adds the stream range [from, to) to the open discard run, or opens one. */
  private discard(reason: HdlcDiscardReason, from: number, to: number): void {
    if (!this.runOpen) {
      this.runOpen = true;
      this.runReason = reason;
      this.runStart = from;
    }
    this.runEnd = to;
  }

  /** Reports the part of the open run not reported yet; the run stays open. */
  private flushRun(): void {
    if (!this.runOpen) return;
    const bytes = this.runEnd - this.runStart;
    if (bytes === 0) return;
    const streamOffset = this.runStart;
    this.runStart = this.runEnd;
    this.discarded += bytes;
    this.onDiscard?.({ reason: this.runReason, streamOffset, bytes });
  }

  private closeRun(): void {
    this.flushRun();
    this.runOpen = false;
  }

  /**
   * Returns the offset of the first flag after `b[from]` that opens a complete frame with a good
   * FCS within `b[.., e)`, or -1. Flags before the stream offset `probeFrom` are skipped: they
   * were found not to open such a frame whatever octets follow, which holds as long as it is
   * not reset, so each octet is looked at about once while a long frame arrives in small chunks.
   */
  private findFrameAfter(b: Uint8Array, from: number, e: number, base: number): number {
    const max = this.maxFrameBytes;
    let undecided = -1;
    let flag = b.indexOf(hdlcFlag, Math.max(from + 1, this.probeFrom - base));
    while (flag >= 0 && flag + 2 < e) {
      const s = flag + 1;
      const format = b[s]!;
      const length = ((format & 0x07) << 8) | b[s + 1]!;
      const close = s + length;
      if ((format & 0xf0) === 0xa0 && length >= minHdlcFrameLength && length <= max) {
        if (close >= e) {
          if (undecided < 0) undecided = flag; // cannot tell yet: look again from here next time
        } else if (
          b[close] === hdlcFlag &&
          crc16X25(b, s, close - 2) === (b[close - 2]! | (b[close - 1]! << 8))
        ) {
          return flag;
        }
      }
      flag = b.indexOf(hdlcFlag, s);
    }
    // A flag in the last two octets is not judged yet either.
    if (undecided < 0) undecided = flag >= 0 && flag < e ? flag : e;
    this.probeFrom = base + undecided;
    return -1;
  }
}
