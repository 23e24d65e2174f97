/**
 * Columns of a Profile generic buffer (meterlink spec §11.3 class 7), named after the capture
 * objects that define them.
 *
 * @module
 */

import type { CaptureObject } from './capture-objects.js';
import { attributeName } from './classes.js';
import { describeObis } from './well-known.js';

/** One column of a profile buffer. */
export interface ProfileColumn {
  /** Stable key: `'<logical name>:<attribute>'`, plus `':<data index>'` when that is not 0 (`'0.0.1.0.0.255:2'`). */
  name: string;
  /** Human-readable name from the well-known OBIS table and the class table (`'Clock time'`). */
  label: string;
  /** The capture object that defines the column. */
  captureObject: CaptureObject;
  /**
   * The attribute is a date-time (Clock time, Extended register capture_time, Demand register
   * capture_time / start_time_current): its 12-octet octet-strings decode to `CosemDateTime`.
   */
  dateTime: boolean;
}

/** `classId * 256 + attribute` of the date-time attributes of §11.3 (octet-string(12)). */
const dateTimeAttributes = [8 * 256 + 2, 4 * 256 + 5, 5 * 256 + 6, 5 * 256 + 7];

/**
 * Describes the columns a buffer read with these capture objects has.
 *
 * @param captureObjects - Profile generic capture_objects (or the selected_values of a range read).
 * @returns One column per capture object, in the same order.
 * @example
 * ```ts
 * profileColumns([{ classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 }])[0];
 * // { name: '0.0.1.0.0.255:2', label: 'Clock time', dateTime: true, captureObject: … }
 * ```
 */
export function profileColumns(captureObjects: readonly CaptureObject[]): ProfileColumn[] {
  return captureObjects.map((o) => {
    const { classId, logicalName, attributeIndex, dataIndex } = o;
    const attribute = attributeName(classId, attributeIndex) ?? `attribute ${attributeIndex}`;
    const element = dataIndex === 0 ? '' : `[${dataIndex}]`;
    return {
      name: `${logicalName}:${attributeIndex}${dataIndex === 0 ? '' : `:${dataIndex}`}`,
      label: `${describeObis(logicalName) ?? logicalName} ${attribute}${element}`,
      captureObject: o,
      dateTime: dataIndex === 0 && dateTimeAttributes.includes(classId * 256 + attributeIndex),
    };
  });
}
