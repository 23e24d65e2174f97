/**
 * A minimal typed listener registry for the DLMS client and push listener. The client code must
 * stay free of Node modules (browser bundles), so it does not use `node:events`.
 *
 * @module
 */

/** An event map: event name → listener signature. */
// biome-ignore lint/suspicious/noExplicitAny: listener parameter lists are arbitrary
export type EventMap = Record<string, (...args: any[]) => void>;

/**
 * Listeners per event, called synchronously in registration order. A listener that throws is a
 * bug of the application: its error is rethrown asynchronously (like an uncaught exception in
 * a Node `EventEmitter` listener) so the protocol machinery keeps running.
 */
export class Listeners<Events extends EventMap> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener. */
  on<E extends keyof Events>(event: E, listener: Events[E]): void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
  }

  /** Removes a listener. */
  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event`. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
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

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
