/**
 * Chunking of a `raw` port: bytes that arrive close together travel together.
 *
 * @module
 */

import { StreamBuffer } from '../../modbus/framing/stream-buffer.js';
import type { Chunker } from './chunker.js';

/**
 * A {@link Chunker} that knows no framing: it keeps everything until the line has been quiet for
 * `gapMs`, or until `maxChunkBytes` are pending.
 */
export class RawChunker implements Chunker {
  readonly gapMs: number;
  readonly #maxChunkBytes: number;
  readonly #buffer = new StreamBuffer();

  constructor(gapMs: number, maxChunkBytes: number) {
    this.gapMs = gapMs;
    this.#maxChunkBytes = maxChunkBytes;
  }

  get pending(): number {
    return this.#buffer.length;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const b = this.#buffer;
    b.append(bytes);
    const out: Uint8Array[] = [];
    while (b.length >= this.#maxChunkBytes) {
      out.push(b.bytes.slice(b.start, b.start + this.#maxChunkBytes));
      b.consume(this.#maxChunkBytes);
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
