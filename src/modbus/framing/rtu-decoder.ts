/**
 * Incremental RTU framing by length prediction and CRC (Modbus spec §7.4), for serial lines and
 * RTU over TCP (§10), where byte timing cannot be measured reliably.
 *
 * @module
 */

import { crc16Modbus } from '../../core/crc.js';
import { DecodeError, InvalidArgumentError } from '../../core/errors.js';
import { toHex } from '../../core/hex.js';
import { durationOption, integerOption } from './frame-checks.js';
import { crcMismatch } from './rtu-codec.js';
import { isPossibleFunctionCode, maxRtuFrameBytes, predictRtuLength } from './rtu-length.js';
import { defaultRtuIdleMs } from './rtu-timings.js';
import { StreamBuffer } from './stream-buffer.js';
import type { DiscardListener, FrameDecoder, FrameDirection, ModbusFrame } from './types.js';

/**
 * A user rule for function codes the §7.4 tables do not know (user-defined 65–72 and 100–110,
 * vendor codes, FC43 with an MEI type other than 14).
 *
 * @param buffered the bytes received so far, starting with the frame's address byte
 * @param direction the decoder's direction
 * @returns the total frame length (address + PDU + CRC); `undefined` when more bytes are needed
 *   to tell; `null` when the rule does not know this frame either (the CRC-scan fallback applies)
 */
export type RtuLengthRule = (buffered: Uint8Array, direction: FrameDirection) => number | undefined | null;

/** What a client announces before sending a request, so the decoder can frame the answer. */
export interface RtuExpectation {
  /** The address the request goes to. */
  unitId: number;
  /** The request's function code (1–127); its exception (code | 0x80) is expected too. */
  functionCode: number;
  /**
   * Total length (address + PDU + CRC) of the normal response when the tables cannot know it: the
   * FC8/0 echo (request PDU length + 3), user-defined functions. Default: the §7.4 table.
   */
  length?: number;
}

/** Options of {@link RtuFrameDecoder}. */
export interface RtuFrameDecoderOptions {
  /** Whose frames are decoded: `'request'` in a server, `'response'` in a client (picks the §7.4 table). */
  direction: FrameDirection;
  /** Length rule for function codes the tables do not know; without it the CRC scan is used. */
  lengthRule?: RtuLengthRule;
  /**
   * A partial frame is dropped when `push` is called with a `nowMs` more than this many
   * milliseconds after the previous chunk. Default 50 (spec §7.2: max(t3.5, 50 ms); see
   * `rtuTimings(baud).idleMs` for slow lines).
   */
  idleMs?: number;
  /** Told about every run of discarded bytes, with the reason. Default: none. */
  onDiscard?: DiscardListener;
  /** Longest frame accepted, 4–256. Default 256 (spec §1). */
  maxFrameBytes?: number;
}

const need = -1;
const drop = 0;

// Why a candidate frame was rejected (the first reason of a drop run is reported).
const badFunction = 1;
const tooLong = 2;
const badCrc = 3;
const badRule = 4;
const noCrcMatch = 5;
const superseded = 6;

