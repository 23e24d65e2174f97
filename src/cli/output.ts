/**
 * Output helpers: aligned text tables, JSON that survives bigints and typed arrays, number
 * formatting, and the one-line error report with its exit code.
 *
 * @module
 */

import { MeterlinkError } from '../core/errors.js';
import { UsageError } from './args.js';

/** Column alignment in {@link formatTable}. */
export type Align = 'left' | 'right';

/**
 * Renders rows as a text table: columns padded to their widest cell, two spaces apart, the
 * header underlined by nothing (terminals are narrow enough already). Trailing spaces are trimmed.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all
    .map((row) =>
      widths
        .map((width, c) => {
          const cell = row[c] ?? '';
          return align[c] === 'right' ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * JSON for `--json`: 2-space indented, a final newline. `bigint` becomes a decimal string (JSON
 * numbers lose 64-bit precision in most readers) and typed arrays become arrays.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  )}\n`;
}

/**
 * The shortest decimal that reads back as the same float32: `230.1` rather than the float64
 * expansion `230.10000610351562` of the stored value.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** A register as `0x00E6`. */
export function hex16(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A number with a fixed count of decimals, or as is. */
export function formatNumber(value: number | bigint, digits?: number): string {
  if (typeof value === 'bigint' || digits === undefined) return String(value);
  return value.toFixed(digits);
}

/** Exit codes of the CLI. */
export const ExitCode = {
  /** The command did what was asked. */
  ok: 0,
  /** It could not: link failure, timeout, exception response, protocol error, … */
  failure: 1,
  /** The command line is wrong: unknown command or option, bad URL, bad value. */
  usage: 2,
  /** Interrupted (Ctrl-C), as shells report SIGINT. */
  interrupted: 130,
} as const;

/** Meterlink codes caused by what the user typed rather than by the device or the network. */
const inputCodes: ReadonlySet<string> = new Set(['ERR_INVALID_URL', 'ERR_INVALID_ARGUMENT', 'ERR_ENCODE']);

/** What {@link describeError} makes of an error. */
export interface ErrorReport {
  /** The whole line for stderr, with its newline. */
  line: string;
  /** The process exit code. */
  exitCode: number;
}

/**
 * One line for stderr, `meterlink: <code>: <message>`, and the exit code. Meterlink errors never
 * show a stack; an unexpected error shows its stack only when `debug` is set. Every text in
 * `secrets` (passwords from URLs on the command line) is replaced by `***`.
 */
export function describeError(
  error: unknown,
  options: { debug?: boolean; secrets?: readonly string[] } = {},
): ErrorReport {
  let code: string;
  let message: string;
  let exitCode: number;
  let hint = '';
  if (error instanceof UsageError) {
    code = error.code;
    message = error.message;
    exitCode = ExitCode.usage;
    hint = ` (see 'meterlink ${error.command === undefined ? '' : `${error.command} `}--help')`;
  } else if (error instanceof MeterlinkError) {
    code = error.code;
    message = error.message;
    exitCode =
      error.code === 'ERR_ABORTED'
        ? ExitCode.interrupted
        : inputCodes.has(error.code)
          ? ExitCode.usage
          : ExitCode.failure;
  } else if (error instanceof Error) {
    const sysCode = (error as { code?: unknown }).code;
    code = typeof sysCode === 'string' ? sysCode : 'ERR_INTERNAL';
    message = options.debug && error.stack !== undefined ? error.stack : error.message;
    exitCode = ExitCode.failure;
  } else {
    code = 'ERR_INTERNAL';
    message = String(error);
    exitCode = ExitCode.failure;
  }
  // One line: a stack (debug only) keeps its frames joined by ' | ', anything else its words.
  let text = `meterlink: ${code}: ${message}${hint}`
    .split(/\s*\n\s*/)
    .filter((part) => part !== '')
    .join(options.debug ? ' | ' : ' ');
  for (const secret of options.secrets ?? []) {
    if (secret !== '') text = text.split(secret).join('***');
  }
  return { line: `${text}\n`, exitCode };
}
