/**
 * What the GET/SET/ACTION algorithms need from the client: the exchange, the next invoke-id, the
 * negotiated sizes and services, and the per-request wait options.
 *
 * @module
 */

import type { WaitOptions } from '../../core/abort.js';
import { ProtocolError } from '../../core/errors.js';
import type { Conformance } from '../apdu/acse/acse-codec.js';
import type { ApduDecodeOptions } from '../apdu/apdu-codec.js';
import type { Apdu, InvokeIdAndPriority } from '../apdu/types.js';
import type { DlmsQuirks } from '../session/types.js';
import type { ApduExchange, ResponseMatcher } from './exchange.js';

/** Options of every request method. */
export interface DlmsRequestOptions {
  /** Limit of each request/response round trip, ms. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Aborts the request (a block transfer stops between blocks). */
  signal?: AbortSignal;
}

/** The client state the service algorithms use. */
export interface ServiceContext {
  /** The exchange. */
  readonly exchange: ApduExchange;
  /** Negotiated conformance. */
  readonly conformance: Conformance;
  /** Largest plain request APDU that may be sent (server max receive PDU minus ciphering overhead). */
  readonly maxRequestBytes: number;
  /** Meter work-arounds. */
  readonly quirks: DlmsQuirks;
  /** Decoding limits and the deviation quirk. */
  readonly decodeOptions: ApduDecodeOptions;
  /** The invoke-id-and-priority of the next request (§9.1: cycles 0–15). */
  nextInvoke(): InvokeIdAndPriority;
  /** The wait options of one round trip. */
  wait(options: DlmsRequestOptions | undefined): WaitOptions;
}

/**
 * A matcher for a response of `type` with the request's invoke-id and one of `variants` (§12.4).
 * Same service and invoke-id but another variant fails the request with a ProtocolError.
 */
export function responseOf(
  type: Apdu['type'],
  invokeId: number,
  variants: readonly string[],
): ResponseMatcher {
  return (apdu) => {
    if (apdu.type !== type || !('invoke' in apdu) || !('variant' in apdu)) return false;
    if ((apdu.invoke as InvokeIdAndPriority).invokeId !== invokeId) return false;
    if (!variants.includes(apdu.variant)) {
      return new ProtocolError(
        `${type} ${apdu.variant} answers a request expecting ${variants.join(' or ')}`,
      );
    }
    return true;
  };
}
