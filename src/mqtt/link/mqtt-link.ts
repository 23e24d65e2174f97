/**
 * `mqttLink`: a {@link Link} whose bytes travel through an MQTT broker to a port of a meterlink
 * gateway (the tunnel of `docs/mqtt-tunnel.md`).
 *
 * @module
 */

import type { IClientOptions, IClientPublishOptions } from 'mqtt';
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
import { messageOf } from '../../links/peer.js';
import { checkNumber } from '../../links/validate.js';
import { type MqttBroker, resolveBroker } from '../client/broker-options.js';
import { createClientId } from '../client/client-id.js';
import { connectMqtt, type MqttConnection, type MqttProtocolVersion } from '../client/connect-mqtt.js';
import { decodeEnvelope } from '../protocol/decode-envelope.js';
import { encodeEnvelope } from '../protocol/encode-envelope.js';
import {
  ApduModeCode,
  type AttachEnvelope,
  type AttachedEnvelope,
  type Envelope,
  EnvelopeFlag,
  tunnelProtocolVersion,
} from '../protocol/envelope.js';
import { TunnelErrorCode } from '../protocol/error-codes.js';
import { decodeMeta } from '../protocol/meta.js';
import { tunnelMqtt5Properties } from '../protocol/mqtt5.js';
import { decodeStatus, encodeStatus } from '../protocol/status.js';
import { type TunnelTopics, tunnelTopics } from '../protocol/topics.js';
import { checkSequence, nextSequence } from './sequence.js';
import { TunnelError } from './tunnel-error.js';

/** Options of {@link mqttLink}. */
export interface MqttLinkOptions {
  /**
   * The broker: a URL (`mqtt://host:1883`, `mqtts://user:password@host:8883`) or MQTT.js options
   * (`host`, `port`, `protocol`, `username`, `password`, `ca`, `cert`, `key` …).
   */
  broker: MqttBroker;
  /** Id of the gateway that serves the meter. */
  gatewayId: string;
  /** Id of the gateway's port the meter is on. */
  port: string;
  /** This head-end's id: its answers come on `{root}/he/{headEndId}/res`. Default: unique per link. */
  headEndId?: string;
  /** Root topic level(s). Default `meterlink`. */
  root?: string;
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
  /** MQTT version: 3.1.1 (`4`), `5`, or `'auto'` (5, falling back to 3.1.1). Default `'auto'`. */
  protocolVersion?: MqttProtocolVersion;
  /**
   * `'persistent'` (`clean: false`): QoS 1 messages wait in the broker while the connection is
   * down; `'clean'`: a fresh session on every connect. Default: `'persistent'` with a `headEndId`
   * of your own, `'clean'` with a generated one (a session nobody can resume would only pile up
   * queued messages in the broker).
   */
  session?: 'persistent' | 'clean';
  /**
   * When `close()` could not deliver the `close` envelope and the cleared presence (the broker is
   * unreachable), the link's MQTT connection goes on reconnecting in the background for up to
   * this long to deliver them, so the gateway frees the port at once when the broker is back
   * instead of after `leaseIdleMs`. `close()` does not wait for it, it never keeps the process
   * alive on its own, and it ends as soon as both are delivered; opening the link again stops
   * it. `0` = off. Default `30_000`.
   */
  closeLingerMs?: number;
  /** Extra MQTT.js options merged into the broker options (keep-alive, TLS `servername` …). */
  mqtt?: IClientOptions;
}

