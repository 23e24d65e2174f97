/**
 * `meterlink demo`: starts simulated meters on 127.0.0.1, reads them through the public API,
 * prints the readings, and stops everything.
 *
 * @module
 */

import { integerFlag, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import type { DemoContext, DemoDevice } from './demo/scenario.js';
import { demoScenarios } from './demo/scenarios.js';
import { formatNumber, formatTable } from './output.js';

const name = 'demo';

/** Runs every scenario; cleanups always run, in reverse order, before this returns or throws. */
async function runScenarios(signal: AbortSignal, timeoutMs: number): Promise<DemoDevice[]> {
  const cleanups: (() => unknown)[] = [];
  const context: DemoContext = { signal, timeoutMs, defer: (cleanup) => cleanups.push(cleanup) };
  try {
    const devices: DemoDevice[] = [];
    for (const scenario of demoScenarios) devices.push(...(await scenario.run(context)));
    return devices;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Cleanup is best effort: the demo's own result (or error) is what matters.
      }
    }
  }
}

function render(devices: readonly DemoDevice[]): string {
  const sections = devices.map((device) => {
    const rows = device.readings.map((r) => [
      r.label,
      typeof r.value === 'string' ? r.value : formatNumber(r.value, r.digits),
      r.unit,
    ]);
    const table = formatTable(['quantity', 'value', 'unit'], rows, ['left', 'right'])
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    return [
      device.title,
      `  url       ${device.url}`,
      ...(device.identity === undefined ? [] : [`  device    ${device.identity}`]),
      '',
      table,
    ].join('\n');
  });
  return [
    'meterlink demo: simulated meters on 127.0.0.1, read through connect(url) with typed register maps',
    '',
    sections.join('\n\n'),
    '',
    'All simulators stopped. Try `meterlink modbus read --help` to read a real meter.',
  ].join('\n');
}

/** `meterlink demo`. */
export const demo: Command = {
  name,
  synopsis: '',
  summary: 'Run simulated energy meters, read them and print the readings',
  description: [
    'Starts a simulated single-phase energy meter on Modbus/TCP and a three-phase meter speaking RTU frames over TCP, both on 127.0.0.1 with ports the OS picks. Reads their device identification and a typed register map (float32 voltage, current, power and frequency; 32- and 64-bit energy counters; serial-number strings) through connect(url), prints them with units, then stops everything. Needs no network and no hardware.',
    'With --json: { devices: [{ title, url, identity, readings: [{ label, value, unit }] }] } (64-bit values as decimal strings).',
  ],
  flags: ['timeout'],
  examples: ['meterlink demo', 'meterlink demo --json'],
  async run(context): Promise<CommandResult> {
    if (context.operands.length > 0)
      throw new UsageError(`unexpected argument '${context.operands[0]}'`, name);
    const timeoutMs = integerFlag(context.args, 'timeout', 1, 60_000) ?? 2000;
    const devices = await runScenarios(context.signal, timeoutMs);
    return {
      text: render(devices),
      json: {
        devices: devices.map((d) => ({
          ...d,
          // Rounded as displayed: a float32 voltage is 230.4, not 230.39999389648438.
          readings: d.readings.map(({ digits, ...reading }) =>
            typeof reading.value === 'number' && digits !== undefined
              ? { ...reading, value: Number(reading.value.toFixed(digits)) }
              : reading,
          ),
        })),
      },
    };
  },
};
