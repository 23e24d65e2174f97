/**
 * The shape of a CLI command. Each command lives in its own file and is listed in
 * `commands.ts`; help, flag checks and output go through `main.ts`.
 *
 * @module
 */

import type { FlagName, ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** What a command gets to work with. */
export interface CommandContext {
  /** The parsed command line; `operands` are the positionals after the command words. */
  args: ParsedArgs;
  /** Positionals after the command words (`modbus read <these…>`). */
  operands: string[];
  /** Fires on Ctrl-C; pass it to everything that waits. */
  signal: AbortSignal;
  /** `--json` was given. */
  json: boolean;
  /** The process environment. */
  env: CliIo['env'];
  /**
   * Standard output, for what a long-running command (`simulate`) must show before it returns,
   * such as where it listens. Everything else goes in the {@link CommandResult}.
   */
  stdout: CliIo['stdout'];
  /**
   * Standard error, for progress shown while a command runs (`profile` on a terminal: only when
   * its `isTTY` is `true`). Errors are not written here: throw them.
   */
  stderr: CliIo['stderr'];
}

/** What a command produces on success: the text, or the JSON document with `--json`. */
export interface CommandResult {
  /** Human-readable output (a final newline is added when missing). */
  text: string;
  /** The `--json` document. */
  json: unknown;
  /**
   * The `--json` output as text, when it is not one indented document (the summary line closing
   * the JSON lines of `read --fleet`); `json` is then ignored.
   */
  jsonText?: string;
  /**
   * Exit code when the command printed its results but did not fully succeed (`read --fleet` with
   * failed meters: 1). Default 0.
   */
  exitCode?: number;
}

/** A command of the `meterlink` CLI. */
export interface Command {
  /** The command words, e.g. `modbus read`. */
  name: string;
  /** Operands after the name, e.g. `<url> <table> <address> [count]`. */
  synopsis: string;
  /** One line for `meterlink --help`. */
  summary: string;
  /** Paragraphs for `meterlink <command> --help`. */
  description: readonly string[];
  /** Flags the command accepts besides `--help`, `--json` and `--version`. */
  flags: readonly FlagName[];
  /** Example command lines. */
  examples: readonly string[];
  /** Runs the command. Throws `UsageError` or a `MeterlinkError` to fail. */
  run(context: CommandContext): Promise<CommandResult>;
}
