/**
 * Publish mode: the gateway reads its meters on a schedule and publishes the readings as JSON.
 *
 * @module
 */

import { AbortError, InvalidArgumentError, LinkError, TimeoutError } from '../../../core/errors.js';
import { checkNumber } from '../../../links/validate.js';
import { idProblem } from '../../protocol/ids.js';
import type { GatewayMode, GatewayModeHost } from '../gateway-mode.js';
import type { PortLease } from '../gateway-port.js';
import { DlmsMeterReader } from './dlms-meter-reader.js';
import type { MeterReader } from './meter-reader.js';
import { ModbusMeterReader } from './modbus-meter-reader.js';
import type { PublishMeter, PublishModeOptions } from './publish-options.js';
import { type ReadingMessage, readingSchemaVersion } from './reading.js';

/** Counters of one meter of a {@link PublishMode}. */
export interface PublishMeterStats {
  /** Cycles run (finished, published or not). */
  cycles: number;
  /** Cycles skipped because the previous one was still running. */
  skipped: number;
  /** Messages published. */
  published: number;
  /** Cycles in which at least one reading was bad. */
  withBadReadings: number;
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

interface ScheduledMeter {
  readonly meter: PublishMeter;
  readonly reader: MeterReader;
  readonly acquireTimeoutMs: number;
  readonly cycleTimeoutMs: number;
  readonly stats: PublishMeterStats;
  timer: ReturnType<typeof setInterval> | undefined;
  first: ReturnType<typeof setTimeout> | undefined;
  running: Running | undefined;
}

const encoder = new TextEncoder();
/** Longest delay a timer can hold, ms. */
const maxTimerMs = 0x7fffffff;

function checkMeter(meter: PublishMeter, index: number, cycleTimeoutMs: number): ScheduledMeter {
  const where = `meters[${index}]`;
  if (typeof meter !== 'object' || meter === null)
    throw new InvalidArgumentError(`${where} must be an object`);
  const id = meter.id;
  const problem = typeof id === 'string' ? idProblem(id, encoder.encode(id).length) : 'is not a string';
  if (problem !== undefined) throw new InvalidArgumentError(`${where}.id ${JSON.stringify(id)} ${problem}`);
  if (typeof meter.port !== 'string' || meter.port === '') {
    throw new InvalidArgumentError(`meter ${id}: port must be a port id`);
  }
  const intervalMs = checkNumber(`meter ${id} intervalMs`, meter.intervalMs, 1);
  // Longer delays overflow the timers (they would fire at once).
  if (intervalMs > maxTimerMs)
    throw new InvalidArgumentError(`meter ${id} intervalMs must be ≤ ${maxTimerMs}`);
  const acquireTimeoutMs = checkNumber(
    `meter ${id} acquireTimeoutMs`,
    meter.acquireTimeoutMs ?? Math.min(intervalMs, 30_000),
    1,
  );
  const cycle = checkNumber(`meter ${id} cycleTimeoutMs`, meter.cycleTimeoutMs ?? cycleTimeoutMs, 1);
  let reader: MeterReader;
  if ('dlms' in meter && 'modbus' in meter) {
    throw new InvalidArgumentError(`meter ${id}: give either dlms or modbus, not both`);
  } else if ('dlms' in meter) {
    if (!Array.isArray(meter.read) || meter.read.length === 0) {
      throw new InvalidArgumentError(`meter ${id}: read must be a non-empty array of items`);
    }
    reader = new DlmsMeterReader(meter);
  } else if ('modbus' in meter) {
    reader = new ModbusMeterReader(meter);
  } else {
    throw new InvalidArgumentError(`meter ${id}: give dlms (with read) or modbus (with blocks)`);
  }
  return {
    meter,
    reader,
    acquireTimeoutMs,
    cycleTimeoutMs: cycle,
    stats: { cycles: 0, skipped: 0, published: 0, withBadReadings: 0 },
    timer: undefined,
    first: undefined,
    running: undefined,
  };
}

/**
 * A gateway mode that reads meters on a schedule and publishes each cycle's readings as one
 * JSON message (schema in `docs/gateway-modes.md`) to `{root}/gw/{gatewayId}/meter/{meterId}/reading`.
 * Create it with {@link publishMode}.
 *
 * Each cycle waits for the meter's port like a head-end does (FIFO; a tunnel session in
 * progress is never interleaved with), associates (DLMS) or attaches a Modbus client, reads
 * every item, releases the port and publishes. An item that fails is a `bad` reading with its
 * error code; a meter that cannot be reached gives `bad` readings for the whole plan. A cycle
 * due while the previous one still runs is skipped and counted.
 *
 * @example
 * ```ts
 * const publish = publishMode({
 *   meters: [{
 *     id: 'm1', port: 'p0', intervalMs: 900_000,
 *     dlms: { framing: 'hdlc', client: 16, server: { logical: 1, physical: 17 } },
 *     read: [{ obis: '1.0.1.8.0.255', name: 'energy-import' }],
 *   }],
 * });
 * await new MqttGateway({ broker, id: 'gw-1', ports, modes: [publish] }).start();
 * // meterlink/gw/gw-1/meter/m1/reading: { version: 1, meter: 'm1', readings: [{ value, unit: 'Wh', quality: 'good', … }] }
 * console.log(publish.stats('m1'));
 * ```
 */
export class PublishMode implements GatewayMode {
  /** `publish`. */
  readonly name = 'publish';
  readonly #meters: ScheduledMeter[];
  readonly #qos: 0 | 1;
  readonly #retain: boolean;
  readonly #runAtStart: boolean;
  readonly #stopTimeoutMs: number;
  #host: GatewayModeHost | undefined;
  #stopping: Promise<void> | undefined;

