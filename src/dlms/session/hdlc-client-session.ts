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
import { HdlcReassembler, segmentApdu } from './hdlc-segments.js';
import { HdlcSendWindow } from './hdlc-send-window.js';
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

/** The end of the server's turn: the frame with F = 1 (spec §4.8). */
interface TurnEnd {
  kind: 'I' | 'RR' | 'RNR';
  /** Something new happened in the turn: an I-frame was accepted or an I-frame acknowledged. */
  progress: boolean;
}

/** The wait for frames in progress (one at a time: the link is half-duplex, spec §4.8). */
interface FrameWaiter {
  /** Looks at a frame; `true` ends the wait successfully. */
  handle: (frame: HdlcFrame) => boolean;
  finish: () => void;
  fail: (error: Error) => void;
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
  /** Settles when the current exchange is over: sends run one after the other. */
  #tail: Promise<void> = Promise.resolve();
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
  async send(apdu: Uint8Array, options: SessionWaitOptions = {}): Promise<void> {
    if (!(apdu instanceof Uint8Array)) throw new InvalidArgumentError('apdu must be a Uint8Array');
    const timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? this.#timeoutMs, 1);
    let signal = options.signal;
    this.#checkOpen();
    const release = await this.#acquire(signal);
    const progress = { wrote: false };
    try {
      this.#checkOpen();
      throwIfAborted(signal, 'HDLC send');
    } catch (error) {
      release();
      throw error;
    }
    const pieces = segmentApdu(apdu, 'request', this.#params.maxInfoTransmit);
    return new Promise<void>((resolve, reject) => {
      let sent = false;
      this.#exchange(pieces, timeoutMs, signal, progress, () => {
        sent = true;
        signal = undefined;
        resolve();
      })
        .catch((error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          if (!sent) reject(failure);
          // An abort before anything went out leaves the link as it was; anything else does not.
          if (this.#state === 'open' && (progress.wrote || !(failure instanceof AbortError))) {
            this.#end(failure);
          }
        })
        .finally(release);
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
      for (let attempt = 0; ; attempt++) {
        await this.#write(snrm, 'opening');
        const ok = await this.#wait(
          (frame) => {
            const kind = frame.control.kind;
            if (kind !== 'UA' && kind !== 'DM' && kind !== 'FRMR') return false;
            answer = frame;
            return true;
          },
          timeoutMs,
          signal,
        );
        if (ok) break;
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
      if (this.#state === 'opening') this.#end(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  async #disconnect(options: SessionWaitOptions): Promise<void> {
    // Nothing to undo before the SNRM went out (the channel is attached just before it).
    const connected = (this.#state === 'open' || this.#state === 'opening') && this.#channel.attached;
    this.#state = 'closing';
    this.#waiter?.fail(new LinkClosedError('the HDLC session was closed'));
    if (connected && this.#channel.link.isOpen) {
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      const disc = this.#frame({ kind: 'DISC', pollFinal: true });
      try {
        for (let attempt = 0; attempt <= this.#retries; attempt++) {
          await this.#write(disc, 'closing');
          const kinds = ['UA', 'DM'];
          if (await this.#wait((frame) => kinds.includes(frame.control.kind), timeoutMs, options.signal))
            break;
          this.#timeouts++;
          this.#channel.resetDecoder();
        }
      } catch {
        // The link went away or the caller aborted: the session ends all the same.
      }
    }
    this.#end(undefined);
  }

  /**
   * One APDU: sends its segments window by window, then collects the answer, recovering from
   * losses (spec §4.8–§4.10). Calls `sent` once the last segment went out the first time.
   */
  async #exchange(
    pieces: Uint8Array[],
    timeoutMs: number,
    signal: AbortSignal | undefined,
    progress: { wrote: boolean },
    sent: () => void,
  ): Promise<void> {
    const tx = this.#tx;
    tx.load(pieces);
    let waitSignal = signal;
    let allSent = false;
    let misses = 0;
    let resends = 0;
    let quietPolls = 0;
    const maxQuietPolls = Math.max(1, Math.ceil(timeoutMs / Math.max(1, this.#pollIntervalMs)));
    // Turns that changed nothing in a row: bounded too, so that a server repeating old frames
    // forever cannot keep the exchange alive (every wait is bounded).
    let fruitless = 0;
    const maxFruitless = maxQuietPolls + 2 * (this.#retries + 1);
    let action: 'send' | 'poll' | 'pause' = 'send';
    let recovery = false;
    for (;;) {
      if (action === 'send') {
        const batch = tx.batch(this.#params.windowTransmit);
        if (batch.resent > 0) {
          if (++resends > this.#retries) {
            throw new TimeoutError(
              `the HDLC server did not acknowledge I-frame N(S)=${batch.pieces[0]!.sendSequence} after ${resends - 1} retransmissions`,
              timeoutMs,
            );
          }
          this.#retransmissions += batch.resent;
          recovery = true;
        }
        const last = batch.pieces.length - 1;
        for (let i = 0; i <= last; i++) {
          const piece = batch.pieces[i]!;
          const control: HdlcControl = {
            kind: 'I',
            sendSequence: piece.sendSequence,
            receiveSequence: this.#vr,
            pollFinal: i === last, // P = 1 on the frame that ends the client's turn (spec §4.8)
          };
          progress.wrote = true;
          await this.#write(this.#frame(control, piece.information, piece.segmented), 'open');
        }
        if (!allSent && tx.queued === 0) {
          allSent = true;
          this.#answersOwed++;
          waitSignal = undefined; // the answer is collected whatever happens to the caller's signal
          sent();
        }
      } else {
        if (action === 'pause') await this.#pause(this.#pollIntervalMs, waitSignal);
        await this.#write(this.#frame({ kind: 'RR', receiveSequence: this.#vr, pollFinal: true }), 'open');
      }
      const end = await this.#serverTurn(recovery, timeoutMs, waitSignal);
      recovery = false;
      if (end === undefined) {
        this.#timeouts++;
        if (++misses > this.#retries) {
          throw new TimeoutError(`the HDLC server did not answer after ${misses} attempts`, timeoutMs);
        }
        // spec §4.10: poll with RR P = 1 and V(R); the answer tells what was lost.
        this.#channel.resetDecoder();
        action = 'poll';
        recovery = true;
        continue;
      }
      if (end.progress) {
        misses = 0;
        resends = 0;
        quietPolls = 0;
        fruitless = 0;
      } else if (++fruitless > maxFruitless) {
        throw new TimeoutError(`the HDLC server answered ${fruitless} times without progress`, timeoutMs);
      }
      if (end.kind === 'RNR') {
        // spec §4.11: the server is busy: no I-frames, poll again later.
        if (++quietPolls > maxQuietPolls) {
          throw new TimeoutError('the HDLC server stayed busy (RNR)', timeoutMs);
        }
        action = 'pause';
        continue;
      }
      if (tx.unacknowledged > 0 || tx.queued > 0) {
        action = 'send';
        continue;
      }
      if (this.#rx.inProgress) {
        action = 'poll'; // spec §4.9: RR P = 1 fetches the next segment
        continue;
      }
      if (!allSent || this.#answersOwed === 0) return;
      if (end.kind === 'RR') {
        // The server took the APDU but has no answer yet: ask again, within the response timeout.
        if (++quietPolls > maxQuietPolls) {
          this.#answersOwed = 0; // the layer above decides (its own timeout)
          return;
        }
        action = 'pause';
        continue;
      }
      action = 'poll'; // the turn ended on a repeated I-frame: ask for the rest
    }
  }

  /**
   * Waits for the end of the server's turn (a frame with F = 1), taking in the I-frames of the
   * turn. Returns `undefined` on timeout. In a fresh turn a repeated old I-frame is a late copy
   * and is skipped entirely; after a recovery poll it is the server's answer (spec §4.10).
   */
  async #serverTurn(
    recovery: boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<TurnEnd | undefined> {
    if (this.#state !== 'open') throw new LinkClosedError('the HDLC session was closed');
    let end: TurnEnd | undefined;
    let progress = false;
    const tx = this.#tx;
    const windowReceive = this.#params.windowReceive;
    const ok = await this.#wait(
      (frame) => {
        const control = frame.control;
        if (control.kind !== 'I' && control.kind !== 'RR' && control.kind !== 'RNR') {
          this.#stale++;
          return false;
        }
        if (!tx.isValidReceiveSequence(control.receiveSequence)) {
          this.#stale++; // an N(R) that acknowledges frames never sent: an old copy
          return false;
        }
        if (control.kind === 'I') {
          const ahead = (control.sendSequence - this.#vr) & 7;
          if (ahead === 0 || this.#quirks.ignoreSendSequence) {
            this.#vr = (control.sendSequence + 1) & 7;
            progress = true;
            this.#takeInformation(frame);
          } else if (ahead >= windowReceive && !recovery) {
            this.#stale++; // behind V(R): a copy of a frame taken before (spec §4.8)
            return false;
          }
          // Otherwise out of sequence (an earlier frame of the window was lost): dropped.
        }
        if (tx.acknowledge(control.receiveSequence)) progress = true;
        if (!control.pollFinal) return false;
        end = { kind: control.kind, progress };
        return true;
      },
      timeoutMs,
      signal,
    );
    if (!ok) return progress ? { kind: 'RR', progress } : undefined;
    return end;
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
      if (waiter.handle(frame)) waiter.finish();
    } catch (error) {
      waiter.fail(error instanceof Error ? error : new Error(String(error)));
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

  /** Waits for a frame `handle` accepts: `true`, or `false` after `timeoutMs`. */
  #wait(
    handle: (frame: HdlcFrame) => boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(abortErrorOf(signal, 'HDLC exchange'));
    return new Promise<boolean>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => settle(() => reject(abortErrorOf(signal!, 'HDLC exchange')));
      const waiter: FrameWaiter = {
        handle,
        finish: () => settle(() => resolve(true)),
        fail: (error) => settle(() => reject(error)),
      };
      const settle = (done: () => void): void => {
        if (this.#waiter !== waiter) return;
        this.#waiter = undefined;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        done();
      };
      this.#waiter?.fail(new ProtocolError('HDLC wait superseded'));
      this.#waiter = waiter;
      timer = setTimeout(() => settle(() => resolve(false)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A pause that the end of the session or the signal cuts short; frames meanwhile are stale. */
  async #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    await this.#wait(() => false, ms, signal);
  }

  /** Waits until the previous exchanges are over; returns the function that ends this one. */
  async #acquire(signal: AbortSignal | undefined): Promise<() => void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    if (signal === undefined) {
      await previous;
      return release;
    }
    try {
      throwIfAborted(signal, 'HDLC send');
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(abortErrorOf(signal, 'HDLC send'));
        signal.addEventListener('abort', onAbort, { once: true });
        void previous.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    } catch (error) {
      void previous.then(release); // keep the order for those queued behind
      throw error;
    }
    return release;
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

  #frame(control: HdlcControl, information: Uint8Array = new Uint8Array(0), segmented = false): HdlcFrame {
    return { segmented, destination: this.#serverAddress, source: this.#clientAddress, control, information };
  }

  /** Writes a frame if the session is still in `state` (a closing session sends nothing but DISC). */
  async #write(frame: HdlcFrame, state: SessionState): Promise<void> {
    if (this.#state !== state) throw new LinkClosedError('the HDLC session was closed');
    this.#touch();
    await this.#channel.write(frame);
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
    this.#waiter?.fail(error ?? new LinkClosedError('the HDLC session was closed'));
    this.#events.emit('close', error);
  }
}
