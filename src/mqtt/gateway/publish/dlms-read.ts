/**
 * Reading one COSEM attribute for the gateway modes: the value as JSON, its numeric form, unit
 * and capture time. Shared by the publish mode and the DLMS→Modbus bridge.
 *
 * @module
 */

import { ProtocolError } from '../../../core/errors.js';
import { cosemDateTimeToDate } from '../../../dlms/axdr/calendar-instant.js';
import type { DlmsClient } from '../../../dlms/client/dlms-client.js';
import type { RegisterValue } from '../../../dlms/client/register-reads.js';
import type { DlmsRequestOptions } from '../../../dlms/client/service-context.js';
import { scaledDecimal } from '../../../dlms/cosem/scaler.js';
import { integerJson, isoOf, jsonOf, numericOf, type ReadingValue } from './json-value.js';

/** One COSEM attribute to read. */
export interface DlmsReadItem {
  /** Logical name, e.g. `1.0.1.8.0.255` or `1-0:1.8.0*255`. */
  obis: string;
  /**
   * Interface class. Default 3 (Register: value scaled by its scaler_unit, with the unit); 4
   * (Extended register: also the capture time as the reading's timestamp); 1 (Data: the value
   * as it is); 8 (Clock: the time as an ISO instant); any other class is read raw.
   */
  classId?: number;
  /**
   * Attribute. Default 2 (the value; the time for a Clock). Another attribute of a Register,
   * Extended register or Clock is read raw (no scaling).
   */
  attribute?: number;
  /** Name of the reading. Default: the OBIS code. */
  name?: string;
}

/** What reading one item gives. */
export interface DlmsItemValue {
  /** The value as JSON (scaled for registers; decimal text for 64-bit values beyond 2^53). */
  value: ReadingValue;
  /** The numeric value (scaled for registers; a bigint for unscaled 64-bit values), when numeric. */
  numeric: number | bigint | undefined;
  /** Unit symbol of a register (`'Wh'`), absent when it has none (count, other) or is no register. */
  unit: string | undefined;
  /** Capture time the meter gave (Extended register), if any. */
  captureTime: Date | undefined;
}

function registerItem(r: RegisterValue): Omit<DlmsItemValue, 'captureTime'> {
  const unit = r.unit === '' ? undefined : r.unit;
  const raw = numericOf(r.raw);
  if (typeof raw === 'bigint' && typeof integerJson(raw) === 'string') {
    // Beyond 2^53 a double drops digits: publish the exact decimal text.
    return { value: scaledDecimal(raw, r.scaler), numeric: r.scaler === 0 ? raw : r.value, unit };
  }
  return { value: r.value, numeric: r.value, unit };
}

/**
 * Reads one item with `client`.
 *
 * @throws the client's request errors (`DataAccessError`, `TimeoutError` …); `DecodeError` for a
 *   register whose value is not numeric; `ProtocolError` for a clock time without an instant
 */
export async function readDlmsItem(
  client: DlmsClient,
  item: DlmsReadItem,
  options: DlmsRequestOptions,
): Promise<DlmsItemValue> {
  const classId = item.classId ?? 3;
  const attribute = item.attribute ?? 2;
  if (attribute === 2 && classId === 3) {
    return { ...registerItem(await client.readRegister(item.obis, options)), captureTime: undefined };
  }
  if (attribute === 2 && classId === 4) {
    const r = await client.readExtendedRegister(item.obis, options);
    let captureTime: Date | undefined;
    try {
      captureTime = r.captureTime === undefined ? undefined : cosemDateTimeToDate(r.captureTime);
    } catch {
      captureTime = undefined; // unspecified fields: fall back to the read time
    }
    return { ...registerItem(r), captureTime };
  }
  if (attribute === 2 && classId === 8) {
    const clock = await client.readClock({ ...options, obis: item.obis });
    const iso = isoOf(clock.dateTime);
    if (iso === undefined) {
      throw new ProtocolError(`clock ${item.obis} sent a time with unspecified fields`);
    }
    return { value: iso, numeric: undefined, unit: undefined, captureTime: undefined };
  }
  const data = await client.get({ classId, obis: item.obis, attribute }, options);
  return { value: jsonOf(data), numeric: numericOf(data), unit: undefined, captureTime: undefined };
}
