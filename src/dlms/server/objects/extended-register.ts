/**
 * Extended register (class_id 4, version 0; meterlink spec §11.3): a Register with a status and
 * the time of the last capture.
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import { parseObis } from '../../cosem/obis.js';
import { actionSuccess, BaseCosemObject, dummyMethod } from './base-object.js';
import { type DateTimeFormatter, utcDateTime } from './date-time.js';
import { type RegisterOptions, registerAttributes } from './register.js';
import { LiveValue, type ValueSource } from './value-source.js';

/** Options of {@link ExtendedRegister}. */
export interface ExtendedRegisterOptions extends RegisterOptions {
  /** Status (attribute 4), fixed or as a function of time. Default `unsigned 0`. */
  status?: ValueSource;
  /** Writes capture_time. Default UTC (the Clock object offers the meter's local time). */
  formatTime?: DateTimeFormatter;
  /**
   * capture_time of a live value as a function of the request time (e.g. the time a maximum
   * demand occurred). Default: the request time.
   */
  captureTime?: (now: Date) => Date;
}

/**
 * A simulated Extended register (class 4). A live value is captured on every read, so its
 * capture_time is the request time (or `captureTime(now)`); a fixed value was captured when it was last written or reset.
 *
 * @example
 * ```ts
 * const maxDemand = new ExtendedRegister({ logicalName: '1.0.1.6.0.255', value: { type: 'double-long-unsigned', value: 4200 }, unit: 27 });
 * ```
 */
export class ExtendedRegister extends BaseCosemObject {
  /**
   * @param options - Logical name, value, scaler_unit, status and time format.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   */
  constructor(options: ExtendedRegisterOptions) {
    const { value, attributes } = registerAttributes(options);
    const status = new LiveValue(options.status ?? { type: 'unsigned', value: 0 });
    const formatTime = options.formatTime ?? utcDateTime;
    let live = typeof options.value === 'function';
    let capturedAt: Date | undefined;
    const valueAttribute = attributes[0]!;
    super({
      classId: 4,
      version: 0,
      logicalName: parseObis(options.logicalName),
      attributes: [
        {
          get: (context, access) => valueAttribute.get(context, access),
          set: (v: Data, context) => {
            const result = value.write(v, context.now);
            if (result === 'success') {
              live = false;
              capturedAt = context.now;
            }
            return result;
          },
        },
        attributes[1]!,
        { get: (context) => status.read(context.now) },
        {
          get: (context) =>
            formatTime(
              live ? (options.captureTime?.(context.now) ?? context.now) : (capturedAt ?? context.now),
            ),
        },
      ],
      methods: [
        dummyMethod((context) => {
          value.reset(context.now);
          capturedAt = context.now;
          return actionSuccess;
        }),
      ],
    });
  }
}
