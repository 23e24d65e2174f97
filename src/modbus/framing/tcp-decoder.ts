/**
 * Incremental Modbus/TCP (MBAP) framing (Modbus spec §9.2).
 *
 * @module
 */

import { DecodeError } from '../../core/errors.js';
import { integerOption, maxPduBytes } from './frame-checks.js';
import { StreamBuffer } from './stream-buffer.js';
import { checkMbapLength, protocolIdError } from './tcp-codec.js';
import type { DiscardListener, FrameDecoder, ModbusFrame } from './types.js';

/** Options of {@link TcpFrameDecoder}. */
export interface TcpFrameDecoderOptions {
  /** Told about every ADU discarded because its protocol id is not 0. Default: none. */
  onDiscard?: DiscardListener;
  /**
   * Longest PDU accepted, 1–65534; MBAP length fields above `maxPduBytes + 1` are fatal.
   * Default 253 (spec §9.1: length 2–254).
   */
  maxPduBytes?: number;
}

/**
 * Incremental Modbus/TCP decoder: `push` the bytes read from the connection, get back every
 * complete ADU, whether they arrived split or coalesced (spec §9.2).
 *
 * - An ADU whose protocol id is not 0 is discarded (reported to `onDiscard`) and decoding goes on.
 * - A length field outside 2–254 means the stream cannot be resynchronised: `push` throws a
 *   {@link DecodeError} (offset 4) and the owner must close the connection. ADUs completed earlier
 *   in the same `push` are returned first; that call then leaves the decoder failed, and the next
 *   `push` or `end` throws the error. `reset()` clears the failure.
 * - Returned PDUs are copies. Pushed chunks are only read, and no reference to them is kept once
 *   `push` returns (the caller may reuse them).
 *
 * @example
 * ```ts
 * const decoder = new TcpFrameDecoder();
 * socket.on('data', (chunk) => {
 *   try {
 *     for (const frame of decoder.push(chunk)) dispatch(frame.transactionId, frame);
 *   } catch (error) {
 *     socket.destroy(error as Error);
 *   }
 * });
 * ```
 */
export class TcpFrameDecoder implements FrameDecoder {
  private readonly onDiscard: DiscardListener | undefined;
  private readonly maxPduBytes: number;
  private readonly buffer = new StreamBuffer();
  private failure: DecodeError | undefined;

  /**
   * @throws {@link InvalidArgumentError} when an option is out of range
   */
  constructor(options: TcpFrameDecoderOptions = {}) {
    this.onDiscard = options.onDiscard;
    this.maxPduBytes = integerOption('maxPduBytes', options.maxPduBytes, maxPduBytes, 1, 0xfffe);
  }

  /** Number of bytes buffered in an incomplete ADU. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Feeds received bytes and returns the complete ADUs found (possibly none). TCP framing needs no
   * timing, so the `nowMs` of {@link FrameDecoder.push} is not used.
   *
   * @throws {@link DecodeError} (layer `modbus-tcp`, offset 4) when an MBAP length field is
   *   outside 2–254 and no ADU was completed before it in this call (otherwise on the next call)
   */
  push(chunk: Uint8Array): ModbusFrame[] {
    if (this.failure !== undefined) throw this.failure;
    const buffer = this.buffer;
    buffer.append(chunk);
    const frames: ModbusFrame[] = [];
    const b = buffer.bytes;
    const e = buffer.end;
    let s = buffer.start;
    while (e - s >= 6) {
      const length = (b[s + 4]! << 8) | b[s + 5]!;
      const error = checkMbapLength(b, s, length, this.maxPduBytes);
      if (error !== undefined) {
        // Spec §9.2 step 1: no way to find the next ADU boundary.
        buffer.clear();
        if (frames.length === 0) throw error;
        this.failure = error;
        return frames;
      }
      const size = 6 + length;
      if (e - s < size) break;
      const protocol = (b[s + 2]! << 8) | b[s + 3]!;
      if (protocol === 0) {
        frames.push({
          transactionId: (b[s]! << 8) | b[s + 1]!,
          unitId: b[s + 6]!,
          pdu: b.slice(s + 7, s + size),
        });
      } else {
        // Spec §9.2 step 3: not Modbus; skip exactly this ADU (a server sends no response).
        this.onDiscard?.(protocolIdError(b.subarray(s, s + size), 0, protocol), b.slice(s, s + size));
      }
      s += size;
    }
    buffer.consume(s - buffer.start);
    buffer.detach();
    return frames;
  }

  /** Drops any partial ADU (reported as discarded) and clears a failure left by `push`. */
  reset(): void {
    this.failure = undefined;
    const n = this.buffer.length;
    if (n === 0) return;
    const listener = this.onDiscard;
    if (listener !== undefined) {
      const bytes = this.buffer.copy();
      listener(
        new DecodeError('partial ADU dropped by reset()', {
          layer: 'modbus-tcp',
          offset: n,
          expected: 'the rest of the ADU',
          bytes,
        }),
        bytes,
      );
    }
    this.buffer.clear();
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {@link DecodeError} when a partial ADU is still buffered (it is dropped too), or the
   *   failure a previous `push` left behind
   */
  end(): void {
    const failure = this.failure;
    if (failure !== undefined) {
      this.failure = undefined;
      throw failure;
    }
    const n = this.buffer.length;
    if (n === 0) return;
    const bytes = this.buffer.copy();
    this.buffer.clear();
    throw new DecodeError(`stream ended inside an ADU (${n} byte(s) buffered)`, {
      layer: 'modbus-tcp',
      offset: n,
      expected: 'the rest of the ADU',
      bytes,
    });
  }
}
