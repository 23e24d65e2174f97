/**
 * The extension point of {@link MqttGateway}: modes beyond the byte tunnel (publish, bridge,
 * other head-end protocols) run inside a gateway and share its ports and broker connection.
 *
 * @module
 */

import type { TunnelTopics } from '../protocol/index.js';
import type { GatewayPortProtocol } from './create-chunker.js';
import type { LocalLeaseOptions, PortLease } from './gateway-port.js';

/** Options of {@link GatewayModeHost.publish}. */
export interface GatewayPublishOptions {
  /** Default 1. */
  qos?: 0 | 1;
  /** Default false. */
  retain?: boolean;
}

/** What a running gateway offers its modes. */
export interface GatewayModeHost {
  /** The gateway id. */
  readonly gatewayId: string;
  /** Topic builder for the gateway's root. */
  readonly topics: TunnelTopics;
  /** The root topic level(s). */
  readonly root: string;
  /** Aborted when the gateway stops. */
  readonly signal: AbortSignal;
  /** The ports: id and protocol. */
  ports(): {
    /** Port id: the topic level of its `req` and `push` topics. */
    id: string;
    /** How the port cuts the meter's bytes into messages. */
    protocol: GatewayPortProtocol;
  }[];
  /**
   * A lease on a port for local code, FIFO with head-end leases.
   * @throws `InvalidArgumentError` (no such port), `AbortError`, `TimeoutError`, `LinkError`
   */
  acquirePort(portId: string, options: LocalLeaseOptions): Promise<PortLease>;
  /**
   * Publishes on the gateway's broker connection (queued by the MQTT client while reconnecting).
   * @throws `LinkError` when the publish fails or the gateway is not running
   */
  publish(topic: string, payload: Uint8Array | string, options?: GatewayPublishOptions): Promise<void>;
  /**
   * Subscribes (QoS 1) and calls `listener` for each message on a matching topic; kept across
   * reconnects. Resolves to an unsubscribe function.
   * @throws `LinkError` when the broker refuses the subscription
   */
  subscribe(
    filter: string,
    listener: (topic: string, payload: Uint8Array) => void,
  ): Promise<() => Promise<void>>;
  /** Reports a non-fatal problem as the gateway's `error` event. */
  reportError(error: Error): void;
}

/**
 * A mode of a gateway: started after the gateway connected and opened its ports, stopped before
 * the ports close. Create them with the mode factories (`publishMode`, `bridgeMode` …) and pass
 * them in `MqttGatewayOptions.modes`.
 */
export interface GatewayMode {
  /** Name for errors and logs, e.g. `publish`. */
  readonly name: string;
  /**
   * Starts the mode.
   * @throws whatever makes the mode unable to run (the gateway's `start()` then fails)
   */
  start(host: GatewayModeHost): Promise<void>;
  /** Stops the mode and releases everything it holds. Idempotent. */
  stop(): Promise<void>;
}
