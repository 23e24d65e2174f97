/**
 * What the `modbus` commands share: table names, typed values (`--type`, `--order`), and opening
 * a client from a URL with the `--timeout`, `--unit` and `--retries` overrides.
 *
 * @module
 */

import { connectModbus } from '../connect/connect.js';
import { type ModbusUrl, parseMeterUrl } from '../connect/parse-meter-url.js';
import { InvalidUrlError } from '../core/errors.js';
import type { ModbusClient } from '../modbus/client/modbus-client.js';
import type { ModbusClientOptions } from '../modbus/client/options.js';
import { typeRegisters } from '../modbus/registers/number-layouts.js';
import { RegisterOrder } from '../modbus/registers/order.js';
import type { BigIntType, NumberType } from '../modbus/registers/types.js';
import { integerFlag, type ParsedArgs, stringFlag, UsageError } from './args.js';
import type { CommandContext } from './command.js';

/** The four Modbus tables (spec §2), by their CLI names. */
export type TableName = 'coils' | 'discrete-inputs' | 'holding-registers' | 'input-registers';

const tableAliases: Readonly<Record<string, TableName>> = {
  coils: 'coils',
  'discrete-inputs': 'discrete-inputs',
  inputs: 'discrete-inputs',
  'holding-registers': 'holding-registers',
  holding: 'holding-registers',
  'input-registers': 'input-registers',
  input: 'input-registers',
};

/** Table names and aliases, for help texts. */
export const tableHelp =
  'coils, discrete-inputs (inputs), holding-registers (holding), input-registers (input)';

/**
 * The table a name or alias means.
 *
 * @throws {@link UsageError} for anything else
 */
export function parseTable(text: string, command: string): TableName {
  const table = Object.hasOwn(tableAliases, text.toLowerCase())
    ? tableAliases[text.toLowerCase()]
    : undefined;
  if (table === undefined) throw new UsageError(`unknown table '${text}' (expected ${tableHelp})`, command);
  return table;
}

/** `true` for the 1-bit tables. */
export function isBitTable(table: TableName): table is 'coils' | 'discrete-inputs' {
  return table === 'coils' || table === 'discrete-inputs';
}

/** A `--type` value. */
export type ValueTypeName = NumberType | BigIntType | 'string';

/** A typed view of registers: `--type` and `--order`. */
export interface ValueFormat {
  type: ValueTypeName;
  order: RegisterOrder;
}

/** Registers one value of `type` spans (`string`: `undefined`, its length decides). */
export function typeWidth(type: ValueTypeName): number | undefined {
  return type === 'string' ? undefined : typeRegisters[type];
}

/**
 * `--type` and `--order`, or `undefined` without `--type`.
 *
 * @throws {@link UsageError} for an unknown type or order, or `--order` without `--type`
 */
export function parseValueFormat(args: ParsedArgs, command: string): ValueFormat | undefined {
  const type = stringFlag(args, 'type');
  const order = stringFlag(args, 'order');
  if (type === undefined) {
    if (order !== undefined) throw new UsageError('--order needs --type', command);
    return undefined;
  }
  const names = [...Object.keys(typeRegisters), 'string'];
  if (!names.includes(type)) {
    throw new UsageError(`unknown --type '${type}' (expected one of ${names.join(', ')})`, command);
  }
  const upper = (order ?? 'ABCD').toUpperCase();
  if (!Object.hasOwn(RegisterOrder, upper)) {
    throw new UsageError(`unknown --order '${order}' (expected ABCD, CDAB, BADC or DCBA)`, command);
  }
  return { type: type as ValueTypeName, order: upper as RegisterOrder };
}

/** A client and the URL it was opened from. */
export interface OpenedClient {
  client: ModbusClient;
  url: ModbusUrl;
}

/**
 * Parses `urlText` and connects, with `--timeout` (connect and response), `--unit` and
 * `--retries` overriding the URL's parameters.
 *
 * @throws InvalidUrlError, LinkError, TimeoutError, AbortError (from `connect`), {@link UsageError}
 */
export async function openModbus(context: CommandContext, urlText: string): Promise<OpenedClient> {
  const url = parseMeterUrl(urlText);
  if (url.protocol !== 'modbus') {
    throw new InvalidUrlError(url.display, 'this command needs a modbus+… URL');
  }
  const timeoutMs = integerFlag(context.args, 'timeout', 1, 3_600_000);
  const unitId = integerFlag(context.args, 'unit', 0, 255);
  const retries = integerFlag(context.args, 'retries', 0, 100);
  const modbus: Partial<ModbusClientOptions> = {};
  if (timeoutMs !== undefined) modbus.timeoutMs = timeoutMs;
  if (unitId !== undefined) modbus.unitId = unitId;
  if (retries !== undefined) modbus.retries = retries;
  const client = await connectModbus(url, {
    timeoutMs: timeoutMs ?? url.timeoutMs ?? 3000,
    signal: context.signal,
    modbus,
  });
  return { client, url };
}

/**
 * Opens a client, runs `work` with it and always closes it.
 *
 * @throws whatever opening or `work` throws
 */
export async function withModbus<T>(
  context: CommandContext,
  urlText: string,
  work: (opened: OpenedClient) => Promise<T>,
): Promise<T> {
  const opened = await openModbus(context, urlText);
  try {
    return await work(opened);
  } finally {
    await opened.client.close();
  }
}

/** The operand at `index`, or a usage error naming what is missing. */
export function operand(context: CommandContext, index: number, name: string, command: string): string {
  const value = context.operands[index];
  if (value === undefined) throw new UsageError(`missing ${name}`, command);
  return value;
}
