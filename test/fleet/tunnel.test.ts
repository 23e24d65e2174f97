// readFleet through the MQTT tunnel with the package's own connect(): a DLMS meter and a Modbus
// device behind one gateway of the embedded broker, read one at a time (one gateway key).
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { DlmsClient } from '../../src/dlms/client/dlms-client.js';
import { readFleet } from '../../src/fleet/index.js';
import { memoryPair } from '../../src/links/index.js';
import type { ModbusClient } from '../../src/modbus/client/modbus-client.js';
import { ModbusServer } from '../../src/modbus/server/index.js';
import { type EmbeddedBroker, startBroker } from '../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../src/mqtt/gateway/index.js';
import { meterServer, password, sap } from '../dlms/e2e/helpers.js';
import { until } from '../helpers/until.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

it('reads a DLMS meter and a Modbus device behind one tunnel gateway', { timeout: 10_000 }, async () => {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const [dlmsGw, dlmsMeter] = memoryPair();
  const [modbusGw, modbusMeter] = memoryPair({ bus: true });
  const served = meterServer().server.serve(dlmsMeter, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  new ModbusServer({ unitIds: [1], model: { holdingRegisters: [7, 8] } }).serve(modbusMeter, {
    framing: 'rtu',
  });
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'dlms', link: dlmsGw, protocol: 'hdlc' },
      { id: 'mb', link: modbusGw, protocol: 'modbus-rtu', kind: 'serial' },
    ],
  });
  await gateway.start();
  cleanups.push(() => gateway.stop());

  const host = broker.url.replace(/^mqtt:\/\//, '');
  const meters = [
    {
      id: 'dlms',
      url: `hdlc+mqtt://${host}/gw-1/dlms?client=${sap.lls}&physical=17&auth=lls`,
      options: { dlms: { auth: { mechanism: 'lls', password } } } as const,
    },
    { id: 'modbus', url: `modbus+mqtt://${host}/gw-1/mb?unit=1` },
  ];
  const read = readFleet(
    meters,
    async (client, _meter, signal) =>
      client instanceof DlmsClient
        ? (await client.readRegister('1.0.1.8.0.255', { signal })).unit
        : [...(await (client as ModbusClient).readHoldingRegisters(0, 2, { signal }))],
    { concurrency: 4 },
  );
  let maxRunning = 0;
  read.on('progress', (p) => {
    maxRunning = Math.max(maxRunning, p.running);
  });
  const values: Record<string, unknown> = {};
  for await (const r of read) {
    if (!r.ok) throw r.error;
    values[r.meter.id] = r.value;
  }
  expect(values).toEqual({ dlms: 'Wh', modbus: [7, 8] });
  expect(maxRunning).toBe(1);
});

/** Client ids of the head-end connections the broker accepts and drops from now on ($SYS). */
async function headEndConnections(broker: EmbeddedBroker): Promise<{ opened: string[]; closed: string[] }> {
  const seen = { opened: [] as string[], closed: [] as string[] };
  const spy = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => spy.endAsync(true));
  spy.on('message', (topic, payload) => {
    const id = payload.toString();
    if (id.startsWith('meterlink-he-')) (topic.endsWith('/new/clients') ? seen.opened : seen.closed).push(id);
  });
  await spy.subscribeAsync(['$SYS/+/new/clients', '$SYS/+/disconnect/clients'], { qos: 0 });
  return seen;
}

const firstRegister = async (client: unknown, _meter: unknown, signal: AbortSignal): Promise<number[]> => [
  ...(await (client as ModbusClient).readHoldingRegisters(0, 1, { signal })),
];

