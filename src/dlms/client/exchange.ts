/**
 * The APDU exchange under a DLMS client (meterlink spec §12.4): one confirmed request outstanding
 * at a time, responses matched by service, invoke-id and choice family, ciphering and deciphering,
 * general-block-transfer reassembly, pushes handed on, everything else discarded.
 *
 * The common case costs no more than it must (a GET without I/O is a few µs): an idle exchange
 * runs a task at once, a plain request is sent without an asynchronous hop, a plain APDU received
 * is handled in the `apdu` event when no earlier one is still being deciphered, and the request
 * deadlines share one timer (`deadline-timer.ts`).
 *
 * @module
 */

import { abortErrorOf, type WaitOptions, waitFor } from '../../core/abort.js';
import { LinkClosedError, ProtocolError, SecurityError, TimeoutError } from '../../core/errors.js';
import { type ApduDecodeOptions, decodeApdu, encodeApdu } from '../apdu/apdu-codec.js';
import type { Apdu, GeneralBlockTransfer } from '../apdu/types.js';
import type { SecurityMode } from '../security/security-control.js';
import type { CipheredApdu } from '../security/types.js';
import type { DlmsSession, ReceivedApdu, SessionWaitOptions } from '../session/types.js';
import type { CipherContext } from './cipher-context.js';
import { DeadlineTimer } from './deadline-timer.js';
import { ServiceError } from './errors.js';
import { type DlmsNotification, isNotification, type PushProtection } from './push.js';

/**
 * Decides whether an APDU answers the pending request: `true` = it does, `false` = not ours
 * (discarded), an `Error` = it is ours but wrong (fails the request).
 */
export type ResponseMatcher = (apdu: Apdu) => boolean | Error;

/**
 * What a request is called in error messages (`GET 3/1.0.1.8.0.255/2`), or a function that
 * builds it: the text is only needed when the request fails, so hot paths defer it.
 */
export type RequestName = string | (() => string);

/** The text of a {@link RequestName}. */
export function nameOf(what: RequestName): string {
  return typeof what === 'string' ? what : what();
}

/** What the exchange tells its owner. */
export interface ExchangeHooks {
  /** A push arrived. */
  push(notification: DlmsNotification): void;
  /** An APDU was dropped: malformed, failed deciphering, or answered nothing pending. */
  discard(error: Error, apdu: Uint8Array): void;
  /** The session ended. */
  closed(error: Error | undefined): void;
}

/** The request waiting for its answer. */
interface Pending {
  readonly match: ResponseMatcher;
  readonly what: RequestName;
  /** Its limit (for the TimeoutError), `undefined`: none. */
  readonly timeoutMs: number | undefined;
  /** When it times out on `performance.now()`, `undefined`: never. */
  readonly deadline: number | undefined;
  readonly resolve: (apdu: Apdu) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Its own timer, once a later request took over the exchange's (see `#orphan`). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Settled (resolved, rejected, timed out or aborted). */
  ended: boolean;
}

/** The longest delay `setTimeout` honours (2^31 − 1 ms). */
const maxTimerMs = 0x7fffffff;

/** Send options without a signal (shared: sessions only read them). */
const noSendOptions: SessionWaitOptions = {};

/** The name of the wait for the turn (§12.4), in AbortErrors. */
const turnName = 'waiting for the previous request';

const cipheredTypes = new Set([
  'glo-ciphered',
  'ded-ciphered',
  'general-glo-ciphering',
  'general-ded-ciphering',
]);

function isCiphered(apdu: Apdu): apdu is CipheredApdu {
  return cipheredTypes.has(apdu.type);
}

/**
 * A general-block-transfer block carrying data (§9.11), to reassemble; an empty one that is not
 * the last only acknowledges and is dispatched as it is.
 */
function isBlock(apdu: Apdu): apdu is GeneralBlockTransfer {
  return apdu.type === 'general-block-transfer' && !(apdu.blockData.length === 0 && !apdu.lastBlock);
}

/** Plain response services that the security policy requires ciphered once the association is. */
const protectedResponses = new Set(['get-response', 'set-response', 'action-response']);

