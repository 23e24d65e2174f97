/**
 * data-notification `0F` (meterlink spec §9.9) and event-notification-request `C2` (§9.10).
 *
 * The data-notification path is the push hot path: no strings are built and nothing is copied;
 * the date-time is decoded straight from the input.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import {
  readDateTimeOctetString,
  readOptionalDateTime,
  writeDateTimeOctetString,
  writeOptionalDateTime,
} from './date-time-field.js';
import { readAttributeDescriptor, writeAttributeDescriptor } from './descriptors.js';
import { readLongInvokeIdAndPriority, writeLongInvokeIdAndPriority } from './invoke-id.js';
import { apduTags } from './tags.js';
import type { DataNotification, EventNotificationRequest } from './types.js';

/**
 * Reads a data-notification after its tag octet.
 *
 * @throws DecodeError for a reserved bit set, a date-time that is neither empty nor 12 valid
 *   octets, or a malformed body
 */
export function readDataNotification(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): DataNotification {
  const invoke = readLongInvokeIdAndPriority(reader);
  const dateTime = readDateTimeOctetString(reader, true, options?.invertDeviation === true);
  const body = readData(reader, options);
  return { type: 'data-notification', invoke, dateTime, body };
}

/**
 * Writes a data-notification, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeDataNotification(
  writer: ByteWriter,
  apdu: DataNotification,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['data-notification']);
  writeLongInvokeIdAndPriority(writer, apdu.invoke);
  writeDateTimeOctetString(writer, apdu.dateTime, options?.invertDeviation === true);
  writeData(writer, apdu.body, options);
}

/**
 * Reads an event-notification-request after its tag octet.
 *
 * @throws DecodeError for a bad time field, a truncated descriptor or a malformed value
 */
export function readEventNotificationRequest(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): EventNotificationRequest {
  const time = readOptionalDateTime(reader, options?.invertDeviation === true);
  const attribute = readAttributeDescriptor(reader);
  const value = readData(reader, options);
  return { type: 'event-notification-request', time, attribute, value };
}

/**
 * Writes an event-notification-request, tag included.
 *
 * @throws EncodeError for a field out of range
 */
export function writeEventNotificationRequest(
  writer: ByteWriter,
  apdu: EventNotificationRequest,
  options: DataEncodeOptions | undefined,
): void {
  writer.u8(apduTags['event-notification-request']);
  writeOptionalDateTime(writer, apdu.time, options?.invertDeviation === true);
  writeAttributeDescriptor(writer, apdu.attribute);
  writeData(writer, apdu.value, options);
}
