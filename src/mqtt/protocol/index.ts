/**
 * The wire protocol of the meterlink MQTT tunnel: envelope codec, topic table, status and meta
 * messages, error codes, MQTT 5 mirrors. Pure code (no Node imports). Specified in
 * `docs/mqtt-tunnel.md`.
 *
 * @module
 */

export {
  decodeEnvelope,
  type EnvelopePeek,
  peekEnvelopeHeader,
  UnsupportedVersionError,
} from './decode-envelope.js';
export { encodeEnvelope } from './encode-envelope.js';
export {
  ApduModeCode,
  type AttachEnvelope,
  type AttachedEnvelope,
  attachNoPhysical,
  type DataEnvelope,
  defaultMaxPayloadBytes,
  type EmptyEnvelope,
  type Envelope,
  type EnvelopeDecodeOptions,
  EnvelopeFlag,
  type EnvelopeHeader,
  type EnvelopeType,
  EnvelopeTypeCode,
  envelopeFixedHeaderLength,
  maxIdLength,
  type OpenEnvelope,
  type OpenedEnvelope,
  type PushEnvelope,
  type ReasonEnvelope,
  tunnelProtocolVersion,
} from './envelope.js';
export { TunnelErrorCode, tunnelErrorName } from './error-codes.js';
export {
  decodeMeta,
  encodeMeta,
  type GatewayMeta,
  type PortKind,
  type PortMeta,
  type PortProtocol,
} from './meta.js';
export { type TunnelMqtt5Properties, tunnelContentType, tunnelMqtt5Properties } from './mqtt5.js';
export { decodeStatus, encodeStatus, type TunnelStatus } from './status.js';
export { topicMatches } from './topic-filter.js';
export { defaultTunnelRoot, type ParsedTunnelTopic, type TunnelTopics, tunnelTopics } from './topics.js';
