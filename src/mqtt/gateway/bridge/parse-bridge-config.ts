/**
 * The JSON form of the bridge mode's options, for `meterlink gateway <config.json>`.
 *
 * @module
 */

import { MeterlinkError } from '../../../core/errors.js';
import { RegisterOrder } from '../../../modbus/registers/order.js';
import { type ConfigEnv, ConfigFields, GatewayConfigError } from '../config-fields.js';
import { linkFactory } from '../config-links.js';
import { parseLinkConfig } from '../link-config.js';
import { parseDlmsConnection } from '../publish/mode-config.js';
import { type BridgeMappingEntry, bridgeValueTypes, placeMapping } from './bridge-mapping.js';
import type { BridgeListenOptions, BridgeModeOptions } from './bridge-mode.js';
import type { BridgeServeOptions } from './served-line.js';

const maxTimerMs = 0x7fffffff;
const tables = ['holding', 'input'] as const;

/**
 * Checks the JSON of a bridge mode and returns its options.
 *
 * ```json
 * { "port": "p0", "pollIntervalMs": 10000,
 *   "dlms": { "framing": "hdlc", "client": 16, "server": { "logical": 1, "physical": 17 } },
 *   "listen": { "port": 1502, "host": "0.0.0.0" },
 *   "status": { "table": "input", "address": 100 },
 *   "mapping": [
 *     { "obis": "1.0.1.8.0.255", "table": "input", "address": 0, "type": "uint32" },
 *     { "obis": "1.0.32.7.0.255", "table": "input", "address": 2, "type": "float32" } ] }
 * ```
 *
 * Instead of `listen`, `"serve": { "serial": { "path": "/dev/ttyUSB1", "baudRate": 9600 },
 * "framing": "rtu" }` serves the registers on a serial line (RTU by default, or `ascii`), read
 * like a port's `link` (`tcp` and `udp` too; the parity defaults to `even`). The link is built
 * here but opened only when the mode starts, so `serialport` is not loaded before.
 *
 * @param json - The parsed JSON value.
 * @param where - Path of `json` in the configuration file, for messages (e.g. `modes[1]`).
 * @param env - Environment variables for `{ "env": "NAME" }` passwords and keys. Default none.
 * @returns The options for {@link bridgeMode}.
 * @throws {@link GatewayConfigError} (an `InvalidArgumentError`) naming the JSON path at fault
 *   (overlapping registers name both entries); a key or password is never part of the message
 * @example
 * ```ts
 * const mode = bridgeMode(parseBridgeConfig(config.modes[1], 'modes[1]', process.env));
 * ```
 */
export function parseBridgeConfig(json: unknown, where: string, env: ConfigEnv = {}): BridgeModeOptions {
  const f = new ConfigFields(json, where, [
    'mode',
    'description',
    'port',
    'dlms',
    'mapping',
    'pollIntervalMs',
    'listen',
    'serve',
    'unitIds',
    'maxAgeMs',
    'status',
    'acquireTimeoutMs',
    'pollTimeoutMs',
    'stopTimeoutMs',
  ]);
  if (f.has('mode')) f.oneOf('mode', ['bridge'] as const);
  if (f.has('description')) f.text('description');
  const port = f.text('port');
  if (!f.has('dlms')) throw new GatewayConfigError(f.at('dlms'), 'is required');
  const dlms = parseDlmsConnection(f.raw('dlms'), f.at('dlms'), env);
  const mapping = f.list('mapping').map((m, i) => parseEntry(m, `${f.at('mapping')}[${i}]`));
  const pollIntervalMs = f.integer('pollIntervalMs', 1, maxTimerMs);
  if (f.has('listen') === f.has('serve')) {
    throw new GatewayConfigError(
      where,
      `needs exactly one of listen ({ "port": 1502 }) and serve ({ "serial": { "path": …, "baudRate": … } }), got ${f.has('listen') ? 'both' : 'neither'}`,
    );
  }
  const options: BridgeModeOptions = f.has('listen')
    ? { port, dlms, mapping, pollIntervalMs, listen: parseListen(f.raw('listen'), f.at('listen')) }
    : { port, dlms, mapping, pollIntervalMs, serve: parseServe(f.raw('serve'), f.at('serve')) };
  if (f.has('unitIds')) {
    options.unitIds = f.list('unitIds').map((u, i) => {
      if (typeof u !== 'number' || !Number.isInteger(u) || u < 1 || u > 255) {
        throw new GatewayConfigError(`${f.at('unitIds')}[${i}]`, 'must be an integer 1…255');
      }
      return u;
    });
  }
  if (f.has('status')) {
    const s = new ConfigFields(f.raw('status'), f.at('status'), ['table', 'address']);
    if (!s.has('table')) throw new GatewayConfigError(s.at('table'), "is required ('holding' or 'input')");
    options.status = { table: s.oneOf('table', tables)!, address: s.integer('address', 0, 0xfffd) };
  }
  for (const key of ['maxAgeMs', 'acquireTimeoutMs', 'pollTimeoutMs'] as const) {
    const v = f.integer(key, 1, maxTimerMs, true);
    if (v !== undefined) options[key] = v;
  }
  const stopTimeoutMs = f.integer('stopTimeoutMs', 0, maxTimerMs, true);
  if (stopTimeoutMs !== undefined) options.stopTimeoutMs = stopTimeoutMs;
  try {
    placeMapping(mapping, options.status);
  } catch (error) {
    // Overlaps and sizes: the message names the entries (mapping[i]).
    if (error instanceof MeterlinkError) throw new GatewayConfigError(f.at('mapping'), error.message);
    throw error;
  }
  return options;
}

