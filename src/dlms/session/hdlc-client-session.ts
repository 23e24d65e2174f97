/**
 * `HdlcClientSession`: the primary station of the HDLC link layer (IEC 62056-46, spec §4, §12.1,
 * §12.6) as a channel of whole APDUs.
 *
 * @module
 */

import { abortErrorOf, throwIfAborted } from '../../core/abort.js';
import {
  AbortError,
  InvalidArgumentError,
  LinkClosedError,
  ProtocolError,
  TimeoutError,
} from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { withLlc } from '../hdlc/llc.js';
import { decodeHdlcParameters } from '../hdlc/parameters.js';
import type { HdlcAddress, HdlcControl, HdlcFrame } from '../hdlc/types.js';
import { HdlcEventRegistry } from './hdlc-events.js';
import { HdlcFrameChannel } from './hdlc-frame-channel.js';
import {
  checkDuration,
  checkInteger,
  describeFrmr,
  type HdlcLinkOptions,
  type HdlcLinkParameters,
  type HdlcServerAddressOptions,
  maxApduOption,
  negotiateLink,
  ownLinkParameters,
  proposalField,
  sameHdlcAddress,
  serverHdlcAddress,
} from './hdlc-options.js';
import { HdlcReassembler, llcHeaderLength, segmentApdu } from './hdlc-segments.js';
import { type HdlcPiece, HdlcSendWindow } from './hdlc-send-window.js';
import type {
  DlmsQuirks,
  DlmsSession,
  DlmsSessionEvents,
  SessionAddress,
  SessionState,
  SessionWaitOptions,
} from './types.js';

/** Options of {@link HdlcClientSession}. */
export interface HdlcClientSessionOptions extends HdlcLinkOptions {
  /** The client SAP: a 1-octet HDLC address, 0–127 (16 = public client, 1 = management). */
  client: number;
  /** The server (meter) address. */
  server: HdlcServerAddressOptions;
  /** Response timeout: how long to wait for the answer to each frame, ms. Default 3000 (spec §4.10). */
  timeoutMs?: number;
  /**
   * How many times a missing or unacknowledging answer is recovered from (repeat SNRM/DISC, poll
   * with RR, retransmit) before the link is declared lost. Default 3 (spec §4.10).
   */
  retries?: number;
  /**
   * Pause before polling again a server that answered RNR (busy), or RR without the answer the
   * client waits for, ms. Default 100.
   */
  pollIntervalMs?: number;
  /**
   * Close the session (with a `TimeoutError`) when no frame was exchanged for this long, ms:
   * the meter has dropped the link by then (its HDLC setup inactivity timeout, spec §4.10).
   * Default 0 = never.
   */
  inactivityTimeoutMs?: number;
}

/** Counters of an {@link HdlcClientSession}. */
export interface HdlcClientSessionStats {
  /** Frames written. */
  framesSent: number;
  /** Frames received with good check sequences, any address. */
  framesReceived: number;
  /** Frames the decoder rejected (bad check sequence, format, address or control). */
  badFrames: number;
  /** Frames for another client or from another server, ignored (spec §4.3). */
  ignoredFrames: number;
  /** Frames from the server that answered nothing pending: late copies, duplicates, stray frames. */
  staleFrames: number;
  /** I-frames sent again because the server had not received them (spec §4.10). */
  retransmissions: number;
  /** Response timeouts (each followed by a recovery or the end of the session). */
  timeouts: number;
}

type EventMap = { [E in keyof DlmsSessionEvents]: DlmsSessionEvents[E] };

/**
 * The wait for frames in progress (one at a time: the link is half-duplex, spec §4.8). Its
 * clock starts once the frame it answers was handed to the link.
 */
