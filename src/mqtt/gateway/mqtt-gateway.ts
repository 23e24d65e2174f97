/**
 * The meter side of the MQTT tunnel: serves local ports (serial, TCP, UDP, memory links) to
 * head-ends through a broker.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { DecodeError, InvalidArgumentError, LinkError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import type { ModeEOptions } from '../../dlms/session/mode-e.js';
import { messageOf } from '../../links/peer.js';
import { checkNumber } from '../../links/validate.js';
import {
  type ConnectMqttOptions,
  connectMqtt,
  type MqttBroker,
  type MqttConnection,
} from '../client/index.js';
import {
  decodeEnvelope,
  decodeStatus,
  type Envelope,
  encodeEnvelope,
  encodeMeta,
  encodeStatus,
  type GatewayMeta,
  type PortKind,
  peekEnvelopeHeader,
  TunnelErrorCode,
  type TunnelTopics,
  topicMatches,
  tunnelMqtt5Properties,
  tunnelProtocolVersion,
  tunnelTopics,
  UnsupportedVersionError,
} from '../protocol/index.js';
import { createChunker, type GatewayPortProtocol } from './create-chunker.js';
import type { GatewayMode, GatewayModeHost, GatewayPublishOptions } from './gateway-mode.js';
import { GatewayPort, type LocalLeaseOptions, type PortHost, type PortLease } from './gateway-port.js';

/** One port a {@link MqttGateway} serves. */
export interface MqttGatewayPort {
  /** Port id: the topic level of its `req` and `push` topics (no `/`, `+`, `#`). */
  id: string;
  /**
   * The link to the meter, or a factory called whenever a fresh link is needed (at start, and
   * after the previous one closed). The gateway opens it at `start()` (to hear pushes), again
   * when a lease needs it, and closes it at `stop()`.
   */
  link: Link | (() => Link);
  /** How the meter's bytes are cut into messages: whole HDLC frames, whole RTU frames, or gaps. */
  protocol: GatewayPortProtocol;
  /** Transport shown in the meta message. Default: the link's `info.transport` (`memory` …). */
  kind?: PortKind;
  /** Lease idle time when the head-end asks for none, ms. Default: the gateway's `leaseIdleMs`. */
  leaseIdleMs?: number;
  /** `raw` ports: bytes arriving within this gap travel in one message, ms. Default `5`. */
  rawGapMs?: number;
  /**
   * `hdlc`/`modbus-rtu` ports: an incomplete frame goes out as it is after this much silence, ms
   * (for `modbus-rtu` also the end of frames whose length cannot be predicted). Default `50`.
   */
  frameGapMs?: number;
  /**
   * `hdlc` ports behind an optical head or an IEC 62056-21 electrical port: run the mode E sign-on
   * (300 bit/s 7E1 → HDLC at the agreed speed, 8N1) before every lease, so the head-end's SNRM
   * finds the meter in HDLC mode. `true` for the defaults, or its options. Needs a serial link.
   * Default off.
   */
  modeE?: boolean | Omit<ModeEOptions, 'signal'>;
  /**
   * `modbus-rtu` ports: how long the gateway waits for the meter's answer to a request before it
   * writes the next one, ms. One request is on the line at a time, as with a Modbus master, so an
   * answer always follows the request it answers (and reaches the head-end tagged with it).
   * Default `1000`.
   */
  answerTimeoutMs?: number;
}

