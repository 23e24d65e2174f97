/**
 * The `meterlink` command. {@link main} does the work and returns the exit code; run as a
 * program (the package's `bin`), this module calls it with the real process streams and stops
 * the command on Ctrl-C.
 *
 * @module
 */

import { realpathSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { checkFlags, type ParsedArgs, parseArgs, UsageError } from './args.js';
import type { Command, CommandContext } from './command.js';
import { commands, groups } from './commands.js';
import { commandHelp, globalHelp, groupHelp } from './help.js';
import type { CliIo } from './io.js';
import { describeError, ExitCode, toJson } from './output.js';
import { version } from './version.js';

export type { CliIo, CliWritable } from './io.js';

/** What the command words on a command line name. */
type Target =
  | { kind: 'command'; command: Command; operands: string[] }
  | { kind: 'group'; group: string }
  | { kind: 'global' };

/** Finds the command named by the leading words of `words` (the longest name that matches). */
function findCommand(words: readonly string[]): { command: Command; operands: string[] } | undefined {
  let best: Command | undefined;
  let bestLength = 0;
  for (const command of commands) {
    const parts = command.name.split(' ');
    if (parts.length > bestLength && parts.every((part, i) => words[i] === part)) {
      best = command;
      bestLength = parts.length;
    }
  }
  return best === undefined ? undefined : { command: best, operands: words.slice(bestLength) };
}

/** Resolves positionals to a command, a group (`meterlink modbus`) or nothing (`meterlink`). */
function resolve(words: readonly string[]): Target {
  if (words.length === 0) return { kind: 'global' };
  const found = findCommand(words);
  if (found !== undefined) return { kind: 'command', ...found };
  const [first, second] = words as [string, string | undefined];
  if (Object.hasOwn(groups, first)) {
    if (second === undefined) return { kind: 'group', group: first };
    throw new UsageError(`unknown command '${first} ${second}'`, first);
  }
  throw new UsageError(`unknown command '${first}'`);
}

/** Flags whose values are secrets, and the environment variables that stand in for them. */
const secretFlags = ['--password', '--auth-key', '--enc-key'];
const secretVariables = ['METERLINK_PASSWORD', 'METERLINK_AUTH_KEY', 'METERLINK_ENC_KEY'];

/**
 * Secrets the command line and the environment hold — passwords in URLs, `--password`,
 * `--auth-key`, `--enc-key` and their environment variables — hidden from every message.
 */
function secretsOf(argv: readonly string[], env: CliIo['env']): string[] {
  const secrets: string[] = [];
  for (const name of secretVariables) {
    const value = env[name];
    if (value !== undefined && value !== '') secrets.push(value);
  }
  argv.forEach((arg, i) => {
    for (const flag of secretFlags) {
      if (arg.startsWith(`${flag}=`) && arg.length > flag.length + 1)
        secrets.push(arg.slice(flag.length + 1));
      const next = argv[i + 1];
      if (arg === flag && next !== undefined && next !== '') secrets.push(next);
    }
  });
  for (const arg of argv) {
    if (!arg.includes('@')) continue;
    try {
      const password = new URL(arg).password;
      if (password === '') continue;
      secrets.push(password);
      const decoded = decodeURIComponent(password);
      if (decoded !== password) secrets.push(decoded);
    } catch {
      // Not a URL (or a malformed escape): nothing to hide from it.
    }
  }
  return secrets;
}

/** `meterlink help [words…]`. */
function help(words: readonly string[]): string {
  const target = resolve(words);
  if (target.kind === 'global') return globalHelp();
  if (target.kind === 'group') return groupHelp(target.group);
  if (target.operands.length > 0) {
    throw new UsageError(`unknown command '${[target.command.name, ...target.operands].join(' ')}'`);
  }
  return commandHelp(target.command);
}

/** What a command line printed, and its exit code when it is not 0. */
type Dispatched = string | { output: string; exitCode: number };

async function dispatch(args: ParsedArgs, io: CliIo, signal: AbortSignal): Promise<Dispatched> {
  if (args.flags.version === true) return version;
  const [first, ...rest] = args.positionals;
  if (first === 'help') return help(rest);
  const target = resolve(args.positionals);
  if (target.kind === 'global') {
    if (args.flags.help === true) return globalHelp();
    throw new UsageError('missing command');
  }
  if (target.kind === 'group') {
    if (args.flags.help === true) return groupHelp(target.group);
    throw new UsageError(`missing ${target.group} command (${groups[target.group]})`, target.group);
  }
  const { command, operands } = target;
  if (args.flags.help === true) return commandHelp(command);
  const json = args.flags.json === true;
  const context: CommandContext = {
    args,
    operands,
    signal,
    json,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
  };
  try {
    checkFlags(args, command.flags, command.name);
    const result = await command.run(context);
    const output = json ? (result.jsonText ?? toJson(result.json)) : result.text;
    return result.exitCode === undefined ? output : { output, exitCode: result.exitCode };
  } catch (error) {
    // Point usage errors raised by shared helpers at this command's help.
    if (error instanceof UsageError && error.command === undefined)
      throw new UsageError(error.message, command.name);
    throw error;
  }
}

/**
 * Runs the `meterlink` command line `argv` (without `node` and the script) and returns the exit
 * code: 0 on success, 1 when the operation failed, 2 for a usage error, 130 when interrupted.
 * Results go to `io.stdout`; an error is one line `meterlink: <code>: <message>` on `io.stderr`.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const code = await main(['modbus', 'read', 'modbus+tcp://127.0.0.1:502', 'holding', '0', '4', '--json'], {
 *   stdout: { write: (s) => out.push(s) },
 *   stderr: process.stderr,
 *   env: process.env,
 * });
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const signal = io.signal ?? new AbortController().signal;
  try {
    const dispatched = await dispatch(parseArgs(argv), io, signal);
    const output = typeof dispatched === 'string' ? dispatched : dispatched.output;
    io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return typeof dispatched === 'string' ? ExitCode.ok : dispatched.exitCode;
  } catch (error) {
    const debug =
      io.env.METERLINK_DEBUG !== undefined && io.env.METERLINK_DEBUG !== '' && io.env.METERLINK_DEBUG !== '0';
    const report = describeError(error, { debug, secrets: secretsOf(argv, io.env) });
    io.stderr.write(report.line);
    return report.exitCode;
  }
}

/** `true` when this module is the program being run (not imported by a test or a script). */
function isProgram(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProgram()) {
  // `meterlink … | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const controller = new AbortController();
  // First Ctrl-C: stop the command cleanly (exit 130). A second one gets Node's default: exit now.
  const onInterrupt = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onInterrupt);
  // A service manager stops `meterlink simulate` with SIGTERM: stop as cleanly as on Ctrl-C.
  process.once('SIGTERM', onInterrupt);
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  process.exitCode = code;
  // Everything is closed by now; should a handle linger anyway, do not hang the shell on it.
  setTimeout(() => process.exit(code), 2000).unref();
}
