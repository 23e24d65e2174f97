/**
 * COSEM date, time and date-time octets (meterlink spec §6.5): the 5-, 4- and 12-octet layouts
 * carried by the Data tags 26, 27 and 25 or, more often, by an octet-string of that length.
 *
 * Decoding accepts exactly the normal ranges and the special values of §6.5 and rejects every
 * other raw value with a `DecodeError`: month 0 or 13–0xFC, day of month 0 or 32–0xFC (0xE0–0xFC
 * are reserved), day of week 0 or 8–0xFE, hour ≥ 24, minute or second ≥ 60, hundredths ≥ 100
 * (0xFF always means "not specified"), and a deviation outside ±840 minutes other than 0x8000.
 * The year (any value; 0xFFFF = not specified) and the clock status (any octet) are never
 * rejected.
 *
 * @module
 */

import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { decodeClockStatus, encodeClockStatus } from './clock-status.js';
import type {
  CosemDate,
  CosemDateTime,
  CosemDayOfMonth,
  CosemMonth,
  CosemTime,
  Unspecified,
} from './types.js';

/** Options of the date-time octet codecs. */
export interface DateTimeOctetsOptions {
  /**
   * The deviation is on the wire with the opposite sign (UTC = local − deviation), as some national
   * companion specifications use (§6.5, §14.1). Default false.
   */
  invertDeviation?: boolean;
}

/** Largest accepted |deviation| in minutes (§6.5: normal ±720, accept ±840). */
export const maxDeviation = 840;

const unspecifiedOctet = 0xff;
const unspecifiedYear = 0xffff;
const unspecifiedDeviation = -0x8000;

const whatDate = 'a date (5 octets)';
const whatTime = 'a time (4 octets)';
const whatDateTime = 'a date-time (12 octets)';
const expectMonth = 'a month 1–12, 0xFD, 0xFE or 0xFF';
const expectDay = 'a day of month 1–31, 0xFD, 0xFE or 0xFF';
const expectWeekday = 'a day of week 1–7 or 0xFF';
const expectHour = 'an hour 0–23 or 0xFF';
const expectMinute = 'a minute 0–59 or 0xFF';
const expectSecond = 'a second 0–59 or 0xFF';
const expectHundredths = 'hundredths 0–99 or 0xFF';
const expectDeviation = 'a deviation of −840…840 minutes or 0x8000';

/** A one-octet field: 0xFF = unspecified, else `min`–`max` or a DecodeError at `at`. */
function field(
  reader: ByteReader,
  raw: number,
  max: number,
  min: number,
  at: number,
  expected: string,
): number | Unspecified {
  if (raw === unspecifiedOctet) return 'unspecified';
  if (raw < min || raw > max)
    reader.fail(`value 0x${raw.toString(16).toUpperCase()} is out of range`, expected, at);
  return raw;
}

/**
 * Reads the 5 date octets at the reader's cursor.
 * @throws DecodeError (the reader's layer) when truncated or a field is out of range
 */
export function readCosemDate(reader: ByteReader): CosemDate {
  reader.need(5, whatDate);
  const b = reader.bytes;
  const p = reader.pos;
  const year = (b[p]! << 8) | b[p + 1]!;
  const m = b[p + 2]!;
  const d = b[p + 3]!;
  let month: CosemMonth;
  if (m === 0xfd) month = 'dst-end';
  else if (m === 0xfe) month = 'dst-begin';
  else month = field(reader, m, 12, 1, p + 2, expectMonth);
  let dayOfMonth: CosemDayOfMonth;
  if (d === 0xfd) dayOfMonth = 'second-last';
  else if (d === 0xfe) dayOfMonth = 'last';
  else dayOfMonth = field(reader, d, 31, 1, p + 3, expectDay);
  const dayOfWeek = field(reader, b[p + 4]!, 7, 1, p + 4, expectWeekday);
  reader.pos = p + 5;
  return { year: year === unspecifiedYear ? 'unspecified' : year, month, dayOfMonth, dayOfWeek };
}

