/**
 * A minimal typed event registry for the HDLC sessions. The session modules must stay free of
 * `node:*` imports (they are bundled for browsers), so Node's `EventEmitter` is not used here.
 *
 * @module
 */

/** Any map of event names to listener signatures. */
type ListenerMap = { [event: string]: (...args: never[]) => void };

/**
 * Listeners by event, called in the order they were added. A listener that throws does not
 * interrupt the protocol code that emitted the event (the session state is kept consistent): the
 * error is re-thrown from a microtask, as an uncaught error, exactly as loud as with an emitter.
 */
export class HdlcEventRegistry<M extends ListenerMap> {
  readonly #listeners = new Map<keyof M, Array<M[keyof M]>>();

  /** Adds a listener. */
  on<E extends keyof M>(event: E, listener: M[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) this.#listeners.set(event, [listener]);
    else list.push(listener);
  }

  /** Removes the last registration of a listener. */
  off<E extends keyof M>(event: E, listener: M[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const at = list.lastIndexOf(listener);
    if (at >= 0) list.splice(at, 1);
  }

  /** Number of listeners of `event`. */
  count(event: keyof M): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event` with `args`. */
  emit<E extends keyof M>(event: E, ...args: Parameters<M[E]>): void {
    const list = this.#listeners.get(event) as Array<(...a: Parameters<M[E]>) => void> | undefined;
    if (list === undefined || list.length === 0) return;
    // Listeners added or removed by a listener count from the next emit: a copy of the list is
    // iterated (a lone listener needs none).
    if (list.length === 1) {
      call(list[0]!, args);
      return;
    }
    for (const listener of [...list]) call(listener, args);
  }
}

/** Calls a listener; what it throws is re-thrown from a microtask (see {@link HdlcEventRegistry}). */
function call<A extends unknown[]>(listener: (...a: A) => void, args: A): void {
  try {
    listener(...args);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
