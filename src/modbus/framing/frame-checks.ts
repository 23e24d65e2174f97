/**
 * Checks shared by the frame encoders and the decoder options.
 *
 * @module
 */

import { EncodeError, InvalidArgumentError } from '../../core/errors.js';
import type { ModbusFrame } from './types.js';

/** Largest PDU on any transport (Modbus spec §1: 256-byte serial frame minus address and CRC). */
export const maxPduBytes = 253;

/**
 * Checks what every framing needs before encoding: an address/unit id 0–255 and a PDU of
 * 1–253 bytes whose function code is not 0 (Modbus spec §1, §3).
 *
 * @throws {@link EncodeError} naming the offending field
 */
export function checkEncodableFrame(frame: ModbusFrame): void {
  const { unitId, pdu } = frame;
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) {
    throw new EncodeError('unitId', `must be an integer 0–255, got ${unitId}`);
  }
  if (pdu.length < 1 || pdu.length > maxPduBytes) {
    throw new EncodeError('pdu', `must hold 1–${maxPduBytes} bytes (Modbus spec §1), got ${pdu.length}`);
  }
  if (pdu[0] === 0) throw new EncodeError('pdu', 'function code 0 is invalid (Modbus spec §3)');
}

/**
 * Returns `value` when it is an integer in `[min, max]`, `fallback` when it is `undefined`.
 *
 * @throws {@link InvalidArgumentError} naming the option otherwise
 */
export function integerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer ${min}–${max}, got ${value}`);
  }
  return value;
}

/**
 * Returns `value` when it is a finite number ≥ 0, `fallback` when it is `undefined`.
 *
 * @throws {@link InvalidArgumentError} naming the option otherwise
 */
export function durationOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a finite number of milliseconds ≥ 0, got ${value}`);
  }
  return value;
}
