/**
 * `mqttHeadEnd`: one MQTT connection shared by many tunnel links (a fleet read, a head-end
 * serving many meters), instead of one connection per link.
 *
 * @module
 */

import type { IClientOptions } from 'mqtt';
import { waitFor } from '../../core/abort.js';
import { LinkClosedError } from '../../core/errors.js';
import type { ApduTunnelLink, LinkOpenOptions } from '../../core/link.js';
import { checkNumber } from '../../links/validate.js';
import { type MqttBroker, resolveBroker } from '../client/broker-options.js';
import { createClientId } from '../client/client-id.js';
import type { MqttProtocolVersion } from '../client/connect-mqtt.js';
import { tunnelTopics } from '../protocol/topics.js';
import { HeadEndCore } from './head-end-core.js';
import { mergeBroker } from './mqtt-link.js';
import { checkInteger, MqttTunnelLink, type TunnelLinkOptions } from './tunnel-link.js';

/** Options of {@link mqttHeadEnd}. */
export interface MqttHeadEndOptions {
  /**
   * The broker: a URL (`mqtt://host:1883`, `mqtts://user:password@host:8883`) or MQTT.js options
   * (`host`, `port`, `protocol`, `username`, `password`, `ca`, `cert`, `key` …).
   */
  broker: MqttBroker;
  /** The head-end's id: answers come on `{root}/he/{headEndId}/res`. Default: unique per head-end. */
  headEndId?: string;
  /** Root topic level(s). Default `meterlink`. */
  root?: string;
  /** Time the shared connection's first connect (and each one after a failed one) may take, ms. Default `10_000`. */
  timeoutMs?: number;
  /** MQTT version: 3.1.1 (`4`), `5`, or `'auto'` (5, falling back to 3.1.1). Default `'auto'`. */
  protocolVersion?: MqttProtocolVersion;
  /**
   * `'persistent'` (`clean: false`) or `'clean'` MQTT session. Default: `'persistent'` with a
   * `headEndId` of your own, `'clean'` with a generated one.
   */
  session?: 'persistent' | 'clean';
  /**
   * When `close()` could not deliver the links' `close` envelopes and the cleared presence (the
   * broker is unreachable), the connection goes on reconnecting in the background, unref'd, for
   * up to this long to deliver them (as `mqttLink`'s `closeLingerMs`). `0` = off. Default `30_000`.
   */
  closeLingerMs?: number;
  /** Extra MQTT.js options merged into the broker options (keep-alive, TLS `servername` …). */
  mqtt?: IClientOptions;
}

/** Options of {@link MqttHeadEnd.link}: the lease settings of one link. */
export type MqttHeadEndLinkOptions = TunnelLinkOptions;

/**
 * One head-end on one MQTT connection, with many tunnel links: one `res` subscription, one
 * presence and Last Will, envelopes routed to the links by session id, and one status/meta
 * subscription per gateway shared by its links. Created by {@link mqttHeadEnd}.
 */
export interface MqttHeadEnd {
  /** The head-end id (`{root}/he/{headEndId}/…`). */
  readonly headEndId: string;
  /** `scheme://host:port` of the broker: never credentials. */
  readonly broker: string;
  /** Links open or opening on this head-end. */
  readonly openLinks: number;
  /** `true` once `close()` was called: `link()` throws, `open()` rejects. */
  readonly closed: boolean;
  /**
   * A link to port `port` of gateway `gatewayId` over this head-end's connection, not opened
   * yet; it behaves as an `mqttLink` (same `open`, `write`, `close`, `attachApdu`, errors and
   * `info`), except that its `close()` ends only its own lease: the connection and the presence
   * stay for the other links.
   *
   * @throws {@link LinkClosedError} after `close()`; {@link InvalidArgumentError} for an id that
   *   is not a topic level or a time out of range
   */
  link(options: MqttHeadEndLinkOptions): ApduTunnelLink;
  /**
   * Connects ahead of the first link (links connect the head-end themselves when they open).
   *
   * @throws `LinkError` when the broker cannot be reached, `TimeoutError`, `AbortError`,
   *   {@link LinkClosedError} after `close()`
   */
  open(options?: LinkOpenOptions): Promise<void>;
  /**
   * Closes every link (each sends `close` for its lease), clears the presence and disconnects.
   * When the broker does not acknowledge within 1 s the connection lingers (see
   * `closeLingerMs`). Idempotent; the head-end cannot be opened again.
   */
  close(): Promise<void>;
}

/** How long a gateway's status/meta subscription outlives its last link. */
const watchLingerMs = 5000;

class SharedHeadEnd implements MqttHeadEnd {
  readonly headEndId: string;
  readonly broker: string;
  readonly #core: HeadEndCore;
  readonly #peerPrefix: string;
  readonly #timeoutMs: number;
  /** Aborts a connect in progress at `close()`. */
  readonly #stop = new AbortController();
  /** Links open or opening. */
  readonly #links = new Set<ApduTunnelLink>();
  #closing: Promise<void> | undefined;

