/**
 * The shared tunnel head-ends of one fleet read: one `MqttHeadEnd` per broker (and tunnel
 * settings), created when the first meter behind that broker is read, closed when the read ends
 * or has gone idle (then created again by the next meter).
 *
 * @module
 */

import type { MqttHeadEnd } from '../mqtt/link/mqtt-head-end.js';
import type { FleetTarget } from './fleet-meter.js';

/** Default time a head-end's connect may take, ms (a tunnel link's default open timeout). */
const defaultConnectMs = 10_000;

/**
 * Head-ends by tunnel settings object and broker URL (credentials included: two users on one
 * broker get two connections). The keys hold secrets: never log them.
 */
export class HeadEndPool {
  readonly #byOptions = new Map<object | undefined, Map<string, Promise<MqttHeadEnd>>>();
  #closed = false;

  /**
   * The shared head-end for `meter` (a tunnel URL), created on first use; `undefined` for other
   * transports, a meter that brings its own head-end, or once the pool is closed.
   */
  headEndFor(meter: FleetTarget): Promise<MqttHeadEnd> | undefined {
    const tunnel = meter.url.mqtt;
    const settings = meter.options.mqtt;
    if (
      this.#closed ||
      meter.url.transport !== 'mqtt' ||
      tunnel === undefined ||
      settings?.headEnd !== undefined
    ) {
      return undefined;
    }
    let byBroker = this.#byOptions.get(settings);
    if (byBroker === undefined) {
      byBroker = new Map();
      this.#byOptions.set(settings, byBroker);
    }
    let headEnd = byBroker.get(tunnel.broker);
    if (headEnd === undefined) {
      headEnd = (async () => {
        // Loaded on demand: the root bundle does not pull MQTT.js in.
        const { mqttHeadEnd } = await import('../mqtt/link/mqtt-head-end.js');
        const { leaseIdleMs, writeDeadlineMs, keepAlive, bus, ...connection } = settings ?? {};
        return mqttHeadEnd({
          ...connection,
          broker: tunnel.broker,
          timeoutMs: meter.options.timeoutMs ?? defaultConnectMs,
        });
      })();
      byBroker.set(tunnel.broker, headEnd);
    }
    return headEnd;
  }

  /**
   * Closes every head-end (each closes its links, clears its presence, disconnects); the next
   * `headEndFor` creates a new one. Call it only while no meter uses them.
   */
  async closeIdle(): Promise<void> {
    const all = [...this.#byOptions.values()].flatMap((byBroker) => [...byBroker.values()]);
    this.#byOptions.clear();
    await Promise.allSettled(all.map(async (headEnd) => (await headEnd).close()));
  }

  /** Closes every head-end for good: `headEndFor` gives `undefined` from now on. */
  close(): Promise<void> {
    this.#closed = true;
    return this.closeIdle();
  }
}
