/**
 * The chunker of a port protocol.
 *
 * @module
 */

import type { Chunker } from './chunker.js';
import { HdlcChunker } from './hdlc-chunker.js';
import { ModbusRtuChunker } from './modbus-rtu-chunker.js';
import { RawChunker } from './raw-chunker.js';

/** How a gateway port cuts the meter's bytes into messages. */
export type GatewayPortProtocol = 'hdlc' | 'modbus-rtu' | 'raw';

/** Settings of {@link createChunker}. */
export interface ChunkerSettings {
  /** Quiet time that ends a `raw` chunk, ms. */
  rawGapMs: number;
  /** Quiet time after which an incomplete `hdlc`/`modbus-rtu` frame goes out as it is, ms. */
  frameGapMs: number;
  /** Largest chunk (a `raw` chunk is cut at this size). */
  maxChunkBytes: number;
}

/** Creates the {@link Chunker} for `protocol`. */
export function createChunker(protocol: GatewayPortProtocol, settings: ChunkerSettings): Chunker {
  switch (protocol) {
    case 'hdlc':
      return new HdlcChunker(settings.frameGapMs);
    case 'modbus-rtu':
      return new ModbusRtuChunker(settings.frameGapMs);
    default:
      return new RawChunker(settings.rawGapMs, settings.maxChunkBytes);
  }
}
