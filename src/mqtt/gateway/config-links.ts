/**
 * Links built from their gateway configuration (`meterlink gateway` ports, a bridge's Modbus
 * line). Building a serial link loads nothing: `serialport` is loaded when the link opens.
 *
 * @module
 */

import type { Link } from '../../core/link.js';
import { formatPeer } from '../../links/peer.js';
import { serial } from '../../links/serial.js';
import { tcp } from '../../links/tcp.js';
import { udp } from '../../links/udp.js';
import type { GatewayLinkConfig } from './link-config.js';

/** The transport of a port's link: the `kind` in the gateway's meta message. */
export function linkKind(config: GatewayLinkConfig): 'serial' | 'tcp' | 'udp' {
  return 'serial' in config ? 'serial' : 'tcp' in config ? 'tcp' : 'udp';
}

/**
 * A factory of fresh links to the port's meter: the gateway calls it at start and again after a
 * link closed (a meter that dropped its TCP connection, a serial adapter unplugged).
 */
export function linkFactory(config: GatewayLinkConfig): () => Link {
  if ('serial' in config) return () => serial({ ...config.serial });
  if ('tcp' in config) return () => tcp({ ...config.tcp });
  return () => udp({ ...config.udp });
}

/** `tcp://127.0.0.1:4059`, `udp://10.0.0.7:4059`, `serial /dev/ttyUSB0 9600 8N1`. */
export function describeLink(config: GatewayLinkConfig): string {
  if ('tcp' in config) return formatPeer('tcp', config.tcp.host, config.tcp.port);
  if ('udp' in config) return formatPeer('udp', config.udp.host, config.udp.port);
  const { path, baudRate, dataBits, parity, stopBits } = config.serial;
  return `serial ${path} ${baudRate} ${dataBits}${parity[0]!.toUpperCase()}${stopBits}`;
}
