/**
 * The per-link part of the head-end: one lease on one gateway port, over the connection of a
 * {@link HeadEndCore} (its own, for `mqttLink`, or one shared by many links, for `mqttHeadEnd`).
 *
 * @module
 */

import { waitFor } from '../../core/abort.js';
import {
  EncodeError,
  InvalidArgumentError,
  LinkClosedError,
  LinkError,
  ProtocolError,
  TimeoutError,
} from '../../core/errors.js';
import type {
  ApduAttachRequest,
  ApduAttachResult,
  ApduTunnelLink,
  LinkOpenOptions,
} from '../../core/link.js';
import { BaseLink } from '../../links/base-link.js';
import { checkNumber } from '../../links/validate.js';
import { encodeEnvelope } from '../protocol/encode-envelope.js';
import {
  ApduModeCode,
  type AttachEnvelope,
  type AttachedEnvelope,
  type Envelope,
  EnvelopeFlag,
} from '../protocol/envelope.js';
import { TunnelErrorCode } from '../protocol/error-codes.js';
import { decodeMeta } from '../protocol/meta.js';
import { decodeStatus } from '../protocol/status.js';
import { asError, type HeadEndCore, type HeadEndMember } from './head-end-core.js';
import { checkSequence, nextSequence } from './sequence.js';
import { TunnelError } from './tunnel-error.js';

/** The lease settings of one tunnel link (`mqttLink` and `MqttHeadEnd.link` take these). */
export interface TunnelLinkOptions {
  /** Id of the gateway that serves the meter. */
  gatewayId: string;
  /** Id of the gateway's port the meter is on. */
  port: string;
  /**
   * Idle time after which the gateway ends the lease, ms (sent in `open`; `0` = the gateway's
   * default). While the link is open it pings the gateway at a third of the granted time, so
   * the lease ends by idleness only when this head-end is gone. Default `60_000`.
   */
  leaseIdleMs?: number;
  /** Time `open()` waits for the broker and the lease (the port may be busy), ms. Default `10_000`. */
  timeoutMs?: number;
  /**
   * Deadline of every write, ms: the gateway drops bytes it could not write to the meter within
   * this time after they arrived (`0` = none). Default `10_000`.
   */
  writeDeadlineMs?: number;
  /** Keep the lease alive with `ping` while open. Default `true`. */
  keepAlive?: boolean;
  /** `info.bus`: default from the gateway's meta (`true` for a serial port), `false` until it is known. */
  bus?: boolean;
}

/** What a tunnel link needs of the head-end it belongs to. */
export interface TunnelLinkHost {
  /** The head-end's connection, routes and watches. */
  readonly core: HeadEndCore;
  /** `scheme://host:port/{root}` of the broker (no credentials), for `info.peer`. */
  readonly peerPrefix: string;
  /** Connects the head-end (or joins its connection) for a link that opens. */
  connect(member: HeadEndMember, signal: AbortSignal, budgetMs: number): Promise<void>;
  /**
   * The link let go of gateway `gatewayId` and of its session (if it had one); `farewell` is its
   * `close` envelope on its way. Resolves when the link may report itself closed.
   */
  release(
    member: HeadEndMember,
    gatewayId: string,
    sessionId: number | undefined,
    farewell: Promise<unknown> | undefined,
  ): Promise<void>;
}

/** The lease: session id, both directions' sequence numbers and what the gateway granted. */
interface Session {
  readonly id: number;
  /** Sequence number of the next envelope we send. */
  txSeq: number;
  /** Sequence number expected next from the gateway. */
  rxSeq: number;
  /** `opened` arrived. */
  opened: boolean;
  /** The lease is over (gateway said so, or it went offline): no `close` to send. */
  ended: boolean;
  /** Correlation id of the last `data` we sent: what a current answer (flag `answers`) echoes. */
  lastDataCorrelation: number;
  /** Largest `data` payload the gateway accepts (0 = no limit). */
  maxPayloadBytes: number;
  /** APDU mode is on (`attached` arrived): one envelope per APDU both ways. */
  apdu:
    | {
        onUnsolicited: ((apdu: Uint8Array) => void) | undefined;
        /** Largest APDU the gateway takes (`attached`; 0 = no limit). */
        maxApduBytes: number;
      }
    | undefined;
  /** An `attach` waiting for `attached` or `error`. */
  attaching: PendingAttach | undefined;
}

