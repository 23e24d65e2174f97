/**
 * The publish-mode reader of a Modbus device: typed register blocks.
 *
 * @module
 */

import { InvalidArgumentError, MeterlinkError } from '../../../core/errors.js';
import type { Link } from '../../../core/link.js';
import { ModbusClient } from '../../../modbus/client/modbus-client.js';
import type { ModbusFraming } from '../../../modbus/framing/types.js';
import { holdingBlock, inputBlock, type RegisterBlock } from '../../../modbus/registers/block.js';
import { registerLayout } from '../../../modbus/registers/register-layout.js';
import type { FieldDeclarations } from '../../../modbus/registers/types.js';
import type { GatewayPortProtocol } from '../create-chunker.js';
import { BorrowedLink } from './borrowed-link.js';
import { integerJson, type ReadingValue } from './json-value.js';
import { badReading, type MeterReader } from './meter-reader.js';
import type { ModbusPublishBlock, ModbusPublishMeter } from './publish-options.js';
import type { Reading } from './reading.js';

interface CompiledField {
  readonly base: Omit<Reading, 'timestamp' | 'quality'>;
  readonly unit: string | undefined;
}

interface CompiledBlock {
  readonly block: RegisterBlock<Record<string, unknown>>;
  readonly fields: readonly CompiledField[];
}

function compile(spec: ModbusPublishBlock, where: string): CompiledBlock {
  const declarations: Record<string, FieldDeclarations[string]> = {};
  const units = new Map<string, string>();
  if (typeof spec?.fields !== 'object' || spec.fields === null) {
    throw new InvalidArgumentError(`${where}: fields must be an object of register declarations`);
  }
  for (const [name, field] of Object.entries(spec.fields)) {
    if (typeof field === 'object' && field !== null && 'unit' in field) {
      const { unit, ...declaration } = field;
      if (unit !== undefined) units.set(name, unit);
      declarations[name] = declaration as FieldDeclarations[string];
    } else {
      declarations[name] = field;
    }
  }
  try {
    const layout = registerLayout(declarations, spec.order === undefined ? {} : { order: spec.order });
    if (spec.table !== 'holding' && spec.table !== 'input') {
      throw new InvalidArgumentError(`table must be 'holding' or 'input', got ${String(spec.table)}`);
    }
    const block = (spec.table === 'holding' ? holdingBlock : inputBlock)(
      spec.address,
      layout,
    ) as RegisterBlock<Record<string, unknown>>;
    return {
      block,
      fields: layout.fields.map((f) => ({
        base: { name: f.name, table: spec.table, register: spec.address + f.register },
        unit: units.get(f.name),
      })),
    };
  } catch (error) {
    if (error instanceof MeterlinkError) throw new InvalidArgumentError(`${where}: ${error.message}`);
    throw error;
  }
}

function valueJson(value: unknown): ReadingValue {
  if (typeof value === 'bigint') return integerJson(value);
  return value as ReadingValue;
}

/** Reads the blocks one after the other with a `ModbusClient` on a borrowed view of the port link. */
export class ModbusMeterReader implements MeterReader {
  readonly #meter: ModbusPublishMeter;
  readonly #blocks: readonly CompiledBlock[];
  #framing: ModbusFraming | undefined;

  /**
   * @throws InvalidArgumentError for a block or field declaration that `registerLayout` refuses
   */
  constructor(meter: ModbusPublishMeter) {
    this.#meter = meter;
    if (!Array.isArray(meter.blocks) || meter.blocks.length === 0) {
      throw new InvalidArgumentError(`meter ${meter.id}: blocks must be a non-empty array`);
    }
    this.#blocks = meter.blocks.map((b, i) => compile(b, `meter ${meter.id} blocks[${i}]`));
  }

  /**
   * The framing follows the port: RTU on a `modbus-rtu` port (the only framing it carries), the
   * declared one on a `raw` port (required there: the port says nothing); never on `hdlc` ports.
   */
  usePort(protocol: GatewayPortProtocol): void {
    const { id, port, modbus } = this.#meter;
    const declared = modbus.framing;
    if (protocol === 'modbus-rtu' && (declared === undefined || declared === 'rtu')) {
      this.#framing = 'rtu';
    } else if (protocol === 'raw' && declared !== undefined) {
      this.#framing = declared;
    } else if (protocol === 'raw') {
      throw new InvalidArgumentError(
        `meter ${id}: port ${port} is raw, so modbus.framing must be given ('rtu', 'tcp' or 'ascii')`,
      );
    } else {
      throw new InvalidArgumentError(
        `meter ${id}: Modbus framing ${declared ?? 'rtu'} cannot run on port ${port} (protocol ${protocol})`,
      );
    }
  }

  async read(link: Link, signal: AbortSignal): Promise<Reading[]> {
    const m = this.#meter.modbus;
    const framing = this.#framing;
    if (framing === undefined) throw new InvalidArgumentError(`meter ${this.#meter.id}: read before usePort`);
    const client = await ModbusClient.connect({
      link: new BorrowedLink(link),
      framing,
      unitId: m.unitId ?? 1,
      ...(m.timeoutMs === undefined ? {} : { timeoutMs: m.timeoutMs }),
      ...(m.retries === undefined ? {} : { retries: m.retries }),
    });
    try {
      const readings: Reading[] = [];
      for (const { block, fields } of this.#blocks) {
        try {
          const values = await client.read(block, { signal });
          const timestamp = new Date().toISOString();
          for (const f of fields) {
            readings.push({
              ...f.base,
              value: valueJson(values[f.base.name]),
              ...(f.unit === undefined ? {} : { unit: f.unit }),
              timestamp,
              quality: 'good',
            });
          }
        } catch (error) {
          const time = new Date();
          for (const f of fields) readings.push(badReading(f.base, error, time));
        }
      }
      return readings;
    } finally {
      await client.close();
    }
  }

  fail(error: unknown, time: Date): Reading[] {
    return this.#blocks.flatMap((b) => b.fields.map((f) => badReading(f.base, error, time)));
  }
}
