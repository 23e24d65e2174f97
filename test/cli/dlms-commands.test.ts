// The DLMS commands of the CLI, in-process, against a simulated meter on 127.0.0.1 (wrapper and
// HDLC over TCP) with public, LLS and HLS-GMAC associations.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { toHex } from '../../src/core/hex.js';
import {
  authenticationKey,
  encryptionKey,
  meterServer,
  noteObis,
  now,
  password,
  sap,
} from '../dlms/e2e/helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(
  argv: readonly string[],
  options: { env?: Record<string, string>; tty?: boolean } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: Object.assign({ write: (text: string) => (stderr += text) }, options.tty ? { isTTY: true } : {}),
    env: options.env ?? { METERLINK_PASSWORD: password },
  });
  return { code, stdout, stderr };
}

function expectFailure(run: Run, exitCode: number, errorCode: string, ...fragments: string[]): void {
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^meterlink: [A-Z_]+: [^\n]+\n$/);
  expect(run.stderr.startsWith(`meterlink: ${errorCode}: `)).toBe(true);
  for (const fragment of fragments) expect(run.stderr).toContain(fragment);
  expect(run.code).toBe(exitCode);
}

function json(run: Run): Record<string, unknown> {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const ek = toHex(encryptionKey);
const ak = toHex(authenticationKey);
const meter = meterServer();
const closers: (() => Promise<void>)[] = [];
/** Public client (sees the clock and the logical device name only). */
let wrapper = '';
/** Management client, LLS (the password from METERLINK_PASSWORD). */
let mgmt = '';
let hdlc = '';
let closed = '';

beforeAll(async () => {
  const w = await meter.server.listen({ port: 0, host: '127.0.0.1', framing: 'wrapper' });
  const h = await meter.server.listen({ port: 0, host: '127.0.0.1', framing: 'hdlc' });
  closers.push(w.close, h.close);
  wrapper = `wrapper+tcp://127.0.0.1:${w.port}`;
  mgmt = `${wrapper}?client=${sap.lls}&auth=lls`;
  hdlc = `hdlc+tcp://127.0.0.1:${h.port}?physical=17&client=${sap.lls}&auth=lls`;
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  closed = `wrapper+tcp://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const close of closers) await close();
  await meter.server.close();
});

describe('help', () => {
  it('meterlink --help lists the DLMS commands first, in order', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    const order = [
      'read <url>',
      'get <url>',
      'set <url>',
      'action <url>',
      'objects <url>',
      'profile <url>',
      'clock <url>',
      'modbus read',
      'modbus write',
      'modbus info',
      'simulate',
      'gateway',
      'broker',
      'demo',
    ];
    const at = order.map((words) => run.stdout.indexOf(`\n  ${words}`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(run.stdout).toContain('wrapper+udp://');
    expect(run.stdout).toContain('--enc-key <hex>');
  });

  it.each(['read', 'get', 'set', 'action', 'objects', 'profile', 'clock', 'clock set'])(
    '%s --help has an example',
    async (command) => {
      const run = await cli([...command.split(' '), '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: meterlink ${command} <url>`));
      expect(run.stdout).toContain(`  meterlink ${command} '`);
      expect(run.stdout).toContain('--password <text>');
    },
  );
});

