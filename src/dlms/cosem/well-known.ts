/**
 * Short descriptions of the well-known OBIS codes of meterlink spec §11.5.
 *
 * Companion specifications (IDIS, DSMR, national specs) assign profiles, billing values and event
 * logs differently: the meter's object_list is the authority, these names are a convenience.
 *
 * @module
 */

import { parseObis } from './obis.js';

/** Exact codes: `[A, B, C, D, E, F, description]`. */
const exact: readonly (readonly [number, number, number, number, number, number, string])[] = [
  [0, 0, 1, 0, 0, 255, 'Clock'],
  [0, 0, 41, 0, 0, 255, 'SAP assignment'],
  [0, 0, 42, 0, 0, 255, 'COSEM logical device name'],
  [0, 0, 22, 0, 0, 255, 'IEC HDLC setup'],
  [0, 0, 25, 0, 0, 255, 'TCP-UDP setup'],
  [0, 0, 25, 1, 0, 255, 'IPv4 setup'],
  [0, 0, 25, 9, 0, 255, 'Push setup'],
  [0, 0, 96, 1, 0, 255, 'Device ID 1 (manufacturer serial number)'],
  [0, 0, 96, 3, 10, 255, 'Disconnect control'],
  [1, 0, 0, 2, 0, 255, 'Active firmware identifier'],
  [1, 0, 2, 8, 0, 255, 'Active energy export (−A), total'],
  [1, 0, 3, 8, 0, 255, 'Reactive energy import, total'],
  [1, 0, 4, 8, 0, 255, 'Reactive energy export, total'],
  [1, 0, 1, 7, 0, 255, 'Instantaneous active power import'],
  [1, 0, 2, 7, 0, 255, 'Instantaneous active power export'],
  [1, 0, 32, 7, 0, 255, 'Voltage L1'],
  [1, 0, 52, 7, 0, 255, 'Voltage L2'],
  [1, 0, 72, 7, 0, 255, 'Voltage L3'],
  [1, 0, 31, 7, 0, 255, 'Current L1'],
  [1, 0, 51, 7, 0, 255, 'Current L2'],
  [1, 0, 71, 7, 0, 255, 'Current L3'],
  [1, 0, 14, 7, 0, 255, 'Supply frequency'],
  [1, 0, 13, 7, 0, 255, 'Power factor'],
  [1, 0, 99, 1, 0, 255, 'Load profile 1'],
  [1, 0, 99, 2, 0, 255, 'Load profile 2'],
  [1, 0, 98, 1, 0, 255, 'Billing period values'],
];

/** Codes whose group E is an instance number: `[A, B, C, D, F, description prefix]`. */
const byE: readonly (readonly [number, number, number, number, number, string])[] = [
  [0, 0, 40, 0, 255, 'Association'],
  [0, 0, 43, 0, 255, 'Security setup'],
  [0, 0, 43, 1, 255, 'Invocation counter'],
  [0, 0, 44, 0, 255, 'Image transfer'],
  [0, 0, 10, 0, 255, 'Script table'],
  [0, 0, 99, 98, 255, 'Event log'],
  [1, 0, 1, 8, 255, 'Active energy import (+A)'],
];

/**
 * Describes a well-known OBIS code of §11.5.
 *
 * @param obis - Six octets or any text form {@link parseObis} accepts.
 * @returns A short description (`'Voltage L1'`, `'Active energy import (+A), tariff 2'`,
 *   `'Current association'`), or `undefined` when the code is not in the table.
 * @throws InvalidArgumentError when `obis` is not an OBIS code.
 * @example
 * ```ts
 * describeObis('1-0:32.7.0*255'); // 'Voltage L1'
 * describeObis('0.0.99.98.1.255'); // 'Event log 1'
 * ```
 */
export function describeObis(obis: string | Uint8Array): string | undefined {
  const o = parseObis(obis);
  const [a, b, c, d, e, f] = o as unknown as [number, number, number, number, number, number];
  for (const r of exact) {
    if (r[0] === a && r[1] === b && r[2] === c && r[3] === d && r[4] === e && r[5] === f) return r[6];
  }
  for (const r of byE) {
    if (r[0] !== a || r[1] !== b || r[2] !== c || r[3] !== d || r[4] !== f) continue;
    if (c === 40 && e === 0) return 'Current association';
    if (c === 1 && d === 8) return e === 0 ? `${r[5]}, total` : `${r[5]}, tariff ${e}`;
    return `${r[5]} ${e}`;
  }
  return undefined;
}