/**
 * Reads the 4 time octets at the reader's cursor.
 * @throws DecodeError (the reader's layer) when truncated or a field is out of range
 */
export function readCosemTime(reader: ByteReader): CosemTime {
  reader.need(4, whatTime);
  const b = reader.bytes;
  const p = reader.pos;
  const hour = field(reader, b[p]!, 23, 0, p, expectHour);
  const minute = field(reader, b[p + 1]!, 59, 0, p + 1, expectMinute);
  const second = field(reader, b[p + 2]!, 59, 0, p + 2, expectSecond);
  const hundredths = field(reader, b[p + 3]!, 99, 0, p + 3, expectHundredths);
  reader.pos = p + 4;
  return { hour, minute, second, hundredths };
}

/**
 * Reads the 12 date-time octets at the reader's cursor. With `invertDeviation` the deviation is
 * negated so the result always follows the DLMS convention (UTC = local + deviation).
 * @throws DecodeError (the reader's layer) when truncated or a field is out of range
 */
export function readCosemDateTime(reader: ByteReader, invertDeviation = false): CosemDateTime {
  reader.need(12, whatDateTime);
  const { year, month, dayOfMonth, dayOfWeek } = readCosemDate(reader);
  const { hour, minute, second, hundredths } = readCosemTime(reader);
  const at = reader.pos;
  const raw = reader.i16(whatDateTime);
  let deviation: number | Unspecified;
  if (raw === unspecifiedDeviation) deviation = 'unspecified';
  else if (raw < -maxDeviation || raw > maxDeviation) {
    reader.fail(`deviation ${raw} is out of range`, expectDeviation, at);
  } else deviation = invertDeviation ? 0 - raw : raw; // 0 - raw: never -0
  const clockStatus = decodeClockStatus(reader.u8(whatDateTime));
  return {
    year,
    month,
    dayOfMonth,
    dayOfWeek,
    hour,
    minute,
    second,
    hundredths,
    deviation,
    clockStatus,
  };
}

function fieldOctet(value: unknown, name: string, min: number, max: number): number {
  if (value === 'unspecified') return unspecifiedOctet;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError(name, `${String(value)} is not 'unspecified' or an integer ${min}–${max}`);
  }
  return value;
}

/**
 * Writes the 5 date octets.
 * @throws EncodeError naming the field that is out of range
 */
export function writeCosemDate(writer: ByteWriter, value: CosemDate): void {
  const { year, month, dayOfMonth } = value;
  let y: number;
  if (year === 'unspecified') y = unspecifiedYear;
  else if (Number.isInteger(year) && year >= 0 && year < unspecifiedYear) y = year;
  else throw new EncodeError('year', `${String(year)} is not 'unspecified' or an integer 0–65534`);
  let m: number;
  if (month === 'dst-end') m = 0xfd;
  else if (month === 'dst-begin') m = 0xfe;
  else m = fieldOctet(month, 'month', 1, 12);
  let d: number;
  if (dayOfMonth === 'second-last') d = 0xfd;
  else if (dayOfMonth === 'last') d = 0xfe;
  else d = fieldOctet(dayOfMonth, 'dayOfMonth', 1, 31);
  const w = fieldOctet(value.dayOfWeek, 'dayOfWeek', 1, 7);
  writer.u16(y).u8(m).u8(d).u8(w);
}

/**
 * Writes the 4 time octets.
 * @throws EncodeError naming the field that is out of range
 */
export function writeCosemTime(writer: ByteWriter, value: CosemTime): void {
  const h = fieldOctet(value.hour, 'hour', 0, 23);
  const m = fieldOctet(value.minute, 'minute', 0, 59);
  const s = fieldOctet(value.second, 'second', 0, 59);
  const c = fieldOctet(value.hundredths, 'hundredths', 0, 99);
  writer.u8(h).u8(m).u8(s).u8(c);
}

/**
 * Writes the 12 date-time octets; `invertDeviation` writes the deviation with the opposite sign.
 * @throws EncodeError naming the field that is out of range
 */
