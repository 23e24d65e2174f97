/**
 * Decoder of the tunnel envelope (layout in `docs/mqtt-tunnel.md`).
 *
 * @module
 */

import { DecodeError, type DecodeErrorOptions, InvalidArgumentError } from '../../core/errors.js';
import {
  type AttachEnvelope,
  attachNoPhysical,
  defaultMaxPayloadBytes,
  type Envelope,
  type EnvelopeDecodeOptions,
  type EnvelopeHeader,
  type EnvelopeType,
  EnvelopeTypeCode,
  envelopeFixedHeaderLength,
  tunnelProtocolVersion,
} from './envelope.js';
import { idProblem, plainAsciiIdAt } from './ids.js';

const layer = 'mqtt-tunnel';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const typeNames: readonly (EnvelopeType | undefined)[] = (() => {
  const names: (EnvelopeType | undefined)[] = [];
  for (const [name, code] of Object.entries(EnvelopeTypeCode)) names[code] = name as EnvelopeType;
  return names;
})();

/**
 * The envelope's version octet is not one this code speaks. A {@link DecodeError} (offset 0),
 * so generic handlers treat it as bad input; a gateway answers it with an `error` envelope
 * (`unsupported-version`) when {@link peekEnvelopeHeader} can still read the reply-to.
 *
 * @example
 * ```ts
 * try {
 *   decodeEnvelope(payload);
 * } catch (error) {
 *   if (error instanceof UnsupportedVersionError) console.warn(`peer speaks tunnel version ${error.version}`);
 * }
 * ```
 */
export class UnsupportedVersionError extends DecodeError {
  static override readonly brand: string = 'UnsupportedVersionError';
  /** The version octet that was received. */
  readonly version: number;
  constructor(version: number, options: Omit<DecodeErrorOptions, 'layer' | 'offset' | 'expected'>) {
    super(`envelope version ${version}`, {
      ...options,
      layer,
      offset: 0,
      expected: `version ${tunnelProtocolVersion}`,
    });
    this.version = version;
  }
}

/**
 * Decodes one envelope (the whole payload of one MQTT message). `data`/`push` payloads are views
 * into `bytes`, not copies. Octets after the known fields of `open`, `opened`, `closed`,
 * `error`, `close`, `ping`, `pong`, `attach` and `attached` are ignored (room for later minor
 * additions).
 *
 * @param bytes - The MQTT payload.
 * @param options - Limits.
 * @returns The envelope.
 * @throws {@link UnsupportedVersionError} when octet 0 is not 1
 * @throws {@link DecodeError} (layer `mqtt-tunnel`, with the offset) when the input is truncated,
 *   the type is unknown, `sentAt` is beyond 2^53 − 1, a string is not valid UTF-8 or not a valid
 *   id, `open` lacks its reply-to or port id, a payload is above `maxPayloadBytes`, or an
 *   `attach` field is out of range (client SAP above 127, an address above 16383, an address
 *   size other than 0/1/2/4, an information field length outside 32–2030, a window above 7)
 * @throws {@link InvalidArgumentError} when `maxPayloadBytes` is not a non-negative integer
 * @example
 * ```ts
 * const envelope = decodeEnvelope(message);
 * if (envelope.type === 'data') link.write(envelope.payload);
 * ```
 */
