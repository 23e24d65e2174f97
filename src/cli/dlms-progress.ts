/**
 * A one-line progress bar on standard error, drawn only when it is a terminal: a pipe or a file
 * gets nothing, so `meterlink profile … > profile.csv 2> log` stays clean.
 *
 * @module
 */

import type { CliWritable } from './io.js';

/** Updates of a {@link progressBar}. */
export interface Progress {
  /** Shows `done` of `total` steps (a bar), or only the detail when `total` is unknown. */
  update(done: number, total: number | undefined, detail: string): void;
  /** Erases the line. */
  end(): void;
}

const width = 24;
/** Redraws at most this often, ms (the last step is always drawn). */
const interval = 100;

/**
 * A progress bar on `stream` when `stream.isTTY` is `true`, else one that draws nothing.
 *
 * @example
 * ```ts
 * const progress = progressBar(process.stderr, 'profile 1.0.99.1.0.255');
 * progress.update(3, 10, '288 rows');
 * progress.end();
 * ```
 */
export function progressBar(stream: CliWritable, label: string): Progress {
  if ((stream as { isTTY?: unknown }).isTTY !== true)
    return { update: () => undefined, end: () => undefined };
  let drawn = 0;
  let shown = false;
  return {
    update(done, total, detail) {
      const now = Date.now();
      if (shown && now - drawn < interval && done !== total) return;
      drawn = now;
      shown = true;
      let bar = '';
      if (total !== undefined && total > 0) {
        const filled = Math.round((Math.min(done, total) / total) * width);
        bar = ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
      }
      stream.write(`\r\x1b[K${label}${bar} ${detail}`);
    },
    end() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
