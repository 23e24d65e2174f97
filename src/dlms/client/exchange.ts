/**
 * The APDU exchange under a DLMS client (meterlink spec §12.4): one confirmed request outstanding
 * at a time, responses matched by service, invoke-id and choice family, ciphering and deciphering,
 * general-block-transfer reassembly, pushes handed on, everything else discarded.
 *
 * @module
 */

import { type WaitOptions, waitFor } from '../../core/abort.js';
import { LinkClosedError, ProtocolError, SecurityError } from '../../core/errors.js';
import { type ApduDecodeOptions, decodeApdu, encodeApdu } from '../apdu/apdu-codec.js';
import type { Apdu, GeneralBlockTransfer } from '../apdu/types.js';
import type { SecurityMode } from '../security/security-control.js';
import type { CipheredApdu } from '../security/types.js';
import type { DlmsSession, ReceivedApdu } from '../session/types.js';
import type { CipherContext } from './cipher-context.js';
import { ServiceError } from './errors.js';
import { type DlmsNotification, isNotification, type PushProtection } from './push.js';

/**
 * Decides whether an APDU answers the pending request: `true` = it does, `false` = not ours
 * (discarded), an `Error` = it is ours but wrong (fails the request).
 */
export type ResponseMatcher = (apdu: Apdu) => boolean | Error;

/** What the exchange tells its owner. */
export interface ExchangeHooks {
  /** A push arrived. */
  push(notification: DlmsNotification): void;
  /** An APDU was dropped: malformed, failed deciphering, or answered nothing pending. */
  discard(error: Error, apdu: Uint8Array): void;
  /** The session ended. */
  closed(error: Error | undefined): void;
}

interface Pending {
  match: ResponseMatcher;
  resolve(apdu: Apdu): void;
  reject(error: unknown): void;
  what: string;
}

const cipheredTypes = new Set([
  'glo-ciphered',
  'ded-ciphered',
  'general-glo-ciphering',
  'general-ded-ciphering',
]);

function isCiphered(apdu: Apdu): apdu is CipheredApdu {
  return cipheredTypes.has(apdu.type);
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
  #inbound: Promise<void> = Promise.resolve();
  #turn: Promise<void> = Promise.resolve();
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
   * §12.4). Waiting for the turn honours `signal`.
   *
   * @throws AbortError when `signal` fires before the turn comes; whatever `task` throws
   */
  async exclusive<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.#turn;
    let release!: () => void;
    this.#turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await waitFor<void>(
        (resolve) => {
          void previous.then(resolve);
          return undefined;
        },
        signal === undefined ? {} : { signal },
        'waiting for the previous request',
      );
      return await task();
    } finally {
      // Chain on the previous turn so an aborted waiter does not let the next one overtake.
      void previous.then(release);
    }
  }

  /**
   * Sends one request and waits for the APDU `match` accepts. Service requests are ciphered when
   * {@link ApduExchange.protectRequests} is set and `protect` is not false.
   *
   * @throws TimeoutError, AbortError, LinkClosedError; ServiceError (exception-response,
   *   confirmedServiceError); SecurityError / DecodeError for an answer that fails deciphering or
   *   decoding; ProtocolError from `match`
   */
  async request(
    plain: Uint8Array,
    match: ResponseMatcher,
    what: string,
    options: WaitOptions,
    protect = true,
  ): Promise<Apdu> {
    if (this.#closed !== undefined)
      throw new LinkClosedError('DLMS client is closed', { cause: this.#closed });
    let bytes = await this.#protect(plain, protect);
    const max = this.gbtMaxApdu;
    if (max !== undefined && bytes.length > max) bytes = await this.#sendGbtBlocks(bytes, max, what, options);
    return this.#await(bytes, match, what, options);
  }

  #await(bytes: Uint8Array, match: ResponseMatcher, what: string, options: WaitOptions): Promise<Apdu> {
    return waitFor<Apdu>(
      (resolve, reject) => {
        const pending: Pending = { match, resolve, reject, what };
        this.#pending = pending;
        // Only the signal: the session's own (per-frame) timeouts and retries must run inside
        // this request's bound, not be replaced by it (HDLC recovery, spec §4.10).
        this.#session
          .send(bytes, options.signal === undefined ? {} : { signal: options.signal })
          .catch(reject);
        return () => {
          if (this.#pending === pending) this.#pending = undefined;
        };
      },
      options,
      what,
    );
  }

  /**
   * Sends all but the last general-block-transfer block of `apdu` (§9.11: window 1, no
   * streaming), each acknowledged by the server with block-number-ack, and returns the last block
   * to send as the request.
   */
  async #sendGbtBlocks(
    apdu: Uint8Array,
    max: number,
    what: string,
    options: WaitOptions,
  ): Promise<Uint8Array> {
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
    this.#pending?.reject(error);
  }

  /** Fails the pending request with `error` and stops listening to the session. Idempotent. */
  dispose(error: Error): void {
    if (this.#closed !== undefined) return;
    this.#closed = error;
    this.#session.off('apdu', this.#onApdu);
    this.#session.off('close', this.#onClose);
    this.#pending?.reject(error);
  }

  async #protect(plain: Uint8Array, protect: boolean): Promise<Uint8Array> {
    const cipher = this.#cipher;
    if (!protect || !this.protectRequests || cipher === undefined || cipher.policy === 'none') return plain;
    return cipher.protect(plain, this.useDedicatedKey, cipher.policy);
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
    // Deciphering is asynchronous: process APDUs strictly in arrival order.
    this.#inbound = this.#inbound
      .then(() => this.#handle(received.apdu))
      .catch((error: unknown) => this.#hooks.discard(error as Error, received.apdu));
  };

  async #handle(bytes: Uint8Array): Promise<void> {
    if (this.#closed !== undefined) return;
    let apdu: Apdu;
    let protection: PushProtection | undefined;
    try {
      apdu = decodeApdu(bytes, this.#decode);
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
      } else if (
        this.protectRequests &&
        this.#cipher?.ciphered === true &&
        protectedResponses.has(apdu.type)
      ) {
        // §10.6: the policy requires protected responses; a plain one could be forged.
        throw new SecurityError(
          'unsupported-security-control',
          `plain ${apdu.type} in a ciphered association (policy '${this.#cipher.policy}')`,
        );
      }
      if (apdu.type === 'general-block-transfer' && !(apdu.blockData.length === 0 && !apdu.lastBlock)) {
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
    if (pending !== undefined) pending.reject(error);
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
      pending.reject(
        new ServiceError(
          {
            type: 'exception-response',
            stateError: apdu.stateError,
            serviceError: apdu.serviceError,
            invocationCounter: apdu.invocationCounter,
          },
          pending.what,
        ),
      );
      return;
    }
    if (apdu.type === 'confirmed-service-error' && pending !== undefined) {
      pending.reject(new ServiceError({ type: 'confirmed-service-error', error: apdu }, pending.what));
      return;
    }
    if (pending !== undefined) {
      const verdict = pending.match(apdu);
      if (verdict === true) {
        pending.resolve(apdu);
        return;
      }
      if (verdict instanceof Error) {
        pending.reject(verdict);
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
