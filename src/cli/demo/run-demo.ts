/**
 * The demo's run: start every scenario's simulated device, the embedded broker and one tunnel
 * gateway with a port per device, read all devices through the broker at once, and stop
 * everything again — whatever happened — before returning.
 *
 * @module
 */

import { waitFor } from '../../core/abort.js';
import { AbortError, TimeoutError } from '../../core/errors.js';
import { startBroker } from '../../mqtt/broker/start-broker.js';
import { MqttGateway } from '../../mqtt/gateway/mqtt-gateway.js';
import { mqttLink } from '../../mqtt/link/mqtt-link.js';
import type { DemoContext, DemoDevice, DemoMeter, DemoScenario, DemoTunnel } from './scenario.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** The scenarios to run, in output order. */
  scenarios: readonly DemoScenario[];
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** Response and connect timeout of every step, ms. */
  timeoutMs: number;
  /** Limit of the whole run, cleanup excluded, ms. */
  limitMs: number;
}

/** Id of the demo's gateway. */
const gatewayId = 'demo-gw';

/**
 * Runs the demo and returns what was read, device by device. Cleanups always run, in reverse
 * order, before this returns or throws.
 *
 * @throws TimeoutError when the run takes longer than `limitMs`; AbortError on Ctrl-C; the first
 *   error of a failed step otherwise
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoDevice[]> {
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), options.limitMs);
  const cleanups: (() => unknown)[] = [];
  const context: DemoContext = {
    signal: AbortSignal.any([options.signal, limit.signal]),
    timeoutMs: options.timeoutMs,
    defer: (cleanup) => cleanups.push(cleanup),
  };
  try {
    const meters: DemoMeter[] = [];
    for (const scenario of options.scenarios) meters.push(await scenario.start(context));
    const broker = await startBroker({ host: '127.0.0.1', port: 0 });
    context.defer(() => broker.close());
    const gateway = new MqttGateway({ broker: broker.url, id: gatewayId, ports: meters.map((m) => m.port) });
    context.defer(() => gateway.stop());
    // start() takes no signal: bound it here (a start that fails later is stopped by the cleanup).
    await waitFor<void>(
      (resolve, reject) => void gateway.start().then(resolve, reject),
      { timeoutMs: options.timeoutMs, signal: context.signal },
      'the tunnel gateway to start',
    );
    const tunnel: DemoTunnel = {
      broker: broker.url,
      gatewayId,
      link: (port) =>
        mqttLink({ broker: broker.url, gatewayId, port, timeoutMs: options.timeoutMs, session: 'clean' }),
    };
    // Every device on its own port: the head-end reads them in parallel, one lease each.
    const results = await Promise.allSettled(meters.map((meter) => meter.read(tunnel)));
    return results.map((result, i) => {
      if (result.status === 'rejected') throw result.reason;
      const { id, protocol } = meters[i]!.port;
      const { title, ...read } = result.value;
      return { title, route: `${broker.url} → gateway ${gatewayId}, port ${id} (${protocol})`, ...read };
    });
  } catch (error) {
    if (limit.signal.aborted && !options.signal.aborted) {
      throw new TimeoutError('the demo did not finish: a meter or the tunnel is too slow', options.limitMs, {
        cause: error,
      });
    }
    if (options.signal.aborted && !(error instanceof AbortError)) throw new AbortError('demo interrupted');
    throw error;
  } finally {
    clearTimeout(timer);
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Cleanup is best effort: the demo's own result (or error) is what matters.
      }
    }
  }
}
