import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MeterlinkError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { memoryPair } from '../../../src/links/index.js';
import { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { ModbusServer } from '../../../src/modbus/server/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { mqttLink } from '../../../src/mqtt/link/index.js';
import { decodeEnvelope, tunnelTopics } from '../../../src/mqtt/protocol/index.js';
import { meterServer, password, sap } from '../../dlms/e2e/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

interface Site {
  broker: EmbeddedBroker;
  gateway: MqttGateway;
  dlmsMeter: Link;
  modbusMeter: Link;
}

async function site(): Promise<Site> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const [dlmsGw, dlmsMeter] = memoryPair();
  const [modbusGw, modbusMeter] = memoryPair({ bus: true });
  const { server } = meterServer();
  const served = server.serve(dlmsMeter, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  const modbus = new ModbusServer({ unitIds: [1], model: { holdingRegisters: 100 } });
  modbus.serve(modbusMeter, { framing: 'rtu' });
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
  return { broker, gateway, dlmsMeter, modbusMeter };
}

async function modbusOver(s: Site, headEndId: string): Promise<ModbusClient> {
  const client = await ModbusClient.connect({
    link: mqttLink({ broker: s.broker.url, gatewayId: 'gw-1', port: 'mb', headEndId }),
    framing: 'rtu',
    unitId: 1,
    timeoutMs: 3000,
  });
  cleanups.push(() => client.close());
  return client;
}

describe('the MQTT tunnel end to end (embedded broker, MQTT 3.1.1)', () => {
  it('DlmsClient reads a register through the tunnel (HDLC)', { timeout: 10_000 }, async () => {
    const s = await site();
    const meter = await DlmsClient.connect({
      link: mqttLink({ broker: s.broker.url, gatewayId: 'gw-1', port: 'dlms' }),
      framing: 'hdlc',
      client: sap.lls,
      auth: { mechanism: 'lls', password },
      server: { logical: 1, physical: 17 },
      timeoutMs: 5000,
    });
    cleanups.push(() => meter.close());
    const energy = await meter.readRegister('1.0.1.8.0.255');
    expect(typeof energy.value).toBe('number');
    await meter.close();
  });

  it('ModbusClient reads and writes holding registers through a modbus-rtu port', async () => {
    const s = await site();
    const client = await modbusOver(s, 'he-mb');
    await client.writeMultipleRegisters(10, [1, 2, 3]);
    expect([...(await client.readHoldingRegisters(10, 3))]).toEqual([1, 2, 3]);
  });

  it('serves two head-ends contending for one port one after the other', async () => {
    const s = await site();
    const seen: number[] = [];
    s.modbusMeter.on('data', (b) => seen.push(b.length));
    const run = async (id: string, base: number): Promise<number[]> => {
      const client = await modbusOver(s, id);
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        await client.writeSingleRegister(base + i, base + i);
        out.push((await client.readHoldingRegisters(base + i, 1))[0]!);
      }
      await client.close();
      return out;
    };
    const [a, b] = await Promise.all([run('he-a', 20), run('he-b', 40)]);
    expect(a).toEqual([20, 21, 22, 23, 24]);
    expect(b).toEqual([40, 41, 42, 43, 44]);
  });

  it('fails the head-end fast with a typed error when the gateway stops', async () => {
    const s = await site();
    const client = await modbusOver(s, 'he-stop');
    await client.readHoldingRegisters(0, 1);
    await s.gateway.stop();
    const started = Date.now();
    const error = await client.readHoldingRegisters(0, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeterlinkError);
    expect((error as MeterlinkError).code).toMatch(/^ERR_LINK/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('publishes meter bytes sent while no lease is held to the push topic', async () => {
    const s = await site();
    const sub = await mqtt.connectAsync(s.broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => sub.endAsync(true));
    const got = new Promise<Buffer>((resolve) => sub.on('message', (_t, p) => resolve(p)));
    await sub.subscribeAsync(tunnelTopics().pushFilter('gw-1', 'dlms'), { qos: 1 });
    const frame = new Uint8Array([0x7e, 0xa0, 0x07, 0x03, 0x21, 0x13, 0x00, 0x00, 0x7e]);
    await s.dlmsMeter.write(frame);
    const push = decodeEnvelope(await got);
    expect(push.type).toBe('push');
    expect([...(push as { payload: Uint8Array }).payload]).toEqual([...frame]);
  });
});
