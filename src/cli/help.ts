/**
 * Help texts: `meterlink --help`, `meterlink <group> --help` and `meterlink <command> --help`.
 *
 * @module
 */

import { type FlagName, flagSpecs } from './args.js';
import type { Command } from './command.js';
import { commands, groups } from './commands.js';
import { formatTable } from './output.js';
import { version } from './version.js';

const width = 96;

/** Wraps a paragraph at {@link width} columns, indented by `indent`. */
function wrap(text: string, indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function flagRows(names: readonly FlagName[]): string[][] {
  return names.map((name) => {
    const spec = flagSpecs[name];
    const short = 'short' in spec ? `-${spec.short}, ` : '';
    return [`${short}--${name}${spec.value === false ? '' : ` ${spec.value}`}`, spec.help];
  });
}

function usageOf(command: Command): string {
  return `meterlink ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`;
}

const urlHelp = [
  ["'hdlc+tcp://host[:port]?client=16&server=1'", 'DLMS, HDLC frames over TCP (port 4059 by default)'],
  ["'wrapper+tcp://host[:port]'", 'DLMS, wrapper over TCP (IEC 62056-47)'],
  ["'wrapper+udp://host[:port]'", 'DLMS, wrapper over UDP'],
  ["'hdlc+serial:///dev/ttyUSB0?baud=9600'", 'DLMS, HDLC on a serial line (optical probe: &modee=1)'],
  ["'hdlc+mqtt://broker:1883/gw-1/p0'", 'DLMS through an MQTT tunnel gateway (apdu+mqtt: APDU mode)'],
  ["'modbus+tcp://host[:port]?unit=1'", 'Modbus/TCP (port 502 by default)'],
  ["'modbus+udp://host[:port]?unit=1'", 'Modbus/TCP framing over UDP'],
  ["'modbus+rtutcp://host:port?unit=3'", 'RTU frames over TCP (serial-to-Ethernet converters)'],
  ["'modbus+rtuudp://host:port?unit=3'", 'RTU frames over UDP'],
  ["'modbus+rtu:///dev/ttyUSB0?baud=19200&unit=3'", 'RTU on a serial line (COM3: modbus+rtu://COM3)'],
  ["'modbus+ascii:///dev/ttyUSB0?baud=9600&unit=3'", 'ASCII on a serial line'],
];

/** `meterlink --help`. */
export function globalHelp(): string {
  const rows = [
    ...commands.map((c) => [usageOf(c).slice('meterlink '.length), c.summary]),
    ['help [command]', 'Show the help of a command'],
  ];
  return [
    `meterlink ${version}: talk to electricity, gas, water and heat meters (DLMS/COSEM, Modbus, MQTT tunnels)`,
    '',
    'Usage',
    '  meterlink <command> [arguments] [options]',
    '  meterlink <command> --help        usage and examples of one command',
    '',
    'Commands',
    indent(formatTable(['', ''], rows).split('\n').slice(1).join('\n')),
    '',
    'Options',
    indent(
      formatTable(['', ''], flagRows(Object.keys(flagSpecs) as FlagName[]))
        .split('\n')
        .slice(1)
        .join('\n'),
    ),
    '',
    'Meter URLs (quote them: ? and & mean something to the shell)',
    indent(formatTable(['', ''], urlHelp).split('\n').slice(1).join('\n')),
    wrap(
      'Modbus parameters: unit (0–255), timeout (ms), retries, inflight (TCP/UDP); baud, parity (none|even|odd), databits, stopbits (serial lines). Serial lines need the optional package serialport.',
    ),
    wrap(
      'DLMS parameters: client (SAP), server (logical device), physical (HDLC address), timeout (ms), pdu, auth (none|lls|hls-gmac), policy; HDLC: window, maxinfo, retries. Passwords and keys never go in the URL: --password, --enc-key, --auth-key or METERLINK_PASSWORD, METERLINK_ENC_KEY, METERLINK_AUTH_KEY.',
    ),
    '',
    'Output and exit codes',
    wrap(
      'Results go to stdout (one JSON document with --json). Errors are one line on stderr, "meterlink: <code>: <message>". Exit code 0 on success, 1 when the operation failed (link, timeout, exception response), 2 for a usage error (unknown command or option, bad URL or value), 130 when interrupted.',
    ),
    '',
    'Try: meterlink demo',
  ].join('\n');
}

/** `meterlink <group> --help`, e.g. `meterlink modbus --help`. */
export function groupHelp(group: string): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  const rows = members.map((c) => [usageOf(c), c.summary]);
  return [
    `meterlink ${group}: ${groups[group] ?? ''}`,
    '',
    'Commands',
    indent(formatTable(['', ''], rows).split('\n').slice(1).join('\n')),
    '',
    `Run 'meterlink ${group} <command> --help' for the usage and an example of a command.`,
  ].join('\n');
}

/** `meterlink <command> --help`. */
export function commandHelp(command: Command): string {
  const flags: FlagName[] = [...command.flags, 'json', 'help'];
  return [
    `Usage: ${usageOf(command)} [options]`,
    '',
    command.summary,
    '',
    ...command.description.flatMap((paragraph) => [wrap(paragraph), '']),
    'Options',
    indent(formatTable(['', ''], flagRows(flags)).split('\n').slice(1).join('\n')),
    '',
    'Examples',
    ...command.examples.map((example) => `  ${example}`),
  ].join('\n');
}
