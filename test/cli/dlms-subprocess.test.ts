// The built CLI (bundled with esbuild, as test/cli/cli.test.ts does) run with node for a few DLMS
// commands against a simulated meter: exit codes, --json on stdout, one error line on stderr.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterServer, password, sap } from '../dlms/e2e/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const meter = meterServer();
let closeListener: (() => Promise<void>) | undefined;
let url = '';
let dir = '';
let script = '';

/** Runs the bundled CLI; every run is bounded. */
function node(argv: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, ...argv],
      { timeout: 15_000, env: { ...process.env, METERLINK_DEBUG: '', METERLINK_PASSWORD: '', ...env } },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  const listener = await meter.server.listen({ port: 0, host: '127.0.0.1', framing: 'hdlc' });
  closeListener = listener.close;
  url = `hdlc+tcp://127.0.0.1:${listener.port}?client=${sap.lls}&physical=17`;
  await mkdir(join(root, '.tmp'), { recursive: true });
  dir = await mkdtemp(join(root, '.tmp', 'cli-dlms-test-'));
  script = join(dir, 'main.js');
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
}, 30_000);

afterAll(async () => {
  await closeListener?.();
  await meter.server.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('the built CLI, DLMS commands', () => {
  it('read --json with the password from the environment', async () => {
    const run = await node(['read', url, '1.0.1.8.0.255', '0.0.1.0.0.255', '--auth', 'lls', '--json'], {
      METERLINK_PASSWORD: password,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { values: { obis: string; unit: string }[] };
    expect(doc.values.map((v) => [v.obis, v.unit])).toEqual([
      ['1.0.1.8.0.255', 'Wh'],
      ['0.0.1.0.0.255', ''],
    ]);
  });

  it('profile piped: CSV on stdout, no progress on stderr', async () => {
    const run = await node(['profile', url, '--entries', '1-3', '--password', password]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('a wrong password: exit 1, one line, the password not echoed', async () => {
    const run = await node(['clock', url, '--password', 'Wr0ngSecret']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^meterlink: ERR_DLMS_ASSOCIATION: [^\n]+\n$/);
    expect(run.stderr).not.toContain('Wr0ngSecret');
  });

  it('a bad URL and a malformed key: exit 2, one line naming the problem', async () => {
    const bad = await node(['objects', 'hdlc+tcp://h?client=200']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^meterlink: ERR_INVALID_URL: [^\n]*client=200[^\n]*\n$/);
    const key = await node(['read', url, '1.0.1.8.0.255', '--auth', 'hls-gmac', '--auth-key', '00'], {
      METERLINK_ENC_KEY: 'not-hex-at-all',
    });
    expect(key.code).toBe(2);
    expect(key.stderr).toBe(
      'meterlink: ERR_INVALID_ARGUMENT: METERLINK_ENC_KEY must be 16 octets of hex (32 hex digits)\n',
    );
  });
});
