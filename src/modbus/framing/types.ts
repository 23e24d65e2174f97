/**
 * What every Modbus framing produces and consumes: an ADU reduced to its addressing and PDU.
 *
 * @module
 */

import type { DecodeError } from '../../core/errors.js';

/** The framings meterlink speaks. `rtu` over a TCP link is "RTU over TCP" (Modbus spec §10). */
export type ModbusFraming = 'tcp' | 'rtu' | 'ascii';

/** One application data unit, framing-neutral. */
export interface ModbusFrame {
  /** RTU/ASCII address or MBAP unit id (0 = broadcast on serial lines). */
  unitId: number;
  /** The PDU: function code and data. */
  pdu: Uint8Array;
  /** MBAP transaction id (TCP framing only). */
  transactionId?: number;
  /**
   * Set by an RTU *request* decoder when the frame was framed as the response that follows a
   * request on a shared bus (spec §7.4): another server's answer, or a local echo. Servers must
   * not treat such frames as requests.
   */
  reply?: true;
}

/**
 * The kind of frames a decoder decodes: `'request'` for a server (it decodes the client's
 * requests), `'response'` for a client (it decodes the server's responses). RTU framing needs it
 * to pick the length table of Modbus spec §7.4; TCP and ASCII framing ignore it.
 */
export type FrameDirection = 'request' | 'response';

/** Called by incremental decoders for every run of bytes they had to discard, with the reason. */
export type DiscardListener = (error: DecodeError, discarded: Uint8Array) => void;

/** Common interface of the incremental frame decoders (RTU, ASCII, TCP). */
export interface FrameDecoder {
  /**
   * Feeds received bytes; returns every complete frame found so far (possibly none).
   * @param nowMs arrival time (monotonic ms) when the link reports timing; enables idle-gap rules
   */
  push(chunk: Uint8Array, nowMs?: number): ModbusFrame[];
  /** Number of bytes buffered in an incomplete frame. */
  readonly pending: number;
  /** Drops any partial frame (after a timeout, before a retry); reports it as discarded. */
  reset(): void;
  /**
   * Declares the end of the stream.
   * @throws {@link DecodeError} when a partial frame is still buffered (it is dropped too)
   */
  end(): void;
}