interface FrameWaiter {
  /** Looks at a frame; `true` ends the wait successfully. */
  readonly handle: (frame: HdlcFrame) => boolean;
  /** The end of the wait: `true` (a frame ended it), `false` (timed out) or what failed it. */
  readonly settle: (outcome: boolean | Error) => void;
  /** How long the wait lasts, ms. */
  readonly timeoutMs: number;
  /** When it times out, on `performance.now()`; `Infinity` until its clock starts. */
  deadline: number;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** What the client does next in an exchange (spec §4.8–§4.10). */
type Action = 'send' | 'poll' | 'pause';

/** One APDU in flight: its caller, and where the exchange and its recovery stand (spec §4.10). */
interface Exchange {
  /** The response timeout of each wait, ms. */
  readonly timeoutMs: number;
  /** The caller's signal until the last segment is sent; the answer is collected whatever happens to it. */
  signal: AbortSignal | undefined;
  /** Resolves the caller's `send()`; `undefined` once `send()` has settled. */
  resolve: (() => void) | undefined;
  readonly reject: (error: Error) => void;
  /** An I-frame went out: an abort or failure from now on leaves the link inconsistent. */
  wrote: boolean;
  /** The last segment was handed to the link. */
  allSent: boolean;
  /** Turns without an answer in a row. */
  misses: number;
  /** Retransmissions without progress in a row. */
  resends: number;
  /** Polls answered RR or RNR without anything new, in a row. */
  quietPolls: number;
  /** Turns that changed nothing, in a row. */
  fruitless: number;
  /** The turn follows a recovery: a repeated old I-frame is then the server's answer (spec §4.10). */
  recovery: boolean;
  /** Something new happened in the turn: an I-frame was accepted or an I-frame acknowledged. */
  progress: boolean;
  /** The kind of the frame with F = 1 that ended the turn (spec §4.8). */
  end: 'I' | 'RR' | 'RNR';
}

/** A queued `send()`: starts its exchange once the previous ones are over. */
type QueuedSend = () => void;

const noInformation = new Uint8Array(0);

const now = (): number => performance.now();

/** `error` as an `Error`. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The client (primary station) side of an HDLC link, carrying whole APDUs.
 *
 * - `open()` sends SNRM (proposing only parameters that differ from the defaults) and waits for
 *   UA, repeating the SNRM on timeout; DM or FRMR fails with `ProtocolError` ('server refused
 *   link'). The negotiated limits are the smaller of both sides' (spec §4.7, §12.1).
 * - `send()` adds the LLC header `E6 E6 00`, cuts the information into segments of the
 *   negotiated size (S bit on all but the last), sends up to the window with P = 1 on the frame
 *   that ends the client's turn, waits for the server's acknowledgement before the next window,
 *   and resolves once the last segment is on its way. The session then collects the answer in
 *   the background: I-frames with N(S) = V(R) are taken, RR with P = 1 fetches each next segment,
 *   and the reassembled APDU (LLC removed) is emitted as `apdu`. UI frames (pushes) are emitted
 *   with `unsolicited: true` whenever they arrive (spec §4.8–§4.11).
 * - Recovery (spec §4.10): a missing answer is polled with RR P = 1 carrying V(R); I-frames the
 *   server's N(R) shows lost are sent again with the same N(S) (go-back-N); a repeated server
 *   I-frame is recognised by its N(S) and dropped. After `retries` recoveries without progress
 *   the session closes with a `TimeoutError`. RNR makes the client pause and poll again.
 * - DM or FRMR during the session close it with a `ProtocolError` (the association is lost,
 *   spec §4.11). `close()` sends DISC and takes UA or DM as success (spec §12.6).
 * - One `send()` at a time: a second call waits (in call order) until the previous exchange,
 *   answer included, is over. The session never opens a link that was closed, and never closes
 *   the link.
 *
 * @example
 * ```ts
 * const session = new HdlcClientSession(link, { client: 16, server: { logical: 1, physical: 17 } });
 * session.on('apdu', ({ apdu, unsolicited }) => handle(apdu, unsolicited));
 * await session.open();
 * await session.send(encodeApdu(aarq)); // the AARE arrives as an `apdu` event
 * await session.close();
 * ```
 */
export class HdlcClientSession implements DlmsSession {
  /** Always `'hdlc'`. */
  readonly framing = 'hdlc' as const;
  /** `undefined`: HDLC segments an APDU of any size. */
  readonly maxApduBytes = undefined;

  readonly #events = new HdlcEventRegistry<EventMap>();
  readonly #channel: HdlcFrameChannel;
  readonly #clientAddress: HdlcAddress;
  readonly #serverAddress: HdlcAddress;
  readonly #address: SessionAddress;
  readonly #own: HdlcLinkParameters;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #pollIntervalMs: number;
  readonly #inactivityMs: number;
  readonly #quirks: DlmsQuirks;
  readonly #tx = new HdlcSendWindow();
  readonly #rx: HdlcReassembler;
  readonly #ui: HdlcReassembler;

