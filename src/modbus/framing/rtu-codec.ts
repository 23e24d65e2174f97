/**
 * One RTU frame to bytes and back (Modbus spec §7.2, §7.3).
 *
 * @module
 */

import { crc16Modbus } from '../../core/crc.js';
import { DecodeError } from '../../core/errors.js';
import { toHex } from '../../core/hex.js';
import { checkEncodableFrame } from './frame-checks.js';
import { maxRtuFrameBytes } from './rtu-length.js';
import type { ModbusFrame } from './types.js';

/**
 * Encodes an RTU ADU: address, PDU, then the CRC-16/MODBUS low byte first (spec §7.3).
 *
 * @throws {@link EncodeError} when the address is not 0–255, the PDU is not 1–253 bytes long or
 *   its function code is 0
 * @example
 * ```ts
 * encodeRtuFrame({ unitId: 1, pdu: fromHex('0300000001') }); // 01 03 00 00 00 01 84 0A
 * ```
 */
export function encodeRtuFrame(frame: ModbusFrame): Uint8Array {
  checkEncodableFrame(frame);
  const n = frame.pdu.length;
  const out = new Uint8Array(n + 3);
  out[0] = frame.unitId;
  out.set(frame.pdu, 1);
  const crc = crc16Modbus(out, 0, n + 1);
  out[n + 1] = crc & 0xff;
  out[n + 2] = crc >>> 8;
  return out;
}

/**
 * Decodes exactly one complete RTU frame (4–256 bytes) and checks its CRC (spec §7.5 steps 1–2).
 * The returned PDU is a copy. The address is not checked (that is the receiver's step 3).
 *
 * @throws {@link DecodeError} (layer `modbus-rtu`) when the frame is shorter than 4 or longer
 *   than 256 bytes, or its CRC does not match (offset = the CRC's position)
 * @example
 * ```ts
 * decodeRtuFrame(fromHex('010300000001840A')); // { unitId: 1, pdu: 03 00 00 00 01 }
 * ```
 */
export function decodeRtuFrame(bytes: Uint8Array): ModbusFrame {
  const n = bytes.length;
  if (n < 4) {
    throw new DecodeError(`RTU frame of ${n} byte(s) is too short`, {
      layer: 'modbus-rtu',
      offset: n,
      expected: 'at least 4 bytes (address, function code, CRC)',
      bytes,
    });
  }
  if (n > maxRtuFrameBytes) {
    throw new DecodeError(`RTU frame of ${n} bytes is too long`, {
      layer: 'modbus-rtu',
      offset: maxRtuFrameBytes,
      expected: `at most ${maxRtuFrameBytes} bytes`,
      bytes,
    });
  }
  if (crc16Modbus(bytes, 0, n) !== 0) throw crcMismatch(bytes, 0, n);
  return { unitId: bytes[0]!, pdu: bytes.slice(1, n - 2) };
}

/** The {@link DecodeError} for a bad CRC over `bytes[start, start + length)`, offset at the CRC. */
export function crcMismatch(bytes: Uint8Array, start: number, length: number, context = ''): DecodeError {
  const frame = bytes.subarray(start, start + length);
  const computed = crc16Modbus(frame, 0, length - 2);
  const received = frame[length - 2]! | (frame[length - 1]! << 8);
  return new DecodeError(
    `CRC mismatch${context}: frame carries ${hex16(received)}, computed ${hex16(computed)}`,
    {
      layer: 'modbus-rtu',
      offset: length - 2,
      expected: `CRC ${hex16(computed)} (low byte first)`,
      bytes: frame,
    },
  );
}

function hex16(v: number): string {
  return `0x${toHex(new Uint8Array([v >>> 8, v & 0xff]))}`;
}
