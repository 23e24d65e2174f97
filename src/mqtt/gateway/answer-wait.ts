/**
 * The answer a request/response port (`modbus-rtu`) waits for before its next write or grant.
 *
 * @module
 */

/** Longest delay a timer can hold, ms. */
const maxTimerMs = 0x7fffffff;

/**
 * One request on the line at a time, as a Modbus master keeps it (docs/mqtt-tunnel.md,
 * "Request/response ports"): {@link AnswerWait.expect} when a request goes out,
 * {@link AnswerWait.settle} when the meter answers (or nothing can answer any more), and
 * {@link AnswerWait.until} before the next write.
 */
export class AnswerWait {
  readonly #timeoutMs: number;
  #pending: { readonly answered: Promise<void>; readonly settle: () => void } | undefined;

  /** @param timeoutMs - Longest wait for an answer, ms. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = Math.min(timeoutMs, maxTimerMs);
  }

  /** A request is going out: its answer is awaited for up to the timeout. */
  expect(): void {
    this.#pending?.settle();
    let settle!: () => void;
    const answered = new Promise<void>((resolve) => {
      const timer = setTimeout(() => settle(), this.#timeoutMs);
      settle = () => {
        clearTimeout(timer);
        if (this.#pending?.answered === answered) this.#pending = undefined;
        resolve();
      };
    });
    this.#pending = { answered, settle };
  }

  /** The answer came, or none can come (nothing written, port closed, gateway stopping). */
  settle(): void {
    this.#pending?.settle();
  }

  /** Resolves once the awaited answer came or timed out, or at `deadline` (performance clock). */
  async until(deadline: number): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined) return;
    const left = deadline - performance.now();
    if (left <= 0) return;
    if (left >= maxTimerMs) return pending.answered;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      pending.answered,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      }),
    ]);
    clearTimeout(timer);
  }
}
