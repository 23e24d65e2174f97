/**
 * The `modes` section of a gateway configuration file: publish mode, the DLMS→Modbus bridge and
 * the JSON frame mode, each checked by its own parser in `src/mqtt/gateway` (which names the JSON
 * path of a mistake and never shows a secret).
 *
 * @module
 */

import type { BridgeModeOptions } from '../mqtt/gateway/bridge/bridge-mode.js';
import { parseBridgeConfig } from '../mqtt/gateway/bridge/parse-bridge-config.js';
import { ConfigFields, GatewayConfigError } from '../mqtt/gateway/config-fields.js';
import { parseJsonFrameConfig } from '../mqtt/gateway/json-frames/json-frame-config.js';
import type { JsonFrameModeOptions } from '../mqtt/gateway/json-frames/json-frame-mode.js';
import { parsePublishConfig } from '../mqtt/gateway/publish/parse-publish-config.js';
import type { PublishModeOptions } from '../mqtt/gateway/publish/publish-options.js';

/** One checked entry of `modes`. */
export type GatewayModeConfig =
  | {
      /** Scheduled reads published as JSON. */
      mode: 'publish';
      /** Options of `publishMode`. */
      options: PublishModeOptions;
    }
  | {
      /** DLMS values served as Modbus registers. */
      mode: 'bridge';
      /** Options of `bridgeMode`. */
      options: BridgeModeOptions;
    }
  | {
      /** Head-ends speaking the JSON frame messages. */
      mode: 'json-frames';
      /** Options of `jsonFrameMode`. */
      options: JsonFrameModeOptions;
    };

const modeNames = ['publish', 'bridge', 'json-frames'] as const;

/**
 * Checks the `modes` array: every entry names its `mode` (`publish`, `bridge`, `json-frames`) and
 * carries that mode's fields.
 *
 * @throws {@link GatewayConfigError} (or the mode parser's `InvalidArgumentError`) naming the path
 */
export function parseGatewayModes(
  value: unknown,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): GatewayModeConfig[] {
  if (!Array.isArray(value)) throw new GatewayConfigError(path, 'must be an array');
  return value.map((entry, i) => {
    const where = `${path}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new GatewayConfigError(where, 'must be an object');
    }
    const mode = (entry as { mode?: unknown }).mode;
    switch (mode) {
      case 'publish':
        return { mode, options: parsePublishConfig(entry, where, env) };
      case 'bridge':
        return { mode, options: parseBridgeConfig(entry, where, env) };
      case 'json-frames':
        return { mode, options: parseJsonFrameConfig(entry, where) };
      default:
        throw new GatewayConfigError(
          new ConfigFields(entry, where, ['mode']).at('mode'),
          `must be one of ${modeNames.join(', ')}`,
        );
    }
  });
}
