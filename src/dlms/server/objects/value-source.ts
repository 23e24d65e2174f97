/**
 * The value attribute of a simulated Data or Register object: a fixed `Data`, or a function of
 * time that makes the value evolve (a running energy counter, a fluctuating voltage).
 *
 * @module
 */

import type { DataAccessResultName } from '../../apdu/results.js';
import type { Data } from '../../axdr/types.js';
import { type NumericData, numberOf, numericData } from './data-values.js';

/** A fixed value, or the value as a function of the request time. */
export type ValueSource = Data | ((now: Date) => Data);

/**
 * A value that is fixed or live. A write replaces it with the written (fixed) value; a reset
 * (Register `reset`, §11.3) restarts a live numeric value from 0 at the reset time — the value
 * becomes `source(now) − source(resetTime)` — and sets a fixed numeric value to 0.
 */
export class LiveValue {
  #source: ValueSource;
  #resetAt: Date | undefined;

  /** @param source - The initial value or value function. */
  constructor(source: ValueSource) {
    this.#source = source;
  }

  /** The value at `now`. */
  read(now: Date): Data {
    const source = this.#source;
    if (typeof source !== 'function') return source;
    const value = source(now);
    if (this.#resetAt === undefined) return value;
    const current = numberOf(value);
    const base = numberOf(source(this.#resetAt));
    if (current === undefined || base === undefined) return value;
    const type = value.type as NumericData['type'];
    return typeof current === 'bigint' || typeof base === 'bigint'
      ? numericData(type, BigInt(current) - BigInt(base))
      : numericData(type, current - base);
  }

  /** Replaces the value with `value` when it has the current value's type (else `type-unmatched`). */
  write(value: Data, now: Date): DataAccessResultName {
    if (value.type !== this.read(now).type) return 'type-unmatched';
    this.#source = value;
    this.#resetAt = undefined;
    return 'success';
  }

  /** Restarts the value from 0 (see the class comment); a non-numeric value is left as it is. */
  reset(now: Date): void {
    const source = this.#source;
    if (typeof source === 'function') {
      this.#resetAt = now;
      return;
    }
    if (numberOf(source) !== undefined) this.#source = numericData(source.type as NumericData['type'], 0);
  }
}
