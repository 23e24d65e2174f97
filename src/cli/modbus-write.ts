/**
 * `meterlink modbus write <url> <table> <address> <values...>`.
 *
 * @module
 */

import { ModbusLimits } from '../modbus/pdu/constants.js';
import { encodeValue } from '../modbus/registers/value.js';
import { parseInteger, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { operand, parseTable, parseValueFormat, type ValueFormat, withModbus } from './modbus-options.js';
import { formatTable, hex16 } from './output.js';

const name = 'modbus write';

const bitWords: Readonly<Record<string, boolean>> = {
  1: true,
  0: false,
  true: true,
  false: false,
  on: true,
  off: false,
};

function parseBit(text: string): boolean {
  const key = text.toLowerCase();
  if (!Object.hasOwn(bitWords, key)) {
    throw new UsageError(`coil value '${text}' is not 1, 0, true, false, on or off`, name);
  }
  return bitWords[key]!;
}

const integerRanges = {
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
} as const;

const bigRanges = {
  uint64: [0n, 0xffffffffffffffffn],
  int64: [-0x8000000000000000n, 0x7fffffffffffffffn],
} as const;

const integerText = /^[-+]?(\d+|0x[0-9a-f]+)$/i;
const decimalText = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function bigIntOf(text: string): bigint {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[-+]/, '');
  const magnitude = BigInt(digits);
  return negative ? -magnitude : magnitude;
}

/** The registers of the typed values, in order. */
function encodeTyped(
  texts: readonly string[],
  format: ValueFormat,
): { values: (number | bigint | string)[]; registers: Uint16Array } {
  const { type, order } = format;
  if (type === 'string') {
    if (texts.length !== 1) throw new UsageError('--type string takes exactly one value (quote it)', name);
    const text = texts[0]!;
    // Latin-1, one byte per character, as `modbus read --type string` decodes it.
    const registers = Math.max(1, Math.ceil(text.length / 2));
    return { values: [text], registers: encodeValue({ type: 'string', registers }, text) };
  }
  const values: (number | bigint)[] = [];
  const parts: Uint16Array[] = [];
  for (const text of texts) {
    if (type === 'uint64' || type === 'int64') {
      const [min, max] = bigRanges[type];
      const value = integerText.test(text) ? bigIntOf(text) : undefined;
      if (value === undefined || value < min || value > max) {
        throw new UsageError(`value '${text}' is not an integer ${min}–${max} (${type})`, name);
      }
      values.push(value);
      parts.push(encodeValue(type, value, { order }));
    } else if (type === 'float32' || type === 'float64') {
      const value = decimalText.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(value)) throw new UsageError(`value '${text}' is not a number (${type})`, name);
      values.push(value);
      parts.push(encodeValue(type, value, { order }));
    } else {
      const [min, max] = integerRanges[type];
      const value = integerText.test(text) ? Number(bigIntOf(text)) : Number.NaN;
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new UsageError(`value '${text}' is not an integer ${min}–${max} (${type})`, name);
      }
      values.push(value);
      parts.push(encodeValue(type, value, { order }));
    }
  }
  const registers = new Uint16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    registers.set(part, at);
    at += part.length;
  }
  return { values, registers };
}

function parseRegister(text: string): number {
  if (/^-\d/.test(text)) {
    throw new UsageError(
      `register value '${text}' is negative: add --type int16 (or another signed type)`,
      name,
    );
  }
  return parseInteger(text, 'register value', 0, 0xffff);
}

