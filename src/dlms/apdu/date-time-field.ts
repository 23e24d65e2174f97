/**
 * Date-time fields of APDUs: an OCTET STRING (with its length) holding the 12 date-time octets of
 * §6.5, as in data-notification (§9.9), event-notification-request (§9.10) and the SN
 * information-report-request (§9.13). The octets are decoded in place, without a copy.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readCosemDateTime, writeCosemDateTime } from '../axdr/calendar.js';
import { readLength } from '../axdr/length.js';
import type { CosemDateTime } from '../axdr/types.js';
import { readPresence } from './fields.js';

/** Octets of a COSEM date-time (§6.5). */
const dateTimeBytes = 12;

/**
 * Reads the length and the 12 date-time octets.
 *
 * @param allowEmpty - `true` where an empty octet string means "no time" (data-notification).
 * @throws DecodeError for a length other than 12 (or 0 when allowed) or a field out of range
 */
export function readDateTimeOctetString(
  reader: ByteReader,
  allowEmpty: boolean,
  invertDeviation: boolean,
): CosemDateTime | undefined {
  const at = reader.pos;
  const length = readLength(reader, 'date-time');
  if (length === dateTimeBytes) return readCosemDateTime(reader, invertDeviation);
  if (length === 0 && allowEmpty) return undefined;
  return reader.fail(
    `date-time of ${length} octets`,
    allowEmpty ? 'an empty or 12-octet date-time' : 'a 12-octet date-time',
    at,
  );
}

/**
 * Writes a date-time as an OCTET STRING: `00` for `undefined`, else `0C` and the 12 octets.
 *
 * @throws EncodeError naming a calendar field out of range
 */
export function writeDateTimeOctetString(
  writer: ByteWriter,
  value: CosemDateTime | undefined,
  invertDeviation: boolean,
): void {
  if (value === undefined) {
    writer.u8(0);
    return;
  }
  writer.u8(dateTimeBytes);
  writeCosemDateTime(writer, value, invertDeviation);
}

/**
 * Reads an OPTIONAL date-time OCTET STRING: `00`, or `01 0C` and the 12 octets.
 *
 * @throws DecodeError for a bad presence octet, a length other than 12 or a field out of range
 */
export function readOptionalDateTime(
  reader: ByteReader,
  invertDeviation: boolean,
): CosemDateTime | undefined {
  if (!readPresence(reader, 'time')) return undefined;
  return readDateTimeOctetString(reader, false, invertDeviation);
}

/**
 * Writes an OPTIONAL date-time OCTET STRING.
 *
 * @throws EncodeError naming a calendar field out of range
 */
export function writeOptionalDateTime(
  writer: ByteWriter,
  value: CosemDateTime | undefined,
  invertDeviation: boolean,
): void {
  if (value === undefined) {
    writer.u8(0);
    return;
  }
  writer.u8(1);
  writeDateTimeOctetString(writer, value, invertDeviation);
}
