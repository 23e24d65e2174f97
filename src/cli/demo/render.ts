/**
 * The demo's output: a readable report per device (text) and the `--json` document.
 *
 * @module
 */

import { type Align, formatNumber, formatTable } from '../output.js';
import type { DemoDevice, DemoProfile } from './scenario.js';

const indent = (text: string, by = '  '): string =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n');

function profileTable(profile: DemoProfile): string {
  const header = profile.columns.map((c, i) => (profile.units[i] ? `${c} (${profile.units[i]})` : c));
  const rows = profile.rows.map(([time, ...values]) => [
    time,
    ...values.map((v) => (v === null ? '–' : formatNumber(v, 0))),
  ]);
  const align = header.map((_, i): Align => (i === 0 ? 'left' : 'right'));
  return [profile.title, formatTable(header, rows, align)].join('\n');
}

function deviceText(device: DemoDevice): string {
  const rows = device.readings.map((r) => [
    r.label,
    typeof r.value === 'string' ? r.value : formatNumber(r.value, r.digits),
    r.unit,
  ]);
  const facts: [string, string | undefined][] = [
    ['route', device.route],
    ['device', device.device],
    ['identity', device.identity],
    ['clock', device.clock],
    ['read at', device.readAt],
  ];
  return [
    device.title,
    ...facts.filter(([, v]) => v !== undefined).map(([k, v]) => `  ${k.padEnd(9)} ${v}`),
    '',
    indent(formatTable(['quantity', 'value', 'unit'], rows, ['left', 'right'])),
    ...(device.profile === undefined ? [] : ['', indent(profileTable(device.profile))]),
  ].join('\n');
}

/** The text report of a demo run. */
export function renderDemo(devices: readonly DemoDevice[]): string {
  return [
    `meterlink demo: ${devices.length} simulated meters on 127.0.0.1, read through an MQTT tunnel (embedded broker, one gateway)`,
    '',
    devices.map(deviceText).join('\n\n'),
    '',
    'Everything stopped. Next: `meterlink simulate` serves a meter to play with; examples/ has scripts to copy.',
  ].join('\n');
}

/** The `--json` document: numbers rounded as displayed (a float32 230.4 is not 230.39999389648438). */
export function demoJson(devices: readonly DemoDevice[]): { devices: unknown[] } {
  return {
    devices: devices.map((d) => ({
      ...d,
      readings: d.readings.map(({ digits, ...reading }) =>
        typeof reading.value === 'number' && digits !== undefined
          ? { ...reading, value: Number(reading.value.toFixed(digits)) }
          : reading,
      ),
    })),
  };
}
