/**
 * The JSON frame message format: one JSON object
 * per MQTT message, `{ "id", "type", "sender", "frame", "exception" }`, with the meter bytes as
 * hex text. Described in docs/json-frame-mode.md.
 *
 * @module
 */

import { DecodeError } from '../../../core/errors.js';
import { fromHex, toHex } from '../../../core/hex.js';
import { messageOf } from '../../../links/peer.js';

/** The `type` field: what a message asks for or reports. */
export const JsonFrameType = {
  /** Head-end → gateway: lease the port; gateway → head-end: the lease is granted. */
  open: 0,
  /** Head-end → gateway: write `frame` to the meter. */
  send: 1,
  /** Gateway → head-end: bytes the meter sent (`frame`). */
  receive: 2,
  /** Head-end → gateway: end the lease; gateway → head-end: it ended. */
  close: 3,
  /** Gateway → head-end: a request failed or the lease ended; the reason is in `exception`. */
  exception: 4,
} as const;

/** A value of {@link JsonFrameType}. */
export type JsonFrameType = (typeof JsonFrameType)[keyof typeof JsonFrameType];

/** A message id: whatever the head-end put in `id` (a number or a string), echoed in replies. */
export type JsonFrameId = number | string;

/** A JSON frame message with its frame as bytes (on the wire the frame is hex text). */
export interface JsonFrameMessage {
  /** Message id, chosen by the head-end; replies carry the id of the request they answer. */
  id?: JsonFrameId;
  /** What the message asks for or reports. */
  type: JsonFrameType;
  /** The topic the other side answers on: the head-end's reply topic, or the gateway's request topic. */
  sender?: string;
  /** Meter bytes (`send`, `receive`). */
  frame?: Uint8Array;
  /** Why a request failed (`exception`). */
  exception?: string;
}

/** Limits of {@link decodeJsonFrameMessage}. */
export interface JsonFrameDecodeOptions {
  /** Largest `frame` accepted, octets. Default `65536`. */
  maxFrameBytes?: number;
}

/**
 * A JSON frame message that cannot be used. `sender` and `id` are set when they could be read,
 * so the failure can still be answered; `problem` is the short text for that answer.
 *
 * @example
 * ```ts
 * try {
 *   handle(decodeJsonFrameMessage(payload));
 * } catch (e) {
 *   if (!(e instanceof JsonFrameMessageError) || e.sender === undefined) throw e;
 *   const reply = { id: e.id, type: JsonFrameType.exception, exception: e.problem };
 *   await mqtt.publishAsync(e.sender, Buffer.from(encodeJsonFrameMessage(reply)));
 * }
 * ```
 */
export class JsonFrameMessageError extends DecodeError {
  static override readonly brand: string = 'JsonFrameMessageError';
  /** What is wrong, in words, without the decode-error decoration. */
  readonly problem: string;
  /** The message's valid `sender` topic, when it had one. */
  readonly sender: string | undefined;
  /** The message's `id`, when it had a valid one. */
  readonly id: JsonFrameId | undefined;

  /**
   * @param problem - What is wrong.
   * @param expected - What was expected instead.
   * @param reply - The message's valid `sender` and `id`, when known.
   * @param cause - The underlying error.
   */
  constructor(
    problem: string,
    expected: string,
    reply: { sender?: string | undefined; id?: JsonFrameId | undefined } = {},
    cause?: unknown,
  ) {
    super(`JSON frame message: ${problem}`, {
      layer: 'mqtt-tunnel',
      offset: 0,
      expected,
      ...(cause === undefined ? {} : { cause }),
    });
    this.problem = problem;
    this.sender = reply.sender;
    this.id = reply.id;
  }
}

/** Octets a message may have beyond its hex frame (three characters per octet, spaces allowed). */
const messageOverheadBytes = 4096;
/** MQTT topic names are at most 65,535 UTF-8 octets (MQTT 3.1.1 §1.5.3). */
const maxTopicBytes = 65_535;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * Largest MQTT payload read as a JSON frame message for a given `maxFrameBytes`: the frame as
 * hex with a separator after every octet (3 characters per octet) plus 4 KiB for the other fields.
 */
export function maxJsonFrameMessageBytes(maxFrameBytes: number): number {
  return 3 * maxFrameBytes + messageOverheadBytes;
}

/**
 * Why `topic` cannot be published to, or `undefined` when it can: an MQTT topic name of 1–65,535
 * UTF-8 octets without wildcards (`+`, `#`) or U+0000 (MQTT 3.1.1 §4.7.3, [MQTT-3.3.2-2]), and
 * not a broker topic starting with `$`.
 */
