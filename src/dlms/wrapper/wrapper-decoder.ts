/**
 * Incremental wrapper framing over a TCP stream (spec §5).
 *
 * @module
 */

import { DecodeError } from '../../core/errors.js';
import {
  checkWrapperHeader,
  maxApduOption,
  type WrapperDecodeOptions,
  type WrapperFrame,
  wrapperHeaderLength,
} from './wrapper-codec.js';

/**
 * Incremental wrapper decoder: `push` the bytes read from a TCP connection, get back every
 * complete APDU, whether they arrived split or coalesced (spec §5: read 8 octets, then exactly
 * `length` octets).
 *
 * - The header is checked before any byte of the APDU is buffered: a version other than 1 or a
 *   length above `maxApduBytes` is a {@link DecodeError}, since a TCP stream has no way to find
 *   the next header (the owner must close the connection). Frames completed earlier in the same
 *   `push` are returned first; the decoder is then failed, and the next `push` or `end` throws
 *   the error, until `reset()`. A failure with no frame before it is thrown at once and leaves
 *   the decoder failed in the same way.
 * - An APDU is buffered in an array of exactly its length, allocated once its header is
 *   checked, and handed out as the payload; an APDU that arrives whole in one chunk is copied
 *   out of it. Payloads stay valid whatever is pushed later; no reference to a pushed chunk is
 *   kept.
 *
 * @example
 * ```ts
 * const decoder = new WrapperFrameDecoder({ maxApduBytes: 4096 });
 * socket.on('data', (chunk) => {
 *   try {
 *     for (const frame of decoder.push(chunk)) handle(frame.payload);
 *   } catch (error) {
 *     socket.destroy(error as Error);
 *   }
 * });
 * ```
 */
export class WrapperFrameDecoder {
  private readonly maxApduBytes: number;
  /** The header being received when it is split across chunks. */
  private readonly header = new Uint8Array(wrapperHeaderLength);
  private headerLength = 0;
  /** The APDU being received (after its header), or `undefined`. */
  private body: Uint8Array | undefined;
  private bodyLength = 0;
  private source = 0;
  private destination = 0;
  private failure: DecodeError | undefined;

  /**
   * @throws {@link InvalidArgumentError} when `maxApduBytes` is not an integer 0–65535
   */
  constructor(options?: WrapperDecodeOptions) {
    this.maxApduBytes = maxApduOption(options);
  }

  /** Number of bytes buffered in an incomplete frame. */
  get pending(): number {
    return this.body === undefined ? this.headerLength : wrapperHeaderLength + this.bodyLength;
  }

  /**
   * Feeds received bytes and returns the complete frames found (possibly none).
   *
   * @throws {@link DecodeError} (layer `wrapper`, offset in the header: 0 version, 6 length) on a
   *   wrong version or a length above `maxApduBytes` when no frame was completed before it in this
   *   call (otherwise on the next call); the failure a previous `push` left behind
   */
  push(chunk: Uint8Array): WrapperFrame[] {
    if (this.failure !== undefined) throw this.failure;
    const frames: WrapperFrame[] = [];
    const n = chunk.length;
    const max = this.maxApduBytes;
    let i = 0;
    while (i < n) {
      const body = this.body;
      if (body !== undefined) {
        const take = Math.min(body.length - this.bodyLength, n - i);
        body.set(chunk.subarray(i, i + take), this.bodyLength);
        this.bodyLength += take;
        i += take;
        if (this.bodyLength === body.length) {
          frames.push({ source: this.source, destination: this.destination, payload: body });
          this.body = undefined;
        }
        continue;
      }
      if (this.headerLength === 0 && n - i >= wrapperHeaderLength) {
        // The header is in the chunk: no copy of it.
        const error = checkWrapperHeader(chunk, i, max);
        if (error !== undefined) return this.fail(error, frames);
        const length = (chunk[i + 6]! << 8) | chunk[i + 7]!;
        const source = (chunk[i + 2]! << 8) | chunk[i + 3]!;
        const destination = (chunk[i + 4]! << 8) | chunk[i + 5]!;
        const start = i + wrapperHeaderLength;
        if (n - start >= length) {
          frames.push({ source, destination, payload: chunk.slice(start, start + length) });
          i = start + length;
        } else {
          this.startBody(source, destination, length);
          i = start;
        }
        continue;
      }
      const take = Math.min(wrapperHeaderLength - this.headerLength, n - i);
      this.header.set(chunk.subarray(i, i + take), this.headerLength);
      this.headerLength += take;
      i += take;
      if (this.headerLength < wrapperHeaderLength) break;
      const h = this.header;
      this.headerLength = 0;
      const error = checkWrapperHeader(h, 0, max);
      if (error !== undefined) return this.fail(error, frames);
      const length = (h[6]! << 8) | h[7]!;
      const source = (h[2]! << 8) | h[3]!;
      const destination = (h[4]! << 8) | h[5]!;
      if (length === 0) frames.push({ source, destination, payload: new Uint8Array(0) });
      else this.startBody(source, destination, length);
    }
    return frames;
  }

  /** Drops an incomplete frame and clears a failure left by `push` (to reuse the decoder on a new connection). */
  reset(): void {
    this.failure = undefined;
    this.headerLength = 0;
    this.body = undefined;
  }

  /**
   * Declares the end of the stream; the decoder is then empty.
   *
   * @throws {@link DecodeError} when an incomplete frame is still buffered (it is dropped too),
   *   or the failure a previous `push` left behind
   */
  end(): void {
    const failure = this.failure;
    const pending = this.pending;
    const inHeader = this.body === undefined;
    const header = this.header.slice(0, this.headerLength);
    this.reset();
    if (failure !== undefined) throw failure;
    if (pending === 0) return;
    throw new DecodeError(`stream ended inside a frame (${pending} octet(s) buffered)`, {
      layer: 'wrapper',
      offset: pending,
      expected: inHeader ? 'the rest of the wrapper header' : 'the rest of the APDU',
      ...(inHeader ? { bytes: header } : {}),
    });
  }

  private startBody(source: number, destination: number, length: number): void {
    this.source = source;
    this.destination = destination;
    this.body = new Uint8Array(length);
    this.bodyLength = 0;
  }

  /** Spec §5: no resynchronisation on a TCP stream; the decoder stays failed until reset(). */
  private fail(error: DecodeError, frames: WrapperFrame[]): WrapperFrame[] {
    this.headerLength = 0;
    this.body = undefined;
    this.failure = error;
    if (frames.length === 0) throw error;
    return frames;
  }
}
