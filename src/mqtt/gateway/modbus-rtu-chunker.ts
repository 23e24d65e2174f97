/**
 * Chunking of a `modbus-rtu` port: one message per RTU frame, by length prediction.
 *
 * @module
 */

import { maxRtuFrameBytes, predictRtuLength } from '../../modbus/framing/rtu-length.js';
import { StreamBuffer } from '../../modbus/framing/stream-buffer.js';
import type { Chunker } from './chunker.js';

/**
 * A {@link Chunker} for the answers of Modbus RTU servers: the frame length is predicted from the
 * function code and byte count (Modbus over serial line §7.4 tables, response direction), and the
 * chunk is cut there. Nothing is checked (the CRC is the head-end's business). When the length
 * cannot be predicted (user-defined function codes, noise), the bytes go out after `gapMs` of
 * silence, the RTU rule for the end of a frame.
 */
export class ModbusRtuChunker implements Chunker {
  readonly gapMs: number;
  readonly #buffer = new StreamBuffer();

  constructor(gapMs: number) {
    this.gapMs = gapMs;
  }

  get pending(): number {
    return this.#buffer.length;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const b = this.#buffer;
    b.append(bytes);
    const out: Uint8Array[] = [];
    for (;;) {
      const n = predictRtuLength(b.bytes, 'response', b.start, b.end);
      if (typeof n !== 'number' || n > maxRtuFrameBytes || n > b.length) break;
      out.push(b.bytes.slice(b.start, b.start + n));
      b.consume(n);
    }
    b.detach();
    return out;
  }

  flush(): Uint8Array | undefined {
    const b = this.#buffer;
    if (b.length === 0) return undefined;
    const chunk = b.copy();
    b.clear();
    return chunk;
  }
}
