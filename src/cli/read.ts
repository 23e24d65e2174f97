/**
 * `meterlink read <url> <obis...>`: values with their units.
 *
 * @module
 */

import { stringFlag, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { readFleetFile } from './dlms-fleet.js';
import { dlmsFlags, withDlms } from './dlms-options.js';
import { parseReadItem, readItems, readingJson } from './dlms-reading.js';
import { formatTable } from './output.js';

const name = 'read';

/** `meterlink read`. */
export const read: Command = {
  name,
  synopsis: '<url> <obis...>  |  --fleet <meters.csv> <obis...>',
  summary: 'Read DLMS/COSEM objects by OBIS code: values with units',
  description: [
    'Associates with the meter and reads each <obis> (1.0.1.8.0.255, 1-0:1.8.0 or 1-0:1.8.0*255): a Register, Extended or Demand register is read with its scaler and unit, the Clock as an instant, any other object as its attribute 2. The class is taken from the OBIS code (Clock for 0.0.1.0.0.255, registers for physical quantities, Data otherwise); write class/obis (e.g. 7/1.0.99.1.0.255) to give it, and a wrong guess is corrected from the object list.',
    'Authentication and ciphering: --auth, --password, --enc-key, --auth-key, --system-title, --policy (see meterlink --help); secrets may come from the environment instead and are never printed.',
    'Prints obis, name, value and unit; with --json one document: { url, values: [{ obis, classId, name, value, unit, scaler?, captureTime?, raw }] } (raw: the attribute in the typed JSON form that set and action accept).',
    'With --fleet meters.csv instead of <url>: reads the objects from every meter of the file (header row id,url[,client,server]; client and server override the URL and the flags for that meter; the flags apply to every meter), --concurrency at a time (default 8) and one at a time per gateway, serial line or host:port, retrying a failed meter once. Prints one line per meter as it completes — "<id>  ok  <obis>=<value> <unit> …" or "<id>  failed  <code>: <message>" — then a summary line; with --json one JSON object per line, { id, url, ok, values | error: { code, message } }, then { summary: { meters, ok, failed } }. The exit code is 0 once every meter has its line, whether read or failed.',
  ],
  flags: [...dlmsFlags, 'fleet', 'concurrency'],
  examples: [
    "meterlink read 'wrapper+tcp://192.168.1.30:4059' 1.0.1.8.0.255 1.0.32.7.0.255 0.0.1.0.0.255",
    "METERLINK_PASSWORD=12345678 meterlink read 'hdlc+tcp://10.0.0.5:4059?client=1&physical=17' 1-0:1.8.0 --auth lls --json",
    "meterlink read 'hdlc+serial:///dev/ttyUSB0?baud=9600' 0.0.96.1.0.255",
    'meterlink read --fleet meters.csv 1.0.1.8.0.255 0.0.1.0.0.255 --concurrency 32 --json > readings.jsonl',
  ],
  async run(context): Promise<CommandResult> {
    if (stringFlag(context.args, 'fleet') !== undefined) {
      if (context.operands.length === 0) throw new UsageError('missing <obis...>', name);
      return readFleetFile(
        context,
        context.operands.map((code) => parseReadItem(code, name)),
        name,
      );
    }
    for (const flag of ['concurrency'] as const) {
      if (context.args.flags[flag] !== undefined) throw new UsageError(`--${flag} needs --fleet`, name);
    }
    const [urlText, ...codes] = context.operands;
    if (urlText === undefined) throw new UsageError('missing <url>', name);
    if (codes.length === 0) throw new UsageError('missing <obis...>', name);
    const items = codes.map((code) => parseReadItem(code, name));
    return withDlms(context, urlText, async ({ client, url }) => {
      const readings = await readItems(client, items, context.signal);
      const rows = readings.map((r) => [r.obis, r.name ?? '', r.text, r.unit]);
      return {
        text: `${url.display}\n${formatTable(['obis', 'name', 'value', 'unit'], rows)}`,
        json: { url: url.display, values: readings.map(readingJson) },
      };
    });
  },
};
