/**
 * The MQTT side of a head-end: one connection, its `res` subscription, its presence and Last
 * Will, envelopes routed to links by session id, and gateway status/meta watches shared by the
 * links of one gateway. Used by `mqttLink` (a head-end of its own with one link) and by
 * `mqttHeadEnd` (one head-end, many links).
 *
 * @module
 */

import type { IClientPublishOptions } from 'mqtt';
import { waitFor } from '../../core/abort.js';
import { LinkClosedError } from '../../core/errors.js';
import { messageOf } from '../../links/peer.js';
import type { MqttBroker } from '../client/broker-options.js';
import { connectMqtt, type MqttConnection, type MqttProtocolVersion } from '../client/connect-mqtt.js';
import { decodeEnvelope } from '../protocol/decode-envelope.js';
import { encodeEnvelope } from '../protocol/encode-envelope.js';
import { type Envelope, tunnelProtocolVersion } from '../protocol/envelope.js';
import { tunnelMqtt5Properties } from '../protocol/mqtt5.js';
import { encodeStatus } from '../protocol/status.js';
import type { TunnelTopics } from '../protocol/topics.js';
import { nextSequence } from './sequence.js';

/** What the head-end tells one of its links. */
export interface HeadEndMember {
  /** An envelope of the link's session arrived on the `res` topic. */
  onEnvelope(envelope: Envelope): void;
  /** The retained status of the link's gateway (also the one known when the link joined). */
  onGatewayStatus(payload: Uint8Array): void;
  /** The retained meta of the link's gateway (also the one known when the link joined). */
  onGatewayMeta(payload: Uint8Array): void;
  /** A non-fatal problem of the shared connection (a failed reconnect, an undecodable envelope). */
  onHeadEndError(error: Error): void;
  /**
   * The connection came back without its MQTT session (a clean session, or a broker that lost
   * it): what the broker held may be gone, and the gateway's status known so far may be stale
   * until the retained one arrives again.
   */
  onSessionLost(): void;
}

/** Construction options of a {@link HeadEndCore}. */
export interface HeadEndCoreOptions {
  /** The broker, extra MQTT.js options merged in. */
  broker: MqttBroker;
  /** The head-end id (`res` topic, presence, `replyTo`). */
  headEndId: string;
  /** Topics under the root. */
  topics: TunnelTopics;
  /** Persistent MQTT session. */
  persistent: boolean;
  /** MQTT version. */
  protocolVersion: MqttProtocolVersion;
  /** The lingering close, ms (`0` = off). */
  closeLingerMs: number;
  /**
   * How long a gateway's status/meta subscription outlives its last link, ms: the next link to
   * that gateway (a fleet reads one meter after another) joins it without a SUBSCRIBE round
   * trip. `0`: dropped at once.
   */
  watchLingerMs: number;
}

/** The status/meta subscription of one gateway, shared by its links. */
interface GatewayWatch {
  readonly statusTopic: string;
  readonly metaTopic: string;
  readonly members: Set<HeadEndMember>;
  /** Last retained status / meta payload seen (delivered to links that join later). */
  status: Uint8Array | undefined;
  meta: Uint8Array | undefined;
  /** The SUBSCRIBE of both topics: `undefined` until the connection is there to send it. */
  subscribed: Promise<unknown> | undefined;
  /** Drops the watch `watchLingerMs` after its last link left. */
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

/** How long `close()` waits for the broker to acknowledge the farewell messages. */
export const closeAckMs = 1000;

/**
 * The shared MQTT side of a head-end (see the module). Reusable: `close()` then `connect()`
 * starts over (a private link opened again).
 */
export class HeadEndCore {
  readonly headEndId: string;
  /** Topics under the root. */
  readonly topics: TunnelTopics;
  /** `{root}/he/{headEndId}/res`. */
  readonly resTopic: string;
  readonly #options: HeadEndCoreOptions;
  readonly #sessions = new Map<number, HeadEndMember>();
  readonly #watches = new Map<string, GatewayWatch>();
  /** Status and meta topic → its watch. */
  readonly #byTopic = new Map<string, GatewayWatch>();
  /** Told when the connection drops (see `#deliveredWithin`). */
  readonly #dropWaiters = new Set<() => void>();
  /** `close` envelopes of links on their way to the broker (the lingering close waits for them). */
  readonly #farewells = new Set<Promise<unknown>>();
  #connection: MqttConnection | undefined;
  #connecting: Promise<MqttConnection> | undefined;
  #correlation = 0;
  /** The socket is corked until the end of this event-loop turn (see `#holdWrites`). */
  #corked = false;
  /** Ends the lingering connection of the last `close()` (see `closeLingerMs`), if any. */
  #stopLinger: (() => void) | undefined;

