/**
 * The user-information field of AARQ, AARE, RLRQ and RLRE (meterlink spec §7.2, §7.3, §7.8):
 * `BE len 04 len <xDLMS APDU>`, the OCTET STRING holding one A-XDR encoded xDLMS APDU.
 *
 * The APDU is read through a reader that ends with the OCTET STRING, so it can never read into
 * the next field, and must fill it exactly. Offsets stay those of the enclosing APDU.
 *
 * @module
 */

import { ByteReader, type ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';
import { isCipheredTag, readCipheredApdu, writeCipheredApdu } from '../../security/ciphered-apdu.js';
import type { CipheredApdu } from '../../security/types.js';
import { closeBerTlv, expectBerTlv, openBerTlv } from './ber.js';
import {
  type ConfirmedServiceError,
  confirmedServiceErrorTag,
  readConfirmedServiceError,
  writeConfirmedServiceError,
} from './confirmed-service-error.js';
import {
  type InitiateRequest,
  type InitiateResponse,
  initiateRequestTag,
  initiateResponseTag,
  readInitiateRequest,
  readInitiateResponse,
  writeInitiateRequest,
  writeInitiateResponse,
} from './initiate.js';

/**
 * What user-information carries: a plain InitiateRequest / InitiateResponse /
 * confirmed-service-error, or a ciphered one — a glo-/ded- initiate-request, initiate-response
 * or confirmed-service-error, or a general-glo/ded-ciphering envelope (§10.6).
 */
export type UserInformation = InitiateRequest | InitiateResponse | ConfirmedServiceError | CipheredApdu;

/** Identifier of the OCTET STRING inside user-information. */
const octetStringTag = 0x04;

/** The services a glo-/ded- APDU may protect inside user-information. */
function isInitiateService(service: string): boolean {
  return (
    service === 'initiate-request' || service === 'initiate-response' || service === 'confirmed-service-error'
  );
}

/**
 * Reads the content of a user-information field (cursor on its `04` OCTET STRING, `end` the end
 * of the field).
 *
 * @param maxApduBytes - passed on to the ciphered APDU reader
 * @throws DecodeError for another inner tag, an xDLMS APDU that is not an initiate one, or one
 *   that does not fill the OCTET STRING exactly
 */
export function readUserInformation(reader: ByteReader, end: number, maxApduBytes: number): UserInformation {
  const stringEnd = expectBerTlv(reader, end, octetStringTag, 'OCTET STRING 04 in user-information');
  if (stringEnd !== end) {
    reader.fail(
      'bytes after the OCTET STRING',
      'the end of user-information after its OCTET STRING',
      stringEnd,
    );
  }
  // A reader over the same bytes cut at the OCTET STRING's end: offsets are unchanged.
  const inner = new ByteReader(reader.bytes.subarray(0, stringEnd), reader.layer, reader.pos);
  const at = inner.pos;
  const tag = inner.peek();
  let v: UserInformation;
  if (tag === initiateRequestTag) v = readInitiateRequest(inner);
  else if (tag === initiateResponseTag) v = readInitiateResponse(inner);
  else if (tag === confirmedServiceErrorTag) v = readConfirmedServiceError(inner);
  else if (tag !== undefined && isCipheredTag(tag)) {
    v = readCipheredApdu(inner, { maxApduBytes });
    if ((v.type === 'glo-ciphered' || v.type === 'ded-ciphered') && !isInitiateService(v.service)) {
      inner.fail('ciphered APDU is not an initiate', 'a glo-/ded- initiate APDU or general ciphering', at);
    }
  } else {
    return inner.fail(
      'user-information does not hold an xDLMS initiate APDU',
      'InitiateRequest 01, InitiateResponse 08, confirmed-service-error 0E or a ciphered form',
      at,
    );
  }
  inner.expectEnd('the end of the xDLMS APDU in user-information');
  reader.pos = stringEnd;
  return v;
}

/**
 * Writes a user-information field: `tag`, then the `04` OCTET STRING holding the xDLMS APDU.
 *
 * @throws EncodeError naming `field` for an unknown APDU type, a glo-/ded- APDU of another
 *   service, or an invalid APDU field
 */
export function writeUserInformation(
  writer: ByteWriter,
  tag: number,
  v: UserInformation,
  field: string,
): void {
  if ((v.type === 'glo-ciphered' || v.type === 'ded-ciphered') && !isInitiateService(v.service)) {
    throw new EncodeError(field, `a ciphered '${String(v.service)}' cannot be user-information`);
  }
  openBerTlv(writer, tag);
  openBerTlv(writer, octetStringTag);
  switch (v.type) {
    case 'initiate-request':
      writeInitiateRequest(writer, v);
      break;
    case 'initiate-response':
      writeInitiateResponse(writer, v);
      break;
    case 'confirmed-service-error':
      writeConfirmedServiceError(writer, v);
      break;
    case 'glo-ciphered':
    case 'ded-ciphered':
    case 'general-glo-ciphering':
    case 'general-ded-ciphering':
      writeCipheredApdu(writer, v);
      break;
    default:
      throw new EncodeError(field, `unknown xDLMS APDU type '${String((v as { type: unknown }).type)}'`);
  }
  closeBerTlv(writer);
  closeBerTlv(writer);
}
