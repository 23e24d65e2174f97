/**
 * The objects of one simulated logical device, by class and logical name, so a Profile generic
 * or a Push setup can read the attributes its capture objects name (meterlink spec §11.3).
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import type { CaptureObject } from '../../cosem/capture-objects.js';
import { formatObis } from '../../cosem/obis.js';
import type { CosemObject, CosemRequestContext } from '../cosem-object.js';

const nullData: Data = { type: 'null-data' };

/** A request context for reads the simulator makes on its own (a capture), at `now`. */
export function internalContext(now: Date): CosemRequestContext {
  return { client: 0, logicalDevice: 0, mechanism: 'none', now };
}

/**
 * The objects of a logical device. Objects can be added after the profiles that refer to them
 * are created: lookups happen when a value is captured.
 *
 * @example
 * ```ts
 * const directory = new ObjectDirectory();
 * directory.add(clock, energy);
 * directory.read({ classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 }, context);
 * ```
 */
export class ObjectDirectory {
  readonly #objects = new Map<string, CosemObject>();

  /** Adds objects (a later object with the same class and name replaces the earlier one). */
  add(...objects: CosemObject[]): void {
    for (const object of objects) {
      this.#objects.set(`${object.classId}/${formatObis(object.logicalName)}`, object);
    }
  }

  /** The object of that class and logical name (dotted), if any. */
  find(classId: number, logicalName: string): CosemObject | undefined {
    return this.#objects.get(`${classId}/${logicalName}`);
  }

  /**
   * Reads what a capture object names: the attribute, or element `dataIndex` (from 1) of an
   * array/structure attribute. A missing object, a failed read or
   * a missing element gives null-data, as a meter leaves an empty cell.
   */
  read(capture: CaptureObject, context: CosemRequestContext): Data {
    const object = this.find(capture.classId, capture.logicalName);
    if (object === undefined) return nullData;
    // The CosemObject contract leaves attribute 1 (logical_name) to the server: answer it here.
    const outcome =
      capture.attributeIndex === 1
        ? ({ type: 'octet-string', value: object.logicalName } as const)
        : object.get(capture.attributeIndex, undefined, context);
    if ('failure' in outcome) return nullData;
    const value: Data = outcome;
    if (capture.dataIndex === 0) return value;
    if (value.type !== 'array' && value.type !== 'structure') return nullData;
    return value.value[capture.dataIndex - 1] ?? nullData;
  }
}