/** Options of {@link MqttGateway}. */
export interface MqttGatewayOptions {
  /** The broker: a URL or MQTT.js options (TLS, credentials). */
  broker: MqttBroker;
  /** Gateway id: unique among the gateways on the broker (its topic level). */
  id: string;
  /** Root of every tunnel topic. Default `'meterlink'`. */
  root?: string;
  /** The ports; ids must be unique. */
  ports: MqttGatewayPort[];
  /** Default lease idle time, ms. Default `30_000`. */
  leaseIdleMs?: number;
  /** Longest lease idle time a head-end may ask for, ms. Default `600_000`. */
  maxLeaseIdleMs?: number;
  /** Largest `data` payload accepted from a head-end, octets. Default `65536`. */
  maxPayloadBytes?: number;
  /** Bound on opening a port's link, ms. Default `5000`. */
  openTimeoutMs?: number;
  /**
   * MQTT connection settings (client id, protocol version, keep-alive, reconnect backoff …).
   * Default client id: `meterlink-gw-{id}` with a persistent session, so requests published while
   * the gateway reconnects are delivered when it is back.
   */
  mqtt?: Omit<ConnectMqttOptions, 'broker' | 'role' | 'will' | 'signal' | 'onError'>;
  /**
   * Modes beyond the byte tunnel, run on the same ports and broker connection (publish mode,
   * the DLMS→Modbus bridge, other head-end protocols). Started after the ports, stopped before.
   */
  modes?: GatewayMode[];
}

/** A lease that began or ended, reported by the `lease` event. */
export interface GatewayLeaseEvent {
  /** Port id. */
  portId: string;
  /** `true` when the port is now leased, `false` when it is free. */
  busy: boolean;
}

/** Events of a {@link MqttGateway}. */
export interface MqttGatewayEvents {
  /** A non-fatal problem: a port that could not be opened, a malformed envelope, a failed publish. */
  error: (error: Error) => void;
  /** A port was leased or released. */
  lease: (event: GatewayLeaseEvent) => void;
}

/** Head-end `res` topics the gateway keeps built (a bound against head-ends that come and go). */
const resTopicCacheSize = 1024;

/**
 * Meta is published at most this often: the first change goes out at once, later ones within the
 * interval are merged into one trailing publish (lease churn on a gateway with 100 ports would
 * otherwise republish 7 kB twice per lease; bench/mqtt part 3).
 */
const metaIntervalMs = 100;

/**
 * An MQTT tunnel gateway in transparent mode: head-ends lease its ports through a broker and
 * exchange raw bytes with the meters behind them (protocol in `docs/mqtt-tunnel.md`).
 *
 * - **Status**: `{root}/gw/{id}/status` is retained `online` while connected (published again
 *   after every reconnect), `offline` from the Last Will when the gateway vanishes, and
 *   `offline` (`stopped`) after `stop()`.
 * - **Meta**: `{root}/gw/{id}/meta` lists the ports (id, kind, protocol, bus, busy), retained,
 *   republished when a lease begins or ends (at most every 100 ms). Never a device path, host or credential.
 * - **Leases**: one head-end per port at a time; `open`s queue FIFO (or fail `port-busy` with the
 *   `noWait` flag); a lease ends on `close`, after its idle time, when its head-end's status goes
 *   offline (the gateway watches `{root}/he/{id}/status` of holders and waiters), or when the
 *   port's link closes.
 * - **Data**: written to the meter in order; duplicates (same or older `seq`) are dropped; a
 *   request whose deadline passed is not written (`deadline-passed`). Meter bytes go to the holder
 *   in `data` envelopes, chunked per port protocol, or to the port's push topic without a lease.
 *
 * @example
 * ```ts
 * const gateway = new MqttGateway({
 *   broker: 'mqtt://broker.local:1883',
 *   id: 'gw-1',
 *   ports: [{ id: 'p0', link: serial({ path: '/dev/ttyUSB0', baudRate: 9600 }), protocol: 'hdlc', kind: 'serial' }],
 * });
 * gateway.on('error', (error) => console.warn(error.message));
 * await gateway.start();
 * // …
 * await gateway.stop();
 * ```
 */
