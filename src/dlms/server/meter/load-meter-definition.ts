/**
 * Builds the objects of a custom simulated meter from its JSON definition (format:
 * `meter-definition.ts`, example: `examples/meters/example.json`).
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import type { CaptureObject } from '../../cosem/capture-objects.js';
import { formatObis, parseObis } from '../../cosem/obis.js';
import { unitById } from '../../cosem/units.js';
import type { CosemObject } from '../cosem-object.js';
import { Clock } from '../objects/clock.js';
import { DataObject } from '../objects/data-object.js';
import { numericData } from '../objects/data-values.js';
import { DemandRegister } from '../objects/demand-register.js';
import { DisconnectControl } from '../objects/disconnect-control.js';
import { EventLog } from '../objects/event-log.js';
import { ExtendedRegister } from '../objects/extended-register.js';
import { logicalDeviceName } from '../objects/logical-device-name.js';
import { ObjectDirectory } from '../objects/object-directory.js';
import { ProfileGeneric } from '../objects/profile-generic.js';
import { type PushSender, PushSetup } from '../objects/push-setup.js';
import { Register } from '../objects/register.js';
import { IecHdlcSetup, TcpUdpSetup } from '../objects/setup-objects.js';
import type { ValueSource } from '../objects/value-source.js';
import {
  describe,
  Fields,
  integerAt,
  MeterDefinitionError,
  numericType,
  typedValue,
} from './definition-fields.js';
import { type Generator, readGenerator } from './generators.js';
import { logClockAdjustments, logDisconnections } from './meter-events.js';

/** Options of {@link loadMeterDefinition}. */
export interface LoadMeterDefinitionOptions {
  /** Sends the pushes of the Push setup objects. */
  onPush?: PushSender;
}

const classNames: Readonly<Record<string, number>> = {
  data: 1,
  register: 3,
  'extended-register': 4,
  'demand-register': 5,
  'profile-generic': 7,
  clock: 8,
  'iec-hdlc-setup': 23,
  'push-setup': 40,
  'tcp-udp-setup': 41,
  'disconnect-control': 70,
  'event-log': -1,
};

/** Default logical names of the classes that have a well-known one (§11.5). */
const defaultNames: Readonly<Record<string, string>> = {
  clock: '0.0.1.0.0.255',
  'event-log': '0.0.99.98.0.255',
  'disconnect-control': '0.0.96.3.10.255',
  'push-setup': '0.0.25.9.0.255',
  'iec-hdlc-setup': '0.0.22.0.0.255',
  'tcp-udp-setup': '0.0.25.0.0.255',
};

/** Fields each class accepts besides `class` and `obis`. */
const classFields: Readonly<Record<string, readonly string[]>> = {
  data: ['type', 'value', 'generator'],
  register: ['type', 'value', 'generator', 'scaler', 'unit'],
  'extended-register': ['type', 'value', 'generator', 'scaler', 'unit', 'status'],
  'demand-register': ['type', 'generator', 'scaler', 'unit', 'period', 'numberOfPeriods'],
  'profile-generic': ['capturePeriod', 'entries', 'columns'],
  clock: ['timeZone', 'daylightSaving', 'clockBase'],
  'event-log': ['capacity'],
  'disconnect-control': ['controlMode'],
  'push-setup': ['objects', 'destination'],
  'iec-hdlc-setup': ['commSpeed', 'windowSize', 'maxInfoFieldLength', 'inactivityTimeout', 'deviceAddress'],
  'tcp-udp-setup': ['port', 'mss', 'simultaneousConnections', 'inactivityTimeout'],
};

function className(value: unknown, path: string): string {
  for (const [name, id] of Object.entries(classNames)) if (value === name || value === id) return name;
  throw new MeterDefinitionError(
    path,
    `must be one of ${Object.keys(classNames).join(', ')} (or a class id), got ${describe(value)}`,
  );
}

function unitOf(f: Fields, fallback: number): number {
  const value = f.raw('unit');
  if (value === undefined) return fallback;
  if (typeof value === 'number') return integerAt(value, f.at('unit'), 0, 255);
  for (let id = 1; id <= 255; id++)
    if (typeof value === 'string' && unitById(id)?.symbol === value) return id;
  throw new MeterDefinitionError(
    f.at('unit'),
    `must be a unit id 0…255 or a symbol of §11.4 (Wh, V, A …), got ${describe(value)}`,
  );
}

/** A logical name field (or the class default), checked. */
function obisOf(f: Fields, name: string): string {
  const value = f.raw('obis') ?? defaultNames[name];
  if (value === undefined) throw new MeterDefinitionError(f.at('obis'), `is required for ${name}`);
  try {
    return formatObis(parseObis(value as string));
  } catch {
    throw new MeterDefinitionError(
      f.at('obis'),
      `must be an OBIS code like "1.0.1.8.0.255", got ${describe(value)}`,
    );
  }
}

