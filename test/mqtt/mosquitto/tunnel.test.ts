// The tunnel on a real mosquitto 2 broker speaking MQTT 5: DLMS and Modbus reads, the MQTT 5
// properties of requests and answers, two head-ends contending for one DLMS port, and pushes
// shared by a pool of head-end workers (`$share/{group}/…`).
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { connectMqtt } from '../../../src/mqtt/client/index.js';
import type { GatewayLeaseEvent } from '../../../src/mqtt/gateway/index.js';
import {
  decodeEnvelope,
  type Envelope,
  tunnelContentType,
  tunnelTopics,
} from '../../../src/mqtt/protocol/index.js';
import { describeWithPrograms, type Mosquitto, startMosquitto } from './mosquitto.js';
import {
  Cleanups,
  dlmsOver,
  gatewayId,
  modbusOver,
  profileObis,
  referenceReads,
  type Site,
  startSite,
  until,
} from './site.js';

const topics = tunnelTopics();
const registers = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.32.7.0.255'];
const profileRange = { fromEntry: 1, toEntry: 12 };

describeWithPrograms('the MQTT tunnel on mosquitto 2 (MQTT 5)', {}, () => {
  let broker: Mosquitto;
  const cleanups = new Cleanups();
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(() => cleanups.run());

  async function site(): Promise<Site> {
    return startSite(broker.url, cleanups);
  }

  /** A raw MQTT 5 client, cleaned up after the test. */
  async function raw(): Promise<MqttClient> {
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    cleanups.add(() => client.endAsync(true));
    return client;
  }

  it('connectMqtt picks MQTT 5 on mosquitto with protocolVersion auto', async () => {
    const connection = await connectMqtt({ broker: broker.url, role: 'probe' });
    cleanups.add(() => connection.close());
    expect(connection.protocolVersion).toBe(5);
  });

  it('reads DLMS registers and a profile through the tunnel; MQTT 5 properties on every envelope', async () => {
    const reference = await referenceReads(async (c) => ({
      values: await Promise.all(registers.map((r) => c.readRegister(r))),
      profile: await c.readProfile(profileObis, profileRange),
    }));
    expect(reference.profile.rows).toHaveLength(12);
    await site();
    const observer = await raw();
    const seen: { topic: string; envelope: Envelope; packet: IPublishPacket }[] = [];
    observer.on('message', (topic, payload, packet) => {
      seen.push({ topic, envelope: decodeEnvelope(payload), packet });
    });
    await observer.subscribeAsync({
      [topics.reqFilter(gatewayId)]: { qos: 1 },
      [`${topics.root}/he/+/res`]: { qos: 1 },
    });

    const meter = await dlmsOver(broker.url, cleanups, { link: { headEndId: 'he-props' } });
    const values = [];
    for (const r of registers) values.push(await meter.readRegister(r));
    const profile = await meter.readProfile(profileObis, profileRange);
    expect({ values, profile }).toEqual(reference);
    await meter.close();

    await until(() => seen.some((s) => s.envelope.type === 'closed'), 3000, 'the closed envelope');
    // Gateway and head-end spoke MQTT 5 (`p5` in mosquitto's connection log).
    expect(broker.log()).toMatch(/as meterlink-gw-gw-1 \(p5,/);
    expect(broker.log()).toMatch(/as meterlink-he-[0-9a-f]{8} \(p5,/);
    const requests = seen.filter((s) => s.topic === topics.req(gatewayId, 'dlms'));
    const answers = seen.filter((s) => s.topic === topics.res('he-props'));
    expect(requests.map((s) => s.envelope.type)).toEqual(expect.arrayContaining(['open', 'data', 'close']));
    expect(answers.map((s) => s.envelope.type)).toEqual(expect.arrayContaining(['opened', 'data', 'closed']));
    for (const { envelope, packet } of [...requests, ...answers]) {
      const p = packet.properties ?? {};
      expect(p.contentType).toBe(tunnelContentType);
      expect(p.correlationData?.readUInt32BE(0)).toBe(envelope.correlationId);
      expect(p.correlationData).toHaveLength(4);
    }
    for (const { envelope, packet } of requests) {
      const p = packet.properties ?? {};
      expect(p.responseTopic).toBe(topics.res('he-props'));
      expect(envelope.deadlineMs).toBeGreaterThan(0);
      // The broker forwards the remaining lifetime: at most the deadline rounded up.
      expect(p.messageExpiryInterval).toBeGreaterThan(0);
      expect(p.messageExpiryInterval).toBeLessThanOrEqual(Math.ceil(envelope.deadlineMs / 1000));
    }
    for (const { packet } of answers) {
      expect(packet.properties?.responseTopic).toBeUndefined();
      expect(packet.properties?.messageExpiryInterval).toBeUndefined();
    }
    // The meter's answers are whole HDLC frames, one per envelope.
    for (const { envelope } of answers.filter((s) => s.envelope.type === 'data')) {
      const bytes = (envelope as { payload: Uint8Array }).payload;
      expect(bytes[0]).toBe(0x7e);
      expect(bytes.at(-1)).toBe(0x7e);
    }
  });

  it('reads and writes Modbus holding registers through a modbus-rtu port', async () => {
    await site();
    const client = await modbusOver(broker.url, cleanups);
    await client.writeMultipleRegisters(10, [1, 2, 3]);
    expect([...(await client.readHoldingRegisters(10, 3))]).toEqual([1, 2, 3]);
    expect(client.link.info).toMatchObject({ transport: 'mqtt', bus: true });
  });

  it('serves two head-ends contending for one DLMS port one after the other, each read correct', async () => {
    const reference = await referenceReads(async (c) => ({
      values: await Promise.all(registers.map((r) => c.readRegister(r))),
      profile: await c.readProfile(profileObis, profileRange),
    }));
    const s = await site();
    const leases: GatewayLeaseEvent[] = [];
    s.gateway.on('lease', (event) => leases.push(event));
    const run = async (headEndId: string): Promise<unknown> => {
      const meter = await dlmsOver(broker.url, cleanups, { link: { headEndId } });
      const values = [];
      for (const r of registers) values.push(await meter.readRegister(r));
      const profile = await meter.readProfile(profileObis, profileRange);
      await meter.close();
      return { values, profile };
    };
    const [a, b] = await Promise.all([run('he-a'), run('he-b')]);
    expect(a).toEqual(reference);
    expect(b).toEqual(reference);
    // One lease at a time on the port: granted, released, granted, released.
    expect(leases.filter((l) => l.portId === 'dlms').map((l) => l.busy)).toEqual([true, false, true, false]);
  });

  it('delivers each push to exactly one of several workers sharing a subscription', async () => {
    const s = await site();
    const filter = topics.pushFilter(gatewayId, undefined, 'workers');
    const workers = await Promise.all([raw(), raw(), raw()]);
    const received: number[][] = workers.map(() => []);
    workers.forEach((worker, i) => {
      worker.on('message', (_topic, payload) => {
        const push = decodeEnvelope(payload);
        if (push.type === 'push') received[i]!.push(push.payload[6]!);
      });
    });
    for (const worker of workers) await worker.subscribeAsync(filter, { qos: 1 });
    const count = 12;
    for (let n = 0; n < count; n++) {
      // An HDLC UI frame from the meter while no lease is held; octet 6 numbers it.
      await s.dlmsMeter.write(new Uint8Array([0x7e, 0xa0, 0x07, 0x03, 0x21, 0x13, n, 0x00, 0x7e]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const total = (): number => received.reduce((sum, r) => sum + r.length, 0);
    await until(() => total() >= count, 3000, `${count} pushes`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // no late duplicates
    expect(total()).toBe(count);
    expect(received.flat().sort((x, y) => x - y)).toEqual([...Array(count).keys()]);
    // mosquitto spreads a shared subscription over its members.
    expect(received.filter((r) => r.length > 0).length).toBeGreaterThan(1);
  });
});
