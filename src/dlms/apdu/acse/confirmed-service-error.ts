/**
 * xDLMS confirmed-service-error (meterlink spec §7.7, §14.3), tag `0E`:
 * `0E <ConfirmedServiceError choice> <ServiceError choice> <enumerated value>`.
 *
 * Both choice numbers and the value are decoded generically: a number with a name in the tables
 * below comes back as that name, any other number as the number itself (§14.3: the names of the
 * ServiceError choices 8–10 differ between sources, so they are left as numbers).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';
import { nameOf } from './names.js';

/** APDU tag of confirmed-service-error (§8). */
export const confirmedServiceErrorTag = 0x0e;

/** ConfirmedServiceError choices with a name (§7.7); the others belong to legacy services. */
export const ConfirmedServiceErrorServices = {
  /** 1: the xDLMS initiate was refused (the one seen in an AARE). */
  'initiate-error': 1,
  /** 5: SN read. */
  read: 5,
  /** 6: SN write. */
  write: 6,
} as const;

/** A named ConfirmedServiceError choice (§7.7). */
export type ConfirmedServiceErrorService = keyof typeof ConfirmedServiceErrorServices;

/** ServiceError choices with a name (§7.7); 8–10 stay numbers (§14.3). */
export const ServiceErrorKinds = {
  /** Choice 0: application reference. */
  'application-reference': 0,
  /** Choice 1: hardware resource. */
  'hardware-resource': 1,
  /** Choice 2: vde state error. */
  'vde-state-error': 2,
  /** Choice 3: service. */
  service: 3,
  /** Choice 4: definition. */
  definition: 4,
  /** Choice 5: access. */
  access: 5,
  /** Choice 6: initiate. */
  initiate: 6,
  /** Choice 7: load data set. */
  'load-data-set': 7,
} as const;

/** A named ServiceError choice (§7.7). */
export type ServiceErrorKind = keyof typeof ServiceErrorKinds;

/** The enumerated values of each named ServiceError choice, by value (§7.7). */
export const ServiceErrorValues = {
  /** Values of the application reference choice, by number. */
  'application-reference': [
    'other',
    'time-elapsed',
    'application-unreachable',
    'application-reference-invalid',
    'application-context-unsupported',
    'provider-communication-error',
    'deciphering-error',
  ],
  /** Values of the hardware resource choice, by number. */
  'hardware-resource': [
    'other',
    'memory-unavailable',
    'processor-resource-unavailable',
    'mass-storage-unavailable',
    'other-resource-unavailable',
  ],
  /** Values of the vde state error choice, by number. */
  'vde-state-error': ['other', 'no-dlms-context', 'loading-dataset', 'status-nochange', 'status-inoperable'],
  /** Values of the service choice, by number. */
  service: ['other', 'pdu-size', 'service-unsupported'],
  /** Values of the definition choice, by number. */
  definition: ['other', 'object-undefined', 'object-class-inconsistent', 'object-attribute-inconsistent'],
  /** Values of the access choice, by number. */
  access: [
    'other',
    'scope-of-access-violated',
    'object-access-violated',
    'hardware-fault',
    'object-unavailable',
  ],
  /** Values of the initiate choice, by number. */
  initiate: [
    'other',
    'dlms-version-too-low',
    'incompatible-conformance',
    'pdu-size-too-short',
    'refused-by-the-vde-handler',
  ],
  /** Values of the load data set choice, by number. */
  'load-data-set': [
    'other',
    'primitive-out-of-sequence',
    'not-loadable',
    'dataset-size-too-large',
    'not-awaited-segment',
    'interpretation-failure',
    'storage-failure',
    'dataset-not-ready',
  ],
} as const;

/**
 * A ServiceError: the choice (`error`) and its enumerated value, each a name where §7.7 gives
 * one, else the number received.
 */
