/**
 * The JSON form of the publish mode's options, for `meterlink gateway <config.json>`.
 *
 * @module
 */

import { MeterlinkError } from '../../../core/errors.js';
import { holdingBlock, inputBlock } from '../../../modbus/registers/block.js';
import { RegisterOrder } from '../../../modbus/registers/order.js';
import { registerLayout } from '../../../modbus/registers/register-layout.js';
import type { FieldDeclarations } from '../../../modbus/registers/types.js';
import { idProblem } from '../../protocol/ids.js';
import { type ConfigEnv, ConfigFields, GatewayConfigError } from '../config-fields.js';
import type { DlmsReadItem } from './dlms-read.js';
import { parseDlmsConnection } from './mode-config.js';
import type {
  ModbusConnectionOptions,
  ModbusPublishBlock,
  ModbusPublishField,
  PublishMeter,
  PublishModeOptions,
} from './publish-options.js';

const maxTimerMs = 0x7fffffff;
const orders = Object.values(RegisterOrder);
const numberTypes = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'] as const;
const bigintTypes = ['int64', 'uint64'] as const;
const fieldTypes = [...numberTypes, ...bigintTypes, 'string', 'bit'] as const;

/**
 * Checks the JSON of a publish mode and returns its options.
 *
 * ```json
 * { "meters": [
 *   { "id": "m1", "port": "p0", "intervalMs": 60000,
 *     "dlms": { "framing": "hdlc", "client": 1, "server": { "logical": 1, "physical": 17 },
 *               "auth": { "mechanism": "lls", "password": { "env": "METER_PASSWORD" } } },
 *     "read": [{ "obis": "1.0.1.8.0.255" }, { "obis": "0.0.1.0.0.255", "classId": 8, "name": "clock" }] },
 *   { "id": "pm1", "port": "rs485", "intervalMs": 10000, "modbus": { "unitId": 3 },
 *     "blocks": [{ "table": "input", "address": 0,
 *                  "fields": { "voltage": { "type": "float32", "unit": "V" }, "energy": { "type": "uint32", "scale": 0.1, "unit": "kWh" } } }] }
 * ] }
 * ```
 *
 * @param json - The parsed JSON value.
 * @param where - Path of `json` in the configuration file, for messages (e.g. `modes[0]`).
 * @param env - Environment variables for `{ "env": "NAME" }` passwords and keys. Default none.
 * @returns The options for {@link publishMode}.
 * @throws {@link GatewayConfigError} (an `InvalidArgumentError`) naming the JSON path at fault; a key
 *   or password is never part of the message
 * @example
 * ```ts
 * const mode = publishMode(parsePublishConfig(config.modes[0], 'modes[0]', process.env));
 * ```
 */
export function parsePublishConfig(json: unknown, where: string, env: ConfigEnv = {}): PublishModeOptions {
  const f = new ConfigFields(json, where, [
    'mode',
    'description',
    'meters',
    'qos',
    'retain',
    'runAtStart',
    'cycleTimeoutMs',
    'stopTimeoutMs',
  ]);
  if (f.has('mode')) f.oneOf('mode', ['publish'] as const);
  if (f.has('description')) f.text('description');
  const seen = new Map<string, string>();
  const meters = f.list('meters').map((value, i) => {
    const path = `${f.at('meters')}[${i}]`;
    const meter = parseMeter(value, path, env);
    const earlier = seen.get(meter.id);
    if (earlier !== undefined) {
      throw new GatewayConfigError(`${path}.id`, `repeats the id ${JSON.stringify(meter.id)} of ${earlier}`);
    }
    seen.set(meter.id, path);
    return meter;
  });
  const options: PublishModeOptions = { meters };
  const qos = f.oneOf('qos', [0, 1] as const);
  if (qos !== undefined) options.qos = qos;
  const retain = f.flag('retain');
  if (retain !== undefined) options.retain = retain;
  const runAtStart = f.flag('runAtStart');
  if (runAtStart !== undefined) options.runAtStart = runAtStart;
  const cycleTimeoutMs = f.integer('cycleTimeoutMs', 1, maxTimerMs, true);
  if (cycleTimeoutMs !== undefined) options.cycleTimeoutMs = cycleTimeoutMs;
  const stopTimeoutMs = f.integer('stopTimeoutMs', 0, maxTimerMs, true);
  if (stopTimeoutMs !== undefined) options.stopTimeoutMs = stopTimeoutMs;
  return options;
}

