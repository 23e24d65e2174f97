/**
 * Opening DLMS associations on leased port links, one per cycle, with the invocation counter
 * carried from one association to the next.
 *
 * @module
 */

import type { Link } from '../../../core/link.js';
import { DlmsClient } from '../../../dlms/client/dlms-client.js';
import type { DlmsClientOptions } from '../../../dlms/client/options.js';

/**
 * How a gateway mode talks to a DLMS meter: `DlmsClient.connect` options without the link
 * (the mode's lease gives it) and the signal (the mode's cycle gives it).
 */
export type DlmsConnectionOptions = Omit<DlmsClientOptions, 'link' | 'signal' | 'session'>;

/**
 * Connects `DlmsClient`s with fixed options. With ciphering, each association must start above
 * the counter the previous one ended at (the meter refuses replays): the connector remembers
 * the next counter (reported through `onInvocationCounter`, which is still called) unless the
 * options say `invocationCounter: 'read'`, which reads it from the meter every time.
 */
export class DlmsConnector {
  readonly #options: DlmsConnectionOptions;
  #nextCounter: number | 'read' | undefined;

  /** @param options - Connection options (validated by `DlmsClient.connect`). */
  constructor(options: DlmsConnectionOptions) {
    this.#options = options;
    this.#nextCounter = options.security?.invocationCounter;
  }

  /**
   * Opens an association on `link` (already open: the client never closes it).
   *
   * @throws what `DlmsClient.connect` throws
   */
  connect(link: Link, signal: AbortSignal): Promise<DlmsClient> {
    const security = this.#options.security;
    if (security === undefined) return DlmsClient.connect({ ...this.#options, link, signal });
    return DlmsClient.connect({
      ...this.#options,
      link,
      signal,
      security: {
        ...security,
        invocationCounter: this.#nextCounter ?? 1,
        onInvocationCounter: async (next) => {
          if (this.#nextCounter !== 'read') this.#nextCounter = next;
          await security.onInvocationCounter?.(next);
        },
      },
    });
  }
}