/**
 * Incremental RTU frame decoder: `push` the received bytes, get back every complete frame with a
 * valid CRC (spec §7.4 stream algorithm).
 *
 * - The frame length comes from the §7.4 table of the decoder's direction, from the
 *   {@link RtuFrameDecoder.expect | expectation} a client sets, from the user's `lengthRule`, or
 *   as a last resort from the CRC scan (first length with CRC residue 0 at which the received
 *   bytes end or a valid frame follows; after `maxFrameBytes` bytes, the first match).
 * - A bad CRC, an impossible function code or a length above `maxFrameBytes` drops one byte and
 *   tries again (resynchronisation); each run of dropped bytes is reported once to `onDiscard`
 *   with a {@link DecodeError} whose offset and excerpt refer to the rejected candidate frame.
 *   While resynchronising, a candidate that still waits for bytes is dropped as soon as a
 *   complete frame with a valid CRC has been received behind it, so left-over bytes of a damaged
 *   frame cannot hold the stream back until `maxFrameBytes` or an idle gap.
 * - Frames of every address are returned; filtering is the caller's job (spec §7.5 step 3). A
 *   `'request'` decoder also returns the response that follows a request to a single address
 *   (see {@link RtuFrameDecoder.expect}): on a multi-drop bus a server sees other servers'
 *   answers, and must ignore frames that are not requests addressed to it.
 * - Returned PDUs are copies: they stay valid whatever is pushed later. Pushed chunks are only
 *   read, and no reference to them is kept once `push` returns (the caller may reuse them).
 *
 * @example
 * ```ts
 * const decoder = new RtuFrameDecoder({ direction: 'response' });
 * decoder.expect({ unitId: 17, functionCode: 3 });
 * port.on('data', (chunk) => {
 *   for (const frame of decoder.push(chunk, performance.now())) handle(frame);
 * });
 * ```
 */
export class RtuFrameDecoder implements FrameDecoder {
  /** Whose frames this decoder decodes. */
  readonly direction: FrameDirection;
  private readonly lengthRule: RtuLengthRule | undefined;
  private readonly idleMs: number;
  private readonly maxFrameBytes: number;
  private readonly onDiscard: DiscardListener | undefined;
  private readonly buffer = new StreamBuffer();
  // The expected answer: unit (-1 = none), function code, total length (0 = from the table).
  private expectedUnit = -1;
  private expectedFunction = 0;
  private expectedLength = 0;
  /** The last match() came from the expectation rather than the direction's table. */
  private matchedExpectation = false;
  private lastMs: number | undefined;
  /** Bytes were dropped and no frame has been found since. */
  private resyncing = false;
  /**
   * The last match() saw a complete candidate fail the direction's table (bad CRC), and only the
   * reply expectation still waits for bytes: a damaged request must not hold back the good ones
   * behind it on links without timing.
   */
  private tableRejected = false;
  // First rejection found by the current match() call.
  private failCode = 0;
  private failOffset = 0;
  private failLength = 0;
  private failValue = 0;
  // The rejection that started the current drop run.
  private runCode = 0;
  private runOffset = 0;
  private runLength = 0;
  private runValue = 0;

  /**
   * @throws {@link InvalidArgumentError} on an unknown direction or an option out of range
   */
  constructor(options: RtuFrameDecoderOptions) {
    if (options.direction !== 'request' && options.direction !== 'response') {
      throw new InvalidArgumentError(
        `direction must be 'request' or 'response', got ${String(options.direction)}`,
      );
    }
    this.direction = options.direction;
    this.lengthRule = options.lengthRule;
    this.idleMs = durationOption('idleMs', options.idleMs, defaultRtuIdleMs);
    this.maxFrameBytes = integerOption(
      'maxFrameBytes',
      options.maxFrameBytes,
      maxRtuFrameBytes,
      4,
      maxRtuFrameBytes,
    );
    this.onDiscard = options.onDiscard;
  }

  /** Number of bytes buffered in an incomplete frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Announces the answer to the request about to be sent; pass `undefined` to forget it.
   *
   * A frame from `unitId` carrying `functionCode` (or its exception) is then framed with the
   * response layout, and with `length` when given (the FC8/0 echo, user functions). The table of
   * the decoder's own direction is tried too, so frames of other kinds and from other addresses
   * still come out.
   *
   * - In a `'response'` decoder (a client) the expectation is tried first and stays until replaced.
   * - In a `'request'` decoder (a server) it is tried after the request table and lasts for one
   *   frame. Such a decoder sets it by itself after every request to a single address, so that a
   *   server on a multi-drop bus frames the addressed server's response correctly (spec §7.4
   *   caution); call `expect` only to announce a length the table cannot know.
   *
   * @throws {@link InvalidArgumentError} when a field is out of range
   */
  expect(hint: RtuExpectation | undefined): void {
    if (hint === undefined) {
      this.expectedUnit = -1;
      return;
    }
    const unitId = integerOption('unitId', hint.unitId, 0, 0, 255);
    const functionCode = integerOption('functionCode', hint.functionCode, 1, 1, 127);
    const length = integerOption('length', hint.length, 0, 4, this.maxFrameBytes);
    this.expectedUnit = unitId;
    this.expectedFunction = functionCode;
    this.expectedLength = length;
  }

