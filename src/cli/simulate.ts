/**
 * `meterlink simulate [meter.json]`: serves a simulated DLMS/COSEM meter — the example meter, or
 * one defined in a JSON file — on TCP or UDP until interrupted.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { toHex } from '../core/hex.js';
import { formatObis } from '../dlms/cosem/obis.js';
import type { CosemObject } from '../dlms/server/cosem-object.js';
import { type DlmsPush, DlmsServer } from '../dlms/server/dlms-server.js';
import { exampleMeter } from '../dlms/server/meter/example-meter.js';
import { loadMeterDefinition } from '../dlms/server/meter/load-meter-definition.js';
import type { AssociationOptions } from '../dlms/server/server-options.js';
import { integerFlag, stringFlag, UsageError } from './args.js';
import type { Command, CommandContext, CommandResult } from './command.js';
import { formatTable, toJson } from './output.js';

const name = 'simulate';

/** The logical device the meter is served as (HDLC upper address / wrapper wPort). */
const logicalDevice = 1;

/** Suite 0 test keys of the HLS-GMAC client (printed: the simulator is not a real meter). */
const keys = {
  encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i),
  authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i),
};
/** 'MLK' then 00 00 00 00 01. */
const systemTitle = Uint8Array.of(0x4d, 0x4c, 0x4b, 0, 0, 0, 0, 1);
const password = '12345678';

/** The associations clients may open, and how the banner describes them. */
const associations: readonly (AssociationOptions & { describe: string })[] = [
  { client: 16, mechanism: 'none', describe: 'public: no authentication, read-only' },
  { client: 1, mechanism: 'lls', password, describe: `management: LLS, password ${password}` },
  {
    client: 2,
    mechanism: 'hls-gmac',
    keys,
    describe: `management: HLS-GMAC, EK ${toHex(keys.encryptionKey)}, AK ${toHex(keys.authenticationKey)}, system title ${toHex(systemTitle)}`,
  },
];

/** The command line, checked. */
interface SimulateArguments {
  file: string | undefined;
  framing: 'hdlc' | 'wrapper';
  port: number;
  host: string;
  transport: 'tcp' | 'udp';
}

function parse(context: CommandContext): SimulateArguments {
  if (context.operands.length > 1) throw new UsageError(`unexpected argument '${context.operands[1]}'`, name);
  const framing = stringFlag(context.args, 'framing') ?? 'wrapper';
  if (framing !== 'hdlc' && framing !== 'wrapper') {
    throw new UsageError(`--framing must be wrapper or hdlc, got '${framing}'`, name);
  }
  const transport = context.args.flags.udp === true ? 'udp' : 'tcp';
  // §2: UDP carries the wrapper profile only.
  if (transport === 'udp' && framing === 'hdlc')
    throw new UsageError('--udp needs the wrapper framing', name);
  return {
    file: context.operands[0],
    framing,
    port: integerFlag(context.args, 'port', 0, 65535) ?? 4059,
    host: stringFlag(context.args, 'host') ?? '127.0.0.1',
    transport,
  };
}

/** The meter's objects: the example meter or the file's; pushes go through `push`. */
async function meterObjects(file: string | undefined, push: (p: DlmsPush) => void): Promise<CosemObject[]> {
  if (file === undefined) return exampleMeter({ onPush: push });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, name);
  }
  return loadMeterDefinition(text, { onPush: push });
}

/** The logical device name of the objects (0.0.42.0.0.255), as text. */
function deviceNameOf(objects: readonly CosemObject[]): string {
  const object = objects.find((o) => o.classId === 1 && formatObis(o.logicalName) === '0.0.42.0.0.255');
  const value = object?.get(2, undefined, { client: 0, logicalDevice, mechanism: 'none', now: new Date() });
  return value !== undefined && 'type' in value && value.type === 'octet-string'
    ? String.fromCharCode(...value.value)
    : 'MLK0000000000001';
}

/** Resolves when `signal` aborts. */
function interrupted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** `meterlink simulate`. */
export const simulate: Command = {
  name,
  synopsis: '[meter.json]',
  summary: 'Serve a simulated DLMS/COSEM meter until interrupted',
  description: [
    'Serves a simulated meter as logical device 1 until Ctrl-C: without [meter.json] the example meter — a three-phase household meter with energy registers (scalers and units), instantaneous values, a running clock (CET with daylight saving), a 15-minute load profile of 30 days, an event log, disconnect control and push setup; with [meter.json] the objects that file defines (see examples/meters/example.json).',
    'Listens on --host (default 127.0.0.1) and --port (default 4059, 0 = any free port) with the DLMS wrapper (default) or --framing hdlc, over TCP, or UDP with --udp (wrapper only). Clients: 16 (public, no authentication, read-only), 1 (LLS, password 12345678) and 2 (HLS-GMAC with the test keys printed at start).',
    'Prints where it listens as soon as it does; on Ctrl-C it closes every connection and prints how many associations it served. With --json each of the two is one JSON document: { listening: { host, port, framing, transport }, logicalDevice, name, objects, clients } and { stopped: true, associations, seconds }.',
  ],
  flags: ['framing', 'port', 'host', 'udp'],
  examples: [
    'meterlink simulate',
    'meterlink simulate --framing hdlc --port 4060',
    'meterlink simulate examples/meters/example.json --udp --port 0 --json',
  ],
  async run(context): Promise<CommandResult> {
    const options = parse(context);
    let sender: ((push: DlmsPush) => void) | undefined;
    const objects = await meterObjects(options.file, (push) => sender?.(push));
    const meterName = deviceNameOf(objects);
    const server = new DlmsServer({
      logicalDevices: [{ address: logicalDevice, objects, systemTitle, name: meterName }],
      associations: associations.map(({ describe: _, ...association }) => association),
    });
    sender = server.pushSender();
    let served = 0;
    server.on('association', () => served++);
    const started = Date.now();
    try {
      const listener = await server.listen({
        port: options.port,
        host: options.host,
        framing: options.framing,
        transport: options.transport,
      });
      const listening = {
        host: listener.host,
        port: listener.port,
        framing: options.framing,
        transport: options.transport,
      };
      const clients = associations.map((a) => ({ client: a.client, description: a.describe }));
      if (context.json) {
        context.stdout.write(
          toJson({ listening, logicalDevice, name: meterName, objects: objects.length, clients }),
        );
      } else {
        const framing = options.framing === 'hdlc' ? 'HDLC' : 'the DLMS wrapper';
        const address =
          options.framing === 'hdlc' ? 'HDLC upper address 1 (any lower address)' : 'wrapper port (wPort) 1';
        context.stdout.write(
          [
            `meterlink simulate: ${options.file ?? 'the example meter'} (${meterName}, ${objects.length} objects), ${framing} over ${options.transport.toUpperCase()} on ${listener.host}:${listener.port}`,
            `  logical device ${logicalDevice}: ${address}`,
            formatTable(
              ['  client', 'association'],
              clients.map((c) => [`  ${c.client}`, c.description]),
              ['right'],
            ),
            'Stop with Ctrl-C.',
            '',
          ].join('\n'),
        );
      }
      await interrupted(context.signal);
    } finally {
      await server.close();
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    return {
      text: `meterlink simulate: stopped after ${seconds} s, ${served} association${served === 1 ? '' : 's'} served`,
      json: { stopped: true, associations: served, seconds },
    };
  },
};