/**
 * Creates a link to port `port` of gateway `gatewayId` through an MQTT broker (not connected
 * until `open()`). `DlmsClient` and `ModbusClient` work over it unchanged.
 *
 * `open()` connects to the broker, subscribes to its `res` topic and to the gateway's status and
 * meta, sends `open` and waits for the lease (FIFO behind other head-ends on a busy port).
 * `write()` sends `data` envelopes (QoS 1, numbered); incoming `data` becomes `data` events in
 * order, redeliveries dropped by sequence number, a gap reported as an `error` event (the bytes
 * after it are still delivered; the protocol above recovers as on a noisy line). `close()`
 * sends `close` and disconnects. When the gateway's status goes offline the link closes at
 * once with a {@link TunnelError} (`gateway-offline`), an `open()` in progress fails with it.
 *
 * `info` is `{ transport: 'mqtt', messageOriented: false, bus, peer }` with `peer`
 * `mqtt://host:port/{root}/gw/{gatewayId}/port/{port}` (never credentials).
 *
 * APDU mode ({@link ApduTunnelLink}): `attachApdu()` makes the gateway run the meter's HDLC link
 * layer itself; from then on each `write()` is one whole APDU and each `data` event one whole
 * APDU (`DlmsClient` with `framing: 'tunnel-apdu'` does this). Closing the link ends the lease,
 * and the gateway sends DISC to the meter.
 *
 * @throws {@link InvalidArgumentError} for a bad broker URL, an id that is not a topic level or a
 *   negative time
 * @example
 * ```ts
 * const link = mqttLink({ broker: 'mqtt://broker.local:1883', gatewayId: 'gw-7', port: 'p1' });
 * const client = new ModbusClient({ link, framing: 'rtu' });
 * await link.open(); // TunnelError (unknown-port, gateway-offline …), TimeoutError, AbortError
 * console.log(await client.readHoldingRegisters(1, 0, 2));
 * await link.close();
 * ```
 */
