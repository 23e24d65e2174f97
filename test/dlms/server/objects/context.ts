/** Request contexts and small `Data` builders for the simulated-object tests. */

import type { Data } from '../../../../src/dlms/axdr/types.js';
import type { CosemRequestContext, GetOutcome } from '../../../../src/dlms/server/cosem-object.js';

/** A management request at `iso`. */
export function at(iso: string | number | Date): CosemRequestContext {
  return { client: 1, logicalDevice: 1, mechanism: 'lls', now: new Date(iso) };
}

/** The value of a successful read (fails the test on an access failure). */
export function ok(outcome: GetOutcome): Data {
  if ('failure' in outcome) throw new Error(`read failed: ${outcome.failure}`);
  return outcome;
}

/** The number of a numeric `Data`. */
export function num(data: Data): number {
  const v = (data as { value?: unknown }).value;
  if (typeof v !== 'number') throw new Error(`not a number: ${data.type}`);
  return v;
}

export const zero: Data = { type: 'integer', value: 0 };
export const u32 = (value: number): Data => ({ type: 'double-long-unsigned', value });
export const u16 = (value: number): Data => ({ type: 'long-unsigned', value });
