/**
 * Options of the Modbus client, with their documented defaults (Modbus spec §13).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import type { ModbusFraming } from '../framing/types.js';

/** Options of {@link ModbusClient.connect} and the client constructor. */
export interface ModbusClientOptions {
  /** The link to the server or bus. Opened by `connect()` if it is not open yet. */
  link: Link;
  /**
   * How ADUs are framed on the link. Default: `'rtu'` on serial links, `'tcp'` (MBAP) otherwise.
   * `'rtu'` on a TCP link is RTU over TCP (spec §10).
   */
  framing?: ModbusFraming;
  /**
   * Unit id / serial address used when a call does not name one. Default: 1 for RTU/ASCII,
   * 0xFF for TCP framing (spec §9.3: a non-significant value for servers directly on TCP/IP).
   */
  unitId?: number;
  /**
   * Response timeout per attempt, in ms, counted from the moment the request is written (time
   * spent queueing for a slot is not included). Default 1000 (spec §13).
   */
  timeoutMs?: number;
  /** Extra attempts after a timeout or an ACKNOWLEDGE/BUSY/GATEWAY-TARGET exception. Default 0. */
  retries?: number;
  /**
   * Pause before a retry, in ms. Default 0 (one-at-a-time links still wait `staleFlushMs` after
   * a timeout).
   */
  retryDelayMs?: number;
  /**
   * Requests that may be outstanding at once with TCP framing (NumberMaxOfClientTransaction,
   * spec §9.4), 1–65535; further requests queue. Default 1. Serial links, RTU/ASCII framing and
   * lenient mode always use 1.
   */
  maxInFlight?: number;
  /**
   * Accept a response whose MBAP transaction id does not match, for gateways that do not echo
   * it. Forces one request in flight; the answer is matched by function code only, and after a
   * timeout the client waits `staleFlushMs` before the next request so that a late answer is
   * dropped rather than taken for the next one. Default false.
   */
  lenientTransactionId?: boolean;
  /**
   * Turnaround delay after a broadcast (and FC8/04) with RTU/ASCII framing, in ms (spec §6): the
   * broadcast call resolves once written, and the next request waits this long. Default 100.
   */
  broadcastDelayMs?: number;
  /**
   * After a timeout on a serial line or RTU over TCP, wait this long (ms) and drop whatever
   * arrived before sending again, so a late answer is not taken for the next one (spec §10, §13).
   * Default 50.
   */
  staleFlushMs?: number;
  /** Allow serial addresses 248–255, reserved by the standard (spec §6). Default false. */
  allowReservedAddresses?: boolean;
  /** Time limit for opening the link in `connect()`, in ms. Default 3000. */
  connectTimeoutMs?: number;
  /** Aborts `connect()`. */
  signal?: AbortSignal;
}

/** Options accepted by every client request method. */
export interface ModbusRequestOptions {
  /** Unit id / serial address for this request (default: the client's `unitId`). */
  unitId?: number;
  /** Response timeout for this request, in ms (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  /** Extra attempts for this request (default: the client's `retries`). */
  retries?: number;
  /**
   * Abort this request: it rejects at once with `AbortError`. A request still queued never goes
   * out; one already sent keeps its slot (and a serial bus) until its answer or its timeout.
   */
  signal?: AbortSignal;
  /**
   * Unit 0 is a broadcast: no response is awaited (spec §6, §9.3), and the methods that return
   * data refuse it. Set `true` to wait for an answer anyway (a TCP server that answers unit 0
   * directly). Default false.
   */
  expectResponse?: boolean;
  /**
   * Broadcast a function code the standard does not allow in broadcast (spec §6), e.g. a vendor
   * function through `request()`, or an FC8 sub-function other than 1, 4, 0x0A, 0x14 through
   * `diagnostics()`. Default false.
   */
  forceBroadcast?: boolean;
}

/** Counters of a client's traffic, for monitoring. */
export interface ModbusClientStats {
  /** Request ADUs written (retries included). */
  requests: number;
  /** Responses matched to a request. */
  responses: number;
  /** Exception responses among them. */
  exceptions: number;
  /** Attempts that timed out. */
  timeouts: number;
  /** Retries sent. */
  retries: number;
  /** Frames that matched no outstanding request (late, unknown id, other address) and were dropped. */
  unmatched: number;
  /** Byte runs the frame decoder discarded (bad CRC/LRC, garbage, bad MBAP protocol id). */
  discarded: number;
}

/** Resolved client settings (every default filled in, every value checked). */
export interface ResolvedClientOptions {
  framing: ModbusFraming;
  unitId: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxInFlight: number;
  lenientTransactionId: boolean;
  broadcastDelayMs: number;
  staleFlushMs: number;
  allowReservedAddresses: boolean;
}

/** Longest delay a Node/browser timer can hold (2^31 − 1 ms); longer ones fire at once. */
const maxTimerMs = 0x7fffffff;

/**
 * Checks a response timeout: a number > 0 and ≤ 2^31 − 1 ms.
 * @throws InvalidArgumentError otherwise
 */
export function checkTimeout(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= maxTimerMs)) {
    throw new InvalidArgumentError(
      `${name} must be a number of ms > 0 and ≤ ${maxTimerMs}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks a delay: a number ≥ 0 and ≤ 2^31 − 1 ms.
 * @throws InvalidArgumentError otherwise
 */
export function checkDelay(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= maxTimerMs)) {
    throw new InvalidArgumentError(
      `${name} must be a number of ms ≥ 0 and ≤ ${maxTimerMs}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks a retry count: an integer ≥ 0.
 * @throws InvalidArgumentError otherwise
 */
export function checkRetries(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be an integer ≥ 0, got ${String(value)}`);
  }
  return value;
}