it('reads tunnel meters over one MQTT connection per broker, closed at the end', {
  timeout: 10_000,
}, async () => {
  const brokers = [await startBroker({ port: 0 }), await startBroker({ port: 0 })];
  const meters: { id: string; url: string }[] = [];
  const seen: { opened: string[]; closed: string[] }[] = [];
  for (const [b, broker] of brokers.entries()) {
    cleanups.push(() => broker.close());
    const ports = [];
    for (let p = 0; p < 3; p++) {
      const [gw, device] = memoryPair({ bus: true });
      new ModbusServer({ unitIds: [1], model: { holdingRegisters: [b * 10 + p] } }).serve(device, {
        framing: 'rtu',
      });
      ports.push({ id: `mb${p}`, link: gw, protocol: 'modbus-rtu' as const });
      // Two reads of each device, 12 reads in all.
      for (const round of [0, 1]) {
        const host = broker.url.replace(/^mqtt:\/\//, '');
        meters.push({ id: `b${b}p${p}r${round}`, url: `modbus+mqtt://${host}/gw-${b}/mb${p}?unit=1` });
      }
    }
    const gateway = new MqttGateway({ broker: broker.url, id: `gw-${b}`, ports });
    await gateway.start();
    cleanups.push(() => gateway.stop());
    seen.push(await headEndConnections(broker));
  }
  const read = readFleet(meters, firstRegister, { concurrency: 4, perGatewayConcurrency: 2 });
  const values: Record<string, unknown> = {};
  for await (const r of read) {
    if (!r.ok) throw r.error;
    values[r.meter.id] = r.value;
  }
  expect(Object.keys(values)).toHaveLength(12);
  expect(values.b1p2r1).toEqual([12]);
  expect(seen.map((s) => s.opened.length)).toEqual([1, 1]);
  // Closed when the read ended.
  await until(() => seen.every((s) => s.closed.length >= 1));
  expect(seen.map((s) => s.closed)).toEqual(seen.map((s) => s.opened));

  const unshared = readFleet(meters.slice(0, 3), firstRegister, {
    shareTunnelConnections: false,
    concurrency: 3,
    perGatewayConcurrency: 3,
  });
  for await (const r of unshared) if (!r.ok) throw r.error;
  expect(seen[0]!.opened).toHaveLength(4); // one more per read without sharing
});

/** A broker with one gateway and three Modbus devices on ports mb0–mb2, and their meter list. */
async function threeDevices(): Promise<{
  meters: { id: string; url: string }[];
  seen: { opened: string[]; closed: string[] };
}> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const host = broker.url.replace(/^mqtt:\/\//, '');
  const ports = [];
  const meters = [];
  for (let p = 0; p < 3; p++) {
    const [gw, device] = memoryPair({ bus: true });
    new ModbusServer({ unitIds: [1], model: { holdingRegisters: [p] } }).serve(device, { framing: 'rtu' });
    ports.push({ id: `mb${p}`, link: gw, protocol: 'modbus-rtu' as const });
    meters.push({ id: `m${p}`, url: `modbus+mqtt://${host}/gw-1/mb${p}?unit=1` });
  }
  const gateway = new MqttGateway({ broker: broker.url, id: 'gw-1', ports });
  await gateway.start();
  cleanups.push(() => gateway.stop());
  return { meters, seen: await headEndConnections(broker) };
}

it('closes the shared connection once the last meter is read, even if the end is never asked for', {
  timeout: 10_000,
}, async () => {
  const { meters, seen } = await threeDevices();
  const read = readFleet(meters, firstRegister, { concurrency: 3, sharedIdleCloseMs: 60_000 });
  const results = read[Symbol.asyncIterator]();
  for (let i = 0; i < 3; i++) expect((await results.next()).done).toBe(false);
  // No fourth next(): the connection closes anyway (not by the 60 s idle timer).
  await until(() => seen.closed.length === 1, 3000);
  expect(seen.closed).toEqual(seen.opened);
  expect(await results.next()).toEqual({ value: undefined, done: true });
});

it('closes the shared connection while a consumer has stopped asking, and opens it again', {
  timeout: 10_000,
}, async () => {
  const { meters, seen } = await threeDevices();
  const read = readFleet(meters, firstRegister, { concurrency: 1, highWaterMark: 1, sharedIdleCloseMs: 100 });
  const results = read[Symbol.asyncIterator]();
  const first = await results.next();
  expect(first.done === false && first.value.ok).toBe(true);
  // The consumer walks away: one more result is read into the buffer, then nothing runs.
  await until(() => seen.closed.length === 1, 3000);
  expect(read.progress).toMatchObject({ done: 2, running: 0 });
  // It comes back: the third meter is read over a new connection.
  const values = [];
  for (let r = await results.next(); r.done !== true; r = await results.next()) {
    if (!r.value.ok) throw r.value.error;
    values.push(r.value.value);
  }
  expect(values).toEqual([[1], [2]]);
  expect(seen.opened).toHaveLength(2);
  await until(() => seen.closed.length === 2, 3000);
});
