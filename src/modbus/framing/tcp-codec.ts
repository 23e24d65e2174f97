/**
 * One Modbus/TCP ADU (MBAP header + PDU) to bytes and back (Modbus spec §9.1).
 *
 * @module
 */

import { ByteWriter } from '../../core/bytes.js';
import { DecodeError, EncodeError } from '../../core/errors.js';
import { checkEncodableFrame, maxPduBytes } from './frame-checks.js';
import type { ModbusFrame } from './types.js';

/** MBAP header length: transaction id, protocol id, length, unit id (spec §9.1). */
export const mbapHeaderBytes = 7;

/**
 * Encodes a Modbus/TCP ADU: transaction id, protocol id 0, length (= 1 + PDU length), unit id,
 * PDU — all big-endian (spec §9.1).
 *
 * @throws {@link EncodeError} when `transactionId` is missing or not 0–65535, the unit id is not
 *   0–255, the PDU is not 1–253 bytes long or its function code is 0
 * @example
 * ```ts
 * encodeTcpFrame({ transactionId: 1, unitId: 1, pdu: fromHex('03006B0003') });
 * // 00 01 00 00 00 06 01 03 00 6B 00 03
 * ```
 */
export function encodeTcpFrame(frame: ModbusFrame): Uint8Array {
  const id = frame.transactionId;
  if (id === undefined || !Number.isInteger(id) || id < 0 || id > 0xffff) {
    throw new EncodeError('transactionId', `must be an integer 0–65535 for TCP framing, got ${id}`);
  }
  checkEncodableFrame(frame);
  const w = new ByteWriter(mbapHeaderBytes + frame.pdu.length);
  w.u16(id).u16(0);
  const lengthAt = w.reserve(2);
  w.u8(frame.unitId).bytes(frame.pdu);
  // The length field counts the bytes that follow it: unit id and PDU.
  w.setU16(lengthAt, w.pos - lengthAt - 2);
  return w.finish();
}

/**
 * Decodes exactly one Modbus/TCP ADU. The PDU is a copy.
 *
 * @throws {@link DecodeError} (layer `modbus-tcp`) when the input is shorter than the header, the
 *   length field is outside 2–254 (offset 4) or disagrees with the input's length, or the protocol
 *   id is not 0 (offset 2)
 * @example
 * ```ts
 * decodeTcpFrame(fromHex('0001000000060103006B0003'));
 * // { transactionId: 1, unitId: 1, pdu: 03 00 6B 00 03 }
 * ```
 */
export function decodeTcpFrame(bytes: Uint8Array): ModbusFrame {
  const n = bytes.length;
  if (n < 6) {
    throw new DecodeError(`ADU of ${n} byte(s) is too short`, {
      layer: 'modbus-tcp',
      offset: n,
      expected: 'a 7-byte MBAP header',
      bytes,
    });
  }
  const length = (bytes[4]! << 8) | bytes[5]!;
  const error = checkMbapLength(bytes, 0, length, maxPduBytes);
  if (error !== undefined) throw error;
  if (n !== 6 + length) {
    throw new DecodeError(`MBAP length ${length} announces ${6 + length} bytes, got ${n}`, {
      layer: 'modbus-tcp',
      offset: Math.min(n, 6 + length),
      expected: `an ADU of exactly ${6 + length} bytes`,
      bytes,
    });
  }
  const protocol = (bytes[2]! << 8) | bytes[3]!;
  if (protocol !== 0) throw protocolIdError(bytes, 0, protocol);
  return {
    transactionId: (bytes[0]! << 8) | bytes[1]!,
    unitId: bytes[6]!,
    pdu: bytes.slice(7, n),
  };
}

/**
 * The {@link DecodeError} for an MBAP length field outside 2 – (maxPdu + 1) in the ADU at
 * `bytes[start]`, or `undefined` when the length is acceptable (spec §9.2 step 1).
 */
export function checkMbapLength(
  bytes: Uint8Array,
  start: number,
  length: number,
  maxPdu: number,
): DecodeError | undefined {
  if (length >= 2 && length <= maxPdu + 1) return undefined;
  return new DecodeError(
    `MBAP length ${length} is outside 2–${maxPdu + 1}; the stream cannot be resynchronised`,
    {
      layer: 'modbus-tcp',
      offset: 4,
      expected: `a length of 2–${maxPdu + 1} (unit id + PDU)`,
      bytes: bytes.subarray(start, Math.min(bytes.length, start + 6 + 16)),
    },
  );
}

/** The {@link DecodeError} for an ADU at `bytes[start]` whose protocol id is not 0 (offset 2). */
export function protocolIdError(bytes: Uint8Array, start: number, protocol: number): DecodeError {
  return new DecodeError(`protocol identifier ${protocol} is not Modbus`, {
    layer: 'modbus-tcp',
    offset: 2,
    expected: 'protocol identifier 0',
    bytes: bytes.subarray(start),
  });
}
