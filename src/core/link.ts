/**
 * The `Link` abstraction: an ordered byte stream (or datagram channel) to one peer.
 *
 * Sessions, clients and servers depend only on this interface, never on a concrete transport;
 * the implementations (tcp, udp, serial, memory, mqtt, fault injection) live in `src/links` and
 * `src/mqtt`. The interface sits in `core` so that depending on it pulls in nothing from Node.
 *
 * @module
 */

/** Events every {@link Link} emits. */
export interface LinkEvents {
  /** Bytes arrived from the peer (one datagram per event on message-oriented links). */
  data: (bytes: Uint8Array) => void;
  /**
   * The link stopped being open: closed by `close()`, by the peer, or by a failure (`error` is
   * then set). A link with a reconnect policy goes to state `reconnecting` and emits `open`
   * again when it is back; everything in flight when it dropped is lost.
   */
  close: (error?: Error) => void;
  /** A non-fatal problem worth reporting (a reconnect attempt failed, a write was dropped …). */
  error: (error: Error) => void;
  /** The link is open (emitted after `open()` and after every successful reconnect). */
  open: () => void;
}

/** What kind of transport a link is; framings and clients adapt to it. */
export type LinkTransport = 'tcp' | 'udp' | 'serial' | 'memory' | 'mqtt';

/** Static facts about a link that framing layers and clients rely on. */
export interface LinkInfo {
  /** The transport behind the link. */
  readonly transport: LinkTransport;
  /**
   * `true` when every `data` event carries exactly one message the peer sent (UDP datagrams);
   * `false` for byte streams, where messages can be split or coalesced arbitrarily.
   */
  readonly messageOriented: boolean;
  /**
   * `true` when the link is a shared half-duplex bus (a serial line): clients must never have
   * more than one transaction outstanding on it.
   */
  readonly bus: boolean;
  /** Line speed in bit/s for serial links, used to derive character timings (t1.5, t3.5). */
  readonly baudRate?: number;
  /** Human-readable peer description for logs and error messages, e.g. `tcp://127.0.0.1:502`. */
  readonly peer: string;
}

/**
 * Life cycle of a link: `idle` (created) → `opening` → `open` → `closed`, with `reconnecting`
 * between a drop and the next `open` for links that have a reconnect policy.
 */
export type LinkState = 'idle' | 'opening' | 'open' | 'reconnecting' | 'closed';

/** Options for {@link Link.open}. */
export interface LinkOpenOptions {
  /** Fail with a `TimeoutError` when the link is not open after this many milliseconds. */
  timeoutMs?: number;
  /** Abort opening. */
  signal?: AbortSignal;
}

/** An event listener of a {@link Link}. */
export type LinkListener<E extends keyof LinkEvents> = LinkEvents[E];

/**
 * An ordered, reliable-or-not byte stream to one peer.
 *
 * @example
 * ```ts
 * const link = tcp({ host: '127.0.0.1', port: 502 });
 * link.on('data', (bytes) => console.log(bytes));
 * await link.open();
 * await link.write(new Uint8Array([0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]));
 * await link.close();
 * ```
 */
export interface Link {
  /** Facts about the transport. */
  readonly info: LinkInfo;
  /** Where the link is in its life cycle. */
  readonly state: LinkState;
  /** `true` when `state` is `open`: bytes can be written. */
  readonly isOpen: boolean;
  /**
   * Opens the link. Resolves once bytes can be written.
   * @throws `LinkError` when the transport cannot be opened, `TimeoutError`, `AbortError`
   */
  open(options?: LinkOpenOptions): Promise<void>;
  /**
   * Sends bytes (one datagram on message-oriented links). Resolves when the bytes were handed
   * to the transport.
   * @throws `LinkClosedError` when the link is not open
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the link for good (no reconnect); idempotent. Resolves when the transport is released. */
  close(): Promise<void>;
  /** Adds a listener. */
  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this;
  /** Adds a one-shot listener. */
  once<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this;
  /** Removes a listener. */
  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this;
}

/** Parity setting of a serial line. */
export type SerialParity = 'none' | 'even' | 'odd' | 'mark' | 'space';

/** Serial line settings that {@link ReconfigurableLink.reconfigure} changes; absent fields are kept. */
export interface SerialLineSettings {
  /** Line speed in bit/s. */
  baudRate?: number;
  /** Data bits per character. */
  dataBits?: 5 | 6 | 7 | 8;
  /** Parity. */
  parity?: SerialParity;
  /** Stop bits. */
  stopBits?: 1 | 1.5 | 2;
}

/**
 * A {@link Link} whose line settings can change while it is open (a serial link): the
 * IEC 62056-21 sign-on talks at 300 bit/s 7E1, then switches the same port to 8N1 at the agreed speed.
 */
