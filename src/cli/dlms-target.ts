/**
 * The `<url> <class> <obis> <index>` operands of `get`, `set` and `action`.
 *
 * @module
 */

import { attributeName, classById, methodName } from '../dlms/cosem/classes.js';
import { parseObisText } from '../dlms/cosem/obis.js';
import { parseInteger, UsageError } from './args.js';
import type { CommandContext } from './command.js';

/** An attribute or a method of an object. */
export interface DlmsTarget {
  /** The meter URL text. */
  urlText: string;
  /** Interface class. */
  classId: number;
  /** Dotted OBIS. */
  obis: string;
  /** Attribute or method index. */
  index: number;
  /** `classId/obis/index`, as error messages write it. */
  path: string;
  /** `Class attribute` or `Class method` names when §11.3 knows them (`Register value`), else `''`. */
  label: string;
}

/**
 * Reads the first four operands; `extra` is how many more the command takes (0 or 1).
 *
 * @throws {@link UsageError} for a missing, malformed or unexpected operand; InvalidArgumentError
 *   for a malformed OBIS code
 */
export function parseTarget(
  context: CommandContext,
  command: string,
  kind: 'attribute' | 'method',
  extra: number,
): DlmsTarget {
  const names = ['<url>', '<class>', '<obis>', `<${kind}>`];
  names.forEach((what, i) => {
    if (context.operands[i] === undefined) throw new UsageError(`missing ${what}`, command);
  });
  if (context.operands.length > 4 + extra) {
    throw new UsageError(`unexpected argument '${context.operands[4 + extra]}'`, command);
  }
  const [urlText, classText, obisText, indexText] = context.operands as [string, string, string, string];
  const classId = parseInteger(classText, '<class>', 0, 0xffff);
  const obis = parseObisText(obisText).dotted;
  const index = parseInteger(indexText, `<${kind}>`, 1, 127);
  const className = classById(classId)?.name;
  const member = kind === 'attribute' ? attributeName(classId, index) : methodName(classId, index);
  return {
    urlText,
    classId,
    obis,
    index,
    path: `${classId}/${obis}/${index}`,
    label: className === undefined || member === undefined ? '' : `${className} ${member}`,
  };
}