/** `meterlink modbus write`. */
export const modbusWrite: Command = {
  name,
  synopsis: '<url> <table> <address> <values...>',
  summary: 'Write coils or holding registers (typed with --type)',
  description: [
    'Writes <values...> starting at the 0-based PDU address <address>. <table> is coils or holding-registers (holding); discrete inputs and input registers are read-only.',
    'Coil values: 1, 0, true, false, on, off. Register values: integers 0–65535 (decimal or 0x hex), or with --type values of that type (--order sets the byte/word order; --type string writes one text).',
    'One coil or register is written with FC5/FC6, more with FC15/FC16; --multiple always uses FC15/FC16 (some devices accept nothing else).',
    'Prints what was written; with --json one document: { url, table, address, functionCode, values, registers? }.',
  ],
  flags: ['timeout', 'unit', 'retries', 'type', 'order', 'multiple'],
  examples: [
    "meterlink modbus write 'modbus+tcp://192.168.1.20?unit=1' holding 100 1 2 3",
    "meterlink modbus write 'modbus+tcp://192.168.1.20' holding 0x10 230.5 --type float32 --order CDAB",
    "meterlink modbus write 'modbus+rtutcp://10.0.0.9:4001?unit=3' coils 5 on off on",
  ],
  async run(context): Promise<CommandResult> {
    const urlText = operand(context, 0, '<url>', name);
    const table = parseTable(operand(context, 1, '<table>', name), name);
    const address = parseInteger(operand(context, 2, '<address>', name), '<address>', 0, 0xffff);
    const texts = context.operands.slice(3);
    if (texts.length === 0) throw new UsageError('missing <values...>', name);
    if (table === 'discrete-inputs' || table === 'input-registers') {
      throw new UsageError(`${table} are read-only (write coils or holding-registers)`, name);
    }
    const format = parseValueFormat(context.args, name);
    const multiple = context.args.flags.multiple === true;

    if (table === 'coils') {
      if (format !== undefined) throw new UsageError('--type applies to registers, not to coils', name);
      const bits = texts.map(parseBit);
      if (bits.length > ModbusLimits.maxWriteBits) {
        throw new UsageError(
          `at most ${ModbusLimits.maxWriteBits} coils fit one request, got ${bits.length}`,
          name,
        );
      }
      if (address + bits.length > 0x10000) throw new UsageError('the coils go past address 65535', name);
      return withModbus(context, urlText, async ({ client, url }) => {
        const single = bits.length === 1 && !multiple;
        if (single) await client.writeSingleCoil(address, bits[0]!, { signal: context.signal });
        else await client.writeMultipleCoils(address, bits, { signal: context.signal });
        const functionCode = single ? 5 : 15;
        const rows = bits.map((bit, i) => [String(address + i), bit ? '1' : '0', bit ? 'on' : 'off']);
        return {
          text: `wrote ${bits.length} coil${bits.length === 1 ? '' : 's'} (FC${functionCode}) to ${url.display}\n${formatTable(['address', 'value', 'state'], rows, ['right', 'right'])}`,
          json: { url: url.display, table, address, functionCode, values: bits },
        };
      });
    }

    const encoded =
      format === undefined
        ? { values: texts.map(parseRegister), registers: undefined }
        : encodeTyped(texts, format);
    const registers = encoded.registers ?? Uint16Array.from(encoded.values as number[]);
    if (registers.length > ModbusLimits.maxWriteRegisters) {
      throw new UsageError(
        `at most ${ModbusLimits.maxWriteRegisters} registers fit one request, got ${registers.length}`,
        name,
      );
    }
    if (address + registers.length > 0x10000)
      throw new UsageError('the registers go past address 65535', name);
    return withModbus(context, urlText, async ({ client, url }) => {
      const single = registers.length === 1 && !multiple;
      if (single) await client.writeSingleRegister(address, registers[0]!, { signal: context.signal });
      else await client.writeMultipleRegisters(address, registers, { signal: context.signal });
      const functionCode = single ? 6 : 16;
      const rows = [...registers].map((v, i) => [String(address + i), String(v), hex16(v)]);
      const typed =
        format === undefined
          ? ''
          : `, ${encoded.values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(' ')} as ${format.type} ${format.order}`;
      return {
        text: `wrote ${registers.length} holding register${registers.length === 1 ? '' : 's'} (FC${functionCode}${typed}) to ${url.display}\n${formatTable(['address', 'value', 'hex'], rows, ['right', 'right'])}`,
        json: {
          url: url.display,
          table,
          address,
          functionCode,
          ...(format === undefined
            ? { values: [...registers] }
            : { type: format.type, order: format.order, values: encoded.values, registers: [...registers] }),
        },
      };
    });
  },
};
