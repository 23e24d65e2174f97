/**
 * The JSON frame mode of a gateway: serves head-ends that speak the JSON frame message format
 * on the gateway's ports, next to the tunnel.
 *
 * @module
 */

import { waitFor } from '../../../core/abort.js';
import { InvalidArgumentError, LinkError, TimeoutError } from '../../../core/errors.js';
import { messageOf } from '../../../links/peer.js';
import { checkNumber } from '../../../links/validate.js';
import { topicMatches } from '../../protocol/topic-filter.js';
import type { GatewayMode, GatewayModeHost } from '../gateway-mode.js';
import type { PortLease } from '../gateway-port.js';
import { bridgeNameProblem } from './bridge-name.js';
import {
  decodeJsonFrameMessage,
  encodeJsonFrameMessage,
  type JsonFrameId,
  type JsonFrameMessage,
  JsonFrameMessageError,
  JsonFrameType,
} from './json-frame-message.js';

/** Options of {@link jsonFrameMode}. */
export interface JsonFrameModeOptions {
  /**
   * Topic prefix of the requests: head-ends publish on `{bridgeName}/{port}`, where `{port}` is a
   * port id or its 0-based index in the gateway's port list. One or more levels (`site-1/meters`).
   */
  bridgeName: string;
  /** A lease ends after this much silence (no send, no meter bytes), ms. Default `30_000`. */
  leaseIdleMs?: number;
  /** Longest wait for a busy port after an open; then the open fails with an exception, ms. Default `10_000`. */
  queueTimeoutMs?: number;
  /** Largest frame accepted in a send, octets (larger MQTT messages are not even parsed). Default `65_536`. */
  maxFrameBytes?: number;
}

interface JsonFrameSettings {
  readonly bridgeName: string;
  /** `{bridgeName}/+`: the subscription, and the topics a sender may not be. */
  readonly filter: string;
  readonly leaseIdleMs: number;
  readonly queueTimeoutMs: number;
  readonly maxFrameBytes: number;
}

/** One sender's lease (or wait for one) on one port. */
interface Session {
  readonly key: string;
  readonly portId: string;
  /** The head-end's reply topic. */
  readonly sender: string;
  /** The request topic of the open: the `sender` of every reply. */
  readonly topic: string;
  /** Aborting it ends the wait or the lease. */
  readonly ended: AbortController;
  lease: PortLease | undefined;
  /** Id of the last open or send, echoed on meter bytes and on the lease's end. */
  lastId: JsonFrameId | undefined;
  /** The mode ended the session itself (close, stop): the end needs no exception. */
  closing: boolean;
  /** Writes to the meter, one after the other. */
  writes: Promise<void>;
}

/** A reply's content; `sender` is always the request topic. */
type Reply = Omit<JsonFrameMessage, 'sender'>;

/** Bound on publishing the last exceptions when the mode stops, ms. */
const stopPublishMs = 1000;

/**
 * Creates the JSON frame mode: the gateway also serves head-ends speaking the JSON frame message
 * format (docs/json-frame-mode.md).
 *
 * A head-end publishes `{ "id", "type", "sender", "frame" }` on `{bridgeName}/{port}` and gets
 * the answers on the topic named by `sender`: an open (type 0) leases the port (FIFO with tunnel
 * head-ends and local code, confirmed by a type 0 reply), sends (type 1) write the hex `frame` to
 * the meter, the meter's bytes come back as receives (type 2, one per HDLC frame, Modbus RTU
 * frame or burst), a close (type 3) ends the lease (confirmed by a type 3 reply), and every
 * failure is an exception (type 4) carrying the request's `id` and an `exception` text.
 *
 * @throws {@link InvalidArgumentError} for an invalid bridge name or a bad number
 * @example
 * ```ts
 * const gateway = new MqttGateway({
 *   broker: 'mqtt://broker.local:1883',
 *   id: 'gw-1',
 *   ports: [{ id: 'p0', link: serial({ path: '/dev/ttyUSB0', baudRate: 9600 }), protocol: 'hdlc' }],
 *   modes: [jsonFrameMode({ bridgeName: 'gw-bridge' })], // requests on gw-bridge/0 or gw-bridge/p0
 * });
 * await gateway.start();
 * ```
 */
export function jsonFrameMode(options: JsonFrameModeOptions): GatewayMode {
  const bridgeName = options.bridgeName;
  const problem =
    typeof bridgeName === 'string' ? bridgeNameProblem(bridgeName) : 'must be a string of topic levels';
  if (problem !== undefined) throw new InvalidArgumentError(`json-frame mode: bridgeName ${problem}`);
  return new JsonFrameMode({
    bridgeName,
    filter: `${bridgeName}/+`,
    leaseIdleMs: checkNumber('json-frame mode: leaseIdleMs', options.leaseIdleMs ?? 30_000, 1),
    queueTimeoutMs: checkNumber('json-frame mode: queueTimeoutMs', options.queueTimeoutMs ?? 10_000, 1),
    maxFrameBytes: checkNumber('json-frame mode: maxFrameBytes', options.maxFrameBytes ?? 65_536, 1),
  });
}

