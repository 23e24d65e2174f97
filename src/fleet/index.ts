/**
 * Fleet reading: `readFleet` and its types.
 *
 * @module
 */

export { FleetTaskError, isRetryableFleetError } from './fleet-error.js';
export {
  type FleetConnectOptions,
  type FleetMeter,
  type FleetMeterInput,
  type FleetMeterRef,
  type FleetTarget,
  fleetGatewayKey,
} from './fleet-meter.js';
export type { FleetBackoffOptions, FleetConnector, ReadFleetOptions } from './fleet-options.js';
export type {
  DlmsPlanItem,
  DlmsReading,
  DlmsReadings,
  FleetPlan,
  FleetTask,
  MeterClient,
  ModbusPlan,
} from './fleet-plan.js';
export { type FleetInput, FleetRead, type FleetReadEvents } from './fleet-read.js';
export type {
  FleetFailure,
  FleetProgress,
  FleetResult,
  FleetResultBase,
  FleetSuccess,
} from './fleet-result.js';
export { readFleet } from './read-fleet.js';
