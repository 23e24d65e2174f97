/**
 * Modbus framings: RTU (with RTU over TCP), ASCII and Modbus/TCP, as pure codecs and incremental
 * decoders working on raw PDU bytes.
 *
 * @module
 */

export { type AsciiFrameOptions, decodeAsciiFrame, encodeAsciiFrame } from './ascii-codec.js';
export { AsciiFrameDecoder, type AsciiFrameDecoderOptions } from './ascii-decoder.js';
export {
  createFrameDecoder,
  type EncodeFrameOptions,
  encodeFrame,
  type FrameDecoderOptions,
} from './dispatch.js';
export { decodeRtuFrame, encodeRtuFrame } from './rtu-codec.js';
export {
  type RtuExpectation,
  RtuFrameDecoder,
  type RtuFrameDecoderOptions,
  type RtuLengthRule,
} from './rtu-decoder.js';
export { predictRtuLength } from './rtu-length.js';
export { type RtuTimings, rtuTimings } from './rtu-timings.js';
export { decodeTcpFrame, encodeTcpFrame } from './tcp-codec.js';
export { TcpFrameDecoder, type TcpFrameDecoderOptions } from './tcp-decoder.js';
export type { DiscardListener, FrameDecoder, FrameDirection, ModbusFrame, ModbusFraming } from './types.js';