  constructor(options: MqttHeadEndOptions) {
    const broker = mergeBroker(options.broker, options.mqtt);
    const root = options.root ?? 'meterlink';
    const description = resolveBroker(broker).description;
    this.#timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? 10_000, 1);
    this.#core = new HeadEndCore({
      broker,
      headEndId: options.headEndId ?? createClientId('he'),
      topics: tunnelTopics(root),
      persistent:
        (options.session ?? (options.headEndId === undefined ? 'clean' : 'persistent')) === 'persistent',
      protocolVersion: options.protocolVersion ?? 'auto',
      closeLingerMs: checkInteger('closeLingerMs', options.closeLingerMs ?? 30_000),
      watchLingerMs,
    });
    this.headEndId = this.#core.headEndId;
    this.broker = description;
    this.#peerPrefix = `${description}/${root}`;
  }

  get openLinks(): number {
    return this.#links.size;
  }

  get closed(): boolean {
    return this.#stop.signal.aborted;
  }

  link(options: MqttHeadEndLinkOptions): ApduTunnelLink {
    if (this.closed) throw new LinkClosedError(`head-end ${this.headEndId} is closed`);
    const core = this.#core;
    const link: ApduTunnelLink = new MqttTunnelLink(
      {
        core,
        peerPrefix: this.#peerPrefix,
        connect: (_member, signal) => {
          this.#links.add(link);
          return this.#connect({ signal });
        },
        release: async (member, gatewayId, sessionId, farewell) => {
          this.#links.delete(link);
          core.unwatch(gatewayId, member);
          if (sessionId !== undefined) core.removeSession(sessionId);
          if (farewell !== undefined) await core.farewell(farewell);
        },
      },
      options,
    );
    return link;
  }

  open(options: LinkOpenOptions = {}): Promise<void> {
    return this.#connect(options);
  }

  /** Waits for the shared connection (connecting it if needed) within `options`. */
  async #connect(options: LinkOpenOptions): Promise<void> {
    if (this.closed) throw new LinkClosedError(`head-end ${this.headEndId} is closed`);
    const connecting = this.#core.connect({ signal: this.#stop.signal, timeoutMs: this.#timeoutMs });
    await waitFor<unknown>(
      (resolve, reject) => void connecting.then(resolve, reject),
      options,
      `connecting head-end ${this.headEndId} to ${this.broker}`,
    );
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop.abort(new LinkClosedError(`head-end ${this.headEndId} was closed`));
      await Promise.allSettled([...this.#links.values()].map((link) => link.close()));
      await this.#core.close();
    })();
    return this.#closing;
  }
}

/**
 * Creates a head-end whose links share one MQTT connection (not connected until its first
 * link opens, or `open()`): one CONNECT, one `res` subscription, one presence with its Last
 * Will, one status/meta subscription per gateway — instead of all of these for every link, as
 * `mqttLink` does. The wire protocol is the same: to a gateway, the head-end is one head-end id
 * holding several leases.
 *
 * Links are routed by their session id (random per lease). `link.close()` ends that lease only;
 * `headEnd.close()` closes every link, clears the presence and disconnects. When the connection
 * drops, MQTT.js reconnects it with backoff and every link behaves as an `mqttLink` whose own
 * connection dropped (on MQTT 3.1.1 the Last Will ends all the head-end's leases: each link
 * closes with `TunnelError` `head-end-gone` after the reconnect). After a reconnect without its
 * MQTT session (a clean session, or a broker restarted empty) the head-end subscribes again,
 * publishes its presence again and forgets the gateways' statuses until their retained ones
 * arrive; a lease asked for meanwhile is asked for again when its gateway says `online`. A
 * gateway going offline closes only the links to that gateway.
 *
 * Two head-ends (or links) with one `headEndId` on one broker would clear each other's
 * presence and end each other's leases: keep ids unique.
 *
 * @throws {@link InvalidArgumentError} for a bad broker URL, a head-end id or root that is not a
 *   topic level, or a time out of range
 * @example
 * ```ts
 * const headEnd = mqttHeadEnd({ broker: 'mqtt://broker.local:1883' });
 * try {
 *   for (const port of ['p1', 'p2', 'p3']) {
 *     const meter = await DlmsClient.connect({ link: headEnd.link({ gatewayId: 'gw-7', port }), framing: 'hdlc' });
 *     console.log(await meter.readRegister('1.0.1.8.0.255'));
 *     await meter.close();
 *   }
 * } finally {
 *   await headEnd.close();
 * }
 * ```
 */
export function mqttHeadEnd(options: MqttHeadEndOptions): MqttHeadEnd {
  return new SharedHeadEnd(options);
}