/** The APDU exchange of one association. */
export class ApduExchange {
  /** Cipher requests and require ciphered responses (set once the association is established). */
  protectRequests = false;
  /** Use the dedicated key for requests (agreed in the initiate exchange). */
  useDedicatedKey = false;
  /**
   * Largest APDU the server takes in one piece when general-block-transfer is in use (§9.11):
   * longer requests (after ciphering) are sent in GBT blocks. `undefined`: no GBT.
   */
  gbtMaxApdu: number | undefined;
  readonly #session: DlmsSession;
  readonly #cipher: CipherContext | undefined;
  readonly #decode: ApduDecodeOptions;
  readonly #hooks: ExchangeHooks;
  #pending: Pending | undefined;
  /** Times out the pending request (one timer for all requests, see `deadline-timer.ts`). */
  readonly #deadline = new DeadlineTimer(() => {
    const pending = this.#pending;
    if (pending !== undefined) this.#expire(pending);
  });
  /**
   * The APDUs still being handled asynchronously (deciphering, general-block-transfer), chained in
   * arrival order; `undefined` when none is, and the next plain APDU can be handled at once.
   */
  #inbound: Promise<void> | undefined;
  /** A task holds the turn (§12.4). */
  #busy = false;
  /** Starts of the tasks waiting for the turn, in order. */
  readonly #waiting: (() => void)[] = [];
  #closed: Error | undefined;
  #gbt: { blocks: Uint8Array[]; next: number; sent: number } = { blocks: [], next: 1, sent: 0 };

  constructor(
    session: DlmsSession,
    cipher: CipherContext | undefined,
    decode: ApduDecodeOptions,
    hooks: ExchangeHooks,
  ) {
    this.#session = session;
    this.#cipher = cipher;
    this.#decode = decode;
    this.#hooks = hooks;
    session.on('apdu', this.#onApdu);
    session.on('close', this.#onClose);
  }

  /** `true` once the session ended or {@link ApduExchange.dispose} ran. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** The session. */
  get session(): DlmsSession {
    return this.#session;
  }

  /**
   * Runs `task` when every earlier task has finished (one request or block sequence at a time,
   * §12.4): at once when the exchange is idle. Waiting for the turn honours `signal`.
   *
   * @throws AbortError when `signal` fires before the turn comes; whatever `task` throws
   */
  exclusive<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!this.#busy) {
      if (signal?.aborted) return Promise.reject(abortErrorOf(signal, turnName));
      this.#busy = true;
      return this.#take(task);
    }
    const waiting = this.#waiting;
    return waitFor<void>(
      (start) => {
        waiting.push(start);
        // An aborted waiter leaves the queue: the next one keeps its place behind the running task.
        return () => {
          const at = waiting.indexOf(start);
          if (at >= 0) waiting.splice(at, 1);
        };
      },
      signal === undefined ? {} : { signal },
      turnName,
    ).then(() => this.#take(task));
  }

  /** Runs `task` holding the turn; hands the turn on when it settles. */
  #take<T>(task: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = task();
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(this.#handOn, this.#handOn);
    return result;
  }

  /** Gives the turn to the first waiting task, or frees it. */
  readonly #handOn = (): void => {
    const start = this.#waiting.shift();
    if (start === undefined) this.#busy = false;
    else start();
  };

  /**
   * Sends one request and waits for the APDU `match` accepts. Service requests are ciphered when
   * {@link ApduExchange.protectRequests} is set and `protect` is not false.
   *
   * @throws TimeoutError, AbortError, LinkClosedError; ServiceError (exception-response,
   *   confirmedServiceError); SecurityError / DecodeError for an answer that fails deciphering or
   *   decoding; ProtocolError from `match`
   */
  request(
    plain: Uint8Array,
    match: ResponseMatcher,
    what: RequestName,
    options: WaitOptions,
    protect = true,
  ): Promise<Apdu> {
    if (this.#closed !== undefined)
      return Promise.reject(new LinkClosedError('DLMS client is closed', { cause: this.#closed }));
    const max = this.gbtMaxApdu;
    if (this.#protects(protect) || (max !== undefined && plain.length > max)) {
      return this.#requestProtected(plain, match, what, options, protect);
    }
    return this.#await(plain, match, what, options);
  }

  /** {@link ApduExchange.request} of an APDU to cipher or to send in general-block-transfer blocks. */
  async #requestProtected(
    plain: Uint8Array,
    match: ResponseMatcher,
    what: RequestName,
    options: WaitOptions,
    protect: boolean,
  ): Promise<Apdu> {
    const cipher = this.#cipher;
    let bytes = plain;
    if (protect && this.protectRequests && cipher !== undefined && cipher.policy !== 'none')
      bytes = await cipher.protect(plain, this.useDedicatedKey, cipher.policy);
    const max = this.gbtMaxApdu;
    if (max !== undefined && bytes.length > max) bytes = await this.#sendGbtBlocks(bytes, max, what, options);
    return this.#await(bytes, match, what, options);
  }

  /** Sends `bytes` and waits for the APDU `match` accepts, within `options`. */
  #await(bytes: Uint8Array, match: ResponseMatcher, what: RequestName, options: WaitOptions): Promise<Apdu> {
    const { timeoutMs, signal } = options;
    if (signal?.aborted) return Promise.reject(abortErrorOf(signal, nameOf(what)));
    return new Promise<Apdu>((resolve, reject) => {
      const timed = timeoutMs !== undefined && Number.isFinite(timeoutMs);
      const pending: Pending = {
        match,
        what,
        timeoutMs,
        deadline: timed ? performance.now() + timeoutMs : undefined,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        timer: undefined,
        ended: false,
      };
      if (signal !== undefined) {
        const onAbort = (): void => this.#reject(pending, abortErrorOf(signal, nameOf(what)));
        pending.onAbort = onAbort;
        signal.addEventListener('abort', onAbort, { once: true });
      }
      if (this.#pending !== undefined) {
        this.#orphan(this.#pending);
        this.#deadline.clear();
      }
      this.#pending = pending;
      if (pending.deadline !== undefined) this.#deadline.set(pending.deadline);
      // Only the signal: the session's own (per-frame) timeouts and retries must run inside
      // this request's bound, not be replaced by it (HDLC recovery, spec §4.10).
      let sent: Promise<void>;
      try {
        sent = this.#session.send(bytes, signal === undefined ? noSendOptions : { signal });
      } catch (error) {
        this.#reject(pending, error);
        return;
      }
      sent.catch((error: unknown) => this.#reject(pending, error));
    });
  }

  /**
   * Ends `pending` (once): it no longer waits for an answer, a deadline or the signal. Returns
   * `false` when it had ended already; the caller settles its promise otherwise.
   */
  #end(pending: Pending): boolean {
    if (pending.ended) return false;
    pending.ended = true;
    if (this.#pending === pending) {
      this.#pending = undefined;
      this.#deadline.clear();
    }
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.onAbort !== undefined) pending.signal!.removeEventListener('abort', pending.onAbort);
    return true;
  }

  /** Fails `pending` with a TimeoutError. */
  #expire(pending: Pending): void {
    if (this.#end(pending)) pending.reject(new TimeoutError(nameOf(pending.what), pending.timeoutMs!));
  }

  /**
   * A request sent while another still waited (an RLRQ while a request's task is between two
   * awaits) takes over the answers; the one it displaced keeps its deadline on a timer of its own.
   */
  #orphan(pending: Pending): void {
    const deadline = pending.deadline;
    if (deadline === undefined) return;
    const ms = Math.min(maxTimerMs, Math.max(1, Math.ceil(deadline - performance.now())));
    pending.timer = setTimeout(() => this.#expire(pending), ms);
  }

  /** Resolves the pending request with its answer. */
  #resolve(pending: Pending, apdu: Apdu): void {
    if (this.#end(pending)) pending.resolve(apdu);
  }

  /** Fails the pending request. */
  #reject(pending: Pending, error: unknown): void {
    if (this.#end(pending)) pending.reject(error);
  }

  /**
   * Sends all but the last general-block-transfer block of `apdu` (§9.11: window 1, no
   * streaming), each acknowledged by the server with block-number-ack, and returns the last block
   * to send as the request.
   */
  async #sendGbtBlocks(
    apdu: Uint8Array,
    max: number,
    request: RequestName,
    options: WaitOptions,
  ): Promise<Uint8Array> {
    const what = nameOf(request);
    // Tag 1, block-control 1, block-number 2, block-number-ack 2, length of block-data up to 3
    // (a PDU size is at most 65 535, §9.11).
    const size = max - 9;
    if (size < 1)
      throw new ProtocolError(`${what}: a PDU size of ${max} leaves no room for general-block-transfer`);
    const count = Math.ceil(apdu.length / size);
    const block = (n: number): Uint8Array =>
      encodeApdu({
        type: 'general-block-transfer',
        lastBlock: n === count,
        streaming: false,
        windowSize: 1,
        blockNumber: n,
        blockNumberAck: 0,
        blockData: apdu.subarray((n - 1) * size, n * size),
      });
    for (let n = 1; n < count; n++) {
      await this.#await(
        block(n),
        (a) => a.type === 'general-block-transfer' && a.blockData.length === 0 && a.blockNumberAck === n,
        `${what} (general-block-transfer block ${n} of ${count})`,
        options,
      );
    }
    return block(count);
  }

  /** Fails the pending request (if any) with `error`; the exchange stays usable. */
  failPending(error: Error): void {
    const pending = this.#pending;
    if (pending !== undefined) this.#reject(pending, error);
  }

  /** Fails the pending request with `error` and stops listening to the session. Idempotent. */
  dispose(error: Error): void {
    if (this.#closed !== undefined) return;
    this.#closed = error;
    this.#session.off('apdu', this.#onApdu);
    this.#session.off('close', this.#onClose);
    const pending = this.#pending;
    if (pending !== undefined) this.#reject(pending, error);
    this.#deadline.stop();
  }

  /** Whether a request is to be ciphered (`protect`: the caller allows it). */
  #protects(protect: boolean): boolean {
    const cipher = this.#cipher;
    return protect && this.protectRequests && cipher !== undefined && cipher.policy !== 'none';
  }

  readonly #onClose = (error?: Error): void => {
    const reason = new LinkClosedError(
      'the DLMS session closed',
      error === undefined ? undefined : { cause: error },
    );
    this.dispose(reason);
    this.#hooks.closed(error);
  };

  readonly #onApdu = (received: ReceivedApdu): void => {
    const bytes = received.apdu;
    // Deciphering is asynchronous: APDUs are handled strictly in arrival order, at once unless an
    // earlier one is still being handled.
    const inbound = this.#inbound;
    if (inbound !== undefined) {
      this.#chain(
        inbound.then(() => this.#handle(bytes)),
        bytes,
      );
      return;
    }
    let later: Promise<void> | undefined;
    try {
      later = this.#handle(bytes);
    } catch (error) {
      this.#hooks.discard(error as Error, bytes);
      return;
    }
    if (later !== undefined) this.#chain(later, bytes);
  };

  /** Makes `work` (the handling of `bytes`) the tail of {@link ApduExchange.#inbound}. */
  #chain(work: Promise<void>, bytes: Uint8Array): void {
    const inbound: Promise<void> = work
      .catch((error: unknown) => this.#hooks.discard(error as Error, bytes))
      .then(() => {
        if (this.#inbound === inbound) this.#inbound = undefined;
      });
    this.#inbound = inbound;
  }

  /**
   * Handles one received APDU: a plain one at once; returns the promise of the rest when it must
   * be deciphered or is a general-block-transfer block.
   */
  #handle(bytes: Uint8Array): Promise<void> | undefined {
    if (this.#closed !== undefined) return undefined;
    let apdu: Apdu;
    try {
      apdu = decodeApdu(bytes, this.#decode);
      if (isCiphered(apdu) || isBlock(apdu)) return this.#handleLater(apdu, bytes);
      if (this.protectRequests && this.#cipher?.ciphered === true && protectedResponses.has(apdu.type)) {
        // §10.6: the policy requires protected responses; a plain one could be forged.
        throw new SecurityError(
          'unsupported-security-control',
          `plain ${apdu.type} in a ciphered association (policy '${this.#cipher.policy}')`,
        );
      }
    } catch (error) {
      this.#fail(error as Error, bytes);
      return undefined;
    }
    this.#dispatch(apdu, undefined, bytes);
    return undefined;
  }

  /** Deciphers `apdu` and / or reassembles general-block-transfer blocks, then dispatches. */
  async #handleLater(received: Apdu, bytes: Uint8Array): Promise<void> {
    let apdu = received;
    let protection: PushProtection | undefined;
    try {
      if (isCiphered(apdu)) {
        const cipher = this.#cipher;
        if (cipher === undefined) {
          throw new SecurityError(
            'authentication-failed',
            `${apdu.type} APDU received but no keys are configured`,
          );
        }
        const required: SecurityMode | 'none' = cipher.policy === 'none' ? 'authenticated' : cipher.policy;
        const r = await cipher.unprotect(apdu, required);
        protection = {
          systemTitle: r.systemTitle,
          invocationCounter: r.invocationCounter,
          securityControl: r.securityControl,
        };
        apdu = decodeApdu(r.plain, this.#decode);
      }
      if (isBlock(apdu)) {
        const complete = await this.#block(apdu);
        if (complete !== undefined) await this.#handle(complete);
        return;
      }
    } catch (error) {
      this.#fail(error as Error, bytes);
      return;
    }
    this.#dispatch(apdu, protection, bytes);
  }

  #fail(error: Error, bytes: Uint8Array): void {
    // A malformed or undecipherable APDU while a request waits is most likely its answer: fail
    // the request now rather than let it time out (§12.5). Otherwise it is dropped.
    const pending = this.#pending;
    if (pending !== undefined) this.#reject(pending, error);
    else this.#hooks.discard(error, bytes);
  }

  #dispatch(apdu: Apdu, protection: PushProtection | undefined, bytes: Uint8Array): void {
    if (isNotification(apdu)) {
      this.#hooks.push(protection === undefined ? apdu : { ...apdu, protection });
      return;
    }
    const pending = this.#pending;
    if (apdu.type === 'exception-response' && pending !== undefined) {
      // §9.8: it carries no invoke-id; it answers whatever is pending.
      this.#reject(
        pending,
        new ServiceError(
          {
            type: 'exception-response',
            stateError: apdu.stateError,
            serviceError: apdu.serviceError,
            invocationCounter: apdu.invocationCounter,
          },
          nameOf(pending.what),
        ),
      );
      return;
    }
    if (apdu.type === 'confirmed-service-error' && pending !== undefined) {
      this.#reject(
        pending,
        new ServiceError({ type: 'confirmed-service-error', error: apdu }, nameOf(pending.what)),
      );
      return;
    }
    if (pending !== undefined) {
      const verdict = pending.match(apdu);
      if (verdict === true) {
        this.#resolve(pending, apdu);
        return;
      }
      if (verdict instanceof Error) {
        this.#reject(pending, verdict);
        return;
      }
    }
    this.#hooks.discard(new ProtocolError(`unexpected ${apdu.type} APDU: nothing pending matches it`), bytes);
  }

  /**
   * One general-block-transfer block (§9.11): returns the reassembled APDU after the last block.
   * Non-streamed blocks are acknowledged with an empty block carrying block-number-ack.
   */
  async #block(apdu: GeneralBlockTransfer): Promise<Uint8Array | undefined> {
    const state = this.#gbt;
    if (apdu.blockNumber !== state.next) {
      this.#gbt = { blocks: [], next: 1, sent: 0 };
      throw new ProtocolError(
        `general-block-transfer block ${apdu.blockNumber} received, ${state.next} expected`,
      );
    }
    state.blocks.push(apdu.blockData.slice());
    state.next++;
    if (apdu.lastBlock) {
      this.#gbt = { blocks: [], next: 1, sent: 0 };
      return concat(state.blocks);
    }
    if (!apdu.streaming || state.blocks.length % Math.max(1, apdu.windowSize) === 0) {
      state.sent++;
      const ack = encodeApdu({
        type: 'general-block-transfer',
        lastBlock: false,
        streaming: false,
        windowSize: 1,
        blockNumber: state.sent,
        blockNumberAck: apdu.blockNumber,
        blockData: new Uint8Array(0),
      });
      await this.#session.send(ack, {});
    }
    return undefined;
  }
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
