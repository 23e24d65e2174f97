// `meterlink demo` in-process: three simulated meters read through the embedded broker and a
// tunnel gateway; it exits 0 with every meter's readings (DLMS profile rows included) and leaves
// nothing open — no listening port, no socket, no timer keeping the process alive.
import { connect as connectTcp } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: readonly string[], signal?: AbortSignal): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    ...(signal === undefined ? {} : { signal }),
  });
  return { code, stdout, stderr };
}

/** Socket, server and timer handles keeping the process alive, by type. */
function handles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (/TCP|UDP|Timeout|Pipe/.test(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** Waits (bounded) until no more handles of any type are active than in `baseline`. */
async function expectHandlesBackTo(baseline: Map<string, number>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const extra = (): string[] =>
    [...handles()].filter(([type, n]) => n > (baseline.get(type) ?? 0)).map(([type, n]) => `${type}×${n}`);
  while (extra().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(extra()).toEqual([]);
}

/** Resolves true when a TCP connection to 127.0.0.1:`port` is refused (bounded). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

/** The ports the demo listened on, from its output: the broker and the two DLMS meters. */
function portsIn(output: string): number[] {
  return [...output.matchAll(/(?:mqtt|hdlc\+tcp|wrapper\+tcp):\/\/127\.0\.0\.1:(\d+)/g)].map((m) =>
    Number(m[1]),
  );
}

describe('meterlink demo', () => {
  it('reads every meter through the tunnel, exits 0 and leaves nothing open', {
    timeout: 30_000,
  }, async () => {
    const baseline = handles();
    const started = Date.now();
    const run = await cli(['demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
    const out = run.stdout;

    // Every meter is reached through the broker and one gateway, on its own port.
    expect(out).toMatch(/route +mqtt:\/\/127\.0\.0\.1:\d+ → gateway demo-gw, port dlms-hdlc \(hdlc\)/);
    expect(out).toMatch(/route +mqtt:\/\/127\.0\.0\.1:\d+ → gateway demo-gw, port dlms-wrapper \(raw\)/);
    expect(out).toMatch(/route +mqtt:\/\/127\.0\.0\.1:\d+ → gateway demo-gw, port modbus-rtu \(modbus-rtu\)/);
    expect(out).toContain('DLMS/COSEM HDLC, LLS');
    expect(out).toContain('DLMS/COSEM wrapper, HLS-GMAC, authenticated-encrypted');

    // The DLMS meters: clock, energy, instantaneous values with units, 4 profile rows each.
    expect(out.match(/^ {2}clock +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/gm)).toHaveLength(2);
    expect(out.match(/^ {2}Active energy import \(\+A\) +\d+ {2}Wh$/gm)).toHaveLength(2);
    expect(out.match(/^ {2}Voltage L1 +2\d\d\.\d {2}V$/gm)).toHaveLength(3);
    expect(out.match(/^ {2}Frequency +\d\d\.\d\d {2}Hz$/gm)).toHaveLength(3);
    expect(out.match(/^ {2}Load profile 1\.0\.99\.1\.0\.255 \(15 min\), last 4 entries$/gm)).toHaveLength(2);
    const rows = out.match(/^ {2}\d{4}-\d\d-\d\d \d\d:(00|15|30|45):00 [+-]\d\d:\d\d( +\d+){4}$/gm);
    expect(rows).toHaveLength(8);
    // The secret stays secret.
    expect(out).not.toContain('12345678');
    expect(out).not.toMatch(/000102030405|D0D1D2D3/i);

    // The Modbus meter: identification and the typed register map.
    expect(out).toContain('meterlink Three-phase energy meter (simulated) rev 2.1');
    expect(out).toMatch(/Serial number\s+ML3P-23-0042/);
    expect(out).toMatch(/Voltage L3\s+230\.5\s+V/);
    expect(out).toMatch(/Frequency\s+49\.98\s+Hz/);
    expect(out).toMatch(/Imported energy\s+84213\.7\s+kWh/);

    // Nothing left: the broker's and the meters' ports refuse, no handle outlives the run.
    const ports = portsIn(out);
    expect(new Set(ports).size).toBe(3);
    for (const port of new Set(ports)) expect(await refused(port)).toBe(true);
    await expectHandlesBackTo(baseline);
  });

  it('--json', { timeout: 30_000 }, async () => {
    const run = await cli(['demo', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      devices: {
        route: string;
        clock?: string;
        readAt: string;
        readings: { label: string; value: unknown; unit: string }[];
        profile?: { columns: string[]; units: string[]; rows: unknown[][] };
      }[];
    };
    expect(doc.devices).toHaveLength(3);
    const [hdlc, wrapper, modbus] = doc.devices;
    for (const dlms of [hdlc, wrapper]) {
      expect(dlms?.clock).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/);
      expect(dlms?.readings).toContainEqual({
        label: 'Active energy import (+A)',
        value: expect.any(Number),
        unit: 'Wh',
      });
      expect(dlms?.profile?.columns).toEqual(['time', '+A', '−A', '+A T1', '+A T2']);
      expect(dlms?.profile?.units).toEqual(['', 'Wh', 'Wh', 'Wh', 'Wh']);
      expect(dlms?.profile?.rows).toHaveLength(4);
      for (const row of dlms?.profile?.rows ?? []) {
        expect(row[0]).toMatch(/:(00|15|30|45):00 /);
        expect(row.slice(1).every((v) => typeof v === 'number')).toBe(true);
      }
    }
    expect(new Date(modbus!.readAt).getTime()).toBeGreaterThan(0);
    expect(modbus?.route).toContain('port modbus-rtu (modbus-rtu)');
    expect(modbus?.readings).toContainEqual({ label: 'Frequency', value: 49.98, unit: 'Hz' });
    expect(modbus?.readings).toContainEqual({ label: 'Voltage L1', value: 231.2, unit: 'V' });
  });

  it('Ctrl-C in the middle: exit 130, one error line, everything closed', { timeout: 30_000 }, async () => {
    const baseline = handles();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('interrupted')), 40);
    const run = await cli(['demo'], controller.signal);
    clearTimeout(timer);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^meterlink: ERR_ABORTED: [^\n]+\n$/);
    expect(run.code).toBe(130);
    await expectHandlesBackTo(baseline);
  });
});
