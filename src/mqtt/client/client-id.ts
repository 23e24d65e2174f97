/**
 * Unique MQTT client ids.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';

/**
 * A client id unique to this process and role: `{prefix}-{role}-{8 hex digits}`, e.g.
 * `meterlink-he-3fa91c0b` (22 characters with the default prefix, within the 23 that every
 * MQTT 3.1.1 broker must accept, [MQTT-3.1.3-5]). Two clients with one id make the broker drop
 * the older one, which then reconnects and drops the other: a reconnect storm.
 *
 * @param role - Short role name, e.g. `'gw'` or `'he'`.
 * @param prefix - Leading part. Default `'meterlink'`.
 * @returns The new id.
 * @example
 * ```ts
 * createClientId('he'); // 'meterlink-he-3fa91c0b'
 * ```
 */
export function createClientId(role: string, prefix = 'meterlink'): string {
  return `${prefix}-${role}-${randomBytes(4).toString('hex')}`;
}
