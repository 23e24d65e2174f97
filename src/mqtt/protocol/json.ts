/**
 * JSON payload helpers shared by the status and meta codecs.
 *
 * @module
 */

import { DecodeError } from '../../core/errors.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a UTF-8 JSON object payload, or throws a {@link DecodeError} (layer `mqtt-tunnel`, offset 0). */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decoder.decode(bytes));
  } catch (error) {
    throw new DecodeError(`${what} is not UTF-8 JSON`, {
      layer: 'mqtt-tunnel',
      offset: 0,
      expected: `a JSON object (${what})`,
      bytes,
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badField(bytes, what, 'a JSON object');
  }
  return value as Record<string, unknown>;
}

/** A {@link DecodeError} for a JSON payload whose field does not have the expected shape. */
export function badField(bytes: Uint8Array, what: string, expected: string): DecodeError {
  return new DecodeError(`${what} does not have the expected shape`, {
    layer: 'mqtt-tunnel',
    offset: 0,
    expected,
    bytes,
  });
}

/** UTF-8 bytes of `JSON.stringify(value)`. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
