/**
 * Field checks shared by the PDU encoders (internal). Each throws an {@link EncodeError} naming
 * the offending field, before anything is written.
 *
 * @module
 */

import { EncodeError } from '../../core/errors.js';
import { ModbusLimits } from './constants.js';

/** Throws unless `value` is an integer in `min … max`. */
export function checkInt(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError(field, `${String(value)} is not an integer in ${min}–${max}`);
  }
}

/** Throws unless `value` is a 16-bit unsigned integer (addresses, register values, masks). */
export function checkU16(field: string, value: number): void {
  checkInt(field, value, 0, 0xffff);
}

/** Throws unless `value` is an 8-bit unsigned integer. */
export function checkU8(field: string, value: number): void {
  checkInt(field, value, 0, 0xff);
}

/** Throws unless an array-like field holds `min … max` items of `unit`. */
export function checkCount(field: string, count: number, min: number, max: number, unit: string): void {
  if (count < min || count > max) {
    throw new EncodeError(field, `${count} ${unit}, expected ${min}–${max}`);
  }
}

/** Throws when a list field is empty. */
export function checkNotEmpty(field: string, count: number, unit: string): void {
  if (count === 0) throw new EncodeError(field, `at least one ${unit} is needed`);
}

/**
 * Throws when `address + quantity` runs past the 65 536 items of a table: a server answers 02 for
 * such a range and a client should refuse to send it (spec §2).
 */
export function checkRange(field: string, address: number, quantity: number): void {
  if (address + quantity > ModbusLimits.addressSpace) {
    throw new EncodeError(
      field,
      `address ${address} + quantity ${quantity} runs past the last item 65535 (spec §2)`,
    );
  }
}

/** Throws when a PDU of `size` bytes would exceed the 253-byte limit (spec §1). */
export function checkPduSize(field: string, size: number): void {
  if (size > ModbusLimits.maxPduBytes) {
    throw new EncodeError(
      field,
      `the PDU would be ${size} bytes, more than the ${ModbusLimits.maxPduBytes} allowed`,
    );
  }
}

/** Throws unless `value` is a `Uint8Array`. */
export function checkBytes(field: string, value: unknown): void {
  if (!(value instanceof Uint8Array)) throw new EncodeError(field, 'must be a Uint8Array');
}

/** Throws unless `value` is a `Uint16Array`. */
export function checkWords(field: string, value: unknown): void {
  if (!(value instanceof Uint16Array)) throw new EncodeError(field, 'must be a Uint16Array');
}

/** Throws unless `value` is an array (of booleans). */
export function checkArray(field: string, value: unknown): void {
  if (!Array.isArray(value)) throw new EncodeError(field, 'must be an array');
}

/** Throws for a message whose `type` no encoder knows (only reachable from untyped callers). */
export function unknownType(kind: string, message: never): never {
  const type = (message as { type?: unknown } | null)?.type;
  throw new EncodeError('type', `unknown ${kind} type ${JSON.stringify(type) ?? String(type)}`);
}
