// Green Book keys and system titles of meterlink spec §10.5 / §10.8, shared by the security tests.
import { dlmsVectors, vectorBytes } from '../../helpers/vectors.js';

export const EK = '000102030405060708090A0B0C0D0E0F';
export const AK = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';
export const CLIENT_TITLE = '4D4D4D0000000001';
export const SERVER_TITLE = '4D4D4D0000BC614E';

/** The bytes of vector `id`; throws when it does not exist. */
export function vector(id: string): Uint8Array {
  const v = dlmsVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no dlms vector '${id}'`);
  return vectorBytes(v);
}
