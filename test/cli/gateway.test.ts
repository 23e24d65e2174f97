/**
 * `meterlink gateway <config.json>` in-process: a DlmsClient reads a meter (a DlmsServer on HDLC
 * over TCP) through the gateway and an embedded broker; invalid configurations are refused naming
 * their JSON path; the broker password never appears in any output.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../src/cli/gateway-config.js';
import { DlmsClient } from '../../src/dlms/client/dlms-client.js';
import { startBroker } from '../../src/mqtt/broker/index.js';
import { mqttLink } from '../../src/mqtt/link/index.js';
import { decodeStatus, tunnelTopics } from '../../src/mqtt/protocol/index.js';
import { password as meterPassword, meterServer, sap } from '../dlms/e2e/helpers.js';
import { output, type RunningCommand, startCommand } from './running-command.js';

const secret = 'sup3r-s3cret-pw';
const examples = fileURLToPath(new URL('../../examples/gateways/', import.meta.url));

const cleanups: (() => unknown)[] = [];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meterlink-gw-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
});

afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

function start(argv: string[], env: Record<string, string> = {}): RunningCommand {
  return startCommand(['gateway', ...argv], (stop) => cleanups.push(stop), env);
}

/** Writes a configuration file (an object as JSON, a string as is). */
async function config(content: unknown, fileName = 'gateway.json'): Promise<string> {
  const file = join(dir, fileName);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** A DLMS meter on HDLC over TCP, on a port of its own. */
async function meterOnTcp(): Promise<number> {
  const { server } = meterServer();
  const listener = await server.listen({ port: 0, host: '127.0.0.1', framing: 'hdlc' });
  cleanups.push(() => server.close());
  return listener.port;
}

async function embeddedBroker(): Promise<string> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  return broker.url;
}

/** The gateway's retained status, read by a fresh subscriber. */
async function retainedStatus(url: string, gatewayId: string): Promise<string> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000 });
  try {
    const got = new Promise<Buffer>((resolve) => client.on('message', (_t, payload) => resolve(payload)));
    await client.subscribeAsync(tunnelTopics().status(gatewayId), { qos: 1 });
    return decodeStatus(await got).state;
  } finally {
    await client.endAsync(true);
  }
}

