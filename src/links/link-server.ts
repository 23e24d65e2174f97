/**
 * What `listenTcp` and `listenUdp` return.
 *
 * @module
 */

/** A listening socket that turns incoming peers into links. */
export interface LinkServer {
  /** The address the socket is bound to. */
  readonly host: string;
  /** The bound port (the one the OS chose when `port` was `0`). */
  readonly port: number;
  /** Stops listening and closes every link it created; idempotent. */
  close(): Promise<void>;
}
