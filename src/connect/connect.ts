/**
 * `connect(url)`: a connected client from a meter URL.
 *
 * @module
 */

import { InvalidUrlError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import { serial } from '../links/serial.js';
import { tcp } from '../links/tcp.js';
import { udp } from '../links/udp.js';
import { ModbusClient } from '../modbus/client/modbus-client.js';
import type { ModbusClientOptions } from '../modbus/client/options.js';
import { type MeterUrl, parseMeterUrl } from './parse-meter-url.js';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Time limit for opening the link, in ms. Default 3000. */
  timeoutMs?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** Client settings that override what the URL says (e.g. `retries`, `lenientTransactionId`). */
  modbus?: Partial<Omit<ModbusClientOptions, 'link' | 'signal' | 'connectTimeoutMs'>>;
}

/** The link a parsed URL names. */
export function linkFor(url: MeterUrl, options: { timeoutMs?: number } = {}): Link {
  switch (url.transport) {
    case 'tcp':
      return tcp({ host: url.host!, port: url.port!, connectTimeoutMs: options.timeoutMs ?? 3000 });
    case 'udp':
      return udp({ host: url.host!, port: url.port! });
    case 'serial':
      return serial({ ...url.serial! });
    case 'mqtt':
      throw new InvalidUrlError(
        url.display,
        'MQTT tunnel links need meterlink/mqtt, which is not part of this version yet',
      );
  }
}

/**
 * Opens the link a meter URL names and returns a connected client.
 *
 * @throws {@link InvalidUrlError} for a bad URL; `LinkError`, `TimeoutError`, `AbortError` when the
 *   link cannot be opened
 * @example
 * ```ts
 * import { connect } from 'meterlink';
 *
 * const mb = await connect('modbus+tcp://127.0.0.1:502?unit=1');
 * console.log(await mb.readHoldingRegisters(0, 4));
 * await mb.close();
 * ```
 */
export async function connect(url: string | MeterUrl, options: ConnectOptions = {}): Promise<ModbusClient> {
  const parsed = typeof url === 'string' ? parseMeterUrl(url) : url;
  const link = linkFor(parsed, options);
  const settings: ModbusClientOptions = { link, framing: parsed.framing };
  if (parsed.unitId !== undefined) settings.unitId = parsed.unitId;
  if (parsed.timeoutMs !== undefined) settings.timeoutMs = parsed.timeoutMs;
  if (parsed.retries !== undefined) settings.retries = parsed.retries;
  if (parsed.maxInFlight !== undefined) settings.maxInFlight = parsed.maxInFlight;
  // Only the overrides actually given: `{ unitId: undefined }` must not erase the URL's unit.
  const overrides = Object.fromEntries(
    Object.entries(options.modbus ?? {}).filter(([, v]) => v !== undefined),
  );
  return ModbusClient.connect({
    ...settings,
    ...overrides,
    connectTimeoutMs: options.timeoutMs ?? 3000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
