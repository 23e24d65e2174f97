/**
 * `meterlink modbus read <url> <table> <address> [count]`.
 *
 * @module
 */

import type { ModbusClient } from '../modbus/client/modbus-client.js';
import { ModbusLimits } from '../modbus/pdu/constants.js';
import { decodeValue } from '../modbus/registers/value.js';
import { parseInteger, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import {
  isBitTable,
  operand,
  parseTable,
  parseValueFormat,
  type TableName,
  tableHelp,
  typeWidth,
  type ValueFormat,
  withModbus,
} from './modbus-options.js';
import { formatTable, hex16, shortestFloat32 } from './output.js';

const name = 'modbus read';

/** Reads `quantity` items from `address`, in as many requests as the PDU limits need (spec §6.1–§6.4). */
async function readTable(
  client: ModbusClient,
  table: TableName,
  address: number,
  quantity: number,
  signal: AbortSignal,
): Promise<boolean[] | Uint16Array> {
  if (isBitTable(table)) {
    const bits: boolean[] = [];
    for (let at = address; at < address + quantity; at += ModbusLimits.maxReadBits) {
      const n = Math.min(ModbusLimits.maxReadBits, address + quantity - at);
      const part =
        table === 'coils'
          ? await client.readCoils(at, n, { signal })
          : await client.readDiscreteInputs(at, n, { signal });
      bits.push(...part);
    }
    return bits;
  }
  const registers = new Uint16Array(quantity);
  for (let at = address; at < address + quantity; at += ModbusLimits.maxReadRegisters) {
    const n = Math.min(ModbusLimits.maxReadRegisters, address + quantity - at);
    const part =
      table === 'holding-registers'
        ? await client.readHoldingRegisters(at, n, { signal })
        : await client.readInputRegisters(at, n, { signal });
    registers.set(part, at - address);
  }
  return registers;
}

/** One decoded `--type` value and the registers it came from. */
interface TypedValue {
  address: number;
  value: number | bigint | string;
  registers: Uint16Array;
}

function decodeTyped(registers: Uint16Array, address: number, format: ValueFormat): TypedValue[] {
  if (format.type === 'string') {
    const value = decodeValue({ type: 'string', registers: registers.length }, registers);
    return [{ address, value, registers }];
  }
  const width = typeWidth(format.type)!;
  const values: TypedValue[] = [];
  for (let start = 0; start < registers.length; start += width) {
    let value: number | bigint = decodeValue(format.type, registers, { order: format.order, start });
    if (format.type === 'float32') value = shortestFloat32(value as number);
    values.push({ address: address + start, value, registers: registers.subarray(start, start + width) });
  }
  return values;
}

/** `meterlink modbus read`. */
export const modbusRead: Command = {
  name,
  synopsis: '<url> <table> <address> [count]',
  summary: 'Read coils, discrete inputs or registers (typed with --type)',
  description: [
    `Reads [count] items (default 1) starting at the 0-based PDU address <address> (decimal or 0x hex; holding register 40001 is address 0). <table> is one of ${tableHelp}. Reads longer than one request allows are split.`,
    'With --type, registers are decoded as values of that type and [count] is the number of values (for --type string: the length in registers). --order sets the byte/word order of multi-register values.',
    'Prints address, value and hex; with --json one document: { url, table, address, count, values } (64-bit values as decimal strings; typed reads add type, order and the raw registers).',
  ],
  flags: ['timeout', 'unit', 'retries', 'type', 'order'],
  examples: [
    "meterlink modbus read 'modbus+tcp://192.168.1.20:502?unit=1' holding 0 10",
    "meterlink modbus read 'modbus+tcp://192.168.1.20' input 0x100 2 --type float32 --order CDAB --json",
    "meterlink modbus read 'modbus+rtu:///dev/ttyUSB0?baud=9600&unit=3' coils 0 16",
  ],
  async run(context): Promise<CommandResult> {
    const urlText = operand(context, 0, '<url>', name);
    const table = parseTable(operand(context, 1, '<table>', name), name);
    const address = parseInteger(operand(context, 2, '<address>', name), '<address>', 0, 0xffff);
    const countText = context.operands[3];
    if (context.operands.length > 4) {
      throw new UsageError(`unexpected argument '${context.operands[4]}'`, name);
    }
    const format = parseValueFormat(context.args, name);
    if (format !== undefined && isBitTable(table)) {
      throw new UsageError(`--type applies to registers, not to ${table}`, name);
    }
    const width = format === undefined ? 1 : (typeWidth(format.type) ?? 1);
    const maxCount = Math.floor((0x10000 - address) / width);
    const count = countText === undefined ? 1 : parseInteger(countText, '[count]', 1, Math.max(1, maxCount));
    const quantity = count * width;
    if (address + quantity > 0x10000) {
      throw new UsageError(
        `${quantity} items from address ${address} go past the end of the table (65536)`,
        name,
      );
    }

    return withModbus(context, urlText, async ({ client, url }) => {
      const data = await readTable(client, table, address, quantity, context.signal);
      const heading = `${url.display}  ${table} ${address}${quantity > 1 ? `–${address + quantity - 1}` : ''}`;
      const base = { url: url.display, table, address, count };
      if (!(data instanceof Uint16Array)) {
        const rows = data.map((bit, i) => [String(address + i), bit ? '1' : '0', bit ? 'on' : 'off']);
        return {
          text: `${heading}\n${formatTable(['address', 'value', 'state'], rows, ['right', 'right'])}`,
          json: { ...base, values: data },
        };
      }
      if (format === undefined) {
        const rows = [...data].map((v, i) => [String(address + i), String(v), hex16(v)]);
        return {
          text: `${heading}\n${formatTable(['address', 'value', 'hex'], rows, ['right', 'right'])}`,
          json: { ...base, values: [...data] },
        };
      }
      const typed = decodeTyped(data, address, format);
      const rows = typed.map((t) => [
        String(t.address),
        typeof t.value === 'string' ? JSON.stringify(t.value) : String(t.value),
        [...t.registers].map(hex16).join(' '),
      ]);
      return {
        text: `${heading}  (${format.type}, ${format.order})\n${formatTable(['address', format.type, 'registers'], rows, ['right', 'right'])}`,
        json: {
          ...base,
          type: format.type,
          order: format.order,
          values: typed.map((t) => t.value),
          registers: [...data],
        },
      };
    });
  },
};
