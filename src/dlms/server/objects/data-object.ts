/**
 * Data (class_id 1, version 0; meterlink spec §11.3): one value of any type.
 *
 * @module
 */

import { parseObis } from '../../cosem/obis.js';
import { BaseCosemObject } from './base-object.js';
import { LiveValue, type ValueSource } from './value-source.js';

/** Options of {@link DataObject}. */
export interface DataObjectOptions {
  /** Logical name (`'0.0.42.0.0.255'` or 6 octets). */
  logicalName: string | Uint8Array;
  /** The value, fixed or as a function of time. */
  value: ValueSource;
  /** Refuse writes (`read-write-denied`). Default false: a write of the same type replaces the value. */
  readOnly?: boolean;
}

/**
 * A simulated Data object (class 1).
 *
 * @example
 * ```ts
 * const serial = new DataObject({ logicalName: '0.0.96.1.0.255', value: { type: 'visible-string', value: '12345678' } });
 * ```
 */
export class DataObject extends BaseCosemObject {
  /**
   * @param options - Logical name and value.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   */
  constructor(options: DataObjectOptions) {
    const value = new LiveValue(options.value);
    super({
      classId: 1,
      version: 0,
      logicalName: parseObis(options.logicalName),
      attributes: [
        {
          get: (context) => value.read(context.now),
          ...(options.readOnly === true ? {} : { set: (v, context) => value.write(v, context.now) }),
        },
      ],
    });
  }
}