  #state: SessionState = 'idle';
  #params: HdlcLinkParameters;
  /** V(R): N(S) of the next I-frame expected from the server (spec §4.8). */
  #vr = 0;
  /** APDUs sent whose answer has not arrived yet (polled for while the server has it pending). */
  #answersOwed = 0;
  #waiter: FrameWaiter | undefined;
  /**
   * The one response timer (as the Modbus client engine's): armed for the deadline of the wait in
   * progress, kept between waits (unref'd) and re-armed only when it would fire too late.
   */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When {@link HdlcClientSession.#timer} fires, on `performance.now()`. */
  #timerAt = 0;
  /** An exchange is in progress: sends run one after the other. */
  #busy = false;
  /** The sends waiting for the exchange in progress, in call order. */
  readonly #queue: QueuedSend[] = [];
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #lastActivity = 0;
  #inactivityTimer: ReturnType<typeof setTimeout> | undefined;
  #ignored = 0;
  #stale = 0;
  #retransmissions = 0;
  #timeouts = 0;

  /**
   * @throws {@link InvalidArgumentError} for a missing link, an address or limit out of range
   */
  constructor(link: Link, options: HdlcClientSessionOptions) {
    if (typeof link?.write !== 'function') throw new InvalidArgumentError('HdlcClientSession needs a link');
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('HdlcClientSession needs options { client, server }');
    }
    this.#clientAddress = { upper: checkInteger('client', options.client, 0, 127), size: 1 };
    this.#serverAddress = serverHdlcAddress(options.server);
    this.#address = {
      client: options.client,
      logicalDevice: this.#serverAddress.upper,
      ...(this.#serverAddress.lower === undefined ? {} : { physicalDevice: this.#serverAddress.lower }),
    };
    this.#own = ownLinkParameters(options);
    this.#params = { ...this.#own };
    this.#timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? 3000, 1);
    this.#retries = checkInteger('retries', options.retries ?? 3, 0, 100);
    this.#pollIntervalMs = checkDuration('pollIntervalMs', options.pollIntervalMs ?? 100, 0);
    this.#inactivityMs = checkDuration('inactivityTimeoutMs', options.inactivityTimeoutMs ?? 0, 0);
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
  }

  /** Where the session is in its life cycle. */
  get state(): SessionState {
    return this.#state;
  }

  /** The link parameters in use, from the client's point of view (the proposal before `open()`). */
  get parameters(): Readonly<HdlcLinkParameters> {
    return { ...this.#params };
  }

  /** Counters since the session was created. */
  get stats(): HdlcClientSessionStats {
    return {
      ...this.#channel.counters,
      ignoredFrames: this.#ignored,
      staleFrames: this.#stale,
      retransmissions: this.#retransmissions,
      timeouts: this.#timeouts,
    };
  }

  /** Adds a listener. */
  on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Opens the link layer: SNRM → UA (spec §12.1). Opens the link first when it was never opened.
   * A failed open closes the session (create a new one to try again).
   *
   * @throws `TimeoutError` (no UA after `retries` repetitions), `ProtocolError` (DM or FRMR:
   *   'server refused link'; a malformed UA), `AbortError`, `LinkClosedError`
   */
  open(options: SessionWaitOptions = {}): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'opening') return this.#opening!;
    if (this.#state !== 'idle') return Promise.reject(new LinkClosedError('the HDLC session is closed'));
    this.#state = 'opening';
    this.#opening = this.#connect(options);
    return this.#opening;
  }

