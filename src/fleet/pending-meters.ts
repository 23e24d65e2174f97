/**
 * Meters waiting for a free slot, grouped by gateway key, so that a busy gateway does not hold
 * back meters behind other gateways.
 *
 * @module
 */

/** What the queue needs of a waiting meter. */
export interface Queued {
  /** Input position: lower goes first. */
  readonly index: number;
  /** Gateway key. */
  readonly key: string;
}

/** Waiting meters per gateway key, each queue ordered by input position. */
export class PendingMeters<J extends Queued> {
  readonly #groups = new Map<string, J[]>();
  #size = 0;

  /** Meters waiting. */
  get size(): number {
    return this.#size;
  }

  /** Adds a meter at its place by input position (a retry goes before later meters of its gateway). */
  add(job: J): void {
    let queue = this.#groups.get(job.key);
    if (queue === undefined) {
      queue = [];
      this.#groups.set(job.key, queue);
    }
    let at = queue.length;
    while (at > 0 && queue[at - 1]!.index > job.index) at--;
    queue.splice(at, 0, job);
    this.#size++;
  }

  /** Removes and returns the earliest meter whose gateway `isFree`, if any. */
  take(isFree: (key: string) => boolean): J | undefined {
    let best: J[] | undefined;
    for (const [key, queue] of this.#groups) {
      if (!isFree(key)) continue;
      if (best === undefined || queue[0]!.index < best[0]!.index) best = queue;
    }
    if (best === undefined) return undefined;
    const job = best.shift()!;
    if (best.length === 0) this.#groups.delete(job.key);
    this.#size--;
    return job;
  }

  /** Removes every waiting meter. */
  clear(): void {
    this.#groups.clear();
    this.#size = 0;
  }
}
