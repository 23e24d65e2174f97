/**
 * The MQTT 5 properties a tunnel publisher sets when the connection speaks MQTT 5: mirrors of
 * envelope fields for brokers and tools, never required by a receiver.
 *
 * @module
 */

import type { Envelope } from './envelope.js';

/** MQTT 5 `contentType` of every envelope. */
export const tunnelContentType = 'application/vnd.meterlink.tunnel.v1';

/** MQTT 5 publish properties derived from an envelope. */
export interface TunnelMqtt5Properties {
  /** The envelope's correlation id, 4 octets big-endian. */
  correlationData: Uint8Array;
  /** {@link tunnelContentType}. */
  contentType: string;
  /** The deadline rounded up to whole seconds, when the envelope has one: the broker drops it after that. */
  messageExpiryInterval?: number;
  /** The reply-to's `res` topic, on head-end requests. */
  responseTopic?: string;
}

/**
 * The MQTT 5 properties for publishing `envelope`.
 *
 * @param envelope - The envelope being published.
 * @param responseTopic - The `res` topic of its reply-to (head-end requests only).
 * @returns The properties.
 * @example
 * ```ts
 * await client.publishAsync(topic, Buffer.from(bytes), { qos: 1, properties: tunnelMqtt5Properties(env, resTopic) });
 * ```
 */
export function tunnelMqtt5Properties(envelope: Envelope, responseTopic?: string): TunnelMqtt5Properties {
  const c = envelope.correlationId;
  const props: TunnelMqtt5Properties = {
    correlationData: new Uint8Array([c >>> 24, c >>> 16, c >>> 8, c]),
    contentType: tunnelContentType,
  };
  if (envelope.deadlineMs > 0) props.messageExpiryInterval = Math.ceil(envelope.deadlineMs / 1000);
  if (responseTopic !== undefined) props.responseTopic = responseTopic;
  return props;
}