  /**
   * Sends one APDU in I-frames and resolves once its last segment was sent; the answer comes as
   * an `apdu` event. A failure after that closes the session with the error (`close` event).
   *
   * @throws `LinkClosedError` (not open), `TimeoutError` (a segment was not acknowledged; the
   *   session closes), `AbortError` (an abort in the middle of a segmented APDU closes the
   *   session: the server holds part of it), `ProtocolError` (DM/FRMR)
   */
  send(apdu: Uint8Array, options: SessionWaitOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (!(apdu instanceof Uint8Array)) throw new InvalidArgumentError('apdu must be a Uint8Array');
      const timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? this.#timeoutMs, 1);
      const signal = options.signal;
      this.#checkOpen();
      throwIfAborted(signal, 'HDLC send');
      const exchange: Exchange = {
        timeoutMs,
        signal,
        resolve,
        reject,
        wrote: false,
        allSent: false,
        misses: 0,
        resends: 0,
        quietPolls: 0,
        fruitless: 0,
        recovery: false,
        progress: false,
        end: 'RR',
      };
      if (this.#busy) {
        this.#enqueue(exchange, apdu);
        return;
      }
      this.#busy = true;
      this.#start(exchange, apdu);
    });
  }

  /**
   * Sends DISC and waits for UA or DM, both success (spec §12.6), repeating the DISC on timeout;
   * then stops using the link. An exchange in progress is cut short (its `send()` rejects with
   * `LinkClosedError`). Never rejects; idempotent.
   */
  close(options: SessionWaitOptions = {}): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    this.#closing ??= this.#disconnect(options);
    return this.#closing;
  }

  async #connect(options: SessionWaitOptions): Promise<void> {
    const timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? this.#timeoutMs, 1);
    const signal = options.signal;
    try {
      throwIfAborted(signal, 'HDLC open');
      const link = this.#channel.link;
      if (!link.isOpen) {
        if (link.state === 'closed') throw new LinkClosedError('the link is closed');
        await link.open({ timeoutMs, ...(signal === undefined ? {} : { signal }) });
      }
      if (this.#state !== 'opening') throw new LinkClosedError('the HDLC session was closed while opening');
      this.#channel.attach();
      const snrm = this.#frame({ kind: 'SNRM', pollFinal: true }, proposalField(this.#own));
      let answer: HdlcFrame | undefined;
      const takeAnswer = (frame: HdlcFrame): boolean => {
        const kind = frame.control.kind;
        if (kind !== 'UA' && kind !== 'DM' && kind !== 'FRMR') return false;
        answer = frame;
        return true;
      };
      for (let attempt = 0; ; attempt++) {
        if (await this.#ask(snrm, 'opening', takeAnswer, timeoutMs, signal)) break;
        this.#timeouts++;
        if (attempt >= this.#retries) {
          throw new TimeoutError(`no UA from the HDLC server after ${attempt + 1} SNRM`, timeoutMs);
        }
        this.#channel.resetDecoder(); // spec §4.10: repeat the SNRM
      }
      const reply = answer!;
      if (reply.control.kind !== 'UA') {
        const detail = reply.control.kind === 'DM' ? 'DM' : describeFrmr(reply.information);
        throw new ProtocolError(`server refused link (${detail})`);
      }
      let offered: ReturnType<typeof decodeHdlcParameters>;
      try {
        offered = decodeHdlcParameters(reply.information);
      } catch (error) {
        throw new ProtocolError('malformed parameters in the UA', { cause: error });
      }
      this.#params = negotiateLink(this.#own, offered);
      this.#tx.reset();
      this.#vr = 0;
      this.#rx.reset();
      this.#ui.reset();
      this.#answersOwed = 0;
      this.#state = 'open';
      this.#touch();
    } catch (error) {
      if (this.#state === 'opening') this.#end(asError(error));
      throw error;
    }
  }

  async #disconnect(options: SessionWaitOptions): Promise<void> {
    // Nothing to undo before the SNRM went out (the channel is attached just before it).
    const connected = (this.#state === 'open' || this.#state === 'opening') && this.#channel.attached;
    this.#state = 'closing';
    this.#fail(new LinkClosedError('the HDLC session was closed'));
    if (connected && this.#channel.link.isOpen) {
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      const disc = this.#frame({ kind: 'DISC', pollFinal: true });
      const isAnswer = (frame: HdlcFrame): boolean =>
        frame.control.kind === 'UA' || frame.control.kind === 'DM';
      try {
        for (let attempt = 0; attempt <= this.#retries; attempt++) {
          if (await this.#ask(disc, 'closing', isAnswer, timeoutMs, options.signal)) break;
          this.#timeouts++;
          this.#channel.resetDecoder();
        }
      } catch {
        // The link went away or the caller aborted: the session ends all the same.
      }
    }
    this.#end(undefined);
  }

  /** Starts the exchange of an APDU once no other one is in progress. */
  #start(exchange: Exchange, apdu: Uint8Array): void {
    const maxInfo = this.#params.maxInfoTransmit;
    if (apdu.length + llcHeaderLength <= maxInfo) {
      this.#sendAlone(exchange, apdu);
      return;
    }
    this.#tx.load(segmentApdu(apdu, 'request', maxInfo));
    void this.#run(exchange, 'send');
  }

  /**
   * The common case, without segment arrays or promises: an APDU that fits one information field
   * goes out in one I-frame with P = 1 (spec §4.8). The wait for the server's turn is armed before
   * the write, so an answer that comes at once is not missed. When that turn ends the exchange,
   * as it does when the answer fits one frame, everything stays synchronous; anything else
   * (segments, polls, recovery) continues in {@link HdlcClientSession.#run}.
   */
  #sendAlone(exchange: Exchange, apdu: Uint8Array): void {
    const information = withLlc(apdu, 'request');
    const sendSequence = this.#tx.sendAlone(information);
    exchange.wrote = true;
    this.#sending(exchange);
    const waiter = this.#turnWaiter(exchange, (outcome) => this.#afterTurn(exchange, outcome));
    this.#arm(waiter);
    const control: HdlcControl = { kind: 'I', sendSequence, receiveSequence: this.#vr, pollFinal: true };
    this.#post(this.#frame(control, information), waiter, exchange);
  }

  /** The server's turn ended (or its wait failed): the exchange goes on, or is over. */
  #afterTurn(exchange: Exchange, outcome: boolean | Error): void {
    let action: Action | undefined;
    try {
      if (outcome instanceof Error) throw outcome;
      action = this.#next(exchange, outcome);
    } catch (error) {
      this.#conclude(exchange, asError(error));
      return;
    }
    if (action === undefined) this.#conclude(exchange, undefined);
    else void this.#run(exchange, action);
  }

  /**
   * One APDU from `action` on: sends segments window by window, then collects the answer,
   * recovering from losses (spec §4.8–§4.10), until {@link HdlcClientSession.#next} says it is over.
   */
  async #run(exchange: Exchange, action: Action): Promise<void> {
    let next: Action | undefined = action;
    try {
      while (next !== undefined) next = this.#next(exchange, await this.#turn(exchange, next));
    } catch (error) {
      this.#conclude(exchange, asError(error));
      return;
    }
    this.#conclude(exchange, undefined);
  }

  /**
   * The client's turn (`action`), then the wait for the server's: `true` when a frame with F = 1
   * ended it, `false` on timeout. Sends the window of I-frames, or polls with RR P = 1 (after a
   * pause for `'pause'`).
   */
  async #turn(exchange: Exchange, action: Action): Promise<boolean> {
    if (action === 'pause') await this.#pause(this.#pollIntervalMs, exchange.signal);
    if (action !== 'send') {
      return this.#awaitTurn(
        exchange,
        this.#frame({ kind: 'RR', receiveSequence: this.#vr, pollFinal: true }),
      );
    }
    const tx = this.#tx;
    const batch = tx.batch(this.#params.windowTransmit);
    if (batch.resent > 0) {
      if (++exchange.resends > this.#retries) {
        throw new TimeoutError(
          `the HDLC server did not acknowledge I-frame N(S)=${batch.pieces[0]!.sendSequence} after ${exchange.resends - 1} retransmissions`,
          exchange.timeoutMs,
        );
      }
      this.#retransmissions += batch.resent;
      exchange.recovery = true;
    }
    const pieces = batch.pieces;
    const last = pieces.length - 1;
    for (let i = 0; i < last; i++) {
      exchange.wrote = true;
      const written = this.#transmit(this.#informationFrame(pieces[i]!, false));
      if (written !== undefined) await written;
    }
    exchange.wrote = true;
    const finishing = !exchange.allSent && tx.queued === 0;
    if (finishing) this.#sending(exchange);
    // P = 1 on the frame that ends the client's turn (spec §4.8).
    return this.#awaitTurn(exchange, this.#informationFrame(pieces[last]!, true), finishing);
  }

  /** The last segment goes out now: the server owes an answer, the caller's signal no longer counts. */
  #sending(exchange: Exchange): void {
    exchange.allSent = true;
    exchange.signal = undefined;
    this.#answersOwed++;
  }

  /** Sends `frame`, which ends the client's turn, and waits for the server's turn. */
  #awaitTurn(exchange: Exchange, frame: HdlcFrame, finishing = false): Promise<boolean> {
    if (this.#state !== 'open') return Promise.reject(new LinkClosedError('the HDLC session was closed'));
    return new Promise<boolean>((resolve, reject) => {
      const waiter = this.#turnWaiter(exchange, (outcome) =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome),
      );
      this.#arm(waiter);
      this.#post(frame, waiter, finishing ? exchange : undefined);
    });
  }

  /**
   * What follows a server turn that ended (`ended`) or timed out: the next action, or `undefined`
   * when the exchange is over (spec §4.8–§4.10).
   * @throws `TimeoutError` when the recovery limits are reached
   */
  #next(exchange: Exchange, ended: boolean): Action | undefined {
    exchange.recovery = false;
    const timeoutMs = exchange.timeoutMs;
    if (!ended && !exchange.progress) {
      this.#timeouts++;
      if (++exchange.misses > this.#retries) {
        throw new TimeoutError(`the HDLC server did not answer after ${exchange.misses} attempts`, timeoutMs);
      }
      // spec §4.10: poll with RR P = 1 and V(R); the answer tells what was lost.
      this.#channel.resetDecoder();
      exchange.recovery = true;
      return 'poll';
    }
    // A turn that timed out after taking something counts as one that ended with RR.
    const kind = ended ? exchange.end : 'RR';
    const maxQuietPolls = Math.max(1, Math.ceil(timeoutMs / Math.max(1, this.#pollIntervalMs)));
    if (exchange.progress) {
      exchange.misses = 0;
      exchange.resends = 0;
      exchange.quietPolls = 0;
      exchange.fruitless = 0;
    } else if (++exchange.fruitless > maxQuietPolls + 2 * (this.#retries + 1)) {
      // Bounded too, so that a server repeating old frames forever cannot keep the exchange
      // alive (every wait is bounded).
      throw new TimeoutError(
        `the HDLC server answered ${exchange.fruitless} times without progress`,
        timeoutMs,
      );
    }
    if (kind === 'RNR') {
      // spec §4.11: the server is busy: no I-frames, poll again later.
      if (++exchange.quietPolls > maxQuietPolls) {
        throw new TimeoutError('the HDLC server stayed busy (RNR)', timeoutMs);
      }
      return 'pause';
    }
    const tx = this.#tx;
    if (tx.unacknowledged > 0 || tx.queued > 0) return 'send';
    if (this.#rx.inProgress) return 'poll'; // spec §4.9: RR P = 1 fetches the next segment
    if (!exchange.allSent || this.#answersOwed === 0) return undefined;
    if (kind === 'RR') {
      // The server took the APDU but has no answer yet: ask again, within the response timeout.
      if (++exchange.quietPolls > maxQuietPolls) {
        this.#answersOwed = 0; // the layer above decides (its own timeout)
        return undefined;
      }
      return 'pause';
    }
    return 'poll'; // the turn ended on a repeated I-frame: ask for the rest
  }

  /** The exchange is over (with `error` when it failed): the caller is told, the next send starts. */
  #conclude(exchange: Exchange, error: Error | undefined): void {
    if (error !== undefined) {
      this.#unsent(exchange, error);
      // An abort before anything went out leaves the link as it was; anything else does not.
      if (this.#state === 'open' && (exchange.wrote || !(error instanceof AbortError))) this.#end(error);
    }
    const next = this.#queue.shift();
    if (next === undefined) this.#busy = false;
    else queueMicrotask(next);
  }

  /** Resolves the caller's `send()`: the last segment was handed to the link. */
  #sent(exchange: Exchange): void {
    const resolve = exchange.resolve;
    if (resolve === undefined) return;
    exchange.resolve = undefined;
    resolve();
  }

  /** Rejects the caller's `send()` unless it resolved already. */
  #unsent(exchange: Exchange, error: Error): void {
    if (exchange.resolve === undefined) return;
    exchange.resolve = undefined;
    exchange.reject(error);
  }

  /**
   * Queues a send behind the exchange in progress (in call order); an abort meanwhile takes it
   * out of the queue.
   */
  #enqueue(exchange: Exchange, apdu: Uint8Array): void {
    const signal = exchange.signal;
    const onAbort = (): void => {
      const at = this.#queue.indexOf(start);
      if (at < 0) return; // leaving the queue already: `start` sees the abort
      this.#queue.splice(at, 1);
      this.#unsent(exchange, abortErrorOf(signal!, 'HDLC send'));
    };
    const start: QueuedSend = () => {
      signal?.removeEventListener('abort', onAbort);
      try {
        this.#checkOpen();
        throwIfAborted(signal, 'HDLC send');
      } catch (error) {
        this.#conclude(exchange, asError(error));
        return;
      }
      this.#start(exchange, apdu);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#queue.push(start);
  }

  /**
   * Looks at a frame of the server's turn, taking in its I-frames; `true` at the end of the turn
   * (a frame with F = 1). In a fresh turn a repeated old I-frame is a late copy and is skipped
   * entirely; after a recovery poll it is the server's answer (spec §4.10).
   */
  #turnFrame(exchange: Exchange, frame: HdlcFrame): boolean {
    const control = frame.control;
    if (control.kind !== 'I' && control.kind !== 'RR' && control.kind !== 'RNR') {
      this.#stale++;
      return false;
    }
    const tx = this.#tx;
    if (!tx.isValidReceiveSequence(control.receiveSequence)) {
      this.#stale++; // an N(R) that acknowledges frames never sent: an old copy
      return false;
    }
    if (control.kind === 'I') {
      const ahead = (control.sendSequence - this.#vr) & 7;
      if (ahead === 0 || this.#quirks.ignoreSendSequence) {
        this.#vr = (control.sendSequence + 1) & 7;
        exchange.progress = true;
        this.#takeInformation(frame);
      } else if (ahead >= this.#params.windowReceive && !exchange.recovery) {
        this.#stale++; // behind V(R): a copy of a frame taken before (spec §4.8)
        return false;
      }
      // Otherwise out of sequence (an earlier frame of the window was lost): dropped.
    }
    if (tx.acknowledge(control.receiveSequence)) exchange.progress = true;
    if (!control.pollFinal) return false;
    exchange.end = control.kind;
    return true;
  }

  /** Takes the information field of an accepted I-frame; emits the APDU when complete. */
  #takeInformation(frame: HdlcFrame): void {
    const result = this.#rx.push(frame.information, frame.segmented);
    if (result.kind === 'more') return;
    if (result.kind === 'dropped') {
      throw new ProtocolError(
        result.reason === 'no-llc'
          ? 'an I-frame from the server has no LLC header (quirk optionalLlc accepts that)'
          : 'the answer from the server is longer than maxApduBytes',
      );
    }
    if (this.#answersOwed > 0) this.#answersOwed--;
    this.#events.emit('apdu', { apdu: result.apdu, address: this.#address, unsolicited: false });
  }

  #onFrame(frame: HdlcFrame): void {
    const state = this.#state;
    if (state === 'closed') return;
    const kind = frame.control.kind;
    if (!sameHdlcAddress(frame.source, this.#serverAddress) || !this.#isForUs(frame.destination, kind)) {
      this.#ignored++;
      return;
    }
    this.#touch();
    if (kind === 'UI') {
      this.#takePush(frame);
      return;
    }
    if (state === 'open' && (kind === 'DM' || kind === 'FRMR')) {
      this.#end(
        new ProtocolError(
          kind === 'DM'
            ? 'the HDLC server is in disconnected mode (DM): link and association lost'
            : `${describeFrmr(frame.information)}: link and association lost`,
        ),
      );
      return;
    }
    const waiter = this.#waiter;
    if (waiter === undefined) {
      this.#stale++;
      return;
    }
    try {
      if (waiter.handle(frame)) this.#settle(waiter, true);
    } catch (error) {
      this.#settle(waiter, asError(error));
    }
  }

  /** Our client address; UI frames may also be broadcast to all stations (spec §4.3). */
  #isForUs(destination: HdlcAddress, kind: HdlcControl['kind']): boolean {
    return (
      destination.upper === this.#clientAddress.upper ||
      (kind === 'UI' && destination.upper === 0x7f && destination.lower === undefined)
    );
  }

  /** A UI frame: a push or event notification, reassembled when segmented (spec §4.11). */
  #takePush(frame: HdlcFrame): void {
    const result = this.#ui.push(frame.information, frame.segmented);
    if (result.kind === 'dropped') {
      this.#stale++;
      return;
    }
    if (result.kind !== 'apdu') return;
    const source = frame.source;
    this.#events.emit('apdu', {
      apdu: result.apdu,
      address: {
        client: frame.destination.upper,
        logicalDevice: source.upper,
        ...(source.lower === undefined ? {} : { physicalDevice: source.lower }),
      },
      unsolicited: true,
    });
  }

  /** A wait for the server's turn in `exchange`. */
  #turnWaiter(exchange: Exchange, settle: (outcome: boolean | Error) => void): FrameWaiter {
    exchange.progress = false;
    return {
      handle: (frame) => this.#turnFrame(exchange, frame),
      settle,
      timeoutMs: exchange.timeoutMs,
      deadline: Number.POSITIVE_INFINITY,
      signal: exchange.signal,
      onAbort: undefined,
    };
  }

  /**
   * Sends `frame` if the session is still in `state`, and waits for a frame `handle` accepts:
   * `true`, or `false` after `timeoutMs` from the write.
   */
  #ask(
    frame: HdlcFrame,
    state: SessionState,
    handle: (frame: HdlcFrame) => boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (this.#state !== state) return Promise.reject(new LinkClosedError('the HDLC session was closed'));
    return new Promise<boolean>((resolve, reject) => {
      const waiter: FrameWaiter = {
        handle,
        settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        timeoutMs,
        deadline: Number.POSITIVE_INFINITY,
        signal,
        onAbort: undefined,
      };
      this.#arm(waiter);
      this.#post(frame, waiter, undefined);
    });
  }

  /** A pause that the end of the session or the signal cuts short; frames meanwhile are stale. */
  #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: FrameWaiter = {
        handle: () => false,
        settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve()),
        timeoutMs: ms,
        deadline: Number.POSITIVE_INFINITY,
        signal,
        onAbort: undefined,
      };
      this.#arm(waiter);
      this.#startClock(waiter);
    });
  }

  /** Makes `waiter` the wait in progress (its clock starts with {@link HdlcClientSession.#startClock}). */
  #arm(waiter: FrameWaiter): void {
    const signal = waiter.signal;
    if (signal?.aborted) {
      waiter.settle(abortErrorOf(signal, 'HDLC exchange'));
      return;
    }
    const previous = this.#waiter;
    if (previous !== undefined) this.#settle(previous, new ProtocolError('HDLC wait superseded'));
    this.#waiter = waiter;
    if (signal !== undefined) {
      const onAbort = (): void => this.#settle(waiter, abortErrorOf(signal, 'HDLC exchange'));
      waiter.onAbort = onAbort;
      signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  /** Starts the clock of `waiter` if it is still the wait in progress. */
  #startClock(waiter: FrameWaiter): void {
    if (this.#waiter !== waiter) return;
    waiter.deadline = now() + waiter.timeoutMs;
    const timer = this.#timer;
    if (timer !== undefined && waiter.deadline >= this.#timerAt) {
      timer.ref?.(); // unref'd while nothing waited; it fires first, and re-arms for the rest
      return;
    }
    clearTimeout(timer);
    this.#setTimer(waiter.deadline);
  }

  #setTimer(at: number): void {
    this.#timerAt = at;
    // Timers count whole milliseconds and may fire a little early: `#onTimer` checks the clock.
    this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.ceil(at - now())));
  }

  /** Times out the wait in progress when its deadline has passed, or re-arms for it. */
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const waiter = this.#waiter;
    if (waiter === undefined || waiter.deadline === Number.POSITIVE_INFINITY) return;
    if (waiter.deadline <= now()) this.#settle(waiter, false);
    else this.#setTimer(waiter.deadline);
  };

  /** Ends `waiter` with `outcome` if it is still the wait in progress. */
  #settle(waiter: FrameWaiter, outcome: boolean | Error): void {
    if (this.#waiter !== waiter) return;
    this.#waiter = undefined;
    if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    // The timer stays for the next wait, but must not keep the process alive on its own.
    this.#timer?.unref?.();
    waiter.settle(outcome);
  }

  /** Fails the wait in progress, if any. */
  #fail(error: Error): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) this.#settle(waiter, error);
  }

  #checkOpen(): void {
    if (this.#state !== 'open') {
      throw new LinkClosedError(
        this.#state === 'idle' || this.#state === 'opening'
          ? 'the HDLC session is not open yet: await open() first'
          : 'the HDLC session is closed',
      );
    }
  }

  #frame(control: HdlcControl, information: Uint8Array = noInformation, segmented = false): HdlcFrame {
    return { segmented, destination: this.#serverAddress, source: this.#clientAddress, control, information };
  }

  /** The I-frame of `piece`, with N(R) = V(R) and P = `pollFinal`. */
  #informationFrame(piece: HdlcPiece, pollFinal: boolean): HdlcFrame {
    const control: HdlcControl = {
      kind: 'I',
      sendSequence: piece.sendSequence,
      receiveSequence: this.#vr,
      pollFinal,
    };
    return this.#frame(control, piece.information, piece.segmented);
  }

  /**
   * Writes a frame in the middle of the client's turn: `undefined` once it is with the link, or
   * the promise of a link without the promise-free write.
   * @throws `LinkClosedError` when the session was closed meanwhile, or the link is
   */
  #transmit(frame: HdlcFrame): Promise<void> | undefined {
    if (this.#state !== 'open') throw new LinkClosedError('the HDLC session was closed');
    this.#touch();
    return this.#channel.send(frame);
  }

  /**
   * Writes `frame`, which `waiter` waits to be answered, and starts the waiter's clock once the
   * frame is with the link — resolving the `send()` of `exchange` then, when given. A failed
   * write fails the wait.
   */
  #post(frame: HdlcFrame, waiter: FrameWaiter, exchange: Exchange | undefined): void {
    this.#touch();
    let written: Promise<void> | undefined;
    try {
      written = this.#channel.send(frame);
    } catch (error) {
      this.#writeFailed(waiter, exchange, error);
      return;
    }
    if (written === undefined) {
      this.#written(waiter, exchange);
      return;
    }
    written.then(
      () => this.#written(waiter, exchange),
      (error: unknown) => this.#writeFailed(waiter, exchange, error),
    );
  }

  #written(waiter: FrameWaiter, exchange: Exchange | undefined): void {
    if (exchange !== undefined) this.#sent(exchange);
    this.#startClock(waiter);
  }

  #writeFailed(waiter: FrameWaiter, exchange: Exchange | undefined, error: unknown): void {
    const failure = asError(error);
    this.#settle(waiter, failure);
    if (exchange !== undefined) this.#unsent(exchange, failure);
  }

  /** Notes traffic for the inactivity timeout (one timer, re-armed lazily). */
  #touch(): void {
    if (this.#inactivityMs === 0 || this.#state !== 'open') return;
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
      this.#end(
        new TimeoutError(
          'no HDLC frame exchanged: the meter has dropped the link (inactivity timeout, spec §4.10)',
          this.#inactivityMs,
        ),
      );
    }, ms);
  }

  /** Ends the session: listeners off, timers cleared, the wait in progress failed, `close` emitted. */
  #end(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#channel.detach();
    clearTimeout(this.#inactivityTimer);
    this.#inactivityTimer = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#fail(error ?? new LinkClosedError('the HDLC session was closed'));
    this.#events.emit('close', error);
  }
}