  constructor(options: HeadEndCoreOptions) {
    this.#options = options;
    this.headEndId = options.headEndId;
    this.topics = options.topics;
    this.resTopic = options.topics.res(options.headEndId);
  }

  /** The connection while connected (also while MQTT.js reconnects it). */
  get connection(): MqttConnection | undefined {
    return this.#connection;
  }

  /** Links with a lease (or an `open` on its way) routed here. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * Connects, subscribes to `res` (and to the gateways watched so far) and publishes the
   * presence; joins a connect in progress. `signal` abandons the connect (only the caller's
   * wait when joining one in progress).
   */
  connect(options: { signal?: AbortSignal; timeoutMs: number }): Promise<MqttConnection> {
    if (this.#connection !== undefined && this.#connecting === undefined) {
      return Promise.resolve(this.#connection);
    }
    this.#connecting ??= this.#connectNow(options).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connectNow(options: { signal?: AbortSignal; timeoutMs: number }): Promise<MqttConnection> {
    // Its late cleared presence would clear the one this connection is about to publish.
    this.#stopLinger?.();
    const { signal } = options;
    const topics = this.#options.topics;
    let current: MqttConnection | undefined;
    const connection = await connectMqtt({
      broker: this.#options.broker,
      role: 'he',
      session: this.#options.persistent ? 'persistent' : 'clean',
      protocolVersion: this.#options.protocolVersion,
      connectTimeoutMs: options.timeoutMs,
      // Cleared status = this head-end is gone: the gateway ends its leases (docs/mqtt-tunnel.md).
      will: { topic: topics.headEndStatus(this.headEndId), payload: new Uint8Array(0), retain: true },
      ...(signal === undefined ? {} : { signal }),
      // Not from a connection left lingering by close(): the head-end is closed for its user.
      onError: (error) => {
        if (current !== undefined && current === this.#connection) this.#broadcastError(error);
      },
    });
    current = connection;
    if (signal?.aborted) {
      await connection.close();
      throw new LinkClosedError(`${connection.broker}: open abandoned`);
    }
    this.#connection = connection;
    const { client } = connection;
    client.on('message', this.#onMessage);
    client.on('connect', this.#onReconnect);
    client.on('close', this.#onDrop);
    try {
      await this.#subscribeAndAnnounce(connection);
    } catch (error) {
      // Not half connected (no `res` subscription, no presence): the next connect starts over.
      if (this.#connection === connection) await this.close();
      throw error;
    }
    if (signal?.aborted) throw new LinkClosedError(`${connection.broker}: open abandoned`);
    return connection;
  }

  /** Subscribes to `res` and the watched gateways not yet subscribed, then publishes the presence. */
  async #subscribeAndAnnounce(connection: MqttConnection): Promise<void> {
    const { client } = connection;
    const subscriptions: Record<string, { qos: 1 }> = { [this.resTopic]: { qos: 1 } };
    const joining: GatewayWatch[] = [];
    for (const watch of this.#watches.values()) {
      if (watch.subscribed !== undefined) continue;
      subscriptions[watch.statusTopic] = { qos: 1 };
      subscriptions[watch.metaTopic] = { qos: 1 };
      joining.push(watch);
    }
    const subscribed = client.subscribeAsync(subscriptions);
    for (const watch of joining) this.#trackSubscribe(watch, subscribed);
    await subscribed;
    await this.#publishPresence();
  }

  /**
   * Registers a link with gateway `gatewayId`: it gets that gateway's status and meta from now
   * on, at once the ones already known. The subscription goes out with the next connect, or now
   * when connected; {@link watched} waits for it.
   */
  watch(gatewayId: string, member: HeadEndMember): void {
    let watch = this.#watches.get(gatewayId);
    if (watch === undefined) {
      const topics = this.#options.topics;
      watch = {
        statusTopic: topics.status(gatewayId),
        metaTopic: topics.meta(gatewayId),
        members: new Set(),
        status: undefined,
        meta: undefined,
        subscribed: undefined,
        idleTimer: undefined,
      };
      this.#watches.set(gatewayId, watch);
      this.#byTopic.set(watch.statusTopic, watch);
      this.#byTopic.set(watch.metaTopic, watch);
    }
    if (watch.idleTimer !== undefined) clearTimeout(watch.idleTimer);
    watch.idleTimer = undefined;
    watch.members.add(member);
    if (watch.meta !== undefined) member.onGatewayMeta(watch.meta);
    if (watch.status !== undefined) member.onGatewayStatus(watch.status);
  }

  /** Resolves once the status and meta of `gatewayId` are subscribed (call after `connect`). */
  watched(gatewayId: string): Promise<unknown> {
    const watch = this.#watches.get(gatewayId);
    const connection = this.#connection;
    if (watch === undefined || connection === undefined) {
      return Promise.reject(new LinkClosedError(`${this.resTopic}: the head-end is not connected`));
    }
    if (watch.subscribed === undefined) {
      this.#trackSubscribe(
        watch,
        connection.client.subscribeAsync({ [watch.statusTopic]: { qos: 1 }, [watch.metaTopic]: { qos: 1 } }),
      );
    }
    return watch.subscribed!;
  }

  /** A failed SUBSCRIBE is tried again by the next link of that gateway. */
  #trackSubscribe(watch: GatewayWatch, subscribing: Promise<unknown>): void {
    watch.subscribed = subscribing;
    subscribing.catch(() => {
      if (watch.subscribed === subscribing) watch.subscribed = undefined;
    });
  }

  /** The link left gateway `gatewayId`: its watch ends with its last link (after `watchLingerMs`). */
  unwatch(gatewayId: string, member: HeadEndMember): void {
    const watch = this.#watches.get(gatewayId);
    if (watch === undefined || !watch.members.delete(member) || watch.members.size > 0) return;
    const lingerMs = this.#options.watchLingerMs;
    if (lingerMs === 0) {
      this.#dropWatch(gatewayId, watch);
      return;
    }
    watch.idleTimer = setTimeout(() => this.#dropWatch(gatewayId, watch), lingerMs);
    watch.idleTimer.unref?.();
  }

  #dropWatch(gatewayId: string, watch: GatewayWatch): void {
    if (watch.idleTimer !== undefined) clearTimeout(watch.idleTimer);
    this.#watches.delete(gatewayId);
    this.#byTopic.delete(watch.statusTopic);
    this.#byTopic.delete(watch.metaTopic);
    const client = this.#connection?.client;
    if (client !== undefined && watch.subscribed !== undefined) {
      client.unsubscribe([watch.statusTopic, watch.metaTopic], (error?: Error) => {
        if (error) this.#broadcastError(error);
      });
    }
  }

  /** A new session id (random u32, non-zero, not in use here) routed to `member`. */
  addSession(member: HeadEndMember): number {
    let id: number;
    do id = crypto.getRandomValues(new Uint32Array(1))[0]!;
    while (id === 0 || this.#sessions.has(id));
    this.#sessions.set(id, member);
    return id;
  }

  /** Envelopes of session `id` are dropped from now on. */
  removeSession(id: number): void {
    this.#sessions.delete(id);
  }

  /** The next correlation id of this head-end (non-zero). */
  nextCorrelation(): number {
    this.#correlation = nextSequence(this.#correlation) || 1;
    return this.#correlation;
  }

  /** Publishes an envelope at QoS 1; resolves on the broker's PUBACK. */
  publish(topic: string, envelope: Envelope): Promise<unknown> {
    const connection = this.#connection;
    if (connection === undefined) {
      return Promise.reject(new LinkClosedError(`${this.resTopic}: the head-end is not connected`));
    }
    const bytes = encodeEnvelope(envelope);
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return connection.client.publishAsync(topic, payload, this.#publishOptions(connection, envelope));
  }

  /** Publishes an envelope at QoS 1 without a promise (the hot path); `done` gets a failure. */
  publishNow(topic: string, envelope: Envelope, done: (error?: Error) => void): void {
    const connection = this.#connection;
    if (connection === undefined)
      throw new LinkClosedError(`${this.resTopic}: the head-end is not connected`);
    const bytes = encodeEnvelope(envelope);
    connection.client.publish(
      topic,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      this.#publishOptions(connection, envelope),
      done,
    );
  }

  /**
   * A link's `close` envelope on its way: waited for (at most {@link closeAckMs}, not at all
   * while the connection is down: MQTT.js sends it after the reconnect), and by the lingering
   * close of the head-end.
   */
  async farewell(sent: Promise<unknown>): Promise<void> {
    const settled = sent.then(
      () => true,
      () => true,
    );
    this.#farewells.add(settled);
    void settled.then(() => this.#farewells.delete(settled));
    const client = this.#connection?.client;
    if (client?.connected === true) await this.#deliveredWithin(settled);
  }

  /**
   * Clears the presence and disconnects; `farewell` (the last link's `close`) goes out first.
   * When the broker does not acknowledge both within {@link closeAckMs}, the connection lingers
   * (see `closeLingerMs`). Every route and watch is dropped.
   */
  async close(farewell?: Promise<unknown>): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    for (const watch of this.#watches.values()) {
      if (watch.idleTimer !== undefined) clearTimeout(watch.idleTimer);
    }
    this.#watches.clear();
    this.#byTopic.clear();
    this.#sessions.clear();
    const pending = [...this.#farewells];
    this.#farewells.clear();
    if (connection === undefined) return;
    const { client } = connection;
    client.off('connect', this.#onReconnect);
    client.off('message', this.#onMessage);
    const lingerMs = this.#options.closeLingerMs;
    if (!client.connected && lingerMs === 0) {
      client.off('close', this.#onDrop);
      await connection.close();
      return;
    }
    // While the connection is down MQTT.js keeps these QoS 1 publishes and sends them on reconnect.
    const messages: Promise<unknown>[] = [...pending];
    if (farewell !== undefined) messages.push(farewell);
    messages.push(
      client.publishAsync(this.#options.topics.headEndStatus(this.headEndId), Buffer.alloc(0), {
        qos: 1,
        retain: true,
      }),
    );
    const delivered = Promise.allSettled(messages).then(() => true);
    const inTime = client.connected ? await this.#deliveredWithin(delivered) : false;
    client.off('close', this.#onDrop);
    if (inTime || lingerMs === 0) {
      await connection.close();
      return;
    }
    this.#linger(connection, delivered, lingerMs);
  }

  /** `true` when `delivered` settles within {@link closeAckMs} and before the connection drops. */
  #deliveredWithin(delivered: Promise<unknown>): Promise<boolean> {
    return waitFor<boolean>(
      (resolve) => {
        // One `close` listener for all waiters: many links close at once on a shared connection.
        const dropped = (): void => resolve(false);
        this.#dropWaiters.add(dropped);
        void delivered.then(() => resolve(true));
        return () => this.#dropWaiters.delete(dropped);
      },
      { timeoutMs: closeAckMs },
      'close',
    ).catch(() => false);
  }

  readonly #onDrop = (): void => {
    for (const waiter of [...this.#dropWaiters]) waiter();
  };

  /**
   * Keeps `connection` reconnecting in the background, unref'd, until `delivered` (the `close`
   * envelopes and the cleared presence got their PUBACKs) or for `lingerMs`, then closes it.
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

  readonly #onMessage = (topic: string, payload: Buffer): void => {
    if (topic === this.resTopic) {
      this.#holdWrites();
      this.#onEnvelope(payload);
      return;
    }
    const watch = this.#byTopic.get(topic);
    if (watch === undefined) return;
    if (topic === watch.statusTopic) {
      watch.status = payload;
      for (const member of watch.members) member.onGatewayStatus(payload);
    } else {
      watch.meta = payload;
      for (const member of watch.members) member.onGatewayMeta(payload);
    }
  };

  #onEnvelope(bytes: Uint8Array): void {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(bytes);
    } catch (error) {
      this.#broadcastError(asError(error));
      return;
    }
    this.#sessions.get(envelope.sessionId)?.onEnvelope(envelope);
  }

  /**
   * Corks the socket until the end of this event-loop turn: the PUBACK MQTT.js writes for the
   * message being handled and the request a link's user sends in answer to it (in promise
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

  /**
   * After a broker reconnect: the retained presence may have been cleared by our own Last Will.
   * Without the session (MQTT.js subscribes again), the gateways' statuses known so far are
   * forgotten: a broker that restarted empty has lost their retained statuses too, and a gateway
   * still reconnecting has not subscribed to its `req` topics yet (its links' `open` may reach no
   * one until its status says `online` again).
   */
  readonly #onReconnect = (connack: { sessionPresent?: boolean }): void => {
    this.#publishPresence().catch((error: unknown) => this.#broadcastError(asError(error)));
    if (connack.sessionPresent === true) return;
    for (const watch of this.#watches.values()) watch.status = undefined;
    for (const member of this.#members()) member.onSessionLost();
  };

  #broadcastError(error: Error): void {
    for (const member of this.#members()) member.onHeadEndError(error);
  }

  /** Every link routed here or watching a gateway, once each. */
  #members(): Set<HeadEndMember> {
    const members = new Set<HeadEndMember>();
    for (const member of this.#sessions.values()) members.add(member);
    for (const watch of this.#watches.values()) for (const member of watch.members) members.add(member);
    return members;
  }

  #publishPresence(): Promise<unknown> {
    const client = this.#connection?.client;
    if (client === undefined) return Promise.resolve();
    const status = encodeStatus({
      state: 'online',
      protocol: tunnelProtocolVersion,
      time: new Date().toISOString(),
    });
    return client.publishAsync(this.#options.topics.headEndStatus(this.headEndId), Buffer.from(status), {
      qos: 1,
      retain: true,
    });
  }

  /** QoS 1, and the MQTT 5 properties of the envelope when the broker speaks MQTT 5. */
  #publishOptions(connection: MqttConnection, envelope: Envelope): IClientPublishOptions {
    if (connection.protocolVersion !== 5) return { qos: 1 };
    const props = tunnelMqtt5Properties(envelope, this.resTopic);
    return { qos: 1, properties: { ...props, correlationData: Buffer.from(props.correlationData) } };
  }
}

/** `error` as an `Error`. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(messageOf(error));
}