export function decodeEnvelope(bytes: Uint8Array, options?: EnvelopeDecodeOptions): Envelope {
  const maxPayload = options?.maxPayloadBytes ?? defaultMaxPayloadBytes;
  if (!Number.isInteger(maxPayload) || maxPayload < 0) {
    throw new InvalidArgumentError(`maxPayloadBytes must be a non-negative integer, got ${maxPayload}`);
  }
  const n = bytes.length;
  if (n < 1) fail(bytes, 'empty envelope', 'the version octet', 0);
  if (bytes[0] !== tunnelProtocolVersion) throw new UnsupportedVersionError(bytes[0]!, { bytes });
  const { header, type, end } = readHeader(bytes);
  const b = bytes;
  switch (type) {
    case 'open':
      if (header.replyTo === '') fail(b, 'open without reply-to', 'a reply-to of 1–255 octets', 28);
      if (header.portId === '')
        fail(b, 'open without port id', 'a port id of 1–255 octets', 29 + lengthAt(b, 28));
      need(b, end, 4, 'the lease idle time');
      return { type, ...header, leaseIdleMs: get32(b, end) };
    case 'opened':
      need(b, end, 8, 'the lease idle time and the payload limit');
      return { type, ...header, leaseIdleMs: get32(b, end), maxPayloadBytes: get32(b, end + 4) };
    case 'data':
    case 'push': {
      if (type === 'push' && header.portId === '') {
        fail(b, 'push without port id', 'a port id of 1–255 octets', 29 + lengthAt(b, 28));
      }
      if (n - end > maxPayload) {
        fail(
          b,
          `payload of ${n - end} octets is above the limit`,
          `at most ${maxPayload} octets (maxPayloadBytes)`,
          end,
        );
      }
      return { type, ...header, payload: bytes.subarray(end) };
    }
    case 'attach':
      return { type, ...header, ...attachBody(b, end) };
    case 'attached':
      need(b, end, 11, 'the attached body');
      return {
        type,
        ...header,
        mode: b[end]!,
        maxInfoTransmit: get16(b, end + 1),
        maxInfoReceive: get16(b, end + 3),
        windowTransmit: b[end + 5]!,
        windowReceive: b[end + 6]!,
        maxApduBytes: get32(b, end + 7),
      };
    case 'closed':
    case 'error': {
      need(b, end, 4, 'the code and the message length');
      const length = (b[end + 2]! << 8) | b[end + 3]!;
      need(b, end + 4, length, 'the message');
      const message = text(b, end + 4, length, 'the message as UTF-8');
      return { type, ...header, code: get16(b, end), message };
    }
    default:
      return { type, ...header };
  }
}

/** The body of an `attach` at `at`, range-checked (layout in the doc, "APDU mode"). */
function attachBody(b: Uint8Array, at: number): Omit<AttachEnvelope, keyof EnvelopeHeader | 'type'> {
  need(b, at, 16, 'the attach body');
  const client = b[at + 1]!;
  if (client > 0x7f) fail(b, `client SAP ${client}`, 'a client SAP 0–127', at + 1);
  const serverLogical = get16(b, at + 2);
  if (serverLogical > 0x3fff) fail(b, `server logical ${serverLogical}`, 'a logical address 0–16383', at + 2);
  const physical = get16(b, at + 4);
  if (physical > 0x3fff && physical !== attachNoPhysical) {
    fail(b, `server physical ${physical}`, 'a physical address 0–16383, or FFFF for none', at + 4);
  }
  const addressSize = b[at + 6]!;
  if (addressSize !== 0 && addressSize !== 1 && addressSize !== 2 && addressSize !== 4) {
    fail(b, `address size ${addressSize}`, 'an address size 0, 1, 2 or 4', at + 6);
  }
  const maxInfoTransmit = get16(b, at + 7);
  const maxInfoReceive = get16(b, at + 9);
  for (const [value, offset] of [
    [maxInfoTransmit, 7],
    [maxInfoReceive, 9],
  ] as const) {
    if (value !== 0 && (value < 32 || value > 2030)) {
      fail(b, `information field length ${value}`, 'an information field length 32–2030, or 0', at + offset);
    }
  }
  const windowTransmit = b[at + 11]!;
  const windowReceive = b[at + 12]!;
  if (windowTransmit > 7) fail(b, `window ${windowTransmit}`, 'a window 1–7, or 0', at + 11);
  if (windowReceive > 7) fail(b, `window ${windowReceive}`, 'a window 1–7, or 0', at + 12);
  return {
    mode: b[at]!,
    client,
    serverLogical,
    serverPhysical: physical === attachNoPhysical ? undefined : physical,
    addressSize,
    maxInfoTransmit,
    maxInfoReceive,
    windowTransmit,
    windowReceive,
    frameTimeoutMs: get16(b, at + 13),
    retries: b[at + 15]!,
  };
}

