/**
 * Classification of the FC12 Get Comm Event Log event bytes (Modbus spec §4.8).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';

/**
 * One FC12 event byte, classified. `byte` always holds the raw value. Bytes that fit no definition
 * (the standard's own example logs 0x20 for "entered listen only mode") are `unclassified`.
 */
export type CommEvent =
  /** Bit 7 set: stored when a request was received, before processing. */
  | {
      /** Discriminant: a receive event (bit 7 set). */
      type: 'receive';
      /** The raw event byte, 0x80–0xFF. */
      byte: number;
      /** Bit 1. */
      communicationError: boolean;
      /** Bit 4. */
      characterOverrun: boolean;
      /** Bit 5: the server was in listen-only mode. */
      listenOnlyMode: boolean;
      /** Bit 6. */
      broadcastReceived: boolean;
    }
  /** Bit 7 clear, bit 6 set: stored when processing of a request finished. */
  | {
      /** Discriminant: a send event (bit 7 clear, bit 6 set). */
      type: 'send';
      /** The raw event byte, 0x40–0x7F. */
      byte: number;
      /** Bit 0: exception 1–3 sent. */
      readExceptionSent: boolean;
      /** Bit 1: exception 4 sent. */
      serverAbortExceptionSent: boolean;
      /** Bit 2: exception 5 or 6 sent. */
      busyExceptionSent: boolean;
      /** Bit 3: exception 7 sent. */
      programNakExceptionSent: boolean;
      /** Bit 4. */
      writeTimeout: boolean;
      /** Bit 5: the server was in listen-only mode. */
      listenOnlyMode: boolean;
    }
  /** 0x04: the server entered listen-only mode (FC8 sub-function 4). */
  | {
      /** Discriminant: the listen-only event. */
      type: 'entered-listen-only';
      /** The raw event byte, always 0x04. */
      byte: number;
    }
  /** 0x00: communication restart (FC8 sub-function 1). */
  | {
      /** Discriminant: the restart event. */
      type: 'communication-restart';
      /** The raw event byte, always 0x00. */
      byte: number;
    }
  /** Anything else (0x01–0x03, 0x05–0x3F): a byte the standard defines no meaning for. */
  | {
      /** Discriminant: a byte no definition fits. */
      type: 'unclassified';
      /** The raw event byte, reported as received. */
      byte: number;
    };

/**
 * Classifies an FC12 event byte (spec §4.8). Never fails on a byte value: undefined combinations
 * come back as `unclassified`.
 *
 * @throws {@link InvalidArgumentError} when `byte` is not an integer 0–255
 * @example
 * ```ts
 * describeCommEvent(0xc0); // { type: 'receive', byte: 0xc0, broadcastReceived: true, … }
 * describeCommEvent(0x20); // { type: 'unclassified', byte: 0x20 }
 * ```
 */
export function describeCommEvent(byte: number): CommEvent {
  if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) {
    throw new InvalidArgumentError(`event ${byte} is not a byte`);
  }
  if (byte & 0x80) {
    return {
      type: 'receive',
      byte,
      communicationError: (byte & 0x02) !== 0,
      characterOverrun: (byte & 0x10) !== 0,
      listenOnlyMode: (byte & 0x20) !== 0,
      broadcastReceived: (byte & 0x40) !== 0,
    };
  }
  if (byte & 0x40) {
    return {
      type: 'send',
      byte,
      readExceptionSent: (byte & 0x01) !== 0,
      serverAbortExceptionSent: (byte & 0x02) !== 0,
      busyExceptionSent: (byte & 0x04) !== 0,
      programNakExceptionSent: (byte & 0x08) !== 0,
      writeTimeout: (byte & 0x10) !== 0,
      listenOnlyMode: (byte & 0x20) !== 0,
    };
  }
  if (byte === 0x04) return { type: 'entered-listen-only', byte };
  if (byte === 0x00) return { type: 'communication-restart', byte };
  return { type: 'unclassified', byte };
}
