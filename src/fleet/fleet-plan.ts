/**
 * What a fleet read does with each connected meter: a DLMS read plan, a Modbus register block, or
 * a function.
 *
 * @module
 */

import { InvalidArgumentError, type MeterlinkError } from '../core/errors.js';
import type { Data } from '../dlms/axdr/types.js';
import type { ClockReading } from '../dlms/client/clock-reads.js';
import { dottedObis } from '../dlms/client/descriptors.js';
import type { DlmsClient } from '../dlms/client/dlms-client.js';
import { DataAccessError } from '../dlms/client/errors.js';
import type { RegisterValue } from '../dlms/client/register-reads.js';
import type { ModbusClient } from '../modbus/client/modbus-client.js';
import type { RegisterBlock } from '../modbus/registers/block.js';
import type { FleetTarget } from './fleet-meter.js';

/** A connected client, as the connector returns it: DLMS or Modbus (see `meter.url.protocol`). */
export type MeterClient = DlmsClient | ModbusClient;

/** One object of a DLMS read plan. */
export interface DlmsPlanItem {
  /** Logical name in any form `parseObis` accepts (`1.0.1.8.0.255`, `1-0:1.8.0*255`). */
  obis: string;
  /**
   * Interface class. Default 3 (Register). Classes 3 and 4 with attribute 2 are read with
   * `readRegister` (value scaled, unit), class 8 attribute 2 with `readClock`, anything else with
   * `get` (the raw Data).
   */
  classId?: number;
  /** Attribute. Default 2 (the value). */
  attribute?: number;
  /** Key of the reading in the result. Default: the dotted OBIS code. */
  name?: string;
}

/** One reading of a DLMS plan, by the way it was read. */
export type DlmsReading =
  | ({
      /** A Register or Extended register value (classes 3, 4), scaled, with its unit. */
      type: 'register';
    } & RegisterValue)
  | ({
      /** A Clock time (class 8, attribute 2). */
      type: 'clock';
    } & ClockReading)
  | {
      /** Any other attribute, as read. */
      type: 'data';
      /** The attribute value. */
      raw: Data;
    }
  | {
      /**
       * The meter answered this object with a Data-Access-Result (no such object, no access …):
       * the other readings of the meter are still there.
       */
      type: 'error';
      /** The `DataAccessError`. */
      error: MeterlinkError;
    };

/** The value of a DLMS plan for one meter: a reading per plan item, keyed by `name` (or OBIS). */
export type DlmsReadings = Record<string, DlmsReading>;

/** A Modbus plan: one typed register block, read with `ModbusClient.read`. */
export interface ModbusPlan<T> {
  /** The block (`holdingBlock`/`inputBlock` of a `registerLayout`). */
  block: RegisterBlock<T>;
  /** Unit id to read from. Default: the URL's `unit` (or the client default). */
  unitId?: number;
}

/**
 * A plan function: reads whatever it likes from the connected client. It should honour `signal`
 * (fired on the meter's timeout and on the fleet's abort); the fleet closes the client anyway
 * when it fires.
 */
export type FleetTask<T> = (client: MeterClient, meter: FleetTarget, signal: AbortSignal) => Promise<T>;

/** Anything `readFleet` accepts as a plan. */
export type FleetPlan<T> = readonly DlmsPlanItem[] | ModbusPlan<T> | FleetTask<T>;

/** A validated plan: which protocol it needs (if any) and how to run it on one client. */
export interface PlanRunner<T> {
  /** The protocol the plan talks; `undefined` for a function (any client). */
  protocol: 'dlms' | 'modbus' | undefined;
  /** Reads one meter. */
  run: FleetTask<T>;
}

interface DlmsStep {
  key: string;
  obis: string;
  classId: number;
  attribute: number;
  read: 'register' | 'clock' | 'data';
}

function dlmsSteps(items: readonly DlmsPlanItem[]): DlmsStep[] {
  if (items.length === 0) throw new InvalidArgumentError('readFleet: the DLMS plan lists no objects');
  const keys = new Set<string>();
  return items.map((item, i) => {
    if (typeof item !== 'object' || item === null || typeof item.obis !== 'string') {
      throw new InvalidArgumentError(`readFleet: plan item ${i} needs an obis string`);
    }
    const obis = dottedObis(item.obis);
    const classId = item.classId ?? 3;
    const attribute = item.attribute ?? 2;
    if (!Number.isInteger(classId) || classId < 0 || classId > 0xffff) {
      throw new InvalidArgumentError(`readFleet: plan item ${i}: classId must be an integer 0–65535`);
    }
    if (!Number.isInteger(attribute) || attribute < 1 || attribute > 127) {
      throw new InvalidArgumentError(`readFleet: plan item ${i}: attribute must be an integer 1–127`);
    }
    const key = item.name ?? obis;
    if (keys.has(key)) throw new InvalidArgumentError(`readFleet: two plan items are named '${key}'`);
    keys.add(key);
    const read =
      attribute === 2 && (classId === 3 || classId === 4)
        ? 'register'
        : attribute === 2 && classId === 8
          ? 'clock'
          : 'data';
    return { key, obis, classId, attribute, read };
  });
}

async function readStep(client: DlmsClient, step: DlmsStep, signal: AbortSignal): Promise<DlmsReading> {
  try {
    switch (step.read) {
      case 'register':
        return { type: 'register', ...(await client.readRegister(step.obis, { signal })) };
      case 'clock':
        return { type: 'clock', ...(await client.readClock({ obis: step.obis, signal })) };
      default:
        return {
          type: 'data',
          raw: await client.get(
            { classId: step.classId, obis: step.obis, attribute: step.attribute },
            { signal },
          ),
        };
    }
  } catch (error) {
    // The meter said "no" for this object only: keep the others.
    if (error instanceof DataAccessError) return { type: 'error', error };
    throw error;
  }
}

/**
 * Validates a plan and returns its runner.
 *
 * @throws InvalidArgumentError for an empty DLMS plan, a bad OBIS code, class or attribute, two
 *   items with one name, or something that is not a plan
 */
export function planRunner<T>(plan: FleetPlan<T>): PlanRunner<T> {
  if (typeof plan === 'function') return { protocol: undefined, run: plan };
  if (Array.isArray(plan)) {
    const steps = dlmsSteps(plan as readonly DlmsPlanItem[]);
    const run = async (
      client: MeterClient,
      _meter: FleetTarget,
      signal: AbortSignal,
    ): Promise<DlmsReadings> => {
      const entries: [string, DlmsReading][] = [];
      for (const step of steps) entries.push([step.key, await readStep(client as DlmsClient, step, signal)]);
      return Object.fromEntries(entries);
    };
    return { protocol: 'dlms', run: run as unknown as FleetTask<T> };
  }
  const modbus = plan as ModbusPlan<T>;
  if (typeof modbus === 'object' && modbus !== null && typeof modbus.block?.layout?.decode === 'function') {
    const { block, unitId } = modbus;
    if (unitId !== undefined && (!Number.isInteger(unitId) || unitId < 0 || unitId > 255)) {
      throw new InvalidArgumentError(
        `readFleet: plan unitId must be an integer 0–255, got ${String(unitId)}`,
      );
    }
    return {
      protocol: 'modbus',
      run: (client, _meter, signal) =>
        (client as ModbusClient).read(block, unitId === undefined ? { signal } : { signal, unitId }),
    };
  }
  throw new InvalidArgumentError(
    'readFleet: the plan must be a list of DLMS objects, a Modbus { block, unitId? } or a function',
  );
}
