/**
 * The head-end side of the MQTT tunnel: {@link mqttLink}.
 *
 * @module
 */

export { type MqttLinkOptions, mqttLink } from './mqtt-link.js';
export { TunnelError } from './tunnel-error.js';
