/**
 * scaler_unit (meterlink spec §6.7, §11.4): `structure { integer scaler, enum unit }`, and the
 * scaling `physical = raw × 10^scaler`.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { Data } from '../axdr/types.js';
import { integerOf, malformed, structureOf } from './malformed.js';
import { unitSymbol } from './units.js';

/** A decoded scaler_unit. */
export interface ScalerUnit {
  /** Power of ten, −128…127. */
  scaler: number;
  /** Unit enumeration (§11.4, see `unitById`). */
  unit: number;
}

/** A scaled register value. */
export interface ScaledValue {
  /** `raw × 10^scaler` as a number (see {@link applyScaler} for the rounding). */
  value: number;
  /** Unit enumeration. */
  unit: number;
  /** Unit symbol (`'V'`); `''` for 254/255, `'unit n'` for an unassigned value. */
  symbol: string;
}

/**
 * Reads a scaler_unit attribute value.
 *
 * @param data - The decoded attribute (`02 02 0F ss 16 uu`).
 * @returns `{ scaler, unit }`.
 * @throws DecodeError (layer `'cosem'`) when `data` is not a structure { integer, enum }.
 * @example
 * ```ts
 * parseScalerUnit(decodeData(fromHex('02020FFF1623'))); // { scaler: -1, unit: 35 }
 * ```
 */
export function parseScalerUnit(data: Data): ScalerUnit {
  const [s, u] = structureOf(data, 2, 'scaler_unit') as [Data, Data];
  return {
    scaler: integerOf(s, 'integer', 'scaler_unit', -1, 'scaler'),
    unit: integerOf(u, 'enum', 'scaler_unit', -1, 'unit'),
  };
}

/**
 * Applies a scaler: `value × 10^scaler`.
 *
 * Negative scalers divide by the exact power of ten (`2304 / 10`) instead of multiplying by the
 * inexact `0.1`, so for an integer value the result is the double nearest to the decimal value
 * (230.4, never 230.39999999999998); that also holds for bigints beyond ±2^53 and scalers beyond
 * ±22. A double keeps about 16 significant digits: use {@link scaledDecimal} when every digit
 * of a long64 matters.
 *
 * @param value - The raw register value.
 * @param scaler - The power of ten (an integer).
 * @returns The scaled value.
 * @throws InvalidArgumentError when `scaler` is not an integer.
 * @example
 * ```ts
 * applyScaler(2304, -1); // 230.4
 * applyScaler(5n, 3); // 5000
 * ```
 */
export function applyScaler(value: number | bigint, scaler: number): number {
  if (!Number.isInteger(scaler)) throw new InvalidArgumentError(`scaler must be an integer, got ${scaler}`);
  const v = Number(value);
  if (scaler === 0 || !Number.isFinite(v)) return v;
  // Powers of ten up to 10^22 are exact doubles, so one division or multiplication is correctly
  // rounded. Beyond that, or for a bigint a double cannot hold, let the number parser round the
  // exact decimal `<value>e<scaler>` once.
  if (scaler >= -22 && scaler <= 22 && (typeof value === 'number' || Number.isSafeInteger(v))) {
    return scaler < 0 ? v / 10 ** -scaler : v * 10 ** scaler;
  }
  const text = typeof value === 'bigint' ? value.toString() : String(v);
  if (text.includes('e')) return scaler < 0 ? v / 10 ** -scaler : v * 10 ** scaler;
  return Number(`${text}e${scaler}`);
}

/**
 * Applies a scaler to an integer exactly, as a decimal string.
 *
 * @param value - The raw integer register value.
 * @param scaler - The power of ten (an integer).
 * @returns The exact decimal text (`'230.4'`, `'-0.05'`, `'1500'`).
 * @throws InvalidArgumentError when `value` or `scaler` is not an integer.
 * @example
 * ```ts
 * scaledDecimal(18446744073709551615n, -3); // '18446744073709551.615'
 * ```
 */
export function scaledDecimal(value: number | bigint, scaler: number): string {
  if (!Number.isInteger(scaler)) throw new InvalidArgumentError(`scaler must be an integer, got ${scaler}`);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`value must be a safe integer or a bigint, got ${value}`);
  }
  const negative = value < 0;
  const digits = (negative ? -BigInt(value) : BigInt(value)).toString();
  const sign = negative ? '-' : '';
  if (scaler >= 0) return digits === '0' ? '0' : `${sign}${digits}${'0'.repeat(scaler)}`;
  const padded = digits.padStart(-scaler + 1, '0');
  const cut = padded.length + scaler;
  const fraction = padded.slice(cut).replace(/0+$/, '');
  const whole = padded.slice(0, cut);
  if (fraction === '' && whole === '0') return '0';
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * Scales a register value with its scaler_unit.
 *
 * @param data - The value attribute: any integer type, long64 (bigint), float32/64 or enum.
 * @param scalerUnit - The decoded scaler_unit, or its `Data`.
 * @returns `{ value, unit, symbol }`.
 * @throws DecodeError (layer `'cosem'`) when `data` is not numeric or `scalerUnit` is malformed.
 * @example
 * ```ts
 * scaledValue({ type: 'long-unsigned', value: 2304 }, { scaler: -1, unit: 35 });
 * // { value: 230.4, unit: 35, symbol: 'V' }
 * ```
 */
export function scaledValue(data: Data, scalerUnit: ScalerUnit | Data): ScaledValue {
  const su = 'scaler' in scalerUnit ? scalerUnit : parseScalerUnit(scalerUnit);
  const raw = (data as { value?: unknown }).value;
  if ((typeof raw !== 'number' && typeof raw !== 'bigint') || data.type === 'bcd') {
    malformed(`value is ${data.type}`, 'a numeric value (integer, long64, float or enum)');
  }
  return { value: applyScaler(raw, su.scaler), unit: su.unit, symbol: unitSymbol(su.unit) };
}
