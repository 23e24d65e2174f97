/**
 * Publish mode of the gateway: scheduled reads published as JSON.
 *
 * @module
 */

export type { DlmsConnectionOptions } from './dlms-connector.js';
export type { DlmsReadItem } from './dlms-read.js';
export type { ReadingValue } from './json-value.js';
export { parsePublishConfig } from './parse-publish-config.js';
export { type PublishMeterStats, PublishMode, publishMode } from './publish-mode.js';
export type {
  DlmsPublishMeter,
  ModbusConnectionOptions,
  ModbusPublishBlock,
  ModbusPublishField,
  ModbusPublishMeter,
  PublishMeter,
  PublishMeterBase,
  PublishModeOptions,
} from './publish-options.js';
export { type Reading, type ReadingError, type ReadingMessage, readingSchemaVersion } from './reading.js';
