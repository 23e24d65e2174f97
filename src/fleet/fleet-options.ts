/**
 * Options of `readFleet`, their defaults and validation.
 *
 * @module
 */

import type { MeterlinkError } from '../core/errors.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { ReconnectOptions } from '../links/backoff.js';
import { isRetryableFleetError } from './fleet-error.js';
import type { FleetConnectOptions, FleetTarget } from './fleet-meter.js';
import { fleetGatewayKey } from './fleet-meter.js';
import type { MeterClient } from './fleet-plan.js';

/** Backoff between the attempts of one meter (exponential, with jitter). */
export type FleetBackoffOptions = Omit<ReconnectOptions, 'maxAttempts'>;

/** Opens a connected client for one meter; must honour `signal`. */
export type FleetConnector = (meter: FleetTarget, signal: AbortSignal) => Promise<MeterClient>;

/** Options of `readFleet`. */
export interface ReadFleetOptions {
  /** Meters read at once. Default 8. */
  concurrency?: number;
  /**
   * Meters with one gateway key (same tunnel gateway, serial device, or TCP/UDP host:port — see
   * `gatewayKey`) read at once. Default 1: a serial line carries one conversation.
   */
  perGatewayConcurrency?: number;
  /** Further attempts of a meter after a failure `retryIf` accepts. Default 1. */
  retries?: number;
  /** Wait before each further attempt. Default `{ initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: 0.2 }`. */
  backoff?: FleetBackoffOptions;
  /**
   * Which failures get another attempt. Default `isRetryableFleetError`: timeouts, link failures
   * (refused, tunnel busy, gateway offline), garbled bytes, busy Modbus devices — not bad URLs,
   * refused associations, security failures or "no" answers.
   */
  retryIf?: (error: MeterlinkError, attempt: number) => boolean;
  /** Limit of one attempt (connect and plan), ms; the attempt then fails with `TimeoutError`. Default 60 000. */
  timeoutMs?: number;
  /** Limit of waiting for a client's `close()` after its attempt, ms. Default 5000. */
  closeTimeoutMs?: number;
  /**
   * Results that may wait unconsumed: no meter (or retry) starts while this many results are
   * queued, so a slow consumer holds the fleet back instead of filling memory. Default: `concurrency`.
   */
  highWaterMark?: number;
  /**
   * Meters taken from the input ahead of time to find one whose gateway is free. Default 1000.
   */
  lookahead?: number;
  /** Aborts the read: no new meter starts, running ones end with `AbortError` results. */
  signal?: AbortSignal;
  /** Connect options for every meter (under each meter's own `options`). */
  connectOptions?: FleetConnectOptions;
  /** Opens a meter. Default: the package's `connect(url, options)`. */
  connect?: FleetConnector;
  /** The gateway key of a meter. Default `fleetGatewayKey(meter.url)`. */
  gatewayKey?: (meter: FleetTarget) => string;
  /**
   * Tunnel meters (`…+mqtt(s)://`) share one MQTT connection per broker (and tunnel settings):
   * one `mqttHeadEnd`, created when the first meter behind that broker is read and closed when
   * the read ends (also on `break` or abort), instead of a connection of their own per read.
   * Meters whose `options.mqtt.headEnd` is set use theirs. Ignored with a `connect` of your own.
   * Default `true`.
   */
  shareTunnelConnections?: boolean;
  /**
   * A shared head-end is closed when no meter has been read for this long while the read waits
   * (for its consumer, a retry's backoff or a slow meter list), and opened again when a tunnel
   * meter starts; its timer never holds the process, so an iteration abandoned without
   * `return()` leaves nothing open. Default 2000.
   */
  sharedIdleCloseMs?: number;
}

/** Options with every default applied. */
export interface ResolvedFleetOptions {
  concurrency: number;
  perGatewayConcurrency: number;
  retries: number;
  backoff: Required<FleetBackoffOptions>;
  retryIf: (error: MeterlinkError, attempt: number) => boolean;
  timeoutMs: number;
  closeTimeoutMs: number;
  highWaterMark: number;
  lookahead: number;
  signal: AbortSignal | undefined;
  connectOptions: FleetConnectOptions;
  connect: FleetConnector;
  gatewayKey: (meter: FleetTarget) => string;
  shareTunnelConnections: boolean;
  sharedIdleCloseMs: number;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InvalidArgumentError(`readFleet: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  }
  return v;
}

function span(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max) {
    throw new InvalidArgumentError(`readFleet: ${name} must be a number ${min}–${max}, got ${String(v)}`);
  }
  return v;
}

/**
 * Validates the options and fills in the defaults.
 *
 * @throws InvalidArgumentError for a limit out of range or a callback that is not a function
 */
export function resolveFleetOptions(
  options: ReadFleetOptions,
  defaultConnect: FleetConnector,
): ResolvedFleetOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('readFleet: options must be an object');
  }
  for (const name of ['connect', 'retryIf', 'gatewayKey'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidArgumentError(`readFleet: ${name} must be a function`);
    }
  }
  const share = options.shareTunnelConnections ?? true;
  if (typeof share !== 'boolean') {
    throw new InvalidArgumentError('readFleet: shareTunnelConnections must be a boolean');
  }
  const concurrency = count('concurrency', options.concurrency, 8, 1);
  const b = options.backoff ?? {};
  return {
    concurrency,
    perGatewayConcurrency: count('perGatewayConcurrency', options.perGatewayConcurrency, 1, 1),
    retries: count('retries', options.retries, 1, 0),
    backoff: {
      initialDelayMs: span('backoff.initialDelayMs', b.initialDelayMs, 500, 0),
      maxDelayMs: span('backoff.maxDelayMs', b.maxDelayMs, 10_000, 0),
      factor: span('backoff.factor', b.factor, 2, 1),
      jitter: span('backoff.jitter', b.jitter, 0.2, 0, 1),
    },
    retryIf: options.retryIf ?? isRetryableFleetError,
    timeoutMs: span('timeoutMs', options.timeoutMs, 60_000, 1, 0x7fffffff),
    closeTimeoutMs: span('closeTimeoutMs', options.closeTimeoutMs, 5000, 0, 0x7fffffff),
    highWaterMark: count('highWaterMark', options.highWaterMark, concurrency, 1),
    lookahead: count('lookahead', options.lookahead, 1000, 1),
    signal: options.signal,
    connectOptions: options.connectOptions ?? {},
    connect: options.connect ?? defaultConnect,
    gatewayKey: options.gatewayKey ?? ((meter) => fleetGatewayKey(meter.url)),
    shareTunnelConnections: share,
    sharedIdleCloseMs: span('sharedIdleCloseMs', options.sharedIdleCloseMs, 2000, 0, 0x7fffffff),
  };
}
