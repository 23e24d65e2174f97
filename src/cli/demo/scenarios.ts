/**
 * The scenarios `meterlink demo` runs, in order. Add DLMS meters, the MQTT tunnel and whatever
 * comes next here.
 *
 * @module
 */

import { modbusRtuOverTcpMeter, modbusTcpMeter } from './modbus-meters.js';
import type { DemoScenario } from './scenario.js';

/** Every demo scenario, in the order they run and print. */
export const demoScenarios: readonly DemoScenario[] = [modbusTcpMeter, modbusRtuOverTcpMeter];
