/**
 * Typed reads of the Register family (meterlink spec §11.3 classes 3, 4 and 5): the value with
 * its scaler_unit applied, the raw value kept.
 *
 * @module
 */

import { asDateTime } from '../axdr/calendar-instant.js';
import type { CosemDateTime, Data } from '../axdr/types.js';
import { parseScalerUnit, type ScalerUnit, scaledValue } from '../cosem/scaler.js';
import { unitSymbol } from '../cosem/units.js';
import { dottedObis } from './descriptors.js';
import { getAttribute, getList } from './get-service.js';
import type { DlmsRequestOptions, ServiceContext } from './service-context.js';

/** A register value with its scaler and unit. */
export interface RegisterValue {
  /** `raw × 10^scaler`. */
  value: number;
  /** Unit symbol (`'Wh'`; `''` for count/other, `'unit n'` for an unassigned code). */
  unit: string;
  /** Unit enumeration (§11.4). */
  unitId: number;
  /** Power of ten applied. */
  scaler: number;
  /** The value attribute as read. */
  raw: Data;
}

/** An Extended register (class 4) reading. */
export interface ExtendedRegisterValue extends RegisterValue {
  /** status (meter specific). */
  status: Data;
  /** capture_time; `undefined` when the meter sent something that is not a date-time. */
  captureTime: CosemDateTime | undefined;
}

/** A Demand register (class 5) reading. */
export interface DemandRegisterValue {
  /** current_average_value, scaled. */
  currentAverage: number;
  /** last_average_value, scaled. */
  lastAverage: number;
  /** Unit symbol. */
  unit: string;
  /** Unit enumeration. */
  unitId: number;
  /** Power of ten applied. */
  scaler: number;
  /** status. */
  status: Data;
  /** capture_time (time of last_average_value). */
  captureTime: CosemDateTime | undefined;
  /** start_time_current. */
  startTimeCurrent: CosemDateTime | undefined;
  /** period, seconds. */
  period: number;
  /** The raw current_average_value and last_average_value. */
  raw: {
    /** current_average as received. */
    currentAverage: Data;
    /** last_average as received. */
    lastAverage: Data;
  };
}

/** Per-client cache of scaler_unit by `classId/obis` (the scaler of a register never changes). */
export type ScalerCache = Map<string, ScalerUnit>;

/**
 * Reads attributes of one object: one get-request-with-list when the meter supports it (one round
 * trip), else one GET each. The first failing attribute throws.
 *
 * @throws DataAccessError and the request errors
 */
export async function readAttributes(
  ctx: ServiceContext,
  classId: number,
  obis: string,
  attributes: readonly number[],
  options?: DlmsRequestOptions,
): Promise<Data[]> {
  const inputs = attributes.map((attribute) => ({ classId, obis, attribute }));
  if (inputs.length > 1 && ctx.conformance.multipleReferences) {
    return (await getList(ctx, inputs, options)).map((r) => {
      if (!r.ok) throw r.error;
      return r.value;
    });
  }
  const values: Data[] = [];
  for (const input of inputs) values.push(await getAttribute(ctx, input, options));
  return values;
}

function dateTimeOrUndefined(data: Data, ctx: ServiceContext): CosemDateTime | undefined {
  if (data.type !== 'date-time' && !(data.type === 'octet-string' && data.value.length === 12))
    return undefined;
  return asDateTime(data, { invertDeviation: ctx.quirks.invertDeviation === true });
}

/** Reads `value` plus the other attributes, taking scaler_unit from the cache when known. */
async function readScaled(
  ctx: ServiceContext,
  cache: ScalerCache,
  classId: number,
  input: string | Uint8Array,
  scalerAttribute: number,
  attributes: readonly number[],
  options?: DlmsRequestOptions,
): Promise<{ scalerUnit: ScalerUnit; values: Data[] }> {
  const obis = dottedObis(input);
  const key = `${classId}/${obis}`;
  const cached = cache.get(key);
  const list = cached === undefined ? [scalerAttribute, ...attributes] : attributes;
  const values = await readAttributes(ctx, classId, obis, list, options);
  if (cached !== undefined) return { scalerUnit: cached, values };
  const scalerUnit = parseScalerUnit(values[0]!);
  cache.set(key, scalerUnit);
  return { scalerUnit, values: values.slice(1) };
}

function registerValue(raw: Data, su: ScalerUnit): RegisterValue {
  const scaled = scaledValue(raw, su);
  return { value: scaled.value, unit: scaled.symbol, unitId: su.unit, scaler: su.scaler, raw };
}

/**
 * Reads a Register (class 3): attribute 3 scaler_unit (once per OBIS, then cached) and 2 value.
 *
 * @throws DecodeError (layer `cosem`) when the value is not numeric or scaler_unit is malformed;
 *   the request errors
 */
export async function readRegister(
  ctx: ServiceContext,
  cache: ScalerCache,
  obis: string | Uint8Array,
  options?: DlmsRequestOptions,
): Promise<RegisterValue> {
  const { scalerUnit, values } = await readScaled(ctx, cache, 3, obis, 3, [2], options);
  return registerValue(values[0]!, scalerUnit);
}

/**
 * Reads an Extended register (class 4): value, scaler_unit, status and capture_time.
 *
 * @throws see {@link readRegister}
 */
export async function readExtendedRegister(
  ctx: ServiceContext,
  cache: ScalerCache,
  obis: string | Uint8Array,
  options?: DlmsRequestOptions,
): Promise<ExtendedRegisterValue> {
  const { scalerUnit, values } = await readScaled(ctx, cache, 4, obis, 3, [2, 4, 5], options);
  const [value, status, captureTime] = values as [Data, Data, Data];
  return { ...registerValue(value, scalerUnit), status, captureTime: dateTimeOrUndefined(captureTime, ctx) };
}

/**
 * Reads a Demand register (class 5): current and last average, scaler_unit, status, capture
 * time, start of the current period and the period.
 *
 * @throws see {@link readRegister}
 */
export async function readDemandRegister(
  ctx: ServiceContext,
  cache: ScalerCache,
  obis: string | Uint8Array,
  options?: DlmsRequestOptions,
): Promise<DemandRegisterValue> {
  const { scalerUnit, values } = await readScaled(ctx, cache, 5, obis, 4, [2, 3, 5, 6, 7, 8], options);
  const [current, last, status, capture, start, period] = values as [Data, Data, Data, Data, Data, Data];
  const c = scaledValue(current, scalerUnit);
  const l = scaledValue(last, scalerUnit);
  return {
    currentAverage: c.value,
    lastAverage: l.value,
    unit: unitSymbol(scalerUnit.unit),
    unitId: scalerUnit.unit,
    scaler: scalerUnit.scaler,
    status,
    captureTime: dateTimeOrUndefined(capture, ctx),
    startTimeCurrent: dateTimeOrUndefined(start, ctx),
    period:
      typeof (period as { value?: unknown }).value === 'number' ? (period as { value: number }).value : 0,
    raw: { currentAverage: current, lastAverage: last },
  };
}
