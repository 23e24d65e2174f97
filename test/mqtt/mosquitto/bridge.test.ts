// The scale-out path: the gateway on a site broker A, the head-end on a central broker B that
// bridges `meterlink/#` both ways to A. Nothing in the protocol changes: a DLMS read and a Modbus
// read work as on one broker, with MQTT 3.1.1 and with MQTT 5 on the bridge.
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { decodeStatus, tunnelTopics } from '../../../src/mqtt/protocol/index.js';
import { describeWithPrograms, type Mosquitto, startMosquitto } from './mosquitto.js';
import {
  Cleanups,
  dlmsOver,
  gatewayId,
  modbusOver,
  profileObis,
  referenceReads,
  startSite,
  until,
} from './site.js';

const registers = ['1.0.1.8.0.255', '1.0.2.8.0.255'];
const profileRange = { fromEntry: 1, toEntry: 6 };

describeWithPrograms('bridged brokers (mosquitto 2)', {}, () => {
  const cleanups = new Cleanups();
  afterEach(() => cleanups.run());

  /** Broker A, and broker B bridged to it with `version` on the bridge. */
  async function bridged(version: 'mqttv311' | 'mqttv50'): Promise<{ a: Mosquitto; b: Mosquitto }> {
    const a = await startMosquitto();
    cleanups.add(() => a.stop());
    const b = await startMosquitto({
      extra: [
        'connection to-site',
        `address 127.0.0.1:${a.port}`,
        'topic meterlink/# both 1',
        `bridge_protocol_version ${version}`,
        `remote_clientid bridge-${a.port}`,
        'cleansession false',
        'notifications false',
        'restart_timeout 1',
      ],
    });
    cleanups.add(() => b.stop());
    return { a, b };
  }

  /** Waits (bounded) until the gateway's retained `online` status is visible on `broker`. */
  async function gatewayVisibleOn(broker: Mosquitto): Promise<void> {
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    let online = false;
    client.on('message', (_topic, payload) => {
      online = payload.length > 0 && decodeStatus(payload).state === 'online';
    });
    try {
      await client.subscribeAsync(tunnelTopics().status(gatewayId), { qos: 1 });
      await until(() => online, 5000, "the gateway's status through the bridge");
    } finally {
      await client.endAsync(true);
    }
  }

  for (const version of ['mqttv311', 'mqttv50'] as const) {
    it(`reads DLMS and Modbus through a ${version} bridge unchanged`, async () => {
      const reference = await referenceReads(async (c) => ({
        values: await Promise.all(registers.map((r) => c.readRegister(r))),
        profile: await c.readProfile(profileObis, profileRange),
      }));
      const { a, b } = await bridged(version);
      await startSite(a.url, cleanups);
      await gatewayVisibleOn(b);
      const meter = await dlmsOver(b.url, cleanups);
      const values = [];
      for (const r of registers) values.push(await meter.readRegister(r));
      const profile = await meter.readProfile(profileObis, profileRange);
      expect({ values, profile }).toEqual(reference);
      await meter.close();
      const client = await modbusOver(b.url, cleanups);
      await client.writeMultipleRegisters(5, [7, 8]);
      expect([...(await client.readHoldingRegisters(5, 2))]).toEqual([7, 8]);
    });
  }
});
