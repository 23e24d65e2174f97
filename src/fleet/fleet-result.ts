/**
 * What a fleet read yields per meter, and its progress counters.
 *
 * @module
 */

import type { MeterlinkError } from '../core/errors.js';
import type { FleetMeterRef } from './fleet-meter.js';

/** Fields every result has. */
export interface FleetResultBase {
  /** The meter (id, input position, redacted URL). */
  meter: FleetMeterRef;
  /** When the first attempt started (when the entry was rejected, for a bad URL). */
  startedAt: Date;
  /** From the first attempt's start to the result, backoff waits included, in ms. */
  durationMs: number;
  /** Attempts made (0 when the meter was rejected before connecting: bad URL, wrong plan). */
  attempts: number;
}

/** A meter read completely. */
export interface FleetSuccess<T> extends FleetResultBase {
  /** Discriminant. */
  ok: true;
  /** What the plan returned. */
  value: T;
}

/** A meter that could not be read; `error` is the last attempt's failure. */
export interface FleetFailure extends FleetResultBase {
  /** Discriminant. */
  ok: false;
  /**
   * Why: a meterlink error (`TimeoutError` for the meter's `timeoutMs`, `AbortError` when the
   * fleet was aborted, `InvalidUrlError`, `LinkError`, `AssociationError` …); anything else is
   * wrapped in a `FleetTaskError`.
   */
  error: MeterlinkError;
}

/** The result of one meter. */
export type FleetResult<T> = FleetSuccess<T> | FleetFailure;

/** Counters of a fleet read, passed to `progress` listeners. */
export interface FleetProgress {
  /** Meters with a result (read or failed). */
  done: number;
  /** Of `done`, the meters that failed. */
  failed: number;
  /** Attempts in progress. */
  running: number;
  /** Meters waiting for their backoff before another attempt. */
  retrying: number;
  /** Number of meters: known from the start for an array, else once the input is exhausted. */
  total: number | undefined;
}
