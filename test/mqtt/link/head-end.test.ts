// mqttHeadEnd: many tunnel links on one MQTT connection, against real gateways and meters on the
// embedded broker; connections counted at the broker ($SYS/+/new/clients).
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { connectModbus } from '../../../src/connect/connect.js';
import { InvalidArgumentError, LinkClosedError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { memoryPair } from '../../../src/links/index.js';
import { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { ModbusServer } from '../../../src/modbus/server/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { type MqttHeadEnd, mqttHeadEnd, TunnelError } from '../../../src/mqtt/link/index.js';
import { tunnelTopics } from '../../../src/mqtt/protocol/index.js';
import { echoObis, meterServer, password, sap } from '../../dlms/e2e/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

/** Client ids of the head-end connections the broker accepted. */
async function countHeadEnds(broker: EmbeddedBroker): Promise<string[]> {
  const ids: string[] = [];
  const spy = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => spy.endAsync(true));
  spy.on('message', (_topic, payload) => {
    const id = payload.toString();
    if (id.startsWith('meterlink-he-')) ids.push(id);
  });
  await spy.subscribeAsync('$SYS/+/new/clients', { qos: 0 });
  return ids;
}

/** A gateway `id` with a DLMS meter on port `dlms` and Modbus devices on `mb0`, `mb1` (registers base+i). */
async function gateway(broker: EmbeddedBroker, id: string, base: number): Promise<MqttGateway> {
  const [dlmsGw, dlmsMeter] = memoryPair();
  const served = meterServer().server.serve(dlmsMeter, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  const ports: { id: string; link: Link; protocol: 'hdlc' | 'modbus-rtu' }[] = [
    { id: 'dlms', link: dlmsGw, protocol: 'hdlc' },
  ];
  for (let m = 0; m < 2; m++) {
    const [gw, device] = memoryPair({ bus: true });
    const values = Array.from({ length: 8 }, (_, i) => base + m * 100 + i);
    new ModbusServer({ unitIds: [1], model: { holdingRegisters: values } }).serve(device, { framing: 'rtu' });
    ports.push({ id: `mb${m}`, link: gw, protocol: 'modbus-rtu' });
  }
  const g = new MqttGateway({ broker: broker.url, id, ports });
  await g.start();
  cleanups.push(() => g.stop());
  return g;
}

async function site(): Promise<{ broker: EmbeddedBroker; a: MqttGateway; b: MqttGateway; he: MqttHeadEnd }> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const a = await gateway(broker, 'gw-a', 1000);
  const b = await gateway(broker, 'gw-b', 2000);
  const he = mqttHeadEnd({ broker: broker.url });
  cleanups.push(() => he.close());
  return { broker, a, b, he };
}

function dlmsOver(he: MqttHeadEnd, gatewayId: string): Promise<DlmsClient> {
  return DlmsClient.connect({
    link: he.link({ gatewayId, port: 'dlms' }),
    framing: 'hdlc',
    client: sap.lls,
    auth: { mechanism: 'lls', password },
    server: { logical: 1, physical: 17 },
    timeoutMs: 5000,
  });
}

function modbusOver(he: MqttHeadEnd, gatewayId: string, port: string): Promise<ModbusClient> {
  return ModbusClient.connect({
    link: he.link({ gatewayId, port }),
    framing: 'rtu',
    unitId: 1,
    timeoutMs: 3000,
  });
}

describe('mqttHeadEnd', () => {
  it('carries interleaved DLMS and Modbus reads to two gateways on one connection', {
    timeout: 15_000,
  }, async () => {
    const { broker, he } = await site();
    const connections = await countHeadEnds(broker);
    const [dlmsA, dlmsB, mbA0, mbA1, mbB0, mbB1] = await Promise.all([
      dlmsOver(he, 'gw-a'),
      dlmsOver(he, 'gw-b'),
      modbusOver(he, 'gw-a', 'mb0'),
      modbusOver(he, 'gw-a', 'mb1'),
      modbusOver(he, 'gw-b', 'mb0'),
      modbusOver(he, 'gw-b', 'mb1'),
    ]);
    expect(he.openLinks).toBe(6);
    const modbus = [
      [mbA0!, 1000],
      [mbA1!, 1100],
      [mbB0!, 2000],
      [mbB1!, 2100],
    ] as const;
    const echo = (client: DlmsClient, seed: number) =>
      client.action(
        { classId: 1, obis: echoObis, method: 1 },
        { type: 'octet-string', value: new Uint8Array(40).fill(seed) },
      );
    for (let round = 0; round < 3; round++) {
      const [ea, eb, ...registers] = await Promise.all([
        echo(dlmsA!, round * 2 + 1),
        echo(dlmsB!, round * 2 + 2),
        ...modbus.map(([client], i) => client.readHoldingRegisters((round + i) % 6, 2)),
      ]);
      expect(ea).toEqual({ type: 'octet-string', value: new Uint8Array(40).fill(round * 2 + 1) });
      expect(eb).toEqual({ type: 'octet-string', value: new Uint8Array(40).fill(round * 2 + 2) });
      registers.forEach((values, i) => {
        const at = (round + i) % 6;
        const base = modbus[i]![1];
        expect([...(values as Uint16Array)]).toEqual([base + at, base + at + 1]);
      });
    }
    await Promise.all([dlmsA!, dlmsB!, mbA0!, mbA1!, mbB0!, mbB1!].map((c) => c.close()));
    expect(he.openLinks).toBe(0);
    // The next read reuses the connection.
    const again = await modbusOver(he, 'gw-b', 'mb1');
    expect([...(await again.readHoldingRegisters(0, 1))]).toEqual([2100]);
    await again.close();
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatch(/^meterlink-he-/);
  });

  it("ends only its own lease on link close; the head-end's close ends the rest", async () => {
    const { broker, he } = await site();
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const presence: string[] = [];
    watcher.on('message', (_t, payload) => presence.push(payload.toString()));
    const first = await modbusOver(he, 'gw-a', 'mb0');
    await watcher.subscribeAsync(tunnelTopics().headEndStatus(he.headEndId), { qos: 1 });
    const other = await modbusOver(he, 'gw-b', 'mb0');
    await first.close();
    // The port is free at once for the next lease (of this head-end or another).
    const next = await modbusOver(he, 'gw-a', 'mb0');
    expect([...(await next.readHoldingRegisters(1, 1))]).toEqual([1001]);
    expect([...(await other.readHoldingRegisters(1, 1))]).toEqual([2001]);
    expect(presence.at(-1)).toContain('"online"');

    const closes: (Error | undefined)[] = [];
    const pending = he.link({ gatewayId: 'gw-a', port: 'mb1' });
    await pending.open();
    pending.on('close', (e) => closes.push(e));
    await he.close();
    expect(closes).toEqual([undefined]);
    expect(pending.state).toBe('closed');
    expect(he.openLinks).toBe(0);
    expect(he.closed).toBe(true);
    await expect(next.readHoldingRegisters(1, 1)).rejects.toBeInstanceOf(LinkClosedError);
    expect(() => he.link({ gatewayId: 'gw-a', port: 'mb0' })).toThrow(LinkClosedError);
    await expect(he.open()).rejects.toBeInstanceOf(LinkClosedError);
    const deadline = Date.now() + 2000;
    while (presence.at(-1) !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(presence.at(-1)).toBe('');
    // A second head-end gets gw-a's ports: the leases were ended, not left to expire.
    const second = mqttHeadEnd({ broker: broker.url });
    cleanups.push(() => second.close());
    const taken = await modbusOver(second, 'gw-a', 'mb1');
    expect([...(await taken.readHoldingRegisters(0, 1))]).toEqual([1100]);
  });

  it('fails only the links to a gateway that goes offline', async () => {
    const { he, b } = await site();
    const onA = await modbusOver(he, 'gw-a', 'mb0');
    const onB = await modbusOver(he, 'gw-b', 'mb0');
    const closed = new Promise<Error | undefined>((resolve) => onB.link.on('close', resolve));
    await b.stop();
    const error = await closed;
    expect(error).toBeInstanceOf(TunnelError);
    // A stopping gateway says so (`closed`) before its status goes offline.
    expect(['gateway-stopping', 'gateway-offline']).toContain((error as TunnelError).reason);
    // A new link to the offline gateway fails at once from the status the head-end knows.
    const started = Date.now();
    const refused = await modbusOver(he, 'gw-b', 'mb1').catch((e: unknown) => e);
    expect((refused as TunnelError).reason).toBe('gateway-offline');
    expect(Date.now() - started).toBeLessThan(1000);
    expect([...(await onA.readHoldingRegisters(2, 1))]).toEqual([1002]);
    expect(he.openLinks).toBe(1);
  });

  it("opens connect()'s link on a given head-end of the URL's broker, and refuses another broker", async () => {
    const { broker, he } = await site();
    const connections = await countHeadEnds(broker);
    const host = broker.url.replace(/^mqtt:\/\//, '');
    for (const port of ['mb0', 'mb1']) {
      const client = await connectModbus(`modbus+mqtt://${host}/gw-a/${port}?unit=1`, {
        mqtt: { headEnd: he },
      });
      expect([...(await client.readHoldingRegisters(0, 1))]).toEqual([port === 'mb0' ? 1000 : 1100]);
      await client.close();
    }
    expect(connections).toHaveLength(1);
    await expect(
      connectModbus('modbus+mqtt://elsewhere.invalid:1883/gw-a/mb0?unit=1', { mqtt: { headEnd: he } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