function topicLevel(f: ConfigFields, key: string): string {
  const id = f.text(key);
  const problem = idProblem(id, new TextEncoder().encode(id).length);
  if (problem !== undefined) throw new GatewayConfigError(f.at(key), `${JSON.stringify(id)} ${problem}`);
  return id;
}

function parseMeter(value: unknown, path: string, env: ConfigEnv): PublishMeter {
  const f = new ConfigFields(value, path, [
    'description',
    'id',
    'port',
    'intervalMs',
    'acquireTimeoutMs',
    'cycleTimeoutMs',
    'dlms',
    'read',
    'modbus',
    'blocks',
  ]);
  if (f.has('description')) f.text('description');
  const base = {
    id: topicLevel(f, 'id'),
    port: topicLevel(f, 'port'),
    intervalMs: f.integer('intervalMs', 1, maxTimerMs),
  };
  const acquireTimeoutMs = f.integer('acquireTimeoutMs', 1, maxTimerMs, true);
  const cycleTimeoutMs = f.integer('cycleTimeoutMs', 1, maxTimerMs, true);
  const common = {
    ...base,
    ...(acquireTimeoutMs === undefined ? {} : { acquireTimeoutMs }),
    ...(cycleTimeoutMs === undefined ? {} : { cycleTimeoutMs }),
  };
  if (f.has('dlms') === f.has('modbus')) {
    throw new GatewayConfigError(path, 'must have exactly one of dlms (with read) or modbus (with blocks)');
  }
  if (f.has('dlms')) {
    if (f.has('blocks')) throw new GatewayConfigError(f.at('blocks'), 'applies to modbus meters only');
    const dlms = parseDlmsConnection(f.raw('dlms'), f.at('dlms'), env);
    const read = f.list('read').map((item, i) => parseReadItem(item, `${f.at('read')}[${i}]`));
    return { ...common, dlms, read };
  }
  if (f.has('read')) throw new GatewayConfigError(f.at('read'), 'applies to dlms meters only');
  const modbus = parseModbusConnection(f.raw('modbus'), f.at('modbus'));
  const blocks = f.list('blocks').map((b, i) => parseBlock(b, `${f.at('blocks')}[${i}]`));
  return { ...common, modbus, blocks };
}

/**
 * One item of a DLMS read plan.
 * @throws {@link GatewayConfigError} naming the field at fault
 */
export function parseReadItem(value: unknown, path: string): DlmsReadItem {
  const f = new ConfigFields(value, path, ['obis', 'classId', 'attribute', 'name']);
  const item: DlmsReadItem = { obis: f.obis('obis') };
  const classId = f.integer('classId', 1, 0xffff, true);
  if (classId !== undefined) item.classId = classId;
  const attribute = f.integer('attribute', 1, 127, true);
  if (attribute !== undefined) item.attribute = attribute;
  const name = f.text('name', true);
  if (name !== undefined) item.name = name;
  return item;
}

function parseModbusConnection(value: unknown, path: string): ModbusConnectionOptions {
  const f = new ConfigFields(value, path, ['framing', 'unitId', 'timeoutMs', 'retries']);
  const options: ModbusConnectionOptions = {};
  const framing = f.oneOf('framing', ['rtu', 'tcp', 'ascii'] as const);
  if (framing !== undefined) options.framing = framing;
  const unitId = f.integer('unitId', 0, 255, true);
  if (unitId !== undefined) options.unitId = unitId;
  const timeoutMs = f.integer('timeoutMs', 1, 600_000, true);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const retries = f.integer('retries', 0, 100, true);
  if (retries !== undefined) options.retries = retries;
  return options;
}

