/**
 * Framing-agnostic entry points, so clients and servers can pick the framing at run time.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { type AsciiFrameOptions, encodeAsciiFrame } from './ascii-codec.js';
import { AsciiFrameDecoder, type AsciiFrameDecoderOptions } from './ascii-decoder.js';
import { encodeRtuFrame } from './rtu-codec.js';
import { RtuFrameDecoder, type RtuFrameDecoderOptions } from './rtu-decoder.js';
import { encodeTcpFrame } from './tcp-codec.js';
import { TcpFrameDecoder, type TcpFrameDecoderOptions } from './tcp-decoder.js';
import type { FrameDecoder, FrameDirection, ModbusFrame, ModbusFraming } from './types.js';

/**
 * Options of {@link createFrameDecoder}: the union of every decoder's options; each decoder reads
 * the ones that concern it (`onDiscard` is common to all).
 */
export type FrameDecoderOptions = Omit<RtuFrameDecoderOptions, 'direction'> &
  AsciiFrameDecoderOptions &
  TcpFrameDecoderOptions;

/** Options of {@link encodeFrame} (only ASCII framing has any). */
export type EncodeFrameOptions = AsciiFrameOptions;

/**
 * Creates the incremental decoder of a framing.
 *
 * @param direction whose frames are decoded: `'request'` in a server, `'response'` in a client
 *   (only RTU framing uses it, to pick the §7.4 length table)
 * @throws {@link InvalidArgumentError} on an unknown framing or direction, or an option out of range
 * @example
 * ```ts
 * const decoder = createFrameDecoder('rtu', 'response', { onDiscard: (e) => log(e.message) });
 * ```
 */
export function createFrameDecoder(
  framing: 'rtu',
  direction: FrameDirection,
  options?: FrameDecoderOptions,
): RtuFrameDecoder;
export function createFrameDecoder(
  framing: 'ascii',
  direction: FrameDirection,
  options?: FrameDecoderOptions,
): AsciiFrameDecoder;
export function createFrameDecoder(
  framing: 'tcp',
  direction: FrameDirection,
  options?: FrameDecoderOptions,
): TcpFrameDecoder;
export function createFrameDecoder(
  framing: ModbusFraming,
  direction: FrameDirection,
  options?: FrameDecoderOptions,
): FrameDecoder;
export function createFrameDecoder(
  framing: ModbusFraming,
  direction: FrameDirection,
  options: FrameDecoderOptions = {},
): FrameDecoder {
  if (direction !== 'request' && direction !== 'response') {
    throw new InvalidArgumentError(`direction must be 'request' or 'response', got ${String(direction)}`);
  }
  switch (framing) {
    case 'rtu':
      return new RtuFrameDecoder({ ...options, direction });
    case 'ascii':
      return new AsciiFrameDecoder(options);
    case 'tcp':
      return new TcpFrameDecoder(options);
    default:
      throw new InvalidArgumentError(`unknown Modbus framing '${String(framing)}'`);
  }
}

/**
 * Encodes a frame in the given framing (`transactionId` is required for TCP).
 *
 * @throws {@link EncodeError} when a field is out of range for the framing
 * @throws {@link InvalidArgumentError} on an unknown framing or a bad `endChar`
 * @example
 * ```ts
 * const bytes = encodeFrame('tcp', { transactionId: 7, unitId: 0xff, pdu });
 * ```
 */
export function encodeFrame(
  framing: ModbusFraming,
  frame: ModbusFrame,
  options?: EncodeFrameOptions,
): Uint8Array {
  switch (framing) {
    case 'rtu':
      return encodeRtuFrame(frame);
    case 'ascii':
      return encodeAsciiFrame(frame, options);
    case 'tcp':
      return encodeTcpFrame(frame);
    default:
      throw new InvalidArgumentError(`unknown Modbus framing '${String(framing)}'`);
  }
}