class JsonFrameMode implements GatewayMode {
  readonly name = 'json-frame';
  readonly #settings: JsonFrameSettings;
  #host: GatewayModeHost | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  /** By port id and sender. */
  readonly #sessions = new Map<string, Session>();
  #stopping: Promise<void> | undefined;

  constructor(settings: JsonFrameSettings) {
    this.#settings = settings;
  }

  async start(host: GatewayModeHost): Promise<void> {
    if (this.#host !== undefined || this.#stopping !== undefined) {
      throw new LinkError(`json-frame mode ${this.#settings.bridgeName} can be started once only`);
    }
    this.#host = host;
    this.#unsubscribe = await host.subscribe(this.#settings.filter, (topic, payload) =>
      this.#onMessage(host, topic, payload),
    );
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const host = this.#host;
    if (host === undefined) return;
    await this.#unsubscribe?.().catch((error: unknown) => host.reportError(error as Error));
    const told: Promise<void>[] = [];
    for (const session of this.#sessions.values()) {
      session.closing = true;
      told.push(
        this.#reply(host, session.sender, session.topic, {
          id: session.lastId,
          type: JsonFrameType.exception,
          exception: 'the gateway is stopping',
        }),
      );
      session.ended.abort();
    }
    this.#sessions.clear();
    // The gateway disconnects next: let the exceptions reach the broker first (bounded).
    await waitFor<void>(
      (resolve) => {
        void Promise.all(told).then(() => resolve());
        return undefined;
      },
      { timeoutMs: stopPublishMs },
      'publishing the last exceptions',
    ).catch(() => undefined);
  }

  #onMessage(host: GatewayModeHost, topic: string, payload: Uint8Array): void {
    if (this.#stopping !== undefined) return;
    const level = topic.slice(this.#settings.bridgeName.length + 1);
    let message: JsonFrameMessage;
    try {
      message = decodeJsonFrameMessage(payload, { maxFrameBytes: this.#settings.maxFrameBytes });
    } catch (error) {
      const bad = error as JsonFrameMessageError;
      host.reportError(bad);
      if (bad.sender !== undefined && this.#answerable(host, topic, bad.sender)) {
        void this.#reply(host, bad.sender, topic, {
          id: bad.id,
          type: JsonFrameType.exception,
          exception: bad.problem,
        });
      }
      return;
    }
    const sender = message.sender;
    if (sender === undefined) {
      host.reportError(
        new JsonFrameMessageError(`a type ${message.type} request on ${topic} has no sender`, 'a sender'),
      );
      return;
    }
    if (!this.#answerable(host, topic, sender)) return;
    const refuse = (exception: string): void =>
      void this.#reply(host, sender, topic, { id: message.id, type: JsonFrameType.exception, exception });
    if (message.type === JsonFrameType.receive || message.type === JsonFrameType.exception) {
      // Gateway-to-head-end types: answering them could start a loop between two peers.
      host.reportError(
        new JsonFrameMessageError(
          `type ${message.type} on ${topic} from ${sender} is sent by gateways, not to them; ignored`,
          'type 0, 1 or 3',
        ),
      );
      return;
    }
    const portId = this.#portOf(host, level);
    if (portId === undefined) {
      const ports = host
        .ports()
        .map((p, i) => `${i} = ${p.id}`)
        .join(', ');
      refuse(`${this.#settings.bridgeName} has no port ${level} (ports: ${ports})`);
      return;
    }
    const key = `${portId}\0${sender}`;
    switch (message.type) {
      case JsonFrameType.open:
        this.#open(host, key, portId, sender, topic, message.id);
        return;
      case JsonFrameType.send:
        this.#send(host, key, portId, message, refuse);
        return;
      default:
        this.#close(host, key, sender, topic, message.id);
        return;
    }
  }

  /** `false` (and reported) when answering `sender` would publish on one of our request topics. */
  #answerable(host: GatewayModeHost, topic: string, sender: string): boolean {
    if (!topicMatches(this.#settings.filter, sender)) return true;
    host.reportError(
      new JsonFrameMessageError(
        `the sender ${sender} of a request on ${topic} is a request topic of this gateway; not answered`,
        `a sender outside ${this.#settings.filter}`,
      ),
    );
    return false;
  }

  /** The port a topic level names: a port id, else a 0-based index into the port list. */
  #portOf(host: GatewayModeHost, level: string): string | undefined {
    const ports = host.ports();
    if (ports.some((p) => p.id === level)) return level;
    return /^(?:0|[1-9][0-9]{0,8})$/u.test(level) ? ports[Number(level)]?.id : undefined;
  }

  #open(
    host: GatewayModeHost,
    key: string,
    portId: string,
    sender: string,
    topic: string,
    id: JsonFrameId | undefined,
  ): void {
    const existing = this.#sessions.get(key);
    if (existing !== undefined) {
      existing.lastId = id;
      // Held: a repeated (or redelivered) open is confirmed again. Waiting: the grant answers.
      if (existing.lease !== undefined) {
        existing.lease.touch();
        void this.#replyTo(host, existing, { id, type: JsonFrameType.open });
      }
      return;
    }
    const session: Session = {
      key,
      portId,
      sender,
      topic,
      ended: new AbortController(),
      lease: undefined,
      lastId: id,
      closing: false,
      writes: Promise.resolve(),
    };
    this.#sessions.set(key, session);
    host
      .acquirePort(portId, {
        holder: `json-frame:${sender}`,
        signal: session.ended.signal,
        timeoutMs: this.#settings.queueTimeoutMs,
        idleMs: this.#settings.leaseIdleMs,
        onChunk: (chunk) =>
          void this.#replyTo(host, session, {
            id: session.lastId,
            type: JsonFrameType.receive,
            frame: chunk,
          }),
      })
      .then(
        (lease) => {
          if (lease.signal.aborted) {
            // Ended (the port's link closed) before this callback ran.
            this.#leaseEnded(host, session, lease.signal.reason);
            return;
          }
          session.lease = lease;
          lease.signal.addEventListener('abort', () => this.#leaseEnded(host, session, lease.signal.reason), {
            once: true,
          });
          void this.#replyTo(host, session, { id: session.lastId, type: JsonFrameType.open });
        },
        (error: unknown) => {
          this.#forget(session);
          if (session.closing) return;
          const exception =
            error instanceof TimeoutError
              ? `port ${portId} is busy: not free within ${this.#settings.queueTimeoutMs} ms`
              : messageOf(error);
          void this.#replyTo(host, session, { id: session.lastId, type: JsonFrameType.exception, exception });
        },
      );
  }

  #send(
    host: GatewayModeHost,
    key: string,
    portId: string,
    message: JsonFrameMessage,
    refuse: (exception: string) => void,
  ): void {
    const session = this.#sessions.get(key);
    const lease = session?.lease;
    if (session === undefined || lease === undefined) {
      refuse(
        session === undefined
          ? `${message.sender} has no open lease on port ${portId}: send an open (type 0) first`
          : `${message.sender} is still waiting for port ${portId}: send after the open is confirmed`,
      );
      return;
    }
    const frame = message.frame;
    if (frame === undefined) {
      refuse('a send (type 1) needs a frame');
      return;
    }
    session.lastId = message.id;
    lease.touch();
    if (frame.length === 0) return; // an empty frame only keeps the lease alive
    session.writes = session.writes.then(async () => {
      let exception: string;
      if (lease.signal.aborted) {
        exception = `the lease on port ${portId} ended before the frame was written`;
      } else {
        try {
          await lease.link.write(frame);
          return;
        } catch (error) {
          exception = `writing to port ${portId} failed: ${messageOf(error)}`;
        }
      }
      await this.#replyTo(host, session, { id: message.id, type: JsonFrameType.exception, exception });
    });
  }

  #close(
    host: GatewayModeHost,
    key: string,
    sender: string,
    topic: string,
    id: JsonFrameId | undefined,
  ): void {
    const session = this.#sessions.get(key);
    if (session === undefined) {
      // Closing twice, or after the lease ended, is not an error: close is idempotent.
      void this.#reply(host, sender, topic, { id, type: JsonFrameType.close });
      return;
    }
    session.closing = true;
    this.#forget(session);
    // Frames sent before the close are written first.
    void session.writes.then(() => {
      session.ended.abort();
      return this.#replyTo(host, session, { id, type: JsonFrameType.close });
    });
  }

  #leaseEnded(host: GatewayModeHost, session: Session, reason: unknown): void {
    this.#forget(session);
    if (session.closing) return;
    void this.#replyTo(host, session, {
      id: session.lastId,
      type: JsonFrameType.exception,
      exception: messageOf(reason),
    });
  }

  #forget(session: Session): void {
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key);
  }

  #replyTo(host: GatewayModeHost, session: Session, reply: Reply): Promise<void> {
    return this.#reply(host, session.sender, session.topic, reply);
  }

  /** Publishes a reply to `sender` (QoS 1); a failure is reported, never thrown. */
  #reply(host: GatewayModeHost, sender: string, topic: string, reply: Reply): Promise<void> {
    return host
      .publish(sender, encodeJsonFrameMessage({ ...reply, sender: topic }), { qos: 1 })
      .catch((error: unknown) => host.reportError(error as Error));
  }
}
