import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { describeError } from '../../src/cli/output.js';
import { LinkError } from '../../src/index.js';
import { encodeValue, type ModbusRequest, ModbusServer } from '../../src/modbus/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process and collects what it prints. */
async function cli(
  argv: readonly string[],
  options: { env?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { code, stdout, stderr };
}

/** Asserts a failed run: nothing on stdout, exactly one `meterlink: <code>: …` line on stderr. */
function expectFailure(run: Run, exitCode: number, errorCode: string, ...fragments: string[]): void {
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^meterlink: [A-Z_]+: [^\n]+\n$/);
  expect(run.stderr.startsWith(`meterlink: ${errorCode}: `)).toBe(true);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  for (const fragment of fragments) expect(run.stderr).toContain(fragment);
  expect(run.code).toBe(exitCode);
}

/** Parses stdout as JSON after checking the run succeeded. */
function json(run: Run): Record<string, unknown> {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

// One server on Modbus/TCP and one RTU-over-TCP listener, same model; reset before each test.
const server = new ModbusServer({
  model: { holdingRegisters: 300, coils: 64, discreteInputs: 16, inputRegisters: 16 },
});
const requests: ModbusRequest[] = [];
server.on('request', (request) => requests.push(request));
let tcpUrl = '';
let rtuUrl = '';
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const tcp = await server.listen({ host: '127.0.0.1', port: 0 });
  const rtu = await server.listen({ host: '127.0.0.1', port: 0, framing: 'rtu' });
  closers.push(tcp.close, rtu.close);
  tcpUrl = `modbus+tcp://127.0.0.1:${tcp.port}?unit=1`;
  rtuUrl = `modbus+rtutcp://127.0.0.1:${rtu.port}?unit=1`;
});

afterAll(async () => {
  for (const close of closers) await close();
});

beforeEach(() => {
  const { model } = server;
  model.holdingRegisters.fill(0);
  model.holdingRegisters.set([230, 0xffff, 3, 4]);
  model.holdingRegisters.set(encodeValue('float32', 230.1), 10); // 0x4366 0x199A
  model.holdingRegisters.set(encodeValue('float32', 49.98, { order: 'CDAB' }), 12);
  model.holdingRegisters.set(encodeValue('uint64', 0xfedcba9876543210n), 20);
  model.holdingRegisters.set(encodeValue({ type: 'string', registers: 4 }, 'Modbus!'), 30);
  for (let i = 0; i < 150; i++) model.holdingRegisters[100 + i] = i;
  model.coils.fill(0);
  model.coils.set([1, 0, 1, 1]);
  model.discreteInputs.fill(0);
  model.discreteInputs.set([0, 1]);
  model.inputRegisters.fill(0);
  model.inputRegisters.set([7, 8, 9]);
  requests.length = 0;
});

