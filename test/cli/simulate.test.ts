/**
 * `meterlink simulate` in-process: starts on port 0, serves a real DlmsClient, stops on the
 * signal and frees the port.
 */

import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DlmsClient } from '../../src/dlms/client/dlms-client.js';
import { tcp, udp } from '../../src/links/index.js';
import { output, type RunningCommand, refused, startCommand } from './running-command.js';

const example = fileURLToPath(new URL('../../examples/meters/example.json', import.meta.url));

const stops: (() => Promise<number>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function start(argv: string[]): RunningCommand {
  return startCommand(['simulate', ...argv], (stop) => stops.push(stop));
}

describe('meterlink simulate', () => {
  it('serves the example meter over the wrapper on TCP until interrupted (--json)', async () => {
    const r = start(['--port', '0', '--json']);
    const [document] = await output(r, /^\{[\s\S]*?\n\}\n/);
    const listening = JSON.parse(document) as {
      listening: { host: string; port: number; framing: string; transport: string };
      logicalDevice: number;
      name: string;
      objects: number;
      clients: { client: number }[];
    };
    expect(listening.listening).toMatchObject({ host: '127.0.0.1', framing: 'wrapper', transport: 'tcp' });
    expect(listening.name).toMatch(/^MLK\d{13}$/);
    expect(listening.clients.map((c) => c.client)).toEqual([16, 1, 2]);
    const port = listening.listening.port;
    const meter = await DlmsClient.connect({
      link: tcp({ host: '127.0.0.1', port }),
      framing: 'wrapper',
      client: 1,
      server: { logical: 1 },
      auth: { mechanism: 'lls', password: '12345678' },
      timeoutMs: 3000,
    });
    try {
      const energy = await meter.readRegister('1.0.1.8.0.255');
      expect(energy.unit).toBe('Wh');
      expect(energy.value).toBeGreaterThan(1_000_000);
      const to = new Date();
      const profile = await meter.readProfile('1.0.99.1.0.255', {
        from: new Date(to.getTime() - 3 * 3_600_000),
        to,
      });
      expect(profile.rows.length).toBeGreaterThanOrEqual(11);
      expect(profile.rows.length).toBeLessThanOrEqual(13);
    } finally {
      await meter.close();
    }
    expect(await r.stop()).toBe(0);
    const stopped = JSON.parse(r.stdout().slice(document.length)) as Record<string, unknown>;
    expect(stopped).toMatchObject({ stopped: true, associations: 1 });
    expect(r.stderr()).toBe('');
    expect(await refused(port)).toBe(true);
  });

  it('serves a meter definition over HDLC, printing where it listens', async () => {
    const r = start([example, '--framing', 'hdlc', '--port', '0']);
    const [, port] = await output(r, /HDLC over TCP on 127\.0\.0\.1:(\d+)\n/);
    expect(r.stdout()).toContain('MLK0000000000042');
    const meter = await DlmsClient.connect({
      link: tcp({ host: '127.0.0.1', port: Number(port) }),
      framing: 'hdlc',
      client: 16,
      server: { logical: 1, physical: 17 },
      timeoutMs: 3000,
    });
    try {
      const name = await meter.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 });
      expect(name).toEqual({ type: 'octet-string', value: new TextEncoder().encode('MLK0000000000042') });
    } finally {
      await meter.close();
    }
    expect(await r.stop()).toBe(0);
    expect(r.stdout()).toMatch(/stopped after \d+ s, 1 association served\n$/);
  });

  it('listens on UDP with --udp', async () => {
    const r = start(['--udp', '--port', '0']);
    const [, port] = await output(r, /the DLMS wrapper over UDP on 127\.0\.0\.1:(\d+)\n/);
    const meter = await DlmsClient.connect({
      link: udp({ host: '127.0.0.1', port: Number(port) }),
      framing: 'wrapper',
      client: 16,
      server: { logical: 1 },
      timeoutMs: 3000,
    });
    try {
      const clock = await meter.readClock();
      expect(Math.abs(clock.date!.getTime() - Date.now())).toBeLessThan(60_000);
      expect([-60, -120]).toContain(clock.deviation);
    } finally {
      await meter.close();
    }
    expect(await r.stop()).toBe(0);
  });

  it.each([
    [['--framing', 'iec'], 2, 'ERR_USAGE', '--framing must be wrapper or hdlc'],
    [['--udp', '--framing', 'hdlc'], 2, 'ERR_USAGE', '--udp needs the wrapper framing'],
    [['--port', '70000'], 2, 'ERR_USAGE', '--port must be an integer 0–65535'],
    [['a.json', 'b.json'], 2, 'ERR_USAGE', "unexpected argument 'b.json'"],
    [['/nonexistent/meter.json'], 2, 'ERR_USAGE', 'cannot read /nonexistent/meter.json'],
    [['--timeout', '5'], 2, 'ERR_USAGE', "option --timeout does not apply to 'simulate'"],
  ])('refuses %j (exit %i, %s)', async (argv, exitCode, code, message) => {
    const r = start(argv);
    expect(await r.done).toBe(exitCode);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).toContain(`meterlink: ${code}: ${message}`);
  });

  it('reports an invalid meter definition with its path', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'meterlink-'));
    try {
      const file = join(dir, 'meter.json');
      await writeFile(
        file,
        JSON.stringify({ objects: [{ class: 'register', obis: '1.0.1.8.0.255', value: 1, scaler: 300 }] }),
      );
      const r = start([file, '--port', '0']);
      expect(await r.done).toBe(2);
      expect(r.stderr()).toContain(
        'meterlink: ERR_INVALID_ARGUMENT: meter definition objects[0].scaler: must be an integer',
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('fails with exit 1 when the port is taken', async () => {
    const first = start(['--port', '0']);
    const [, port] = await output(first, /on 127\.0\.0\.1:(\d+)\n/);
    const second = start(['--port', port!]);
    expect(await second.done).toBe(1);
    expect(second.stderr()).toMatch(/^meterlink: ERR_LINK: /);
    expect(await first.stop()).toBe(0);
  });
});
