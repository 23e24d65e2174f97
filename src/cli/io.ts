/**
 * What the CLI talks to: two output streams, the environment and a cancellation signal, passed
 * in so tests run every command in-process and read exactly what a terminal would show.
 *
 * @module
 */

/** Something text can be written to (`process.stdout`, or a test's collector). */
export interface CliWritable {
  write(text: string): unknown;
}

/** The CLI's view of the outside world. */
export interface CliIo {
  /** Results: human-readable text, or one JSON document with `--json`. */
  stdout: CliWritable;
  /** Errors: one line `meterlink: <code>: <message>`. */
  stderr: CliWritable;
  /**
   * Environment variables. `METERLINK_DEBUG=1` adds the stack of an unexpected (non-meterlink)
   * error to its line on stderr.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Cancels the running command (Ctrl-C in the real CLI); it then exits with 130. */
  signal?: AbortSignal;
}