/** What {@link peekEnvelopeHeader} could read from an envelope that may not decode. */
export interface EnvelopePeek {
  /** Octet 0. */
  version: number;
  /** Session id (0 when truncated before it). */
  sessionId: number;
  /** Correlation id (0 when truncated before it). */
  correlationId: number;
  /** Reply-to, when present and a valid id. */
  replyTo?: string;
}

/**
 * Reads the version and, when they are intact, the session id, the correlation id and the reply-to
 * of an envelope that failed to decode, so that a gateway can still answer `bad-envelope` or
 * `unsupported-version`. Every version keeps the layout of octets 0–28 and the reply-to string
 * (see the doc). Never throws.
 *
 * @param bytes - The MQTT payload.
 * @returns What could be read, or `undefined` for an empty input.
 * @example
 * ```ts
 * const peek = peekEnvelopeHeader(bytes);
 * if (peek?.replyTo) publish(topics.res(peek.replyTo), errorEnvelopeFor(peek));
 * ```
 */
export function peekEnvelopeHeader(bytes: Uint8Array): EnvelopePeek | undefined {
  if (bytes.length < 1) return undefined;
  const peek: EnvelopePeek = { version: bytes[0]!, sessionId: 0, correlationId: 0 };
  if (bytes.length >= 16) {
    peek.sessionId = get32(bytes, 4);
    peek.correlationId = get32(bytes, 12);
  }
  const start = envelopeFixedHeaderLength;
  if (bytes.length > start) {
    const length = bytes[start]!;
    if (length > 0 && bytes.length >= start + 1 + length) {
      try {
        const id = utf8.decode(bytes.subarray(start + 1, start + 1 + length));
        if (idProblem(id, length) === undefined) peek.replyTo = id;
      } catch {
        // not UTF-8: no reply-to to answer
      }
    }
  }
  return peek;
}

function readHeader(b: Uint8Array): { header: EnvelopeHeader; type: EnvelopeType; end: number } {
  need(b, 1, 1, 'the message type');
  const type = typeNames[b[1]!];
  if (type === undefined) fail(b, `unknown message type ${b[1]}`, 'a message type 1–11', 1);
  need(b, 2, envelopeFixedHeaderLength - 2, 'the fixed header');
  const high = get32(b, 20);
  if (high > 0x1fffff) fail(b, 'sent-at above 2^53 − 1', 'milliseconds since 1970 below 2^53', 20);
  let at = envelopeFixedHeaderLength;
  need(b, at, 1, 'the reply-to length');
  const replyTo = id(b, at, 'reply-to');
  at += 1 + b[at]!;
  need(b, at, 1, 'the port id length');
  const portId = id(b, at, 'port id');
  at += 1 + b[at]!;
  return {
    type,
    end: at,
    header: {
      flags: b[2]!,
      sessionId: get32(b, 4),
      seq: get32(b, 8),
      correlationId: get32(b, 12),
      deadlineMs: get32(b, 16),
      sentAt: high * 0x100000000 + get32(b, 24),
      replyTo,
      portId,
    },
  };
}

/** Reads the length-prefixed id at `at` (empty allowed). */
function id(b: Uint8Array, at: number, what: string): string {
  const length = b[at]!;
  need(b, at + 1, length, `the ${what}`);
  if (length === 0) return '';
  const plain = plainAsciiIdAt(b, at + 1, length);
  if (plain !== undefined) return plain;
  const value = text(b, at + 1, length, `the ${what} as UTF-8`);
  const problem = idProblem(value, length);
  if (problem !== undefined) fail(b, `${what} ${problem}`, `a valid ${what}`, at + 1);
  return value;
}

function text(b: Uint8Array, at: number, length: number, what: string): string {
  try {
    return utf8.decode(b.subarray(at, at + length));
  } catch {
    return fail(b, 'invalid UTF-8', what, at);
  }
}

function lengthAt(b: Uint8Array, at: number): number {
  return b[at] ?? 0;
}

function need(b: Uint8Array, at: number, n: number, what: string): void {
  if (at + n > b.length)
    fail(b, `input ends after ${Math.max(0, b.length - at)} of ${n} octets of ${what}`, what, b.length);
}

function fail(bytes: Uint8Array, message: string, expected: string, offset: number): never {
  throw new DecodeError(message, { layer, offset, expected, bytes });
}

function get16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function get32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