  /**
   * @throws InvalidArgumentError for a bad option, meter id or Modbus block, or duplicate meter ids
   */
  constructor(options: PublishModeOptions) {
    if (typeof options !== 'object' || options === null || !Array.isArray(options.meters)) {
      throw new InvalidArgumentError('publishMode needs { meters: [...] }');
    }
    if (options.meters.length === 0) throw new InvalidArgumentError('publishMode: meters must not be empty');
    const cycleTimeoutMs = checkNumber('cycleTimeoutMs', options.cycleTimeoutMs ?? 60_000, 1);
    this.#meters = options.meters.map((m, i) => checkMeter(m, i, cycleTimeoutMs));
    const ids = new Set<string>();
    for (const { meter } of this.#meters) {
      if (ids.has(meter.id)) throw new InvalidArgumentError(`meter id ${meter.id} is used twice`);
      ids.add(meter.id);
    }
    const qos = options.qos ?? 1;
    if (qos !== 0 && qos !== 1) throw new InvalidArgumentError(`qos must be 0 or 1, got ${String(qos)}`);
    this.#qos = qos;
    this.#retain = options.retain ?? false;
    this.#runAtStart = options.runAtStart ?? true;
    this.#stopTimeoutMs = checkNumber('stopTimeoutMs', options.stopTimeoutMs ?? 5000, 0);
  }

  /**
   * Counters of meter `meterId`.
   * @throws InvalidArgumentError for an unknown meter id
   */
  stats(meterId: string): PublishMeterStats {
    const m = this.#meters.find((s) => s.meter.id === meterId);
    if (m === undefined) throw new InvalidArgumentError(`publish mode has no meter ${meterId}`);
    return { ...m.stats };
  }

