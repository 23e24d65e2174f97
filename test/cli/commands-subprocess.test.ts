// Every command of `meterlink --help`, run as the built CLI (src/cli/main.ts bundled with esbuild,
// as test/cli/cli.test.ts does, so no `npm run build` is needed) under node: each command's --help,
// each client command once with --json against simulators of this process, the long-running ones
// (simulate, broker, gateway) used then stopped with SIGINT, and the error lines of every kind.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { ModbusServer } from '../../src/modbus/index.js';
import { decodeStatus, tunnelTopics } from '../../src/mqtt/protocol/index.js';
import { echoObis, meterServer, noteObis, now, password, sap } from '../dlms/e2e/helpers.js';
import { refused } from './running-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every command `meterlink --help` lists, in its order (the test fails when one is added untested). */
const names = [
  'read',
  'get',
  'set',
  'action',
  'objects',
  'profile',
  'clock',
  'clock set',
  'modbus read',
  'modbus write',
  'modbus info',
  'simulate',
  'gateway',
  'broker',
  'demo',
];

interface Run {
  /** Exit code; -1 when the process was killed (timed out). */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs at most `n` of the given tasks at a time (2 cores: many node processes at once only thrash). */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const slot = limiter(4);

let dir = '';
let script = '';
const env = { ...process.env, METERLINK_DEBUG: '', METERLINK_PASSWORD: '', NO_COLOR: '1' };

/** Runs the bundled CLI to its end; bounded (killed after 15 s). */
function cli(argv: readonly string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return slot(
    () =>
      new Promise((resolve) => {
        const started = Date.now();
        execFile(
          process.execPath,
          [script, ...argv],
          { timeout: 15_000, killSignal: 'SIGKILL', env: { ...env, ...extraEnv } },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
            resolve({ code, stdout, stderr, ms: Date.now() - started });
          },
        );
      }),
  );
}

/** Parses the one JSON document of a successful run. */
function json<T = Record<string, unknown>>(run: Run): T {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** Asserts a failed run: nothing on stdout, one `meterlink: <code>: …` line on stderr, the exit code. */
function expectError(run: Run, exitCode: number, errorCode: string): void {
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^meterlink: [A-Z_]+: [^\n]+\n$/);
  expect(run.stderr.startsWith(`meterlink: ${errorCode}: `)).toBe(true);
  expect(run.code).toBe(exitCode);
}