describe('read', () => {
  it('the public client reads the clock and the logical device name', async () => {
    const run = await cli(['read', wrapper, '0.0.1.0.0.255', '0.0.42.0.0.255']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^0\.0\.1\.0\.0\.255\s+Clock\s+2024-06-15T12:00:00Z /m);
    expect(run.stdout).toMatch(/^0\.0\.42\.0\.0\.255\s+.*\s+4D4C4B/m);
  });

  it('an object the public association does not show: the error says why and what to try', async () => {
    const run = await cli(['read', wrapper, '1.0.1.8.0.255']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^meterlink: ERR_DLMS_DATA_ACCESS: .*object-undefined/);
    expect(run.stderr).toContain('1.0.1.8.0.255 is not among the');
    expect(run.stderr).toContain('--password or --auth');
  });

  it('registers with units, the clock and a Data object (LLS, wrapper)', async () => {
    const run = await cli(['read', mgmt, '1.0.1.8.0.255', '1-0:32.7.0', '0.0.1.0.0.255', '0.0.96.1.0.255']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1\.0\.1\.8\.0\.255\s+Active energy import.*\s+\d+\s+Wh$/m);
    expect(run.stdout).toMatch(/^1\.0\.32\.7\.0\.255\s+Voltage L1\s+2\d\d(\.\d)?\s+V$/m);
    expect(run.stdout).toContain('2024-06-15T12:00:00Z');
    expect(run.stdout).toMatch(/^0\.0\.96\.1\.0\.255\s+.*"\d{8}"/m);
  });

  it('--json over HDLC: scaled values, units, raw typed values, capture times', async () => {
    const doc = json(
      await cli([
        'read',
        hdlc,
        '1.0.32.7.0.255',
        '1.0.1.6.0.255',
        '1.0.1.4.0.255',
        '0.0.1.0.0.255',
        '--json',
      ]),
    );
    const values = doc.values as Record<string, unknown>[];
    expect(values[0]).toMatchObject({
      obis: '1.0.32.7.0.255',
      classId: 3,
      unit: 'V',
      scaler: -1,
      raw: { type: 'long-unsigned' },
    });
    expect(values[0]!.value).toBeGreaterThan(200);
    expect(values[1]).toMatchObject({ classId: 4, unit: 'W' });
    expect(typeof values[1]!.captureTime).toBe('string');
    expect(values[2]).toMatchObject({ classId: 5, unit: 'W' });
    expect(values[3]).toMatchObject({ classId: 8, value: '2024-06-15T12:00:00Z' });
  });

  it('class/obis gives the class; a wrong guess is corrected from the object list', async () => {
    const doc = json(await cli(['read', mgmt, '1/0.0.42.0.0.255', '1.0.99.1.0.255', '--json']));
    const values = doc.values as Record<string, unknown>[];
    expect(values[0]).toMatchObject({ classId: 1, raw: { type: 'octet-string' } });
    expect(values[1]).toMatchObject({ classId: 7 });
  });

  it('an unknown object → ERR_DLMS_DATA_ACCESS, exit 1', async () => {
    expectFailure(
      await cli(['read', mgmt, '1.0.99.99.0.255']),
      1,
      'ERR_DLMS_DATA_ACCESS',
      'object-undefined',
    );
  });
});