  /**
   * Checks that every meter's port exists and carries the meter's protocol, and starts the schedules.
   * @throws InvalidArgumentError naming a meter whose port the gateway does not have or whose
   *   protocol the port cannot carry
   */
  async start(host: GatewayModeHost): Promise<void> {
    if (this.#stopping !== undefined) throw new LinkError('publish mode was stopped');
    if (this.#host !== undefined) return;
    const ports = new Map(host.ports().map((p) => [p.id, p.protocol]));
    for (const { meter, reader } of this.#meters) {
      const protocol = ports.get(meter.port);
      if (protocol === undefined) {
        throw new InvalidArgumentError(
          `meter ${meter.id}: gateway ${host.gatewayId} has no port ${meter.port}`,
        );
      }
      reader.usePort(protocol);
    }
    this.#host = host;
    for (const m of this.#meters) {
      if (this.#runAtStart) m.first = setTimeout(() => this.#tick(m), 0);
      m.timer = setInterval(() => this.#tick(m), m.meter.intervalMs);
    }
  }

  /**
   * Stops the schedules, lets running cycles finish for up to `stopTimeoutMs` (their readings are
   * published), then aborts the rest (nothing published for them) and waits until every lease is
   * released. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    for (const m of this.#meters) {
      clearTimeout(m.first);
      clearInterval(m.timer);
    }
    const running = this.#meters.flatMap((m) => (m.running === undefined ? [] : [m.running]));
    if (running.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(running.map((r) => r.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const r of running) r.controller.abort(new AbortError('the publish mode is stopping'));
    await Promise.all(running.map((r) => r.done));
  }

  #tick(m: ScheduledMeter): void {
    if (this.#stopping !== undefined || this.#host === undefined) return;
    if (m.running !== undefined) {
      m.stats.skipped++;
      return;
    }
    const controller = new AbortController();
    const done = this.#cycle(m, this.#host, controller).finally(() => {
      m.running = undefined;
    });
    m.running = { controller, done };
  }

  /** One cycle; never rejects. */
  async #cycle(m: ScheduledMeter, host: GatewayModeHost, controller: AbortController): Promise<void> {
    const { meter, reader } = m;
    const time = new Date();
    const deadline = setTimeout(
      () => controller.abort(new TimeoutError(`cycle of meter ${meter.id}`, m.cycleTimeoutMs)),
      m.cycleTimeoutMs,
    );
    let lease: PortLease | undefined;
    let readings: ReadingMessage['readings'];
    try {
      lease = await host.acquirePort(meter.port, {
        holder: `publish:${meter.id}`,
        timeoutMs: m.acquireTimeoutMs,
        signal: controller.signal,
      });
      readings = await reader.read(lease.link, AbortSignal.any([controller.signal, lease.signal]));
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      readings = reader.fail(reason instanceof TimeoutError ? reason : error, time);
    } finally {
      clearTimeout(deadline);
      lease?.release();
    }
    m.stats.cycles++;
    if (readings.some((r) => r.quality === 'bad')) m.stats.withBadReadings++;
    // Aborted by stop(): the gateway is going away, nothing is published for this cycle.
    if (controller.signal.reason instanceof AbortError) return;
    const message: ReadingMessage = {
      version: readingSchemaVersion,
      meter: meter.id,
      gateway: host.gatewayId,
      time: time.toISOString(),
      readings,
    };
    try {
      await host.publish(
        `${host.root}/gw/${host.gatewayId}/meter/${meter.id}/reading`,
        JSON.stringify(message),
        { qos: this.#qos, retain: this.#retain },
      );
      m.stats.published++;
    } catch (error) {
      host.reportError(error as Error);
    }
  }
}

/**
 * Creates the publish mode of a gateway: `new MqttGateway({ …, modes: [publishMode({ meters })] })`.
 *
 * @param options - Meters (DLMS items or Modbus blocks, each with its port and interval) and
 *   publishing options.
 * @returns The mode (also offers `stats(meterId)`).
 * @throws InvalidArgumentError for a bad option (the ports are checked when the gateway starts)
 * @example
 * ```ts
 * const gateway = new MqttGateway({
 *   broker: 'mqtt://broker.local', id: 'gw-1',
 *   ports: [{ id: 'p0', link: serial({ path: '/dev/ttyUSB0', baudRate: 9600 }), protocol: 'hdlc' }],
 *   modes: [publishMode({ meters: [{
 *     id: 'm1', port: 'p0', intervalMs: 900_000,
 *     dlms: { framing: 'hdlc', client: 1, server: { logical: 1, physical: 17 }, auth: { mechanism: 'lls', password } },
 *     read: [{ obis: '1.0.1.8.0.255' }, { obis: '0.0.1.0.0.255', classId: 8, name: 'clock' }],
 *   }] })],
 * });
 * await gateway.start(); // readings arrive on meterlink/gw/gw-1/meter/m1/reading
 * ```
 */
export function publishMode(options: PublishModeOptions): PublishMode {
  return new PublishMode(options);
}
