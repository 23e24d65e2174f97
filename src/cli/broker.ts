/**
 * `meterlink broker`: the embedded MQTT broker (aedes) for demos, tests and small installations,
 * until interrupted.
 *
 * @module
 */

import { integerFlag, stringFlag, UsageError } from './args.js';
import type { Command, CommandResult } from './command.js';
import { toJson } from './output.js';

/** Resolves when `signal` aborts. */
function interrupted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** `meterlink broker`. */
export const broker: Command = {
  name: 'broker',
  synopsis: '',
  summary: 'Run an embedded MQTT broker until interrupted',
  description: [
    'Runs an embedded MQTT 3.1.1 broker (aedes) for meterlink gateways and head-ends until Ctrl-C: on --host (default 127.0.0.1, only local clients; 0.0.0.0 accepts others) and --port (default 1883, 0 = any free port). Every accepted socket gets TCP_NODELAY.',
    'It has no authentication and no TLS, and keeps sessions, retained messages and queued QoS 1 messages in memory only: bind it to a trusted interface, and use mosquitto or another broker in production.',
    'Prints where it listens as soon as it does; on Ctrl-C it disconnects every client and stops. With --json each of the two is one JSON document: { listening: { host, port, url } } and { stopped: true, seconds }.',
  ],
  flags: ['port', 'host'],
  examples: [
    'meterlink broker',
    'meterlink broker --host 0.0.0.0 --port 1884',
    'meterlink broker --port 0 --json',
  ],
  async run(context): Promise<CommandResult> {
    if (context.operands.length > 0) {
      throw new UsageError(`unexpected argument '${context.operands[0]}'`, 'broker');
    }
    const started = Date.now();
    // Loaded here, not with the CLI: aedes (with MQTT.js) would add ~50 ms to the start of every command.
    const { startBroker } = await import('../mqtt/broker/index.js');
    const running = await startBroker({
      port: integerFlag(context.args, 'port', 0, 65535) ?? 1883,
      host: stringFlag(context.args, 'host') ?? '127.0.0.1',
    });
    try {
      const { host, port, url } = running;
      context.stdout.write(
        context.json
          ? toJson({ listening: { host, port, url } })
          : [
              `meterlink broker: embedded MQTT 3.1.1 broker listening on ${url}`,
              '  no authentication, no TLS; sessions and retained messages live in memory only',
              'Stop with Ctrl-C.',
              '',
            ].join('\n'),
      );
      await interrupted(context.signal);
    } finally {
      await running.close();
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    return { text: `meterlink broker: stopped after ${seconds} s`, json: { stopped: true, seconds } };
  },
};
