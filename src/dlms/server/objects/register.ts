/**
 * Register (class_id 3, version 0; meterlink spec §11.3): a value with its scaler_unit.
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import { parseObis } from '../../cosem/obis.js';
import { type AttributeHandler, actionSuccess, BaseCosemObject, dummyMethod } from './base-object.js';
import { scalerUnitData } from './data-values.js';
import { LiveValue, type ValueSource } from './value-source.js';

/** Options of {@link Register}. */
export interface RegisterOptions {
  /** Logical name (`'1.0.1.8.0.255'` or 6 octets). */
  logicalName: string | Uint8Array;
  /** The raw value (physical = value × 10^scaler), fixed or as a function of time. */
  value: ValueSource;
  /** Power of ten of the value, −128…127. Default 0. */
  scaler?: number;
  /** Unit enumeration (§11.4). Default 255 (count, no unit). */
  unit?: number;
}

/** The attributes 2 (value) and 3 (scaler_unit) shared by the register classes, and the value behind them. */
export function registerAttributes(options: RegisterOptions): {
  value: LiveValue;
  attributes: AttributeHandler[];
} {
  const value = new LiveValue(options.value);
  const scalerUnit: Data = scalerUnitData(options.scaler ?? 0, options.unit ?? 255);
  return {
    value,
    attributes: [
      { get: (context) => value.read(context.now), set: (v, context) => value.write(v, context.now) },
      // scaler_unit is static in a meter (§11.3): read-only.
      { get: () => scalerUnit },
    ],
  };
}

/**
 * A simulated Register (class 3). A written value must have the type of the current one and
 * stays fixed afterwards; `reset` (method 1) restarts the value from 0.
 *
 * @example
 * ```ts
 * const voltage = new Register({ logicalName: '1.0.32.7.0.255', value: { type: 'long-unsigned', value: 2304 }, scaler: -1, unit: 35 });
 * ```
 */
export class Register extends BaseCosemObject {
  /**
   * @param options - Logical name, value and scaler_unit.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   */
  constructor(options: RegisterOptions) {
    const { value, attributes } = registerAttributes(options);
    super({
      classId: 3,
      version: 0,
      logicalName: parseObis(options.logicalName),
      attributes,
      methods: [
        dummyMethod((context) => {
          value.reset(context.now);
          return actionSuccess;
        }),
      ],
    });
  }
}