export type ServiceErrorChoice =
  | {
      [K in ServiceErrorKind]: {
        /** The named ServiceError choice. */
        error: K;
        /** Its enumerated value, named from {@link ServiceErrorValues} where listed. */
        value: (typeof ServiceErrorValues)[K][number] | number;
      };
    }[ServiceErrorKind]
  | {
      /** A ServiceError choice without a name (8 and above, §14.3). */
      error: number;
      /** Its enumerated value. */
      value: number;
    };

/** xDLMS confirmed-service-error (§7.7). */
export interface ConfirmedServiceError {
  /** Discriminant: APDU tag `0E`. */
  type: 'confirmed-service-error';
  /** The ConfirmedServiceError choice: `'initiate-error'` in an AARE. */
  service: ConfirmedServiceErrorService | number;
  /** The ServiceError choice and value. */
  serviceError: ServiceErrorChoice;
}

/**
 * Reads a confirmed-service-error, the cursor on its tag `0E`.
 *
 * @throws DecodeError (the reader's layer) on another tag or truncated input
 * @example
 * ```ts
 * readConfirmedServiceError(new ByteReader(fromHex('0E010601'), 'apdu'));
 * // { type: 'confirmed-service-error', service: 'initiate-error',
 * //   serviceError: { error: 'initiate', value: 'dlms-version-too-low' } }
 * ```
 */
export function readConfirmedServiceError(reader: ByteReader): ConfirmedServiceError {
  const at = reader.pos;
  if (reader.u8('confirmed-service-error tag') !== confirmedServiceErrorTag) {
    reader.fail('not a confirmed-service-error', 'tag 0E', at);
  }
  const serviceNumber = reader.u8('ConfirmedServiceError choice');
  const errorNumber = reader.u8('ServiceError choice');
  const valueNumber = reader.u8('ServiceError value');
  const error = nameOf(ServiceErrorKinds, errorNumber);
  const values: readonly string[] | undefined = error === undefined ? undefined : ServiceErrorValues[error];
  return {
    type: 'confirmed-service-error',
    service: nameOf(ConfirmedServiceErrorServices, serviceNumber) ?? serviceNumber,
    serviceError: {
      error: error ?? errorNumber,
      value: values?.[valueNumber] ?? valueNumber,
    } as ServiceErrorChoice,
  };
}

/** `number` when it is an octet, else an EncodeError naming `field` and the value `given`. */
function checkOctet(field: string, number: number | undefined, given: string | number): number {
  if (number === undefined || !Number.isInteger(number) || number < 0 || number > 0xff) {
    throw new EncodeError(field, `${String(given)} is not a known name nor an integer 0–255`);
  }
  return number;
}

/**
 * Writes a confirmed-service-error (`0E` and three octets).
 *
 * @throws EncodeError for an unknown name or a number outside 0–255
 * @example
 * ```ts
 * writeConfirmedServiceError(writer, {
 *   type: 'confirmed-service-error',
 *   service: 'initiate-error',
 *   serviceError: { error: 'initiate', value: 'dlms-version-too-low' },
 * }); // 0E 01 06 01
 * ```
 */
export function writeConfirmedServiceError(writer: ByteWriter, v: ConfirmedServiceError): void {
  const { error, value } = v.serviceError;
  const service = checkOctet(
    'service',
    typeof v.service === 'number' ? v.service : (ConfirmedServiceErrorServices as Names)[v.service],
    v.service,
  );
  const errorNumber = checkOctet(
    'serviceError.error',
    typeof error === 'number' ? error : (ServiceErrorKinds as Names)[error],
    error,
  );
  let valueNumber: number | undefined;
  if (typeof value === 'number') valueNumber = value;
  else if (typeof error === 'string') {
    const index = (ServiceErrorValues as ValueNames)[error]?.indexOf(value) ?? -1;
    if (index >= 0) valueNumber = index;
  }
  const valueOctet = checkOctet('serviceError.value', valueNumber, value);
  writer.u8(confirmedServiceErrorTag).u8(service).u8(errorNumber).u8(valueOctet);
}

type Names = Readonly<Record<string, number | undefined>>;
type ValueNames = Readonly<Record<string, readonly string[] | undefined>>;