describe('get, set, action, objects', () => {
  it('get prints the value with its type; --json has the typed form', async () => {
    const run = await cli(['get', mgmt, '3', '1.0.32.7.0.255', '3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('3/1.0.32.7.0.255/3 (Register scaler_unit) = {-1, 35}  [structure]\n');
    const doc = json(await cli(['get', mgmt, '3', '1.0.32.7.0.255', '3', '--json']));
    expect(doc.value).toEqual({
      type: 'structure',
      value: [
        { type: 'integer', value: -1 },
        { type: 'enum', value: 35 },
      ],
    });
  });

  it('set with LLS (password from the environment), in short and JSON forms, read back', async () => {
    const env = { METERLINK_PASSWORD: password };
    const lls = `${wrapper}?client=${sap.lls}&auth=lls`;
    const short = await cli(['set', lls, '1', noteObis, '2', 'u16:8'], { env });
    expect(short.stderr).toBe('');
    expect(short.stdout).toContain('to 8  [long-unsigned]');
    expect(json(await cli(['get', mgmt, '1', noteObis, '2', '--json'])).value).toEqual({
      type: 'long-unsigned',
      value: 8,
    });
    const typed = json(
      await cli([
        'set',
        wrapper,
        '1',
        noteObis,
        '2',
        '{"type":"long-unsigned","value":9}',
        '--client',
        '1',
        '--password',
        password,
        '--json',
      ]),
    );
    expect(typed.value).toEqual({ type: 'long-unsigned', value: 9 });
    expect(json(await cli(['get', mgmt, '1', noteObis, '2', '--json'])).value).toMatchObject({ value: 9 });
  });

  it('set by the public client is refused: ERR_DLMS_DATA_ACCESS, exit 1', async () => {
    expectFailure(
      await cli(['set', wrapper, '1', '0.0.1.0.0.255', '2', 'u16:1']),
      1,
      'ERR_DLMS_DATA_ACCESS',
      'SET 1/0.0.1.0.0.255/2',
    );
  });

  it('action over HLS-GMAC (keys from flags) returns the echo', async () => {
    const doc = json(
      await cli([
        'action',
        `hdlc+tcp://127.0.0.1:${new URL(hdlc).port}?physical=17&client=${sap.hls}`,
        '1',
        '0.0.96.99.2.255',
        '1',
        'visible-string:hi',
        '--auth',
        'hls-gmac',
        '--policy',
        'none',
        '--enc-key',
        ek,
        '--auth-key',
        ak,
        '--json',
      ]),
    );
    expect(doc).toMatchObject({
      method: 1,
      parameter: { type: 'visible-string', value: 'hi' },
      returned: { type: 'visible-string', value: 'hi' },
    });
  });

  it('a ciphered association (authenticated-encrypted, keys from the environment, counter read)', async () => {
    const env = { METERLINK_ENC_KEY: ek, METERLINK_AUTH_KEY: ak };
    const run = await cli(
      [
        'read',
        `${wrapper}?client=${sap.authEncrypted}`,
        '1.0.1.8.0.255',
        '--auth',
        'lls',
        '--password',
        password,
        '--policy',
        'authenticated-encrypted',
      ],
      { env },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Wh$/m);
  });

  it('objects lists the object list as a table, --json with access rights', async () => {
    const run = await cli(['objects', mgmt]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^0\.0\.1\.0\.0\.255\s+8\s+Clock\s+0\s+Clock\s+r+/m);
    const doc = json(await cli(['objects', mgmt, '--json']));
    const list = doc.objects as { obis: string; classId: number; access: { attributes: unknown[] } }[];
    expect(list.find((o) => o.obis === '1.0.99.1.0.255')?.classId).toBe(7);
    expect(list[0]?.access.attributes.length).toBeGreaterThan(0);
  });

  it.each([
    [['set', 'wrapper+tcp://h', '1', noteObis, '2', '8'], 'needs a type'],
    [['set', 'wrapper+tcp://h', '1', noteObis, '2', 'u8:300'], 'unsigned must be an integer 0–255'],
    [['set', 'wrapper+tcp://h', '1', noteObis, '2', '{"type":"x"}'], 'unknown type'],
    [['get', 'wrapper+tcp://h', '1', noteObis], 'missing <attribute>'],
    [['get', 'wrapper+tcp://h', 'x', noteObis, '2'], '<class> must be an integer'],
    [['read', 'wrapper+tcp://h'], 'missing <obis...>'],
    [['profile', 'wrapper+tcp://h', '--from', 'yesterday'], '--from must be now'],
    [['profile', 'wrapper+tcp://h', '--entries', '1-2', '--from', '-1d'], 'exclude each other'],
    [['read', 'wrapper+tcp://h', '1.0.1.8.0.255', '--auth', 'magic'], '--auth must be one of'],
  ])('%j → ERR_USAGE, exit 2', async (argv, fragment) => {
    expectFailure(await cli(argv), 2, 'ERR_USAGE', fragment);
  });
});

describe('profile', () => {
  it('a time range to CSV: header with units, one row per 15 minutes, ISO times', async () => {
    const run = await cli(['profile', mgmt, '--from', '2024-06-14T00:00', '--to', '2024-06-14T02:00Z']);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Clock time,.*\[Wh\]/);
    expect(lines).toHaveLength(1 + 9);
    expect(lines[1]).toMatch(/^2024-06-14T00:00:00Z,\d+,/);
  });

  it('--json over several days, a progress bar only on a terminal', async () => {
    const run = await cli(
      ['profile', hdlc, '1.0.99.1.0.255', '--from', '2024-06-12', '--to', '2024-06-14T23:59Z', '--json'],
      { tty: true },
    );
    const out = JSON.parse(run.stdout) as {
      columns: { unit: string; scaler: number | null }[];
      rows: unknown[][];
    };
    expect(run.code).toBe(0);
    expect(out.rows).toHaveLength(3 * 96);
    expect(out.columns[1]).toMatchObject({ unit: 'Wh', scaler: 0 });
    expect(run.stderr).toContain('[########################] 3/3');
    expect(run.stderr.endsWith('\r\x1b[K')).toBe(true);
    const piped = await cli(['profile', mgmt, '--entries', '1-4']);
    expect(piped.stderr).toBe('');
    expect(piped.stdout.trim().split('\n')).toHaveLength(5);
  });
});

describe('clock', () => {
  it('reads the time and the drift; --json', async () => {
    const run = await cli(['clock', wrapper]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2024-06-15T12:00:00Z  (meter: 2024-06-15 14:00:00 +02:00 DST)');
    expect(run.stdout).toMatch(/behind this computer/);
    const doc = json(await cli(['clock', wrapper, '--json']));
    expect(doc).toMatchObject({ time: '2024-06-15T12:00:00Z', deviation: -120 });
  });

  it('clock set and --set with LLS; refused for the public client', async () => {
    const doc = json(
      await cli(['clock', 'set', `${wrapper}?client=1`, now.toISOString(), '--password', password, '--json']),
    );
    expect(doc).toMatchObject({ set: '2024-06-15T12:00:00Z', time: '2024-06-15T12:00:00Z' });
    const run = await cli([
      'clock',
      `${wrapper}?client=1`,
      '--set',
      '2024-06-15T12:00:00Z',
      '--password',
      password,
    ]);
    expect(run.stdout).toContain('clock set to 2024-06-15T12:00:00Z');
    expectFailure(await cli(['clock', 'set', wrapper]), 1, 'ERR_DLMS_DATA_ACCESS');
  });
});

describe('read --fleet', () => {
  let dir = '';
  beforeAll(async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    await mkdir(join(root, '.tmp'), { recursive: true });
    dir = await mkdtemp(join(root, '.tmp', 'cli-fleet-'));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('one line per meter (read or failed), a summary; JSON lines with --json', async () => {
    const file = join(dir, 'meters.csv');
    const hdlcPublic = hdlc.replace(/&client=\d+&auth=lls/, '');
    await writeFile(
      file,
      [
        'id,url,client,server',
        '# a comment',
        `flat-1,${wrapper},1,`,
        `flat-2,"${hdlcPublic}",1,1`,
        `gone,${closed},,`,
        'typo,hdlc+tcp://h?client=999,,',
        '',
      ].join('\n'),
    );
    const run = await cli(['read', '--fleet', file, '1.0.1.8.0.255', '--auth', 'lls', '--concurrency', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1); // two meters failed
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('flat-1 '))).toMatch(/^flat-1 {2}ok {2}1\.0\.1\.8\.0\.255=\d+ Wh$/);
    expect(lines.find((l) => l.startsWith('flat-2 '))).toMatch(/ok/);
    expect(lines.find((l) => l.startsWith('gone '))).toMatch(/^gone {2}failed {2}ERR_LINK: /);
    expect(lines.find((l) => l.startsWith('typo '))).toMatch(/failed {2}ERR_INVALID_URL: /);
    expect(lines.at(-1)).toBe('4 meters: 2 read, 2 failed');

    const jsonRun = await cli([
      'read',
      '--fleet',
      file,
      '1.0.1.8.0.255',
      '0.0.1.0.0.255',
      '--auth',
      'lls',
      '--json',
    ]);
    const docs = jsonRun.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs).toHaveLength(5);
    expect(docs.find((d) => d.id === 'flat-1')).toMatchObject({
      ok: true,
      values: [{ unit: 'Wh' }, { classId: 8 }],
    });
    expect(docs.find((d) => d.id === 'gone')).toMatchObject({ ok: false, error: { code: 'ERR_LINK' } });
    expect(docs.at(-1)).toEqual({ summary: { meters: 4, ok: 2, failed: 2 } });
  });

  it('a malformed file → ERR_USAGE naming the line; a missing file too', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'id,url,phone\nx,wrapper+tcp://h,1\n');
    expectFailure(
      await cli(['read', '--fleet', file, '1.0.1.8.0.255']),
      2,
      'ERR_USAGE',
      "line 1: unknown column 'phone'",
    );
    expectFailure(
      await cli(['read', '--fleet', join(dir, 'none.csv'), '1.0.1.8.0.255']),
      2,
      'ERR_USAGE',
      'ENOENT',
    );
  });
});

