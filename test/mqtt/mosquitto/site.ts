// A site for the mosquitto tests: a gateway `gw-1` with a DLMS meter (the example meter on an HDLC
// port) and a Modbus device (modbus-rtu port) on memory links, plus head-end helpers.
import { connect, createServer, type Socket } from 'node:net';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { DlmsHdlcOptions } from '../../../src/dlms/client/options.js';
import type { DlmsServerHdlcOptions } from '../../../src/dlms/server/server-options.js';
import { memoryPair } from '../../../src/links/index.js';
import { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { ModbusServer } from '../../../src/modbus/server/index.js';
import type { MqttBroker } from '../../../src/mqtt/client/index.js';
import { MqttGateway, type MqttGatewayOptions } from '../../../src/mqtt/gateway/index.js';
import { type MqttLinkOptions, mqttLink } from '../../../src/mqtt/link/index.js';
import { meterServer, password, sap } from '../../dlms/e2e/helpers.js';

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
  /** Extra gateway options (mqtt connection settings …). */
  gateway?: Partial<MqttGatewayOptions>;
}

export interface Site {
  gateway: MqttGateway;
  /** The meter's end of the DLMS port (taps see the head-end's bytes). */
  dlmsMeter: Link;
  /** The device's end of the Modbus port. */
  modbusMeter: Link;
}

/** Starts `gw-1` on `broker` with ports `dlms` (HDLC) and `mb` (Modbus RTU, unit 1). */
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
  const modbus = new ModbusServer({ unitIds: [1], model: { holdingRegisters: 100 } });
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