export interface ReconfigurableLink extends Link {
  /**
   * Changes the line settings. On an open link it resolves once the new settings are in effect
   * (the link stays open and keeps its listeners); `info.baudRate` follows.
   * @throws `InvalidArgumentError` for an unsupported setting, `LinkError` when the port cannot
   *   be switched, `LinkClosedError` while the link is opening or reconnecting
   */
  reconfigure(settings: SerialLineSettings): Promise<void>;
}

/**
 * Whether `link` can change its line settings while open (see {@link ReconfigurableLink}).
 *
 * @param link - Any link.
 * @returns `true` when `link` has a `reconfigure` method.
 * @example
 * ```ts
 * if (isReconfigurable(link)) await link.reconfigure({ baudRate: 9600, dataBits: 8, parity: 'none' });
 * ```
 */
export function isReconfigurable(link: Link): link is ReconfigurableLink {
  return typeof (link as Partial<ReconfigurableLink>).reconfigure === 'function';
}

/** The link layer the gateway runs to the meter in APDU mode (only DLMS over HDLC so far). */
export type ApduTunnelMode = 'dlms-hdlc';

/**
 * HDLC parameters the gateway proposes to the meter in APDU mode (absent = the gateway's default;
 * ranges as for the HDLC client session, IEC 62056-46 §6.4.4.4.3.2).
 */
export interface ApduTunnelHdlcProposal {
  /** Longest information field the gateway sends, 32–2030 octets. */
  maxInfoTransmit?: number;
  /** Longest information field the gateway receives, 32–2030 octets. */
  maxInfoReceive?: number;
  /** I-frames the gateway sends before it needs an acknowledgement, 1–7. */
  windowTransmit?: number;
  /** I-frames the gateway receives before it acknowledges, 1–7. */
  windowReceive?: number;
  /** Response timeout per HDLC frame at the gateway, 1–65535 ms. */
  frameTimeoutMs?: number;
  /** Recoveries in a row without progress before the meter counts as lost, 1–255. */
  retries?: number;
}

/** What {@link ApduTunnelLink.attachApdu} asks the gateway to set up. */
export interface ApduAttachRequest {
  /** The link layer to the meter. */
  mode: ApduTunnelMode;
  /** Client SAP (HDLC client address), 0–127. */
  client: number;
  /** The meter's HDLC address. */
  server: {
    /** Logical device (upper HDLC address), 0–16383. */
    logical: number;
    /** Physical device (lower HDLC address), 0–16383; absent for a 1-octet address. */
    physical?: number;
    /** Octets of the server address on the wire: 1, 2 or 4. Default: derived as in HDLC. */
    addressSize?: 1 | 2 | 4;
  };
  /** HDLC proposals. Default: the gateway's. */
  hdlc?: ApduTunnelHdlcProposal;
  /**
   * Receives the APDUs the meter sent on its own (HDLC UI frames: pushes) while attached. Without
   * it they are `data` events like the answers.
   */
  onUnsolicited?: (apdu: Uint8Array) => void;
}

/** What the gateway agreed with the meter ({@link ApduTunnelLink.attachApdu}). */
export interface ApduAttachResult {
  /** Longest information field the gateway sends to the meter (negotiated by SNRM/UA). */
  maxInfoTransmit: number;
  /** Longest information field the gateway receives from the meter. */
  maxInfoReceive: number;
  /** Transmit window towards the meter. */
  windowTransmit: number;
  /** Receive window from the meter. */
  windowReceive: number;
  /** Largest APDU one `write()` may carry, octets; 0 when the gateway states no limit. */
  maxApduBytes: number;
}

/**
 * A {@link Link} to a gateway that can terminate the meter's link layer itself (APDU mode of the
 * MQTT tunnel): after a successful {@link ApduTunnelLink.attachApdu} every `write()` is one whole
 * APDU and every `data` event one whole APDU, while segmentation, acknowledgements and retries run
 * next to the meter.
 */
export interface ApduTunnelLink extends Link {
  /**
   * Asks the gateway to open the link layer to the meter (HDLC SNRM/UA) with `request`; a second
   * call replaces the previous association (the gateway disconnects it first). The link must be open.
   * @throws `LinkClosedError` (not open), `TunnelError` (`unsupported`: the gateway or port does not
   *   offer APDU mode; `meter-refused`: DM, FRMR or no UA), `TimeoutError`, `AbortError`,
   *   `InvalidArgumentError` (a request field out of range)
   */
  attachApdu(request: ApduAttachRequest, options?: LinkOpenOptions): Promise<ApduAttachResult>;
}

/**
 * Whether `link` offers the APDU mode of a tunnel (see {@link ApduTunnelLink}).
 *
 * @param link - Any link.
 * @returns `true` when `link` has an `attachApdu` method.
 * @example
 * ```ts
 * if (isApduTunnel(link)) await link.attachApdu({ mode: 'dlms-hdlc', client: 16, server: { logical: 1 } });
 * ```
 */
export function isApduTunnel(link: Link): link is ApduTunnelLink {
  return typeof (link as Partial<ApduTunnelLink>).attachApdu === 'function';
}
