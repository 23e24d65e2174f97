// readFleet through the MQTT tunnel with the package's own connect(): a DLMS meter and a Modbus
// device behind one gateway of the embedded broker, read one at a time (one gateway key).
import { afterEach, expect, it } from 'vitest';
import { DlmsClient } from '../../src/dlms/client/dlms-client.js';
import { readFleet } from '../../src/fleet/index.js';
import { memoryPair } from '../../src/links/index.js';
import type { ModbusClient } from '../../src/modbus/client/modbus-client.js';
import { ModbusServer } from '../../src/modbus/server/index.js';
import { startBroker } from '../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../src/mqtt/gateway/index.js';
import { meterServer, password, sap } from '../dlms/e2e/helpers.js';

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
