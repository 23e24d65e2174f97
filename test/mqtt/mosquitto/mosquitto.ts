// Real mosquitto 2 brokers for the tunnel tests: each test starts its own processes on 127.0.0.1
// with a generated config in a temp dir (never the system service), waits for readiness with a
// bound, and kills them afterwards. Also the CI rule: with CI=true a missing program (Debian's
// `mosquitto`, `openssl`) fails the suite; elsewhere the suite is skipped with the reason.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

const inCi = process.env.CI === 'true';

/**
 * The mosquitto 2 binary: `MOSQUITTO_BIN` when set, else on PATH or in /usr/sbin (not on a
 * normal user's PATH).
 */
function locateMosquitto(): string | undefined {
  const candidates =
    process.env.MOSQUITTO_BIN === undefined
      ? ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto']
      : [process.env.MOSQUITTO_BIN];
  for (const candidate of candidates) {
    if (candidate.startsWith('/') && !existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['-h'], { encoding: 'utf8', timeout: 5000 });
    // `mosquitto -h` prints its usage and exits 3.
    if (probe.error === undefined && /mosquitto version 2\./.test(probe.stdout + probe.stderr))
      return candidate;
  }
  return undefined;
}

export const mosquittoPath = locateMosquitto();
export const opensslFound = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

/**
 * `describe` for a suite that needs real programs: runs it when they are there; with CI=true
 * fails when one is missing; otherwise skips it and says why.
 */
export function describeWithPrograms(title: string, needs: { openssl?: boolean }, body: () => void): void {
  const missing: string[] = [];
  if (mosquittoPath === undefined) missing.push('mosquitto 2 (Debian package `mosquitto`)');
  if (needs.openssl === true && !opensslFound) missing.push('openssl (Debian package `openssl`)');
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const reason = `missing ${missing.join(' and ')}; apt-get install -y mosquitto openssl (.ci/run installs them)`;
  if (inCi) {
    describe(title, () => {
      it('has its Debian programs (required with CI=true)', () => {
        throw new Error(reason);
      });
    });
  } else {
    console.warn(`[${title}] skipped — ${reason}`);
    describe.skip(`${title} (skipped: ${reason})`, body);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Options of {@link startMosquitto}. */
export interface MosquittoOptions {
  /** Port to listen on. Default: a free one. */
  port?: number;
  /**
   * Keep sessions, subscriptions, queued and retained messages in `{dir}/mosquitto.db`, saved
   * after every change (`autosave_on_changes`), so a `kill -9` loses next to nothing.
   */
  persistence?: boolean;
  /** Extra lines for the listener (TLS settings …). */
  listener?: string[];
  /** Extra lines at the end of the config (a bridge …). */
  extra?: string[];
  /** Working directory (shared with certificates); default a new temp dir removed on `stop()`. */
  dir?: string;
}

/** A mosquitto process started by {@link startMosquitto}. */
export interface Mosquitto {
  readonly port: number;
  readonly dir: string;
  /** `mqtt://127.0.0.1:{port}`. */
  readonly url: string;
  /** Everything the broker logged so far. */
  log(): string;
  /** `kill -9` (no Last Will is published, no final database save), then waits for the exit. */
  kill(): Promise<void>;
  /** Starts the broker again with the same config (same port, same database). */
  restart(): Promise<void>;
  /** Terminates the broker and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

const readyTimeoutMs = 5000;

/**
 * Starts a mosquitto 2 process on 127.0.0.1 with its own config (anonymous access,
 * `set_tcp_nodelay true`), resolved once it logs that it is running.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  if (mosquittoPath === undefined) throw new Error('mosquitto is not installed');
  const binary = mosquittoPath;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'meterlink-mosquitto-'));
  const port = options.port ?? (await freePort());
  const config = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(
    config,
    [
      // As root, mosquitto would switch to the user `mosquitto`, who cannot read our temp dir.
      `user ${userInfo().username}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      'log_timestamp false',
      'per_listener_settings false',
      'allow_anonymous true',
      'set_tcp_nodelay true',
      'max_queued_messages 10000',
      ...(options.persistence === true
        ? [
            'persistence true',
            `persistence_location ${dir}/`,
            'autosave_on_changes true',
            'autosave_interval 1',
          ]
        : ['persistence false']),
      `listener ${port} 127.0.0.1`,
      ...(options.listener ?? []),
      ...(options.extra ?? []),
      '',
    ].join('\n'),
  );
  let child: ChildProcessWithoutNullStreams | undefined;
  let output = '';
  let stopped = false;

  const launch = async (): Promise<void> => {
    // Restarting on the same port right after a kill may briefly find it taken: retry, bounded.
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const proc = spawn(binary, ['-c', config], { stdio: ['pipe', 'pipe', 'pipe'] });
      child = proc;
      proc.once('exit', (code, signal) => {
        output += `[mosquitto exited: ${signal ?? `code ${code}`}]\n`;
      });
      const from = output.length; // this run's log only (a restart appends to the same log)
      const outcome = await new Promise<'ready' | 'exited' | 'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), Math.max(1, deadline - Date.now()));
        const onData = (chunk: Buffer): void => {
          output += chunk.toString('utf8');
          if (/mosquitto version [\d.]+ running/.test(output.slice(from))) {
            clearTimeout(timer);
            resolve('ready');
          }
        };
        proc.stdout.on('data', onData);
        proc.stderr.on('data', onData);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve('exited');
        });
      });
      if (outcome === 'ready') return;
      proc.kill('SIGKILL');
      if (outcome === 'exited' && /in use/i.test(output.slice(from)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      throw new Error(`mosquitto on port ${port} did not start (${outcome}):\n${output.slice(-2000)}`);
    }
  };

  const waitExit = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };

  await launch().catch((error: unknown) => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    port,
    dir,
    url: `mqtt://127.0.0.1:${port}`,
    log: () => output,
    kill: () => waitExit('SIGKILL'),
    restart: () => launch(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await waitExit('SIGTERM');
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