/** An `attachApdu()` waiting for the gateway. */
interface PendingAttach {
  readonly correlationId: number;
  readonly onUnsolicited: ((apdu: Uint8Array) => void) | undefined;
  resolve(result: ApduAttachResult): void;
  reject(error: Error): void;
}

/** An `open()` waiting for `opened`. */
interface PendingOpen {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * A link to one gateway port through a head-end's MQTT connection: the lease, sequence numbers,
 * keep-alive, APDU mode. The connection, presence and routing belong to the {@link TunnelLinkHost}.
 */
export class MqttTunnelLink extends BaseLink implements ApduTunnelLink {
  readonly #host: TunnelLinkHost;
  readonly #core: HeadEndCore;
  readonly #gatewayId: string;
  readonly #portId: string;
  readonly #reqTopic: string;
  readonly #leaseIdleMs: number;
  readonly #timeoutMs: number;
  readonly #writeDeadlineMs: number;
  readonly #keepAlive: boolean;
  readonly #busFixed: boolean;
  /** `info` as the link itself sees it: `bus` follows the gateway's meta. */
  readonly #info: { transport: 'mqtt'; messageOriented: false; bus: boolean; peer: string };
  #session: Session | undefined;
  #pendingOpen: PendingOpen | undefined;
  #openBudgetMs: number;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pingUnanswered = false;
  /** Set while the gateway's retained status says it is offline. */
  #gatewayOffline: TunnelError | undefined;
  /** The gateway's status has said `online` since this link connected. */
  #gatewaySeenOnline = false;
  /** Publishes the pending `open` (same session, same seq) while `opened` is awaited. */
  #sendOpen: (() => void) | undefined;
  /**
   * Publishes the pending `open` again, once: set while an `open` went out before the gateway
   * was seen online, or before the connection came back without its session — it may have
   * reached no one (a broker that restarted empty while the gateway was still reconnecting,
   * docs/mqtt-tunnel.md "Leases").
   */
  #repeatOpen: (() => void) | undefined;
  /** What the head-end calls with this link's envelopes, gateway status and meta. */
  readonly #member: HeadEndMember = {
    onEnvelope: (envelope) => this.#onEnvelope(envelope),
    onGatewayStatus: (payload) => this.#onStatus(payload),
    onGatewayMeta: (payload) => this.#onMeta(payload),
    onHeadEndError: (error) => this.reportError(error),
    onSessionLost: () => {
      this.#gatewaySeenOnline = false;
      this.#repeatOpen = this.#sendOpen;
    },
  };

