/**
 * Incremental ASCII framing (Modbus spec §8.3).
 *
 * @module
 */

import { DecodeError } from '../../core/errors.js';
import {
  type AsciiFrameOptions,
  asciiCr,
  asciiEndChar,
  asciiStart,
  decodeAsciiFrame,
  maxAsciiFrameChars,
  minAsciiFrameChars,
} from './ascii-codec.js';
import { durationOption, integerOption } from './frame-checks.js';
import type { DiscardListener, FrameDecoder, ModbusFrame } from './types.js';

/** Options of {@link AsciiFrameDecoder}. */
export interface AsciiFrameDecoderOptions extends AsciiFrameOptions {
  /**
   * A partial frame is dropped when `push` is called with a `nowMs` more than this many
   * milliseconds after the previous chunk. Default 1000 (spec §8.3, §13; 4–5 s on some WAN links).
   */
  interCharTimeoutMs?: number;
  /** Told about every discarded frame or run of characters outside a frame. Default: none. */
  onDiscard?: DiscardListener;
  /** Longest frame accepted, in characters, 9–513. Default 513 (spec §8.2). */
  maxFrameChars?: number;
}

/**
 * Incremental ASCII frame decoder: `push` the received characters (as bytes), get back every
 * frame with a valid LRC.
 *
 * - ':' always starts a new frame; a frame in progress is then discarded (spec §8.3).
 * - A frame ends with CR and the end character; it is then checked (hex digits, both cases; an
 *   even number of them, at least 6; LRC). A bad frame is discarded and reported to `onDiscard`
 *   with a {@link DecodeError} whose offset counts characters from its ':'.
 * - Characters outside a frame are reported as one discarded run per `push`.
 * - One buffer of `maxFrameChars` bytes is allocated up front and never grown; longer frames are
 *   discarded. Returned PDUs are new arrays.
 *
 * @example
 * ```ts
 * const decoder = new AsciiFrameDecoder({ onDiscard: (e) => log(e.message) });
 * for (const frame of decoder.push(new TextEncoder().encode(':F7031389000A60\r\n'))) handle(frame);
 * ```
 */
export class AsciiFrameDecoder implements FrameDecoder {
  private readonly endChar: number;
  private readonly timeoutMs: number;
  private readonly onDiscard: DiscardListener | undefined;
  private readonly buf: Uint8Array;
  /** Characters in `buf`: the frame so far (from its ':') or, outside a frame, the junk run. */
  private len = 0;
  private inFrame = false;
  private lastMs: number | undefined;

  /**
   * @throws {@link InvalidArgumentError} when an option is out of range
   */
  constructor(options: AsciiFrameDecoderOptions = {}) {
    this.endChar = asciiEndChar(options);
    this.timeoutMs = durationOption('interCharTimeoutMs', options.interCharTimeoutMs, 1000);
    this.onDiscard = options.onDiscard;
    const max = integerOption(
      'maxFrameChars',
      options.maxFrameChars,
      maxAsciiFrameChars,
      minAsciiFrameChars,
      maxAsciiFrameChars,
    );
    this.buf = new Uint8Array(max);
  }

  /** Number of characters buffered in an incomplete frame. */
  get pending(): number {
    return this.inFrame ? this.len : 0;
  }

  /**
   * Feeds received characters and returns the complete frames found (possibly none).
   *
   * @param nowMs arrival time (monotonic ms); when more than `interCharTimeoutMs` passed since the
   *   previous chunk, the partial frame still buffered is dropped (reported) first
   * @throws only what `onDiscard` throws; malformed frames are discarded
   */
  push(chunk: Uint8Array, nowMs?: number): ModbusFrame[] {
    if (nowMs !== undefined) {
      const last = this.lastMs;
      if (last !== undefined && this.inFrame && nowMs - last > this.timeoutMs) {
        this.discardFrame(
          `partial frame dropped after ${nowMs - last} ms without characters (limit ${this.timeoutMs} ms)`,
          'the rest of the frame',
        );
      }
      this.lastMs = nowMs;
    }
    const frames: ModbusFrame[] = [];
    const buf = this.buf;
    const cap = buf.length;
    const cr = asciiCr;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === asciiStart) {
        // ':' always starts a new frame (spec §8.3).
        if (this.inFrame) this.discardFrame('frame restarted by a colon', 'CR and the end character');
        else this.flushJunk();
        buf[0] = c;
        this.len = 1;
        this.inFrame = true;
        continue;
      }
      if (this.len === cap) {
        if (this.inFrame)
          this.discardFrame(`frame longer than ${cap} characters`, 'CR and the end character');
        else this.flushJunk();
      }
      const afterCr = this.inFrame && buf[this.len - 1] === cr;
      buf[this.len++] = c;
      if (afterCr) this.completeFrame(frames);
    }
    if (!this.inFrame) this.flushJunk();
    return frames;
  }

  /** Drops any partial frame (after a timeout, before a retry) and reports it as discarded. */
  reset(): void {
    if (this.inFrame) this.discardFrame('partial frame dropped by reset()', 'the rest of the frame');
    else this.len = 0;
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {@link DecodeError} when a partial frame is still buffered (it is dropped too)
   */
  end(): void {
    this.lastMs = undefined;
    if (!this.inFrame) {
      this.len = 0;
      return;
    }
    const bytes = this.buf.slice(0, this.len);
    this.len = 0;
    this.inFrame = false;
    throw new DecodeError(`stream ended inside a frame (${bytes.length} character(s) buffered)`, {
      layer: 'modbus-ascii',
      offset: bytes.length,
      expected: 'the rest of the frame',
      bytes,
    });
  }

  private completeFrame(frames: ModbusFrame[]): void {
    const text = this.buf.subarray(0, this.len);
    try {
      frames.push(decodeAsciiFrame(text, { endChar: this.endChar }));
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.onDiscard?.(error, text.slice());
    }
    this.len = 0;
    this.inFrame = false;
  }

  private discardFrame(message: string, expected: string): void {
    const listener = this.onDiscard;
    if (listener !== undefined) {
      const bytes = this.buf.slice(0, this.len);
      listener(new DecodeError(message, { layer: 'modbus-ascii', offset: this.len, expected, bytes }), bytes);
    }
    this.len = 0;
    this.inFrame = false;
  }

  private flushJunk(): void {
    const n = this.len;
    if (n === 0) return;
    this.len = 0;
    const listener = this.onDiscard;
    if (listener === undefined) return;
    const bytes = this.buf.slice(0, n);
    listener(
      new DecodeError(`${n} character(s) outside a frame`, {
        layer: 'modbus-ascii',
        offset: 0,
        expected: "':' (start of a frame)",
        bytes,
      }),
      bytes,
    );
  }
}
