/**
 * Register blocks: a layout placed at an address of the holding or input register table, for
 * `ModbusClient.read(block)` and `ModbusClient.write(block, value)`.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { describeValue } from './number-layouts.js';
import type { RegisterLayout } from './register-layout.js';

/** The register tables of §2: holding registers (FC3, read/write) and input registers (FC4, read-only). */
export type RegisterTable = 'holding' | 'input';

/**
 * A layout at a 0-based PDU address of a register table. A client reads `layout.registers`
 * registers from `address` (in several requests when more than 125) and decodes them with
 * `layout.decode`; only holding blocks can be written (FC16).
 */
export interface RegisterBlock<T, Table extends RegisterTable = RegisterTable> {
  /** Which table the block is in: `'holding'` (read with FC3, written with FC16) or `'input'` (FC4). */
  readonly table: Table;
  /** 0-based PDU address of the first register (§2). */
  readonly address: number;
  /** The layout that decodes (and, for holding blocks, encodes) the block's registers. */
  readonly layout: RegisterLayout<T>;
}

function block<T, Table extends RegisterTable>(
  table: Table,
  address: number,
  layout: RegisterLayout<T>,
): RegisterBlock<T, Table> {
  const fn = `${table}Block`;
  if (
    typeof layout !== 'object' ||
    layout === null ||
    typeof layout.registers !== 'number' ||
    typeof layout.decode !== 'function'
  ) {
    throw new InvalidArgumentError(
      `${fn}: expected a layout from registerLayout(), got ${describeValue(layout)}`,
    );
  }
  if (typeof address !== 'number' || !Number.isInteger(address) || address < 0 || address > 0xffff) {
    throw new InvalidArgumentError(
      `${fn}: address must be a PDU address 0–65535, got ${describeValue(address)}`,
    );
  }
  // §2: items start … start+quantity−1 must stay inside the 65536 items of the table.
  if (address + layout.registers > 0x10000) {
    throw new InvalidArgumentError(
      `${fn}: ${layout.registers} registers from address ${address} go past the end of the table (65536 registers)`,
    );
  }
  return Object.freeze({ table, address, layout });
}

/**
 * A block of holding registers (read with FC3, written with FC16).
 *
 * @param address - 0-based PDU address (holding register 40001 is address 0).
 * @example
 * ```ts
 * const settings = holdingBlock(100, registerLayout({ setpoint: 'float32', mode: 'uint16' }));
 * const value = await client.read(settings);         // { setpoint: number, mode: number }
 * await client.write(settings, { ...value, mode: 2 });
 * ```
 * @throws {InvalidArgumentError} when `address` is not 0–65535 or the block goes past address 65535.
 */
export function holdingBlock<T>(address: number, layout: RegisterLayout<T>): RegisterBlock<T, 'holding'> {
  return block('holding', address, layout);
}

/**
 * A block of input registers (read-only, FC4).
 *
 * @param address - 0-based PDU address (input register 30001 is address 0).
 * @example
 * ```ts
 * const readings = inputBlock(0, registerLayout({ voltage: 'float32', current: 'float32', power: 'float32' }));
 * const { voltage, power } = await client.read(readings);
 * ```
 * @throws {InvalidArgumentError} when `address` is not 0–65535 or the block goes past address 65535.
 */
export function inputBlock<T>(address: number, layout: RegisterLayout<T>): RegisterBlock<T, 'input'> {
  return block('input', address, layout);
}