  /** @throws {@link InvalidArgumentError} for a negative or fractional time */
  constructor(host: TunnelLinkHost, options: TunnelLinkOptions) {
    const topics = host.core.topics;
    const info = {
      transport: 'mqtt' as const,
      messageOriented: false as const,
      bus: options.bus ?? false,
      peer: `${host.peerPrefix}/gw/${options.gatewayId}/port/${options.port}`,
    };
    const timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? 10_000, 1);
    super({ info, openTimeoutMs: timeoutMs });
    this.#info = info;
    this.#host = host;
    this.#core = host.core;
    this.#gatewayId = options.gatewayId;
    this.#portId = options.port;
    this.#reqTopic = topics.req(options.gatewayId, options.port);
    this.#leaseIdleMs = checkInteger('leaseIdleMs', options.leaseIdleMs ?? 60_000);
    this.#timeoutMs = timeoutMs;
    this.#openBudgetMs = timeoutMs;
    this.#writeDeadlineMs = checkInteger('writeDeadlineMs', options.writeDeadlineMs ?? 10_000);
    this.#keepAlive = options.keepAlive ?? true;
    this.#busFixed = options.bus !== undefined;
  }

  override open(options: LinkOpenOptions = {}): Promise<void> {
    if (this.state === 'idle' || this.state === 'closed')
      this.#openBudgetMs = options.timeoutMs ?? this.#timeoutMs;
    return super.open(options);
  }

  protected async connect(signal: AbortSignal): Promise<void> {
    const started = Date.now();
    // Registered first: the status already known arrives at once, and a connect to come
    // subscribes this gateway with `res` in one SUBSCRIBE.
    this.#core.watch(this.#gatewayId, this.#member);
    await this.#host.connect(this.#member, signal, this.#openBudgetMs);
    await this.#core.watched(this.#gatewayId);
    if (signal.aborted) throw new LinkClosedError(`${this.info.peer}: open abandoned`);
    const session: Session = {
      id: this.#core.addSession(this.#member),
      txSeq: 0,
      rxSeq: 0,
      opened: false,
      ended: false,
      lastDataCorrelation: 0,
      maxPayloadBytes: 0,
      apdu: undefined,
      attaching: undefined,
    };
    this.#session = session;
    const budget = Math.max(1, this.#openBudgetMs - (Date.now() - started));
    const budgetFrom = Date.now();
    const opened = waitFor<void>(
      (resolve, reject) => {
        if (this.#gatewayOffline !== undefined) {
          reject(this.#gatewayOffline);
          return undefined;
        }
        this.#pendingOpen = { resolve, reject };
        return () => {
          this.#pendingOpen = undefined;
          this.#sendOpen = undefined;
          this.#repeatOpen = undefined;
        };
      },
      { signal },
      `waiting for the lease on ${this.info.peer}`,
    );
    const seq = this.#nextTx(session);
    const sendOpen = (): void => {
      const remaining = Math.max(1, budget - (Date.now() - budgetFrom));
      void this.#core
        .publish(this.#reqTopic, {
          type: 'open',
          ...this.#header(session, remaining),
          seq,
          leaseIdleMs: this.#leaseIdleMs,
        })
        .catch((error: unknown) => this.#pendingOpen?.reject(asError(error)));
    };
    if (this.#pendingOpen !== undefined) {
      this.#sendOpen = sendOpen;
      this.#repeatOpen = this.#gatewaySeenOnline ? undefined : sendOpen;
    }
    sendOpen();
    await opened;
  }

  protected async disconnect(): Promise<void> {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#pendingOpen?.reject(new LinkClosedError(`${this.info.peer} was closed while opening`));
    const session = this.#session;
    session?.attaching?.reject(new LinkClosedError(`${this.info.peer} was closed while attaching`));
    this.#session = undefined;
    this.#gatewayOffline = undefined;
    this.#gatewaySeenOnline = false;
    let farewell: Promise<unknown> | undefined;
    if (session !== undefined && !session.ended && this.#core.connection !== undefined) {
      // Ends the lease, or takes a still-queued `open` out of the port's queue. While the
      // connection is down MQTT.js keeps this QoS 1 publish and sends it on reconnect.
      const close = this.#header(session, this.#writeDeadlineMs);
      farewell = this.#core.publish(this.#reqTopic, { type: 'close', ...close, seq: this.#nextTx(session) });
    }
    await this.#host.release(this.#member, this.#gatewayId, session?.id, farewell);
  }

  /**
   * APDU mode: asks the gateway to open the meter's HDLC link layer (`attach`) and waits for
   * `attached`. See {@link ApduTunnelLink.attachApdu}.
   */
  attachApdu(request: ApduAttachRequest, options: LinkOpenOptions = {}): Promise<ApduAttachResult> {
    const session = this.#session;
    if (!this.isOpen || session === undefined || !session.opened || session.ended) {
      return Promise.reject(new LinkClosedError(`${this.info.peer} has no lease to attach to`));
    }
    if (this.#gatewayOffline !== undefined) return Promise.reject(this.#gatewayOffline);
    if (session.attaching !== undefined) {
      return Promise.reject(new LinkError(`${this.info.peer}: an APDU attach is already in progress`));
    }
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    let attach: AttachEnvelope;
    try {
      attach = this.#attachEnvelope(session, request, timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    return waitFor<ApduAttachResult>(
      (resolve, reject) => {
        // From now on the previous association (if any) is gone at the gateway.
        session.apdu = undefined;
        session.attaching = {
          correlationId: attach.correlationId,
          onUnsolicited: request.onUnsolicited,
          resolve,
          reject,
        };
        this.#core.publish(this.#reqTopic, attach).catch((error: unknown) => reject(asError(error)));
        return () => {
          if (session.attaching?.correlationId === attach.correlationId) session.attaching = undefined;
        };
      },
      { timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) },
      `attaching APDU mode on ${this.info.peer}`,
    );
  }

  /** The `attach` envelope of `request`, checked (a field out of range is an `InvalidArgumentError`). */
  #attachEnvelope(session: Session, request: ApduAttachRequest, deadlineMs: number): AttachEnvelope {
    if (request?.mode !== 'dlms-hdlc') {
      throw new InvalidArgumentError(`attachApdu: mode must be 'dlms-hdlc', got ${String(request?.mode)}`);
    }
    const hdlc = request.hdlc ?? {};
    const envelope: AttachEnvelope = {
      type: 'attach',
      ...this.#header(session, Math.min(deadlineMs, 0xffffffff)),
      seq: 0,
      mode: ApduModeCode.dlmsHdlc,
      client: request.client,
      serverLogical: request.server?.logical,
      serverPhysical: request.server?.physical,
      addressSize: request.server?.addressSize ?? 0,
      maxInfoTransmit: hdlc.maxInfoTransmit ?? 0,
      maxInfoReceive: hdlc.maxInfoReceive ?? 0,
      windowTransmit: hdlc.windowTransmit ?? 0,
      windowReceive: hdlc.windowReceive ?? 0,
      frameTimeoutMs: hdlc.frameTimeoutMs ?? 0,
      retries: hdlc.retries ?? 0,
    };
    try {
      encodeEnvelope(envelope);
    } catch (error) {
      if (error instanceof EncodeError) {
        throw new InvalidArgumentError(`attachApdu: ${error.message}`, { cause: error });
      }
      throw error;
    }
    envelope.seq = this.#nextTx(session);
    return envelope;
  }

  protected async send(bytes: Uint8Array): Promise<void> {
    const session = this.#session;
    if (session === undefined || !session.opened) throw new LinkClosedError(`${this.info.peer} has no lease`);
    const apdu = session.apdu;
    if (apdu !== undefined) {
      // APDU mode: one envelope per APDU, never split.
      if (apdu.maxApduBytes > 0 && bytes.length > apdu.maxApduBytes) {
        throw new InvalidArgumentError(
          `an APDU of ${bytes.length} octets is above the gateway's limit of ${apdu.maxApduBytes}`,
        );
      }
      this.#sendData(session, bytes);
      return;
    }
    const max = session.maxPayloadBytes > 0 ? session.maxPayloadBytes : bytes.length;
    for (let at = 0; at < bytes.length; at += max) this.#sendData(session, bytes.subarray(at, at + max));
  }

  /** Publishes one `data` envelope without waiting for its PUBACK; a failure is an `error` event. */
  #sendData(session: Session, payload: Uint8Array): void {
    if (this.#core.connection === undefined) throw new LinkClosedError(`${this.info.peer} is not connected`);
    const correlationId = this.#core.nextCorrelation();
    session.lastDataCorrelation = correlationId;
    // A literal, not a spread header: this is the hot path.
    const envelope: Envelope = {
      type: 'data',
      flags: 0,
      sessionId: session.id,
      seq: this.#nextTx(session),
      correlationId,
      deadlineMs: this.#writeDeadlineMs,
      sentAt: Date.now(),
      replyTo: this.#core.headEndId,
      portId: this.#portId,
      payload,
    };
    this.#core.publishNow(this.#reqTopic, envelope, this.#onPublished);
  }

  readonly #onPublished = (error?: Error): void => {
    if (error) this.reportError(error);
  };

  #onEnvelope(envelope: Envelope): void {
    const session = this.#session;
    if (session === undefined || envelope.sessionId !== session.id || session.ended) return;
    switch (envelope.type) {
      case 'opened':
        if (session.opened) return;
        session.opened = true;
        session.rxSeq = nextSequence(envelope.seq);
        session.maxPayloadBytes = envelope.maxPayloadBytes;
        this.#startPing(envelope.leaseIdleMs);
        this.#pendingOpen?.resolve();
        return;
      case 'data': {
        if (!this.#inSequence(session, envelope.seq)) return;
        if (
          (envelope.flags & EnvelopeFlag.answers) !== 0 &&
          envelope.correlationId !== session.lastDataCorrelation
        ) {
          // An answer to a request sent before the last one (delayed by a broker outage or a slow
          // meter): on a protocol without transaction ids it would pass for the current answer.
          this.reportError(
            new ProtocolError(
              `${this.info.peer}: dropped ${envelope.payload.length} octets answering an earlier request`,
            ),
          );
          return;
        }
        const unsolicited = session.apdu?.onUnsolicited;
        if (unsolicited !== undefined && (envelope.flags & EnvelopeFlag.unsolicited) !== 0) {
          unsolicited(envelope.payload);
        } else {
          this.received(envelope.payload);
        }
        return;
      }
      case 'attached':
        if (this.#inSequence(session, envelope.seq)) this.#onAttached(session, envelope);
        return;
      case 'pong':
        this.#pingUnanswered = false;
        return;
      case 'closed':
      case 'error': {
        const attaching = session.attaching;
        if (
          envelope.type === 'error' &&
          attaching?.correlationId === envelope.correlationId &&
          envelope.code !== TunnelErrorCode.unknownSession
        ) {
          attaching.reject(this.#attachError(envelope.code, envelope.message));
          return;
        }
        this.#onFailure(session, envelope.type, envelope.code, envelope.message);
        return;
      }
      default:
        return;
    }
  }

  /** Checks the seq of a numbered gateway envelope: `false` for a duplicate; a gap is reported. */
  #inSequence(session: Session, seq: number): boolean {
    if (!session.opened) return false;
    const verdict = checkSequence(seq, session.rxSeq);
    if (verdict.kind === 'duplicate') return false;
    if (verdict.kind === 'gap') {
      this.reportError(
        new ProtocolError(`${this.info.peer}: ${verdict.missing} envelope(s) from the gateway were lost`),
      );
    }
    session.rxSeq = nextSequence(seq);
    return true;
  }

  #onAttached(session: Session, attached: AttachedEnvelope): void {
    const attaching = session.attaching;
    // The answer to an attach given up on (timeout, abort): the gateway's association is unused.
    if (attaching === undefined || attaching.correlationId !== attached.correlationId) return;
    session.apdu = { onUnsolicited: attaching.onUnsolicited, maxApduBytes: attached.maxApduBytes };
    attaching.resolve({
      maxInfoTransmit: attached.maxInfoTransmit,
      maxInfoReceive: attached.maxInfoReceive,
      windowTransmit: attached.windowTransmit,
      windowReceive: attached.windowReceive,
      maxApduBytes: attached.maxApduBytes,
    });
  }

  /** The error of a refused `attach`; the lease goes on. */
  #attachError(code: number, message: string): Error {
    const what = `${this.info.peer}: APDU mode`;
    switch (code) {
      case TunnelErrorCode.deadlinePassed:
        return new TimeoutError(`attaching APDU mode on ${this.info.peer}`, this.#timeoutMs);
      case TunnelErrorCode.badEnvelope:
      case TunnelErrorCode.unsupported:
        // A gateway older than APDU mode cannot decode `attach` and answers bad-envelope.
        return new TunnelError(
          `${what}: the gateway does not support APDU mode on this port${message === '' ? '' : ` (${message})`}`,
          'unsupported',
          code,
        );
      default:
        return TunnelError.fromCode(`${what} refused`, code, message);
    }
  }

  #onFailure(session: Session, type: 'closed' | 'error', code: number, message: string): void {
    if (type === 'error' && session.opened && isTransient(code)) {
      this.reportError(TunnelError.fromCode(`${this.info.peer}: the gateway refused a write`, code, message));
      return;
    }
    session.ended = true;
    if (!session.opened) {
      this.#pendingOpen?.reject(
        code === TunnelErrorCode.deadlinePassed
          ? new TimeoutError(`waiting for the lease on ${this.info.peer}`, this.#openBudgetMs)
          : TunnelError.fromCode(`${this.info.peer}: the gateway refused the lease`, code, message),
      );
      return;
    }
    const error = TunnelError.fromCode(`${this.info.peer}: the gateway ended the lease`, code, message);
    session.attaching?.reject(error);
    void this.lost(error);
  }

  #onStatus(bytes: Uint8Array): void {
    let reason: string;
    if (bytes.length === 0) reason = 'its status was cleared';
    else {
      try {
        const status = decodeStatus(bytes);
        if (status.state === 'online') {
          this.#gatewayOffline = undefined;
          this.#gatewaySeenOnline = true;
          // The gateway (re)subscribed after our `open` went out: it may never have seen it.
          const repeat = this.#repeatOpen;
          this.#repeatOpen = undefined;
          if (this.#pendingOpen !== undefined) repeat?.();
          return;
        }
        reason = status.reason === undefined ? 'offline' : `offline: ${status.reason}`;
      } catch (error) {
        this.reportError(asError(error));
        return;
      }
    }
    const error = new TunnelError(
      `${this.info.peer}: gateway ${this.#gatewayId} is ${reason}`,
      'gateway-offline',
    );
    this.#gatewayOffline = error;
    if (this.#session !== undefined) this.#session.ended = true;
    this.#pendingOpen?.reject(error);
    this.#session?.attaching?.reject(error);
    void this.lost(error);
  }

  #onMeta(bytes: Uint8Array): void {
    if (this.#busFixed) return;
    try {
      const port = decodeMeta(bytes).ports.find((p) => p.id === this.#portId);
      if (port !== undefined) this.#info.bus = port.bus;
    } catch (error) {
      this.reportError(asError(error));
    }
  }

  #startPing(grantedIdleMs: number): void {
    if (!this.#keepAlive || grantedIdleMs <= 0) return;
    const everyMs = Math.max(100, Math.floor(grantedIdleMs / 3));
    this.#pingUnanswered = false;
    this.#pingTimer = setInterval(() => {
      const session = this.#session;
      if (session === undefined || session.ended) return;
      if (this.#pingUnanswered) {
        this.reportError(new TimeoutError(`${this.info.peer}: keep-alive ping`, everyMs));
      }
      this.#pingUnanswered = true;
      this.#core
        .publish(this.#reqTopic, { type: 'ping', ...this.#header(session, everyMs), seq: 0 })
        .catch((error: unknown) => this.reportError(asError(error)));
    }, everyMs);
    this.#pingTimer.unref?.();
  }

  /** The header fields of a request in `session` (the caller sets `seq`). */
  #header(session: Session, deadlineMs: number) {
    return {
      flags: 0,
      sessionId: session.id,
      correlationId: this.#core.nextCorrelation(),
      deadlineMs,
      sentAt: Date.now(),
      replyTo: this.#core.headEndId,
      portId: this.#portId,
    };
  }

  #nextTx(session: Session): number {
    const seq = session.txSeq;
    session.txSeq = nextSequence(seq);
    return seq;
  }
}

/** Error codes after which the lease goes on: only the one write was refused. */
function isTransient(code: number): boolean {
  return code === TunnelErrorCode.deadlinePassed || code === TunnelErrorCode.payloadTooLarge;
}

/**
 * `value` checked as a u32 count of ms.
 * @throws {@link InvalidArgumentError} when it is not an integer 0–4294967295
 */
export function checkInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${name} must be an integer 0–4294967295 ms, got ${value}`);
  }
  return value;
}
