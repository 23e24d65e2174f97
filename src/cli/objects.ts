/**
 * `meterlink objects <url>`: the object list of the association, as a table.
 *
 * @module
 */

import type { AttributeAccessRight } from '../dlms/cosem/object-list.js';
import { describeObis } from '../dlms/cosem/well-known.js';
import { UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { dlmsFlags, withDlms } from './dlms-options.js';
import { formatTable } from './output.js';

const name = 'objects';

/** Attribute access in one letter: r, w, b(oth), - (none); upper case when authenticated. */
function accessLetter(right: AttributeAccessRight): string {
  const letter = { no: '-', read: 'r', write: 'w', both: 'b' };
  const access = right.access;
  const base = access.endsWith('read-and-write')
    ? letter.both
    : access.endsWith('read-only')
      ? letter.read
      : access.endsWith('write-only')
        ? letter.write
        : letter.no;
  return access.startsWith('authenticated') ? base.toUpperCase() : base;
}

/** `meterlink objects`. */
export const objects: Command = {
  name,
  synopsis: '<url>',
  summary: 'List the COSEM objects the association sees (object list)',
  description: [
    'Reads the object_list of the current association (Association LN 0.0.40.0.0.255, attribute 2) and prints one row per object: OBIS code, class id and name, class version, the well-known name of the OBIS code, and the attribute access from attribute 1 on (r read, w write, b both, - none; upper case: authenticated access only). Different clients see different lists: use --client and --auth for a management view.',
    'With --json one document: { url, objects: [{ obis, classId, className, version, name, access: { attributes: [{ id, access, selectors? }], methods: [{ id, access }] } }] }.',
  ],
  flags: [...dlmsFlags],
  examples: [
    "meterlink objects 'wrapper+tcp://192.168.1.30:4059'",
    "meterlink objects 'hdlc+tcp://10.0.0.5:4059?client=1' --password 12345678 --json",
  ],
  async run(context): Promise<CommandResult> {
    const urlText = context.operands[0];
    if (urlText === undefined) throw new UsageError('missing <url>', name);
    if (context.operands.length > 1)
      throw new UsageError(`unexpected argument '${context.operands[1]}'`, name);
    return withDlms(context, urlText, async ({ client, url }) => {
      const list = await client.readObjectList({ signal: context.signal });
      const rows = list.map((o) => [
        o.logicalName,
        String(o.classId),
        o.className ?? '',
        String(o.version),
        describeObis(o.logicalName) ?? '',
        o.access.attributes.map(accessLetter).join(''),
      ]);
      return {
        text: `${url.display}  ${list.length} object${list.length === 1 ? '' : 's'}\n${formatTable(
          ['obis', 'class', 'class name', 'version', 'name', 'attributes'],
          rows,
          ['left', 'right', 'left', 'right'],
        )}`,
        json: {
          url: url.display,
          objects: list.map((o) => ({
            obis: o.logicalName,
            classId: o.classId,
            className: o.className ?? null,
            version: o.version,
            name: describeObis(o.logicalName) ?? null,
            access: {
              attributes: o.access.attributes.map(({ id, access, selectors }) => ({
                id,
                access,
                ...(selectors === undefined ? {} : { selectors }),
              })),
              methods: o.access.methods.map(({ id, access }) => ({ id, access })),
            },
          })),
        },
      };
    });
  },
};
