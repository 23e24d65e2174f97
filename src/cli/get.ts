/**
 * `meterlink get <url> <class> <obis> <attribute>`: one attribute, raw.
 *
 * @module
 */

import type { Command, CommandResult } from './command.js';
import { dlmsFlags, withDlms } from './dlms-options.js';
import { parseTarget } from './dlms-target.js';
import { dataToJson, formatData } from './dlms-values.js';

const name = 'get';

/** `meterlink get`. */
export const get: Command = {
  name,
  synopsis: '<url> <class> <obis> <attribute>',
  summary: 'Read one attribute of a COSEM object (GET), as it is',
  description: [
    'Reads attribute <attribute> (1 = logical_name) of the object <obis> of interface class <class> (1 Data, 3 Register, 7 Profile generic, 8 Clock, 15 Association LN …) with one GET, block transfer included, and prints it with its A-XDR type.',
    'With --json one document: { url, classId, obis, attribute, value } where value is the typed JSON form ({ "type": "long-unsigned", "value": 7 }) that set and action accept.',
  ],
  flags: [...dlmsFlags],
  examples: [
    "meterlink get 'wrapper+tcp://192.168.1.30:4059' 3 1.0.1.8.0.255 3",
    "meterlink get 'hdlc+tcp://10.0.0.5:4059?client=1' 1 0.0.96.1.0.255 2 --password 12345678 --json",
  ],
  async run(context): Promise<CommandResult> {
    const target = parseTarget(context, name, 'attribute', 0);
    const { classId, obis, index: attribute } = target;
    return withDlms(context, target.urlText, async ({ client, url }) => {
      const value = await client.get({ classId, obis, attribute }, { signal: context.signal });
      const label = target.label === '' ? '' : ` (${target.label})`;
      return {
        text: `${target.path}${label} = ${formatData(value)}  [${value.type}]`,
        json: { url: url.display, classId, obis, attribute, value: dataToJson(value) },
      };
    });
  },
};
