/**
 * `meterlink broker` in-process: starts on port 0, carries MQTT messages, stops on the signal
 * and frees the port.
 */

import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/mqtt/broker/index.js';
import { output, type RunningCommand, refused, startCommand } from './running-command.js';

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

function start(argv: string[]): RunningCommand {
  return startCommand(['broker', ...argv], (stop) => cleanups.push(stop));
}

describe('meterlink broker', () => {
  it('carries MQTT messages until interrupted (--json)', async () => {
    const r = start(['--port', '0', '--json']);
    const [document] = await output(r, /^\{[\s\S]*?\n\}\n/);
    const { listening } = JSON.parse(document) as { listening: { host: string; port: number; url: string } };
    expect(listening.host).toBe('127.0.0.1');
    expect(listening.port).toBeGreaterThan(0);
    expect(listening.url).toBe(`mqtt://127.0.0.1:${listening.port}`);
    const client = await mqtt.connectAsync(listening.url, { reconnectPeriod: 0, connectTimeout: 3000 });
    cleanups.push(() => client.endAsync(true));
    const got = new Promise<string>((resolve) =>
      client.on('message', (_topic, payload) => resolve(String(payload))),
    );
    await client.subscribeAsync('t/echo', { qos: 1 });
    await client.publishAsync('t/echo', 'hello', { qos: 1 });
    expect(await got).toBe('hello');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(await r.stop()).toBe(0);
    await closed;
    expect(JSON.parse(r.stdout().slice(document.length))).toMatchObject({ stopped: true });
    expect(r.stderr()).toBe('');
    expect(await refused(listening.port)).toBe(true);
  });

  it('prints where it listens as text', async () => {
    const r = start(['--port', '0', '--host', '127.0.0.1']);
    const [, port] = await output(r, /listening on mqtt:\/\/127\.0\.0\.1:(\d+)\n/);
    expect(r.stdout()).toContain('Stop with Ctrl-C.');
    expect(await r.stop()).toBe(0);
    expect(r.stdout()).toMatch(/meterlink broker: stopped after \d+ s\n$/);
    expect(await refused(Number(port))).toBe(true);
  });

  it('fails with ERR_LINK (exit 1) when the port is taken', async () => {
    const other = await startBroker({ port: 0 });
    cleanups.push(() => other.close());
    const r = start(['--port', String(other.port)]);
    expect(await r.done).toBe(1);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).toMatch(
      /^meterlink: ERR_LINK: cannot start the MQTT broker on mqtt:\/\/127\.0\.0\.1:\d+: .*EADDRINUSE/,
    );
  });

  it.each([
    [['--port', '70000'], '--port must be an integer 0–65535'],
    [['extra'], "unexpected argument 'extra'"],
    [['--udp'], "option --udp does not apply to 'broker'"],
  ])('refuses %j (exit 2)', async (argv, message) => {
    const r = start(argv);
    expect(await r.done).toBe(2);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).toContain(`meterlink: ERR_USAGE: ${message}`);
  });
});
