/**
 * capture_object_definition (meterlink spec §11.3, Profile generic attribute 3, Push setup
 * attribute 2, selective-access parameters):
 * `structure { long-unsigned class_id, octet-string logical_name, integer attribute_index,
 * long-unsigned data_index }`.
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import { arrayOf, integerOf, logicalNameOf, structureOf } from './malformed.js';
import { formatObis, parseObis } from './obis.js';

/** One capture object: a column of a profile buffer (or an element of a push). */
export interface CaptureObject {
  /** class_id of the captured object. */
  classId: number;
  /** Its logical name, dotted (`'0.0.1.0.0.255'`). */
  logicalName: string;
  /** The captured attribute. */
  attributeIndex: number;
  /** 0 = the whole attribute; n = element n of an array/structure attribute. */
  dataIndex: number;
}

/**
 * Reads one capture_object_definition.
 *
 * @param data - The decoded structure.
 * @param where - Name of the containing attribute, for error messages.
 * @param index - Position in the containing array (−1: none), for error messages.
 * @returns The capture object.
 * @throws DecodeError (layer `'cosem'`) when the structure is malformed.
 * @example
 * ```ts
 * const pushed = await meter.get({ classId: 40, obis: '0.0.25.9.0.255', attribute: 2 }); // push_object_list
 * if (pushed.type === 'array') console.log(pushed.value.map((item, i) => parseCaptureObject(item, 'push_object_list', i)));
 * ```
 */
export function parseCaptureObject(data: Data, where = 'capture_object', index = -1): CaptureObject {
  const [c, n, a, d] = structureOf(data, 4, where, index) as [Data, Data, Data, Data];
  return {
    classId: integerOf(c, 'long-unsigned', where, index, 'class_id'),
    logicalName: formatObis(logicalNameOf(n, where, index, 'logical_name')),
    attributeIndex: integerOf(a, 'integer', where, index, 'attribute_index'),
    dataIndex: integerOf(d, 'long-unsigned', where, index, 'data_index'),
  };
}

/**
 * Reads Profile generic capture_objects (attribute 3): an array of capture_object_definition.
 *
 * @param data - The decoded attribute value.
 * @returns The columns, in buffer order.
 * @throws DecodeError (layer `'cosem'`) when `data` is not an array of well-formed definitions.
 * @example
 * ```ts
 * parseCaptureObjects(value)[0]; // { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 }
 * ```
 */
export function parseCaptureObjects(data: Data): CaptureObject[] {
  const items = arrayOf(data, 'capture_objects');
  const out: CaptureObject[] = [];
  for (let i = 0; i < items.length; i++) out.push(parseCaptureObject(items[i]!, 'capture_objects', i));
  return out;
}

/**
 * Builds the `Data` of a capture_object_definition.
 *
 * @param object - The capture object.
 * @returns `structure { long-unsigned, octet-string, integer, long-unsigned }`.
 * @throws InvalidArgumentError when the logical name is not an OBIS code.
 * @example
 * ```ts
 * // Set the columns of a load profile: the clock and the active energy import.
 * await meter.set({ classId: 7, obis: '1.0.99.1.0.255', attribute: 3 }, {
 *   type: 'array',
 *   value: [
 *     captureObjectData({ classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 }),
 *     captureObjectData({ classId: 3, logicalName: '1.0.1.8.0.255', attributeIndex: 2, dataIndex: 0 }),
 *   ],
 * });
 * ```
 */
export function captureObjectData(object: CaptureObject): Data {
  return {
    type: 'structure',
    value: [
      { type: 'long-unsigned', value: object.classId },
      { type: 'octet-string', value: parseObis(object.logicalName) },
      { type: 'integer', value: object.attributeIndex },
      { type: 'long-unsigned', value: object.dataIndex },
    ],
  };
}
