// A site for the mosquitto tests: a gateway `gw-1` with a DLMS meter (the example meter on an HDLC
// port) and a Modbus device (modbus-rtu port) on memory links, plus head-end helpers.
import { connect, createServer, type Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import mqtt from 'mqtt';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { DlmsHdlcOptions } from '../../../src/dlms/client/options.js';
import type { DlmsServerHdlcOptions } from '../../../src/dlms/server/server-options.js';
import { memoryPair } from '../../../src/links/index.js';
import { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { ModbusServer } from '../../../src/modbus/server/index.js';
import type { MqttBroker } from '../../../src/mqtt/client/index.js';
import { MqttGateway, type MqttGatewayOptions } from '../../../src/mqtt/gateway/index.js';
import {
  type MqttHeadEnd,
  type MqttLinkOptions,
  mqttHeadEnd,
  mqttLink,
  TunnelError,
} from '../../../src/mqtt/link/index.js';
import { tunnelTopics } from '../../../src/mqtt/protocol/index.js';
import { echoObis, meterServer, password, sap } from '../../dlms/e2e/helpers.js';

/** Things to close after a test, closed last-in first-out; failures ignored. */
export class Cleanups {
  readonly #tasks: (() => unknown)[] = [];
  add(task: () => unknown): void {
    this.#tasks.push(task);
  }
  async run(): Promise<void> {
    while (this.#tasks.length > 0) await Promise.resolve(this.#tasks.pop()!()).catch(() => undefined);
  }
}

export const gatewayId = 'gw-1';
export const profileObis = '1.0.99.1.0.255';

/** HDLC sizes of the meter's port (and of clients that want many round trips). */
export interface SiteOptions {
  /** Meter-side HDLC settings (information field sizes, window). */
  hdlc?: DlmsServerHdlcOptions;
  /** Meter's max PDU size. */
  maxPduSize?: number;
  /** Extra gateway options (mqtt connection settings, another `id` …). */
  gateway?: Partial<MqttGatewayOptions>;
  /** Holding registers of the Modbus device (unit 1). Default: 100 zeros. */
  registers?: number[];
}

export interface Site {
  gateway: MqttGateway;
  /** The meter's end of the DLMS port (taps see the head-end's bytes). */
  dlmsMeter: Link;
  /** The device's end of the Modbus port. */
  modbusMeter: Link;
}

/**
 * Starts `gw-1` (or `options.gateway.id`) on `broker` with ports `dlms` (HDLC) and `mb` (Modbus
 * RTU, unit 1).
 */
export async function startSite(
  broker: MqttBroker,
  cleanups: Cleanups,
  options: SiteOptions = {},
): Promise<Site> {
  const [dlmsGw, dlmsMeter] = memoryPair({ bus: true });
  const [modbusGw, modbusMeter] = memoryPair({ bus: true });
  const { server } = meterServer(
    options.maxPduSize === undefined ? {} : { association: { maxPduSize: options.maxPduSize } },
  );
  const served = server.serve(dlmsMeter, { framing: 'hdlc', ...options.hdlc });
  cleanups.add(() => served.close());
  const modbus = new ModbusServer({ unitIds: [1], model: { holdingRegisters: options.registers ?? 100 } });
  const stopModbus = modbus.serve(modbusMeter, { framing: 'rtu' });
  cleanups.add(stopModbus);
  const gateway = new MqttGateway({
    broker,
    id: gatewayId,
    ports: [
      { id: 'dlms', link: dlmsGw, protocol: 'hdlc', kind: 'serial' },
      { id: 'mb', link: modbusGw, protocol: 'modbus-rtu', kind: 'serial' },
    ],
    ...options.gateway,
  });
  gateway.on('error', () => undefined);
  await gateway.start();
  cleanups.add(() => gateway.stop());
  return { gateway, dlmsMeter, modbusMeter };
}

/** Connection options of the LLS management client of the example meter. */
export const management = {
  client: sap.lls,
  auth: { mechanism: 'lls' as const, password },
  server: { logical: 1, physical: 17 },
};

/** A DlmsClient (HDLC, LLS) on port `dlms` through the broker. */
export async function dlmsOver(
  broker: MqttBroker,
  cleanups: Cleanups,
  options: {
    link?: Partial<MqttLinkOptions>;
    hdlc?: DlmsHdlcOptions;
    maxPduSize?: number;
    timeoutMs?: number;
  } = {},
): Promise<DlmsClient> {
  const client = await DlmsClient.connect({
    link: mqttLink({ broker, gatewayId, port: 'dlms', ...options.link }),
    framing: 'hdlc',
    ...management,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.hdlc === undefined ? {} : { hdlc: options.hdlc }),
    ...(options.maxPduSize === undefined ? {} : { maxPduSize: options.maxPduSize }),
  });
  cleanups.add(() => client.close());
  return client;
}

/** A ModbusClient (RTU) on port `mb` through the broker. */
export async function modbusOver(
  broker: MqttBroker,
  cleanups: Cleanups,
  options: {
    link?: Partial<MqttLinkOptions>;
    unitId?: number;
    timeoutMs?: number;
    connectTimeoutMs?: number;
  } = {},
): Promise<ModbusClient> {
  const client = await ModbusClient.connect({
    link: mqttLink({ broker, gatewayId, port: 'mb', ...options.link }),
    framing: 'rtu',
    unitId: options.unitId ?? 1,
    timeoutMs: options.timeoutMs ?? 3000,
    connectTimeoutMs: options.connectTimeoutMs ?? 3000,
  });
  cleanups.add(() => client.close());
  return client;
}

/** The same reads straight over a memory pair: what every tunnelled read must equal. */
export async function referenceReads<T>(what: (client: DlmsClient) => Promise<T>): Promise<T> {
  const [a, b] = memoryPair();
  const { server } = meterServer();
  const served = server.serve(b, { framing: 'hdlc' });
  try {
    const client = await DlmsClient.connect({ link: a, framing: 'hdlc', ...management, timeoutMs: 5000 });
    try {
      return await what(client);
    } finally {
      await client.close();
    }
  } finally {
    await served.close();
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `predicate()` holds, polling every 5 ms; throws after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

/** A TCP proxy to `127.0.0.1:{target}` that can go away (sockets cut, port closed) and come back. */
export interface Proxy {
  readonly port: number;
  /** Cuts every connection and stops listening: connects are refused. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(target: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => {
        inbound.destroy();
        outbound.destroy();
        sockets.delete(s);
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const pause = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen(0);
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return { port: address.port, pause, resume: () => listen(address.port), close: pause };
}

/** Holding registers `base`, `base + 1` … `base + 99` (a site's `registers`). */
export function countingRegisters(base: number): number[] {
  return Array.from({ length: 100 }, (_, i) => base + i);
}

/** A port of a site for a shared head-end's link: the DLMS meter, or the Modbus device with `countingRegisters(base)`. */
export interface HeadEndTarget {
  readonly gatewayId: string;
  readonly port: 'dlms' | 'mb';
  readonly base: number;
}

export type HeadEndClient = DlmsClient | ModbusClient;

/**
 * A client on `target` over a new link of `headEnd` (closed by `cleanups`). DLMS rides out a
 * broker away for about a second (HDLC polls again every 300 ms, and its sequence numbers tell a
 * late frame from the next one); Modbus waits `modbus.timeoutMs` (default 700) and tries
 * `modbus.retries` (default 3) more times.
 */
export async function clientOn(
  headEnd: MqttHeadEnd,
  target: HeadEndTarget,
  cleanups: Cleanups,
  modbus: { timeoutMs?: number; retries?: number } = {},
): Promise<HeadEndClient> {
  const link = headEnd.link({ gatewayId: target.gatewayId, port: target.port, timeoutMs: 3000 });
  const client =
    target.port === 'dlms'
      ? await DlmsClient.connect({
          link,
          framing: 'hdlc',
          ...management,
          timeoutMs: 4000,
          hdlc: { frameTimeoutMs: 300, retries: 8 },
        })
      : await ModbusClient.connect({
          link,
          framing: 'rtu',
          unitId: 1,
          timeoutMs: modbus.timeoutMs ?? 700,
          retries: modbus.retries ?? 3,
          connectTimeoutMs: 3000,
        });
  cleanups.add(() => client.close());
  return client;
}

/**
 * Read number `i` on `target` and what it must return: a DLMS echo of 24 octets `i`, or the two
 * registers at `i % 50`. A wrong or stale answer shows as `got` ≠ `want`.
 */
export async function readTarget(
  client: HeadEndClient,
  target: HeadEndTarget,
  i: number,
): Promise<{ got: unknown; want: unknown }> {
  if (client instanceof DlmsClient) {
    const value = new Uint8Array(24).fill(i & 0xff);
    const got = await client.action(
      { classId: 1, obis: echoObis, method: 1 },
      { type: 'octet-string', value },
    );
    return { got, want: { type: 'octet-string', value } };
  }
  const at = i % 50;
  const got = [...(await client.readHoldingRegisters(at, 2))];
  return { got, want: [target.base + at, target.base + at + 1] };
}

/** The TunnelError in `error` or its causes. */
export function tunnelErrorIn(error: unknown): TunnelError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof TunnelError) return e;
  return undefined;
}

/** The Modbus device of gw-1 (`countingRegisters(1000)`) and of gw-2 (`countingRegisters(2000)`). */
export const gw1Modbus: HeadEndTarget = { gatewayId: 'gw-1', port: 'mb', base: 1000 };
export const gw2Modbus: HeadEndTarget = { gatewayId: 'gw-2', port: 'mb', base: 2000 };

/**
 * Two sites, gw-1 and gw-2, each reaching the broker on 127.0.0.1:`brokerPort` through a proxy of
 * its own (gw-1 can be held back, gw-2 killed), reconnecting within 200 ms; one shared head-end on
 * `brokerUrl` with a Modbus client on each gateway, read once.
 */
export async function twoProxiedGateways(brokerPort: number, brokerUrl: string, cleanups: Cleanups) {
  const proxy1 = await startProxy(brokerPort);
  cleanups.add(() => proxy1.close());
  const proxy2 = await startProxy(brokerPort);
  cleanups.add(() => proxy2.close());
  const reconnect = { initialDelayMs: 50, maxDelayMs: 200 };
  await startSite(`mqtt://127.0.0.1:${proxy1.port}`, cleanups, {
    registers: countingRegisters(1000),
    gateway: { mqtt: { reconnect } },
  });
  await startSite(`mqtt://127.0.0.1:${proxy2.port}`, cleanups, {
    registers: countingRegisters(2000),
    gateway: { id: 'gw-2', mqtt: { reconnect } },
  });
  const he = mqttHeadEnd({ broker: brokerUrl });
  cleanups.add(() => he.close());
  const onGw1 = await clientOn(he, gw1Modbus, cleanups);
  const onGw2 = await clientOn(he, gw2Modbus, cleanups);
  for (const [client, target] of [
    [onGw1, gw1Modbus],
    [onGw2, gw2Modbus],
  ] as const) {
    const { got } = await readTarget(client, target, 0);
    if (!isDeepStrictEqual(got, [target.base, target.base + 1])) {
      throw new Error(`${target.gatewayId}/${target.port} read ${JSON.stringify(got)} before the test began`);
    }
  }
  return { proxy1, proxy2, he, onGw1, onGw2 };
}

/** Waits (bounded) until head-end `headEndId` has published an `online` presence on `brokerUrl`. */
export async function presenceOnline(
  brokerUrl: string,
  headEndId: string,
  cleanups: Cleanups,
): Promise<void> {
  const observer = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
  cleanups.add(() => observer.endAsync(true));
  const presence: string[] = [];
  observer.on('message', (_topic, payload) => presence.push(payload.toString()));
  await observer.subscribeAsync(tunnelTopics().headEndStatus(headEndId), { qos: 1 });
  await until(() => presence.some((p) => p.includes('"online"')), 3000, "the head-end's presence");
}
