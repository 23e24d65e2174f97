/**
 * Encoder of the tunnel envelope (layout in `docs/mqtt-tunnel.md`).
 *
 * @module
 */

import { EncodeError } from '../../core/errors.js';
import {
  attachNoPhysical,
  type Envelope,
  EnvelopeTypeCode,
  envelopeFixedHeaderLength,
  tunnelProtocolVersion,
} from './envelope.js';
import { idProblem, isPlainAsciiId } from './ids.js';

const utf8 = new TextEncoder();

/**
 * Encodes an envelope: the 28-octet fixed header (version, type, flags, reserved, session id,
 * sequence, correlation id, deadline, sent-at), the reply-to and port id strings (one length
 * octet each) and the type's body.
 *
 * @param envelope - The message; every number must fit its field.
 * @returns A new byte array, ready to publish.
 * @throws {@link EncodeError} naming the field when a number is out of range, a string is not a
 *   valid id (too long, `/`, `+`, `#`, U+0000, leading `$`), `open` lacks its reply-to or port
 *   id, or a message is longer than 65535 UTF-8 octets
 * @example
 * ```ts
 * const bytes = encodeEnvelope({
 *   type: 'data', flags: 0, sessionId: 7, seq: 1, correlationId: 2, deadlineMs: 5000,
 *   sentAt: 0, replyTo: 'he-1', portId: 'p1', payload: new Uint8Array([0x7e, 0xa0]),
 * });
 * ```
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  checkInt(envelope.flags, 0xff, 'flags');
  checkInt(envelope.sessionId, 0xffffffff, 'sessionId');
  checkInt(envelope.seq, 0xffffffff, 'seq');
  checkInt(envelope.correlationId, 0xffffffff, 'correlationId');
  checkInt(envelope.deadlineMs, 0xffffffff, 'deadlineMs');
  checkInt(envelope.sentAt, Number.MAX_SAFE_INTEGER, 'sentAt');
  const required = envelope.type === 'open';
  const replyTo = idBytes(envelope.replyTo, 'replyTo', required);
  const portId = idBytes(envelope.portId, 'portId', required || envelope.type === 'push');
  const body = bodyOf(envelope);
  const start = envelopeFixedHeaderLength;
  const out = new Uint8Array(start + 2 + replyTo.length + portId.length + body.length);
  out[0] = tunnelProtocolVersion;
  out[1] = EnvelopeTypeCode[envelope.type];
  out[2] = envelope.flags;
  put32(out, 4, envelope.sessionId);
  put32(out, 8, envelope.seq);
  put32(out, 12, envelope.correlationId);
  put32(out, 16, envelope.deadlineMs);
  put32(out, 20, Math.floor(envelope.sentAt / 0x100000000));
  put32(out, 24, envelope.sentAt >>> 0);
  let at = putId(out, start, replyTo);
  at = putId(out, at, portId);
  out.set(body, at);
  return out;
}

/** Writes the length octet and the id (a plain ASCII string, or UTF-8 octets); the next offset. */
function putId(out: Uint8Array, at: number, id: string | Uint8Array): number {
  out[at++] = id.length;
  if (typeof id !== 'string') {
    out.set(id, at);
    return at + id.length;
  }
  for (let i = 0; i < id.length; i++) out[at++] = id.charCodeAt(i);
  return at;
}

