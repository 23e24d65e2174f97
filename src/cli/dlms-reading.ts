/**
 * `meterlink read`'s work for one meter: the value of each object, read the way its interface
 * class asks (scaled registers with their units, the clock as an instant, other objects'
 * attribute 2 as it is). The class comes from `class/obis` when given, else from the OBIS code
 * (see {@link guessClass}); when the meter says the object does not exist with that class, the
 * object list tells the right one.
 *
 * @module
 */

import type { Data } from '../dlms/axdr/types.js';
import type { DlmsClient } from '../dlms/client/dlms-client.js';
import { DataAccessError } from '../dlms/client/errors.js';
import { parseObisText } from '../dlms/cosem/obis.js';
import { scaledDecimal } from '../dlms/cosem/scaler.js';
import { describeObis } from '../dlms/cosem/well-known.js';
import { parseInteger, UsageError } from './args.js';
import {
  type DataJson,
  dataToJson,
  formatCosemDateTime,
  formatData,
  instantOf,
  isoText,
  plainJson,
} from './dlms-values.js';

/** An object to read: `1.0.1.8.0.255`, `1-0:1.8.0`, or `3/1.0.1.8.0.255` with its class. */
export interface ReadItem {
  /** Dotted OBIS. */
  obis: string;
  /** The class given with the code, if any. */
  classId: number | undefined;
}

/** One value read. */
export interface Reading {
  /** Dotted OBIS. */
  obis: string;
  /** The interface class it was read as. */
  classId: number;
  /** The well-known name of the OBIS code, if any. */
  name: string | undefined;
  /** The value as text. */
  text: string;
  /** The value for JSON: a scaled number, an ISO instant, or the value's plain JSON form. */
  value: unknown;
  /** Unit symbol (registers), `''` when none. */
  unit: string;
  /** Extra facts: scaler, capture time, last average … */
  details: Record<string, unknown>;
  /** The attribute as read, in the typed JSON form. */
  raw: DataJson;
}

/**
 * Reads `[class/]obis` operands.
 *
 * @throws {@link UsageError} or InvalidArgumentError for a malformed item
 */
export function parseReadItem(text: string, command: string): ReadItem {
  const slash = text.indexOf('/');
  const classId =
    slash === -1 ? undefined : parseInteger(text.slice(0, slash), `class of '${text}'`, 0, 0xffff);
  const code = slash === -1 ? text : text.slice(slash + 1);
  if (code === '') throw new UsageError(`missing OBIS code in '${text}'`, command);
  return { obis: parseObisText(code).dotted, classId };
}

/**
 * The usual interface class of an OBIS code (meterlink spec §11.5): the Clock for
 * `0.x.1.0.x.x`; for a physical quantity (A ≠ 0, C not an abstract/service group) Demand
 * register for D = 4/5 (current/last average), Extended register for D = 6 (maximum demand),
 * else Register; Data otherwise.
 */
export function guessClass(obis: string): number {
  const [a, , c, d] = obis.split('.').map(Number) as [number, number, number, number];
  if (a === 0 && c === 1 && d === 0) return 8;
  if (a !== 0 && c !== 0 && c < 96) {
    if (d === 4 || d === 5) return 5;
    if (d === 6) return 4;
    return 3;
  }
  return 1;
}

/** The exact decimal of a scaled integer (no binary rounding in text), else the number. */
function scaledText(raw: Data, scaler: number, value: number): string {
  const v = (raw as { value?: unknown }).value;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v)))
    return scaledDecimal(v, scaler);
  return String(value);
}

async function readAs(
  client: DlmsClient,
  obis: string,
  classId: number,
  signal: AbortSignal,
): Promise<Reading> {
  const base = { obis, classId, name: describeObis(obis) };
  const options = { signal };
  switch (classId) {
    case 3:
    case 4: {
      const extended = classId === 4 ? await client.readExtendedRegister(obis, options) : undefined;
      const r = extended ?? (await client.readRegister(obis, options));
      const details: Record<string, unknown> = { scaler: r.scaler };
      let text = scaledText(r.raw, r.scaler, r.value);
      if (extended?.captureTime !== undefined) {
        const at = instantOf(extended.captureTime);
        const captureTime = at === undefined ? formatCosemDateTime(extended.captureTime) : isoText(at);
        details.captureTime = captureTime;
        text += ` (at ${captureTime})`;
      }
      return { ...base, text, value: r.value, unit: r.unit, details, raw: dataToJson(r.raw) };
    }
    case 5: {
      const r = await client.readDemandRegister(obis, options);
      return {
        ...base,
        text: scaledText(r.raw.currentAverage, r.scaler, r.currentAverage),
        value: r.currentAverage,
        unit: r.unit,
        details: { scaler: r.scaler, lastAverage: r.lastAverage, period: r.period },
        raw: dataToJson(r.raw.currentAverage),
      };
    }
    case 8: {
      const r = await client.readClock({ ...options, obis });
      const text = formatCosemDateTime(r.dateTime);
      return {
        ...base,
        text: r.date === undefined ? text : `${isoText(r.date)} (${text})`,
        value: r.date === undefined ? text : isoText(r.date),
        unit: '',
        details: {},
        raw: dataToJson(r.raw),
      };
    }
    default: {
      const raw = await client.get({ classId, obis, attribute: 2 }, options);
      return {
        ...base,
        text: formatData(raw),
        value: plainJson(raw),
        unit: '',
        details: {},
        raw: dataToJson(raw),
      };
    }
  }
}

/** "No such object" answers to a GET with the wrong class (meters differ in which they send). */
const wrongClassResults = new Set(['object-undefined', 'object-class-inconsistent', 'object-unavailable']);

/**
 * Reads every item, in order, on one association. The object list is read (once) only when an
 * item without a class turns out to have another class than its OBIS code suggests.
 *
 * @throws the request errors of the first item that fails (DataAccessError, TimeoutError …)
 */
export async function readItems(
  client: DlmsClient,
  items: readonly ReadItem[],
  signal: AbortSignal,
): Promise<Reading[]> {
  let classes: Map<string, number> | undefined;
  const readings: Reading[] = [];
  for (const item of items) {
    const guess = item.classId ?? guessClass(item.obis);
    try {
      readings.push(await readAs(client, item.obis, guess, signal));
    } catch (error) {
      if (
        item.classId !== undefined ||
        !(error instanceof DataAccessError) ||
        !wrongClassResults.has(String(error.result))
      ) {
        throw error;
      }
      classes ??= new Map((await client.readObjectList({ signal })).map((o) => [o.logicalName, o.classId]));
      const actual = classes.get(item.obis);
      if (actual === undefined) {
        // The usual cause: a public client, whose association shows only a few objects.
        error.message += ` — ${item.obis} is not among the ${classes.size} objects this association sees (a management client, --password or --auth, may see more; \`meterlink objects\` lists them)`;
        throw error;
      }
      if (actual === guess) throw error;
      readings.push(await readAs(client, item.obis, actual, signal));
    }
  }
  return readings;
}

/** A reading for `--json`. */
export function readingJson(r: Reading): Record<string, unknown> {
  return {
    obis: r.obis,
    classId: r.classId,
    ...(r.name === undefined ? {} : { name: r.name }),
    value: r.value,
    unit: r.unit,
    ...r.details,
    raw: r.raw,
  };
}
