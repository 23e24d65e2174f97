/**
 * The JSON frame mode: {@link jsonFrameMode},
 * its configuration section and the message codec.
 *
 * @module
 */

export { parseJsonFrameConfig } from './json-frame-config.js';
export {
  decodeJsonFrameMessage,
  encodeJsonFrameMessage,
  type JsonFrameDecodeOptions,
  type JsonFrameId,
  type JsonFrameMessage,
  JsonFrameMessageError,
  JsonFrameType,
} from './json-frame-message.js';
export { type JsonFrameModeOptions, jsonFrameMode } from './json-frame-mode.js';
