/**
 * The envelope of the meterlink MQTT tunnel (protocol version 1): the binary header every tunnel
 * message carries in its MQTT payload, so that nothing depends on MQTT 5 properties. The byte
 * layout is documented in `docs/mqtt-tunnel.md`.
 *
 * @module
 */

/** The envelope version this code speaks (octet 0 of every envelope). */
export const tunnelProtocolVersion = 1;

/** Octets of the fixed header, before the reply-to and port id strings. */
export const envelopeFixedHeaderLength = 28;

/** Default limit on the payload of a decoded envelope ({@link EnvelopeDecodeOptions.maxPayloadBytes}). */
export const defaultMaxPayloadBytes = 65536;

/** Longest reply-to or port id, in UTF-8 octets (a one-octet length prefix). */
export const maxIdLength = 255;

/** Message type codes (octet 1 of the envelope). */
export const EnvelopeTypeCode = {
  /** Head-end → gateway: ask for a lease on a port. */
  open: 1,
  /** Gateway → head-end: the lease is granted. */
  opened: 2,
  /** Either way: bytes for or from the meter. */
  data: 3,
  /** Head-end → gateway: end the lease. */
  close: 4,
  /** Gateway → head-end: the lease ended (answer to `close`, idle expiry, gateway stopping …). */
  closed: 5,
  /** Gateway → head-end: a request failed. */
  error: 6,
  /** Head-end → gateway: liveness check; with a session id it also keeps the lease alive. */
  ping: 7,
  /** Gateway → head-end: answer to `ping`. */
  pong: 8,
  /** Gateway → push topic: bytes the meter sent while no lease was held. */
  push: 9,
  /** Head-end → gateway, in a lease: terminate the meter's link layer at the gateway (APDU mode). */
  attach: 10,
  /** Gateway → head-end: the meter's link layer is up; `data` now carries whole APDUs. */
  attached: 11,
} as const;

/** Name of an envelope message type. */
export type EnvelopeType = keyof typeof EnvelopeTypeCode;

/** Bits of the flags octet (octet 2). Bits a receiver does not know are ignored. */
export const EnvelopeFlag = {
  /** On `open`: fail at once with `port-busy` instead of waiting in the port's FIFO queue. */
  noWait: 0x01,
  /** On gateway `data` in APDU mode: the meter sent this APDU on its own (an HDLC UI frame: a push). */
  unsolicited: 0x02,
  /**
   * On gateway `data` from a request/response port (`modbus-rtu`): the correlation id is that of
   * the head-end `data` these bytes answer (the last one written to the meter before they came);
   * a head-end that has sent a newer `data` since drops them as a late answer.
   */
  answers: 0x04,
} as const;

/** Link layers the gateway can terminate in APDU mode (`mode` of `attach`/`attached`). */
export const ApduModeCode = {
  /** DLMS/COSEM over HDLC (IEC 62056-46): SNRM/UA, segmentation, RR, DISC at the gateway. */
  dlmsHdlc: 1,
} as const;

/** `physical` value in an `attach` body meaning "no physical address" (a 1-octet server address). */
export const attachNoPhysical = 0xffff;

/** Fields every envelope carries (the fixed header and the two strings). */
export interface EnvelopeHeader {
  /** Flags octet (see {@link EnvelopeFlag}); unknown bits are kept as received. */
  flags: number;
  /**
   * Session (lease) id, chosen by the head-end in `open`, echoed by the gateway; u32, 0 for
   * messages outside a session (a gateway `ping`, `push`, an `error` answering a broken envelope).
   */
  sessionId: number;
  /** Sequence number of the envelope in its session and direction (u32, wraps; see the doc). */
  seq: number;
  /** Which request an answer belongs to: the head-end numbers its requests, the gateway echoes (u32). */
  correlationId: number;
  /**
   * Remaining time budget in milliseconds measured by the sender when it published (u32); the
   * receiver's deadline is its arrival time plus this. 0 = no deadline.
   */
  deadlineMs: number;
  /** Sender's wall clock at publication, milliseconds since the Unix epoch; 0 = not given. */
  sentAt: number;
  /** Head-end id whose `{root}/he/{id}/res` topic gets the answers; empty on gateway messages. */
  replyTo: string;
  /** Port id (the topic level); empty only on messages that concern no port. */
  portId: string;
}

/** `open`: asks for a lease on {@link EnvelopeHeader.portId}. */
export interface OpenEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'open';
  /** Idle time after which the gateway ends the lease, ms (u32); 0 = the gateway's default. */
  leaseIdleMs: number;
}

