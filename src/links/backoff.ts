/**
 * Reconnect policy: exponential backoff with jitter.
 *
 * @module
 */

import { InvalidArgumentError } from '../core/errors.js';
import { checkNumber } from './validate.js';

/**
 * How a link retries after an unexpected drop. Attempt `n` (1-based) waits
 * `min(maxDelayMs, initialDelayMs * factor^(n-1))`, spread by ±`jitter` of itself so that many
 * clients dropped by the same outage do not all come back in the same millisecond.
 */
export interface ReconnectOptions {
  /** Wait before the first attempt, in ms. Default `100`. */
  initialDelayMs?: number;
  /** Upper bound of the wait between attempts, in ms (before jitter). Default `10_000`. */
  maxDelayMs?: number;
  /** Growth of the wait from one attempt to the next. Default `2`. */
  factor?: number;
  /** Random spread of each wait, as a fraction of it (0 … 1). Default `0.2` (±20 %). */
  jitter?: number;
  /** Attempts before giving up for good (the link then closes). Default `Infinity`. */
  maxAttempts?: number;
}

/** A {@link ReconnectOptions} with every default filled in. */
export type ReconnectPolicy = Readonly<Required<ReconnectOptions>>;

/**
 * Resolves a `reconnect` option (`false`/`undefined` = never, `true` = defaults) and checks it.
 * @throws {@link InvalidArgumentError} for a negative delay, a factor below 1 or a jitter outside 0 … 1
 * @example
 * ```ts
 * import { backoffDelay, reconnectPolicy } from 'meterlink';
 *
 * reconnectPolicy(false); // undefined: never reconnect
 * const policy = reconnectPolicy({ initialDelayMs: 500, maxAttempts: 5 });
 * // { initialDelayMs: 500, maxDelayMs: 10000, factor: 2, jitter: 0.2, maxAttempts: 5 }
 * backoffDelay(3, policy); // about 2000 ms (±20 %)
 * ```
 */
export function reconnectPolicy(option: ReconnectOptions | boolean | undefined): ReconnectPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  const policy: ReconnectPolicy = {
    initialDelayMs: checkNumber('reconnect.initialDelayMs', o.initialDelayMs ?? 100, 0),
    maxDelayMs: checkNumber('reconnect.maxDelayMs', o.maxDelayMs ?? 10_000, 0),
    factor: checkNumber('reconnect.factor', o.factor ?? 2, 1),
    jitter: checkNumber('reconnect.jitter', o.jitter ?? 0.2, 0),
    maxAttempts: checkNumber('reconnect.maxAttempts', o.maxAttempts ?? Number.POSITIVE_INFINITY, 0, true),
  };
  if (policy.jitter > 1)
    throw new InvalidArgumentError(`reconnect.jitter must be at most 1, got ${policy.jitter}`);
  return policy;
}

/**
 * The wait before reconnect attempt `attempt` (1-based), in ms.
 *
 * @param random source of randomness in [0, 1) for the jitter (default `Math.random`)
 * @example
 * ```ts
 * backoffDelay(1, { initialDelayMs: 100, jitter: 0 }); // 100
 * backoffDelay(4, { initialDelayMs: 100, jitter: 0 }); // 800
 * backoffDelay(20, { maxDelayMs: 10_000, jitter: 0 }); // 10000
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: ReconnectOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 10_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const base = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}