describe('errors', () => {
  it.each([
    ['hdlc+tcp://h?client=999', 'client=999'],
    ['modbus+tcp://h', 'a Modbus URL'],
    ['not a url', 'not a URL'],
  ])('bad URL %s → ERR_INVALID_URL, exit 2', async (url, fragment) => {
    expectFailure(await cli(['read', url, '1.0.1.8.0.255']), 2, 'ERR_INVALID_URL', fragment);
  });

  it('a wrong password → ERR_DLMS_ASSOCIATION, exit 1, the password not echoed', async () => {
    const run = await cli(['read', `${wrapper}?client=1`, '1.0.1.8.0.255', '--password', 'Wr0ngSecret'], {
      env: {},
    });
    expectFailure(run, 1, 'ERR_DLMS_ASSOCIATION', 'authentication');
    expect(run.stderr).not.toContain('Wr0ngSecret');
  });

  it('an unreachable host → ERR_LINK, exit 1', async () => {
    expectFailure(await cli(['clock', closed]), 1, 'ERR_LINK');
  });

  it.each([
    [['--auth', 'hls-gmac', '--enc-key', 'abcd', '--auth-key', ak], {}, '--enc-key must be 16 octets'],
    [
      ['--auth', 'hls-gmac', '--enc-key', ek],
      { METERLINK_AUTH_KEY: 'zz'.repeat(16) },
      'METERLINK_AUTH_KEY must be 16 octets',
    ],
    [
      ['--auth', 'hls-gmac', '--enc-key', ek, '--auth-key', ak, '--system-title', '0102'],
      {},
      '--system-title must be 8 octets',
    ],
    [['--auth', 'hls-gmac', '--enc-key', ek], {}, 'needs --auth-key (or METERLINK_AUTH_KEY)'],
    [['--auth', 'lls'], {}, 'LLS needs --password'],
  ])(
    'malformed or missing keys %j → ERR_INVALID_ARGUMENT naming the flag, not the value',
    async (flags, env, fragment) => {
      const run = await cli(['read', wrapper, '1.0.1.8.0.255', ...flags], { env });
      expectFailure(run, 2, 'ERR_INVALID_ARGUMENT', fragment);
      expect(run.stderr).not.toContain('abcd');
      expect(run.stderr).not.toContain('zzzz');
    },
  );
});
