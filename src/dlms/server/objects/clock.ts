/**
 * Clock (class_id 8, version 0; meterlink spec §11.3, date-times §6.5): a running clock with time
 * zone, daylight saving and the adjust methods.
 *
 * @module
 */

import { decodeDateTimeOctets, encodeDateTimeOctets } from '../../axdr/calendar.js';
import { asDateTime, cosemDateTimeToDate } from '../../axdr/calendar-instant.js';
import type { CosemDateTime, Data } from '../../axdr/types.js';
import { parseObis } from '../../cosem/obis.js';
import type { CosemRequestContext } from '../cosem-object.js';
import {
  type AttributeHandler,
  actionFailure,
  actionSuccess,
  BaseCosemObject,
  dummyMethod,
  type MethodHandler,
  StoredAttribute,
} from './base-object.js';
import { inRange, ofType } from './data-values.js';
import { type DateTimeFormatter, dateTimeData } from './date-time.js';
import { isDaylightSaving } from './daylight-saving.js';

/** Options of {@link Clock}. */
export interface ClockOptions {
  /** Logical name. Default `'0.0.1.0.0.255'`. */
  logicalName?: string | Uint8Array;
  /** time_zone: minutes, DLMS sign (UTC = local + deviation; CET = −60), −720…720. Default 0. */
  timeZone?: number;
  /** daylight_savings_enabled. Default false. */
  daylightSavingsEnabled?: boolean;
  /** daylight_savings_begin pattern. Default: last Sunday of March, 02:00 (EU rule). */
  daylightSavingsBegin?: CosemDateTime;
  /** daylight_savings_end pattern. Default: last Sunday of October, 03:00 (EU rule). */
  daylightSavingsEnd?: CosemDateTime;
  /** daylight_savings_deviation in minutes, −120…120. Default 60. */
  daylightSavingsDeviation?: number;
  /** clock_base enum (0 not defined, 1 internal crystal, 2 mains 50 Hz …). Default 1. */
  clockBase?: number;
  /** The measuring period adjust_to_measuring_period rounds to, in seconds. Default 900. */
  measuringPeriod?: number;
  /** Told when the time is set, shifted or adjusted: the clock's time before and after, and the request time. */
  onAdjust?: (from: Date, to: Date, now: Date) => void;
}

function lastSunday(month: number, hour: number): CosemDateTime {
  return {
    year: 'unspecified',
    month,
    dayOfMonth: 'last',
    dayOfWeek: 7,
    hour,
    minute: 0,
    second: 0,
    hundredths: 'unspecified',
    deviation: 'unspecified',
    clockStatus: 'unspecified',
  };
}

const quarterMs = 900_000;
const minuteMs = 60_000;

