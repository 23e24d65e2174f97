/**
 * The tunnel gateway: {@link MqttGateway}.
 *
 * @module
 */

export type { GatewayPortProtocol } from './create-chunker.js';
export {
  type GatewayLeaseEvent,
  MqttGateway,
  type MqttGatewayEvents,
  type MqttGatewayOptions,
  type MqttGatewayPort,
} from './mqtt-gateway.js';
