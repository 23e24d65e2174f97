/**
 * Times on the command line (`--from`, `--to`, `clock set`): `now`, an ISO 8601 date or
 * date-time — UTC unless it carries an offset — or a time before now (`-15m`, `-6h`, `-7d`).
 *
 * @module
 */

import { UsageError } from './args.js';

const units: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2024-06-15`, `2024-06-15T12:00`, `…:00`, `….5`, then optionally `Z` or `±hh:mm`. */
const isoForm = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a time argument; `now` is the current time.
 *
 * @param what - names the argument in the error (`--from`)
 * @throws {@link UsageError} for anything else
 * @example
 * ```ts
 * parseTimeArgument('2024-06-01', '--from', 'profile'); // 2024-06-01T00:00:00Z
 * parseTimeArgument('-1d', '--from', 'profile', now); // 24 hours before now
 * ```
 */
export function parseTimeArgument(text: string, what: string, command: string, now = new Date()): Date {
  if (text === 'now') return now;
  const relative = /^-(\d+)([smhd])$/.exec(text);
  if (relative !== null) return new Date(now.getTime() - Number(relative[1]) * units[relative[2]!]!);
  const match = isoForm.exec(text);
  if (match !== null) {
    // No offset: UTC, whatever the computer's zone (a meter reading should not depend on it).
    const iso =
      text.replace(' ', 'T') + (match[4] === undefined ? (match[1] === undefined ? 'T00:00Z' : 'Z') : '');
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(
    `${what} must be now, an ISO 8601 date or date-time (UTC unless it has an offset) or -<n>s|m|h|d, got '${text}'`,
    command,
  );
}
