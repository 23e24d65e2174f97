/**
 * Byte accumulation for the incremental frame decoders.
 *
 * @module
 */

const empty = new Uint8Array(0);

/**
 * The bytes received but not yet consumed, as a window `bytes[start, end)` with offset cursors.
 *
 * Appending follows pg-protocol's `mergeBuffer` idea: when nothing is left over the chunk is
 * *adopted* as is (no copy); otherwise the left-over bytes and the chunk are merged into a scratch
 * buffer owned by the decoder, which is compacted in place when it has room and doubled when it
 * has not. An adopted chunk is never written to, so a caller's buffer is never modified, and
 * {@link StreamBuffer.detach} moves left-over bytes out of it before the decoder returns, so no
 * reference to a caller's chunk outlives the `push` call.
 *
 * Decoders must copy whatever they hand out: the scratch buffer is overwritten by later appends.
 *
 * @example
 * ```ts
 * const b = new StreamBuffer();
 * b.append(chunk);
 * while (b.length >= 6 && b.length >= 6 + b.bytes[b.start + 5]!) b.consume(6 + b.bytes[b.start + 5]!);
 * b.detach();
 * ```
 */
export class StreamBuffer {
  /** The storage currently holding the pending bytes (an adopted chunk or the scratch buffer). */
  bytes: Uint8Array = empty;
  /** Offset of the first pending byte in {@link StreamBuffer.bytes}. */
  start = 0;
  /** Offset just past the last pending byte in {@link StreamBuffer.bytes}. */
  end = 0;
  private scratch: Uint8Array = empty;

  /** Number of pending bytes. */
  get length(): number {
    return this.end - this.start;
  }

  /** Adds received bytes after the pending ones. */
  append(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    const left = this.end - this.start;
    if (left === 0) {
      this.bytes = chunk;
      this.start = 0;
      this.end = n;
      return;
    }
    const needed = left + n;
    if (this.bytes === this.scratch && this.scratch.length - this.end >= n) {
      // Room after the pending bytes: append in place.
    } else if (this.bytes === this.scratch && this.scratch.length >= needed) {
      this.scratch.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = left;
    } else {
      this.moveToScratch(needed);
    }
    this.bytes.set(chunk, this.end);
    this.end += n;
  }

  /**
   * Copies pending bytes that still live in an adopted chunk into the scratch buffer, so that the
   * caller may reuse or modify its chunk once `push` has returned.
   */
  detach(): void {
    if (this.bytes !== this.scratch && this.end > this.start) this.moveToScratch(this.end - this.start);
  }

  /** Removes `n` bytes from the front. */
  consume(n: number): void {
    this.start += n;
    if (this.start >= this.end) this.clear();
  }

  /** Drops every pending byte (the scratch buffer is kept for reuse). */
  clear(): void {
    this.bytes = empty;
    this.start = 0;
    this.end = 0;
  }

  /** A copy of the pending bytes. */
  copy(): Uint8Array {
    return this.bytes.slice(this.start, this.end);
  }

  /** Moves the pending bytes to offset 0 of a scratch buffer of at least `capacity` bytes. */
  private moveToScratch(capacity: number): void {
    const left = this.end - this.start;
    let target = this.scratch;
    // A new buffer when the scratch one is too small (the pending bytes may live in it).
    if (target.length < capacity) {
      let size = Math.max(target.length, 512);
      while (size < capacity) size *= 2;
      target = new Uint8Array(size);
    }
    if (this.bytes === target) target.copyWithin(0, this.start, this.end);
    else target.set(this.bytes.subarray(this.start, this.end));
    this.scratch = target;
    this.bytes = target;
    this.start = 0;
    this.end = left;
  }
}
