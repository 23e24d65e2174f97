/**
 * `meterlink/dlms`: the DLMS/COSEM stack. The codecs, client and meter simulator land here
 * (see the project issues); for now this entry point only re-exports the shared error types.
 *
 * @module meterlink/dlms
 */

export { DecodeError, MeterlinkError, TimeoutError } from '../core/errors.js';
