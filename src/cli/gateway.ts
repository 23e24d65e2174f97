/**
 * `meterlink gateway <config.json>`: an MQTT tunnel gateway serving the ports of a JSON
 * configuration (serial lines, TCP or UDP meters) to head-ends through a broker, until interrupted.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MeterlinkError } from '../core/errors.js';
import { describeLink, linkFactory, linkKind } from '../mqtt/gateway/config-links.js';
import type { GatewayMode } from '../mqtt/gateway/gateway-mode.js';
import { tunnelTopics } from '../mqtt/protocol/index.js';
import { UsageError } from './args.js';
import type { Command, CommandContext, CommandResult } from './command.js';
import { brokerOptions, brokerSecrets, describeBroker } from './gateway-broker.js';
import { type GatewayConfig, parseGatewayConfig } from './gateway-config.js';
import { formatTable, toJson } from './output.js';

const name = 'gateway';

/** Reads and checks the configuration file named on the command line. */
async function loadConfig(context: CommandContext): Promise<{ file: string; config: GatewayConfig }> {
  const [file, extra] = context.operands;
  if (file === undefined) throw new UsageError('missing <config.json>', name);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, name);
  }
  return { file, config: parseGatewayConfig(text, context.env) };
}

/** The gateway's modes from the configuration (their code loads with the gateway's). */
async function createModes(config: GatewayConfig): Promise<GatewayMode[]> {
  const [{ publishMode }, { bridgeMode }, { jsonFrameMode }] = await Promise.all([
    import('../mqtt/gateway/publish/index.js'),
    import('../mqtt/gateway/bridge/index.js'),
    import('../mqtt/gateway/json-frames/index.js'),
  ]);
  return config.modes.map((m) => {
    if (m.mode === 'publish') return publishMode(m.options);
    if (m.mode === 'bridge') return bridgeMode(m.options);
    return jsonFrameMode(m.options);
  });
}

/** `text` with every secret replaced by `***`. */
function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** Resolves when `signal` aborts. */
function interrupted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** `meterlink gateway`. */
export const gateway: Command = {
  name,
  synopsis: '<config.json>',
  summary: 'Serve meters to MQTT head-ends as a tunnel gateway until interrupted',
  description: [
    'Connects to the MQTT broker of <config.json> as gateway <id> and serves its ports — serial lines, TCP or UDP meters — to head-ends (mqttLink) through the tunnel of docs/mqtt-tunnel.md, until Ctrl-C: one lease per port at a time, retained status (online, offline by Last Will) and meta, pushes of bytes that arrive outside a lease.',
    'The configuration (see examples/gateways/example.json): { id, root?, broker, ports: [{ id, protocol, link, leaseIdleMs?, rawGapMs?, frameGapMs?, answerTimeoutMs? }] }. broker is a URL (mqtt://host:1883, mqtts://host:8883) or { url, username, password, ca, cert, key } with TLS files relative to the configuration file; the password may come from the environment as { "env": "NAME" } and is never shown. protocol is hdlc, modbus-rtu or raw; link is { serial: { path, baudRate, dataBits, parity, stopBits } }, { tcp: { host, port } } or { udp: { host, port } }. modes (optional) adds what the gateway does on its own beside the tunnel: publish (read meters on a schedule, readings as JSON), bridge (the values of a DLMS meter as Modbus registers, listening on TCP/UDP or serving a serial line) and json-frames (head-ends speaking JSON frame messages); see docs/gateway-modes.md and examples/gateways/modes.json. A mistake is refused naming its JSON path.',
    'Prints the gateway id, the broker (without credentials) and the ports once connected, then a line per lease and per problem (a port that cannot be opened is retried when a head-end asks for it); on Ctrl-C it ends the leases, publishes its status offline and prints how many leases it served. With --json each of these is one JSON document: { gateway: { id, broker, root, status }, ports: [{ id, protocol, kind, link }] }, { lease: { port, busy } }, { warning: { code, message } } and { stopped: true, leases, seconds }. An unreachable broker fails at once (exit 1).',
  ],
  flags: [],
  examples: [
    'meterlink gateway examples/gateways/example.json',
    'MQTT_PASSWORD=… meterlink gateway /etc/meterlink/gateway.json --json',
  ],
  async run(context): Promise<CommandResult> {
    const { file, config } = await loadConfig(context);
    const secrets = brokerSecrets(config.broker);
    const print = (text: string, json: unknown): void => {
      context.stdout.write(redact(context.json ? toJson(json) : `${text}\n`, secrets));
    };
    let ready = false;
    const early: Error[] = [];
    const warn = (error: Error): void => {
      if (!ready) {
        early.push(error);
        return;
      }
      const code = error instanceof MeterlinkError ? error.code : 'ERR_INTERNAL';
      print(`warning: ${code}: ${error.message}`, { warning: { code, message: error.message } });
    };
    let leases = 0;
    const started = Date.now();
    try {
      // Loaded here, not with the CLI: MQTT.js would add ~40 ms to the start of every command.
      const { MqttGateway } = await import('../mqtt/gateway/index.js');
      const modes = await createModes(config);
      const instance = new MqttGateway({
        broker: await brokerOptions(config.broker, dirname(file)),
        id: config.id,
        ...(config.root === undefined ? {} : { root: config.root }),
        ports: config.ports.map(({ link, ...port }) => ({
          ...port,
          link: linkFactory(link),
          kind: linkKind(link),
        })),
        modes,
      });
      instance.on('error', warn);
      instance.on('lease', ({ portId, busy }) => {
        if (busy) leases++;
        print(`port ${portId}: ${busy ? 'leased' : 'free'}`, { lease: { port: portId, busy } });
      });
      try {
        await instance.start({ signal: context.signal });
        const broker = describeBroker(config.broker);
        const topics = tunnelTopics(config.root);
        const ports = config.ports.map((p) => ({
          id: p.id,
          protocol: p.protocol,
          kind: linkKind(p.link),
          link: p.link,
        }));
        print(
          [
            `meterlink gateway: ${config.id} on ${broker}, ${ports.length} port${ports.length === 1 ? '' : 's'}, status ${topics.status(config.id)}`,
            formatTable(
              ['  port', 'protocol', 'link'],
              config.ports.map((p) => [`  ${p.id}`, p.protocol, describeLink(p.link)]),
            ),
            'Stop with Ctrl-C.',
          ].join('\n'),
          { gateway: { id: config.id, broker, root: topics.root, status: topics.status(config.id) }, ports },
        );
        ready = true;
        for (const error of early.splice(0)) warn(error);
        await interrupted(context.signal);
      } finally {
        await instance.stop();
      }
    } catch (error) {
      if (error instanceof Error) error.message = redact(error.message, secrets);
      throw error;
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    return {
      text: `meterlink gateway: ${config.id} stopped after ${seconds} s, ${leases} lease${leases === 1 ? '' : 's'} served`,
      json: { stopped: true, leases, seconds },
    };
  },
};