/** What an object refers to by logical name, resolved once every object exists. */
interface Reference {
  path: string;
  obis: string;
  attributeIndex: number;
  dataIndex: number;
}

function references(f: Fields, key: string): Reference[] {
  return f.list(key).map((item, i) => {
    const path = `${f.at(key)}[${i}]`;
    const column =
      typeof item === 'string'
        ? new Fields({ obis: item }, path, ['obis'])
        : new Fields(item, path, ['obis', 'attribute', 'dataIndex']);
    return {
      path,
      obis: obisOf(column, 'column'),
      attributeIndex: column.integer('attribute', 1, 127, 2),
      dataIndex: column.integer('dataIndex', 0, 0xffff, 0),
    };
  });
}

/** What the object builders share: the seed and the event log (once it exists). */
interface BuildContext {
  seed: number;
  eventLog: () => EventLog | undefined;
}

/** A value field or a generator field (exactly one), as a value source of `type`. */
function valueSource(f: Fields, type: string, context: BuildContext, stream: number): ValueSource {
  if (f.has('value') === f.has('generator')) {
    throw new MeterDefinitionError(f.at('value'), 'give either a value or a generator');
  }
  if (f.has('value')) return typedValue(type, f.raw('value'), f.at('value'));
  const numeric = numericType(type, f.at('type'));
  const generate: Generator = readGenerator(f.raw('generator'), f.at('generator'), context.seed, stream);
  const float = numeric === 'float32' || numeric === 'float64';
  return (now): Data => numericData(numeric, float ? generate(now) : Math.round(generate(now)));
}

function defaultType(f: Fields, name: string): string {
  if (f.has('type')) return f.text('type');
  if (name !== 'data') return 'double-long-unsigned';
  const value = f.raw('value');
  return typeof value === 'boolean'
    ? 'boolean'
    : typeof value === 'string'
      ? 'visible-string'
      : 'double-long';
}

/** Builds an object that names no other object. */
function buildObject(
  name: string,
  f: Fields,
  obis: string,
  context: BuildContext,
  stream: number,
): CosemObject {
  switch (name) {
    case 'data':
      return new DataObject({
        logicalName: obis,
        value: valueSource(f, defaultType(f, name), context, stream),
      });
    case 'register':
    case 'extended-register': {
      const options = {
        logicalName: obis,
        value: valueSource(f, defaultType(f, name), context, stream),
        scaler: f.integer('scaler', -128, 127, 0),
        unit: unitOf(f, 255),
      };
      if (name === 'register') return new Register(options);
      return new ExtendedRegister({
        ...options,
        status: { type: 'unsigned', value: f.integer('status', 0, 255, 0) },
      });
    }
    case 'demand-register': {
      const generate = readGenerator(f.raw('generator'), f.at('generator'), context.seed, stream);
      return new DemandRegister({
        logicalName: obis,
        type: numericType(f.raw('type') ?? 'double-long-unsigned', f.at('type')),
        // The average of the generator over the window, from 16 samples.
        average: (from, to) => {
          let sum = 0;
          for (let i = 0; i < 16; i++)
            sum += generate(new Date(from.getTime() + ((to.getTime() - from.getTime()) * (i + 0.5)) / 16));
          return sum / 16;
        },
        scaler: f.integer('scaler', -128, 127, 0),
        unit: unitOf(f, 27),
        period: f.integer('period', 1, 0xffffffff, 900),
        numberOfPeriods: f.integer('numberOfPeriods', 1, 0xffff, 1),
      });
    }
    case 'clock':
      return new Clock({
        logicalName: obis,
        timeZone: f.integer('timeZone', -720, 720, 0),
        daylightSavingsEnabled: f.flag('daylightSaving', false),
        clockBase: f.integer('clockBase', 0, 255, 1),
        onAdjust: logClockAdjustments(context.eventLog),
      });
    case 'disconnect-control':
      return new DisconnectControl({
        logicalName: obis,
        controlMode: f.integer('controlMode', 0, 6, 1),
        onChange: logDisconnections(context.eventLog),
      });
    case 'iec-hdlc-setup':
      return new IecHdlcSetup({
        logicalName: obis,
        commSpeed: f.integer('commSpeed', 0, 9, 5),
        windowSize: f.integer('windowSize', 1, 7, 1),
        maxInfoFieldLength: f.integer('maxInfoFieldLength', 32, 2030, 128),
        inactivityTimeout: f.integer('inactivityTimeout', 0, 0xffff, 120),
        deviceAddress: f.integer('deviceAddress', 0x10, 0x3ffd, 0x10),
      });
    default:
      return new TcpUdpSetup({
        logicalName: obis,
        port: f.integer('port', 0, 0xffff, 4059),
        mss: f.integer('mss', 40, 0xffff, 576),
        simultaneousConnections: f.integer('simultaneousConnections', 0, 255, 1),
        inactivityTimeout: f.integer('inactivityTimeout', 0, 0xffff, 180),
      });
  }
}

