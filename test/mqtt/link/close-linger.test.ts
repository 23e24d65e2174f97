// mqttLink's lingering close: a link closed while its broker is unreachable delivers `close` and
// its cleared presence once the broker is back, in the background, bounded by closeLingerMs, and
// without keeping the process alive (a node process that has nothing else to do exits at once).
// The broker "goes away" behind a TCP proxy.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { type MqttLinkOptions, mqttLink } from '../../../src/mqtt/link/index.js';
import { startProxy } from '../mosquitto/site.js';
import { FakeGateway, type Received } from './fake-gateway.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const root = fileURLToPath(new URL('../../..', import.meta.url));
let dir = '';
let script = '';

// A script that opens a link, waits for its broker to go away (the link's first reconnect error),
// closes it and has nothing left to do: the process must exit although the link lingers.
const child = `
import { mqttLink } from './src/mqtt/link/mqtt-link.ts';
const link = mqttLink({ broker: process.argv[2], gatewayId: 'gw1', port: 'p1', headEndId: 'he-exit', timeoutMs: 3000 });
await link.open();
console.log('open');
await new Promise((resolve) => link.once('error', resolve));
await link.close();
console.log('closed');
`;

beforeAll(async () => {
  await mkdir(join(root, '.tmp'), { recursive: true });
  dir = await mkdtemp(join(root, '.tmp', 'close-linger-test-'));
  script = join(dir, 'linger.mjs');
  await build({
    stdin: { contents: child, resolveDir: root, loader: 'ts', sourcefile: 'linger.ts' },
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
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await delay(5);
  }
}

interface Setup {
  broker: EmbeddedBroker;
  gw: FakeGateway;
  proxy: Awaited<ReturnType<typeof startProxy>>;
  /** Client ids the broker saw connect / disconnect (its `$SYS` events). */
  connected: string[];
  disconnected: string[];
}

async function setup(): Promise<Setup> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const gw = await FakeGateway.start(broker.url, 'gw1');
  cleanups.push(() => gw.stop());
  const proxy = await startProxy(broker.port);
  cleanups.push(() => proxy.close());
  const observer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => observer.endAsync(true));
  const connected: string[] = [];
  const disconnected: string[] = [];
  observer.on('message', (topic, payload) => {
    if (topic.endsWith('/new/clients')) connected.push(payload.toString());
    else disconnected.push(payload.toString());
  });
  await observer.subscribeAsync(['$SYS/+/new/clients', '$SYS/+/disconnect/clients']);
  return { broker, gw, proxy, connected, disconnected };
}

function link(s: Setup, options: Partial<MqttLinkOptions> = {}) {
  const l = mqttLink({
    broker: `mqtt://127.0.0.1:${s.proxy.port}`,
    gatewayId: 'gw1',
    port: 'p1',
    headEndId: 'he1',
    timeoutMs: 3000,
    ...options,
  });
  cleanups.push(() => l.close());
  return l;
}

const closeOf = (r: Received): boolean => r.envelope.type === 'close';
const cleared = (s: Setup) => (): boolean =>
  s.gw.presence.some((p) => p.topic.endsWith('/he/he1/status') && p.payload === '');

describe('mqttLink closed while the broker is unreachable', () => {
  it('closes at once and delivers close and the cleared presence when the broker is back', {
    timeout: 10_000,
  }, async () => {
    const s = await setup();
    const l = link(s);
    await l.open();
    await s.proxy.pause();
    await delay(50); // the link's client sees its socket closed
    const closing = Date.now();
    await l.close();
    expect(Date.now() - closing).toBeLessThan(300);
    expect(l.state).toBe('closed');
    await delay(300);
    expect(s.gw.received.filter(closeOf)).toHaveLength(0);
    const before = s.connected.length;
    await s.proxy.resume();
    await s.gw.next(closeOf, 5000);
    await until(cleared(s), 3000);
    // Then the lingering connection ends (a clean DISCONNECT).
    await until(() => s.connected.length > before, 1000);
    const lingering = s.connected[s.connected.length - 1]!;
    expect(lingering).toMatch(/^meterlink-he-/);
    await until(() => s.disconnected.includes(lingering), 3000);
  });

  it('does not keep the process alive', { timeout: 15_000 }, async () => {
    const s = await setup();
    const proc = spawn(process.execPath, [script, `mqtt://127.0.0.1:${s.proxy.port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => proc.kill('SIGKILL'));
    let out = '';
    let err = '';
    proc.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    let exitedAt = 0;
    const exited = new Promise<number | null>((resolve) =>
      proc.once('exit', (code) => {
        exitedAt = Date.now();
        resolve(code);
      }),
    );
    let closedAt = 0;
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (closedAt === 0 && out.includes('closed')) closedAt = Date.now();
    });
    await until(() => out.includes('open') || proc.exitCode !== null, 8000).catch(() => undefined);
    expect(out, err).toContain('open');
    await s.proxy.pause();
    // closeLingerMs is 30 s: a lingering connection that held the event loop would show here.
    const code = await Promise.race([exited, delay(5000).then(() => 'still running' as const)]);
    expect(out, err).toContain('closed');
    expect(code, err).toBe(0);
    expect(exitedAt - closedAt).toBeLessThan(1000);
  });

  it('gives up after closeLingerMs', { timeout: 10_000 }, async () => {
    const s = await setup();
    const l = link(s, { closeLingerMs: 300 });
    await l.open();
    await s.proxy.pause();
    await delay(50);
    await l.close();
    await delay(400);
    const before = s.connected.length;
    await s.proxy.resume();
    await delay(1200); // longer than the next two reconnect attempts would wait
    expect(s.connected.slice(before)).toEqual([]);
    expect(s.gw.received.filter(closeOf)).toHaveLength(0);
  });

  it('with closeLingerMs 0 gives up at once, and a reopened link stops its lingering close', {
    timeout: 10_000,
  }, async () => {
    const s = await setup();
    const off = link(s, { closeLingerMs: 0 });
    const again = link(s, { headEndId: 'he2' });
    await off.open();
    await again.open();
    await s.proxy.pause();
    await delay(50);
    await off.close();
    await again.close();
    await again.open().catch(() => undefined); // the broker is still away: fails, but stops the linger
    const before = s.connected.length;
    await s.proxy.resume();
    await delay(1200);
    expect(s.connected.slice(before)).toEqual([]);
    expect(s.gw.received.filter(closeOf)).toHaveLength(0);
  });
});