function parseField(
  value: unknown,
  path: string,
): ModbusPublishField | (typeof numberTypes)[number] | (typeof bigintTypes)[number] {
  if (typeof value === 'string') {
    if (
      !(numberTypes as readonly string[]).includes(value) &&
      !(bigintTypes as readonly string[]).includes(value)
    ) {
      throw new GatewayConfigError(
        path,
        `type ${JSON.stringify(value)} is not one of ${[...numberTypes, ...bigintTypes].join(', ')}`,
      );
    }
    return value as (typeof numberTypes)[number] | (typeof bigintTypes)[number];
  }
  const probe = new ConfigFields(value, path, [
    'type',
    'at',
    'order',
    'scale',
    'exponent',
    'registers',
    'byteSwap',
    'pad',
    'encoding',
    'bit',
    'unit',
  ]);
  if (!probe.has('type'))
    throw new GatewayConfigError(probe.at('type'), `is required (${fieldTypes.join(', ')})`);
  const type = probe.oneOf('type', fieldTypes)!;
  const allowed =
    type === 'string'
      ? ['type', 'at', 'registers', 'byteSwap', 'pad', 'encoding', 'unit']
      : type === 'bit'
        ? ['type', 'at', 'bit', 'unit']
        : (bigintTypes as readonly string[]).includes(type)
          ? ['type', 'at', 'order', 'unit']
          : ['type', 'at', 'order', 'scale', 'exponent', 'unit'];
  const f = new ConfigFields(value, path, allowed);
  const at = f.integer('at', 0, 0xffff, true);
  const unit = f.text('unit', true);
  const common = { ...(at === undefined ? {} : { at }), ...(unit === undefined ? {} : { unit }) };
  if (type === 'string') {
    const pad = f.raw('pad');
    if (pad !== undefined && typeof pad !== 'string' && typeof pad !== 'number') {
      throw new GatewayConfigError(f.at('pad'), 'must be a one-character string or a byte 0–255');
    }
    const byteSwap = f.flag('byteSwap');
    const encoding = f.oneOf('encoding', ['ascii', 'latin1', 'utf8'] as const);
    return {
      type,
      registers: f.integer('registers', 1, 0xffff),
      ...common,
      ...(byteSwap === undefined ? {} : { byteSwap }),
      ...(pad === undefined ? {} : { pad: pad as string | number }),
      ...(encoding === undefined ? {} : { encoding }),
    };
  }
  if (type === 'bit') return { type, bit: f.integer('bit', 0, 15), ...common };
  const order = f.oneOf('order', orders);
  if (type === 'int64' || type === 'uint64')
    return { type, ...common, ...(order === undefined ? {} : { order }) };
  const scale = f.factor('scale');
  const exponent = f.integer('exponent', -20, 20, true);
  return {
    type,
    ...common,
    ...(order === undefined ? {} : { order }),
    ...(scale === undefined ? {} : { scale }),
    ...(exponent === undefined ? {} : { exponent }),
  };
}

function parseBlock(value: unknown, path: string): ModbusPublishBlock {
  const f = new ConfigFields(value, path, ['table', 'address', 'order', 'fields']);
  if (!f.has('table')) throw new GatewayConfigError(f.at('table'), "is required ('holding' or 'input')");
  const table = f.oneOf('table', ['holding', 'input'] as const)!;
  const address = f.integer('address', 0, 0xffff);
  const order = f.oneOf('order', orders);
  const raw = new ConfigFields(
    f.raw('fields'),
    f.at('fields'),
    Object.keys((f.raw('fields') ?? {}) as object),
  );
  const names = Object.keys((f.raw('fields') ?? {}) as object);
  if (names.length === 0) throw new GatewayConfigError(f.at('fields'), 'must declare at least one field');
  const fields: ModbusPublishBlock['fields'] = {};
  const declarations: Record<string, FieldDeclarations[string]> = {};
  for (const name of names) {
    if (name === '__proto__') throw new GatewayConfigError(raw.at(name), 'is not a usable field name');
    const field = parseField(raw.raw(name), raw.at(name));
    fields[name] = field;
    if (typeof field === 'string') {
      declarations[name] = field;
    } else {
      const { unit: _unit, ...declaration } = field;
      declarations[name] = declaration as FieldDeclarations[string];
    }
  }
  try {
    const layout = registerLayout(declarations, order === undefined ? {} : { order });
    (table === 'holding' ? holdingBlock : inputBlock)(address, layout);
  } catch (error) {
    if (error instanceof MeterlinkError) throw new GatewayConfigError(f.at('fields'), error.message);
    throw error;
  }
  return { table, address, ...(order === undefined ? {} : { order }), fields };
}
