/**
 * Every command of the `meterlink` CLI, in the order `meterlink --help` lists them.
 *
 * @module
 */

import { broker } from './broker.js';
import type { Command } from './command.js';
import { demo } from './demo.js';
import { gateway } from './gateway.js';
import { modbusInfo } from './modbus-info.js';
import { modbusRead } from './modbus-read.js';
import { modbusWrite } from './modbus-write.js';
import { simulate } from './simulate.js';

/** The commands, each named by its words (`modbus read`). */
export const commands: readonly Command[] = [
  modbusRead,
  modbusWrite,
  modbusInfo,
  simulate,
  gateway,
  broker,
  demo,
];

/** Command groups (first words shared by several commands) with their one-line description. */
export const groups: Readonly<Record<string, string>> = {
  modbus: 'Modbus client commands: read, write, info',
};
