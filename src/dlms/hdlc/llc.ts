/**
 * The LLC header that starts the information field of the first (or only) segment of an APDU in
 * an I or UI frame (spec §4.6).
 *
 * @module
 */

import { DecodeError } from '../../core/errors.js';

/** Who sends the APDU: the client (`request`, LLC `E6 E6 00`) or the server (`response`, `E6 E7 00`). */
export type LlcDirection = 'request' | 'response';

/** LLC header of client → server APDUs: destination LSAP E6, source LSAP E6 (command), quality 00. */
export const llcRequestHeader = [0xe6, 0xe6, 0x00] as const;

/** LLC header of server → client APDUs: destination LSAP E6, source LSAP E7 (response), quality 00. */
export const llcResponseHeader = [0xe6, 0xe7, 0x00] as const;

/**
 * Prefixes an APDU with the LLC header of its direction (a new array).
 *
 * @example
 * ```ts
 * withLlc(apdu, 'request'); // E6 E6 00, then the APDU
 * ```
 */
export function withLlc(apdu: Uint8Array, direction: LlcDirection): Uint8Array {
  const out = new Uint8Array(apdu.length + 3);
  out[0] = 0xe6;
  out[1] = direction === 'request' ? 0xe6 : 0xe7;
  out.set(apdu, 3);
  return out;
}

/**
 * Returns the APDU after the LLC header of an information field (a view, not a copy). Without
 * `direction` both headers are accepted, as spec §4.6 asks of receivers.
 *
 * @throws {@link DecodeError} (layer `hdlc`, offset in `information`) when the header is missing,
 *   truncated or not the one of `direction`
 * @example
 * ```ts
 * stripLlc(frame.information, 'response'); // the APDU sent by the server
 * ```
 */
export function stripLlc(information: Uint8Array, direction?: LlcDirection): Uint8Array {
  const n = information.length;
  // `at` is the offset of the first octet that does not match the header.
  let at = n > 0 && information[0] === 0xe6 ? 1 : 0;
  if (at === 1 && n > 1 && isLlcSource(information[1]!, direction)) at = 2;
  if (at === 2 && n > 2 && information[2] === 0x00) return information.subarray(3);
  throw new DecodeError(at === n ? 'information field ends inside the LLC header' : 'no LLC header', {
    layer: 'hdlc',
    offset: at,
    expected:
      direction === 'request'
        ? 'LLC header E6 E6 00'
        : direction === 'response'
          ? 'LLC header E6 E7 00'
          : 'LLC header E6 E6 00 or E6 E7 00',
    bytes: information,
  });
}

/** Whether `octet` is the source LSAP of `direction` (either when it is not given, spec §4.6). */
function isLlcSource(octet: number, direction: LlcDirection | undefined): boolean {
  if (direction === 'request') return octet === 0xe6;
  if (direction === 'response') return octet === 0xe7;
  return octet === 0xe6 || octet === 0xe7;
}