export class MqttGateway {
  /** Gateway id. */
  readonly id: string;
  readonly #options: MqttGatewayOptions;
  readonly #topics: TunnelTopics;
  readonly #ports = new Map<string, GatewayPort>();
  /** The ports by their `req` topic: the hot path needs no topic parsing. */
  readonly #portsByReqTopic = new Map<string, GatewayPort>();
  /** `res` topics of recent head-ends (cleared when it grows past {@link resTopicCacheSize}). */
  readonly #resTopics = new Map<string, string>();
  readonly #kinds = new Map<string, { kind: PortKind | undefined; protocol: GatewayPortProtocol }>();
  readonly #events = new EventEmitter();
  #connection: MqttConnection | undefined;
  /** Head-end status topics subscribed to, by head-end id. */
  readonly #watched = new Set<string>();
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** Subscriptions of the modes: filter → listeners. */
  readonly #modeSubscriptions = new Map<string, Set<(topic: string, payload: Uint8Array) => void>>();
  readonly #modesStarted: GatewayMode[] = [];
  readonly #stopped = new AbortController();
  /** When meta was last published (performance clock), and the trailing publish due, if any. */
  #metaAt = Number.NEGATIVE_INFINITY;
  #metaTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @throws {@link InvalidArgumentError} for an invalid id, root or port id, duplicate port ids,
   *   an unknown protocol or a bad number
   */
  constructor(options: MqttGatewayOptions) {
    this.#options = options;
    this.#topics = tunnelTopics(options.root);
    this.id = options.id;
    this.#topics.status(options.id); // validates the id
    const leaseIdleMs = checkNumber('leaseIdleMs', options.leaseIdleMs ?? 30_000, 1);
    const maxLeaseIdleMs = checkNumber('maxLeaseIdleMs', options.maxLeaseIdleMs ?? 600_000, 1);
    const maxPayloadBytes = checkNumber('maxPayloadBytes', options.maxPayloadBytes ?? 65_536, 1);
    const openTimeoutMs = checkNumber('openTimeoutMs', options.openTimeoutMs ?? 5000, 1);
    if (!Array.isArray(options.ports)) throw new InvalidArgumentError('ports must be an array');
    const host = this.#host();
    for (const port of options.ports) {
      this.#topics.req(options.id, port.id); // validates the port id
      if (this.#ports.has(port.id)) throw new InvalidArgumentError(`port id ${port.id} is used twice`);
      if (!['hdlc', 'modbus-rtu', 'raw'].includes(port.protocol)) {
        throw new InvalidArgumentError(
          `port ${port.id}: protocol must be hdlc, modbus-rtu or raw, got ${String(port.protocol)}`,
        );
      }
      if (port.modeE !== undefined && port.modeE !== false && port.protocol !== 'hdlc') {
        throw new InvalidArgumentError(`port ${port.id}: modeE needs protocol hdlc`);
      }
      if (port.answerTimeoutMs !== undefined && port.protocol !== 'modbus-rtu') {
        throw new InvalidArgumentError(`port ${port.id}: answerTimeoutMs needs protocol modbus-rtu`);
      }
      const chunker = createChunker(port.protocol, {
        rawGapMs: checkNumber(`port ${port.id} rawGapMs`, port.rawGapMs ?? 5, 0),
        frameGapMs: checkNumber(`port ${port.id} frameGapMs`, port.frameGapMs ?? 50, 0),
        maxChunkBytes: maxPayloadBytes,
      });
      const gatewayPort = new GatewayPort(
        {
          id: port.id,
          link: port.link,
          chunker,
          leaseIdleMs: checkNumber(`port ${port.id} leaseIdleMs`, port.leaseIdleMs ?? leaseIdleMs, 1),
          maxLeaseIdleMs,
          maxPayloadBytes,
          openTimeoutMs,
          ...(port.modeE === undefined || port.modeE === false
            ? {}
            : { modeE: port.modeE === true ? {} : port.modeE }),
          ...(port.protocol === 'modbus-rtu'
            ? {
                answerTimeoutMs: checkNumber(
                  `port ${port.id} answerTimeoutMs`,
                  port.answerTimeoutMs ?? 1000,
                  1,
                ),
              }
            : {}),
        },
        host,
      );
      this.#ports.set(port.id, gatewayPort);
      this.#portsByReqTopic.set(this.#topics.req(options.id, port.id), gatewayPort);
      this.#kinds.set(port.id, { kind: port.kind, protocol: port.protocol });
    }
  }

  /** `true` between a successful `start()` and `stop()`. */
  get running(): boolean {
    return this.#connection !== undefined && this.#stopping === undefined;
  }

  /** Adds a listener. */
  on<E extends keyof MqttGatewayEvents>(event: E, listener: MqttGatewayEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof MqttGatewayEvents>(event: E, listener: MqttGatewayEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Waits for a port (FIFO with head-end leases) and leases it to local code: run a `DlmsClient`
   * or `ModbusClient` on `lease.link` next to the meter without disturbing tunnel sessions.
   * Release the lease when done.
   *
   * @throws {@link InvalidArgumentError} for an unknown port id; `AbortError`, `TimeoutError`;
   *   `LinkError` when the port's link cannot be opened or the gateway is stopping
   * @example
   * ```ts
   * const lease = await gateway.acquirePort('p0', { holder: 'nightly-read', timeoutMs: 30_000 });
   * try {
   *   const client = await DlmsClient.connect({ link: lease.link, framing: 'hdlc', server: { logical: 1, physical: 17 } });
   *   console.log(await client.readRegister('1.0.1.8.0.255'));
   *   await client.close();
   * } finally {
   *   lease.release();
   * }
   * ```
   */
  acquirePort(portId: string, options: LocalLeaseOptions): Promise<PortLease> {
    const port = this.#ports.get(portId);
    if (port === undefined) {
      return Promise.reject(new InvalidArgumentError(`gateway ${this.id} has no port ${portId}`));
    }
    return port.acquire(options);
  }

  /**
   * Connects to the broker, subscribes to the gateway's `req` topics, publishes status and meta,
   * and opens the ports (a port that fails to open is reported as an `error` event and opened
   * again when a head-end asks for it). Calling it again while running does nothing.
   *
   * @throws {@link LinkError} when the broker cannot be reached (the first connect fails fast),
   *   `TimeoutError`, `AbortError`
   */
  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#stopping !== undefined) return Promise.reject(new LinkError(`gateway ${this.id} was stopped`));
    this.#starting ??= this.#start(options.signal).catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  /**
   * Ends every lease (`closed`, `gateway-stopping`), fails queued opens, publishes status
   * `offline`, disconnects and closes the port links. Idempotent; the gateway cannot be started again.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #start(signal: AbortSignal | undefined): Promise<void> {
    const topics = this.#topics;
    const connection = await connectMqtt({
      ...this.#options.mqtt,
      clientId:
        this.#options.mqtt?.clientId ?? `${this.#options.mqtt?.clientIdPrefix ?? 'meterlink'}-gw-${this.id}`,
      session: this.#options.mqtt?.session ?? 'persistent',
      broker: this.#options.broker,
      role: 'gw',
      will: {
        topic: topics.status(this.id),
        payload: this.#status('offline', 'connection lost'),
        qos: 1,
        retain: true,
      },
      onError: (error) => this.#reportError(error),
      ...(signal === undefined ? {} : { signal }),
    });
    const client = connection.client;
    client.on('message', this.#onMessage);
    try {
      await client.subscribeAsync(topics.reqFilter(this.id), { qos: 1 });
      await this.#announce(client);
    } catch (error) {
      client.off('message', this.#onMessage);
      await connection.close();
      throw new LinkError(
        `gateway ${this.id} could not subscribe on ${connection.broker}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    // After a drop the Last Will said offline: say online again on every reconnect.
    client.on('connect', this.#onReconnect);
    this.#connection = connection;
    await Promise.all([...this.#ports.values()].map((port) => port.start()));
    this.#publishMeta();
    const host = this.#modeHost();
    for (const mode of this.#options.modes ?? []) {
      try {
        await mode.start(host);
      } catch (error) {
        await this.#stopModes();
        throw error;
      }
      this.#modesStarted.push(mode);
    }
  }

  async #stopModes(): Promise<void> {
    const started = this.#modesStarted.splice(0).reverse();
    for (const mode of started) {
      await mode.stop().catch((error: unknown) => this.#reportError(error as Error));
    }
  }

  async #stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#stopped.abort(new LinkError(`gateway ${this.id} is stopping`));
    clearTimeout(this.#metaTimer);
    this.#metaTimer = undefined;
    await this.#stopModes();
    await Promise.all([...this.#ports.values()].map((port) => port.stop()));
    const connection = this.#connection;
    if (connection === undefined) return;
    const client = connection.client;
    client.off('connect', this.#onReconnect);
    client.off('message', this.#onMessage);
    if (client.connected) {
      await Promise.all([
        client.publishAsync(this.#topics.meta(this.id), Buffer.from(encodeMeta(this.#meta())), {
          qos: 1,
          retain: true,
        }),
        client.publishAsync(this.#topics.status(this.id), Buffer.from(this.#status('offline', 'stopped')), {
          qos: 1,
          retain: true,
        }),
      ]).catch((error: unknown) => this.#reportError(error as Error));
    }
    await connection.close();
    this.#watched.clear();
    this.#modeSubscriptions.clear();
  }

  async #announce(client: MqttClient): Promise<void> {
    await client.publishAsync(this.#topics.status(this.id), Buffer.from(this.#status('online')), {
      qos: 1,
      retain: true,
    });
  }

  readonly #onReconnect = (): void => {
    const client = this.#connection?.client;
    if (client === undefined) return;
    this.#announce(client).catch((error: unknown) => this.#reportError(error as Error));
    this.#publishMeta();
  };

  readonly #onMessage = (topic: string, payload: Buffer): void => {
    const arrivedAt = performance.now();
    if (this.#modeSubscriptions.size > 0 && this.#toModes(topic, payload)) return;
    const known = this.#portsByReqTopic.get(topic);
    if (known !== undefined) {
      this.#toPort(known, payload, arrivedAt);
      return;
    }
    const parsed = this.#topics.parse(topic);
    if (parsed?.kind === 'he-status') {
      this.#onHeadEndStatus(parsed.headEndId, payload);
      return;
    }
    if (parsed?.kind !== 'req' || parsed.gatewayId !== this.id) return;
    const envelope = this.#decode(parsed.portId, payload);
    if (envelope === undefined) return;
    const port = this.#ports.get(parsed.portId);
    if (port === undefined) {
      if (envelope.replyTo !== '') {
        this.#reply(envelope.replyTo, {
          flags: 0,
          sessionId: envelope.sessionId,
          seq: 0,
          correlationId: envelope.correlationId,
          deadlineMs: 0,
          sentAt: Date.now(),
          replyTo: '',
          portId: parsed.portId,
          type: 'error',
          code: TunnelErrorCode.unknownPort,
          message: `gateway ${this.id} has no port ${parsed.portId}`,
        });
      }
      return;
    }
    port.handle(envelope, arrivedAt);
  };

  #toPort(port: GatewayPort, payload: Uint8Array, arrivedAt: number): void {
    const envelope = this.#decode(port.id, payload);
    if (envelope !== undefined) port.handle(envelope, arrivedAt);
  }

  /** Decodes a request; a bad one is reported and answered, `undefined`. */
  #decode(portId: string, payload: Uint8Array): Envelope | undefined {
    try {
      // Oversized payloads are answered with payload-too-large by the port, not as bad envelopes.
      return decodeEnvelope(payload, { maxPayloadBytes: Number.MAX_SAFE_INTEGER });
    } catch (error) {
      this.#badEnvelope(portId, payload, error);
      return undefined;
    }
  }

  #badEnvelope(portId: string, payload: Uint8Array, error: unknown): void {
    this.#reportError(
      error instanceof DecodeError
        ? error
        : new LinkError(`bad envelope on port ${portId}: ${messageOf(error)}`),
    );
    const peek = peekEnvelopeHeader(payload);
    if (peek?.replyTo === undefined) return;
    const unsupported = error instanceof UnsupportedVersionError;
    this.#reply(peek.replyTo, {
      flags: 0,
      sessionId: peek.sessionId,
      seq: 0,
      correlationId: peek.correlationId,
      deadlineMs: 0,
      sentAt: Date.now(),
      replyTo: '',
      portId,
      type: 'error',
      code: unsupported ? TunnelErrorCode.unsupportedVersion : TunnelErrorCode.badEnvelope,
      message: unsupported
        ? `envelope version ${peek.version} is not supported; this gateway speaks version ${tunnelProtocolVersion}`
        : messageOf(error),
    });
  }

  #onHeadEndStatus(headEndId: string, payload: Uint8Array): void {
    let gone = payload.length === 0; // a cleared retained status: the head-end's Last Will
    if (!gone) {
      try {
        gone = decodeStatus(payload).state === 'offline';
      } catch (error) {
        this.#reportError(error as Error);
      }
    }
    if (!gone) return;
    for (const port of this.#ports.values()) port.headEndGone(headEndId);
  }

  /** Watches the status of every head-end holding or waiting for a lease, and only those. */
  #syncWatches(): void {
    const client = this.#connection?.client;
    if (client === undefined || this.#stopping !== undefined) return;
    const wanted = new Set<string>();
    for (const port of this.#ports.values()) for (const id of port.headEnds()) wanted.add(id);
    for (const id of wanted) {
      if (this.#watched.has(id)) continue;
      this.#watched.add(id);
      // QoS 0: the status is retained, so nothing is lost; QoS 1 deliveries to this persistent
      // session, subscribed and unsubscribed on every lease, made aedes drop the gateway's
      // connection under lease churn (bench/mqtt part 3).
      client.subscribe(this.#topics.headEndStatus(id), { qos: 0 }, (error) => {
        if (error) this.#reportError(error);
      });
    }
    for (const id of this.#watched) {
      if (wanted.has(id)) continue;
      this.#watched.delete(id);
      client.unsubscribe(this.#topics.headEndStatus(id), (error?: Error) => {
        if (error) this.#reportError(error);
      });
    }
  }

  /** Hands a message to the modes subscribed to its topic; `true` when one was. */
  #toModes(topic: string, payload: Uint8Array): boolean {
    let delivered = false;
    for (const [filter, listeners] of this.#modeSubscriptions) {
      if (!topicMatches(filter, topic)) continue;
      delivered = true;
      for (const listener of listeners) {
        try {
          listener(topic, payload);
        } catch (error) {
          this.#reportError(error as Error);
        }
      }
    }
    return delivered;
  }

  #modeHost(): GatewayModeHost {
    const client = (): MqttClient => {
      const connection = this.#connection;
      if (connection === undefined) {
        throw new LinkError(`gateway ${this.id} is not running`);
      }
      return connection.client;
    };
    return {
      gatewayId: this.id,
      topics: this.#topics,
      root: this.#options.root ?? 'meterlink',
      signal: this.#stopped.signal,
      ports: () => [...this.#kinds].map(([id, { protocol }]) => ({ id, protocol })),
      acquirePort: (portId, options) => this.acquirePort(portId, options),
      publish: async (topic: string, payload: Uint8Array | string, options: GatewayPublishOptions = {}) => {
        try {
          await client().publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), {
            qos: options.qos ?? 1,
            retain: options.retain ?? false,
          });
        } catch (error) {
          if (error instanceof LinkError) throw error;
          throw new LinkError(`publishing to ${topic} failed: ${messageOf(error)}`, { cause: error });
        }
      },
      subscribe: async (filter, listener) => {
        let listeners = this.#modeSubscriptions.get(filter);
        if (listeners === undefined) {
          try {
            await client().subscribeAsync(filter, { qos: 1 });
          } catch (error) {
            if (error instanceof LinkError) throw error;
            throw new LinkError(`subscribing to ${filter} failed: ${messageOf(error)}`, { cause: error });
          }
          listeners = this.#modeSubscriptions.get(filter) ?? new Set();
          this.#modeSubscriptions.set(filter, listeners);
        }
        listeners.add(listener);
        return async () => {
          const current = this.#modeSubscriptions.get(filter);
          if (current === undefined || !current.delete(listener) || current.size > 0) return;
          this.#modeSubscriptions.delete(filter);
          const connection = this.#connection;
          if (connection?.client.connected)
            await connection.client.unsubscribeAsync(filter).catch(() => undefined);
        };
      },
      reportError: (error) => this.#reportError(error),
    };
  }

  #host(): PortHost {
    return {
      reply: (headEndId, envelope) => this.#reply(headEndId, envelope),
      push: (envelope) => this.#publish(this.#topics.push(this.id, envelope.portId), envelope),
      busyChanged: (portId, busy) => {
        this.#publishMeta();
        this.#events.emit('lease', { portId, busy });
      },
      headEndsChanged: () => this.#syncWatches(),
      reportError: (error) => this.#reportError(error),
    };
  }

  #reply(headEndId: string, envelope: Envelope): void {
    let topic = this.#resTopics.get(headEndId);
    if (topic === undefined) {
      try {
        topic = this.#topics.res(headEndId);
      } catch (error) {
        this.#reportError(error as Error);
        return;
      }
      if (this.#resTopics.size >= resTopicCacheSize) this.#resTopics.clear();
      this.#resTopics.set(headEndId, topic);
    }
    this.#publish(topic, envelope);
  }

  #publish(topic: string, envelope: Envelope): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    const properties = connection.protocolVersion === 5 ? tunnelMqtt5Properties(envelope) : undefined;
    const bytes = encodeEnvelope(envelope);
    connection.client.publish(
      topic,
      // The envelope's own memory: no copy.
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      properties === undefined
        ? { qos: 1 }
        : {
            qos: 1,
            properties: { ...properties, correlationData: Buffer.from(properties.correlationData) },
          },
      (error) => {
        if (error)
          this.#reportError(
            new LinkError(`publishing to ${topic} failed: ${messageOf(error)}`, { cause: error }),
          );
      },
    );
  }

  #publishMeta(): void {
    if (this.#metaTimer !== undefined) return; // a trailing publish is due and will carry this change
    const wait = this.#metaAt + metaIntervalMs - performance.now();
    if (wait > 0) {
      this.#metaTimer = setTimeout(() => {
        this.#metaTimer = undefined;
        this.#publishMetaNow();
      }, wait);
      return;
    }
    this.#publishMetaNow();
  }

  #publishMetaNow(): void {
    const connection = this.#connection;
    if (connection === undefined || this.#stopping !== undefined) return;
    this.#metaAt = performance.now();
    const meta = this.#meta();
    connection.client.publish(
      this.#topics.meta(this.id),
      Buffer.from(encodeMeta(meta)),
      { qos: 1, retain: true },
      (error) => {
        if (error) this.#reportError(error);
      },
    );
  }

  #meta(): GatewayMeta {
    return {
      protocol: tunnelProtocolVersion,
      ports: [...this.#ports.values()].map((port) => {
        const { kind, protocol } = this.#kinds.get(port.id)!;
        return {
          id: port.id,
          kind: kind ?? port.link?.info.transport ?? 'memory',
          protocol,
          bus: port.link?.info.bus ?? false,
          busy: port.busy,
        };
      }),
    };
  }

  #status(state: 'online' | 'offline', reason?: string): Uint8Array {
    return encodeStatus({
      state,
      protocol: tunnelProtocolVersion,
      time: new Date().toISOString(),
      ...(reason === undefined ? {} : { reason }),
    });
  }

  #reportError(error: Error): void {
    if (this.#events.listenerCount('error') > 0) this.#events.emit('error', error);
  }
}
