/**
 * A meter read through an MQTT broker: the meter sits behind a gateway (MqttGateway, next to the
 * meter), the head-end reaches it with mqttLink, a Link like any other, so DlmsClient works
 * unchanged. All three run in this script; in real life they are on different machines.
 *
 * Usage: tunnel-meter.ts [broker-url]
 *   broker-url  an MQTT broker to use, e.g. mqtt://127.0.0.1:1883 (mosquitto); default: start the
 *               embedded broker on a free port
 */

import { memoryPair } from 'meterlink';
import { DlmsClient, DlmsServer, exampleMeter } from 'meterlink/dlms';
import { MqttGateway, mqttLink, startBroker } from 'meterlink/mqtt';

const embedded = process.argv[2] === undefined ? await startBroker({ port: 0 }) : undefined;
const broker = process.argv[2] ?? embedded!.url;

// The meter: a simulated one on an in-memory line (a serial port in real life) speaking HDLC.
const password = 'secret-12';
const server = new DlmsServer({
  logicalDevices: [{ address: 1, objects: exampleMeter() }],
  associations: [{ client: 1, mechanism: 'lls', password }],
});
const [line, meterEnd] = memoryPair();
const served = server.serve(meterEnd, { framing: 'hdlc' });

// The gateway serves the line as port 'p0'; 'hdlc' makes it send whole frames through the broker.
const gateway = new MqttGateway({
  broker,
  id: 'gw-example',
  ports: [{ id: 'p0', link: line, protocol: 'hdlc' }],
});
await gateway.start();

try {
  // The head-end: open() leases port p0 of gw-example; then HDLC and the association as usual.
  const meter = await DlmsClient.connect({
    link: mqttLink({ broker, gatewayId: 'gw-example', port: 'p0' }),
    framing: 'hdlc',
    client: 1,
    server: { logical: 1, physical: 17 },
    auth: { mechanism: 'lls', password },
  });
  const clock = await meter.readClock();
  const energy = await meter.readRegister('1.0.1.8.0.255');
  console.log(`Through ${broker}, gateway gw-example, port p0:`);
  console.log(`  clock   ${clock.date?.toISOString()}`);
  console.log(`  energy  ${energy.value} ${energy.unit}`);
  await meter.close(); // releases the association and the lease
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await gateway.stop();
  await served.close();
  await embedded?.close();
}
