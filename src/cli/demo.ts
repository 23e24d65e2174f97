/**
 * `meterlink demo`: starts simulated meters, an embedded MQTT broker and a tunnel gateway on
 * 127.0.0.1, reads every meter through the tunnel, prints the readings, and stops everything.
 *
 * @module
 */

import { integerFlag, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { demoJson, renderDemo } from './demo/render.js';
import { runDemo } from './demo/run-demo.js';
import { demoScenarios } from './demo/scenarios.js';

const name = 'demo';

/** Limit of the whole run: `npm run demo` must end well within 30 s even on a slow machine. */
const limitMs = 25_000;

/** `meterlink demo`. */
export const demo: Command = {
  name,
  synopsis: '',
  summary: 'Run simulated energy meters behind an MQTT tunnel, read them and print the readings',
  description: [
    "Starts, on 127.0.0.1 with ports the OS picks: two simulated DLMS/COSEM meters (the example meter of `meterlink simulate`; one speaking HDLC with LLS, one speaking the wrapper with HLS-GMAC and authenticated-encrypted APDUs), a simulated three-phase Modbus meter on an RS-485 line (unit 7), the embedded MQTT broker, and one tunnel gateway with a port for each meter (protocols hdlc, raw and modbus-rtu). Then reads every meter through the broker, as a head-end would: the DLMS meters' clock, energy registers, voltages, currents, power, frequency, power factor and the last 4 rows of the 15-minute load profile; the Modbus meter's device identification and a typed register map. Prints them with units and timestamps and stops everything. Needs no network, no hardware and nothing installed beyond `npm ci`.",
    `--timeout bounds every request and connect step (default 5000 ms); the whole run is limited to ${limitMs / 1000} s.`,
    'With --json: { devices: [{ title, route, device, identity, clock, readAt, readings: [{ label, value, unit }], profile: { title, columns, units, rows } }] } (64-bit values as decimal strings).',
  ],
  flags: ['timeout'],
  examples: ['meterlink demo', 'meterlink demo --json'],
  async run(context): Promise<CommandResult> {
    if (context.operands.length > 0)
      throw new UsageError(`unexpected argument '${context.operands[0]}'`, name);
    const timeoutMs = integerFlag(context.args, 'timeout', 1, 60_000) ?? 5000;
    const devices = await runDemo({ scenarios: demoScenarios, signal: context.signal, timeoutMs, limitMs });
    return { text: renderDemo(devices), json: demoJson(devices) };
  },
};
