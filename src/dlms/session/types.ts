/**
 * The contract between the DLMS sessions (HDLC link layer, wrapper) and the client and server
 * above them: a session turns a `Link` into a channel of whole APDUs. Framing, segmentation,
 * sequence numbers, retransmission and link-level timeouts stay inside the session; association,
 * ciphering and services stay above it.
 *
 * @module
 */

/** Options of every session operation that waits. */
export interface SessionWaitOptions {
  /** Abort the operation (the session stays usable unless the abort left it inconsistent). */
  signal?: AbortSignal;
  /** Fail with a `TimeoutError` after this many milliseconds. Default: the session's `timeoutMs`. */
  timeoutMs?: number;
}

/** Options of {@link DlmsSession.send}. */
export interface SessionSendOptions extends SessionWaitOptions {
  /**
   * Server sessions: where the answer goes — the `address` of the APDU being answered (several
   * client/server address pairs can share one wrapper connection). Default: the address of the
   * last APDU received. Client sessions always send to their one peer and ignore it.
   */
  address?: SessionAddress;
}

/** Who an APDU came from and was sent to, in the framing's own address terms. */
export interface SessionAddress {
  /** The client's SAP (HDLC client address, or the wrapper wPort on the client side). */
  client: number;
  /** The server's logical device (HDLC upper address, or the wrapper wPort on the server side). */
  logicalDevice: number;
  /** The server's physical device (HDLC lower address); `undefined` for the wrapper and 1-octet addresses. */
  physicalDevice?: number;
}

/** How an APDU arrived. */
export interface ReceivedApdu {
  /** The complete APDU (segments reassembled, LLC header removed). Owned by the receiver. */
  apdu: Uint8Array;
  /** The addresses of the frames that carried it. */
  address: SessionAddress;
  /**
   * `true` when the peer sent it on its own rather than as an answer (HDLC UI frames: pushes
   * and event notifications; for the wrapper every APDU is `false`, the client decides by tag).
   */
  unsolicited: boolean;
}

/** Events of a {@link DlmsSession}. */
export interface DlmsSessionEvents {
  /** One complete APDU arrived. */
  apdu: (received: ReceivedApdu) => void;
  /**
   * The session ended: closed locally, DISC/DM from the peer, the link closed, the inactivity
   * timeout expired, or retries were exhausted (`error` set). Nothing more is sent or emitted.
   */
  close: (error?: Error) => void;
}

/** Life cycle of a session. */
export type SessionState = 'idle' | 'opening' | 'open' | 'closing' | 'closed';

/**
 * A channel of whole APDUs to one peer over one framing. The client side opens it (SNRM/UA for
 * HDLC, nothing on the wire for the wrapper); the server side is opened by the peer.
 */
export interface DlmsSession {
  /**
   * The framing on the wire: HDLC frames, the wrapper, or whole APDUs through a tunnel gateway
   * that runs HDLC next to the meter (`'tunnel-apdu'`).
   */
  readonly framing: 'hdlc' | 'wrapper' | 'tunnel-apdu';
  /** Where the session is in its life cycle. */
  readonly state: SessionState;
  /**
   * Largest APDU the peer can take in one piece at this layer, or `undefined` when the framing
   * sets no limit below the association's PDU size (HDLC segments any APDU; the wrapper carries
   * up to 65 535 octets).
   */
  readonly maxApduBytes: number | undefined;
  /**
   * Establishes the link layer (client side). Resolves when APDUs can be sent.
   * @throws `TimeoutError`, `AbortError`, `LinkClosedError`, `ProtocolError` (DM/FRMR: the peer refused)
   */
  open(options?: SessionWaitOptions): Promise<void>;
  /**
   * Sends one whole APDU, segmenting it as the framing requires. Resolves when the peer has
   * taken every segment as far as the framing can tell (HDLC: the last segment was sent after the
   * acknowledgements the window requires; wrapper: the bytes were handed to the link).
   * @throws `TimeoutError`, `AbortError`, `LinkClosedError`, `ProtocolError`
   */
  send(apdu: Uint8Array, options?: SessionSendOptions): Promise<void>;
  /**
   * Server sessions: sends an APDU the peer did not ask for (a push, §4.11): an HDLC UI frame,
   * or a wrapper frame to `address` (default: the address of the last APDU received). Client
   * sessions do not have it.
   * @throws `LinkClosedError`, `EncodeError` (too long for the framing)
   */
  notify?(apdu: Uint8Array, options?: SessionSendOptions): Promise<void>;
  /**
   * Ends the link layer politely (client: DISC and wait for UA/DM; server: nothing to send) and
   * stops using the link. Does not close the link itself. Idempotent.
   */
  close(options?: SessionWaitOptions): Promise<void>;
  /** Adds a listener. */
  on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this;
  /** Removes a listener. */
  off<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this;
}

/**
 * Work-arounds for real meters that deviate from the standard. All off by default; each one is
 * documented in docs/dlms.md with the behaviour it accepts.
 */
export interface DlmsQuirks {
  /** HDLC: accept I-frames whose N(S) never advances (some meters always send N(S) = 0). */
  ignoreSendSequence?: boolean;
  /** HDLC: accept information fields without the LLC header (and send none when answering such a peer). */
  optionalLlc?: boolean;
  /** A-XDR: the meter sends the date-time deviation with the opposite sign (spec §14.1). */
  invertDeviation?: boolean;
  /** Block transfer: the meter numbers GET datablocks from 0 instead of 1 (off-by-one). */
  blockNumbersFromZero?: boolean;
}
