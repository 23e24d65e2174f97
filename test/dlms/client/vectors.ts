// Vector lookups for the client tests.
import { fromHex } from '../../../src/core/hex.js';
import { type DlmsVector, dlmsVectors } from '../../helpers/vectors.js';

/** Looks a DLMS vector up by id; throws when it does not exist. */
export function dlmsVector(id: string): DlmsVector {
  const v = dlmsVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no dlms vector '${id}'`);
  return v;
}

/** The bytes of a DLMS vector. */
export function vec(id: string): Uint8Array {
  return fromHex(dlmsVector(id).hex);
}

/** Green Book keys and titles (spec §10.5, §10.8). */
export const EK = fromHex('000102030405060708090A0B0C0D0E0F');
export const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
export const CLIENT_TITLE = fromHex('4D4D4D0000000001');
export const SERVER_TITLE = fromHex('4D4D4D0000BC614E');
