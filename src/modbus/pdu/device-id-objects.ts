/**
 * Read Device Identification object ids and names (Modbus spec §4.18 object table).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { hexByte } from './hex-format.js';

/** The object ids the standard names (0x07–0x7F are reserved, 0x80–0xFF private). */
export const DeviceIdObjectId = {
  /** 0x00 VendorName: basic category, mandatory, ASCII. */
  vendorName: 0x00,
  /** 0x01 ProductCode: basic category, mandatory, ASCII. */
  productCode: 0x01,
  /** 0x02 MajorMinorRevision: basic category, mandatory, ASCII (e.g. `V2.11`). */
  majorMinorRevision: 0x02,
  /** 0x03 VendorUrl: regular category, optional, ASCII. */
  vendorUrl: 0x03,
  /** 0x04 ProductName: regular category, optional, ASCII. */
  productName: 0x04,
  /** 0x05 ModelName: regular category, optional, ASCII. */
  modelName: 0x05,
  /** 0x06 UserApplicationName: regular category, optional, ASCII. */
  userApplicationName: 0x06,
} as const;

/** A standard device identification object id. */
export type DeviceIdObjectId = (typeof DeviceIdObjectId)[keyof typeof DeviceIdObjectId];

const standardNames = [
  'VendorName',
  'ProductCode',
  'MajorMinorRevision',
  'VendorUrl',
  'ProductName',
  'ModelName',
  'UserApplicationName',
] as const;

/**
 * The standard's name of a device identification object: `VendorName` … `UserApplicationName` for
 * 0x00–0x06, `reserved 0x..` for 0x07–0x7F and `private 0x..` for the product-dependent 0x80–0xFF.
 *
 * @throws {@link InvalidArgumentError} when `id` is not an integer 0–255
 * @example
 * ```ts
 * deviceIdObjectName(0x01); // 'ProductCode'
 * deviceIdObjectName(0x81); // 'private 0x81'
 * ```
 */
export function deviceIdObjectName(id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > 0xff) {
    throw new InvalidArgumentError(`device identification object id ${id} is not a byte`);
  }
  const name = standardNames[id];
  if (name !== undefined) return name;
  return `${id < 0x80 ? 'reserved' : 'private'} ${hexByte(id)}`;
}
