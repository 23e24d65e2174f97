/**
 * Plain `Uint8Array` views of Node `Buffer`s.
 *
 * @module
 */

/**
 * A plain `Uint8Array` over the same memory as `buffer` (no copy). Links hand out plain arrays
 * so every transport behaves alike: on a `Buffer`, `slice()` returns a view instead of a copy,
 * and sockets' buffers are often windows into a larger pooled `ArrayBuffer`.
 */
export function viewOf(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
