// A process of the MQTT benchmark, so that each role's CPU time and memory are its own
// (`process.cpuUsage()`, `process.memoryUsage()`, read here and sent over IPC):
//
//   node bench/lib/mqtt-process.mjs broker  → startBroker({ port: 0 }) (aedes, in memory)
//   node bench/lib/mqtt-process.mjs site    → the meter side: MQTT_BENCH_CONFIG (JSON)
//       { broker, gateways, ports, rows, maxPduSize, echo } gives `gateways` MqttGateway instances ('gw-0' …),
//       each serving `ports` HDLC ports ('p0' …) on in-process memoryPair links, and one
//       DlmsServer serving every meter end (framing 'hdlc'). The objects: Register
//       1.0.1.8.0.255 (double-long-unsigned, fixed value), a Clock, three more energy Registers
//       and, when `rows` > 0, a Profile generic 1.0.99.1.0.255 with `rows` rows (clock + the
//       four registers, 15-minute period); all readable by the public client (16). With `echo`,
//       also the baseline's echo clients (lib/mqtt-echo.mjs), one per `echoVariants` entry
//       (default ['plain']), each on its own MQTT connection.
//
// Started with an IPC channel: sends `{ type: 'ready', … }` once serving, then answers
//   { type: 'cpu' }    → { type: 'cpu', usage: process.cpuUsage() }
//   { type: 'stats' }  → { type: 'stats', errors, connections } (see below)
//   { type: 'memory' } → { type: 'memory', memory: process.memoryUsage() after two full GCs,
//                          errors: { message: count }, connections: TCP connections accepted
//                          (broker) }
//   { type: 'exit' }   → stops what it runs, then exits

import { Server } from 'node:net';
import { loadMeterlink } from './mqtt-api.mjs';
import { startEcho } from './mqtt-echo.mjs';

const mode = process.argv[2];
const config = JSON.parse(process.env.MQTT_BENCH_CONFIG ?? '{}');
const { api } = await loadMeterlink();
/** Non-fatal errors reported by the gateways and the DLMS server, by message. */
const errors = {};
const countError = (error) => {
  const key = String(error?.message ?? error).replace(/\d+/g, 'N');
  errors[key] = (errors[key] ?? 0) + 1;
};

/** TCP connections the broker accepted (counted on net.Server, which startBroker listens with). */
let connections = 0;

async function broker() {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function countConnections(event, ...rest) {
    if (event === 'connection') connections++;
    return emit.call(this, event, ...rest);
  };
  const b = await api.startBroker({ port: 0 });
  return { ready: { url: b.url }, stop: () => b.close() };
}

/** A 12-octet COSEM date-time (UTC fields, deviation 0, status ok) for `d`. */
function dateTimeOctets(d) {
  const b = new Uint8Array(12);
  b[0] = d.getUTCFullYear() >> 8;
  b[1] = d.getUTCFullYear() & 0xff;
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = ((d.getUTCDay() + 6) % 7) + 1;
  b[5] = d.getUTCHours();
  b[6] = d.getUTCMinutes();
  return b;
}

/** The objects of bench/lib/dlms-server-process.mjs's `dlms` mode, with `rows` profile rows. */
function meterObjects(rows) {
  const { Register, Clock, ProfileGeneric, ObjectDirectory } = api;
  const energyNames = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255'];
  const registers = energyNames.map(
    (logicalName, i) =>
      new Register({
        logicalName,
        value: { type: 'double-long-unsigned', value: 1_234_567 + i * 1111 },
        scaler: 0,
        unit: 30,
      }),
  );
  const clock = new Clock();
  const objects = [clock, ...registers];
  const publicObjects = ['0.0.1.0.0.255', ...energyNames];
  if (rows > 0) {
    const directory = new ObjectDirectory();
    const column = (classId, logicalName) => ({ classId, logicalName, attributeIndex: 2, dataIndex: 0 });
    const start = Date.UTC(2026, 0, 1);
    const profile = new ProfileGeneric({
      logicalName: '1.0.99.1.0.255',
      directory,
      capturePeriod: 900,
      profileEntries: rows,
      captureObjects: [column(8, '0.0.1.0.0.255'), ...energyNames.map((n) => column(3, n))],
      rows: Array.from({ length: rows }, (_, r) => [
        { type: 'octet-string', value: dateTimeOctets(new Date(start + r * 900_000)) },
        ...energyNames.map((_, i) => ({ type: 'double-long-unsigned', value: 1_000_000 + r * (10 + i) })),
      ]),
    });
    objects.push(profile);
    directory.add(...objects);
    publicObjects.push('1.0.99.1.0.255');
  }
  return { objects, publicObjects };
}

async function site() {
  const { DlmsServer, ModbusServer, MqttGateway, memoryPair } = api;
  const { objects, publicObjects } = meterObjects(config.rows ?? 0);
  // `maxPduSize`: the public association's server-max-receive-pdu-size (default 1024).
  const associations =
    config.maxPduSize === undefined
      ? {}
      : { associations: [{ client: 16, mechanism: 'none', maxPduSize: config.maxPduSize }] };
  const server = new DlmsServer({
    logicalDevices: [{ address: 1, objects, publicObjects }],
    ...associations,
  });
  server.on('error', countError);
  const served = [];
  const gateways = [];
  for (let g = 0; g < config.gateways; g++) {
    const ports = [];
    for (let p = 0; p < config.ports; p++) {
      const [gatewayEnd, meterEnd] = memoryPair();
      served.push(server.serve(meterEnd, { framing: 'hdlc' }));
      ports.push({ id: `p${p}`, link: gatewayEnd, protocol: 'hdlc' });
    }
    // `modbus`: gateway 0 also has a Modbus RTU device (unit 1, holding registers 0–99) on port mb.
    if (config.modbus && g === 0) {
      const [gatewayEnd, deviceEnd] = memoryPair();
      const registers = Array.from({ length: 100 }, (_, i) => 1000 + i);
      const stop = new ModbusServer({ unitIds: [1], model: { holdingRegisters: registers } }).serve(
        deviceEnd,
        { framing: 'rtu' },
      );
      served.push({ close: stop });
      ports.push({ id: 'mb', link: gatewayEnd, protocol: 'modbus-rtu' });
    }
    const gateway = new MqttGateway({ broker: config.broker, id: `gw-${g}`, ports });
    gateway.on('error', countError);
    gateways.push(gateway);
  }
  await Promise.all(gateways.map((g) => g.start()));
  // The baseline's echo, and its variants (lib/mqtt-echo.mjs): `echoVariants` names them.
  const echoes = [];
  if (config.echo)
    for (const variant of config.echoVariants ?? ['plain'])
      echoes.push(await startEcho(config.broker, variant));
  return {
    ready: { gateways: gateways.map((g) => g.id), ports: config.ports },
    async stop() {
      await Promise.all(echoes.map((e) => e.close()));
      await Promise.all(gateways.map((g) => g.stop()));
      for (const s of served) s.close();
    },
  };
}

const start = { broker, site }[mode];
if (start === undefined) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const running = await start();

process.on('message', async (message) => {
  if (message?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (message?.type === 'stats') process.send({ type: 'stats', errors, connections });
  if (message?.type === 'memory') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({ type: 'memory', memory: process.memoryUsage(), errors, connections });
  }
  if (message?.type === 'exit') {
    await Promise.race([running.stop(), new Promise((r) => setTimeout(r, 5000))]).catch(() => undefined);
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', ...running.ready });
