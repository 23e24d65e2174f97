/**
 * Clock (meterlink spec §11.3 class 8, §6.5): reading the time as an instant without guessing,
 * and setting it.
 *
 * @module
 */

import { encodeDateTimeOctets } from '../axdr/calendar.js';
import { asDateTime, cosemDateTimeToDate, dateToCosemDateTime } from '../axdr/calendar-instant.js';
import type { ClockStatus, CosemDateTime, Data, Unspecified } from '../axdr/types.js';
import { dottedObis } from './descriptors.js';
import { getAttribute } from './get-service.js';
import type { DlmsRequestOptions, ServiceContext } from './service-context.js';
import { setAttribute } from './set-service.js';

/** The Clock object of a logical device (§11.5). */
export const clockObis = '0.0.1.0.0.255';

/** A Clock time reading. */
export interface ClockReading {
  /**
   * The instant, or `undefined` when a field needed for one is unspecified or special (the
   * client refuses to guess a year, a deviation …).
   */
  date: Date | undefined;
  /** The date-time as the meter sent it. */
  dateTime: CosemDateTime;
  /** Deviation in minutes (DLMS sign: UTC = local + deviation), or unspecified. */
  deviation: number | Unspecified;
  /** Clock status bits, or unspecified. */
  status: ClockStatus | Unspecified;
  /** The attribute as read. */
  raw: Data;
}

/** Options of `setClock`. */
export interface SetClockOptions extends DlmsRequestOptions {
  /**
   * Deviation (minutes, DLMS sign) for a `Date`: the wall-clock fields are written at this offset.
   * Default: the deviation the meter reports now (one GET), 0 when it reports none.
   */
  deviation?: number;
  /** Clock status to send. Default: all bits clear (a valid time). */
  clockStatus?: ClockStatus | Unspecified;
  /** Clock object. Default `0.0.1.0.0.255`. */
  obis?: string;
}

const validStatus: ClockStatus = {
  invalid: false,
  doubtful: false,
  differentClockBase: false,
  invalidClockStatus: false,
  daylightSavingActive: false,
  reserved: 0,
};

/**
 * Reads Clock attribute 2 (time).
 *
 * @throws DecodeError when the meter sends something that is not a date-time; the request errors
 */
export async function readClock(
  ctx: ServiceContext,
  obis: string | Uint8Array = clockObis,
  options?: DlmsRequestOptions,
): Promise<ClockReading> {
  const raw = await getAttribute(ctx, { classId: 8, obis, attribute: 2 }, options);
  const dateTime = asDateTime(raw, { invertDeviation: ctx.quirks.invertDeviation === true });
  let date: Date | undefined;
  try {
    date = cosemDateTimeToDate(dateTime);
  } catch {
    date = undefined;
  }
  return { date, dateTime, deviation: dateTime.deviation, status: dateTime.clockStatus, raw };
}

/**
 * Writes Clock attribute 2 as an octet-string(12) (§11.3: setting the time).
 *
 * @throws InvalidArgumentError for an invalid Date or deviation; the request errors
 */
export async function setClock(
  ctx: ServiceContext,
  time: Date | CosemDateTime,
  options: SetClockOptions = {},
): Promise<void> {
  const obis = dottedObis(options.obis ?? clockObis);
  let value: CosemDateTime;
  if (time instanceof Date) {
    let deviation = options.deviation;
    if (deviation === undefined) {
      const now = await readClock(ctx, obis, options);
      deviation = typeof now.deviation === 'number' ? now.deviation : 0;
    }
    value = dateToCosemDateTime(time, { deviation, clockStatus: options.clockStatus ?? validStatus });
  } else {
    value = time;
  }
  const octets = encodeDateTimeOctets(value, { invertDeviation: ctx.quirks.invertDeviation === true });
  await setAttribute(
    ctx,
    { classId: 8, obis, attribute: 2, value: { type: 'octet-string', value: octets } },
    options,
  );
}