function parseEntry(value: unknown, path: string): BridgeMappingEntry {
  const f = new ConfigFields(value, path, [
    'obis',
    'classId',
    'attribute',
    'table',
    'address',
    'type',
    'scale',
    'order',
    'name',
  ]);
  const obis = f.obis('obis');
  if (!f.has('table')) throw new GatewayConfigError(f.at('table'), "is required ('holding' or 'input')");
  if (!f.has('type'))
    throw new GatewayConfigError(f.at('type'), `is required (${bridgeValueTypes.join(', ')})`);
  const entry: BridgeMappingEntry = {
    obis,
    table: f.oneOf('table', tables)!,
    address: f.integer('address', 0, 0xffff),
    type: f.oneOf('type', bridgeValueTypes)!,
  };
  const classId = f.integer('classId', 1, 0xffff, true);
  if (classId !== undefined) entry.classId = classId;
  const attribute = f.integer('attribute', 1, 127, true);
  if (attribute !== undefined) entry.attribute = attribute;
  const scale = f.factor('scale');
  if (scale !== undefined) entry.scale = scale;
  const order = f.oneOf('order', Object.values(RegisterOrder));
  if (order !== undefined) entry.order = order;
  const name = f.text('name', true);
  if (name !== undefined) entry.name = name;
  return entry;
}

function parseListen(value: unknown, path: string): BridgeListenOptions {
  const f = new ConfigFields(value, path, ['port', 'host', 'framing', 'transport', 'maxConnections']);
  const listen: BridgeListenOptions = { port: f.integer('port', 0, 65535) };
  const host = f.text('host', true);
  if (host !== undefined) listen.host = host;
  const framing = f.oneOf('framing', ['tcp', 'rtu', 'ascii'] as const);
  if (framing !== undefined) listen.framing = framing;
  const transport = f.oneOf('transport', ['tcp', 'udp'] as const);
  if (transport !== undefined) listen.transport = transport;
  const maxConnections = f.integer('maxConnections', 1, 10_000, true);
  if (maxConnections !== undefined) listen.maxConnections = maxConnections;
  return listen;
}

/** `{ "serial": { … }, "framing": "rtu" }`: the link as a port's `link`, and its Modbus framing. */
function parseServe(value: unknown, path: string): BridgeServeOptions {
  const f = new ConfigFields(value, path, ['serial', 'tcp', 'udp', 'framing']);
  const framing = f.oneOf('framing', ['rtu', 'ascii'] as const);
  const { framing: _, ...link } = value as Record<string, unknown>;
  const serve: BridgeServeOptions = { link: linkFactory(parseLinkConfig(link, path, 'modbus-rtu'))() };
  if (framing !== undefined) serve.framing = framing;
  return serve;
}
