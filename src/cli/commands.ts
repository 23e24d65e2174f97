/**
 * Every command of the `meterlink` CLI, in the order `meterlink --help` lists them.
 *
 * @module
 */

import { action } from './action.js';
import { broker } from './broker.js';
import { clock, clockSet } from './clock.js';
import type { Command } from './command.js';
import { demo } from './demo.js';
import { gateway } from './gateway.js';
import { get } from './get.js';
import { modbusInfo } from './modbus-info.js';
import { modbusRead } from './modbus-read.js';
import { modbusWrite } from './modbus-write.js';
import { objects } from './objects.js';
import { profile } from './profile.js';
import { read } from './read.js';
import { set } from './set.js';
import { simulate } from './simulate.js';

/** The commands, each named by its words (`modbus read`). */
export const commands: readonly Command[] = [
  read,
  get,
  set,
  action,
  objects,
  profile,
  clock,
  clockSet,
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
