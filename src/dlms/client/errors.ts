/**
 * The errors a DLMS client raises when the meter answers "no" (meterlink spec §12.5): a refused
 * association, a Data-Access-Result, an Action-Result, an exception-response or a
 * confirmedServiceError. Transport, decoding and security failures keep their core errors
 * (`TimeoutError`, `DecodeError`, `SecurityError` …).
 *
 * @module
 */

import { ErrorCode, MeterlinkError, type MeterlinkErrorOptions } from '../../core/errors.js';
import type {
  AssociationResult,
  ConfirmedServiceError,
  ResultSourceDiagnostic,
} from '../apdu/acse/acse-codec.js';
import type { ExceptionServiceError, ExceptionStateError } from '../apdu/exception.js';
import {
  type ActionResult,
  actionResults,
  type DataAccessResult,
  dataAccessResults,
} from '../apdu/results.js';

/** Details of an {@link AssociationError}. */
export interface AssociationErrorDetails extends MeterlinkErrorOptions {
  /** The AARE result (`rejected-permanent`, `rejected-transient`; `accepted` when a later step failed). */
  result: AssociationResult;
  /** The AARE result-source-diagnostic. */
  diagnostic: ResultSourceDiagnostic;
  /** The confirmedServiceError the AARE user-information carried, if any (§7.7). */
  confirmedServiceError?: ConfirmedServiceError;
  /** What went wrong, when it is not the AARE itself (e.g. HLS pass 3 refused). */
  reason?: string;
}

function describeConfirmedServiceError(e: ConfirmedServiceError): string {
  return `${String(e.service)}: ${String(e.serviceError.error)} ${String(e.serviceError.value)}`;
}

/**
 * The meter refused the application association (AARE result ≠ accepted, §7.3), sent a
 * confirmedServiceError instead of an InitiateResponse (§7.7), or refused the HLS pass 3 reply
 * (§10.8).
 *
 * @example
 * ```ts
 * try { await DlmsClient.connect({ link, framing: 'hdlc', auth: { mechanism: 'lls', password: 'wrong' } }); }
 * catch (e) { if (e instanceof AssociationError) console.error(e.diagnostic.diagnostic); } // 'authentication-failure'
 * ```
 */
export class AssociationError extends MeterlinkError {
  static override readonly brand: string = 'AssociationError';
  /** The AARE result. */
  readonly result: AssociationResult;
  /** The result-source-diagnostic (source and named value). */
  readonly diagnostic: ResultSourceDiagnostic;
  /** The confirmedServiceError of the AARE user-information, if any. */
  readonly confirmedServiceError: ConfirmedServiceError | undefined;

  constructor(details: AssociationErrorDetails) {
    const parts = [
      `association ${details.reason ?? 'refused'}: result ${details.result}`,
      `${details.diagnostic.source} diagnostic ${String(details.diagnostic.diagnostic)}`,
    ];
    if (details.confirmedServiceError !== undefined) {
      parts.push(`confirmedServiceError ${describeConfirmedServiceError(details.confirmedServiceError)}`);
    }
    super(ErrorCode.dlmsAssociation, parts.join(', '), details);
    this.result = details.result;
    this.diagnostic = details.diagnostic;
    this.confirmedServiceError = details.confirmedServiceError;
  }
}

function resultNumber(result: number | string, table: Readonly<Record<string, number>>): number {
  return typeof result === 'number' ? result : (table[result] ?? -1);
}

/**
 * A GET or SET was answered with a Data-Access-Result other than success (§9.7), for the whole
 * request or for one item of a with-list request.
 *
 * @example
 * ```ts
 * try { await client.get({ classId: 3, obis: '1.0.99.99.0.255', attribute: 2 }); }
 * catch (e) { if (e instanceof DataAccessError && e.result === 'object-undefined') { … } }
 * ```
 */
