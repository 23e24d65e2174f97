// Shared helpers of the framing tests.
import { expect } from 'vitest';
import type { DecodeError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import type { FrameDecoder, ModbusFrame } from '../../../src/modbus/framing/index.js';

/** A frame as plain data, PDU in hex, for `toEqual`. */
export interface PlainFrame {
  unitId: number;
  pdu: string;
  transactionId?: number;
  reply?: true;
}

export function plain(frame: ModbusFrame): PlainFrame {
  const out: PlainFrame = { unitId: frame.unitId, pdu: toHex(frame.pdu) };
  if (frame.transactionId !== undefined) out.transactionId = frame.transactionId;
  if (frame.reply) out.reply = true;
  return out;
}

/** Pushes every chunk (optionally with arrival times) and returns the frames as plain data. */
export function feed(decoder: FrameDecoder, chunks: Iterable<Uint8Array>, nowMs?: number): PlainFrame[] {
  const frames: PlainFrame[] = [];
  for (const chunk of chunks) for (const f of decoder.push(chunk, nowMs)) frames.push(plain(f));
  return frames;
}

/** Records what a decoder discards. */
export class DiscardLog {
  readonly errors: DecodeError[] = [];
  readonly runs: string[] = [];
  readonly listener = (error: DecodeError, bytes: Uint8Array): void => {
    this.errors.push(error);
    this.runs.push(toHex(bytes));
  };
}

/** Asserts that `fn` throws a DecodeError of `layer` at `offset`, and returns it. */
export function expectDecodeError(fn: () => unknown, layer: string, offset?: number): DecodeError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeDefined();
  const error = caught as DecodeError;
  expect(error.code).toBe('ERR_DECODE');
  expect(error.layer).toBe(layer);
  if (offset !== undefined) expect(error.offset).toBe(offset);
  return error;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, inside the array). */
export function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.filter((p) => p > 0 && p < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}