describe('meterlink gateway', () => {
  it('serves a TCP meter to a DlmsClient through the broker, then stops offline (--json)', {
    timeout: 10_000,
  }, async () => {
    const url = await embeddedBroker();
    const meterPort = await meterOnTcp();
    const file = await config({
      id: 'gw-cli',
      broker: { url, username: 'gw-cli', password: { env: 'MQTT_PASSWORD' } },
      ports: [{ id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: meterPort } } }],
    });
    const r = start([file, '--json'], { MQTT_PASSWORD: secret });
    const [document] = await output(r, /^\{[\s\S]*?\n\}\n/);
    expect(JSON.parse(document)).toEqual({
      gateway: { id: 'gw-cli', broker: url, root: 'meterlink', status: 'meterlink/gw/gw-cli/status' },
      ports: [
        { id: 'p0', protocol: 'hdlc', kind: 'tcp', link: { tcp: { host: '127.0.0.1', port: meterPort } } },
      ],
    });
    expect(await retainedStatus(url, 'gw-cli')).toBe('online');

    const meter = await DlmsClient.connect({
      link: mqttLink({ broker: url, gatewayId: 'gw-cli', port: 'p0' }),
      framing: 'hdlc',
      client: sap.lls,
      auth: { mechanism: 'lls', password: meterPassword },
      server: { logical: 1, physical: 17 },
      timeoutMs: 5000,
    });
    try {
      const energy = await meter.readRegister('1.0.1.8.0.255');
      expect(energy.unit).toBe('Wh');
      expect(typeof energy.value).toBe('number');
    } finally {
      await meter.close();
    }
    await output(r, /"busy": false/);

    expect(await r.stop()).toBe(0);
    const documents = r
      .stdout()
      .split(/(?<=\n\})\n/)
      .filter((d) => d.trim() !== '')
      .map((d) => JSON.parse(d) as Record<string, unknown>);
    expect(documents.slice(1)).toEqual([
      { lease: { port: 'p0', busy: true } },
      { lease: { port: 'p0', busy: false } },
      { stopped: true, leases: 1, seconds: expect.any(Number) },
    ]);
    expect(r.stderr()).toBe('');
    expect(r.stdout()).not.toContain(secret);
    expect(await retainedStatus(url, 'gw-cli')).toBe('offline');
  });

  it('prints the ports as text, warns about a port it cannot open, and hides URL credentials', async () => {
    const url = await embeddedBroker();
    const withCredentials = url.replace('mqtt://', `mqtt://gw:${secret}@`);
    const file = await config({
      id: 'gw-text',
      root: 'site/a',
      broker: withCredentials,
      ports: [
        { id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: 1 } } },
        { id: 'p1', protocol: 'raw', link: { udp: { host: '127.0.0.1', port: 4059 } }, rawGapMs: 10 },
      ],
    });
    const r = start([file]);
    await output(r, /Stop with Ctrl-C\.\n[\s\S]*warning: ERR_LINK: .*127\.0\.0\.1:1/);
    expect(r.stdout()).toContain(
      `meterlink gateway: gw-text on ${url}, 2 ports, status site/a/gw/gw-text/status\n`,
    );
    expect(r.stdout()).toMatch(
      / {2}p0 {4}hdlc {6}tcp:\/\/127\.0\.0\.1:1\n {2}p1 {4}raw {7}udp:\/\/127\.0\.0\.1:4059\n/,
    );
    expect(await r.stop()).toBe(0);
    expect(r.stdout()).toMatch(/gw-text stopped after \d+ s, 0 leases served\n$/);
    expect(r.stdout()).not.toContain(secret);
  });

  it.each([
    ['a password in the URL', (port: number) => `mqtt://gw:${secret}@127.0.0.1:${port}`],
    [
      'a password from the environment',
      (port: number) => ({ url: `mqtt://127.0.0.1:${port}`, username: 'gw', password: { env: 'PW' } }),
    ],
  ])('fails at once with ERR_LINK (exit 1) when the broker is unreachable: %s', async (_, broker) => {
    const gone = await startBroker({ port: 0 });
    await gone.close();
    const file = await config({
      id: 'gw-1',
      broker: broker(gone.port),
      ports: [{ id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: 4059 } } }],
    });
    const r = start([file], { PW: secret });
    expect(await r.done).toBe(1);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).toMatch(
      new RegExp(
        `^meterlink: ERR_LINK: cannot connect to the MQTT broker mqtt://127\\.0\\.0\\.1:${gone.port}: .+\\n$`,
      ),
    );
    expect(r.stderr()).not.toContain(secret);
  });

  const port0 = { id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: 4059 } } };
  const valid = { id: 'gw-1', broker: 'mqtt://127.0.0.1:1883', ports: [port0] };
  it.each([
    ['missing id', { ...valid, id: undefined }, 'gateway config id: is required'],
    ['bad id', { ...valid, id: 'gw/1' }, `gateway config id: "gw/1" contains '/'`],
    ['missing broker', { ...valid, broker: undefined }, 'gateway config broker: is required'],
    [
      'bad broker URL',
      { ...valid, broker: `http://u:${secret}@host` },
      'gateway config broker: scheme must be mqtt: or mqtts:, got http:',
    ],
    ['no ports', { ...valid, ports: [] }, 'gateway config ports: must not be empty'],
    [
      'bad protocol',
      { ...valid, ports: [{ ...port0, protocol: 'iec' }] },
      'gateway config ports[0].protocol: must be one of "hdlc", "modbus-rtu", "raw", got "iec"',
    ],
    [
      'two links',
      { ...valid, ports: [{ ...port0, link: { tcp: { host: 'a', port: 1 }, udp: { host: 'a', port: 1 } } }] },
      'gateway config ports[0].link: must have exactly one of serial, tcp, udp, got tcp and udp',
    ],
    [
      'bad TCP port',
      { ...valid, ports: [port0, { ...port0, id: 'p1', link: { tcp: { host: 'a', port: 70000 } } }] },
      'gateway config ports[1].link.tcp.port: must be an integer 1…65535, got 70000',
    ],
    [
      'unknown link',
      { ...valid, ports: [{ ...port0, link: { ws: {} } }] },
      'gateway config ports[0].link.ws: unknown field (expected one of: serial, tcp, udp)',
    ],
    [
      'serial without baud rate',
      { ...valid, ports: [{ ...port0, link: { serial: { path: '/dev/ttyUSB0' } } }] },
      'gateway config ports[0].link.serial.baudRate: is required',
    ],
    [
      'bad parity',
      {
        ...valid,
        ports: [{ ...port0, link: { serial: { path: '/dev/ttyS0', baudRate: 9600, parity: 'E' } } }],
      },
      'gateway config ports[0].link.serial.parity: must be one of "none", "even", "odd", "mark", "space", got "E"',
    ],
    [
      'mode E on a TCP link',
      { ...valid, ports: [{ ...port0, modeE: true }] },
      'gateway config ports[0].modeE: applies to hdlc ports on a serial line only',
    ],
    [
      'a bad mode E field',
      {
        ...valid,
        ports: [
          {
            ...port0,
            link: { serial: { path: '/dev/ttyS0', baudRate: 300 } },
            modeE: { maxBaudRate: 115200 },
          },
        ],
      },
      'gateway config ports[0].modeE.maxBaudRate: must be an integer',
    ],
    [
      'a typo',
      { ...valid, ports: [{ ...port0, leaseIdle: 5 }] },
      'gateway config ports[0].leaseIdle: unknown field',
    ],
    [
      'rawGapMs on an hdlc port',
      { ...valid, ports: [{ ...port0, rawGapMs: 5 }] },
      'gateway config ports[0].rawGapMs: applies to raw ports only',
    ],
    [
      'answerTimeoutMs on an hdlc port',
      { ...valid, ports: [{ ...port0, answerTimeoutMs: 500 }] },
      'gateway config ports[0].answerTimeoutMs: applies to modbus-rtu ports only',
    ],
    [
      'a repeated port id',
      { ...valid, ports: [port0, port0] },
      'gateway config ports[1].id: repeats the id "p0" of ports[0]',
    ],
    [
      'a password that is no string',
      { ...valid, broker: { url: 'mqtt://h', password: 123456789 } },
      'gateway config broker.password: must be a non-empty string or { "env": "NAME" }',
    ],
    [
      'a password variable that is not set',
      { ...valid, broker: { url: 'mqtt://h', password: { env: 'NO_SUCH_VARIABLE' } } },
      'gateway config broker.password.env: environment variable NO_SUCH_VARIABLE is not set',
    ],
    [
      'a CA on a plain broker',
      { ...valid, broker: { url: 'mqtt://h', ca: 'ca.pem' } },
      'gateway config broker.ca: needs a TLS broker URL (mqtts://host:8883)',
    ],
    [
      'a certificate without its key',
      { ...valid, broker: { url: 'mqtts://h', cert: 'c.pem' } },
      'gateway config broker.key: is required with broker.cert',
    ],
    [
      'an unreadable CA file',
      { ...valid, broker: { url: 'mqtts://h', password: secret, ca: 'missing-ca.pem' } },
      'gateway config broker.ca: cannot read ',
    ],
    [
      'invalid JSON',
      `{ "id": "gw-1", "broker": { "url": "mqtt://h", "password": "${secret}" }, }`,
      'gateway config: is not valid JSON (',
    ],
  ])('refuses a configuration with %s (exit 2, naming the path)', async (_, content, message) => {
    const r = start([await config(content)]);
    expect(await r.done).toBe(2);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).toContain(`meterlink: ERR_INVALID_ARGUMENT: ${message}`);
    expect(r.stderr()).not.toContain(secret);
    expect(r.stderr()).not.toContain('123456789');
  });

  it.each([
    [[], 'missing <config.json>'],
    [['/nonexistent/gateway.json'], 'cannot read /nonexistent/gateway.json'],
    [['a.json', 'b.json'], "unexpected argument 'b.json'"],
    [['a.json', '--port', '1'], "option --port does not apply to 'gateway'"],
  ])('refuses %j (exit 2, ERR_USAGE)', async (argv, message) => {
    const r = start(argv);
    expect(await r.done).toBe(2);
    expect(r.stderr()).toContain(`meterlink: ERR_USAGE: ${message}`);
  });

  it.each(['example.json', 'tls.json', 'modes.json'])('accepts examples/gateways/%s', async (name) => {
    const parsed = parseGatewayConfig(await readFile(join(examples, name), 'utf8'), {
      MQTT_PASSWORD: secret,
      METER_PASSWORD: meterPassword,
    });
    expect(parsed.ports.length).toBeGreaterThan(0);
  });

  it('carries answerTimeoutMs of a modbus-rtu port', () => {
    const port = { id: 'mb', protocol: 'modbus-rtu', link: port0.link, answerTimeoutMs: 400 };
    const parsed = parseGatewayConfig(JSON.stringify({ ...valid, ports: [port] }), {});
    expect(parsed.ports[0]).toMatchObject({ id: 'mb', answerTimeoutMs: 400 });
  });

  it('runs the modes of the configuration: publish, bridge and JSON frames next to the tunnel', {
    timeout: 10_000,
  }, async () => {
    const url = await embeddedBroker();
    const meterPort = await meterOnTcp();
    const example = JSON.parse(await readFile(join(examples, 'modes.json'), 'utf8')) as {
      modes: Record<string, unknown>[];
    };
    const [publish, bridge, jsonFrames] = example.modes;
    const file = await config({
      id: 'gw-modes',
      broker: url,
      ports: [{ id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: meterPort } } }],
      modes: [publish, { ...bridge, listen: { port: 0, host: '127.0.0.1', framing: 'tcp' } }, jsonFrames],
    });
    const watcher = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000 });
    cleanups.push(() => watcher.endAsync(true));
    const reading = new Promise<Record<string, unknown>>((resolve) =>
      watcher.on('message', (_t, payload) =>
        resolve(JSON.parse(payload.toString()) as Record<string, unknown>),
      ),
    );
    await watcher.subscribeAsync('meterlink/gw/gw-modes/meter/sim-1/reading', { qos: 1 });
    const r = start([file], { METER_PASSWORD: meterPassword });
    await output(r, /meterlink gateway: gw-modes/);
    const message = await Promise.race([
      reading,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no reading published')), 5000)),
    ]);
    expect(message).toMatchObject({ version: 1, meter: 'sim-1', gateway: 'gw-modes' });
    expect(message.readings).toEqual([
      expect.objectContaining({ name: 'energy-import', unit: 'Wh', quality: 'good' }),
      expect.objectContaining({ name: 'voltage-l1', unit: 'V', quality: 'good' }),
      expect.objectContaining({ name: 'clock', quality: 'good' }),
    ]);
    expect(await r.stop()).toBe(0);
    expect(r.stderr()).toBe('');
    expect(r.stdout()).not.toContain(meterPassword);
  });

  it('refuses a mode on a port that does not exist, and an unknown mode, naming the path', () => {
    const base = {
      id: 'g',
      broker: 'mqtt://127.0.0.1:1883',
      ports: [{ id: 'p0', protocol: 'hdlc', link: { tcp: { host: '127.0.0.1', port: 4059 } } }],
    };
    expect(() => parseGatewayConfig(JSON.stringify({ ...base, modes: [{ mode: 'frob' }] }), {})).toThrow(
      /gateway config modes\[0\]\.mode: must be one of publish, bridge, json-frames/,
    );
    const bridge = {
      mode: 'bridge',
      port: 'p9',
      pollIntervalMs: 10_000,
      dlms: { framing: 'hdlc' },
      listen: { port: 1502 },
      mapping: [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' }],
    };
    expect(() => parseGatewayConfig(JSON.stringify({ ...base, modes: [bridge] }), {})).toThrow(
      /modes\[0\]: uses port "p9", which is not in ports/,
    );
    // A bridge serving the serial line a port already uses.
    const serial = { path: '/dev/ttyUSB0', baudRate: 9600 };
    const onLine = {
      ...base,
      ports: [...base.ports, { id: 'p1', protocol: 'hdlc', link: { serial } }],
      modes: [{ ...bridge, port: 'p0', listen: undefined, serve: { serial } }],
    };
    expect(() => parseGatewayConfig(JSON.stringify(onLine), {})).toThrow(
      /modes\[0\]\.serve\.serial\.path: is the serial line of ports\[1\]/,
    );
    const otherLine = { serial: { ...serial, path: '/dev/ttyUSB1' } };
    const parsed = parseGatewayConfig(
      JSON.stringify({ ...onLine, modes: [{ ...onLine.modes[0], serve: otherLine }] }),
      {},
    );
    expect(parsed.modes).toHaveLength(1);
  });
});
