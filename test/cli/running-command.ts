/**
 * A long-running CLI command (`broker`, `simulate`, `gateway`) run in-process until its signal
 * aborts it (Ctrl-C), with its output collected.
 */

import { createConnection } from 'node:net';
import { main } from '../../src/cli/main.js';

/** A command started by {@link startCommand}. */
export interface RunningCommand {
  /** Its name (`broker` …), for messages. */
  readonly name: string;
  stdout(): string;
  stderr(): string;
  /** Its exit code, once it has stopped. */
  readonly done: Promise<number>;
  /** Interrupts it and waits for its exit code. */
  stop(): Promise<number>;
}

/** Runs `meterlink <argv>`; `track` receives its `stop` for the test's cleanup. */
export function startCommand(
  argv: [string, ...string[]],
  track: (stop: () => Promise<number>) => void,
  env: Record<string, string> = {},
): RunningCommand {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  const done = main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal: controller.signal,
  });
  const stop = (): Promise<number> => {
    controller.abort(new Error('interrupted'));
    return done;
  };
  track(stop);
  return { name: argv[0], stdout: () => stdout, stderr: () => stderr, done, stop };
}

/** Waits (bounded, 5 s) until stdout matches; fails at once when the command wrote to stderr. */
export async function output(r: RunningCommand, pattern: RegExp): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const match = r.stdout().match(pattern);
    if (match !== null) return match;
    if (r.stderr() !== '') throw new Error(`${r.name} failed: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(r.stdout())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `true` when nothing listens on 127.0.0.1:`port` any more. */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