/** A long-running command (simulate, broker, gateway) in its own process. */
class Service {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(argv: readonly string[]) {
    this.child = spawn(process.execPath, [script, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    services.push(this);
  }

  /** The first top-level JSON document on stdout (an indented one ends with a `}` line), bounded. */
  async firstDocument<T>(timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /^\{[\s\S]*?\n\}\n/.exec(this.stdout);
      if (match !== null) return JSON.parse(match[0]) as T;
      if (this.child.exitCode !== null || this.stderr !== '' || Date.now() > deadline) {
        throw new Error(
          `no JSON document; stdout ${JSON.stringify(this.stdout)}, stderr ${JSON.stringify(this.stderr)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Ctrl-C: the exit code, how long the process took to end, and its last JSON document. */
  async interrupt<T>(): Promise<{ code: number | null; ms: number; last: T }> {
    const started = Date.now();
    this.child.kill('SIGINT');
    const { code } = await within(this.exited, 5000, `an exit after SIGINT: ${this.stdout}${this.stderr}`);
    const documents = this.stdout.split(/(?<=\n\}\n)(?=\{)/);
    return { code, ms: Date.now() - started, last: JSON.parse(documents.at(-1) ?? '') as T };
  }
}
const services: Service[] = [];

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// The simulators of this process: the example meter (plus test objects) on HDLC and the wrapper,
// and a Modbus server on TCP. A loopback port nobody listens on, for the unreachable host.
const meter = meterServer();
const modbus = new ModbusServer({
  model: { holdingRegisters: 100, coils: 32, discreteInputs: 8, inputRegisters: 8 },
});
const closers: (() => Promise<void>)[] = [];
let hdlcUrl = '';
let wrapperUrl = '';
let modbusUrl = '';
let closedPort = 0;

beforeAll(async () => {
  await mkdir(join(root, '.tmp'), { recursive: true });
  dir = await mkdtemp(join(root, '.tmp', 'cli-commands-test-'));
  script = join(dir, 'main.js');
  const bundled = build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  const hdlc = await meter.server.listen({ port: 0, host: '127.0.0.1', framing: 'hdlc' });
  const wrapper = await meter.server.listen({ port: 0, host: '127.0.0.1', framing: 'wrapper' });
  const tcp = await modbus.listen({ host: '127.0.0.1', port: 0 });
  closers.push(hdlc.close, wrapper.close, tcp.close);
  hdlcUrl = `hdlc+tcp://127.0.0.1:${hdlc.port}?client=${sap.lls}&physical=17`;
  wrapperUrl = `wrapper+tcp://127.0.0.1:${wrapper.port}?client=${sap.lls}`;
  modbusUrl = `modbus+tcp://127.0.0.1:${tcp.port}?unit=1`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await bundled;
}, 30_000);

afterAll(async () => {
  for (const service of services) {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  }
  for (const close of closers) await close();
  await meter.server.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('meterlink --help and <command> --help, run with node', () => {
  it('lists every command; each one prints its synopsis and examples', { timeout: 20_000 }, async () => {
    expect(commands.map((c) => c.name)).toEqual(names);
    const [global, ...each] = await Promise.all([
      cli(['--help']),
      ...commands.map((c) => cli([...c.name.split(' '), '--help'])),
    ]);
    expect(global?.code).toBe(0);
    const listed = global?.stdout.split('\nCommands\n')[1]?.split('\n\n')[0] ?? '';
    const lines = listed.split('\n').map((line) => line.trim());
    expect(lines).toHaveLength(commands.length + 1);
    expect(lines.at(-1)).toMatch(/^help \[command\]\s+Show/);
    commands.forEach((command, i) => {
      expect(lines[i]?.startsWith(`${command.name} ${command.synopsis}`.trim())).toBe(true);
      expect(lines[i]?.endsWith(`  ${command.summary}`)).toBe(true);
    });
    commands.forEach((command, i) => {
      const run = each[i]!;
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(
        run.stdout.startsWith(`Usage: meterlink ${`${command.name} ${command.synopsis}`.trim()} [options]\n`),
      ).toBe(true);
      const examples = run.stdout.split('\nExamples\n')[1]?.split('\n') ?? [];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples.filter((line) => line !== '')) {
        expect(example).toMatch(new RegExp(`^  (\\S+=\\S+ )?meterlink ${command.name}( |$)`));
      }
    });
  });
});

describe('the client commands with --json against simulators', () => {
  it('read (HDLC and wrapper, and --fleet), objects, profile', { timeout: 20_000 }, async () => {
    const fleet = join(dir, 'meters.csv');
    await writeFile(fleet, `id,url\nm-hdlc,${hdlcUrl}\nm-wrapper,${wrapperUrl}\n`);
    const auth = ['--password', password];
    const [hdlc, wrapper, fleetRun, objects, profile] = await Promise.all([
      cli(['read', hdlcUrl, '1.0.1.8.0.255', '1-0:32.7.0', '0.0.1.0.0.255', ...auth, '--json']),
      cli(['read', wrapperUrl, '1.0.1.8.0.255', '--auth', 'lls', '--json'], { METERLINK_PASSWORD: password }),
      cli(['read', '--fleet', fleet, '1.0.1.8.0.255', ...auth, '--json']),
      cli(['objects', hdlcUrl, ...auth, '--json']),
      cli(['profile', wrapperUrl, '--entries', '1-3', ...auth, '--json']),
    ]);

    type Values = { values: { obis: string; classId: number; value: unknown; unit: string }[] };
    const read = json<Values>(hdlc);
    expect(read.values.map((v) => [v.obis, v.classId, v.unit])).toEqual([
      ['1.0.1.8.0.255', 3, 'Wh'],
      ['1.0.32.7.0.255', 3, 'V'],
      ['0.0.1.0.0.255', 8, ''],
    ]);
    expect(read.values[0]?.value).toEqual(expect.any(Number));
    expect(read.values[1]?.value).toBeGreaterThan(200);
    expect(read.values[1]?.value).toBeLessThan(260);
    expect(Date.parse(String(read.values[2]?.value))).toBe(now.getTime());
    // The same meter over the other framing gives the same (frozen-clock) energy.
    expect(json<Values>(wrapper).values[0]?.value).toBe(read.values[0]?.value);

    expect(fleetRun.stderr).toBe('');
    expect(fleetRun.code).toBe(0);
    const lines = fleetRun.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id?: string; ok?: boolean; values?: { value: unknown }[] });
    expect(lines.filter((l) => l.id !== undefined).map((l) => [l.id, l.ok, l.values?.[0]?.value])).toEqual(
      expect.arrayContaining([
        ['m-hdlc', true, read.values[0]?.value],
        ['m-wrapper', true, read.values[0]?.value],
      ]),
    );
    expect(lines.at(-1)).toEqual({ summary: { meters: 2, ok: 2, failed: 0 } });

    type ObjectList = { objects: { obis: string; classId: number; access: { methods: unknown[] } }[] };
    const list = json<ObjectList>(objects).objects;
    expect(list.find((o) => o.obis === '0.0.96.3.10.255')).toMatchObject({ classId: 70 });
    expect(list.find((o) => o.obis === '1.0.99.1.0.255')?.classId).toBe(7);
    expect(list.length).toBeGreaterThan(30);

    const table = json<{ obis: string; columns: { label: string; unit: string }[]; rows: unknown[][] }>(
      profile,
    );
    expect(table.obis).toBe('1.0.99.1.0.255');
    expect(table.columns[0]?.label).toBe('Clock time');
    expect(table.columns.some((c) => c.unit === 'Wh')).toBe(true);
    expect(table.rows).toHaveLength(3);
    for (const row of table.rows) {
      expect(row).toHaveLength(table.columns.length);
      expect(Date.parse(String(row[0]))).toBeLessThan(now.getTime());
    }
  });

  it('set then get, action then get, clock set then clock', { timeout: 20_000 }, async () => {
    const auth = ['--password', password, '--json'];
    const [before, set, disconnect, echo, clockSet] = await Promise.all([
      cli(['get', hdlcUrl, '1', noteObis, '2', ...auth]),
      cli(['set', wrapperUrl, '1', noteObis, '2', 'u16:4242', ...auth]).then(async (run) => [
        run,
        await cli(['get', wrapperUrl, '1', noteObis, '2', ...auth]),
      ]),
      cli(['action', hdlcUrl, '70', '0.0.96.3.10.255', '1', 'integer:0', ...auth]).then(async (run) => [
        run,
        await cli(['get', hdlcUrl, '70', '0.0.96.3.10.255', '2', ...auth]),
      ]),
      cli(['action', wrapperUrl, '1', echoObis, '1', 'visible-string:hello', ...auth]),
      cli(['clock', 'set', hdlcUrl, '2025-01-02T03:04:05Z', ...auth]).then(async (run) => [
        run,
        await cli(['clock', hdlcUrl, ...auth]),
      ]),
    ]);

    expect(json(before)).toMatchObject({ classId: 1, obis: noteObis, attribute: 2 });
    const [setRun, after] = set as Run[];
    expect(json(setRun!)).toMatchObject({
      obis: noteObis,
      attribute: 2,
      value: { type: 'long-unsigned', value: 4242 },
    });
    expect(json(after!).value).toEqual({ type: 'long-unsigned', value: 4242 });

    const [actionRun, outputState] = disconnect as Run[];
    expect(json(actionRun!)).toMatchObject({
      classId: 70,
      method: 1,
      parameter: { type: 'integer', value: 0 },
      returned: null,
    });
    expect(json(outputState!).value).toEqual({ type: 'boolean', value: false });
    expect(json(echo)).toMatchObject({
      returned: { type: 'visible-string', value: 'hello' },
    });

    const [setClock, readClock] = clockSet as Run[];
    expect(json(setClock!)).toMatchObject({ set: '2025-01-02T03:04:05Z', time: '2025-01-02T03:04:05Z' });
    expect(json(readClock!).time).toBe('2025-01-02T03:04:05Z');
  });

  it('modbus write then read, and modbus info', { timeout: 15_000 }, async () => {
    modbus.model.holdingRegisters.fill(0);
    modbus.model.coils.fill(0);
    const [registers, coils, info] = await Promise.all([
      cli(['modbus', 'write', modbusUrl, 'holding', '10', '230.5', '--type', 'float32', '--json']).then(
        async (run) => [
          run,
          await cli(['modbus', 'read', modbusUrl, 'holding', '10', '--type', 'float32', '--json']),
        ],
      ),
      cli(['modbus', 'write', modbusUrl, 'coils', '3', 'on', 'off', 'on', '--json']).then(async (run) => [
        run,
        await cli(['modbus', 'read', modbusUrl, 'coils', '2', '5', '--json']),
      ]),
      cli(['modbus', 'info', modbusUrl, '--json']),
    ]);

    const [write, read] = registers as Run[];
    expect(json(write!)).toMatchObject({ table: 'holding-registers', address: 10, functionCode: 16 });
    expect(Array.from(modbus.model.holdingRegisters.subarray(10, 12))).toEqual([0x4366, 0x8000]);
    expect(json(read!)).toMatchObject({ values: [230.5], registers: [0x4366, 0x8000] });

    const [writeCoils, readCoils] = coils as Run[];
    expect(json(writeCoils!)).toMatchObject({ table: 'coils', address: 3, functionCode: 15 });
    expect(json(readCoils!)).toMatchObject({ table: 'coils', values: [false, true, false, true, false] });

    expect(json(info)).toMatchObject({
      vendorName: 'meterlink',
      productCode: 'ML-SIM',
      majorMinorRevision: '0.1',
    });
  });

  it('demo --json reads every simulated device', { timeout: 20_000 }, async () => {
    const doc = json<{ devices: { readings: unknown[] }[] }>(await cli(['demo', '--json']));
    expect(doc.devices.length).toBeGreaterThanOrEqual(3);
    for (const device of doc.devices) expect(device.readings.length).toBeGreaterThan(0);
  });
});

describe('the long-running commands as processes, stopped with SIGINT', () => {
  it('simulate --port 0 serves a DLMS read, then stops and frees the port', { timeout: 20_000 }, async () => {
    const simulate = new Service(['simulate', '--port', '0', '--json']);
    const { listening } = await simulate.firstDocument<{ listening: { port: number; framing: string } }>();
    expect(listening.framing).toBe('wrapper');
    const url = `wrapper+tcp://127.0.0.1:${listening.port}?client=1`;
    const doc = json<{ values: { value: unknown; unit: string }[] }>(
      await cli(['read', url, '1.0.1.8.0.255', '--password', '12345678', '--json']),
    );
    expect(doc.values[0]).toMatchObject({ value: expect.any(Number), unit: 'Wh' });

    const stopped = await simulate.interrupt<{ stopped: boolean; associations: number }>();
    expect(stopped.code).toBe(0);
    expect(simulate.stderr).toBe('');
    expect(stopped.last).toMatchObject({ stopped: true, associations: 1 });
    // Ended by itself, not by the CLI's 2 s guard against lingering handles.
    expect(stopped.ms).toBeLessThan(1900);
    expect(await refused(listening.port)).toBe(true);
  });

  it('broker and gateway: an MQTT client, a tunnel read through the gateway', {
    timeout: 25_000,
  }, async () => {
    const broker = new Service(['broker', '--port', '0', '--json']);
    const simulate = new Service(['simulate', '--framing', 'hdlc', '--port', '0', '--json']);
    const [{ listening: mqttAt }, { listening: meterAt }] = await Promise.all([
      broker.firstDocument<{ listening: { port: number; url: string } }>(),
      simulate.firstDocument<{ listening: { port: number } }>(),
    ]);
    expect(mqttAt.url).toBe(`mqtt://127.0.0.1:${mqttAt.port}`);

    const config = join(dir, 'gateway.json');
    await writeFile(
      config,
      JSON.stringify({
        id: 'gw-proc',
        broker: mqttAt.url,
        ports: [{ id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: meterAt.port } } }],
      }),
    );
    const gateway = new Service(['gateway', config, '--json']);
    const started = await gateway.firstDocument<{
      gateway: { id: string; status: string };
      ports: unknown[];
    }>();
    expect(started.gateway).toMatchObject({ id: 'gw-proc', status: tunnelTopics().status('gw-proc') });
    expect(started.ports).toHaveLength(1);

    // An MQTT client of our own sees the gateway's retained status on the broker process.
    const client = await mqtt.connectAsync(mqttAt.url, { reconnectPeriod: 0, connectTimeout: 3000 });
    const status = new Promise<string>((resolve) =>
      client.on('message', (_topic, payload) => resolve(decodeStatus(payload).state)),
    );
    try {
      await client.subscribeAsync(tunnelTopics().status('gw-proc'), { qos: 1 });
      expect(await within(status, 3000, 'retained status')).toBe('online');
    } finally {
      await client.endAsync(true);
    }

    const tunnel = `hdlc+mqtt://127.0.0.1:${mqttAt.port}/gw-proc/p0?client=1`;
    const read = json<{ values: { obis: string; value: unknown; unit: string }[] }>(
      await cli(['read', tunnel, '1.0.1.8.0.255', '--password', '12345678', '--timeout', '5000', '--json']),
    );
    expect(read.values[0]).toMatchObject({ obis: '1.0.1.8.0.255', value: expect.any(Number), unit: 'Wh' });

    const gatewayStopped = await gateway.interrupt<{ stopped: boolean; leases: number }>();
    const [brokerStopped, simulateStopped] = await Promise.all([
      broker.interrupt<{ stopped: boolean }>(),
      simulate.interrupt<{ stopped: boolean; associations: number }>(),
    ]);
    for (const [service, stopped] of [
      [gateway, gatewayStopped],
      [broker, brokerStopped],
      [simulate, simulateStopped],
    ] as const) {
      expect(service.stderr).toBe('');
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(1900);
      expect(stopped.last).toMatchObject({ stopped: true });
    }
    expect(gatewayStopped.last).toMatchObject({ leases: 1 });
    expect(simulateStopped.last).toMatchObject({ associations: 1 });
    expect(await refused(mqttAt.port)).toBe(true);
    expect(await refused(meterAt.port)).toBe(true);
  });
});

describe('errors: one stderr line, the right code and exit code', () => {
  /** Operands of each client command around its URL. */
  const dlmsCommands: [string[], string[]][] = [
    [['read'], ['1.0.1.8.0.255']],
    [['get'], ['1', noteObis, '2']],
    [['set'], ['1', noteObis, '2', 'u16:1']],
    [['action'], ['70', '0.0.96.3.10.255', '2', 'integer:0']],
    [['objects'], []],
    [['profile'], ['--entries', '1-2']],
    [['clock'], []],
    [['clock', 'set'], ['now']],
  ];
  const modbusCommands: [string[], string[]][] = [
    [
      ['modbus', 'read'],
      ['holding', '0'],
    ],
    [
      ['modbus', 'write'],
      ['holding', '0', '1'],
    ],
    [['modbus', 'info'], []],
  ];

  it('a bad URL: exit 2, ERR_INVALID_URL naming the problem', { timeout: 20_000 }, async () => {
    const runs = await Promise.all([
      ...dlmsCommands.map(([words, rest]) => cli([...words, 'hdlc+tcp://h?client=200', ...rest])),
      ...modbusCommands.map(([words, rest]) => cli([...words, 'modbus+tcp://h?unit=300', ...rest])),
      cli(['read', 'ftp://meter.example/x', '1.0.1.8.0.255']),
    ]);
    runs.forEach((run, i) => {
      expectError(run, 2, 'ERR_INVALID_URL');
      if (i < dlmsCommands.length) expect(run.stderr).toContain('client=200');
      else if (i < runs.length - 1) expect(run.stderr).toContain('unit=300');
    });
  });

  it('a wrong password: exit 1, ERR_DLMS_ASSOCIATION, the password not echoed', {
    timeout: 20_000,
  }, async () => {
    const secret = 'Wr0ngS3cret';
    const runs = await Promise.all([
      ...dlmsCommands.map(([words, rest], i) =>
        i % 2 === 0
          ? cli([...words, hdlcUrl, ...rest, '--password', secret])
          : cli([...words, wrapperUrl, ...rest, '--auth', 'lls', '--json'], { METERLINK_PASSWORD: secret }),
      ),
    ]);
    for (const run of runs) {
      expectError(run, 1, 'ERR_DLMS_ASSOCIATION');
      expect(run.stderr).not.toContain(secret);
    }
  });

  it('an unreachable host (a closed port): exit 1, ERR_LINK, bounded by --timeout', {
    timeout: 20_000,
  }, async () => {
    const runs = await Promise.all([
      ...dlmsCommands.map(([words, rest], i) =>
        cli([
          ...words,
          `${i % 2 === 0 ? 'hdlc' : 'wrapper'}+tcp://127.0.0.1:${closedPort}?client=1`,
          ...rest,
          '--password',
          password,
          '--timeout',
          '1500',
        ]),
      ),
      ...modbusCommands.map(([words, rest]) =>
        cli([...words, `modbus+tcp://127.0.0.1:${closedPort}`, ...rest, '--timeout', '1500', '--json']),
      ),
    ]);
    for (const run of runs) {
      expectError(run, 1, 'ERR_LINK');
      expect(run.stderr).toContain(String(closedPort));
      expect(run.stderr).not.toContain(password);
      expect(run.ms).toBeLessThan(1500 + 5000);
    }
  });

  it('a malformed key: exit 2, ERR_INVALID_ARGUMENT naming the flag, not the value', {
    timeout: 20_000,
  }, async () => {
    const bad = 'C0FFEE-not-a-key';
    const good = '000102030405060708090A0B0C0D0E0F';
    const hls = (key: string, value: string): string[] => ['--auth', 'hls-gmac', `--${key}`, value];
    const cases: [Promise<Run>, string][] = dlmsCommands.map(([words, rest], i) => {
      const flag = ['auth-key', 'enc-key', 'system-title'][i % 3]!;
      const others = ['auth-key', 'enc-key'].filter((k) => k !== flag).flatMap((k) => [`--${k}`, good]);
      return [cli([...words, hdlcUrl, ...rest, ...hls(flag, bad), ...others]), `--${flag}`];
    });
    cases.push([
      cli(['read', wrapperUrl, '1.0.1.8.0.255', '--auth', 'hls-gmac', '--auth-key', good], {
        METERLINK_ENC_KEY: bad,
      }),
      'METERLINK_ENC_KEY',
    ]);
    const runs = await Promise.all(cases.map(([run]) => run));
    runs.forEach((run, i) => {
      expectError(run, 2, 'ERR_INVALID_ARGUMENT');
      expect(run.stderr).toContain(cases[i]![1]);
      expect(run.stderr).not.toContain(bad);
      expect(run.stderr).not.toContain(good);
    });
  });

  it('an unknown flag on every command: exit 2, ERR_USAGE naming it', { timeout: 20_000 }, async () => {
    const runs = await Promise.all(commands.map((c) => cli([...c.name.split(' '), '--no-such-flag', 'x'])));
    for (const run of runs) {
      expectError(run, 2, 'ERR_USAGE');
      expect(run.stderr).toContain("'--no-such-flag'");
    }
    // A flag of another command is refused as well, and its value (a password) not echoed.
    const other = await cli(['modbus', 'read', modbusUrl, 'holding', '0', '--password', 'S3cretPw']);
    expectError(other, 2, 'ERR_USAGE');
    expect(other.stderr).toContain('--password');
    expect(other.stderr).not.toContain('S3cretPw');
  });
});
