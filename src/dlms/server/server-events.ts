/**
 * The events of a `DlmsServer` and the small typed registry that delivers them (no
 * `node:events`: the server core stays browser-bundleable).
 *
 * @module
 */

import type { ReleaseReason } from './connection.js';

/** An association, as the server's events describe it. */
export interface AssociationInfo {
  /** The client SAP. */
  readonly client: number;
  /** The logical device address. */
  readonly logicalDevice: number;
  /** The authentication mechanism used. */
  readonly mechanism: 'none' | 'lls' | 'hls-gmac';
  /** `true` when the ciphered application context was accepted. */
  readonly ciphered: boolean;
}

/** Events of a `DlmsServer`. */
export interface DlmsServerEvents {
  /** An association was established (for HLS-GMAC: after pass 4 succeeded). */
  association: (info: AssociationInfo) => void;
  /**
   * An established association ended: RLRQ (`'release-request'`), its session closed
   * (`'closed'`), or a new AARQ of the same client replaced it (`'replaced'`).
   */
  release: (info: AssociationInfo & { readonly reason: ReleaseReason }) => void;
  /**
   * A problem nobody waits for: a session failed, a response could not be sent, an object threw
   * (the client got `other-reason`). Errors without a listener are dropped.
   */
  error: (error: Error) => void;
}

type Listener = (...args: unknown[]) => void;

/**
 * Listeners per event, called synchronously in registration order; a listener that throws is
 * an application bug, rethrown asynchronously so the protocol machinery keeps running.
 */
export class ServerEvents {
  readonly #listeners = new Map<keyof DlmsServerEvents, Set<Listener>>();

  /** Adds a listener. */
  on<E extends keyof DlmsServerEvents>(event: E, listener: DlmsServerEvents[E]): void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as Listener);
  }

  /** Removes a listener. */
  off<E extends keyof DlmsServerEvents>(event: E, listener: DlmsServerEvents[E]): void {
    this.#listeners.get(event)?.delete(listener as unknown as Listener);
  }

  /** Calls every listener of `event`. */
  emit<E extends keyof DlmsServerEvents>(event: E, ...args: Parameters<DlmsServerEvents[E]>): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
