/**
 * Messages carried as opaque bytes: `raw` (any function code 1–127, spec §3) and
 * `encapsulated-interface` (FC43 with an MEI type other than 14, spec §4.17). Same layout in both
 * directions.
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { FunctionCode, MeiType } from './constants.js';
import { checkBytes, checkInt, checkPduSize, checkU8 } from './encode-checks.js';

/** FC43 with an MEI type other than 14: the MEI type, then opaque data (e.g. CANopen, MEI 13). */
export function encodeEncapsulated(meiType: number, data: Uint8Array): Uint8Array {
  checkU8('meiType', meiType);
  if (meiType === MeiType.readDeviceIdentification) {
    throw new EncodeError('meiType', "MEI type 14 is encoded from a 'read-device-identification' message");
  }
  checkBytes('data', data);
  checkPduSize('data', 2 + data.length);
  return new ByteWriter(2 + data.length)
    .u8(FunctionCode.encapsulatedInterfaceTransport)
    .u8(meiType)
    .bytes(data)
    .finish();
}

/** A function code 1–127 followed by opaque data (user-defined and vendor functions). */
export function encodeRaw(functionCode: number, data: Uint8Array): Uint8Array {
  checkInt('functionCode', functionCode, 1, 0x7f);
  checkBytes('data', data);
  checkPduSize('data', 1 + data.length);
  return new ByteWriter(1 + data.length).u8(functionCode).bytes(data).finish();
}

/** Reads the rest of an FC43 PDU whose MEI type (already read) is not 14. */
export function readEncapsulated(
  r: ByteReader,
  meiType: number,
): { type: 'encapsulated-interface'; meiType: number; data: Uint8Array } {
  return { type: 'encapsulated-interface', meiType, data: r.rest() };
}

/** Reads the rest of a PDU whose function code (already read) has no typed message. */
export function readRaw(
  r: ByteReader,
  functionCode: number,
): { type: 'raw'; functionCode: number; data: Uint8Array } {
  return { type: 'raw', functionCode, data: r.rest() };
}
