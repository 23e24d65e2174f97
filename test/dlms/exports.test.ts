// Every value export of `meterlink/dlms` is classified: a codec (covered by the bundle budget)
// or not. A new export that is in neither list fails here, so the budget cannot silently miss it.
import { expect, it } from 'vitest';
import * as dlms from '../../src/dlms/index.js';
import { codecExports, nonCodecExports } from './codec-exports.js';

it('classifies every value export of meterlink/dlms', () => {
  const listed = new Set<string>([...codecExports, ...nonCodecExports]);
  expect(Object.keys(dlms).filter((name) => !listed.has(name))).toEqual([]);
  expect([...listed].filter((name) => !(name in dlms))).toEqual([]);
});
