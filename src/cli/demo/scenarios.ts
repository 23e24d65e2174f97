/**
 * The scenarios `meterlink demo` runs: each is one simulated device on a port of the demo's
 * gateway. Add new devices here.
 *
 * @module
 */

import { dlmsHdlcMeter, dlmsWrapperMeter } from './dlms-meters.js';
import { modbusRtuMeter } from './modbus-meters.js';
import type { DemoScenario } from './scenario.js';

/** Every demo scenario, in the order they print. */
export const demoScenarios: readonly DemoScenario[] = [dlmsHdlcMeter, dlmsWrapperMeter, modbusRtuMeter];
