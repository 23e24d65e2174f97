/**
 * `mqttLink`: a {@link Link} whose bytes travel through an MQTT broker to a port of a meterlink
 * gateway (the tunnel of `docs/mqtt-tunnel.md`).
 *
 * @module
 */

import type { IClientOptions } from 'mqtt';
import type { ApduTunnelLink } from '../../core/link.js';
import { type MqttBroker, resolveBroker } from '../client/broker-options.js';
import { createClientId } from '../client/client-id.js';
import type { MqttProtocolVersion } from '../client/connect-mqtt.js';
import { tunnelTopics } from '../protocol/topics.js';
import { HeadEndCore } from './head-end-core.js';
import type { mqttHeadEnd } from './mqtt-head-end.js';
import { checkInteger, MqttTunnelLink, type TunnelLinkHost, type TunnelLinkOptions } from './tunnel-link.js';

/** Options of {@link mqttLink}. */
export interface MqttLinkOptions extends TunnelLinkOptions {
  /**
   * The broker: a URL (`mqtt://host:1883`, `mqtts://user:password@host:8883`) or MQTT.js options
   * (`host`, `port`, `protocol`, `username`, `password`, `ca`, `cert`, `key` …).
   */
  broker: MqttBroker;
  /** This head-end's id: its answers come on `{root}/he/{headEndId}/res`. Default: unique per link. */
  headEndId?: string;
  /** Root topic level(s). Default `meterlink`. */
  root?: string;
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
 * Every link has a connection, presence and Last Will of its own: for many links (a fleet) use
 * {@link mqttHeadEnd}, whose links share one connection.
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
  const broker = mergeBroker(options.broker, options.mqtt);
  const root = options.root ?? 'meterlink';
  const core = new HeadEndCore({
    broker,
    headEndId: options.headEndId ?? createClientId('he'),
    topics: tunnelTopics(root),
    persistent:
      (options.session ?? (options.headEndId === undefined ? 'clean' : 'persistent')) === 'persistent',
    protocolVersion: options.protocolVersion ?? 'auto',
    closeLingerMs: checkInteger('closeLingerMs', options.closeLingerMs ?? 30_000),
    watchLingerMs: 0,
  });
  // A head-end of its own with one link: connected by the link's open(), closed by its close().
  const host: TunnelLinkHost = {
    core,
    peerPrefix: `${resolveBroker(broker).description}/${root}`,
    connect: async (_member, signal, budgetMs) => {
      await core.connect({ signal, timeoutMs: budgetMs });
    },
    release: (_member, _gatewayId, _sessionId, farewell) => core.close(farewell),
  };
  return new MqttTunnelLink(host, options);
}

/** `broker` with the extra MQTT.js options `extra` merged in. */
export function mergeBroker(broker: MqttBroker, extra: IClientOptions | undefined): MqttBroker {
  if (extra === undefined) return broker;
  return typeof broker === 'string' ? { ...extra, url: broker } : { ...broker, ...extra };
}
