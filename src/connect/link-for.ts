/**
 * `linkFor(url)`: the (unopened) link a parsed meter URL names.
 *
 * @module
 */

import type { Link } from '../core/link.js';
import { serial } from '../links/serial.js';
import { tcp } from '../links/tcp.js';
import { udp } from '../links/udp.js';
import type { MqttLinkOptions } from '../mqtt/link/mqtt-link.js';
import type { MeterUrl } from './meter-url.js';

/** Options of {@link linkFor}. */
export interface LinkForOptions {
  /**
   * Time limit for opening the link, ms: the TCP connect, or through a tunnel the broker
   * connection and the lease. Default 3000 (TCP), 10 000 (tunnel: the lease may wait its turn).
   */
  timeoutMs?: number;
  /** Tunnel link settings besides broker, gateway and port (head-end id, TLS files, QoS session …). */
  mqtt?: Omit<MqttLinkOptions, 'broker' | 'gatewayId' | 'port' | 'timeoutMs'>;
}

/**
 * The link a parsed URL names, not opened yet. The tunnel link module (and MQTT.js with it) is
 * loaded only when a URL names the tunnel.
 *
 * @throws {@link InvalidArgumentError} for link options out of range (from the link factories)
 * @example
 * ```ts
 * const link = await linkFor(parseMeterUrl('hdlc+mqtt://broker/gw-1/p0'));
 * ```
 */
export async function linkFor(url: MeterUrl, options: LinkForOptions = {}): Promise<Link> {
  switch (url.transport) {
    case 'tcp':
      return tcp({ host: url.host!, port: url.port!, connectTimeoutMs: options.timeoutMs ?? 3000 });
    case 'udp':
      return udp({ host: url.host!, port: url.port! });
    case 'serial':
      return serial({ ...url.serial! });
    case 'mqtt': {
      const { mqttLink } = await import('../mqtt/link/mqtt-link.js');
      const { broker, gatewayId, port } = url.mqtt!;
      return mqttLink({
        ...options.mqtt,
        broker,
        gatewayId,
        port,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    }
  }
}