/** A check: a date-time octet-string(12) that decodes (patterns allowed). */
function isDateTimeOctets(value: Data): boolean {
  if (value.type !== 'octet-string' || value.value.length !== 12) return false;
  try {
    decodeDateTimeOctets(value.value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A simulated Clock (class 8). Its time is the request time (`context.now`, the server's clock)
 * plus an offset that setting attribute 2, `shift_time` and the adjust methods change. Local time
 * is `time_zone` and, when enabled, daylight saving from the begin/end patterns; the clock status
 * carries bit 7 while DST is active. {@link Clock.formatTime} writes any instant the same way, for
 * the capture times of registers and profiles.
 *
 * @example
 * ```ts
 * const clock = new Clock({ timeZone: -60, daylightSavingsEnabled: true });
 * clock.get(2, undefined, context); // octet-string(12): local time, deviation −60 or −120
 * ```
 */
export class Clock extends BaseCosemObject {
  /** Milliseconds added to the request time. */
  #offset = 0;
  readonly #timeZone: StoredAttribute;
  readonly #begin: StoredAttribute;
  readonly #end: StoredAttribute;
  readonly #dstDeviation: StoredAttribute;
  readonly #dstEnabled: StoredAttribute;

  /**
   * @param options - Time zone, daylight saving, clock base, measuring period.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   * @throws EncodeError when a daylight saving pattern has out-of-range fields
   */
  constructor(options: ClockOptions = {}) {
    const timeZone = new StoredAttribute(
      { type: 'long', value: options.timeZone ?? 0 },
      inRange('long', -720, 720),
    );
    const pattern = (p: CosemDateTime): StoredAttribute =>
      new StoredAttribute({ type: 'octet-string', value: encodeDateTimeOctets(p) }, isDateTimeOctets);
    const begin = pattern(options.daylightSavingsBegin ?? lastSunday(3, 2));
    const end = pattern(options.daylightSavingsEnd ?? lastSunday(10, 3));
    const dstDeviation = new StoredAttribute(
      { type: 'integer', value: options.daylightSavingsDeviation ?? 60 },
      inRange('integer', -120, 120),
    );
    const dstEnabled = new StoredAttribute(
      { type: 'boolean', value: options.daylightSavingsEnabled ?? false },
      ofType('boolean'),
    );
    const measuringMs = (options.measuringPeriod ?? 900) * 1000;
    let preset: { time: Date; from: Date; to: Date } | undefined;
    const clock = (): Clock => this!;
    const adjust = (context: CosemRequestContext, to: number): void => {
      const from = clock().timeAt(context.now);
      clock().#offset = to - context.now.getTime();
      options.onAdjust?.(from, new Date(to), context.now);
    };
    const rounded = (stepMs: number): MethodHandler =>
      dummyMethod((context) => {
        const t = clock().timeAt(context.now).getTime();
        adjust(context, Math.round(t / stepMs) * stepMs);
        return actionSuccess;
      });
    const time: AttributeHandler = {
      get: (context) => clock().formatTime(clock().timeAt(context.now)),
      set: (value, context) => {
        const instant = clock().#instantOf(value, context.now);
        if (instant === undefined) return 'type-unmatched';
        adjust(context, instant);
        return 'success';
      },
    };
    super({
      classId: 8,
      version: 0,
      logicalName: parseObis(options.logicalName ?? '0.0.1.0.0.255'),
      attributes: [
        time,
        timeZone,
        {
          get: (context) => ({
            type: 'unsigned',
            value: clock().isDaylightSaving(clock().timeAt(context.now)) ? 0x80 : 0,
          }),
        },
        begin,
        end,
        dstDeviation,
        dstEnabled,
        { get: () => ({ type: 'enum', value: options.clockBase ?? 1 }) },
      ],
      methods: [
        rounded(quarterMs),
        rounded(measuringMs),
        rounded(minuteMs),
        dummyMethod((context) => {
          const t = clock().timeAt(context.now);
          if (preset === undefined || t < preset.from || t > preset.to)
            return actionFailure('temporary-failure');
          adjust(context, preset.time.getTime());
          preset = undefined;
          return actionSuccess;
        }),
        (parameter, context) => {
          const parts =
            parameter?.type === 'structure' && parameter.value.length === 3 ? parameter.value : [];
          const [t, from, to] = parts.map((p) => clock().#instantOf(p, context.now));
          if (t === undefined || from === undefined || to === undefined)
            return actionFailure('type-unmatched');
          preset = { time: new Date(t), from: new Date(from), to: new Date(to) };
          return actionSuccess;
        },
        (parameter, context) => {
          // §11.3: shift_time takes a long of −900…900 seconds.
          if (parameter?.type !== 'long' || Math.abs(parameter.value) > 900)
            return actionFailure('type-unmatched');
          adjust(context, clock().timeAt(context.now).getTime() + parameter.value * 1000);
          return actionSuccess;
        },
      ],
    });
    this.#timeZone = timeZone;
    this.#begin = begin;
    this.#end = end;
    this.#dstDeviation = dstDeviation;
    this.#dstEnabled = dstEnabled;
  }

  /** The clock's time when the request time is `now`. */
  timeAt(now: Date): Date {
    return new Date(now.getTime() + this.#offset);
  }

  /** Whether daylight saving time is active at `instant` (enabled and between the patterns). */
  isDaylightSaving(instant: Date): boolean {
    if (!(this.#dstEnabled.value as { value: boolean }).value) return false;
    return isDaylightSaving(
      {
        begin: decodeDateTimeOctets((this.#begin.value as { value: Uint8Array }).value),
        end: decodeDateTimeOctets((this.#end.value as { value: Uint8Array }).value),
        timeZone: this.#number(this.#timeZone),
        deviation: this.#number(this.#dstDeviation),
      },
      instant.getTime(),
    );
  }

  /** The deviation (DLMS sign) of local time at `instant`: time_zone − DST deviation while DST is active. */
  deviationAt(instant: Date): number {
    const zone = this.#number(this.#timeZone);
    return this.isDaylightSaving(instant) ? zone - this.#number(this.#dstDeviation) : zone;
  }

  /** Writes `instant` as this clock's local date-time octet-string(12), with the DST status bit. */
  readonly formatTime: DateTimeFormatter = (instant) =>
    dateTimeData(instant, this.deviationAt(instant), this.isDaylightSaving(instant));

  #number(attribute: StoredAttribute): number {
    return (attribute.value as { value: number }).value;
  }

  /**
   * The instant (ms) of a written date-time, or undefined when it is not one. A deviation not
   * specified is taken as the clock's current one.
   */
  #instantOf(value: Data, now: Date): number | undefined {
    try {
      const dateTime = asDateTime(value);
      const deviation =
        dateTime.deviation === 'unspecified' ? this.deviationAt(this.timeAt(now)) : dateTime.deviation;
      return cosemDateTimeToDate({ ...dateTime, deviation }).getTime();
    } catch {
      return undefined;
    }
  }
}