export function writeCosemDateTime(writer: ByteWriter, value: CosemDateTime, invertDeviation = false): void {
  const { deviation } = value;
  let dev: number;
  if (deviation === 'unspecified') dev = unspecifiedDeviation;
  else if (Number.isInteger(deviation) && deviation >= -maxDeviation && deviation <= maxDeviation) {
    dev = invertDeviation ? -deviation : deviation;
  } else {
    throw new EncodeError('deviation', `${String(deviation)} is not 'unspecified' or an integer −840…840`);
  }
  const status = encodeClockStatus(value.clockStatus);
  writeCosemDate(writer, value);
  writeCosemTime(writer, value);
  writer.i16(dev).u8(status);
}

/**
 * Decodes the 5 octets of a COSEM date (§6.5), e.g. the content of a 5-octet octet-string.
 *
 * @throws DecodeError (layer 'axdr') unless `bytes` is exactly 5 valid octets
 * @example
 * ```ts
 * decodeDateOctets(fromHex('07E8060F06')); // { year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 }
 * ```
 */
export function decodeDateOctets(bytes: Uint8Array): CosemDate {
  const reader = new ByteReader(bytes, 'axdr');
  const value = readCosemDate(reader);
  reader.expectEnd(whatDate);
  return value;
}

/**
 * Encodes a COSEM date as its 5 octets (§6.5).
 *
 * @throws EncodeError naming the field that is out of range
 * @example
 * ```ts
 * encodeDateOctets({ year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 }); // 07 E8 06 0F 06
 * ```
 */
export function encodeDateOctets(value: CosemDate): Uint8Array {
  const writer = new ByteWriter(5);
  writeCosemDate(writer, value);
  return writer.finish();
}

/**
 * Decodes the 4 octets of a COSEM time (§6.5).
 *
 * @throws DecodeError (layer 'axdr') unless `bytes` is exactly 4 valid octets
 * @example
 * ```ts
 * decodeTimeOctets(fromHex('0C223800')); // { hour: 12, minute: 34, second: 56, hundredths: 0 }
 * ```
 */
export function decodeTimeOctets(bytes: Uint8Array): CosemTime {
  const reader = new ByteReader(bytes, 'axdr');
  const value = readCosemTime(reader);
  reader.expectEnd(whatTime);
  return value;
}

/**
 * Encodes a COSEM time as its 4 octets (§6.5).
 *
 * @throws EncodeError naming the field that is out of range
 * @example
 * ```ts
 * encodeTimeOctets({ hour: 12, minute: 34, second: 56, hundredths: 0 }); // 0C 22 38 00
 * ```
 */
export function encodeTimeOctets(value: CosemTime): Uint8Array {
  const writer = new ByteWriter(4);
  writeCosemTime(writer, value);
  return writer.finish();
}

/**
 * Decodes the 12 octets of a COSEM date-time (§6.5), typically the content of the 12-octet
 * octet-string a Clock `time` attribute or a profile buffer carries.
 *
 * @throws DecodeError (layer 'axdr') unless `bytes` is exactly 12 valid octets
 * @example
 * ```ts
 * const t = decodeDateTimeOctets(fromHex('07E8010F0108000000FFC400'));
 * t.hour; // 8 (local time), t.deviation; // -60 (CET: UTC = 08:00 − 60 min)
 * ```
 */
export function decodeDateTimeOctets(bytes: Uint8Array, options?: DateTimeOctetsOptions): CosemDateTime {
  const reader = new ByteReader(bytes, 'axdr');
  const value = readCosemDateTime(reader, options?.invertDeviation === true);
  reader.expectEnd(whatDateTime);
  return value;
}

/**
 * Encodes a COSEM date-time as its 12 octets (§6.5).
 *
 * @throws EncodeError naming the field that is out of range
 * @example
 * ```ts
 * const octets = encodeDateTimeOctets(dateToCosemDateTime(new Date(), { deviation: -60 }));
 * ```
 */
export function encodeDateTimeOctets(value: CosemDateTime, options?: DateTimeOctetsOptions): Uint8Array {
  const writer = new ByteWriter(12);
  writeCosemDateTime(writer, value, options?.invertDeviation === true);
  return writer.finish();
}
