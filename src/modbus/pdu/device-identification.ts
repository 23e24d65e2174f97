/**
 * FC43 / MEI 14 Read Device Identification response body (Modbus spec §4.18).
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { FunctionCode, MeiType } from './constants.js';
import { readDeviceIdCode } from './decode-helpers.js';
import { checkArray, checkBytes, checkInt, checkPduSize, checkU8 } from './encode-checks.js';
import { hexByte } from './hex-format.js';
import type { DeviceIdObject, ModbusResponse } from './types.js';

/** The FC43/14 response message. */
export type DeviceIdentificationResponse = Extract<ModbusResponse, { type: 'read-device-identification' }>;

/** Bytes before the object list: FC, MEI type, code, conformity, more follows, next id, count. */
const headerBytes = 7;

/** Encodes an FC43/14 request. */
export function encodeDeviceIdentificationRequest(readCode: number, objectId: number): Uint8Array {
  checkInt('readCode', readCode, 1, 4);
  checkU8('objectId', objectId);
  return Uint8Array.of(
    FunctionCode.encapsulatedInterfaceTransport,
    MeiType.readDeviceIdentification,
    readCode,
    objectId,
  );
}

/** Encodes an FC43/14 response. */
export function encodeDeviceIdentificationResponse(res: DeviceIdentificationResponse): Uint8Array {
  checkInt('readCode', res.readCode, 1, 4);
  checkU8('conformityLevel', res.conformityLevel);
  if (typeof res.moreFollows !== 'boolean') throw new EncodeError('moreFollows', 'must be a boolean');
  checkU8('nextObjectId', res.nextObjectId);
  // "Next Object Id … 0x00 when More Follows = 0x00" (spec §4.18 response table).
  if (!res.moreFollows && res.nextObjectId !== 0) {
    throw new EncodeError('nextObjectId', 'must be 0 when moreFollows is false (spec §4.18)');
  }
  const objects = res.objects;
  checkArray('objects', objects);
  let size = headerBytes;
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i]!;
    checkU8(`objects[${i}].id`, obj.id);
    checkBytes(`objects[${i}].value`, obj.value);
    if (obj.value.length > 0xff) {
      throw new EncodeError(`objects[${i}].value`, `${obj.value.length} bytes, an object holds at most 255`);
    }
    size += 2 + obj.value.length;
    // Objects are indivisible and must fit in one PDU (spec §4.18 server rule 5).
    checkPduSize(`objects[${i}].value`, size);
  }
  const w = new ByteWriter(size)
    .u8(FunctionCode.encapsulatedInterfaceTransport)
    .u8(MeiType.readDeviceIdentification)
    .u8(res.readCode)
    .u8(res.conformityLevel)
    .u8(res.moreFollows ? 0xff : 0x00)
    .u8(res.nextObjectId)
    .u8(objects.length);
  for (const obj of objects) w.u8(obj.id).u8(obj.value.length).bytes(obj.value);
  return w.finish();
}

/** Reads an FC43/14 response body after the MEI type, walking the object list with bounds checks. */
export function readDeviceIdentificationResponse(r: ByteReader): DeviceIdentificationResponse {
  const readCode = readDeviceIdCode(r);
  const conformityLevel = r.u8('conformity level');
  const moreAt = r.pos;
  const more = r.u8('More Follows');
  if (more !== 0x00 && more !== 0xff)
    r.fail(`More Follows ${hexByte(more)}`, 'More Follows 0x00 or 0xFF', moreAt);
  const nextObjectId = r.u8('Next Object Id');
  const countAt = r.pos;
  const count = r.u8('number of objects');
  // Each object needs at least its id and length bytes: check before building the list.
  if (count * 2 > r.remaining) {
    r.fail(
      `${count} objects announced but ${r.remaining} bytes follow`,
      'at most one object per 2 remaining bytes',
      countAt,
    );
  }
  const objects: DeviceIdObject[] = [];
  for (let i = 0; i < count; i++) {
    const id = r.u8('object id');
    const lengthAt = r.pos;
    const length = r.u8('object length');
    if (length > r.remaining) {
      r.fail(
        `object length ${length} with ${r.remaining} bytes left`,
        'an object length within the PDU',
        lengthAt,
      );
    }
    objects.push({ id, value: r.bytesView(length, 'object value') });
  }
  r.expectEnd('end of the object list');
  return {
    type: 'read-device-identification',
    readCode,
    conformityLevel,
    moreFollows: more === 0xff,
    nextObjectId,
    objects,
  };
}
