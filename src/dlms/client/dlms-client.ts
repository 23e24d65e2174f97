/**
 * `DlmsClient`: a DLMS/COSEM client (meterlink spec §2, §12) over any `Link` and framing —
 * association with none / LLS / HLS-GMAC and suite 0 ciphering, GET/SET/ACTION with block
 * transfer, typed COSEM reads, and pushes.
 *
 * @module
 */

import { LinkClosedError, ProtocolError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import type { InitiateRequest } from '../apdu/acse/acse-codec.js';
import { type ApduDecodeOptions, encodeApdu } from '../apdu/apdu-codec.js';
import type { InvokeIdAndPriority } from '../apdu/types.js';
import type { CosemDateTime, Data } from '../axdr/types.js';
import type { ObjectListEntry } from '../cosem/object-list.js';
import type { ProfileBuffer } from '../cosem/profile-buffer.js';
import { generateChallenge } from '../security/challenge.js';
import { nextInvocationCounter } from '../security/invocation-counter.js';
import { modeESignOn } from '../session/mode-e.js';
import type { DlmsSession } from '../session/types.js';
import { invokeList, invokeMethod } from './action-service.js';
import {
  buildAarq,
  buildRlrq,
  hlsGmacPasses,
  initiateRequest,
  type NegotiatedAssociation,
  processAare,
} from './association.js';
import { CipherContext, cipheringOverhead } from './cipher-context.js';
import { type ClockReading, readClock, type SetClockOptions, setClock } from './clock-reads.js';
import { defaultSessionFactory } from './default-session.js';
import type { ActionItem, AttributeInput, MethodInput, SetItem } from './descriptors.js';
import {
  type DisconnectState,
  disconnectControl,
  disconnectControlObis,
  readDisconnectState,
  readObjectList,
} from './device-reads.js';
import { ActionError, DataAccessError } from './errors.js';
import { ApduExchange } from './exchange.js';
import { getAttribute, getList, type ListItemResult, maxReassembledBytes } from './get-service.js';
import { Listeners } from './listeners.js';
import {
  type DlmsClientOptions,
  type DlmsSessionFactory,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './options.js';
import {
  type CaptureObjectsCache,
  type ProfileSelection,
  type ReadProfileOptions,
  readProfile,
} from './profile-read.js';
import type { DlmsNotification } from './push.js';
import {
  type DemandRegisterValue,
  type ExtendedRegisterValue,
  type RegisterValue,
  readDemandRegister,
  readExtendedRegister,
  readRegister,
  type ScalerCache,
} from './register-reads.js';
import type { DlmsRequestOptions, ServiceContext } from './service-context.js';
import { setAttribute, setList } from './set-service.js';

/** Events of a {@link DlmsClient}. */
export type DlmsClientEvents = {
  /** The meter pushed a notification (decrypted when it came ciphered and the keys are known). */
  push: (notification: DlmsNotification) => void;
  /** The client closed: `close()`, or the session ended (`error` set when it failed). */
  close: (error?: Error) => void;
  /** An APDU was dropped: malformed, failed deciphering, or answered nothing pending. */
  discard: (error: Error, apdu: Uint8Array) => void;
};

/** Options of {@link DlmsClient.close}. */
export interface DlmsCloseOptions {
  /** Send RLRQ and wait (briefly) for RLRE before disconnecting (§12.6). Default true. */
  release?: boolean;
  /** Limit of the RLRE and DISC waits, ms. Default: the smaller of the client's `timeoutMs` and 2000. */
  timeoutMs?: number;
}

/** How long the release steps wait by default: a missing RLRE is not fatal (§7.8). */
const releaseTimeoutMs = 2000;

interface ClientParts {
  link: Link;
  ownsLink: boolean;
  session: DlmsSession;
  cipher: CipherContext | undefined;
  options: ResolvedClientOptions;
  initiate: InitiateRequest;
}

/**
 * A DLMS/COSEM client for one association with one logical device.
 *
 * Requests run one at a time (§12.4); each method takes {@link DlmsRequestOptions} (`timeoutMs`
 * per round trip, `signal`) and fails with a typed error:
 * - `DataAccessError` — a GET/SET answered with a Data-Access-Result;
 * - `ActionError` — an ACTION answered with an Action-Result;
 * - `ServiceError` — exception-response or confirmedServiceError;
 * - `TimeoutError`, `AbortError`, `LinkClosedError` — waits and the session;
 * - `ProtocolError` — an answer that does not fit (block numbers, list lengths);
 * - `SecurityError` — a response failing deciphering, a replayed counter, failed HLS;
 * - `DecodeError` — malformed bytes; `InvalidArgumentError` — arguments refused before sending.
 *
 * @example
 * ```ts
 * import { tcp } from 'meterlink';
 * import { DlmsClient } from 'meterlink/dlms';
 *
 * const meter = await DlmsClient.connect({
 *   link: tcp({ host: '10.0.0.5', port: 4059 }), framing: 'wrapper',
 *   client: 17, auth: { mechanism: 'lls', password: '12345678' },
 * });
 * const energy = await meter.readRegister('1.0.1.8.0.255'); // { value: 12345.678, unit: 'kWh', … }
 * meter.on('push', (n) => console.log(n.type));
 * await meter.close();
 * ```
 */
export class DlmsClient {
  /** The link the client talks over. */
  readonly link: Link;
  /** What the initiate exchange agreed. */
  readonly negotiated: NegotiatedAssociation;
  readonly #listeners = new Listeners<DlmsClientEvents>();
  readonly #options: ResolvedClientOptions;
  readonly #session: DlmsSession;
  readonly #cipher: CipherContext | undefined;
  readonly #exchange: ApduExchange;
  readonly #ownsLink: boolean;
  readonly #initiate: InitiateRequest;
  readonly #ctx: ServiceContext;
  readonly #scalers: ScalerCache = new Map();
  readonly #captureObjects: CaptureObjectsCache = new Map();
  #invokeId = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(parts: ClientParts, exchange: ApduExchange, negotiated: NegotiatedAssociation) {
    this.link = parts.link;
    this.#ownsLink = parts.ownsLink;
    this.#session = parts.session;
    this.#cipher = parts.cipher;
    this.#options = parts.options;
    this.#initiate = parts.initiate;
    this.#exchange = exchange;
    this.negotiated = negotiated;
    const overhead = parts.cipher?.ciphered === true ? cipheringOverhead(parts.cipher.envelope) : 0;
    const limit = Math.min(negotiated.serverMaxReceivePduSize, parts.session.maxApduBytes ?? 0xffff);
    const decodeOptions = decodeOptionsOf(parts.options);
    const timeoutMs = parts.options.timeoutMs;
    // With general-block-transfer the exchange cuts any request to size: the services send whole APDUs.
    const gbt = parts.options.generalBlockTransfer && negotiated.conformance.generalBlockTransfer;
    if (gbt) exchange.gbtMaxApdu = limit;
    this.#ctx = {
      exchange,
      conformance: negotiated.conformance,
      maxRequestBytes: gbt ? 0xffffff : limit - overhead,
      quirks: parts.options.quirks,
      decodeOptions,
      nextInvoke: (): InvokeIdAndPriority => {
        // §9.1: the invoke-id changes with every request, cycling through 0–15.
        this.#invokeId = (this.#invokeId + 1) & 0x0f;
        return { invokeId: this.#invokeId, confirmed: true, highPriority: true };
      },
      wait: (o) => ({
        timeoutMs: o?.timeoutMs ?? timeoutMs,
        ...(o?.signal === undefined ? {} : { signal: o.signal }),
      }),
    };
  }

  /**
   * Opens the link (unless open), the session (HDLC: SNRM/UA) and the association (AARQ/AARE,
   * HLS-GMAC passes 3–4 when configured), reading the invocation counter first when asked.
   *
   * @throws AssociationError (refused, with the diagnostic), SecurityError, ServiceError,
   *   TimeoutError, AbortError, LinkError, LinkClosedError, ProtocolError, DecodeError;
   *   InvalidArgumentError for bad options
   * @example
   * ```ts
   * const meter = await DlmsClient.connect({
   *   link, framing: 'hdlc', client: 1, server: { logical: 1, physical: 17 },
   *   auth: { mechanism: 'hls-gmac' },
   *   security: { encryptionKey, authenticationKey, systemTitle, invocationCounter: 'read',
   *               onInvocationCounter: (next) => store.save(next) },
   * });
   * ```
   */
  static async connect(options: DlmsClientOptions): Promise<DlmsClient> {
    const resolved = resolveClientOptions(options);
    const factory: DlmsSessionFactory = options.session ?? defaultSessionFactory(options, resolved);
    const link = options.link;
    const wait = {
      timeoutMs: resolved.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    const ownsLink = !link.isOpen;
    if (ownsLink) await link.open(wait);
    try {
      if (options.modeE !== undefined && options.modeE !== false) {
        await modeESignOn(link, {
          ...(options.modeE === true ? {} : options.modeE),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      }
      let cipher: CipherContext | undefined;
      const security = resolved.security;
      if (security !== undefined) {
        let first: number;
        if (security.invocationCounter === 'read') {
          first = await DlmsClient.#readInvocationCounter(options, resolved, factory);
          await security.onInvocationCounter?.(first);
        } else {
          first = security.invocationCounter;
        }
        cipher = new CipherContext(security, first);
      }
      return await DlmsClient.#associate({ link, ownsLink, cipher, options: resolved, factory, wait });
    } catch (error) {
      if (ownsLink) await link.close().catch(() => undefined);
      throw error;
    }
  }

  /** §10.7: the counter the meter expects, read over a public association; returns value + 1. */
  static async #readInvocationCounter(
    options: DlmsClientOptions,
    resolved: ResolvedClientOptions,
    factory: DlmsSessionFactory,
  ): Promise<number> {
    const security = resolved.security!;
    const { auth: _auth, security: _security, modeE: _modeE, ...rest } = options;
    const pub = await DlmsClient.connect({
      ...rest,
      session: factory,
      client: security.invocationCounterClient,
    });
    try {
      const value = await pub.get(
        { classId: 1, obis: security.invocationCounterObis, attribute: 2 },
        options,
      );
      const v = (value as { value?: unknown }).value;
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new ProtocolError(
          `the invocation counter ${security.invocationCounterObis} is a ${value.type}, not a number`,
        );
      }
      return nextInvocationCounter(v);
    } finally {
      await pub.close();
    }
  }

  static async #associate(args: {
    link: Link;
    ownsLink: boolean;
    cipher: CipherContext | undefined;
    options: ResolvedClientOptions;
    factory: DlmsSessionFactory;
    wait: { timeoutMs: number; signal?: AbortSignal };
  }): Promise<DlmsClient> {
    const { options, cipher, wait } = args;
    const session = args.factory({
      client: options.client,
      logical: options.logical,
      ...(options.physical === undefined ? {} : { physical: options.physical }),
    });
    const pushes: DlmsNotification[] = [];
    let client: DlmsClient | undefined;
    const exchange = new ApduExchange(session, cipher, decodeOptionsOf(options), {
      push: (n) => (client === undefined ? pushes.push(n) : client.#listeners.emit('push', n)),
      discard: (error, apdu) => {
        if (client !== undefined) client.#listeners.emit('discard', error, apdu);
      },
      closed: (error) => {
        if (client !== undefined) client.#onSessionClosed(error);
      },
    });
    try {
      // Only the signal: SNRM repetition runs on the session's frame timeout (§4.10).
      await session.open(wait.signal === undefined ? {} : { signal: wait.signal });
      const ciphered = cipher?.ciphered === true;
      const initiate = initiateRequest(
        options.conformance,
        options.maxPduSize,
        ciphered ? cipher?.dedicatedKey : undefined,
      );
      const ctos =
        options.auth.mechanism === 'hls-gmac' ? (options.auth.challenge ?? generateChallenge()) : undefined;
      const aarq = await buildAarq({ auth: options.auth, challenge: ctos, cipher, initiate });
      const aare = await exchange.request(encodeApdu(aarq), (a) => a.type === 'aare', 'AARQ', wait, false);
      const { negotiated, challenge } = await processAare(
        aare,
        options.auth,
        cipher,
        decodeOptionsOf(options),
      );
      exchange.protectRequests = ciphered;
      exchange.useDedicatedKey = ciphered && cipher?.dedicatedKey !== undefined;
      client = new DlmsClient(
        { link: args.link, ownsLink: args.ownsLink, session, cipher, options, initiate },
        exchange,
        negotiated,
      );
      if (challenge !== undefined) {
        await hlsGmacPasses(client.#ctx, cipher!, { stoc: challenge, ctos: ctos! }, wait);
      }
    } catch (error) {
      exchange.dispose(new LinkClosedError('association failed'));
      await session
        .close({ timeoutMs: Math.min(options.timeoutMs, releaseTimeoutMs) })
        .catch(() => undefined);
      throw error;
    }
    // Pushes that arrived while associating are delivered once the caller could add listeners.
    const c = client;
    if (pushes.length > 0) {
      setTimeout(() => {
        for (const n of pushes) c.#listeners.emit('push', n);
      }, 0);
    }
    return client;
  }

  /** `true` once closed (by `close()` or because the session ended). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The session under the client. */
  get session(): DlmsSession {
    return this.#session;
  }

  /** The invocation counter the next protected APDU will use (`undefined` without security). */
  get invocationCounter(): number | undefined {
    return this.#cipher?.nextCounter;
  }

  /** Adds a listener. */
  on<E extends keyof DlmsClientEvents>(event: E, listener: DlmsClientEvents[E]): this {
    this.#listeners.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof DlmsClientEvents>(event: E, listener: DlmsClientEvents[E]): this {
    this.#listeners.off(event, listener);
    return this;
  }

  /** Runs one service operation when the previous ones are done. */
  #run<T>(task: () => Promise<T>, options: DlmsRequestOptions | undefined): Promise<T> {
    if (this.#closed) return Promise.reject(new LinkClosedError('DLMS client is closed'));
    return this.#exchange.exclusive(() => {
      if (this.#closed) return Promise.reject(new LinkClosedError('DLMS client is closed'));
      return task();
    }, options?.signal);
  }

  /**
   * Reads one attribute (get-request-normal, datablocks reassembled) and returns its `Data`.
   * @throws see the class description
   * @example
   * ```ts
   * const value = await meter.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 });
   * ```
   */
  get(attribute: AttributeInput, options?: DlmsRequestOptions): Promise<Data>;
  /**
   * Reads several attributes in one get-request-with-list (or one by one when the meter did not
   * negotiate multiple-references): one result per item.
   * @throws see the class description (item failures are results, not throws)
   */
  get(attributes: readonly AttributeInput[], options?: DlmsRequestOptions): Promise<ListItemResult<Data>[]>;
  get(
    attribute: AttributeInput | readonly AttributeInput[],
    options?: DlmsRequestOptions,
  ): Promise<Data | ListItemResult<Data>[]> {
    if (!isList(attribute)) return this.#run(() => getAttribute(this.#ctx, attribute, options), options);
    return this.#run(
      () =>
        this.#ctx.conformance.multipleReferences
          ? getList(this.#ctx, attribute, options)
          : oneByOne(attribute, (a) => getAttribute(this.#ctx, a, options)),
      options,
    );
  }

  /**
   * Writes one attribute (datablocks when the value exceeds the meter's PDU size).
   * @throws see the class description
   */
  set(attribute: AttributeInput, value: Data, options?: DlmsRequestOptions): Promise<void>;
  /**
   * Writes several attributes in one set-request-with-list: one result per item.
   * @throws see the class description (item failures are results, not throws)
   */
  set(items: readonly SetItem[], options?: DlmsRequestOptions): Promise<ListItemResult<undefined>[]>;
  set(
    target: AttributeInput | readonly SetItem[],
    valueOrOptions?: Data | DlmsRequestOptions,
    maybeOptions?: DlmsRequestOptions,
  ): Promise<unknown> {
    if (!isList(target)) {
      const item = { ...target, value: valueOrOptions as Data };
      return this.#run(async () => {
        await setAttribute(this.#ctx, item, maybeOptions);
        return undefined;
      }, maybeOptions);
    }
    const options = valueOrOptions as DlmsRequestOptions | undefined;
    return this.#run(
      () =>
        this.#ctx.conformance.multipleReferences
          ? setList(this.#ctx, target, options)
          : oneByOne(target, async (i) => {
              await setAttribute(this.#ctx, i, options);
              return undefined;
            }),
      options,
    );
  }

  /**
   * Invokes one method; resolves with its return data (`undefined` when none).
   * @throws see the class description
   * @example
   * ```ts
   * await meter.action({ classId: 70, obis: '0.0.96.3.10.255', method: 1 }, { type: 'integer', value: 0 });
   * ```
   */
  action(method: MethodInput, parameters?: Data, options?: DlmsRequestOptions): Promise<Data | undefined>;
  /**
   * Invokes several methods in one action-request-with-list: one result per item.
   * @throws see the class description (item failures are results, not throws)
   */
  action(
    items: readonly ActionItem[],
    options?: DlmsRequestOptions,
  ): Promise<ListItemResult<Data | undefined>[]>;
  action(
    target: MethodInput | readonly ActionItem[],
    parametersOrOptions?: Data | DlmsRequestOptions,
    maybeOptions?: DlmsRequestOptions,
  ): Promise<Data | undefined | ListItemResult<Data | undefined>[]> {
    if (!isList(target)) {
      const parameters = parametersOrOptions as Data | undefined;
      const item = parameters === undefined ? target : { ...target, parameters };
      return this.#run(() => invokeMethod(this.#ctx, item, maybeOptions), maybeOptions);
    }
    const options = parametersOrOptions as DlmsRequestOptions | undefined;
    return this.#run(
      () =>
        this.#ctx.conformance.multipleReferences
          ? invokeList(this.#ctx, target, options)
          : oneByOne(target, (i) => invokeMethod(this.#ctx, i, options)),
      options,
    );
  }

  /**
   * Reads a Register (class 3): scaler_unit (cached per OBIS) and value, scaled.
   * @throws see the class description; DecodeError when the value is not numeric
   * @example
   * ```ts
   * const { value, unit } = await meter.readRegister('1-0:1.8.0*255'); // 12345.678 'kWh'
   * ```
   */
  readRegister(obis: string | Uint8Array, options?: DlmsRequestOptions): Promise<RegisterValue> {
    return this.#run(() => readRegister(this.#ctx, this.#scalers, obis, options), options);
  }

  /**
   * Reads an Extended register (class 4): scaled value, status and capture time.
   * @throws see {@link DlmsClient.readRegister}
   */
  readExtendedRegister(
    obis: string | Uint8Array,
    options?: DlmsRequestOptions,
  ): Promise<ExtendedRegisterValue> {
    return this.#run(() => readExtendedRegister(this.#ctx, this.#scalers, obis, options), options);
  }

  /**
   * Reads a Demand register (class 5): current and last average, status, times and period.
   * @throws see {@link DlmsClient.readRegister}
   */
  readDemandRegister(obis: string | Uint8Array, options?: DlmsRequestOptions): Promise<DemandRegisterValue> {
    return this.#run(() => readDemandRegister(this.#ctx, this.#scalers, obis, options), options);
  }

  /**
   * Reads the Clock time: the instant (undefined when the meter leaves fields unspecified),
   * the date-time as sent, deviation and status.
   * @throws see the class description
   */
  readClock(options?: DlmsRequestOptions & { obis?: string }): Promise<ClockReading> {
    return this.#run(() => readClock(this.#ctx, options?.obis, options), options);
  }

  /**
   * Sets the Clock time; a `Date` is written at the meter's current deviation unless `deviation` is given.
   * @throws see the class description
   */
  setClock(time: Date | CosemDateTime, options?: SetClockOptions): Promise<void> {
    return this.#run(() => setClock(this.#ctx, time, options), options);
  }

  /**
   * Reads a Profile generic buffer: `{ from, to }` (capture time range), `{ fromEntry, toEntry }`
   * or `{}` (everything), into named typed columns.
   * @throws see the class description; DecodeError for a buffer that does not match its columns
   * @example
   * ```ts
   * const { columns, rows } = await meter.readProfile('1.0.99.1.0.255', { from: yesterday, to: now });
   * ```
   */
  readProfile(
    obis: string | Uint8Array,
    selection?: ProfileSelection,
    options?: ReadProfileOptions,
  ): Promise<ProfileBuffer> {
    return this.#run(() => readProfile(this.#ctx, this.#captureObjects, obis, selection, options), options);
  }

  /**
   * Reads the object list of the current association.
   * @throws see the class description
   */
  readObjectList(options?: DlmsRequestOptions): Promise<ObjectListEntry[]> {
    return this.#run(() => readObjectList(this.#ctx, options), options);
  }

  /**
   * Disconnect control remote_disconnect (method 1).
   * @throws see the class description
   */
  disconnect(obis: string | Uint8Array = disconnectControlObis, options?: DlmsRequestOptions): Promise<void> {
    return this.#run(() => disconnectControl(this.#ctx, 1, obis, options), options);
  }

  /**
   * Disconnect control remote_reconnect (method 2).
   * @throws see the class description
   */
  reconnect(obis: string | Uint8Array = disconnectControlObis, options?: DlmsRequestOptions): Promise<void> {
    return this.#run(() => disconnectControl(this.#ctx, 2, obis, options), options);
  }

  /**
   * Reads output_state, control_state and control_mode of a Disconnect control object.
   * @throws see the class description
   */
  readDisconnectState(
    obis: string | Uint8Array = disconnectControlObis,
    options?: DlmsRequestOptions,
  ): Promise<DisconnectState> {
    return this.#run(() => readDisconnectState(this.#ctx, obis, options), options);
  }

  /**
   * Releases the association (RLRQ, ciphered user-information when ciphered; a missing RLRE is
   * not an error), closes the session (HDLC DISC) and the link when the client opened it. Pending
   * and queued requests fail with `LinkClosedError`. Idempotent; never throws.
   */
  close(options: DlmsCloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  async #close(options: DlmsCloseOptions): Promise<void> {
    const alreadyClosed = this.#closed;
    this.#closed = true;
    const timeoutMs = options.timeoutMs ?? Math.min(this.#options.timeoutMs, releaseTimeoutMs);
    // One error for what is pending now and for everything asked after the close (a stack
    // trace per close is measurable in connect-heavy loops).
    const closed = new LinkClosedError('DLMS client closed');
    this.#exchange.failPending(closed);
    if (!alreadyClosed && options.release !== false && !this.#exchange.closed) {
      try {
        const rlrq = encodeApdu(await buildRlrq(this.#initiate, this.#cipher));
        await this.#exchange.request(rlrq, (a) => a.type === 'rlre', 'RLRQ', { timeoutMs }, false);
      } catch {
        // §7.8: meters often release implicitly; a missing or odd RLRE does not matter.
      }
    }
    this.#exchange.dispose(closed);
    // The session bounds its DISC by its own frame timeout and retries (§12.6).
    await this.#session.close().catch(() => undefined);
    if (this.#ownsLink) await this.link.close().catch(() => undefined);
    if (!alreadyClosed) this.#listeners.emit('close');
    this.#listeners.clear();
  }

  #onSessionClosed(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = (async () => {
      if (this.#ownsLink) await this.link.close().catch(() => undefined);
    })();
    this.#listeners.emit('close', error);
    this.#listeners.clear();
  }
}

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

/** The with-list result shape for a meter without multiple-references: one request per item. */
async function oneByOne<I, T>(
  items: readonly I[],
  run: (item: I) => Promise<T>,
): Promise<ListItemResult<T>[]> {
  const out: ListItemResult<T>[] = [];
  for (const item of items) {
    try {
      out.push({ ok: true, value: await run(item) });
    } catch (error) {
      if (!(error instanceof DataAccessError || error instanceof ActionError)) throw error;
      out.push({ ok: false, error });
    }
  }
  return out;
}

function decodeOptionsOf(options: ResolvedClientOptions): ApduDecodeOptions {
  // Sessions bound every APDU they deliver; only a general-block-transfer reassembly can be longer.
  const base = { maxApduBytes: maxReassembledBytes };
  return options.quirks.invertDeviation === true ? { ...base, invertDeviation: true } : base;
}
