/**
 * Chunking of an `hdlc` port: one message per HDLC frame, flag to flag (IEC 62056-46 §4.1).
 *
 * @module
 */

import { StreamBuffer } from '../../modbus/framing/stream-buffer.js';
import type { Chunker } from './chunker.js';

const flag = 0x7e;

/**
 * A {@link Chunker} that cuts after the closing flag of each HDLC frame. It does not check
 * frames: bytes pass through unchanged, bad frames included, only the cut points are chosen
 * (the head-end's HDLC decoder judges the frames).
 *
 * - A frame's end comes from the length in its frame format field (type 0xA, IEC 62056-46 §4.1.3:
 *   the octets between the flags), so a 0x7E inside the information field (there is no octet
 *   stuffing) does not cut it; when the octet at that length is not a flag, or the format type is
 *   not 0xA, the chunk ends at the next flag instead.
 * - Frames sharing a flag (`7E … 7E … 7E`) are cut after the shared flag; the next chunk starts
 *   with the second frame's format field.
 * - Bytes before a flag (line noise) form a chunk of their own.
 * - A frame still incomplete after `gapMs` of silence goes out as it is.
 */
export class HdlcChunker implements Chunker {
  readonly gapMs: number;
  readonly #buffer = new StreamBuffer();
  /** The previous chunk ended with a flag, which may also open the frame now pending. */
  #afterFlag = false;

  constructor(gapMs: number) {
    this.gapMs = gapMs;
  }

  get pending(): number {
    return this.#buffer.length;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const b = this.#buffer;
    b.append(bytes);
    const out: Uint8Array[] = [];
    for (let n = this.#nextCut(); n > 0; n = this.#nextCut()) {
      out.push(b.bytes.slice(b.start, b.start + n));
      this.#afterFlag = b.bytes[b.start + n - 1] === flag;
      b.consume(n);
    }
    b.detach();
    return out;
  }

  flush(): Uint8Array | undefined {
    const b = this.#buffer;
    if (b.length === 0) return undefined;
    const chunk = b.copy();
    this.#afterFlag = chunk[chunk.length - 1] === flag;
    b.clear();
    return chunk;
  }

  /** Length of the next complete chunk, or 0 when more bytes are needed. */
  #nextCut(): number {
    const { bytes, start, end } = this.#buffer;
    if (start === end) return 0;
    let at = start;
    if (bytes[at] !== flag && !this.#afterFlag) {
      // Noise before a frame: up to (not including) the next flag.
      const next = bytes.indexOf(flag, at);
      return next < 0 || next >= end ? 0 : next - start;
    }
    while (at < end && bytes[at] === flag) at++; // opening flag(s), idle fill
    if (end - at < 2) return 0;
    const format = bytes[at]!;
    if ((format & 0xf0) === 0xa0) {
      const close = at + (((format & 0x07) << 8) | bytes[at + 1]!);
      if (close >= end) return 0;
      if (bytes[close] === flag) return close + 1 - start;
    }
    // Not a well-formed frame: cut at the next flag (which may open the next frame).
    const next = bytes.indexOf(flag, at);
    return next < 0 || next >= end ? 0 : next + 1 - start;
  }
}
