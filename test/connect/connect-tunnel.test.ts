// connect() through the MQTT tunnel: embedded broker, a gateway whose ports are TCP links to a
// simulated DLMS meter (HDLC) and a Modbus RTU-over-TCP device, head-ends from URLs.
import { afterEach, describe, expect, it } from 'vitest';
import { DlmsClient } from '../../src/dlms/index.js';
import { connect, connectDlms, InvalidUrlError, tcp } from '../../src/index.js';
import { ModbusClient, ModbusServer } from '../../src/modbus/index.js';
import { type EmbeddedBroker, MqttGateway, startBroker, TunnelError } from '../../src/mqtt/index.js';
import { Cleanup, meterServer, password, sap } from '../dlms/e2e/helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Broker, a DLMS meter and a Modbus device on loopback TCP, and gateway `gw-1` serving both. */
async function site(): Promise<EmbeddedBroker> {
  const broker = cleanup.add(await startBroker({ port: 0, host: '127.0.0.1' }));
  const { server } = meterServer();
  const meter = cleanup.add(await server.listen({ port: 0, host: '127.0.0.1', framing: 'hdlc' }));
  const device = new ModbusServer({ unitIds: [1], model: { holdingRegisters: [11, 22, 33] } });
  const modbus = cleanup.add(
    await device.listen({ port: 0, host: '127.0.0.1', framing: 'rtu', transport: 'tcp' }),
  );
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'p0', link: () => tcp({ host: '127.0.0.1', port: meter.port }), protocol: 'hdlc' },
      { id: 'mb', link: () => tcp({ host: '127.0.0.1', port: modbus.port }), protocol: 'modbus-rtu' },
    ],
  });
  await gateway.start();
  cleanup.add({ close: () => gateway.stop() });
  return broker;
}

describe('connect() through the MQTT tunnel', { timeout: 10_000 }, () => {
  it('hdlc+mqtt: a DLMS client reads through the gateway (broker credentials from the URL)', async () => {
    const broker = await site();
    const meter = cleanup.add(
      await connect(
        `hdlc+mqtt://head:pw@127.0.0.1:${broker.port}/gw-1/p0?client=${sap.lls}&physical=17&auth=lls`,
        { dlms: { auth: { mechanism: 'lls', password } }, mqtt: { headEndId: 'he-url' } },
      ),
    );
    expect(meter).toBeInstanceOf(DlmsClient);
    expect(meter.link.info.transport).toBe('mqtt');
    expect(meter.link.info.peer).not.toContain('pw');
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
    await meter.close();
    expect(meter.link.isOpen).toBe(false);
  });

  it('apdu+mqtt: the gateway terminates HDLC and the tunnel carries whole APDUs', async () => {
    const broker = await site();
    const meter = cleanup.add(
      await connectDlms(
        `apdu+mqtt://127.0.0.1:${broker.port}/gw-1/p0?client=${sap.lls}&physical=17&auth=lls`,
        { dlms: { auth: { mechanism: 'lls', password } } },
      ),
    );
    expect(meter.session.framing).toBe('tunnel-apdu');
    const profile = await meter.readProfile('1.0.99.1.0.255', { fromEntry: 1, toEntry: 200 });
    expect(profile.rows.length).toBeGreaterThan(10);
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
    await meter.close();
  });

  it('modbus+mqtt: a Modbus client reads through the gateway', async () => {
    const broker = await site();
    const client = cleanup.add(
      await connect(`modbus+mqtt://127.0.0.1:${broker.port}/gw-1/mb?unit=1&timeout=3000`),
    );
    expect(client).toBeInstanceOf(ModbusClient);
    expect([...(await client.readHoldingRegisters(0, 3))]).toEqual([11, 22, 33]);
  });

  it('an unknown gateway port fails with a typed error, bounded by timeoutMs', async () => {
    const broker = await site();
    const started = Date.now();
    const error = await connectDlms(`hdlc+mqtt://127.0.0.1:${broker.port}/gw-1/nope`, {
      timeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('unknown-port');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a tunnel URL without the port segment fails before any I/O', async () => {
    await expect(connect('hdlc+mqtt://127.0.0.1:1/gw-1')).rejects.toBeInstanceOf(InvalidUrlError);
  });
});
