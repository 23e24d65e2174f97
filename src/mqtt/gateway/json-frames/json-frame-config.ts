/**
 * The JSON frame mode's part of a gateway configuration file.
 *
 * @module
 */

import { ConfigFields, GatewayConfigError } from '../config-fields.js';
import { bridgeNameProblem } from './bridge-name.js';
import type { JsonFrameModeOptions } from './json-frame-mode.js';

const fields = ['description', 'bridgeName', 'leaseIdleMs', 'queueTimeoutMs', 'maxFrameBytes'] as const;

/** Limits of the numeric fields: longest idle time and wait as the tunnel's, frames up to 1 MiB. */
const limits = {
  leaseIdleMs: 600_000,
  queueTimeoutMs: 600_000,
  maxFrameBytes: 1_048_576,
} as const;

/**
 * Checks the JSON frame mode's section of a gateway configuration file:
 * `{ "bridgeName": "gw-bridge", "leaseIdleMs": 30000, "queueTimeoutMs": 10000, "maxFrameBytes": 65536 }`
 * (only `bridgeName` is required; `description` is allowed and ignored).
 *
 * @param json - The section, as parsed from the file.
 * @param where - Its JSON path in the file, for messages (e.g. `jsonFrames`).
 * @returns Options for {@link jsonFrameMode}.
 * @throws {@link GatewayConfigError} (an `InvalidArgumentError`) whose message reads `gateway config {path}: {problem}`, for
 *   a section that is not an object, an unknown field, a missing or invalid bridge name, or a
 *   number that is not an integer within its range
 * @example
 * ```ts
 * const config = JSON.parse(await readFile('gateway.json', 'utf8'));
 * const modes = config.jsonFrames === undefined ? [] : [jsonFrameMode(parseJsonFrameConfig(config.jsonFrames, 'jsonFrames'))];
 * ```
 */
export function parseJsonFrameConfig(json: unknown, where: string): JsonFrameModeOptions {
  // `mode` names the section in the configuration file's `modes` list.
  const f = new ConfigFields(json, where, ['mode', ...fields]);
  if (f.has('description')) f.text('description');
  const bridgeName = f.text('bridgeName');
  const problem = bridgeNameProblem(bridgeName);
  if (problem !== undefined) throw new GatewayConfigError(f.at('bridgeName'), problem);
  const options: JsonFrameModeOptions = { bridgeName };
  for (const key of ['leaseIdleMs', 'queueTimeoutMs', 'maxFrameBytes'] as const) {
    const value = f.integer(key, 1, limits[key], true);
    if (value !== undefined) options[key] = value;
  }
  return options;
}
