/**
 * Errors of the bridge put in context for the gateway's `error` event.
 *
 * @module
 */

import { LinkError, MeterlinkError } from '../../../core/errors.js';

/** `error` with `context` in front of its message, keeping its code (for the gateway's `error` event). */
export function inContext(error: unknown, context: string): Error {
  if (error instanceof MeterlinkError)
    return new MeterlinkError(error.code, `${context}: ${error.message}`, { cause: error });
  return new LinkError(`${context}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