/**
 * Builds the objects of a custom meter from its definition (JSON text or the parsed value). A
 * Clock (UTC, `0.0.1.0.0.255`) and the logical device name are added when the definition has
 * none. Profile columns and push objects must name objects of the definition.
 *
 * @param definition - The definition: JSON text or a parsed {@link MeterDefinition}.
 * @param options - The push sender.
 * @returns The objects to serve.
 * @throws MeterDefinitionError (an `InvalidArgumentError`, code `ERR_INVALID_ARGUMENT`) naming
 *   the path of the first offending field, for invalid JSON, an unknown class or field, a value
 *   of the wrong type or out of range, a duplicate logical name or a dangling reference
 * @example
 * ```ts
 * const objects = loadMeterDefinition(await readFile('meter.json', 'utf8'));
 * const server = new DlmsServer({ logicalDevices: [{ address: 1, objects }] });
 * ```
 */
export function loadMeterDefinition(
  definition: unknown,
  options: LoadMeterDefinitionOptions = {},
): CosemObject[] {
  let parsed = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw new MeterDefinitionError('', `is not valid JSON (${(error as Error).message})`);
    }
  }
  const root = new Fields(parsed, '', ['name', 'seed', 'objects', '$schema', 'description']);
  const seed = root.integer('seed', -0x80000000, 0x7fffffff, 1);
  const directory = new ObjectDirectory();
  const objects: CosemObject[] = [];
  const names = new Map<string, string>();
  let eventLog: EventLog | undefined;
  const pending: (() => void)[] = [];
  const context: BuildContext = { seed, eventLog: () => eventLog };
  const resolve = (refs: readonly Reference[]): CaptureObject[] =>
    refs.map((ref) => {
      const target = objects.find((o) => formatObis(o.logicalName) === ref.obis);
      if (target === undefined)
        throw new MeterDefinitionError(ref.path, `names ${ref.obis}, which the definition does not have`);
      return {
        classId: target.classId,
        logicalName: ref.obis,
        attributeIndex: ref.attributeIndex,
        dataIndex: ref.dataIndex,
      };
    });
  const add = (object: CosemObject, path: string): void => {
    const obis = formatObis(object.logicalName);
    const earlier = names.get(obis);
    if (earlier !== undefined)
      throw new MeterDefinitionError(path, `repeats the logical name ${obis} of ${earlier}`);
    names.set(obis, path === '' ? 'the definition' : path);
    objects.push(object);
  };

  root.list('objects').forEach((item, i) => {
    const path = `objects[${i}]`;
    const name = className(new Fields(item, path).raw('class'), `${path}.class`);
    const f = new Fields(item, path, ['class', 'obis', ...classFields[name]!]);
    const obis = obisOf(f, name);
    if (name === 'event-log') {
      eventLog = new EventLog({
        directory,
        logicalName: obis,
        capacity: f.integer('capacity', 1, 0xffff, 100),
      });
      add(eventLog.profile, path);
      add(eventLog.eventCode, path);
    } else if (name === 'profile-generic') {
      const columns = references(f, 'columns');
      if (columns.length === 0)
        throw new MeterDefinitionError(f.at('columns'), 'must name at least one column');
      const capturePeriod = f.integer('capturePeriod', 0, 0xffffffff, 0);
      const entries = f.integer('entries', 1, 100_000, 100);
      pending.push(() => {
        add(
          new ProfileGeneric({
            logicalName: obis,
            directory,
            captureObjects: resolve(columns),
            capturePeriod,
            profileEntries: entries,
            generated: capturePeriod > 0,
          }),
          path,
        );
      });
    } else if (name === 'push-setup') {
      const pushObjects = references(f, 'objects');
      const destination = new TextEncoder().encode(f.text('destination', '127.0.0.1:4059'));
      pending.push(() => {
        add(
          new PushSetup({
            logicalName: obis,
            directory,
            pushObjects: resolve(pushObjects),
            destination: { transport: 0, destination, message: 0 },
            ...(options.onPush === undefined ? {} : { sender: options.onPush }),
          }),
          path,
        );
      });
    } else {
      add(buildObject(name, f, obis, context, i + 1), path);
    }
  });
  if (!names.has('0.0.1.0.0.255')) {
    add(new Clock({ onAdjust: logClockAdjustments(context.eventLog) }), '');
  }
  if (!names.has('0.0.42.0.0.255')) {
    const name = root.text('name', 'MLK0000000000001');
    try {
      add(logicalDeviceName(name), '');
    } catch (error) {
      throw new MeterDefinitionError('name', (error as Error).message);
    }
  }
  // Profiles and pushes name other objects: build them once every object exists.
  for (const build of pending) build();
  directory.add(...objects);
  return objects;
}
