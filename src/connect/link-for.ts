/**
 * `linkFor(url)`: the (unopened) link a parsed meter URL names.
 *
 * @module
 */

import { InvalidArgumentError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import { serial } from '../links/serial.js';
import { tcp } from '../links/tcp.js';
import { udp } from '../links/udp.js';
import type { MqttHeadEnd } from '../mqtt/link/mqtt-head-end.js';
import type { MqttLinkOptions } from '../mqtt/link/mqtt-link.js';
import type { MeterUrl } from './meter-url.js';

/** Options of {@link linkFor}. */
export interface LinkForOptions {
  /**
   * Time limit for opening the link, ms: the TCP connect, or through a tunnel the broker
   * connection and the lease. Default 3000 (TCP), 10 000 (tunnel: the lease may wait its turn).
   */
  timeoutMs?: number;
  /**
   * Tunnel link settings besides broker, gateway and port (head-end id, TLS files, QoS session …),
   * or `headEnd`: a shared head-end (`mqttHeadEnd`) to open the link on instead of a connection of
   * its own. Its broker must be the URL's (`scheme://host:port`); its own credentials, TLS
   * options, id, root and session then apply, and only the lease settings here (`leaseIdleMs`,
   * `writeDeadlineMs`, `keepAlive`, `bus`) are used.
   */
  mqtt?: Omit<MqttLinkOptions, 'broker' | 'gatewayId' | 'port' | 'timeoutMs'> & {
    /** A shared head-end on the URL's broker to open the link on (the caller closes it). */
    headEnd?: MqttHeadEnd;
  };
}

/**
 * The link a parsed URL names, not opened yet. The tunnel link module (and MQTT.js with it) is
 * loaded only when a URL names the tunnel.
 *
 * @throws {@link InvalidArgumentError} for link options out of range (from the link factories), a
 *   shared head-end on another broker than the URL's; `LinkClosedError` for a closed head-end
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
      const { broker, gatewayId, port } = url.mqtt!;
      const { headEnd, ...own } = options.mqtt ?? {};
      const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
      if (headEnd !== undefined) {
        const { resolveBroker } = await import('../mqtt/client/broker-options.js');
        const wanted = resolveBroker(broker).description;
        if (wanted !== headEnd.broker) {
          throw new InvalidArgumentError(
            `${url.display}: the shared head-end is connected to ${headEnd.broker}, not to ${wanted}`,
          );
        }
        const { leaseIdleMs, writeDeadlineMs, keepAlive, bus } = own;
        return headEnd.link({
          ...defined({ leaseIdleMs, writeDeadlineMs, keepAlive, bus }),
          gatewayId,
          port,
          ...timeout,
        });
      }
      const { mqttLink } = await import('../mqtt/link/mqtt-link.js');
      return mqttLink({ ...own, broker, gatewayId, port, ...timeout });
    }
  }
}

/** `options` without its `undefined` entries. */
function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