function bodyOf(e: Envelope): Uint8Array {
  switch (e.type) {
    case 'open': {
      checkInt(e.leaseIdleMs, 0xffffffff, 'leaseIdleMs');
      const b = new Uint8Array(4);
      put32(b, 0, e.leaseIdleMs);
      return b;
    }
    case 'opened': {
      checkInt(e.leaseIdleMs, 0xffffffff, 'leaseIdleMs');
      checkInt(e.maxPayloadBytes, 0xffffffff, 'maxPayloadBytes');
      const b = new Uint8Array(8);
      put32(b, 0, e.leaseIdleMs);
      put32(b, 4, e.maxPayloadBytes);
      return b;
    }
    case 'data':
    case 'push':
      return e.payload;
    case 'attach': {
      checkInt(e.mode, 0xff, 'mode');
      checkInt(e.client, 0x7f, 'client');
      checkInt(e.serverLogical, 0x3fff, 'serverLogical');
      if (e.serverPhysical !== undefined) checkInt(e.serverPhysical, 0x3fff, 'serverPhysical');
      if (![0, 1, 2, 4].includes(e.addressSize)) {
        throw new EncodeError('addressSize', `must be 0, 1, 2 or 4, got ${String(e.addressSize)}`);
      }
      checkInfo(e.maxInfoTransmit, 'maxInfoTransmit');
      checkInfo(e.maxInfoReceive, 'maxInfoReceive');
      checkInt(e.windowTransmit, 7, 'windowTransmit');
      checkInt(e.windowReceive, 7, 'windowReceive');
      checkInt(e.frameTimeoutMs, 0xffff, 'frameTimeoutMs');
      checkInt(e.retries, 0xff, 'retries');
      const b = new Uint8Array(16);
      b[0] = e.mode;
      b[1] = e.client;
      put16(b, 2, e.serverLogical);
      put16(b, 4, e.serverPhysical ?? attachNoPhysical);
      b[6] = e.addressSize;
      put16(b, 7, e.maxInfoTransmit);
      put16(b, 9, e.maxInfoReceive);
      b[11] = e.windowTransmit;
      b[12] = e.windowReceive;
      put16(b, 13, e.frameTimeoutMs);
      b[15] = e.retries;
      return b;
    }
    case 'attached': {
      checkInt(e.mode, 0xff, 'mode');
      checkInt(e.maxInfoTransmit, 0xffff, 'maxInfoTransmit');
      checkInt(e.maxInfoReceive, 0xffff, 'maxInfoReceive');
      checkInt(e.windowTransmit, 0xff, 'windowTransmit');
      checkInt(e.windowReceive, 0xff, 'windowReceive');
      checkInt(e.maxApduBytes, 0xffffffff, 'maxApduBytes');
      const b = new Uint8Array(11);
      b[0] = e.mode;
      put16(b, 1, e.maxInfoTransmit);
      put16(b, 3, e.maxInfoReceive);
      b[5] = e.windowTransmit;
      b[6] = e.windowReceive;
      put32(b, 7, e.maxApduBytes);
      return b;
    }
    case 'closed':
    case 'error': {
      checkInt(e.code, 0xffff, 'code');
      const text = utf8.encode(e.message);
      if (text.length > 0xffff) {
        throw new EncodeError('message', `${text.length} UTF-8 octets do not fit the 16-bit length`);
      }
      const b = new Uint8Array(4 + text.length);
      put16(b, 0, e.code);
      put16(b, 2, text.length);
      b.set(text, 4);
      return b;
    }
    default:
      return new Uint8Array(0);
  }
}

/** The id to write: itself when plain ASCII (one octet per character), else its UTF-8 octets. */
function idBytes(id: string, field: string, required: boolean): string | Uint8Array {
  if (isPlainAsciiId(id)) return id;
  const bytes = utf8.encode(id);
  if (bytes.length === 0 && !required) return bytes;
  const problem = idProblem(id, bytes.length);
  if (problem !== undefined) throw new EncodeError(field, `${JSON.stringify(id)} ${problem}`);
  return bytes;
}

function checkInt(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new EncodeError(field, `must be an integer 0–${max}, got ${value}`);
  }
}

/** An information field length of an `attach`: 0 (default) or 32–2030. */
function checkInfo(value: number, field: string): void {
  checkInt(value, 2030, field);
  if (value !== 0 && value < 32) throw new EncodeError(field, `must be 0 or 32–2030, got ${value}`);
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}
