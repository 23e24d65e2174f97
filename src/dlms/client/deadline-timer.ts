/**
 * One timer for the successive deadlines of an exchange's requests (one outstanding at a time,
 * §12.4), instead of a `setTimeout` and a `clearTimeout` per request — together about 0.3 µs,
 * a large share of a GET without I/O (docs/performance.md, P2 of the Modbus work).
 *
 * @module
 */

/** The longest delay `setTimeout` honours (2^31 − 1 ms); longer ones fire at once. */
const maxTimerMs = 0x7fffffff;

/** Node timers can stop keeping the process alive; browser timers are plain numbers. */
interface Refable {
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * Calls `onExpire` once the deadline set with {@link DeadlineTimer.set} has passed on
 * `performance.now()`, unless {@link DeadlineTimer.clear} came first.
 *
 * A new deadline does not touch the timer unless it comes earlier than the timer's: when the
 * timer fires before the deadline it re-arms for the rest. So a request that is answered costs no
 * timer call but a `ref`; the armed timer keeps the process alive only while a deadline is set,
 * as the timer of a request would.
 */
export class DeadlineTimer {
  readonly #onExpire: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When {@link DeadlineTimer.#timer} fires. */
  #timerAt = 0;
  /** The deadline, or `undefined` when none is set. */
  #deadline: number | undefined;

  constructor(onExpire: () => void) {
    this.#onExpire = onExpire;
  }

  /** Sets the deadline: `onExpire` runs once `performance.now()` reaches `deadline`. */
  set(deadline: number): void {
    this.#deadline = deadline;
    const timer = this.#timer;
    if (timer === undefined || deadline < this.#timerAt) {
      if (timer !== undefined) clearTimeout(timer);
      this.#arm(deadline);
    } else {
      (timer as Refable).ref?.(); // unref'd while no deadline was set
    }
  }

  /** Drops the deadline. The timer stays armed for the next one but no longer keeps the process alive. */
  clear(): void {
    this.#deadline = undefined;
    (this.#timer as Refable | undefined)?.unref?.();
  }

  /** Drops the deadline and the timer (when the exchange ends). */
  stop(): void {
    this.#deadline = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(at: number): void {
    this.#timerAt = at;
    // Node timers have 1 ms steps and may fire a little early: #fire re-checks the clock.
    const ms = Math.min(maxTimerMs, Math.max(1, Math.ceil(at - performance.now())));
    this.#timer = setTimeout(this.#fire, ms);
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const deadline = this.#deadline;
    if (deadline === undefined) return;
    if (deadline > performance.now()) {
      this.#arm(deadline);
      return;
    }
    this.#deadline = undefined;
    this.#onExpire();
  };
}
