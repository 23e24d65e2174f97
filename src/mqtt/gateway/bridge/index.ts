/**
 * Bridge mode of the gateway: DLMS values as Modbus registers.
 *
 * @module
 */

export type { BridgeMappingEntry, BridgeStatusRegisters, BridgeValueType } from './bridge-mapping.js';
export {
  type BridgeListenOptions,
  BridgeMode,
  type BridgeModeOptions,
  type BridgePollState,
  type BridgeStatus,
  bridgeMode,
} from './bridge-mode.js';
export { parseBridgeConfig } from './parse-bridge-config.js';
export type { BridgeServeOptions } from './served-line.js';
