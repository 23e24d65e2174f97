/**
 * `HdlcServerSession`: the secondary station of the HDLC link layer (IEC 62056-46, spec §4), for
 * the meter simulator.
 *
 * @module
 */

import { waitFor } from '../../core/abort.js';
import { AbortError, InvalidArgumentError, LinkClosedError, TimeoutError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { encodeHdlcControl } from '../hdlc/control.js';
import { withLlc } from '../hdlc/llc.js';
import { decodeHdlcParameters, encodeHdlcParameters } from '../hdlc/parameters.js';
import type { HdlcAddress, HdlcControl, HdlcFrame } from '../hdlc/types.js';
import { HdlcEventRegistry } from './hdlc-events.js';
import { HdlcFrameChannel } from './hdlc-frame-channel.js';
import {
  checkDuration,
  checkInteger,
  frmrField,
  type HdlcLinkOptions,
  type HdlcLinkParameters,
  maxApduOption,
  negotiateLink,
  ownLinkParameters,
  requestAddress,
  sameHdlcAddress,
} from './hdlc-options.js';
import { HdlcReassembler, llcHeaderLength, segmentApdu } from './hdlc-segments.js';
import { HdlcSendWindow } from './hdlc-send-window.js';
import type {
  DlmsQuirks,
  DlmsSession,
  DlmsSessionEvents,
  SessionAddress,
  SessionState,
  SessionWaitOptions,
} from './types.js';

/** Options of {@link HdlcServerSession}. */
export interface HdlcServerSessionOptions extends HdlcLinkOptions {
  /**
   * The addresses this station answers: a predicate, or a list (an entry without
   * `physicalDevice` matches any physical address). Frames to other addresses are ignored
   * without answer, as a station on a shared bus must (spec §4.3). Default: every address.
   */
  accepts?: ((address: SessionAddress) => boolean) | readonly SessionAddress[];
  /**
   * Back to disconnected mode, silently, when no frame came from the client for this long, ms
   * (HDLC setup attribute 8, spec §4.10); the session then closes with a `TimeoutError`.
   * Default 120 000; 0 = never.
   */
  inactivityTimeoutMs?: number;
  /** Longest wait of `send()` for the client's polls, ms. Default 30 000. */
  timeoutMs?: number;
  /**
   * How long the answer to a client poll that completed an APDU waits for `send()` before the
   * server answers RR instead (the client then polls again), ms. Default 500.
   */
  replyWaitMs?: number;
}

/** Events of an {@link HdlcServerSession}: those of every session, plus `connect`. */
export interface HdlcServerSessionEvents extends DlmsSessionEvents {
  /**
   * An SNRM was accepted and answered with UA. `reset` is `true` when the link was already
   * connected: V(S)/V(R) restarted and whatever the association above held is void (spec §4.8).
   */
  connect: (address: SessionAddress, reset: boolean) => void;
}

/** Counters of an {@link HdlcServerSession}. */
export interface HdlcServerSessionStats {
  /** Frames written. */
  framesSent: number;
  /** Frames received with good check sequences, any address. */
  framesReceived: number;
  /** Frames the decoder rejected (bad check sequence, format, address or control). */
  badFrames: number;
  /** Frames for addresses this station does not serve, or from another client while connected. */
  ignoredFrames: number;
  /** Frames with an N(R) that acknowledges nothing sent (late copies), ignored. */
  staleFrames: number;
  /** I-frames sent again because the client's N(R) showed they were lost (spec §4.10). */
  retransmissions: number;
  /** Requests dropped: no LLC header, or longer than `maxApduBytes`. */
  droppedApdus: number;
}

type EventMap = { [E in keyof HdlcServerSessionEvents]: HdlcServerSessionEvents[E] };

/** What `send()` returns when the answer went out at once: one settled promise for all. */
const answered: Promise<void> = Promise.resolve();

/** Options of {@link HdlcServerSession.notify}. */
export interface HdlcNotifyOptions {
  /** Where to send the UI frames. Default: the connected client and the address it called. */
  address?: SessionAddress;
}

/**
 * The server (secondary station) side of an HDLC link, for simulated meters. It listens from
 * construction on: the client opens the link.
 *
 * - SNRM ⇒ UA with the negotiated parameters (all four, spec §4.7) and V(S) = V(R) = 0; an SNRM
 *   while connected resets the link (`connect` event with `reset: true`). DISC ⇒ UA, then the
 *   session closes; DISC while disconnected ⇒ DM. I, RR, RNR or UI with P = 1 while disconnected
 *   ⇒ DM (spec §4.8, §4.11).
 * - The first SNRM binds the session to one client and server address pair; frames of other
 *   clients to an accepted address get DM when they poll, frames to other addresses are ignored.
 * - I-frames with N(S) = V(R) are taken and reassembled; after each client turn that ends with a
 *   segment (S = 1) the server answers RR. A complete request is emitted as `apdu` (LLC removed).
 * - `send()` answers: LLC `E6 E7 00`, segments of the negotiated size, up to the window per
 *   turn with F = 1 on the last frame, the next window when the client polls with RR. When the
 *   client's N(R) shows frames were lost they are sent again with their N(S) (go-back-N; this
 *   covers repeating the last I-frame, spec §4.10).
 * - `notify()` sends an unsolicited APDU in UI frames (push, spec §4.11).
 * - The inactivity timeout brings the station back to disconnected mode silently and closes the
 *   session. Close never touches the link.
 *
 * @example
 * ```ts
 * const session = new HdlcServerSession(link, { accepts: [{ client: 16, logicalDevice: 1 }] });
 * session.on('apdu', ({ apdu }) => void session.send(answer(apdu)));
 * session.on('close', () => startNextSession());
 * ```
 */
export class HdlcServerSession implements DlmsSession {
  /** Always `'hdlc'`. */
  readonly framing = 'hdlc' as const;
  /** `undefined`: HDLC segments an APDU of any size. */
  readonly maxApduBytes = undefined;

  readonly #events = new HdlcEventRegistry<EventMap>();
  readonly #channel: HdlcFrameChannel;
  /** Which addresses this station answers; `undefined`: every address. */
  readonly #accepts: ((address: SessionAddress) => boolean) | undefined;
  readonly #own: HdlcLinkParameters;
  readonly #inactivityMs: number;
  readonly #timeoutMs: number;
  readonly #replyWaitMs: number;
  readonly #quirks: DlmsQuirks;
  readonly #tx = new HdlcSendWindow();
  readonly #rx: HdlcReassembler;
  readonly #ui: HdlcReassembler;

  #state: SessionState = 'idle';
  #params: HdlcLinkParameters;
  /** The connected pair: the client's address and the server address it called. */
  #peer: { client: HdlcAddress; server: HdlcAddress } | undefined;
  /** The connected pair as the `address` of `apdu` events. */
  #peerAddress: SessionAddress | undefined;
  /** V(R): N(S) of the next I-frame expected from the client (spec §4.8). */
  #vr = 0;
  /** The client polled (P = 1) and has not been answered yet: the server has the turn. */
  #owesAnswer = false;
  /** A request was emitted and `send()` has not answered it yet. */
  #awaitingReply = false;
  #replyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Answer with an LLC header (quirk `optionalLlc`: not when the request came without one). */
  #answerLlc = true;
  /** Counts the SNRMs accepted: a link reset makes the answers queued before it void. */
  #epoch = 0;
  #sendTail: Promise<void> = Promise.resolve();
  /** `send()` calls in progress or queued. */
  #sends = 0;
  /** The `send()` waiting for its last segment to go out. */
  #sending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #lastActivity = 0;
  #inactivityTimer: ReturnType<typeof setTimeout> | undefined;
  #ignored = 0;
  #stale = 0;
  #retransmissions = 0;
  #dropped = 0;

  /**
   * @throws {@link InvalidArgumentError} for a missing link or an option out of range
   */
  constructor(link: Link, options: HdlcServerSessionOptions = {}) {
    if (typeof link?.write !== 'function') throw new InvalidArgumentError('HdlcServerSession needs a link');
    this.#accepts = acceptor(options.accepts);
    this.#own = ownLinkParameters(options);
    this.#params = { ...this.#own };
    this.#inactivityMs = checkDuration('inactivityTimeoutMs', options.inactivityTimeoutMs ?? 120_000, 0);
    this.#timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? 30_000, 1);
    this.#replyWaitMs = checkDuration('replyWaitMs', options.replyWaitMs ?? 500, 0);
    this.#quirks = { ...options.quirks };
    const maxApdu = maxApduOption(options);
    this.#rx = new HdlcReassembler(maxApdu, this.#quirks.optionalLlc === true);
    this.#ui = new HdlcReassembler(maxApdu, this.#quirks.optionalLlc === true);
    this.#channel = new HdlcFrameChannel(link, {
      frame: (frame) => this.#onFrame(frame),
      close: (error) =>
        this.#end(new LinkClosedError('the link closed under the HDLC session', { cause: error })),
      trace: options.onFrame,
    });
    this.#channel.attach();
  }

  /** `idle` until the first SNRM, `open` while connected, then `closed`. */
  get state(): SessionState {
    return this.#state;
  }

  /** The connected client and the server address it called; `undefined` before the first SNRM. */
  get address(): SessionAddress | undefined {
    const address = this.#peerAddress;
    return address === undefined ? undefined : { ...address };
  }

  /** The link parameters in use, from the server's point of view (its own limits before SNRM). */
  get parameters(): Readonly<HdlcLinkParameters> {
    return { ...this.#params };
  }

  /** Counters since the session was created. */
  get stats(): HdlcServerSessionStats {
    return {
      ...this.#channel.counters,
      ignoredFrames: this.#ignored,
      staleFrames: this.#stale,
      retransmissions: this.#retransmissions,
      droppedApdus: this.#dropped,
    };
  }

  /** Adds a listener. */
  on<E extends keyof HdlcServerSessionEvents>(event: E, listener: HdlcServerSessionEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof HdlcServerSessionEvents>(event: E, listener: HdlcServerSessionEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Resolves at once: the client opens the link (SNRM).
   * @throws `LinkClosedError` when the session is closed
   */
  open(_options?: SessionWaitOptions): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(new LinkClosedError('the HDLC session is closed'));
    return Promise.resolve();
  }

  /**
   * Sends the answer to the client's request: segments go out as the client polls for them.
   * Resolves once the last segment was sent; calls run one after the other.
   *
   * @throws `LinkClosedError` (not connected, closed, or the link was reset by SNRM meanwhile),
   *   `TimeoutError` (the client stopped polling; when part of the APDU was sent the session
   *   closes, since the client holds part of it), `AbortError` (likewise)
   */
  send(apdu: Uint8Array, options: SessionWaitOptions = {}): Promise<void> {
    let timeoutMs: number;
    try {
      if (!(apdu instanceof Uint8Array)) throw new InvalidArgumentError('apdu must be a Uint8Array');
      timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? this.#timeoutMs, 1);
      this.#checkConnected();
    } catch (error) {
      return Promise.reject(error);
    }
    if (
      this.#sends === 0 &&
      this.#owesAnswer &&
      options.signal?.aborted !== true &&
      this.#answerAlone(apdu)
    ) {
      return answered;
    }
    return this.#sendQueued(apdu, timeoutMs, options.signal);
  }

  /**
   * The common case, without segment arrays, timer or promise: the client polled for the answer
   * (spec §4.8), nothing else is being sent, and the APDU fits one information field. It goes out
   * at once in one I-frame with F = 1. `false` when that is not the case.
   */
  #answerAlone(apdu: Uint8Array): boolean {
    const tx = this.#tx;
    if (tx.unacknowledged > 0 || tx.queued > 0) return false; // a retransmission goes first
    if (apdu.length + (this.#answerLlc ? llcHeaderLength : 0) > this.#params.maxInfoTransmit) return false;
    const information = this.#answerLlc ? withLlc(apdu, 'response') : apdu.slice();
    this.#awaitingReply = false;
    clearTimeout(this.#replyTimer);
    this.#replyTimer = undefined;
    this.#owesAnswer = false;
    const sendSequence = tx.sendAlone(information);
    this.#reply({ kind: 'I', sendSequence, receiveSequence: this.#vr, pollFinal: true }, information);
    return true;
  }

  /** `send()` when the answer cannot go out at once: after the sends before it, as the client polls. */
  async #sendQueued(apdu: Uint8Array, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const epoch = this.#epoch;
    const previous = this.#sendTail;
    let release!: () => void;
    this.#sendTail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#sends++;
    try {
      await previous;
      this.#checkConnected();
      // An answer queued before an SNRM reset belongs to the link that is gone (spec §4.8).
      if (this.#epoch !== epoch) throw new LinkClosedError('the HDLC link was reset by SNRM');
      const pieces = segmentApdu(
        apdu,
        this.#answerLlc ? 'response' : undefined,
        this.#params.maxInfoTransmit,
      );
      this.#tx.load(pieces);
      this.#awaitingReply = false;
      clearTimeout(this.#replyTimer);
      this.#replyTimer = undefined;
      try {
        await waitFor<void>(
          (resolve, reject) => {
            this.#sending = { resolve, reject };
            this.#answer();
            return () => {
              this.#sending = undefined;
            };
          },
          { timeoutMs, ...(signal === undefined ? {} : { signal }) },
          'HDLC answer: polls from the client',
        );
      } catch (error) {
        if (error instanceof TimeoutError || error instanceof AbortError) {
          // Part of the APDU is with the client: only a link reset puts that right.
          if (this.#tx.queued < pieces.length) this.#end(error);
          else this.#tx.dropQueued();
        }
        throw error;
      }
    } finally {
      this.#sends--;
      release();
    }
  }

  /**
   * Sends an unsolicited APDU (data-notification, event-notification) in UI frames: LLC
   * `E6 E7 00`, segmented at the negotiated size (or the own limit when not connected), P/F = 1
   * as meters send pushes (vector `hdlc-ui-push`). Does not touch V(S)/V(R) (spec §4.11).
   *
   * @throws `InvalidArgumentError` when no address is given and no client is connected,
   *   `LinkClosedError` when the session is closed
   */
  async notify(apdu: Uint8Array, options: HdlcNotifyOptions = {}): Promise<void> {
    if (!(apdu instanceof Uint8Array)) throw new InvalidArgumentError('apdu must be a Uint8Array');
    if (this.#state === 'closed') throw new LinkClosedError('the HDLC session is closed');
    const to = options.address;
    let client: HdlcAddress;
    let server: HdlcAddress;
    if (to !== undefined) {
      client = { upper: checkInteger('address.client', to.client, 0, 127), size: 1 };
      server =
        to.physicalDevice === undefined
          ? { upper: to.logicalDevice }
          : { upper: to.logicalDevice, lower: to.physicalDevice };
    } else if (this.#peer !== undefined) {
      client = this.#peer.client;
      server = this.#peer.server;
    } else {
      throw new InvalidArgumentError('notify() needs an address while no client is connected');
    }
    const maxInfo = this.#state === 'open' ? this.#params.maxInfoTransmit : this.#own.maxInfoTransmit;
    const pieces = segmentApdu(apdu, 'response', maxInfo);
    const last = pieces.length - 1;
    for (let i = 0; i <= last; i++) {
      await this.#channel.write({
        segmented: i < last,
        destination: client,
        source: server,
        control: { kind: 'UI', pollFinal: true },
        information: pieces[i]!,
      });
    }
  }

  /** Stops serving: nothing is sent (the client is not told). Idempotent, never rejects. */
  close(_options?: SessionWaitOptions): Promise<void> {
    this.#end(undefined);
    return Promise.resolve();
  }

  #onFrame(frame: HdlcFrame): void {
    if (this.#state === 'closed') return;
    const accepts = this.#accepts;
    if (accepts !== undefined && !accepts(requestAddress(frame))) {
      this.#ignored++;
      return;
    }
    const control = frame.control;
    const kind = control.kind;
    const peer = this.#peer;
    if (
      peer !== undefined &&
      !(sameHdlcAddress(frame.source, peer.client) && sameHdlcAddress(frame.destination, peer.server))
    ) {
      // Another client while one is connected: for it this station is disconnected (spec §4.11).
      this.#ignored++;
      if (control.pollFinal && kind !== 'UA' && kind !== 'DM' && kind !== 'FRMR')
        this.#replyTo(frame, { kind: 'DM', pollFinal: true });
      return;
    }
    if (this.#state === 'open') this.#touch();
    switch (kind) {
      case 'SNRM':
        this.#connect(frame);
        return;
      case 'DISC':
        if (this.#state === 'open') {
          this.#reply({ kind: 'UA', pollFinal: true });
          this.#end(undefined);
        } else {
          this.#replyTo(frame, { kind: 'DM', pollFinal: true }); // already disconnected (spec §4.11)
        }
        return;
      case 'I':
      case 'RR':
      case 'RNR':
        if (this.#state === 'open')
          this.#numbered(frame, control as Extract<HdlcControl, { kind: 'I' | 'RR' | 'RNR' }>);
        else if (control.pollFinal) this.#replyTo(frame, { kind: 'DM', pollFinal: true });
        return;
      case 'UI':
        if (this.#state === 'open') this.#takeUi(frame);
        else if (control.pollFinal) this.#replyTo(frame, { kind: 'DM', pollFinal: true });
        return;
      default:
        return; // UA, DM, FRMR from a client: nothing to answer
    }
  }

  /** SNRM: (re)establish the link with the negotiated parameters (spec §4.7, §4.8). */
  #connect(frame: HdlcFrame): void {
    let proposal: ReturnType<typeof decodeHdlcParameters>;
    try {
      proposal = decodeHdlcParameters(frame.information);
    } catch {
      this.#replyTo(frame, { kind: 'DM', pollFinal: true }); // a proposal it cannot accept (spec §4.11)
      return;
    }
    const reset = this.#state === 'open';
    this.#epoch++;
    this.#peer = { client: frame.source, server: frame.destination };
    this.#peerAddress = requestAddress(frame);
    this.#params = negotiateLink(this.#own, proposal);
    this.#tx.reset();
    this.#vr = 0;
    this.#rx.reset();
    this.#ui.reset();
    this.#owesAnswer = false;
    this.#awaitingReply = false;
    clearTimeout(this.#replyTimer);
    this.#replyTimer = undefined;
    this.#sending?.reject(new LinkClosedError('the HDLC link was reset by SNRM'));
    this.#state = 'open';
    this.#touch();
    this.#reply({ kind: 'UA', pollFinal: true }, encodeHdlcParameters(this.#params));
    this.#events.emit('connect', { ...this.#peerAddress! }, reset);
  }

  /** I, RR and RNR while connected (spec §4.8–§4.10). */
  #numbered(frame: HdlcFrame, control: Extract<HdlcControl, { kind: 'I' | 'RR' | 'RNR' }>): void {
    const tx = this.#tx;
    if (!tx.isValidReceiveSequence(control.receiveSequence)) {
      this.#stale++; // acknowledges frames never sent: a late copy; the client polls again
      return;
    }
    tx.acknowledge(control.receiveSequence);
    let request: Uint8Array | undefined;
    if (control.kind === 'I') {
      if (frame.information.length > this.#params.maxInfoReceive) {
        // spec §4.11: FRMR, flag Y = information field too long.
        this.#reply(
          { kind: 'FRMR', pollFinal: true },
          frmrField(encodeHdlcControl(control), tx.sendSequence, this.#vr, 4),
        );
        return;
      }
      if (control.sendSequence === this.#vr || this.#quirks.ignoreSendSequence) {
        this.#vr = (control.sendSequence + 1) & 7;
        const result = this.#rx.push(frame.information, frame.segmented);
        if (result.kind === 'apdu') {
          request = result.apdu;
          this.#answerLlc = result.llc || !this.#quirks.optionalLlc;
        } else if (result.kind === 'dropped') {
          this.#dropped++;
        }
      }
      // Otherwise a repeated or out-of-sequence I-frame: its content is dropped (spec §4.8).
    }
    if (control.pollFinal) this.#owesAnswer = true;
    if (control.kind === 'RNR') {
      // The client is busy: answer the poll without I-frames (spec §4.11).
      if (this.#owesAnswer) this.#supervisory();
      return;
    }
    if (request !== undefined) {
      this.#awaitingReply = true;
      this.#events.emit('apdu', { apdu: request, address: this.#peerAddress!, unsolicited: false });
    }
    this.#answer();
  }

  /** A UI frame from the client: delivered as unsolicited (no sequence numbers, spec §4.11). */
  #takeUi(frame: HdlcFrame): void {
    const result = this.#ui.push(frame.information, frame.segmented);
    if (result.kind === 'dropped') this.#dropped++;
    if (result.kind !== 'apdu') return;
    this.#events.emit('apdu', { apdu: result.apdu, address: this.#peerAddress!, unsolicited: true });
  }

  /**
   * Answers a pending poll: I-frames when there is anything to (re)send, RR otherwise; waits
   * for `send()` a little when the poll completed a request (spec §4.8, §4.9).
   */
  #answer(): void {
    if (!this.#owesAnswer || this.#state !== 'open') return;
    const tx = this.#tx;
    if (tx.unacknowledged > 0 || tx.queued > 0) {
      const batch = tx.batch(this.#params.windowTransmit);
      this.#retransmissions += batch.resent;
      this.#owesAnswer = false;
      const last = batch.pieces.length - 1;
      batch.pieces.forEach((piece, i) => {
        this.#reply(
          { kind: 'I', sendSequence: piece.sendSequence, receiveSequence: this.#vr, pollFinal: i === last },
          piece.information,
          piece.segmented,
        );
      });
      if (tx.queued === 0) this.#sending?.resolve();
      return;
    }
    if (this.#awaitingReply) {
      this.#replyTimer ??= setTimeout(() => {
        this.#replyTimer = undefined;
        this.#awaitingReply = false;
        this.#answer();
      }, this.#replyWaitMs);
      return;
    }
    this.#supervisory();
  }

  /** RR with F = 1 and V(R): acknowledges, nothing to send. */
  #supervisory(): void {
    this.#owesAnswer = false;
    this.#reply({ kind: 'RR', receiveSequence: this.#vr, pollFinal: true });
  }

  /** Sends a frame to the connected client. */
  #reply(control: HdlcControl, information: Uint8Array = new Uint8Array(0), segmented = false): void {
    const peer = this.#peer!;
    this.#write({ segmented, destination: peer.client, source: peer.server, control, information });
  }

  /** Sends a frame back to whoever sent `frame`, with the same address layout (spec §4.3). */
  #replyTo(frame: HdlcFrame, control: HdlcControl): void {
    this.#write({
      segmented: false,
      destination: frame.source,
      source: frame.destination,
      control,
      information: new Uint8Array(0),
    });
  }

  #write(frame: HdlcFrame): void {
    // A failed write means the link is closing: its `close` event ends the session.
    try {
      this.#channel.send(frame)?.catch(() => undefined);
    } catch {
      // the link is closed (promise-free write)
    }
  }

  #checkConnected(): void {
    if (this.#state !== 'open') {
      throw new LinkClosedError(
        this.#state === 'closed' ? 'the HDLC session is closed' : 'no client is connected (no SNRM yet)',
      );
    }
  }

  /** Notes a frame from the client for the inactivity timeout (one timer, re-armed lazily). */
  #touch(): void {
    if (this.#inactivityMs === 0) return;
    this.#lastActivity = Date.now();
    if (this.#inactivityTimer === undefined) this.#armInactivity(this.#inactivityMs);
  }

  #armInactivity(ms: number): void {
    this.#inactivityTimer = setTimeout(() => {
      this.#inactivityTimer = undefined;
      const idle = Date.now() - this.#lastActivity;
      if (idle < this.#inactivityMs) {
        this.#armInactivity(this.#inactivityMs - idle);
        return;
      }
      // spec §4.10: back to disconnected mode silently.
      this.#end(new TimeoutError('no frame from the HDLC client (inactivity timeout)', this.#inactivityMs));
    }, ms);
  }

  /** Ends the session: listeners off, timers cleared, a pending `send()` rejected, `close` emitted. */
  #end(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#channel.detach();
    clearTimeout(this.#inactivityTimer);
    this.#inactivityTimer = undefined;
    clearTimeout(this.#replyTimer);
    this.#replyTimer = undefined;
    this.#sending?.reject(error ?? new LinkClosedError('the HDLC session was closed'));
    this.#events.emit('close', error);
  }
}

/** The `accepts` option as a predicate; `undefined` when every address is served. */
function acceptor(
  accepts: HdlcServerSessionOptions['accepts'],
): ((address: SessionAddress) => boolean) | undefined {
  if (accepts === undefined) return undefined;
  if (typeof accepts === 'function') return accepts;
  if (!Array.isArray(accepts)) {
    throw new InvalidArgumentError('accepts must be a function or a list of addresses');
  }
  const list = [...accepts];
  return (address) =>
    list.some(
      (entry) =>
        entry.client === address.client &&
        entry.logicalDevice === address.logicalDevice &&
        (entry.physicalDevice === undefined || entry.physicalDevice === address.physicalDevice),
    );
}