/** `opened`: the lease is granted. */
export interface OpenedEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'opened';
  /** Idle timeout the gateway applies to this lease, ms (u32). */
  leaseIdleMs: number;
  /** Largest `data` payload the gateway accepts from the head-end, octets (u32). */
  maxPayloadBytes: number;
}

/** `data`: bytes for the meter (head-end → gateway) or from it (gateway → head-end). */
export interface DataEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'data';
  /** The raw bytes. */
  payload: Uint8Array;
}

/** `push`: bytes the meter sent while no lease was held, on the port's push topic. */
export interface PushEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'push';
  /** The raw bytes. */
  payload: Uint8Array;
}

/**
 * `attach`: asks the gateway to run the meter's link layer itself and carry whole APDUs in `data`
 * from now on (APDU mode). Numbers that are 0 ask for the gateway's default.
 */
export interface AttachEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'attach';
  /** The link layer, an {@link ApduModeCode} (u8). A gateway answers unknown modes `unsupported`. */
  mode: number;
  /** Client SAP, 0–127. */
  client: number;
  /** Server logical device (upper HDLC address), 0–16383. */
  serverLogical: number;
  /** Server physical device (lower HDLC address), 0–16383; `undefined` for a 1-octet address. */
  serverPhysical: number | undefined;
  /** Octets of the server address on the wire: 1, 2 or 4; 0 = derived from the values. */
  addressSize: 0 | 1 | 2 | 4;
  /** HDLC proposal: longest information field the gateway sends, 32–2030; 0 = default. */
  maxInfoTransmit: number;
  /** HDLC proposal: longest information field the gateway receives, 32–2030; 0 = default. */
  maxInfoReceive: number;
  /** HDLC proposal: transmit window 1–7; 0 = default. */
  windowTransmit: number;
  /** HDLC proposal: receive window 1–7; 0 = default. */
  windowReceive: number;
  /** Response timeout per HDLC frame at the gateway, ms (u16); 0 = default. */
  frameTimeoutMs: number;
  /** Recoveries in a row without progress before the meter counts as lost (u8); 0 = default. */
  retries: number;
}

/** `attached`: the meter's link layer is up, with these negotiated values. */
export interface AttachedEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'attached';
  /** The mode of the `attach` (u8). */
  mode: number;
  /** Negotiated: longest information field the gateway sends to the meter (u16). */
  maxInfoTransmit: number;
  /** Negotiated: longest information field the gateway receives from the meter (u16). */
  maxInfoReceive: number;
  /** Negotiated transmit window (u8). */
  windowTransmit: number;
  /** Negotiated receive window (u8). */
  windowReceive: number;
  /** Largest APDU the gateway accepts in one head-end `data`, octets (u32); 0 = no limit stated. */
  maxApduBytes: number;
}

/** `closed` (the lease ended) or `error` (a request failed): a code and a human-readable message. */
export interface ReasonEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'closed' | 'error';
  /** A {@link TunnelErrorCode} value (u16); 0 on a `closed` that answers `close`. Unknown codes are kept. */
  code: number;
  /** Human-readable reason; never contains a secret. */
  message: string;
}

/** `close`, `ping`, `pong`: no payload. */
export interface EmptyEnvelope extends EnvelopeHeader {
  /** Message type (octet 1, see {@link EnvelopeTypeCode}). */
  type: 'close' | 'ping' | 'pong';
}

/**
 * One tunnel message, discriminated by `type`.
 *
 * @example
 * ```ts
 * const open: Envelope = {
 *   type: 'open', flags: 0, sessionId: 7, seq: 0, correlationId: 1, deadlineMs: 5000,
 *   sentAt: Date.now(), replyTo: 'he-1', portId: 'p1', leaseIdleMs: 30000,
 * };
 * ```
 */
export type Envelope =
  | OpenEnvelope
  | OpenedEnvelope
  | DataEnvelope
  | PushEnvelope
  | ReasonEnvelope
  | EmptyEnvelope
  | AttachEnvelope
  | AttachedEnvelope;

/** Options of `decodeEnvelope`. */
export interface EnvelopeDecodeOptions {
  /**
   * Longest `data`/`push` payload accepted, in octets; a longer one is a `DecodeError`.
   * Default {@link defaultMaxPayloadBytes}.
   */
  maxPayloadBytes?: number;
}
