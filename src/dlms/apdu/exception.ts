/**
 * exception-response `D8` (meterlink spec §9.8): state-error, service-error, and for
 * invocation-counter-error the counter the server expects.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { checkInteger } from './encode-checks.js';
import { enumerationNames, enumerationValue, readEnumeration, writeEnumeration } from './enumeration.js';
import { apduTags } from './tags.js';
import type { ExceptionResponse } from './types.js';

const exceptionStateErrorValues = {
  'service-not-allowed': 1,
  'service-unknown': 2,
} as const satisfies Record<ExceptionStateErrorName, number>;

/** state-error values by name (§9.8). */
export const exceptionStateErrors: Readonly<Record<ExceptionStateErrorName, number>> =
  exceptionStateErrorValues;

/** A named state-error. */
export type ExceptionStateErrorName = 'service-not-allowed' | 'service-unknown';

/** A state-error: its name, or the octet when §9.8 does not name it. */
export type ExceptionStateError = ExceptionStateErrorName | number;

const exceptionServiceErrorValues = {
  'operation-not-possible': 1,
  'service-not-supported': 2,
  'other-reason': 3,
  'pdu-too-long': 4,
  'deciphering-error': 5,
  'invocation-counter-error': 6,
} as const satisfies Record<ExceptionServiceErrorName, number>;

/** service-error CHOICE values by name (§9.8). */
export const exceptionServiceErrors: Readonly<Record<ExceptionServiceErrorName, number>> =
  exceptionServiceErrorValues;

/** A named service-error. */
export type ExceptionServiceErrorName =
  | 'operation-not-possible'
  | 'service-not-supported'
  | 'other-reason'
  | 'pdu-too-long'
  | 'deciphering-error'
  | 'invocation-counter-error';

/** A service-error: its name, or the CHOICE octet when §9.8 does not name it. */
export type ExceptionServiceError = ExceptionServiceErrorName | number;

const stateErrorNames = enumerationNames(exceptionStateErrors);
const serviceErrorNames = enumerationNames(exceptionServiceErrors);

/** The service-error choice that carries the expected invocation counter. */
const invocationCounterError = exceptionServiceErrors['invocation-counter-error'];

/**
 * Reads an exception-response after its tag octet.
 *
 * @throws DecodeError when the input ends (an unknown service-error carries no further field:
 *   anything after it is left to the caller's end check)
 */
export function readExceptionResponse(reader: ByteReader): ExceptionResponse {
  const stateError = readEnumeration(reader, stateErrorNames, 'state-error');
  const serviceError = readEnumeration(reader, serviceErrorNames, 'service-error');
  const invocationCounter =
    serviceError === 'invocation-counter-error' ? reader.u32('invocation counter') : undefined;
  return { type: 'exception-response', stateError, serviceError, invocationCounter };
}

/**
 * Writes an exception-response, tag included.
 *
 * @throws EncodeError for an unknown name, a value outside 0–255, or an `invocationCounter` given
 *   without `invocation-counter-error` (or missing with it)
 */
export function writeExceptionResponse(writer: ByteWriter, apdu: ExceptionResponse): void {
  writer.u8(apduTags['exception-response']);
  writeEnumeration(writer, exceptionStateErrors, apdu.stateError, 'stateError');
  const serviceError = enumerationValue(exceptionServiceErrors, apdu.serviceError, 'serviceError');
  writer.u8(serviceError);
  if (serviceError === invocationCounterError) {
    if (apdu.invocationCounter === undefined) {
      throw new EncodeError('invocationCounter', 'required with invocation-counter-error');
    }
    checkInteger(apdu.invocationCounter, 0, 0xffffffff, 'invocationCounter');
    writer.u32(apdu.invocationCounter);
  } else if (apdu.invocationCounter !== undefined) {
    throw new EncodeError('invocationCounter', 'only allowed with invocation-counter-error');
  }
}