  /**
   * Feeds received bytes and returns the complete frames found (possibly none).
   *
   * @param nowMs arrival time (monotonic ms); when more than `idleMs` passed since the previous
   *   chunk, the partial frame still buffered is dropped (reported) before `chunk` is used
   * @throws only what a user `lengthRule` or `onDiscard` throws; malformed bytes are discarded
   */
  push(chunk: Uint8Array, nowMs?: number): ModbusFrame[] {
    if (nowMs !== undefined) {
      const last = this.lastMs;
      if (last !== undefined && nowMs - last > this.idleMs && this.buffer.length > 0) {
        this.dropPending(
          `partial frame dropped after ${nowMs - last} ms of silence (idle limit ${this.idleMs} ms)`,
        );
      }
      this.lastMs = nowMs;
    }
    this.buffer.append(chunk);
    const frames: ModbusFrame[] = [];
    if (this.buffer.length >= 2) this.decodeBuffered(frames);
    this.buffer.detach();
    return frames;
  }

  /** Drops any partial frame (after a timeout, before a retry) and reports it as discarded. */
  reset(): void {
    this.dropPending('partial frame dropped by reset()');
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {@link DecodeError} when a partial frame is still buffered (it is dropped too)
   */
  end(): void {
    const n = this.buffer.length;
    this.lastMs = undefined;
    this.resyncing = false;
    if (n === 0) return;
    const bytes = this.buffer.copy();
    this.buffer.clear();
    throw new DecodeError(`stream ended inside a frame (${n} byte(s) buffered)`, {
      layer: 'modbus-rtu',
      offset: n,
      expected: 'the rest of the frame',
      bytes,
    });
  }

  private decodeBuffered(frames: ModbusFrame[]): void {
    const buffer = this.buffer;
    const b = buffer.bytes;
    const e = buffer.end;
    let s = buffer.start;
    let runStart = -1;
    // While resynchronising: offset of the first complete, valid frame seen further on.
    let ahead = -1;
    while (s < e) {
      let t = this.match(b, s, e);
      if (t === need) {
        if (!this.resyncing && !this.tableRejected) break;
        // After a bad frame, a candidate still waiting for bytes must not hold back a complete,
        // valid frame already received behind it (otherwise a left-over byte that looks like the
        // start of a long or unknown frame would block the stream until maxFrameBytes or idle).
        if (ahead <= s) ahead = this.findFrame(b, s + 1, e);
        if (ahead < 0) break;
        this.failCode = superseded;
        this.failOffset = 0;
        this.failLength = 0;
        this.failValue = ahead - s;
        t = drop;
      }
      if (t === drop) {
        if (runStart < 0) {
          runStart = s;
          this.runCode = this.failCode;
          this.runOffset = this.failOffset;
          this.runLength = this.failLength;
          this.runValue = this.failValue;
        }
        this.resyncing = true;
        s++;
        continue;
      }
      if (runStart >= 0) {
        this.reportRun(b, runStart, s, e);
        runStart = -1;
      }
      const unitId = b[s]!;
      const fc = b[s + 1]!;
      const pdu = b.slice(s + 1, s + t - 2);
      frames.push(
        this.direction === 'request' && this.matchedExpectation
          ? { unitId, pdu, reply: true }
          : { unitId, pdu },
      );
      s += t;
      this.resyncing = false;
      if (this.direction === 'request') {
        // After a request to a single server, its response may follow on a shared bus (spec §7.4).
        const request = !this.matchedExpectation && unitId !== 0;
        this.expectedUnit = request ? unitId : -1;
        this.expectedFunction = fc;
        this.expectedLength = 0;
      }
    }
    if (runStart >= 0) this.reportRun(b, runStart, s, e);
    buffer.consume(s - buffer.start);
  }

  /** Offset of the first complete frame with a valid CRC (length from the table) in `b[from, e)`, or -1. */
  private findFrame(b: Uint8Array, from: number, e: number): number {
    for (let q = from; q <= e - 4; q++) if (this.followedByFrame(b, q, e)) return q;
    return -1;
  }

  /** Length of the valid frame at `b[s]`, or `need` (wait for bytes), or `drop` (reason recorded). */
  private match(b: Uint8Array, s: number, e: number): number {
    if (e - s < 2) return need;
    this.failCode = 0;
    this.matchedExpectation = false;
    this.tableRejected = false;
    const fc = b[s + 1]!;
    const expected = b[s] === this.expectedUnit && (fc & 0x7f) === this.expectedFunction;
    const possible = isPossibleFunctionCode(fc, this.direction);
    if (!expected && !possible) return this.fail(badFunction, 1, 2, fc);
    let waiting = false;
    if (expected && this.direction === 'response') {
      const t = this.matchExpected(b, s, e, fc);
      if (t > 0) return t;
      waiting = t === need;
      // The table gives nothing new unless the announced length replaced it.
      if (this.expectedLength === 0 || fc & 0x80) return waiting ? need : drop;
    }
    if (possible) {
      const t = this.check(b, s, e, predictRtuLength(b, this.direction, s, e), this.direction);
      if (t > 0) return t;
      if (t === need) waiting = true;
      else this.tableRejected = this.direction === 'request';
    }
    if (expected && this.direction === 'request') {
      const t = this.matchExpected(b, s, e, fc);
      if (t > 0) return t;
      if (t === need) waiting = true;
    }
    return waiting ? need : drop;
  }

  /** Checks the frame at `b[s]` as the expected response (or its exception). */
  private matchExpected(b: Uint8Array, s: number, e: number, fc: number): number {
    const predicted =
      fc & 0x80 ? 5 : this.expectedLength > 0 ? this.expectedLength : predictRtuLength(b, 'response', s, e);
    const t = this.check(b, s, e, predicted, 'response');
    if (t > 0) this.matchedExpectation = true;
    return t;
  }

  /** Checks a length predicted with the `table` direction (`null` = unknown: user rule, then CRC scan). */
  private check(
    b: Uint8Array,
    s: number,
    e: number,
    predicted: number | undefined | null,
    table: FrameDirection,
  ): number {
    let t = predicted;
    if (t === undefined) return need;
    if (t === null) {
      if (this.lengthRule !== undefined) {
        const r = this.lengthRule(b.subarray(s, e), table);
        if (r === undefined) return need;
        if (r !== null) {
          if (!Number.isInteger(r) || r < 4) return this.fail(badRule, 0, 0, r);
          t = r;
        }
      }
      if (t === null) return this.scanCrc(b, s, e);
    }
    if (t > this.maxFrameBytes) return this.fail(tooLong, lengthFieldOffset(b[s + 1]!, table), t, t);
    if (e - s < t) return need;
    if (crc16Modbus(b, s, s + t) === 0) return t;
    this.fail(badCrc, t - 2, t, 0);
    // FC8 sub-function 0 echoes any even number of data bytes; only the sender knows how many
    // (spec §7.4 notes): scan for the CRC before giving up.
    if (b[s + 1] === 8 && b[s + 2] === 0 && b[s + 3] === 0) {
      const scanned = this.scanCrc(b, s, e);
      if (scanned !== drop) return scanned;
    }
    return drop;
  }

  /**
   * CRC-scan fallback (spec §7.4): the first length ≥ 4 with CRC residue 0 at which the received
   * bytes end (the stream paused there) or a valid frame of known length follows. Once
   * `maxFrameBytes` bytes are buffered the first match is taken, since no frame can be longer.
   */
  private scanCrc(b: Uint8Array, s: number, e: number): number {
    const avail = e - s;
    const limit = Math.min(avail, this.maxFrameBytes);
    let crc = 0xffff;
    let first = 0;
    for (let i = 0; i < limit; i++) {
      crc = crc16Modbus(b, s + i, s + i + 1, crc);
      if (crc === 0 && i >= 3) {
        const t = i + 1;
        if (t === avail || this.followedByFrame(b, s + t, e)) return t;
        if (first === 0) first = t;
      }
    }
    if (avail < this.maxFrameBytes) return need;
    return first > 0 ? first : this.fail(noCrcMatch, 0, limit, this.maxFrameBytes);
  }

  /** Whether a complete frame of table-predicted length with a valid CRC starts at `b[p]`. */
  private followedByFrame(b: Uint8Array, p: number, e: number): boolean {
    if (e - p < 4 || !isPossibleFunctionCode(b[p + 1]!, this.direction)) return false;
    const t = predictRtuLength(b, this.direction, p, e);
    return typeof t === 'number' && t <= this.maxFrameBytes && t <= e - p && crc16Modbus(b, p, p + t) === 0;
  }

  private fail(code: number, offset: number, length: number, value: number): number {
    if (this.failCode === 0) {
      this.failCode = code;
      this.failOffset = offset;
      this.failLength = length;
      this.failValue = value;
    }
    return drop;
  }

  private reportRun(b: Uint8Array, runStart: number, s: number, e: number): void {
    const listener = this.onDiscard;
    if (listener === undefined) return;
    const n = s - runStart;
    const dropped = `; dropped ${n} byte(s) to resynchronise`;
    let error: DecodeError;
    if (this.runCode === badCrc) {
      error = crcMismatch(
        b,
        runStart,
        this.runLength,
        ` in a ${this.runLength}-byte ${this.direction}${dropped}`,
      );
    } else {
      const [message, expected] = this.describeRun();
      error = new DecodeError(message + dropped, {
        layer: 'modbus-rtu',
        offset: this.runOffset,
        expected,
        bytes: b.subarray(runStart, e),
      });
    }
    listener(error, b.slice(runStart, s));
  }

  private describeRun(): [message: string, expected: string] {
    const v = this.runValue;
    switch (this.runCode) {
      case badFunction:
        return [
          `function code 0x${hex8(v)} cannot start a ${this.direction}`,
          this.direction === 'request' ? 'a function code 1–127' : 'a function code other than 0x00 and 0x80',
        ];
      case tooLong:
        return [`frame would be ${v} bytes long`, `at most ${this.maxFrameBytes} bytes`];
      case badRule:
        return [`lengthRule returned ${v}`, 'a total frame length ≥ 4, undefined or null'];
      case superseded:
        return [`incomplete frame superseded by a valid frame ${v} byte(s) later`, 'a complete frame'];
      default:
        return [`no CRC match within ${v} bytes`, 'a frame with a valid CRC'];
    }
  }

  private dropPending(message: string): void {
    this.resyncing = false;
    const n = this.buffer.length;
    if (n === 0) return;
    const listener = this.onDiscard;
    if (listener !== undefined) {
      const bytes = this.buffer.copy();
      listener(
        new DecodeError(message, {
          layer: 'modbus-rtu',
          offset: n,
          expected: 'the rest of the frame',
          bytes,
        }),
        bytes,
      );
    }
    this.buffer.clear();
  }
}

/** Offset of the field that made a frame too long, for the error report. */
function lengthFieldOffset(fc: number, direction: FrameDirection): number {
  if (direction === 'request') {
    if (fc === 15 || fc === 16) return 6;
    if (fc === 23) return 10;
  } else if (fc === 43) {
    return 7;
  }
  return 2;
}

function hex8(v: number): string {
  return toHex(new Uint8Array([v]));
}
