/**
 * `meterlink modbus info <url>`: FC43/14 Read Device Identification.
 *
 * @module
 */

import type { DeviceIdentification } from '../modbus/client/device-identification.js';
import type { ModbusClient } from '../modbus/client/modbus-client.js';
import { ModbusException } from '../modbus/client/modbus-exception.js';
import { deviceIdObjectName } from '../modbus/pdu/device-id-objects.js';
import { stringFlag, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { operand, withModbus } from './modbus-options.js';
import { formatTable } from './output.js';

const name = 'modbus info';

type Category = 'basic' | 'regular' | 'extended';
const categories: readonly Category[] = ['basic', 'regular', 'extended'];

const latin1 = new TextDecoder('latin1');

/**
 * Reads the identification. Without `--category`, asks for the regular objects and falls back
 * to the basic ones for a device that refuses regular access with an exception (spec §6.21:
 * only the basic category is mandatory).
 */
async function identify(
  client: ModbusClient,
  category: Category | undefined,
  signal: AbortSignal,
): Promise<DeviceIdentification> {
  try {
    return await client.readDeviceIdentification({ category: category ?? 'regular' }, { signal });
  } catch (error) {
    if (category !== undefined || !(error instanceof ModbusException)) throw error;
    return client.readDeviceIdentification({ category: 'basic' }, { signal });
  }
}

/** `meterlink modbus info`. */
export const modbusInfo: Command = {
  name,
  synopsis: '<url>',
  summary: 'Read the device identification (FC43/14)',
  description: [
    'Reads the device identification objects with FC43 / MEI 14 (stream access). --category picks basic (objects 0–2), regular (default, 0–6, falling back to basic when refused) or extended (private objects 0x80–0xFF as well).',
    'With --json: { url, conformityLevel, vendorName, productCode, majorMinorRevision, …, objects: [{ id, name, value }] }.',
  ],
  flags: ['timeout', 'unit', 'retries', 'category'],
  examples: [
    "meterlink modbus info 'modbus+tcp://192.168.1.20?unit=1'",
    "meterlink modbus info 'modbus+rtu:///dev/ttyUSB0?baud=9600&unit=3' --category extended --json",
  ],
  async run(context): Promise<CommandResult> {
    const urlText = operand(context, 0, '<url>', name);
    if (context.operands.length > 1)
      throw new UsageError(`unexpected argument '${context.operands[1]}'`, name);
    const categoryText = stringFlag(context.args, 'category');
    if (categoryText !== undefined && !categories.includes(categoryText as Category)) {
      throw new UsageError(
        `unknown --category '${categoryText}' (expected basic, regular or extended)`,
        name,
      );
    }
    return withModbus(context, urlText, async ({ client, url }) => {
      const id = await identify(client, categoryText as Category | undefined, context.signal);
      const objects = id.objects.map((o) => ({
        id: o.id,
        name: deviceIdObjectName(o.id),
        value: latin1.decode(o.value),
      }));
      const { objects: _raw, ...named } = id;
      const rows = objects.map((o) => [`0x${o.id.toString(16).padStart(2, '0')}`, o.name, o.value]);
      const level = `0x${id.conformityLevel.toString(16).padStart(2, '0')}`;
      return {
        text: `${url.display}  device identification (conformity level ${level})\n${formatTable(['id', 'object', 'value'], rows)}`,
        json: { url: url.display, ...named, objects },
      };
    });
  },
};
