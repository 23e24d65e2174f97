/**
 * `meterlink action <url> <class> <obis> <method> [parameter]`: invoke one method.
 *
 * @module
 */

import type { Command, CommandResult } from './command.js';
import { dlmsFlags, withDlms } from './dlms-options.js';
import { parseTarget } from './dlms-target.js';
import { parseDataArgument } from './dlms-value-input.js';
import { dataToJson, formatData } from './dlms-values.js';

const name = 'action';

/** `meterlink action`. */
export const action: Command = {
  name,
  synopsis: '<url> <class> <obis> <method> [parameter]',
  summary: 'Invoke a method of a COSEM object (ACTION)',
  description: [
    'Invokes method <method> of the object <obis> of interface class <class> with one ACTION, and prints the data the method returns, if any. [parameter] is written as the <value> of set (e.g. integer:0, the dummy parameter most methods take); without it no parameter is sent.',
    'With --json one document: { url, classId, obis, method, parameter, returned } (typed JSON forms, null when absent).',
  ],
  flags: [...dlmsFlags],
  examples: [
    "meterlink action 'wrapper+tcp://192.168.1.30:4059?client=1' 70 0.0.96.3.10.255 1 integer:0 --password 12345678",
    "meterlink action 'hdlc+tcp://10.0.0.5:4059' 9 0.0.10.0.106.255 1 u16:2 --auth hls-gmac --json",
  ],
  async run(context): Promise<CommandResult> {
    const target = parseTarget(context, name, 'method', 1);
    const text = context.operands[4];
    const parameter = text === undefined ? undefined : parseDataArgument(text, '[parameter]', name);
    const { classId, obis, index: method } = target;
    return withDlms(context, target.urlText, async ({ client, url }) => {
      const returned = await client.action({ classId, obis, method }, parameter, { signal: context.signal });
      const label = target.label === '' ? '' : ` (${target.label})`;
      const result = returned === undefined ? '' : `, returned ${formatData(returned)}  [${returned.type}]`;
      return {
        text: `invoked ${target.path}${label}: success${result}`,
        json: {
          url: url.display,
          classId,
          obis,
          method,
          parameter: parameter === undefined ? null : dataToJson(parameter),
          returned: returned === undefined ? null : dataToJson(returned),
        },
      };
    });
  },
};
