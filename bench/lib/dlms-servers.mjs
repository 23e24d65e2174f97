// Starting and querying the DLMS session benchmark's server processes (dlms-server-process.mjs).
// CPU placement is the Modbus benchmark's (see pinCpus in servers.mjs for why one core).

import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./dlms-server-process.mjs', import.meta.url));

/**
 * Starts a server process and resolves once it listens.
 * @param {'dlms' | 'meter' | 'echo'} mode
 * @param {{ cpu?: string, module: string, execArgv?: string[], env?: Record<string, string> }} options
 *   `cpu`: taskset CPU list (unpinned when absent); `module`: what dlms-api.mjs loads ('dist' or
 *   a bundle path)
 */
export function startDlmsServer(mode, { cpu, module, execArgv = [], env = {} }) {
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc'];
  const argv = ['--expose-gc', ...execArgv];
  const childEnv = { ...process.env, ...env, DLMS_BENCH_MODULE: module };
  const child = cpu
    ? spawn('taskset', ['-c', cpu, process.execPath, ...argv, script, mode], { stdio, env: childEnv })
    : fork(script, [mode], { execArgv: argv, stdio, env: childEnv });
  const ask = (type) =>
    new Promise((done, fail) => {
      if (child.exitCode !== null) return fail(new Error(`${mode} server has exited`));
      const onMessage = (reply) => {
        if (reply?.type !== type) return;
        child.off('message', onMessage);
        done(reply);
      };
      child.on('message', onMessage);
      child.send({ type });
    });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${mode} server exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      if (message?.type !== 'listening') return reject(new Error(`unexpected message from ${mode} server`));
      child.off('exit', onExit);
      resolve({
        mode,
        ports: message.ports,
        pid: child.pid,
        /** The child's CPU time so far (`process.cpuUsage()`, user + system), µs. */
        async cpu() {
          const { usage } = await ask('cpu');
          return usage.user + usage.system;
        },
        /** `process.memoryUsage()` after two full GCs, with the server's connection and association counts. */
        memory() {
          return ask('memory');
        },
        /** Asks the child to exit (so a `--cpu-prof` profile gets written) and waits for it. */
        stop() {
          return new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.send({ type: 'exit' });
          });
        },
      });
    });
  });
}
