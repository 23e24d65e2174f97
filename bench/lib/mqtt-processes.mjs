// Starting and querying the MQTT benchmark's child processes (mqtt-process.mjs). CPU placement is
// the other benchmarks' (see pinCpus in servers.mjs for why everything shares one core).

import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./mqtt-process.mjs', import.meta.url));

/**
 * Starts a `'broker'` or `'site'` process and resolves once it is ready.
 * @param {'broker' | 'site'} mode
 * @param {{ cpu?: string, module: string, config?: object, execArgv?: string[] }} options
 *   `cpu`: taskset CPU list (unpinned when absent); `module`: what mqtt-api.mjs loads
 */
export function startProcess(mode, { cpu, module, config = {}, execArgv = [] }) {
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc'];
  const argv = ['--expose-gc', ...execArgv];
  const env = { ...process.env, MQTT_BENCH_MODULE: module, MQTT_BENCH_CONFIG: JSON.stringify(config) };
  const child = cpu
    ? spawn('taskset', ['-c', cpu, process.execPath, ...argv, script, mode], { stdio, env })
    : fork(script, [mode], { execArgv: argv, stdio, env });
  const ask = (type) =>
    new Promise((done, fail) => {
      if (child.exitCode !== null) return fail(new Error(`${mode} process has exited`));
      const onMessage = (reply) => {
        if (reply?.type !== type) return;
        child.off('message', onMessage);
        done(reply);
      };
      child.on('message', onMessage);
      child.send({ type });
    });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${mode} process exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      if (message?.type !== 'ready') return reject(new Error(`unexpected message from the ${mode} process`));
      child.off('exit', onExit);
      resolve({
        mode,
        ready: message,
        pid: child.pid,
        /** The child's CPU time so far (user + system), µs. */
        async cpu() {
          const { usage } = await ask('cpu');
          return usage.user + usage.system;
        },
        /** `{ errors, connections }` (no GC). */
        stats() {
          return ask('stats');
        },
        /** `{ memory: process.memoryUsage() after two GCs, errors, connections }`. */
        memory() {
          return ask('memory');
        },
        /** Current RSS from /proc, without a GC (bytes). */
        rss() {
          return procRss(child.pid);
        },
        /** Stops what the child runs and waits for it to exit. */
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

/** VmRSS of `pid` in bytes (NaN when /proc is not there). */
export function procRss(pid = process.pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * TCP segments on the client sockets connected to `port` (the broker), summed per owning process:
 * `{ pid: { out, in } }` where `out` counts data segments the process sent to the broker and
 * `in` those the broker sent to it (`ss -tinp`, Linux; `undefined` when ss is not available).
 * One data segment is one write that reached the socket on its own: packets written in one
 * `writev` (MQTT.js corks its writes until the next tick) share one.
 */
export function tcpSegments(port) {
  let text;
  try {
    text = execFileSync('ss', ['-tinpH', 'state', 'established', `( dport = :${port} )`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
  const byPid = {};
  let pid;
  for (const line of text.split('\n')) {
    const owner = /pid=(\d+)/.exec(line);
    if (owner) pid = owner[1];
    const out = /data_segs_out:(\d+)/.exec(line);
    const got = /data_segs_in:(\d+)/.exec(line);
    if (pid !== undefined && (out || got)) {
      byPid[pid] ??= { out: 0, in: 0 };
      byPid[pid].out += Number(out?.[1] ?? 0);
      byPid[pid].in += Number(got?.[1] ?? 0);
    }
  }
  return byPid;
}