export function mqttLink(options: MqttLinkOptions): ApduTunnelLink {
  return new MqttTunnelLink(options);
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

/** How long `close()` waits for the broker to acknowledge the `close` envelope. */
const closeAckMs = 1000;

class MqttTunnelLink extends BaseLink implements ApduTunnelLink {
  readonly #broker: MqttBroker;
  readonly #gatewayId: string;
  readonly #portId: string;
  readonly #headEndId: string;
  readonly #topics: TunnelTopics;
  readonly #resTopic: string;
  readonly #statusTopic: string;
  readonly #metaTopic: string;
  readonly #reqTopic: string;
  readonly #leaseIdleMs: number;
  readonly #timeoutMs: number;
  readonly #writeDeadlineMs: number;
  readonly #keepAlive: boolean;
  readonly #busFixed: boolean;
  readonly #protocolVersion: MqttProtocolVersion;
  readonly #persistent: boolean;
  readonly #closeLingerMs: number;
  /** Ends the lingering connection of the last `close()` (see `closeLingerMs`), if any. */
  #stopLinger: (() => void) | undefined;
  /** `info` as the link itself sees it: `bus` follows the gateway's meta. */
  readonly #info: { transport: 'mqtt'; messageOriented: false; bus: boolean; peer: string };
  #connection: MqttConnection | undefined;
  #session: Session | undefined;
  #pendingOpen: PendingOpen | undefined;
  #correlation = 0;
  #openBudgetMs: number;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pingUnanswered = false;
  /** The socket is corked until the end of this event-loop turn (see `#holdWrites`). */
  #corked = false;
  /** Set while the gateway's retained status says it is offline. */
  #gatewayOffline: TunnelError | undefined;
  /** The gateway's status has said `online` since this link connected. */
  #gatewaySeenOnline = false;
  /**
   * Publishes the pending `open` again (same session, same seq), once: set while an `open` went
   * out before the gateway was seen online — it may have reached no one (a broker that restarted
   * empty while the gateway was still reconnecting, docs/mqtt-tunnel.md "Leases").
   */
  #repeatOpen: (() => void) | undefined;

  constructor(options: MqttLinkOptions) {
    const root = options.root ?? 'meterlink';
    const topics = tunnelTopics(root);
    const reqTopic = topics.req(options.gatewayId, options.port);
    const resolved = resolveBroker(mergeBroker(options.broker, options.mqtt));
    const info = {
      transport: 'mqtt' as const,
      messageOriented: false as const,
      bus: options.bus ?? false,
      peer: `${resolved.description}/${root}/gw/${options.gatewayId}/port/${options.port}`,
    };
    const timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? 10_000, 1);
    super({ info, openTimeoutMs: timeoutMs });
    this.#info = info;
    this.#broker = mergeBroker(options.broker, options.mqtt);
    this.#gatewayId = options.gatewayId;
    this.#portId = options.port;
    this.#headEndId = options.headEndId ?? createClientId('he');
    this.#topics = topics;
    this.#resTopic = topics.res(this.#headEndId);
    this.#statusTopic = topics.status(options.gatewayId);
    this.#metaTopic = topics.meta(options.gatewayId);
    this.#reqTopic = reqTopic;
    this.#leaseIdleMs = checkInteger('leaseIdleMs', options.leaseIdleMs ?? 60_000);
    this.#timeoutMs = timeoutMs;
    this.#openBudgetMs = timeoutMs;
    this.#writeDeadlineMs = checkInteger('writeDeadlineMs', options.writeDeadlineMs ?? 10_000);
    this.#keepAlive = options.keepAlive ?? true;
    this.#busFixed = options.bus !== undefined;
    this.#protocolVersion = options.protocolVersion ?? 'auto';
    const defaultSession = options.headEndId === undefined ? 'clean' : 'persistent';
    this.#persistent = (options.session ?? defaultSession) === 'persistent';
    this.#closeLingerMs = checkInteger('closeLingerMs', options.closeLingerMs ?? 30_000);
  }

  override open(options: LinkOpenOptions = {}): Promise<void> {
    if (this.state === 'idle' || this.state === 'closed')
      this.#openBudgetMs = options.timeoutMs ?? this.#timeoutMs;
    return super.open(options);
  }

  protected async connect(signal: AbortSignal): Promise<void> {
    // Its late cleared presence would clear the one this connection is about to publish.
    this.#stopLinger?.();
    const started = Date.now();
    let current: MqttConnection | undefined;
    const connection = await connectMqtt({
      broker: this.#broker,
      role: 'he',
      session: this.#persistent ? 'persistent' : 'clean',
      protocolVersion: this.#protocolVersion,
      connectTimeoutMs: this.#openBudgetMs,
      // Cleared status = this head-end is gone: the gateway ends its leases (docs/mqtt-tunnel.md).
      will: { topic: this.#topics.headEndStatus(this.#headEndId), payload: new Uint8Array(0), retain: true },
      signal,
      // Not from a connection left lingering by close(): the link is closed for its user.
      onError: (error) => {
        if (current !== undefined && current === this.#connection) this.reportError(error);
      },
    });
    current = connection;
    if (signal.aborted) {
      await connection.close();
      throw new LinkClosedError(`${this.info.peer}: open abandoned`);
    }
    this.#connection = connection;
    const { client } = connection;
    client.on('message', this.#onMessage);
    client.on('connect', this.#onReconnect);
    await client.subscribeAsync({
      [this.#resTopic]: { qos: 1 },
      [this.#statusTopic]: { qos: 1 },
      [this.#metaTopic]: { qos: 1 },
    });
    await this.#publishPresence();
    if (signal.aborted) throw new LinkClosedError(`${this.info.peer}: open abandoned`);
    const session: Session = {
      id: randomSessionId(),
      txSeq: 0,
      rxSeq: 0,
      opened: false,
      ended: false,
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
          this.#repeatOpen = undefined;
        };
      },
      { signal },
      `waiting for the lease on ${this.info.peer}`,
    );
    const seq = this.#nextTx(session);
    const sendOpen = (): void => {
      const remaining = Math.max(1, budget - (Date.now() - budgetFrom));
      void this.#publish(this.#reqTopic, {
        type: 'open',
        ...this.#header(session, remaining),
        seq,
        leaseIdleMs: this.#leaseIdleMs,
      }).catch((error: unknown) => this.#pendingOpen?.reject(asError(error)));
    };
    this.#repeatOpen = this.#gatewaySeenOnline ? undefined : sendOpen;
    sendOpen();
    await opened;
  }

  protected async disconnect(): Promise<void> {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#pendingOpen?.reject(new LinkClosedError(`${this.info.peer} was closed while opening`));
    const connection = this.#connection;
    const session = this.#session;
    session?.attaching?.reject(new LinkClosedError(`${this.info.peer} was closed while attaching`));
    this.#connection = undefined;
    this.#session = undefined;
    this.#gatewayOffline = undefined;
    this.#gatewaySeenOnline = false;
    if (connection === undefined) return;
    const { client } = connection;
    client.off('connect', this.#onReconnect);
    client.off('message', this.#onMessage);
    const lingerMs = this.#closeLingerMs;
    if (!client.connected && lingerMs === 0) {
      await connection.close();
      return;
    }
    // While the connection is down MQTT.js keeps these QoS 1 publishes and sends them on reconnect.
    const farewell: Promise<unknown>[] = [];
    if (session !== undefined && !session.ended) {
      // Ends the lease, or takes a still-queued `open` out of the port's queue.
      const close = this.#header(session, this.#writeDeadlineMs);
      farewell.push(
        this.#publish(this.#reqTopic, { type: 'close', ...close, seq: this.#nextTx(session) }, connection),
      );
    }
    farewell.push(
      client.publishAsync(this.#topics.headEndStatus(this.#headEndId), Buffer.alloc(0), {
        qos: 1,
        retain: true,
      }),
    );
    const delivered = Promise.allSettled(farewell).then(() => true);
    // Delivered in time, or the connection dropped meanwhile (then it lingers at once).
    const inTime = client.connected
      ? await waitFor<boolean>(
          (resolve) => {
            const dropped = (): void => resolve(false);
            client.once('close', dropped);
            void delivered.then(resolve);
            return () => client.off('close', dropped);
          },
          { timeoutMs: closeAckMs },
          'close',
        ).catch(() => false)
      : false;
    if (inTime || lingerMs === 0) {
      await connection.close();
      return;
    }
    this.#linger(connection, delivered, lingerMs);
  }

  /**
   * Keeps `connection` reconnecting in the background, unref'd, until `delivered` (the `close`
   * envelope and the cleared presence got their PUBACKs) or for `lingerMs`, then closes it.
   */
  #linger(connection: MqttConnection, delivered: Promise<unknown>, lingerMs: number): void {
    connection.unref();
    const stop = (): void => {
      clearTimeout(timer);
      if (this.#stopLinger === stop) this.#stopLinger = undefined;
      void connection.close();
    };
    const timer = setTimeout(stop, lingerMs);
    timer.unref?.();
    this.#stopLinger = stop;
    void delivered.then(stop);
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
        this.#publish(this.#reqTopic, attach).catch((error: unknown) => reject(asError(error)));
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
    const connection = this.#connection;
    if (connection === undefined) throw new LinkClosedError(`${this.info.peer} is not connected`);
    this.#correlation = nextSequence(this.#correlation) || 1;
    // A literal, not a spread header: this is the hot path.
    const envelope: Envelope = {
      type: 'data',
      flags: 0,
      sessionId: session.id,
      seq: this.#nextTx(session),
      correlationId: this.#correlation,
      deadlineMs: this.#writeDeadlineMs,
      sentAt: Date.now(),
      replyTo: this.#headEndId,
      portId: this.#portId,
      payload,
    };
    const bytes = encodeEnvelope(envelope);
    connection.client.publish(
      this.#reqTopic,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      this.#publishOptions(connection, envelope),
      this.#onPublished,
    );
  }

  readonly #onPublished = (error?: Error): void => {
    if (error) this.reportError(error);
  };

  readonly #onMessage = (topic: string, payload: Buffer): void => {
    if (topic === this.#resTopic) {
      this.#holdWrites();
      this.#onEnvelope(payload);
    } else if (topic === this.#statusTopic) this.#onStatus(payload);
    else if (topic === this.#metaTopic) this.#onMeta(payload);
  };

  /**
   * Corks the socket until the end of this event-loop turn: the PUBACK MQTT.js writes for the
   * message being handled and the request the link's user sends in answer to it (in promise
   * callbacks of the same turn) leave in one TCP segment instead of two.
   */
  #holdWrites(): void {
    if (this.#corked) return;
    const stream = this.#connection?.client.stream as { cork?(): void; uncork?(): void } | undefined;
    if (stream?.cork === undefined || stream.uncork === undefined) return;
    stream.cork();
    this.#corked = true;
    setImmediate(() => {
      this.#corked = false;
      stream.uncork?.();
    });
  }

  /** After a broker reconnect: the retained presence may have been cleared by our own Last Will. */
  readonly #onReconnect = (): void => {
    this.#publishPresence().catch((error: unknown) => this.reportError(asError(error)));
  };

  #onEnvelope(bytes: Uint8Array): void {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(bytes);
    } catch (error) {
      this.reportError(asError(error));
      return;
    }
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
      this.#publish(this.#reqTopic, { type: 'ping', ...this.#header(session, everyMs), seq: 0 }).catch(
        (error: unknown) => this.reportError(asError(error)),
      );
    }, everyMs);
    this.#pingTimer.unref?.();
  }

  #publishPresence(): Promise<unknown> {
    const client = this.#connection?.client;
    if (client === undefined) return Promise.resolve();
    const status = encodeStatus({
      state: 'online',
      protocol: tunnelProtocolVersion,
      time: new Date().toISOString(),
    });
    return client.publishAsync(this.#topics.headEndStatus(this.#headEndId), Buffer.from(status), {
      qos: 1,
      retain: true,
    });
  }

  /** The header fields of a request in `session` (the caller sets `seq`). */
  #header(session: Session, deadlineMs: number) {
    this.#correlation = nextSequence(this.#correlation) || 1;
    return {
      flags: 0,
      sessionId: session.id,
      correlationId: this.#correlation,
      deadlineMs,
      sentAt: Date.now(),
      replyTo: this.#headEndId,
      portId: this.#portId,
    };
  }

  #nextTx(session: Session): number {
    const seq = session.txSeq;
    session.txSeq = nextSequence(seq);
    return seq;
  }

  /** Publishes an envelope at QoS 1; resolves on the broker's PUBACK. */
  #publish(topic: string, envelope: Envelope, connection = this.#connection): Promise<unknown> {
    if (connection === undefined)
      return Promise.reject(new LinkClosedError(`${this.info.peer} is not connected`));
    const bytes = encodeEnvelope(envelope);
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return connection.client.publishAsync(topic, payload, this.#publishOptions(connection, envelope));
  }

  /** QoS 1, and the MQTT 5 properties of the envelope when the broker speaks MQTT 5. */
  #publishOptions(connection: MqttConnection, envelope: Envelope): IClientPublishOptions {
    if (connection.protocolVersion !== 5) return { qos: 1 };
    const props = tunnelMqtt5Properties(envelope, this.#resTopic);
    return { qos: 1, properties: { ...props, correlationData: Buffer.from(props.correlationData) } };
  }
}

/** Error codes after which the lease goes on: only the one write was refused. */
function isTransient(code: number): boolean {
  return code === TunnelErrorCode.deadlinePassed || code === TunnelErrorCode.payloadTooLarge;
}

function mergeBroker(broker: MqttBroker, extra: IClientOptions | undefined): MqttBroker {
  if (extra === undefined) return broker;
  return typeof broker === 'string' ? { ...extra, url: broker } : { ...broker, ...extra };
}

function checkInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${name} must be an integer 0–4294967295 ms, got ${value}`);
  }
  return value;
}

function randomSessionId(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! || 1;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(messageOf(error));
}
