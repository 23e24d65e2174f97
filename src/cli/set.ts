/**
 * `meterlink set <url> <class> <obis> <attribute> <value>`: write one attribute.
 *
 * @module
 */

import { UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { dlmsFlags, withDlms } from './dlms-options.js';
import { parseTarget } from './dlms-target.js';
import { parseDataArgument } from './dlms-value-input.js';
import { dataToJson, formatData } from './dlms-values.js';

const name = 'set';

/** `meterlink set`. */
export const set: Command = {
  name,
  synopsis: '<url> <class> <obis> <attribute> <value>',
  summary: 'Write one attribute of a COSEM object (SET)',
  description: [
    'Writes <value> to attribute <attribute> of the object <obis> of interface class <class> with one SET (block transfer when it is long). Writing usually needs a management association: --auth lls --password … or --auth hls-gmac with keys.',
    '<value> is typed, as A-XDR needs: <type>:<text> (long-unsigned:7, u16:7, i32:-5, f32:1.5, octet-string:0A0B, visible-string:abc, date-time:2024-06-15T12:00:00Z, obis:1.0.1.8.0.255), null, true or false, or the typed JSON form that get --json prints ({"type":"structure","value":[{"type":"integer","value":-1},{"type":"enum","value":30}]}); quote it for the shell. Short type names: i8 u8 i16 u16 i32 u32 i64 u64 f32 f64 bool string utf8 hex.',
    'With --json one document: { url, classId, obis, attribute, value }.',
  ],
  flags: [...dlmsFlags],
  examples: [
    "meterlink set 'wrapper+tcp://192.168.1.30:4059?client=1' 1 0.0.96.99.3.255 2 u16:8 --password 12345678",
    'meterlink set \'hdlc+tcp://10.0.0.5:4059?client=1\' 3 1.0.0.3.0.255 3 \'{"type":"structure","value":[{"type":"integer","value":0},{"type":"enum","value":30}]}\' --auth lls',
  ],
  async run(context): Promise<CommandResult> {
    const target = parseTarget(context, name, 'attribute', 1);
    const text = context.operands[4];
    if (text === undefined) throw new UsageError('missing <value>', name);
    const value = parseDataArgument(text, '<value>', name);
    const { classId, obis, index: attribute } = target;
    return withDlms(context, target.urlText, async ({ client, url }) => {
      await client.set({ classId, obis, attribute }, value, { signal: context.signal });
      const label = target.label === '' ? '' : ` (${target.label})`;
      return {
        text: `set ${target.path}${label} to ${formatData(value)}  [${value.type}]`,
        json: { url: url.display, classId, obis, attribute, value: dataToJson(value) },
      };
    });
  },
};
