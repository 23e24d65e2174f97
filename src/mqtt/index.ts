/**
 * `meterlink/mqtt`: the MQTT transport adapter. A meter link tunnelled through any MQTT broker to
 * a gateway next to the meter: `mqttLink` (the head-end's `Link`, so `DlmsClient` and
 * `ModbusClient` work over it unchanged), `MqttGateway` (serves serial, TCP, UDP or memory
 * ports), `startBroker` (an embedded broker for demos, tests and small installations), and the
 * tunnel protocol's codec. The protocol is documented in docs/mqtt-tunnel.md.
 *
 * @example
 * ```ts
 * import { DlmsClient } from 'meterlink/dlms';
 * import { mqttLink } from 'meterlink/mqtt';
 *
 * const meter = await DlmsClient.connect({
 *   link: mqttLink({ broker: 'mqtt://broker.example:1883', gatewayId: 'gw-1', port: 'p0' }),
 *   framing: 'hdlc',
 * });
 * ```
 *
 * @module meterlink/mqtt
 */

export {
  AbortError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  LinkClosedError,
  LinkError,
  MeterlinkError,
  ProtocolError,
  TimeoutError,
} from '../core/errors.js';
export { type EmbeddedBroker, type StartBrokerOptions, startBroker } from './broker/index.js';
export {
  type ConnectMqttOptions,
  connectMqtt,
  createClientId,
  type MqttBroker,
  type MqttConnection,
  type MqttProtocolVersion,
  type MqttWill,
  type ResolvedBroker,
  resolveBroker,
} from './client/index.js';
export * from './gateway/bridge/index.js';
export {
  type ConfigEnv,
  GatewayConfigError,
  type GatewayLeaseEvent,
  type GatewayMode,
  type GatewayModeHost,
  type GatewayPortProtocol,
  type GatewayPublishOptions,
  type LocalLeaseOptions,
  MqttGateway,
  type MqttGatewayEvents,
  type MqttGatewayOptions,
  type MqttGatewayPort,
  type PortLease,
} from './gateway/index.js';
export * from './gateway/json-frames/index.js';
export * from './gateway/publish/index.js';
export {
  type MqttHeadEnd,
  type MqttHeadEndLinkOptions,
  type MqttHeadEndOptions,
  type MqttLinkOptions,
  mqttHeadEnd,
  mqttLink,
  TunnelError,
  type TunnelLinkOptions,
} from './link/index.js';
export * from './protocol/index.js';
