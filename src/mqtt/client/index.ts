/**
 * The MQTT connection helper shared by the gateway and the tunnel link.
 *
 * @module
 */

export { type MqttBroker, type ResolvedBroker, resolveBroker } from './broker-options.js';
export { createClientId } from './client-id.js';
export {
  type ConnectMqttOptions,
  connectMqtt,
  type MqttConnection,
  type MqttProtocolVersion,
  type MqttWill,
} from './connect-mqtt.js';