/** A TCP server that accepts and never answers (for timeouts). */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        silent.close(() => resolve());
      }),
  );
  return (silent.address() as { port: number }).port;
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('help and version', () => {
  it('--help lists every command with a one-line description', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const run = await cli(argv);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      for (const line of [
        /modbus read <url> <table> <address> \[count\]\s+Read /,
        /modbus write <url> <table> <address> <values\.\.\.>\s+Write /,
        /modbus info <url>\s+Read the device identification/,
        /demo\s+Run simulated energy meters/,
        /help \[command\]\s+Show/,
      ]) {
        expect(run.stdout).toMatch(line);
      }
      expect(run.stdout).toContain('--json');
      expect(run.stdout).toContain('modbus+rtutcp://');
    }
  });

  it.each([['modbus', 'read'], ['modbus', 'write'], ['modbus', 'info'], ['demo']])(
    'meterlink %s %s --help prints usage with an example',
    async (...words) => {
      const command = words.filter((w) => w !== undefined).join(' ');
      for (const argv of [
        [...command.split(' '), '--help'],
        ['help', ...command.split(' ')],
      ]) {
        const run = await cli(argv);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^Usage: meterlink ${command}`));
        expect(run.stdout).toContain('Examples');
        expect(run.stdout).toContain(`  meterlink ${command}`);
      }
    },
  );

  it('meterlink modbus --help lists the modbus commands', async () => {
    const run = await cli(['modbus', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('meterlink modbus read <url>');
    expect(run.stdout).toContain('meterlink modbus info <url>');
  });

  it('--help wins over everything else on the line', async () => {
    const run = await cli(['modbus', 'read', 'not-a-url', 'nowhere', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: meterlink modbus read/);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await cli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('modbus read', () => {
  it('reads one holding register by default, as a table of address, value and hex', async () => {
    const run = await cli(['modbus', 'read', tcpUrl, 'holding', '0']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${tcpUrl}  holding-registers 0\naddress  value  hex\n      0    230  0x00E6\n`);
  });

  it('reads a range', async () => {
    const run = await cli(['modbus', 'read', tcpUrl, 'holding-registers', '0', '4']);
    expect(run.stdout).toContain('holding-registers 0–3');
    expect(run.stdout).toMatch(/^\s+1\s+65535\s+0xFFFF$/m);
    expect(run.stdout).toMatch(/^\s+3\s+4\s+0x0004$/m);
  });

  it('--json prints one document', async () => {
    const doc = json(await cli(['modbus', 'read', tcpUrl, 'holding', '0', '4', '--json']));
    expect(doc).toEqual({
      url: tcpUrl,
      table: 'holding-registers',
      address: 0,
      count: 4,
      values: [230, 65535, 3, 4],
    });
  });

  it.each([
    ['coils', 'coils', [true, false, true, true]],
    ['inputs', 'discrete-inputs', [false, true, false, false]],
    ['discrete-inputs', 'discrete-inputs', [false, true, false, false]],
  ])('%s → %s as booleans', async (alias, table, values) => {
    const doc = json(await cli(['modbus', 'read', tcpUrl, alias, '0', '4', '--json']));
    expect(doc).toMatchObject({ table, values });
    const text = await cli(['modbus', 'read', tcpUrl, alias, '0', '2']);
    expect(text.stdout).toMatch(/address\s+value\s+state/);
    expect(text.stdout).toMatch(/^\s+0\s+[01]\s+(on|off)$/m);
  });

  it.each(['input', 'input-registers'])('%s reads input registers (0x hex address)', async (alias) => {
    const doc = json(await cli(['modbus', 'read', tcpUrl, alias, '0x1', '2', '--json']));
    expect(doc).toMatchObject({ table: 'input-registers', address: 1, values: [8, 9] });
  });

  it('--type float32 decodes values (shortest float32 text)', async () => {
    const doc = json(await cli(['modbus', 'read', tcpUrl, 'holding', '10', '--type', 'float32', '--json']));
    expect(doc).toEqual({
      url: tcpUrl,
      table: 'holding-registers',
      address: 10,
      count: 1,
      type: 'float32',
      order: 'ABCD',
      values: [230.1],
      registers: [0x4366, 0x199a],
    });
    const text = await cli(['modbus', 'read', tcpUrl, 'holding', '10', '--type', 'float32']);
    expect(text.stdout).toMatch(/^\s+10\s+230\.1\s+0x4366 0x199A$/m);
  });

  it('--order CDAB (any case, --flag=value form)', async () => {
    const doc = json(
      await cli(['modbus', 'read', tcpUrl, 'holding', '12', '--type=float32', '--order=cdab', '--json']),
    );
    expect(doc).toMatchObject({ order: 'CDAB', values: [49.98] });
  });

  it('count counts values: two float32 are four registers', async () => {
    const doc = json(
      await cli(['modbus', 'read', tcpUrl, 'holding', '10', '2', '--type', 'float32', '--json']),
    );
    expect(doc.registers).toHaveLength(4);
    expect(doc.values).toHaveLength(2);
  });

  it('64-bit values come out as decimal strings in JSON', async () => {
    const doc = json(await cli(['modbus', 'read', tcpUrl, 'holding', '20', '--type', 'uint64', '--json']));
    expect(doc.values).toEqual(['18364758544493064720']);
  });

  it('--type int16 and uint16 with byte swap', async () => {
    expect(
      json(await cli(['modbus', 'read', tcpUrl, 'holding', '1', '--type', 'int16', '--json'])).values,
    ).toEqual([-1]);
    expect(
      json(
        await cli([
          'modbus',
          'read',
          tcpUrl,
          'holding',
          '0',
          '--type',
          'uint16',
          '--order',
          'BADC',
          '--json',
        ]),
      ).values,
    ).toEqual([0xe600]);
  });

  it('--type string reads count registers as one text', async () => {
    const doc = json(
      await cli(['modbus', 'read', tcpUrl, 'holding', '30', '4', '--type', 'string', '--json']),
    );
    expect(doc.values).toEqual(['Modbus!']);
    const text = await cli(['modbus', 'read', tcpUrl, 'holding', '30', '4', '--type', 'string']);
    expect(text.stdout).toContain('"Modbus!"');
  });

  it('splits reads longer than one request allows (150 registers: 125 + 25)', async () => {
    const doc = json(await cli(['modbus', 'read', tcpUrl, 'holding', '100', '150', '--json']));
    expect(doc.values).toEqual(Array.from({ length: 150 }, (_, i) => i));
    const reads = requests.filter((r) => r.type === 'read-holding-registers');
    expect(reads.map((r) => (r as { quantity: number }).quantity)).toEqual([125, 25]);
  });

  it('over RTU over TCP, with --unit, --timeout and --retries', async () => {
    const doc = json(
      await cli([
        'modbus',
        'read',
        rtuUrl,
        'holding',
        '0',
        '2',
        '--unit',
        '1',
        '--timeout',
        '500',
        '--retries',
        '1',
        '--json',
      ]),
    );
    expect(doc.values).toEqual([230, 65535]);
  });

  it('an exception response → ERR_MODBUS_EXCEPTION, exit 1', async () => {
    expectFailure(
      await cli(['modbus', 'read', tcpUrl, 'holding', '299', '2']),
      1,
      'ERR_MODBUS_EXCEPTION',
      'ILLEGAL DATA ADDRESS',
    );
  });

  it('a silent device → ERR_TIMEOUT after --timeout, exit 1', async () => {
    const port = await silentServer();
    const started = Date.now();
    expectFailure(
      await cli(['modbus', 'read', `modbus+tcp://127.0.0.1:${port}`, 'holding', '0', '--timeout', '100']),
      1,
      'ERR_TIMEOUT',
      'no answer within 100 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('modbus write', () => {
  it('one register with FC6, then read back', async () => {
    const run = await cli(['modbus', 'write', tcpUrl, 'holding', '5', '1234']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote 1 holding register (FC6)');
    expect(run.stdout).toMatch(/^\s+5\s+1234\s+0x04D2$/m);
    expect(server.model.holdingRegisters[5]).toBe(1234);
    expect(requests.at(-1)?.type).toBe('write-single-register');
  });

  it('several registers with FC16 (decimal and hex), --json', async () => {
    const doc = json(
      await cli(['modbus', 'write', tcpUrl, 'holding-registers', '40', '1', '0x10', '65535', '--json']),
    );
    expect(doc).toEqual({
      url: tcpUrl,
      table: 'holding-registers',
      address: 40,
      functionCode: 16,
      values: [1, 16, 65535],
    });
    expect([...server.model.holdingRegisters.subarray(40, 43)]).toEqual([1, 16, 65535]);
  });

  it('--multiple forces FC16 for one register', async () => {
    const doc = json(await cli(['modbus', 'write', tcpUrl, 'holding', '7', '9', '--multiple', '--json']));
    expect(doc.functionCode).toBe(16);
    expect(requests.at(-1)?.type).toBe('write-multiple-registers');
  });

  it('typed values: float32 CDAB, int16, uint64, string', async () => {
    const f = json(
      await cli([
        'modbus',
        'write',
        tcpUrl,
        'holding',
        '50',
        '-1.5',
        '230.25',
        '--type',
        'float32',
        '--order',
        'CDAB',
        '--json',
      ]),
    );
    expect(f).toMatchObject({ functionCode: 16, type: 'float32', order: 'CDAB', values: [-1.5, 230.25] });
    expect([...server.model.holdingRegisters.subarray(50, 54)]).toEqual([
      ...encodeValue('float32', -1.5, { order: 'CDAB' }),
      ...encodeValue('float32', 230.25, { order: 'CDAB' }),
    ]);
    const back = json(
      await cli([
        'modbus',
        'read',
        tcpUrl,
        'holding',
        '50',
        '2',
        '--type',
        'float32',
        '--order',
        'CDAB',
        '--json',
      ]),
    );
    expect(back.values).toEqual([-1.5, 230.25]);

    const i = json(
      await cli(['modbus', 'write', tcpUrl, 'holding', '60', '-2', '--type', 'int16', '--json']),
    );
    expect(i).toMatchObject({ functionCode: 6, values: [-2], registers: [0xfffe] });

    const big = json(
      await cli([
        'modbus',
        'write',
        tcpUrl,
        'holding',
        '61',
        '18446744073709551615',
        '--type',
        'uint64',
        '--json',
      ]),
    );
    expect(big).toMatchObject({
      values: ['18446744073709551615'],
      registers: [0xffff, 0xffff, 0xffff, 0xffff],
    });

    const text = await cli(['modbus', 'write', tcpUrl, 'holding', '70', 'ABC', '--type', 'string']);
    expect(text.stdout).toContain('"ABC" as string ABCD');
    expect([...server.model.holdingRegisters.subarray(70, 72)]).toEqual([0x4142, 0x4300]);
  });

  it.each([
    [['on'], 5, [1]],
    [['1', '0', 'true', 'false', 'ON', 'off'], 15, [1, 0, 1, 0, 1, 0]],
  ])('coils %j with FC%i', async (values, functionCode, expected) => {
    const doc = json(await cli(['modbus', 'write', tcpUrl, 'coils', '10', ...values, '--json']));
    expect(doc).toMatchObject({ table: 'coils', address: 10, functionCode });
    expect([...server.model.coils.subarray(10, 10 + expected.length)]).toEqual(expected);
    const text = await cli(['modbus', 'write', tcpUrl, 'coils', '10', ...values]);
    expect(text.stdout).toContain(`(FC${functionCode})`);
  });

  it.each([
    [['holding', '0', 'abc'], "'abc'"],
    [['holding', '0', '65536'], 'register value must be an integer 0–65535'],
    [['holding', '0', '-3'], 'add --type int16'],
    [['holding', '0', '40000', '--type', 'int16'], "'40000' is not an integer -32768–32767"],
    [['holding', '0', 'x', '--type', 'float32'], "'x' is not a number"],
    [['holding', '0', '1e999', '--type', 'float64'], 'is not a number'],
    [['holding', '0', '-1', '--type', 'uint64'], "'-1' is not an integer 0–18446744073709551615"],
    [['holding', '0', 'a', 'b', '--type', 'string'], 'exactly one value'],
    [['coils', '0', 'maybe'], "coil value 'maybe'"],
    [['coils', '0', '1', '--type', 'uint16'], '--type applies to registers'],
    [['input', '0', '1'], 'input-registers are read-only'],
    [['inputs', '0', '1'], 'discrete-inputs are read-only'],
    [['holding', '0'], 'missing <values...>'],
    [['holding', '65535', '1', '2'], 'past address 65535'],
    [['holding', '65536', '1'], '<address> must be an integer 0–65535'],
  ])('bad values %j → usage error, nothing written', async (rest, fragment) => {
    expectFailure(
      await cli(['modbus', 'write', tcpUrl, ...rest]),
      2,
      'ERR_USAGE',
      fragment,
      "see 'meterlink modbus write --help'",
    );
    expect(requests).toEqual([]);
  });
});

describe('modbus info', () => {
  it('prints the identification objects', async () => {
    const run = await cli(['modbus', 'info', tcpUrl]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('conformity level 0x');
    expect(run.stdout).toMatch(/0x00\s+VendorName\s+meterlink/);
    expect(run.stdout).toMatch(/0x01\s+ProductCode\s+ML-SIM/);
  });

  it('--json, over RTU over TCP', async () => {
    const doc = json(await cli(['modbus', 'info', rtuUrl, '--json']));
    expect(doc).toMatchObject({
      url: rtuUrl,
      vendorName: 'meterlink',
      productCode: 'ML-SIM',
      majorMinorRevision: '0.1',
    });
    expect(doc.objects).toContainEqual({ id: 0, name: 'VendorName', value: 'meterlink' });
  });

  it('--category basic reads objects 0–2 only', async () => {
    const doc = json(await cli(['modbus', 'info', tcpUrl, '--category', 'basic', '--json']));
    expect((doc.objects as { id: number }[]).map((o) => o.id)).toEqual([0, 1, 2]);
  });

  it('rejects an unknown category and extra arguments', async () => {
    expectFailure(
      await cli(['modbus', 'info', tcpUrl, '--category', 'all']),
      2,
      'ERR_USAGE',
      "unknown --category 'all'",
    );
    expectFailure(
      await cli(['modbus', 'info', tcpUrl, 'extra']),
      2,
      'ERR_USAGE',
      "unexpected argument 'extra'",
    );
  });
});

describe('errors', () => {
  it.each([
    [[], 'missing command'],
    [['frob'], "unknown command 'frob'"],
    [['modbus'], 'missing modbus command'],
    [['modbus', 'frob'], "unknown command 'modbus frob'"],
    [['help', 'frob'], "unknown command 'frob'"],
    [['--bogus'], "unknown option '--bogus'"],
    [['-x'], "unknown option '-x'"],
    [['modbus', 'read', '--timeout'], 'option --timeout needs a value <ms>'],
    [['modbus', 'read', '--json=yes'], 'option --json takes no value'],
    [['modbus', 'read', '--json', '--json'], 'given more than once'],
    [['modbus', 'info', 'u', '--type', 'float32'], "option --type does not apply to 'modbus info'"],
    [['modbus', 'read'], 'missing <url>'],
    [['modbus', 'read', 'modbus+tcp://h'], 'missing <table>'],
    [['modbus', 'read', 'modbus+tcp://h', 'holding'], 'missing <address>'],
    [['modbus', 'read', 'modbus+tcp://h', 'registers', '0'], "unknown table 'registers'"],
    [['modbus', 'read', 'modbus+tcp://h', 'holding', '-1'], '<address> must be an integer'],
    [['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '0'], '[count] must be an integer 1–65536'],
    [['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '1', '2'], "unexpected argument '2'"],
    [
      ['modbus', 'read', 'modbus+tcp://h', 'holding', '65535', '--type', 'float32'],
      'past the end of the table',
    ],
    [['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '--type', 'float16'], "unknown --type 'float16'"],
    [
      ['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '--type', 'int32', '--order', 'XYZW'],
      "unknown --order 'XYZW'",
    ],
    [['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '--order', 'CDAB'], '--order needs --type'],
    [['modbus', 'read', 'modbus+tcp://h', 'coils', '0', '--type', 'int16'], '--type applies to registers'],
    [
      ['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '--unit', '256'],
      '--unit must be an integer 0–255',
    ],
    [['modbus', 'read', 'modbus+tcp://h', 'holding', '0', '--timeout', '0'], '--timeout must be an integer'],
    [['demo', 'now'], "unexpected argument 'now'"],
  ])('%j → ERR_USAGE, exit 2', async (argv, fragment) => {
    expectFailure(await cli(argv), 2, 'ERR_USAGE', fragment);
  });

  it.each([
    ['modbus+tcp://h?unit=300', 'unit=300 is not an integer 0–255'],
    ['localhost:502', "unknown scheme 'localhost'"],
    ['hdlc+tcp://10.0.0.5:4059', 'this command needs a modbus+… URL'],
    ['not a url', 'not a URL'],
  ])('bad URL %s → ERR_INVALID_URL, exit 2', async (url, fragment) => {
    expectFailure(await cli(['modbus', 'read', url, 'holding', '0']), 2, 'ERR_INVALID_URL', fragment);
  });

  it('an unreachable host → ERR_LINK, exit 1', async () => {
    const port = await closedPort();
    expectFailure(
      await cli(['modbus', 'read', `modbus+tcp://127.0.0.1:${port}`, 'holding', '0']),
      1,
      'ERR_LINK',
      `127.0.0.1:${port}`,
    );
    expectFailure(await cli(['modbus', 'info', `modbus+rtutcp://127.0.0.1:${port}`]), 1, 'ERR_LINK');
    expectFailure(
      await cli(['modbus', 'write', `modbus+tcp://127.0.0.1:${port}`, 'coils', '0', '1']),
      1,
      'ERR_LINK',
    );
  });

  it('never echoes a password', async () => {
    const unreachable = await cli([
      'modbus',
      'read',
      'modbus+mqtt://alice:Sup3rSecret@127.0.0.1:1/gw-1/p1',
      'holding',
      '0',
    ]);
    expectFailure(unreachable, 1, 'ERR_LINK', '127.0.0.1:1');
    expect(unreachable.stderr).not.toContain('Sup3rSecret');
    for (const argv of [
      ['modbus', 'read', 'modbus+tcp://alice:Sup3rSecret@127.0.0.1', 'holding', '0'],
      ['modbus', 'read', 'modbus+mqtt://alice:Sup3rSecret@bro ker/gw-1/p1', 'holding', '0'],
    ]) {
      const run = await cli(argv);
      expectFailure(run, 2, 'ERR_INVALID_URL', 'alice:***@');
      expect(run.stderr).not.toContain('Sup3rSecret');
    }
  });

  it('scrubs passwords from any message, decoded or not', () => {
    const error = new LinkError('cannot reach mqtt://alice:p@ss@broker (p@ss rejected)');
    const report = describeError(error, { secrets: ['p%40ss', 'p@ss'] });
    expect(report.line).toBe('meterlink: ERR_LINK: cannot reach mqtt://alice:***@broker (*** rejected)\n');
  });

  it('Ctrl-C (the signal) stops a command → ERR_ABORTED, exit 130', async () => {
    const port = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    const run = await cli(
      ['modbus', 'read', `modbus+tcp://127.0.0.1:${port}`, 'holding', '0', '--timeout', '5000'],
      {
        signal: controller.signal,
      },
    );
    expectFailure(run, 130, 'ERR_ABORTED');
  });

  it('an unexpected error is one line; its stack only with METERLINK_DEBUG, still on one line', () => {
    const plain = describeError(new TypeError('boom\nsecond line'));
    expect(plain).toEqual({ line: 'meterlink: ERR_INTERNAL: boom second line\n', exitCode: 1 });
    const debug = describeError(new TypeError('boom'), { debug: true });
    expect(debug.line).toMatch(/^meterlink: ERR_INTERNAL: TypeError: boom \| at /);
    expect(debug.line.split('\n')).toHaveLength(2);
    const system = describeError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    expect(system.line).toBe('meterlink: EACCES: EACCES: permission denied\n');
    expect(describeError('weird')).toEqual({ line: 'meterlink: ERR_INTERNAL: weird\n', exitCode: 1 });
  });
});

describe('the built CLI, run with node', () => {
  let dir = '';
  let script = '';

  /** Runs the bundled CLI; every run is bounded. */
  function node(argv: readonly string[], timeoutMs = 20_000): Promise<Run> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [script, ...argv],
        { timeout: timeoutMs, env: { ...process.env, METERLINK_DEBUG: '' } },
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
    // Inside the project, so the bundle's external packages resolve from its node_modules.
    await mkdir(join(root, '.tmp'), { recursive: true });
    dir = await mkdtemp(join(root, '.tmp', 'cli-test-'));
    script = join(dir, 'main.js');
    await build({
      entryPoints: [join(root, 'src/cli/main.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'silent',
    });
  }, 30_000);

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('--help', async () => {
    const run = await node(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('modbus read <url>');
    expect(run.stdout).toContain('demo');
  });

  it('modbus read --json against a server', async () => {
    const run = await node(['modbus', 'read', tcpUrl, 'holding', '10', '--type', 'float32', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ url: tcpUrl, values: [230.1] });
  });

  it('a bad URL: exit 2 and one stderr line', async () => {
    const run = await node(['modbus', 'read', 'modbus+tcp://h?unit=999', 'holding', '0']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'meterlink: ERR_INVALID_URL: modbus+tcp://h?unit=999: unit=999 is not an integer 0–255\n',
    );
  });

  it('demo exits 0 with readings, well within 30 s', async () => {
    const started = Date.now();
    const run = await node(['demo'], 30_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Voltage L1\s+231\.2\s+V/);
    expect(run.stdout).toMatch(/Frequency\s+49\.98\s+Hz/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 35_000);
});
