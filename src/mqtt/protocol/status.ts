/**
 * The retained status messages: a gateway's `{root}/gw/{id}/status` (online, or offline from its
 * Last Will) and a head-end's `{root}/he/{id}/status` (online; its Last Will clears it).
 *
 * @module
 */

import { badField, jsonBytes, parseJsonObject } from './json.js';

/** A status message, UTF-8 JSON on the wire, e.g. `{"state":"online","protocol":1,"time":"…"}`. */
export interface TunnelStatus {
  /** `online` while connected; `offline` after a clean stop or from the Last Will. */
  state: 'online' | 'offline';
  /** Highest envelope version the publisher speaks. */
  protocol: number;
  /** When the publisher wrote the message (ISO 8601 UTC); in a Last Will, when it connected. */
  time: string;
  /** Optional reason for `offline` (`stopped`, `connection lost`); never a secret. */
  reason?: string;
}

/**
 * Encodes a status message as UTF-8 JSON.
 *
 * @param status - The status.
 * @returns The payload (publish it retained, QoS 1).
 * @example
 * ```ts
 * encodeStatus({ state: 'online', protocol: 1, time: new Date().toISOString() });
 * ```
 */
export function encodeStatus(status: TunnelStatus): Uint8Array {
  return jsonBytes(status);
}

/**
 * Decodes a status message; unknown fields are ignored. A zero-length payload (a cleared retained
 * message) is not a status: callers treat it as "gone" before calling this.
 *
 * @param bytes - The payload.
 * @returns The status.
 * @throws {@link DecodeError} (layer `mqtt-tunnel`, offset 0) when it is not a JSON object with
 *   `state` `online`/`offline`, an integer `protocol` and a string `time`
 * @example
 * ```ts
 * if (decodeStatus(payload).state === 'offline') failPending();
 * ```
 */
export function decodeStatus(bytes: Uint8Array): TunnelStatus {
  const o = parseJsonObject(bytes, 'status');
  const { state, protocol, time, reason } = o;
  if (state !== 'online' && state !== 'offline')
    throw badField(bytes, 'status', 'state "online" or "offline"');
  if (!Number.isInteger(protocol)) throw badField(bytes, 'status', 'an integer protocol');
  if (typeof time !== 'string') throw badField(bytes, 'status', 'a string time');
  if (reason !== undefined && typeof reason !== 'string') throw badField(bytes, 'status', 'a string reason');
  return { state, protocol: protocol as number, time, ...(reason === undefined ? {} : { reason }) };
}