export class DataAccessError extends MeterlinkError {
  static override readonly brand: string = 'DataAccessError';
  /** The result name (or its number when §9.7 does not name it). */
  readonly result: DataAccessResult;
  /** The result number. */
  readonly resultCode: number;
  /** The attribute, as `classId/obis/attribute` (e.g. `3/1.0.1.8.0.255/2`). */
  readonly attribute: string;

  /**
   * @param attribute - `classId/obis/attribute`
   * @param service - the request, for the message (`GET`, `SET`, `ACTION`)
   */
  constructor(result: DataAccessResult, attribute: string, service = 'GET', options?: MeterlinkErrorOptions) {
    const code = resultNumber(result, dataAccessResults);
    super(
      ErrorCode.dlmsDataAccess,
      `${service} ${attribute}: data-access-result ${String(result)} (${code})`,
      options,
    );
    this.result = result;
    this.resultCode = code;
    this.attribute = attribute;
  }
}

/**
 * An ACTION was answered with an Action-Result other than success (§9.7).
 *
 * @example
 * ```ts
 * try { await client.disconnect(); }
 * catch (e) { if (e instanceof ActionError) console.error(e.method, e.result); }
 * ```
 */
export class ActionError extends MeterlinkError {
  static override readonly brand: string = 'ActionError';
  /** The result name (or its number when §9.7 does not name it). */
  readonly result: ActionResult;
  /** The result number. */
  readonly resultCode: number;
  /** The method, as `classId/obis/method` (e.g. `70/0.0.96.3.10.255/1`). */
  readonly method: string;

  /** @param method - `classId/obis/method` */
  constructor(result: ActionResult, method: string, options?: MeterlinkErrorOptions) {
    const code = resultNumber(result, actionResults);
    super(ErrorCode.dlmsAction, `ACTION ${method}: action-result ${String(result)} (${code})`, options);
    this.result = result;
    this.resultCode = code;
    this.method = method;
  }
}

/** What a {@link ServiceError} reports: an exception-response (§9.8) or a confirmedServiceError (§7.7). */
export type ServiceErrorDetail =
  | {
      /** The server sent an exception-response `D8`. */
      type: 'exception-response';
      /** state-error. */
      stateError: ExceptionStateError;
      /** service-error. */
      serviceError: ExceptionServiceError;
      /** The counter the server expects at least (invocation-counter-error only). */
      invocationCounter: number | undefined;
    }
  | {
      /** The server sent a confirmedServiceError `0E` (or its ciphered form). */
      type: 'confirmed-service-error';
      /** The decoded APDU. */
      error: ConfirmedServiceError;
    };

/**
 * The meter could not even process a request: it answered with an exception-response (§9.8) or a
 * confirmedServiceError (§7.7). An `invocation-counter-error` carries the counter the meter
 * expects (`detail.invocationCounter`): persist it and reconnect.
 *
 * @example
 * ```ts
 * catch (e) {
 *   if (e instanceof ServiceError && e.detail.type === 'exception-response') console.error(e.detail.serviceError);
 * }
 * ```
 */
export class ServiceError extends MeterlinkError {
  static override readonly brand: string = 'ServiceError';
  /** What the meter answered. */
  readonly detail: ServiceErrorDetail;
  /** The request that failed, in words (e.g. `GET 3/1.0.1.8.0.255/2`). */
  readonly request: string;

  constructor(detail: ServiceErrorDetail, request: string, options?: MeterlinkErrorOptions) {
    const text =
      detail.type === 'exception-response'
        ? `exception-response ${String(detail.stateError)} / ${String(detail.serviceError)}${
            detail.invocationCounter === undefined
              ? ''
              : ` (meter expects counter ≥ ${detail.invocationCounter})`
          }`
        : `confirmedServiceError ${describeConfirmedServiceError(detail.error)}`;
    super(ErrorCode.dlmsService, `${request}: ${text}`, options);
    this.detail = detail;
    this.request = request;
  }
}
