/**
 * `readFleet`: reads many meters at once, for scripts.
 *
 * @module
 */

import { connect } from '../connect/connect.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { FleetMeterInput } from './fleet-meter.js';
import { type FleetConnector, type ReadFleetOptions, resolveFleetOptions } from './fleet-options.js';
import {
  type DlmsPlanItem,
  type DlmsReadings,
  type FleetTask,
  type ModbusPlan,
  planRunner,
} from './fleet-plan.js';
import { type FleetInput, FleetRead } from './fleet-read.js';
import { HeadEndPool } from './head-end-pool.js';

/** The package's `connect`, given the fleet's signal. */
const connectMeter: FleetConnector = (meter, signal) => connect(meter.url, { ...meter.options, signal });

/** The package's `connect`, tunnel meters on the pool's shared head-ends. */
function connectShared(pool: HeadEndPool): FleetConnector {
  return async (meter, signal) => {
    const headEnd = await pool.headEndFor(meter);
    if (headEnd === undefined) return connectMeter(meter, signal);
    return connect(meter.url, { ...meter.options, mqtt: { ...meter.options.mqtt, headEnd }, signal });
  };
}

/**
 * Reads a fleet of meters: a DLMS read plan (a list of objects), a Modbus register block, or a
 * function, run on every meter with bounded concurrency (overall and per gateway), retries with
 * backoff, a timeout per attempt, and backpressure. Results come as they complete, one per meter
 * — a value or a typed error, never a throw for one meter's failure.
 *
 * @param meters - URLs, parsed URLs or `{ id?, url, options? }` entries: an array, any iterable,
 *   or an async iterable (taken lazily, `lookahead` at most ahead).
 * @param plan - What to read from each meter.
 * @param options - Limits, retries, timeout, `signal`, connect options; tunnel meters share one
 *   MQTT connection per broker unless `shareTunnelConnections` is `false`.
 * @returns A {@link FleetRead}: iterate it with `for await`; `on('progress', …)` for counters.
 * @throws InvalidArgumentError at once for a bad plan or option. The iteration itself throws only
 *   when the `meters` iterable throws (after the running meters are closed).
 * @example
 * ```ts
 * import { readFleet } from 'meterlink';
 *
 * const meters = [
 *   { id: 'flat-1', url: 'hdlc+tcp://10.0.0.5:4059?client=16&server=1' },
 *   { id: 'flat-2', url: 'hdlc+mqtt://broker:1883/gw-1/p0' },
 * ];
 * const read = readFleet(meters, [{ obis: '1.0.1.8.0.255', name: 'energy' }], { concurrency: 16, retries: 2 });
 * read.on('progress', (p) => console.error(`${p.done}/${p.total ?? '?'} (${p.failed} failed)`));
 * for await (const r of read) {
 *   if (r.ok && r.value.energy?.type === 'register') console.log(r.meter.id, r.value.energy.value, r.value.energy.unit);
 *   else if (!r.ok) console.error(r.meter.id, r.error.code, r.error.message);
 * }
 * ```
 */
export function readFleet(
  meters: FleetInput<FleetMeterInput>,
  plan: readonly DlmsPlanItem[],
  options?: ReadFleetOptions,
): FleetRead<DlmsReadings>;
/** Reads one Modbus register block from every meter. */
export function readFleet<T>(
  meters: FleetInput<FleetMeterInput>,
  plan: ModbusPlan<T>,
  options?: ReadFleetOptions,
): FleetRead<T>;
/** Runs a function on every connected meter. */
export function readFleet<T>(
  meters: FleetInput<FleetMeterInput>,
  plan: FleetTask<T>,
  options?: ReadFleetOptions,
): FleetRead<T>;
export function readFleet(
  meters: FleetInput<FleetMeterInput>,
  plan: readonly DlmsPlanItem[] | ModbusPlan<unknown> | FleetTask<unknown>,
  options: ReadFleetOptions = {},
): FleetRead<unknown> {
  const input = meters as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null;
  if (
    typeof input !== 'object' ||
    input === null ||
    (typeof input[Symbol.iterator] !== 'function' && typeof input[Symbol.asyncIterator] !== 'function')
  ) {
    throw new InvalidArgumentError('readFleet: meters must be an iterable or async iterable');
  }
  const runner = planRunner(plan);
  const resolved = resolveFleetOptions(options, connectMeter);
  if (!resolved.shareTunnelConnections || options.connect !== undefined) {
    return new FleetRead(meters, runner, resolved);
  }
  const pool = new HeadEndPool();
  return new FleetRead(meters, runner, { ...resolved, connect: connectShared(pool) }, pool);
}
