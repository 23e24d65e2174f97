/**
 * The tunnel gateway: {@link MqttGateway}.
 *
 * @module
 */

export { type ConfigEnv, GatewayConfigError } from './config-fields.js';
export type { GatewayPortProtocol } from './create-chunker.js';
export type { GatewayMode, GatewayModeHost, GatewayPublishOptions } from './gateway-mode.js';
export type { LocalLeaseOptions, PortLease } from './gateway-port.js';
export {
  type GatewayLeaseEvent,
  MqttGateway,
  type MqttGatewayEvents,
  type MqttGatewayOptions,
  type MqttGatewayPort,
} from './mqtt-gateway.js';
