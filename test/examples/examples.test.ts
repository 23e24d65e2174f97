/**
 * The scripts of examples/ run: each is bundled with esbuild (the package name resolved to the
 * sources, as tsconfig.json's `paths` do for tsc) and run with node against servers started here.
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlmsServer, exampleMeter } from '../../src/dlms/index.js';
import { tcp } from '../../src/index.js';
import {
  holdingBlock,
  ModbusClient,
  type ModbusListener,
  ModbusServer,
  registerLayout,
} from '../../src/modbus/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const examples = [
  'modbus-read',
  'modbus-register-map',
  'modbus-simulator',
  'modbus-gateway',
  'dlms-read-register',
  'dlms-profile-csv',
  'dlms-push-listener',
  'tunnel-meter',
  'fleet-read',
] as const;
type Example = (typeof examples)[number];

/** The package's entry points, by import specifier (package.json `exports`). */
const entryPoints: Readonly<Record<string, string>> = {
  meterlink: 'src/index.ts',
  'meterlink/modbus': 'src/modbus/index.ts',
  'meterlink/dlms': 'src/dlms/index.ts',
  'meterlink/mqtt': 'src/mqtt/index.ts',
};

/** Resolves `meterlink` and its subpaths to the sources; every other package stays external. */
const meterlinkFromSource: Plugin = {
  name: 'meterlink-from-source',
  setup(builder) {
    builder.onResolve({ filter: /^meterlink(\/|$)/ }, (args) => {
      const file = entryPoints[args.path];
      if (file === undefined)
        return { errors: [{ text: `${args.path} is not an entry point of meterlink` }] };
      return { path: join(root, file) };
    });
  },
};

/** Bounded waits: a broken example fails its test instead of hanging the run. */
const waitMs = 10_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let dir = '';
const scripts = {} as Record<Example, string>;
const children = new Set<ChildProcess>();
const closers: (() => Promise<void>)[] = [];

/** Runs an example to completion (with `env` added to the environment). */
function run(example: Example, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [scripts[example], ...args],
      { timeout: waitMs, killSignal: 'SIGKILL', env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        children.delete(child);
        if (error !== null && typeof error.code !== 'number' && error.signal == null) {
          reject(error);
          return;
        }
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          signal: error?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
    children.add(child);
  });
}

/** A long-running example (simulator, gateway): started, waited for, stopped with SIGINT. */
interface Service {
  /** Resolves the first match of `pattern` in stdout, rejects after {@link waitMs} or on exit. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends SIGINT and resolves how the process ended (SIGKILL after {@link waitMs}). */
  interrupt(): Promise<Run>;
}

function start(example: Example, args: readonly string[]): Service {
  const child = spawn(process.execPath, [scripts[example], ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Run>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      // 'exit' can come before the pipes are drained: wait for both to close.
      let open = 2;
      const done = (): void => {
        if (--open === 0) resolve({ code, signal, stdout, stderr });
      };
      if (child.stdout.readableEnded) done();
      else child.stdout.once('close', done);
      if (child.stderr.readableEnded) done();
      else child.stderr.once('close', done);
    });
  });
  return {
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          clearInterval(poll);
          reject(
            new Error(`${example}: no ${pattern} within ${waitMs} ms; stdout: ${stdout}; stderr: ${stderr}`),
          );
        }, waitMs);
        const poll = setInterval(() => {
          const match = stdout.match(pattern);
          if (match !== null || child.exitCode !== null) {
            clearInterval(poll);
            clearTimeout(timer);
            if (match !== null) resolve(match);
            else
              reject(
                new Error(`${example} exited with ${child.exitCode}; stdout: ${stdout}; stderr: ${stderr}`),
              );
          }
        }, 10);
      });
    },
    async interrupt() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), waitMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

// The meter map of examples/modbus-register-map.ts and examples/modbus-simulator.ts.
const meterMap = registerLayout({
  voltage: 'float32',
  current: 'float32',
  power: 'float32',
  energy: 'uint64',
  serialNumber: { type: 'string', registers: 8 },
});

// Unit 1: plain registers and coils (modbus-read). Unit 2: the meter map (modbus-register-map).
const server = new ModbusServer({
  model: {
    holdingRegisters: [230, 50, 1200, 0xffff, 0, 7],
    coils: [true, false, false, true, false, false, false, true],
  },
  units: { 2: { holdingRegisters: 32 } },
});
meterMap.encodeInto(
  {
    voltage: 230.5,
    current: 4.25,
    power: 979.625,
    energy: 9_007_199_254_740_993n, // 2^53 + 1: only exact as a bigint
    serialNumber: 'ML-EXAMPLE-42',
  },
  server.modelOf(2)!.holdingRegisters,
);
let tcpUrl = '';
let rtuPort = 0;

