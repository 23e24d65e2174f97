/**
 * The declared DLMS→Modbus mapping of the bridge mode: checking it, placing it in the register
 * tables, and encoding values into registers.
 *
 * @module
 */

import { EncodeError, InvalidArgumentError } from '../../../core/errors.js';
import { dottedObis } from '../../../dlms/client/descriptors.js';
import { isObis } from '../../../dlms/cosem/obis.js';
import { typeRegisters } from '../../../modbus/registers/number-layouts.js';
import {
  type CanonicalRegisterOrder,
  canonicalOrder,
  type RegisterOrder,
} from '../../../modbus/registers/order.js';
import type { BigIntType, NumberType } from '../../../modbus/registers/types.js';
import { encodeValue } from '../../../modbus/registers/value.js';
import type { DlmsReadItem } from '../publish/dlms-read.js';

/** Register encodings of a mapped value: the numeric types of register layouts. */
export type BridgeValueType = NumberType | BigIntType;

/** The value types, for messages and checks. */
export const bridgeValueTypes = Object.keys(typeRegisters) as BridgeValueType[];

/** One DLMS value exposed as Modbus registers. */
export interface BridgeMappingEntry {
  /** Logical name read from the meter. */
  obis: string;
  /**
   * Interface class. Default 3 (Register: the value scaled by its scaler_unit); 4 (Extended
   * register, likewise); 1 (Data) and others: the attribute's numeric value as it is.
   */
  classId?: number;
  /** Attribute. Default 2 (the value). */
  attribute?: number;
  /** `holding` (FC3) or `input` (FC4) registers. */
  table: 'holding' | 'input';
  /** 0-based PDU address of the first register. */
  address: number;
  /** How the value is encoded; integer types round to the nearest integer. */
  type: BridgeValueType;
  /** Factor applied before encoding (e.g. `1000` to expose kWh as Wh in an integer). Default 1. */
  scale?: number;
  /** Word and byte order of multi-register types (`ABCD` big-endian, `CDAB` word swap …). Default `ABCD`. */
  order?: RegisterOrder;
  /** Name for messages. Default: the OBIS code. */
  name?: string;
}

/** Where the bridge's status registers are (3 registers, see `docs/gateway-modes.md`). */
export interface BridgeStatusRegisters {
  /** The table. */
  table: 'holding' | 'input';
  /** Address of the first of the 3 registers. */
  address: number;
}

/** A checked entry. */
export interface PlacedEntry {
  /** Index in the mapping. */
  readonly index: number;
  /** The entry. */
  readonly entry: BridgeMappingEntry;
  /** Registers it takes. */
  readonly registers: number;
  /** Its order, canonical. */
  readonly order: CanonicalRegisterOrder;
  /** Key of the attribute it shows (entries showing one attribute share one read). */
  readonly source: string;
}

/** Owner of a register: an entry index, {@link statusOwner}, or {@link noOwner}. */
export const noOwner = -1;
/** Owner value of the status registers. */
export const statusOwner = -2;

/** The checked mapping. */
export interface PlacedMapping {
  /** The entries. */
  readonly entries: readonly PlacedEntry[];
  /** Attributes to read, by source key. */
  readonly sources: ReadonlyMap<string, DlmsReadItem>;
  /** Owner of every register of each table. */
  readonly owners: { readonly holding: Int32Array; readonly input: Int32Array };
}

function describe(entry: BridgeMappingEntry | undefined, index: number): string {
  const what = typeof entry?.obis === 'string' ? ` (${entry.name ?? entry.obis})` : '';
  return `mapping[${index}]${what}`;
}

function claim(
  owners: PlacedMapping['owners'],
  table: 'holding' | 'input',
  address: number,
  count: number,
  owner: number,
  what: string,
  names: (owner: number) => string,
): void {
  if (!Number.isInteger(address) || address < 0 || address + count > 0x10000) {
    throw new InvalidArgumentError(
      `${what}: ${count} register(s) from address ${String(address)} do not fit the table (0–65535)`,
    );
  }
  const t = owners[table];
  for (let r = address; r < address + count; r++) {
    const other = t[r]!;
    if (other !== noOwner) {
      throw new InvalidArgumentError(`${what} overlaps ${names(other)} at ${table} register ${r}`);
    }
    t[r] = owner;
  }
}

/**
 * Checks a mapping and places it.
 *
 * @throws InvalidArgumentError naming the entry: a bad OBIS code, class or attribute, an unknown
 *   type or order, a scale that is not a finite number other than 0, an address outside the
 *   table, or registers that overlap another entry or the status registers
 */
