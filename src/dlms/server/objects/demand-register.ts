/**
 * Demand register (class_id 5, version 0; meterlink spec §11.3): the average of a quantity over
 * the current and the last demand period.
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import { parseObis } from '../../cosem/obis.js';
import { actionSuccess, BaseCosemObject, dummyMethod, StoredAttribute } from './base-object.js';
import { inRange, type NumericData, numericData, scalerUnitData } from './data-values.js';
import { type DateTimeFormatter, utcDateTime } from './date-time.js';
import { LiveValue, type ValueSource } from './value-source.js';

/** Options of {@link DemandRegister}. */
export interface DemandRegisterOptions {
  /** Logical name (`'1.0.1.4.0.255'` or 6 octets). */
  logicalName: string | Uint8Array;
  /** The raw average of the measured quantity over `[from, to]` (physical = raw × 10^scaler). */
  average: (from: Date, to: Date) => number;
  /** `Data` type of the two average values. Default `'double-long-unsigned'`. */
  type?: NumericData['type'];
  /** Power of ten of the values. Default 0. */
  scaler?: number;
  /** Unit enumeration (§11.4). Default 27 (W). */
  unit?: number;
  /** Period length in seconds (attribute 8), ≥ 1. Default 900. */
  period?: number;
  /** Periods in the sliding window (attribute 9), ≥ 1. Default 1. */
  numberOfPeriods?: number;
  /** Status (attribute 5). Default `unsigned 0`. */
  status?: ValueSource;
  /** Writes capture_time and start_time_current. Default UTC. */
  formatTime?: DateTimeFormatter;
}

/**
 * A simulated Demand register (class 5). Periods are aligned on multiples of `period` since the
 * Unix epoch, or since the last `next_period` (method 2). current_average_value averages from the
 * start of the current period to now; last_average_value averages the `number_of_periods`
 * periods before it (a sliding window) and is 0 while that window reaches back before a `reset`
 * (method 1). period and number_of_periods are writable.
 *
 * @example
 * ```ts
 * const demand = new DemandRegister({ logicalName: '1.0.1.4.0.255', average: () => 1200, unit: 27 });
 * ```
 */
export class DemandRegister extends BaseCosemObject {
  /**
   * @param options - Logical name, the average function, type, scaler_unit and period.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   */
  constructor(options: DemandRegisterOptions) {
    const type = options.type ?? 'double-long-unsigned';
    const formatTime = options.formatTime ?? utcDateTime;
    const status = new LiveValue(options.status ?? { type: 'unsigned', value: 0 });
    const period = new StoredAttribute(
      { type: 'double-long-unsigned', value: options.period ?? 900 },
      inRange('double-long-unsigned', 1, 0xffffffff),
    );
    const periods = new StoredAttribute(
      { type: 'long-unsigned', value: options.numberOfPeriods ?? 1 },
      inRange('long-unsigned', 1, 0xffff),
    );
    let anchor = 0;
    let since = Number.NEGATIVE_INFINITY;
    const periodMs = (): number => Number((period.value as NumericData).value) * 1000;
    const startOf = (now: Date): number => {
      const p = periodMs();
      return anchor + Math.floor((now.getTime() - anchor) / p) * p;
    };
    const current = (now: Date): Data => {
      const from = Math.max(startOf(now), since);
      return numericData(type, options.average(new Date(from), new Date(Math.max(now.getTime(), from))));
    };
    const last = (now: Date): Data => {
      const end = startOf(now);
      const from = end - periodMs() * Number((periods.value as NumericData).value);
      return numericData(type, from < since ? 0 : options.average(new Date(from), new Date(end)));
    };
    super({
      classId: 5,
      version: 0,
      logicalName: parseObis(options.logicalName),
      attributes: [
        { get: (context) => current(context.now) },
        { get: (context) => last(context.now) },
        { get: () => scalerUnitData(options.scaler ?? 0, options.unit ?? 27) },
        { get: (context) => status.read(context.now) },
        { get: (context) => formatTime(new Date(startOf(context.now))) },
        { get: (context) => formatTime(new Date(Math.max(startOf(context.now), since))) },
        period,
        periods,
      ],
      methods: [
        dummyMethod((context) => {
          since = context.now.getTime();
          anchor = since;
          return actionSuccess;
        }),
        dummyMethod((context) => {
          anchor = context.now.getTime();
          return actionSuccess;
        }),
      ],
    });
  }
}
