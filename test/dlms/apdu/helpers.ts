// Shared helpers of the APDU tests: decode a golden vector, check it re-encodes to its own hex.
import { expect } from 'vitest';
import { toHex } from '../../../src/core/hex.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu } from '../../../src/dlms/apdu/types.js';
import { type DlmsVector, dlmsVectors, vectorBytes } from '../../helpers/vectors.js';

/** The vector with this id; throws when it does not exist (a renamed vector must fail loudly). */
export function dlmsVector(id: string): DlmsVector {
  const v = dlmsVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no dlms vector '${id}'`);
  return v;
}

/** Decodes the vector, checks `encodeApdu` gives its bytes back, and narrows to `type`. */
export function decodeVector<T extends Apdu['type']>(id: string, type: T): Extract<Apdu, { type: T }> {
  const v = dlmsVector(id);
  const apdu = decodeApdu(vectorBytes(v));
  expect(apdu.type).toBe(type);
  expect(toHex(encodeApdu(apdu))).toBe(v.hex);
  return apdu as Extract<Apdu, { type: T }>;
}

/** Narrows a union member by `variant`, failing the test when it differs. */
export function variant<A extends { variant: string }, V extends A['variant']>(
  apdu: A,
  v: V,
): Extract<A, { variant: V }> {
  expect(apdu.variant).toBe(v);
  return apdu as Extract<A, { variant: V }>;
}

/** The high-priority, confirmed invoke-id-and-priority `C1`. */
export const c1 = { invokeId: 1, confirmed: true, highPriority: true };