export function placeMapping(
  mapping: readonly BridgeMappingEntry[],
  status: BridgeStatusRegisters | undefined,
): PlacedMapping {
  if (!Array.isArray(mapping) || mapping.length === 0) {
    throw new InvalidArgumentError('bridge mapping must be a non-empty array');
  }
  const owners = {
    holding: new Int32Array(0x10000).fill(noOwner),
    input: new Int32Array(0x10000).fill(noOwner),
  };
  const names = (owner: number): string =>
    owner === statusOwner ? 'the status registers' : describe(mapping[owner], owner);
  if (status !== undefined) {
    if (status.table !== 'holding' && status.table !== 'input') {
      throw new InvalidArgumentError(
        `status.table must be 'holding' or 'input', got ${String(status.table)}`,
      );
    }
    claim(owners, status.table, status.address, 3, statusOwner, 'the status registers', names);
  }
  const entries: PlacedEntry[] = [];
  const sources = new Map<string, DlmsReadItem>();
  mapping.forEach((entry, index) => {
    const what = describe(entry, index);
    if (typeof entry !== 'object' || entry === null)
      throw new InvalidArgumentError(`${what} must be an object`);
    if (typeof entry.obis !== 'string' || !isObis(entry.obis)) {
      throw new InvalidArgumentError(`${what}: obis ${JSON.stringify(entry.obis)} is not an OBIS code`);
    }
    const classId = entry.classId ?? 3;
    const attribute = entry.attribute ?? 2;
    if (!Number.isInteger(classId) || classId < 1 || classId > 0xffff) {
      throw new InvalidArgumentError(`${what}: classId must be an integer 1–65535, got ${String(classId)}`);
    }
    if (!Number.isInteger(attribute) || attribute < 1 || attribute > 127) {
      throw new InvalidArgumentError(`${what}: attribute must be an integer 1–127, got ${String(attribute)}`);
    }
    if (classId === 8 && attribute === 2) {
      throw new InvalidArgumentError(
        `${what}: a clock time is not a number and cannot be mapped to registers`,
      );
    }
    if (!Object.hasOwn(typeRegisters, entry.type)) {
      throw new InvalidArgumentError(
        `${what}: type ${JSON.stringify(entry.type)} is not one of ${bridgeValueTypes.join(', ')}`,
      );
    }
    if (entry.table !== 'holding' && entry.table !== 'input') {
      throw new InvalidArgumentError(
        `${what}: table must be 'holding' or 'input', got ${String(entry.table)}`,
      );
    }
    const scale = entry.scale ?? 1;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0) {
      throw new InvalidArgumentError(
        `${what}: scale must be a finite number other than 0, got ${String(scale)}`,
      );
    }
    const order = canonicalOrder(entry.order ?? 'ABCD', `${what} order`);
    const registers = typeRegisters[entry.type as BridgeValueType];
    claim(owners, entry.table, entry.address, registers, index, what, names);
    const obis = dottedObis(entry.obis);
    const source = `${classId}/${obis}/${attribute}`;
    if (!sources.has(source)) sources.set(source, { obis, classId, attribute });
    entries.push({ index, entry, registers, order, source });
  });
  return { entries, sources, owners };
}

const integerRanges: Partial<Record<BridgeValueType, readonly [bigint, bigint]>> = {
  uint16: [0n, 0xffffn],
  int16: [-0x8000n, 0x7fffn],
  uint32: [0n, 0xffffffffn],
  int32: [-0x80000000n, 0x7fffffffn],
  uint64: [0n, 0xffffffffffffffffn],
  int64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

/**
 * The registers of `value × scale` in the entry's type and order.
 *
 * @throws EncodeError when the value does not fit the type (out of range, not finite)
 */
export function encodeEntry(placed: PlacedEntry, value: number | bigint): Uint16Array {
  const { type, scale = 1 } = placed.entry;
  const order = placed.order;
  const range = integerRanges[type];
  if (range === undefined) {
    return encodeValue(type as 'float32' | 'float64', Number(value) * scale, { order });
  }
  let integer: bigint;
  if (typeof value === 'bigint' && scale === 1) {
    integer = value;
  } else {
    const scaled = Number(value) * scale;
    if (!Number.isFinite(scaled)) throw new EncodeError('value', `${scaled} cannot be a ${type}`);
    integer = BigInt(Math.round(scaled));
  }
  if (integer < range[0] || integer > range[1]) {
    throw new EncodeError('value', `${integer} is out of range for ${type}`);
  }
  if (type === 'uint64' || type === 'int64') return encodeValue(type, integer, { order });
  return encodeValue(type as 'uint16' | 'int16' | 'uint32' | 'int32', Number(integer), { order });
}