// The DLMS meter of the dlms-* examples: the example meter with a frozen clock, served like
// `meterlink simulate` (client 1: LLS, password 12345678) with the wrapper and with HDLC.
const now = new Date('2024-06-15T12:00:00Z');
const dlms = new DlmsServer({
  logicalDevices: [{ address: 1, objects: exampleMeter({ now: () => now, seed: 5 }) }],
  associations: [{ client: 1, mechanism: 'lls', password: '12345678' }],
  clock: () => now,
});
let wrapperAddress = '';
let hdlcAddress = '';

beforeAll(async () => {
  // Inside the project, so the bundles' external packages resolve from its node_modules.
  await mkdir(join(root, '.tmp'), { recursive: true });
  dir = await mkdtemp(join(root, '.tmp', 'examples-test-'));
  await build({
    entryPoints: examples.map((name) => ({ in: join(root, 'examples', `${name}.ts`), out: name })),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [meterlinkFromSource],
    logLevel: 'silent',
  });
  for (const name of examples) scripts[name] = join(dir, `${name}.mjs`);

  const tcpListener: ModbusListener = await server.listen({ host: '127.0.0.1', port: 0 });
  // The same units as RTU frames over TCP: the "serial line" behind the gateway example.
  const rtuListener: ModbusListener = await server.listen({ host: '127.0.0.1', port: 0, framing: 'rtu' });
  closers.push(tcpListener.close, rtuListener.close);
  tcpUrl = `modbus+tcp://127.0.0.1:${tcpListener.port}`;
  rtuPort = rtuListener.port;
  const wrapper = await dlms.listen({ host: '127.0.0.1', port: 0, framing: 'wrapper' });
  const hdlc = await dlms.listen({ host: '127.0.0.1', port: 0, framing: 'hdlc' });
  closers.push(wrapper.close, hdlc.close, () => dlms.close());
  wrapperAddress = `127.0.0.1:${wrapper.port}`;
  hdlcAddress = `127.0.0.1:${hdlc.port}`;
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const close of closers) await close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

const expectedRead = [
  'Holding registers 0–5:',
  '      0    230  0x00E6',
  '      1     50  0x0032',
  '      2   1200  0x04B0',
  '      3  65535  0xFFFF',
  '      4      0  0x0000',
  '      5      7  0x0007',
  'Coils 0–7: on off off on off off off on',
].join('\n');

describe('examples/', () => {
  it('modbus-read prints holding registers and coils', async () => {
    const url = `${tcpUrl}?unit=1`;
    const result = await run('modbus-read', [url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Connected to ${url}\n${expectedRead}\n`);
  });

  it('modbus-read reports a refused connection with its code and exit code 1', async () => {
    const result = await run('modbus-read', ['modbus+tcp://127.0.0.1:1?unit=1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERR_LINK: /);
  });

  it('modbus-register-map prints the typed values of the map', async () => {
    const result = await run('modbus-register-map', [`${tcpUrl}?unit=2`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(holding registers 0–17)');
    expect(result.stdout).toMatch(/^ {2}Serial number {2}ML-EXAMPLE-42$/m);
    expect(result.stdout).toMatch(/^ {2}Voltage {8}230\.5 V$/m);
    expect(result.stdout).toMatch(/^ {2}Current {8}4\.25 A$/m);
    expect(result.stdout).toMatch(/^ {2}Power {10}979\.6 W$/m);
    expect(result.stdout).toMatch(/^ {2}Energy {9}9007199254740993 Wh$/m);
  });

  it('modbus-simulator serves the meter map, updates it, and stops on SIGINT', async () => {
    const simulator = start('modbus-simulator', ['0']);
    const [, port] = await simulator.waitFor(/on modbus\+tcp:\/\/127\.0\.0\.1:(\d+)\?unit=1/);
    const client = await ModbusClient.connect({
      link: tcp({ host: '127.0.0.1', port: Number(port) }),
      unitId: 1,
      timeoutMs: 2000,
    });
    try {
      const reading = await client.read(holdingBlock(0, meterMap));
      expect(reading.serialNumber).toBe('SIM-0001');
      expect(reading.voltage).toBeGreaterThanOrEqual(228);
      expect(reading.voltage).toBeLessThanOrEqual(232);
      expect(reading.energy).toBeGreaterThanOrEqual(1_234_567n);
      expect(await client.readCoils(0, 3)).toEqual([true, false, true]);
    } finally {
      await client.close();
    }
    const result = await simulator.interrupt();
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Simulator stopped\.\n$/);
  });

  it('modbus-gateway forwards Modbus/TCP requests to RTU (--target instead of a serial port)', async () => {
    const gateway = start('modbus-gateway', [
      '--target',
      `modbus+rtutcp://127.0.0.1:${rtuPort}?timeout=300`,
      '--port',
      '0',
    ]);
    const [, port] = await gateway.waitFor(/gateway on 127\.0\.0\.1:(\d+) → modbus\+rtutcp:/);
    // The read example, through the gateway: unit 1 becomes RTU address 1 behind it.
    const url = `modbus+tcp://127.0.0.1:${port}?unit=1`;
    const read = await run('modbus-read', [url]);
    expect(read.stderr).toBe('');
    expect(read.code).toBe(0);
    expect(read.stdout).toBe(`Connected to ${url}\n${expectedRead}\n`);
    // A unit no device answers behind the gateway: 0x0B from the gateway itself once the target's
    // 300 ms timeout passes (spec §11).
    const client = await ModbusClient.connect({
      link: tcp({ host: '127.0.0.1', port: Number(port) }),
      unitId: 9,
      timeoutMs: 3000,
    });
    try {
      await expect(client.readHoldingRegisters(0, 1)).rejects.toMatchObject({ exceptionCode: 0x0b });
    } finally {
      await client.close();
    }
    const result = await gateway.interrupt();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Gateway stopped\.\n$/);
  });

  it('dlms-read-register reads the clock and registers with units (wrapper and HDLC)', async () => {
    for (const args of [[wrapperAddress], [hdlcAddress, '--hdlc', '1.0.1.8.0.255', '1.0.14.7.0.255']]) {
      const result = await run('dlms-read-register', args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Meter clock {2}2024-06-15T12:00:00\.000Z$/m);
      expect(result.stdout).toMatch(/^1\.0\.1\.8\.0\.255 {3}\d+ Wh$/m);
    }
    const wrapper = await run('dlms-read-register', [wrapperAddress]);
    expect(wrapper.stdout).toMatch(/^1\.0\.32\.7\.0\.255 {2}2\d\d(\.\d)? V$/m);
  });

  it('dlms-read-register reports a wrong password with its code and exit code 1', async () => {
    const result = await run('dlms-read-register', [wrapperAddress], { METER_PASSWORD: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ERR_[A-Z_]+: /);
    expect(result.stderr).not.toContain('wrong');
  });

  it('dlms-profile-csv writes the last hours of the load profile as CSV', async () => {
    const result = await run('dlms-profile-csv', [wrapperAddress, '2']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('9 entries from 2024-06-15T10:00:00.000Z to 2024-06-15T12:00:00.000Z\n');
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    // Five quoted labels (they may hold commas), the first the clock's.
    expect(header).toMatch(/^"Clock time[^"]*"(,"[^"]+"){4}$/);
    expect(rows).toHaveLength(9);
    expect(rows[0]).toMatch(/^2024-06-15T10:00:00\.000Z(,\d+){4}$/);
    expect(rows[8]).toMatch(/^2024-06-15T12:00:00\.000Z(,\d+){4}$/);
  });

  it('dlms-push-listener receives the pushes of the simulated meter and stops', async () => {
    const result = await run('dlms-push-listener', ['0', '3']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Listening for pushes on 127\.0\.0\.1:\d+$/m);
    const pushes = result.stdout.match(
      /^Push from tcp:\/\/127\.0\.0\.1:\d+ \(\d{4}-[\d-]+T[\d:.]+Z\): \d+$/gm,
    );
    expect(pushes).toHaveLength(3);
    expect(result.stdout).toMatch(/Stopped after 3 pushes\.\n$/);
  });

  it('tunnel-meter reads a meter through the embedded broker and a gateway, then exits', async () => {
    const result = await run('tunnel-meter', []);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Through mqtt:\/\/127\.0\.0\.1:\d+, gateway gw-example, port p0:$/m);
    expect(result.stdout).toMatch(/^ {2}clock {3}\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    expect(result.stdout).toMatch(/^ {2}energy {2}\d+ Wh$/m);
  });
  it('fleet-read reads three simulated meters and reports the unreachable one', async () => {
    const result = await run('fleet-read', []);
    expect(result.code).toBe(0);
    const read =
      /^wrapper\+tcp:\/\/127\.0\.0\.1:\d+\?client=1&auth=lls {2}\d{4}-[\d-]+T[\d:.]+Z {2}\d+ Wh$/gm;
    expect(result.stdout.match(read)).toHaveLength(3);
    expect(result.stdout).toMatch(
      /^wrapper\+tcp:\/\/127\.0\.0\.1:1\?client=1&auth=lls {2}failed after 2 attempts: ERR_LINK$/m,
    );
    expect(result.stderr).toMatch(/progress: 4\/4 done, 1 failed\n$/);
  });
});
