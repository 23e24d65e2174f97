/**
 * What a publish cycle does on the leased link: one reader per meter protocol.
 *
 * @module
 */

import type { Link } from '../../../core/link.js';
import type { GatewayPortProtocol } from '../create-chunker.js';
import { type Reading, readingError } from './reading.js';

/** Reads a meter's plan over a leased link. */
export interface MeterReader {
  /**
   * Fits the reader to the protocol of the meter's port (called once, when the mode starts).
   *
   * @throws InvalidArgumentError when the meter's protocol cannot run on such a port
   */
  usePort(protocol: GatewayPortProtocol): void;
  /**
   * Reads every item; an item that fails becomes a bad reading and the others are still read.
   *
   * @throws when the meter cannot be talked to at all (connect failed)
   */
  read(link: Link, signal: AbortSignal): Promise<Reading[]>;
  /** The plan's readings, all bad with `error` (the meter could not be reached). */
  fail(error: unknown, time: Date): Reading[];
}

/** A bad reading. */
export function badReading(
  base: Omit<Reading, 'timestamp' | 'quality'>,
  error: unknown,
  time: Date,
): Reading {
  return { ...base, timestamp: time.toISOString(), quality: 'bad', error: readingError(error) };
}
