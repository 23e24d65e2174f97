// Starting and querying the server processes (see server-process.mjs).

import { execFileSync, fork, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./server-process.mjs', import.meta.url));

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU placement (taskset), so that runs agree with each other:
 *   - `'same'`: client and servers on CPU 0. On this kind of VM a wake-up across vCPUs costs tens
 *     of µs and inflates the CPU time charged to both processes ~2.5× (measured: raw echo at 1 in
 *     flight 14–17 k round trips/s split vs 52 k on one core), and left alone the scheduler
 *     sometimes puts both on one core and sometimes not, so rates jump 3× between runs. On one
 *     core a round trip costs exactly the client's CPU plus the server's: stable, and what the
 *     code controls. `process.cpuUsage()` still charges each process only its own time.
 *   - `'split'`: client on CPU 0, servers on CPU 1 (one core each; noisy here, see above).
 *   - `'none'`: no pinning.
 * Pins this process (all its threads) and remembers where servers go. Returns the mode in force.
 * @param {'same' | 'split' | 'none'} mode
 */
export function pinCpus(mode) {
  if (mode === 'none' || availableParallelism() < 2 || !hasTaskset()) return 'none';
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  serverCpu = mode === 'split' ? '1' : '0';
  return mode;
}

/** CPU list for the servers (taskset -c), when pinned. */
let serverCpu;

/**
 * Starts a server process (`'meterlink'` or `'echo'`) with an IPC channel, on the CPU chosen by
 * {@link pinCpus}, and resolves once it listens.
 * @param {'meterlink' | 'echo'} mode
 * @param {string[]} execArgv extra Node flags for the child (e.g. `--cpu-prof`)
 */
export function startServer(mode, execArgv = []) {
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc'];
  const child = serverCpu
    ? spawn('taskset', ['-c', serverCpu, process.execPath, ...execArgv, script, mode], { stdio })
    : fork(script, [mode], { execArgv, stdio });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${mode} server exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      if (message?.type !== 'listening') return reject(new Error(`unexpected message from ${mode} server`));
      child.off('exit', onExit);
      resolve({
        mode,
        port: message.port,
        /** The child's `process.cpuUsage()` (µs of user + system time). */
        cpu() {
          return new Promise((done) => {
            const onMessage = (reply) => {
              if (reply?.type !== 'cpu') return;
              child.off('message', onMessage);
              done(reply.usage.user + reply.usage.system);
            };
            child.on('message', onMessage);
            child.send({ type: 'cpu' });
          });
        },
        /** Asks the child to exit (so a `--cpu-prof` profile gets written) and waits for it. */
        stop() {
          return new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.send({ type: 'exit' });
          });
        },
      });
    });
  });
}
