/**
 * Invoke-Id-And-Priority and Long-Invoke-Id-And-Priority (meterlink spec §9.1).
 *
 * The reserved bits (4–5 of the short form, 24–27 of the long form) must be 0: a set reserved
 * bit is rejected rather than dropped, since it could not re-encode to the same octets and the
 * client only ever sends 0 there.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { checkInteger } from './encode-checks.js';
import type { InvokeIdAndPriority, LongInvokeIdAndPriority } from './types.js';

/**
 * Reads the one-octet Invoke-Id-And-Priority.
 *
 * @throws DecodeError when a reserved bit is set or the input ends
 */
export function readInvokeIdAndPriority(reader: ByteReader): InvokeIdAndPriority {
  const octet = reader.u8('invoke-id-and-priority');
  if ((octet & 0x30) !== 0) {
    reader.fail('reserved bits 4–5 of invoke-id-and-priority set', 'reserved bits 0 (§9.1)', reader.pos - 1);
  }
  return { invokeId: octet & 0x0f, confirmed: (octet & 0x40) !== 0, highPriority: (octet & 0x80) !== 0 };
}

/**
 * Writes the one-octet Invoke-Id-And-Priority.
 *
 * @throws EncodeError when `invokeId` is not 0–15 or `invoke` is missing
 */
export function writeInvokeIdAndPriority(writer: ByteWriter, invoke: InvokeIdAndPriority): void {
  if (invoke === undefined || invoke === null) throw new EncodeError('invoke', 'missing');
  checkInteger(invoke.invokeId, 0, 15, 'invokeId');
  writer.u8(invoke.invokeId | (invoke.confirmed ? 0x40 : 0) | (invoke.highPriority ? 0x80 : 0));
}

/**
 * Reads the four-octet Long-Invoke-Id-And-Priority.
 *
 * @throws DecodeError when a reserved bit is set or the input ends
 */
export function readLongInvokeIdAndPriority(reader: ByteReader): LongInvokeIdAndPriority {
  const value = reader.i32('long-invoke-id-and-priority');
  if ((value & 0x0f000000) !== 0) {
    reader.fail(
      'reserved bits 24–27 of long-invoke-id-and-priority set',
      'reserved bits 0 (§9.1)',
      reader.pos - 4,
    );
  }
  return {
    longInvokeId: value & 0xffffff,
    selfDescriptive: (value & 0x10000000) !== 0,
    breakOnError: (value & 0x20000000) !== 0,
    confirmed: (value & 0x40000000) !== 0,
    highPriority: value < 0,
  };
}

/**
 * Writes the four-octet Long-Invoke-Id-And-Priority.
 *
 * @throws EncodeError when `longInvokeId` is not 0 – 2^24−1 or `invoke` is missing
 */
export function writeLongInvokeIdAndPriority(writer: ByteWriter, invoke: LongInvokeIdAndPriority): void {
  if (invoke === undefined || invoke === null) throw new EncodeError('invoke', 'missing');
  checkInteger(invoke.longInvokeId, 0, 0xffffff, 'longInvokeId');
  writer.u32(
    invoke.longInvokeId |
      (invoke.selfDescriptive ? 0x10000000 : 0) |
      (invoke.breakOnError ? 0x20000000 : 0) |
      (invoke.confirmed ? 0x40000000 : 0) |
      (invoke.highPriority ? 0x80000000 : 0),
  );
}
