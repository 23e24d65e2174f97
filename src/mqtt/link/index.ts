/**
 * The head-end side of the MQTT tunnel: {@link mqttLink} (a link on a connection of its own) and
 * {@link mqttHeadEnd} (many links on one connection).
 *
 * @module
 */

export {
  type MqttHeadEnd,
  type MqttHeadEndLinkOptions,
  type MqttHeadEndOptions,
  mqttHeadEnd,
} from './mqtt-head-end.js';
export { type MqttLinkOptions, mqttLink } from './mqtt-link.js';
export { TunnelError } from './tunnel-error.js';
export type { TunnelLinkOptions } from './tunnel-link.js';
