/**
 * Reading a Profile generic buffer (meterlink spec §11.3 class 7, client algorithm): capture
 * objects first, then the buffer with a range or entry descriptor, decoded into named typed
 * columns.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { CosemDateTime, Data } from '../axdr/types.js';
import { type CaptureObject, parseCaptureObjects } from '../cosem/capture-objects.js';
import {
  decodeProfileBuffer,
  type ProfileBuffer,
  type ProfileBufferOptions,
  parseProfileBuffer,
} from '../cosem/profile-buffer.js';
import { entryDescriptor, rangeDescriptor, type SelectiveAccess } from '../cosem/selective-access.js';
import { clockObis } from './clock-reads.js';
import { dottedObis } from './descriptors.js';
import { getAttribute, getEncoded } from './get-service.js';
import type { DlmsRequestOptions, ServiceContext } from './service-context.js';

/** Which entries to read: a time range, an entry range, or everything (`{}`). */
export type ProfileSelection =
  | {
      /** First capture time (inclusive). */
      from: Date | CosemDateTime;
      /** Last capture time (inclusive). */
      to: Date | CosemDateTime;
    }
  | {
      /** First entry, from 1 (the oldest with fifo sorting). */
      fromEntry: number;
      /** Last entry; 0 or absent = up to the last one. */
      toEntry?: number;
    }
  | Record<string, never>;

/** Options of `readProfile`. */
export interface ReadProfileOptions extends DlmsRequestOptions, Omit<ProfileBufferOptions, 'capturePeriod'> {
  /**
   * Columns to return with a time range (selected_values), in this order. Default: all columns.
   */
  columns?: readonly CaptureObject[];
  /**
   * Rebuild omitted (null) timestamps from the previous row plus the capture period (§11.3): a
   * number of seconds, or `'read'` to read attribute 4 capture_period. Default: nulls stay `null`.
   */
  capturePeriod?: number | 'read';
  /**
   * Deviation (minutes, DLMS sign) to express `Date` bounds in the meter's local time. Default 0
   * (UTC, with the deviation field saying so).
   */
  deviation?: number;
}

/** Per-client cache of capture_objects by profile OBIS. */
export type CaptureObjectsCache = Map<string, CaptureObject[]>;

const clockColumn: CaptureObject = { classId: 8, logicalName: clockObis, attributeIndex: 2, dataIndex: 0 };

function accessOf(
  selection: ProfileSelection,
  columns: readonly CaptureObject[],
  options: ReadProfileOptions,
): SelectiveAccess | undefined {
  if ('from' in selection || 'to' in selection) {
    const s = selection as { from: Date | CosemDateTime; to: Date | CosemDateTime };
    if (s.from === undefined || s.to === undefined)
      throw new InvalidArgumentError('a time range needs `from` and `to`');
    const first = columns[0];
    // The range applies to the capture-time column: the profile's first column when it is a
    // Clock time (the usual layout), else the logical device's clock.
    const restrictingObject =
      first !== undefined && first.classId === 8 && first.attributeIndex === 2 ? first : clockColumn;
    return rangeDescriptor({
      restrictingObject,
      from: s.from,
      to: s.to,
      ...(options.columns === undefined ? {} : { selectedValues: options.columns }),
      ...(options.deviation === undefined ? {} : { deviation: options.deviation }),
    });
  }
  if ('fromEntry' in selection) {
    const s = selection as { fromEntry: number; toEntry?: number };
    return entryDescriptor({ fromEntry: s.fromEntry, toEntry: s.toEntry ?? 0 });
  }
  return undefined;
}

/**
 * Reads a profile: capture_objects (attribute 3, cached per OBIS), optionally capture_period
 * (attribute 4), then the buffer (attribute 2) with the selective access the selection asks for.
 *
 * @throws DecodeError (layer `cosem`) for a buffer that does not match the columns; the request errors
 */
export async function readProfile(
  ctx: ServiceContext,
  cache: CaptureObjectsCache,
  input: string | Uint8Array,
  selection: ProfileSelection = {},
  options: ReadProfileOptions = {},
): Promise<ProfileBuffer> {
  const obis = dottedObis(input);
  let captureObjects = cache.get(obis);
  if (captureObjects === undefined) {
    captureObjects = parseCaptureObjects(
      await getAttribute(ctx, { classId: 7, obis, attribute: 3 }, options),
    );
    cache.set(obis, captureObjects);
  }
  let capturePeriod: number | undefined;
  if (options.capturePeriod === 'read') {
    const p: Data = await getAttribute(ctx, { classId: 7, obis, attribute: 4 }, options);
    capturePeriod =
      typeof (p as { value?: unknown }).value === 'number' ? (p as { value: number }).value : undefined;
  } else {
    capturePeriod = options.capturePeriod;
  }
  const access = accessOf(selection, captureObjects, options);
  const encoded = await getEncoded(
    ctx,
    { classId: 7, obis, attribute: 2, ...(access === undefined ? {} : { access }) },
    options,
  );
  const ranged = access?.selector === 1 && options.columns !== undefined && options.columns.length > 0;
  const columns = ranged ? options.columns! : captureObjects;
  const bufferOptions: ProfileBufferOptions = {
    ...ctx.decodeOptions,
    ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
    ...(options.repeatPrevious === undefined ? {} : { repeatPrevious: options.repeatPrevious }),
    ...(capturePeriod === undefined ? {} : { capturePeriod }),
  };
  // Block transfers hand over the encoded buffer: decode it straight into rows (fast path).
  return encoded.type === 'bytes'
    ? decodeProfileBuffer(encoded.bytes, columns, bufferOptions)
    : parseProfileBuffer(encoded.data, columns, bufferOptions);
}
