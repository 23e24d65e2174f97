/**
 * The JSON frame mode's part of a gateway configuration file.
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
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
 * @throws {@link InvalidArgumentError} whose message reads `gateway config {path}: {problem}`, for
 *   a section that is not an object, an unknown field, a missing or invalid bridge name, or a
 *   number that is not an integer within its range
 * @example
 * ```ts
 * const config = JSON.parse(await readFile('gateway.json', 'utf8'));
 * const modes = config.jsonFrames === undefined ? [] : [jsonFrameMode(parseJsonFrameConfig(config.jsonFrames, 'jsonFrames'))];
 * ```
 */
export function parseJsonFrameConfig(json: unknown, where: string): JsonFrameModeOptions {
  const at = (key: string): string => (where === '' ? key : `${where}.${key}`);
  const fail = (path: string, problem: string): InvalidArgumentError =>
    new InvalidArgumentError(`gateway config${path === '' ? '' : ` ${path}`}: ${problem}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fail(where, `must be an object, got ${describe(json)}`);
  }
  const section = json as Record<string, unknown>;
  for (const key of Object.keys(section)) {
    if (!(fields as readonly string[]).includes(key)) {
      throw fail(at(key), `unknown field (expected one of: ${fields.join(', ')})`);
    }
  }
  if (section.description !== undefined && typeof section.description !== 'string') {
    throw fail(at('description'), `must be a string, got ${describe(section.description)}`);
  }
  const bridgeName = section.bridgeName;
  if (bridgeName === undefined) throw fail(at('bridgeName'), 'is required');
  if (typeof bridgeName !== 'string') {
    throw fail(at('bridgeName'), `must be a string, got ${describe(bridgeName)}`);
  }
  const problem = bridgeNameProblem(bridgeName);
  if (problem !== undefined) throw fail(at('bridgeName'), problem);
  const options: JsonFrameModeOptions = { bridgeName };
  for (const key of ['leaseIdleMs', 'queueTimeoutMs', 'maxFrameBytes'] as const) {
    const value = section[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limits[key]) {
      throw fail(at(key), `must be an integer 1…${limits[key]}, got ${describe(value)}`);
    }
    options[key] = value;
  }
  return options;
}

/** A short description of a JSON value for messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