export function senderTopicProblem(topic: string): string | undefined {
  if (topic === '') return 'is empty';
  if (utf8Encoder.encode(topic).length > maxTopicBytes) return 'is longer than 65535 UTF-8 octets';
  if (/[+#\0]/u.test(topic)) return "contains a wildcard ('+', '#') or U+0000";
  if (topic.startsWith('$')) return "starts with '$' (reserved for the broker)";
  return undefined;
}

/**
 * Encodes a message as UTF-8 JSON: fields in the order `id`, `type`, `sender`, `frame`,
 * `exception`; absent fields are left out; the frame is upper-case hex without separators.
 *
 * @example
 * ```ts
 * encodeJsonFrameMessage({ id: 7, type: JsonFrameType.receive, sender: 'gw-bridge/0', frame: Uint8Array.of(0x7e, 0x7e) });
 * // {"id":7,"type":2,"sender":"gw-bridge/0","frame":"7E7E"}
 * ```
 */
export function encodeJsonFrameMessage(message: JsonFrameMessage): Uint8Array {
  const json: Record<string, unknown> = {};
  if (message.id !== undefined) json.id = message.id;
  json.type = message.type;
  if (message.sender !== undefined) json.sender = message.sender;
  if (message.frame !== undefined) json.frame = toHex(message.frame);
  if (message.exception !== undefined) json.exception = message.exception;
  return utf8Encoder.encode(JSON.stringify(json));
}

/**
 * Decodes a message. Fields that are `null` count as absent; unknown fields are ignored. The
 * frame may use either letter case and spaces (or `:`/`-`) between octets.
 *
 * @throws {@link JsonFrameMessageError} when the payload is too large, not a UTF-8 JSON object, or
 *   a field is invalid: `sender` not a topic name, `id` neither a number nor a string, `type` not
 *   0–4, `frame` not hex text or above `maxFrameBytes`, `exception` not a string. `sender` and
 *   `id` are set on the error once they have been read.
 * @example
 * ```ts
 * const message = decodeJsonFrameMessage(new TextEncoder().encode('{"id":1,"type":1,"sender":"he/1","frame":"7E A0 07"}'));
 * // { id: 1, type: 1, sender: 'he/1', frame: Uint8Array [0x7e, 0xa0, 0x07] }
 * ```
 */
export function decodeJsonFrameMessage(
  bytes: Uint8Array,
  options: JsonFrameDecodeOptions = {},
): JsonFrameMessage {
  const maxFrameBytes = options.maxFrameBytes ?? 65_536;
  const maxBytes = maxJsonFrameMessageBytes(maxFrameBytes);
  if (bytes.length > maxBytes) {
    throw new JsonFrameMessageError(
      `the message has ${bytes.length} octets, above the ${maxBytes} read`,
      `at most ${maxBytes} octets`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8Decoder.decode(bytes));
  } catch (error) {
    throw new JsonFrameMessageError(
      `the message is not UTF-8 JSON (${messageOf(error)})`,
      'a JSON object',
      {},
      error,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JsonFrameMessageError('the message is not a JSON object', 'a JSON object');
  }
  const fields = value as Record<string, unknown>;
  const reply: { sender?: string; id?: JsonFrameId } = {};
  const sender = fields.sender ?? undefined;
  if (sender !== undefined) {
    const problem = typeof sender === 'string' ? senderTopicProblem(sender) : 'is not a string';
    if (problem !== undefined) {
      throw new JsonFrameMessageError(`sender ${problem}`, 'an MQTT topic name in sender');
    }
    reply.sender = sender as string;
  }
  const id = fields.id ?? undefined;
  if (id !== undefined) {
    if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
      throw new JsonFrameMessageError('id is neither a number nor a string', 'a number or string id', reply);
    }
    reply.id = id;
  }
  const type = fields.type ?? undefined;
  if (!Object.values(JsonFrameType).includes(type as JsonFrameType)) {
    throw new JsonFrameMessageError(
      `type ${type === undefined ? 'is missing' : `${JSON.stringify(type)} is not 0, 1, 2, 3 or 4`}`,
      'type 0 (open), 1 (send), 2 (receive), 3 (close) or 4 (exception)',
      reply,
    );
  }
  const message: JsonFrameMessage = { ...reply, type: type as JsonFrameType };
  const frame = fields.frame ?? undefined;
  if (frame !== undefined) message.frame = decodeFrame(frame, maxFrameBytes, reply);
  const exception = fields.exception ?? undefined;
  if (exception !== undefined) {
    if (typeof exception !== 'string') {
      throw new JsonFrameMessageError('exception is not a string', 'a string in exception', reply);
    }
    message.exception = exception;
  }
  return message;
}

function decodeFrame(
  frame: unknown,
  maxFrameBytes: number,
  reply: { sender?: string; id?: JsonFrameId },
): Uint8Array {
  if (typeof frame !== 'string') {
    throw new JsonFrameMessageError('frame is not a string', 'hex text in frame', reply);
  }
  let bytes: Uint8Array;
  try {
    bytes = fromHex(frame);
  } catch (error) {
    throw new JsonFrameMessageError(
      `frame is not hex text: ${messageOf(error)}`,
      'hex text in frame',
      reply,
      error,
    );
  }
  if (bytes.length > maxFrameBytes) {
    throw new JsonFrameMessageError(
      `frame has ${bytes.length} octets, above the ${maxFrameBytes} accepted`,
      `at most ${maxFrameBytes} octets in frame`,
      reply,
    );
  }
  return bytes;
}
