/**
 * FC43/14 Read Device Identification, server side (spec §4.18 server rules 1–6).
 *
 * @module
 */

import { ExceptionCode, ModbusLimits } from '../pdu/constants.js';
import type { DeviceIdObject, ModbusRequest, ModbusResponse } from '../pdu/types.js';
import { refuse } from './exception-response.js';

/** Response header: function, MEI type, read code, conformity, more follows, next id, count. */
const headerBytes = 7;

/** Bit 7 of the conformity level: individual access (code 04) is supported. */
const individualAccessBit = 0x80;

/**
 * Is object `id` part of the stream of `readCode` (spec §4.18 rule 2)? Code 1: 0x00–0x02; code 2:
 * 0x00–0x06; code 3: 0x00–0x06 and 0x80–0xFF (0x07–0x7F are reserved and never streamed).
 */
function inCategory(id: number, readCode: number): boolean {
  if (id <= 0x02) return true;
  if (id <= 0x06) return readCode >= 2;
  return readCode >= 3 && id >= 0x80;
}

/** Conformity level from the objects present: 1 basic, 2 regular, 3 extended (bit 7 = individual access). */
function conformityOf(objects: ReadonlyMap<number, Uint8Array>, individualAccess: boolean): number {
  let level = 0x01;
  for (const id of objects.keys()) {
    if (id >= 0x80) level = 0x03;
    else if (id >= 0x03 && level < 0x02) level = 0x02;
  }
  return individualAccess ? individualAccessBit | level : level;
}

/**
 * Answers FC43/14 from the device's identification objects (spec §4.18):
 *
 * - code 04 (individual access): exactly the object asked for, or exception 02 when the device
 *   does not have it (rule 6); exception 03 when the device offers stream access only;
 * - codes 01–03 (streams): the objects of the category and those below, in id order, from the
 *   requested object on (rule 2); an object id the stream does not hold restarts at the first
 *   object (rule 3); a category above the device's level is served at the device's level
 *   (rule 4); objects are never split: what does not fit a 253-byte PDU is announced with
 *   More Follows 0xFF and the id of the first object left out (rule 5).
 *
 * Rule 1 (a Read Device ID code outside 1–4 → 03) is enforced by `decodeRequest`.
 */
export function answerDeviceIdentification(
  request: Extract<ModbusRequest, { type: 'read-device-identification' }>,
  objects: ReadonlyMap<number, Uint8Array>,
  individualAccess = true,
): ModbusResponse {
  const conformityLevel = conformityOf(objects, individualAccess);
  const reply = (list: DeviceIdObject[], moreFollows: boolean, nextObjectId: number): ModbusResponse => ({
    type: 'read-device-identification',
    readCode: request.readCode,
    conformityLevel,
    moreFollows,
    nextObjectId,
    objects: list,
  });

  if (request.readCode === 4) {
    if (!individualAccess) return refuse(request, ExceptionCode.illegalDataValue);
    const value = objects.get(request.objectId);
    if (value === undefined) return refuse(request, ExceptionCode.illegalDataAddress);
    return reply([{ id: request.objectId, value }], false, 0);
  }

  const readCode = Math.min(request.readCode, conformityLevel & 0x7f);
  const ids = [...objects.keys()].filter((id) => inCategory(id, readCode)).sort((a, b) => a - b);
  let start = ids.indexOf(request.objectId);
  if (start < 0) start = 0;

  const list: DeviceIdObject[] = [];
  let size = headerBytes;
  for (let i = start; i < ids.length; i++) {
    const id = ids[i]!;
    const value = objects.get(id)!;
    if (size + 2 + value.length > ModbusLimits.maxPduBytes) return reply(list, true, id);
    list.push({ id, value });
    size += 2 + value.length;
  }
  return reply(list, false, 0);
}
