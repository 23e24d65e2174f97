/**
 * How the gateway cuts a port's byte stream into MQTT messages.
 *
 * @module
 */

/**
 * Cuts a byte stream into chunks worth one message each. Pure and synchronous: the gateway
 * calls {@link Chunker.flush} when the line has been quiet for {@link Chunker.gapMs}.
 */
export interface Chunker {
  /**
   * Adds received bytes; returns the chunks that are complete now (copies: the caller may keep
   * them). No reference to `bytes` is kept after the call.
   */
  push(bytes: Uint8Array): Uint8Array[];
  /** Returns the pending bytes as one chunk (or `undefined` when there are none) and forgets them. */
  flush(): Uint8Array | undefined;
  /** Bytes waiting for the rest of their chunk. */
  readonly pending: number;
  /** Quiet time after which the pending bytes go out as they are, in ms. */
  readonly gapMs: number;
}
