// Request/response ports (`modbus-rtu`): one request on the line at a time, meter data tagged
// with the request it answers, and late answers dropped by the head-end instead of being taken
// for the answer of the next request (Modbus RTU has no transaction id).
import { afterEach, expect, it } from 'vitest';
import { ProtocolError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { memoryPair } from '../../../src/links/index.js';
import { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { encodeRtuFrame } from '../../../src/modbus/framing/rtu-codec.js';
import { encodeRequest } from '../../../src/modbus/pdu/encode-request.js';
import { ModbusServer } from '../../../src/modbus/server/index.js';
import { startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { mqttLink } from '../../../src/mqtt/link/index.js';
import { type DataEnvelope, EnvelopeFlag } from '../../../src/mqtt/protocol/index.js';
import { ScriptedHeadEnd } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

const registers = Uint16Array.from({ length: 10 }, (_, i) => 100 + i);

/** `link` whose `write()` resolves `lagMs` after the bytes went out (a slow serial driver's drain). */
function lateWriteCallbacks(link: Link, lagMs: number): Link {
  return {
    get info() {
      return link.info;
    },
    get state() {
      return link.state;
    },
    get isOpen() {
      return link.isOpen;
    },
    open: (options) => link.open(options),
    close: () => link.close(),
    async write(bytes) {
      await link.write(bytes);
      await new Promise((resolve) => setTimeout(resolve, lagMs));
    },
    on(event, listener) {
      link.on(event, listener);
      return this;
    },
    off(event, listener) {
      link.off(event, listener);
      return this;
    },
  } as Link;
}

/** A gateway with a `modbus-rtu` port whose device answers after `delayMs(n)` for its n-th request. */
async function site(delayMs: (n: number) => number, writeLagMs = 0) {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const [gw, device] = memoryPair({ bus: true });
  const heardAt: number[] = [];
  new ModbusServer({
    unitIds: [1],
    model: { holdingRegisters: registers },
    onRequest: async () => {
      heardAt.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, delayMs(heardAt.length)));
      return undefined; // the model answers
    },
  }).serve(device, { framing: 'rtu' });
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      {
        id: 'mb',
        link: writeLagMs === 0 ? gw : lateWriteCallbacks(gw, writeLagMs),
        protocol: 'modbus-rtu',
        answerTimeoutMs: 1000,
      },
    ],
  });
  await gateway.start();
  cleanups.push(() => gateway.stop());
  return { broker, heardAt };
}

const readRequest = (address: number) =>
  encodeRtuFrame({
    unitId: 1,
    pdu: encodeRequest({ type: 'read-holding-registers', address, quantity: 1 }),
  });

it('writes the next request only after the answer to the previous one, each answer tagged with its request', {
  timeout: 10_000,
}, async () => {
  const { broker, heardAt } = await site(() => 60);
  const he = await ScriptedHeadEnd.connect(broker.url, 'he-1');
  cleanups.push(() => he.close());
  await he.send('mb', { type: 'open', sessionId: 7, correlationId: 1 });
  await he.waitFor((e) => e.type === 'opened');
  // Two requests back to back, as after a broker outage delivers what it held.
  await Promise.all([
    he.send('mb', { type: 'data', sessionId: 7, seq: 1, correlationId: 11, payload: readRequest(0) }),
    he.send('mb', { type: 'data', sessionId: 7, seq: 2, correlationId: 12, payload: readRequest(5) }),
  ]);
  const answers = (await he.waitFor((e) => e.type === 'data', 2)) as DataEnvelope[];
  expect(answers.map((a) => [a.flags & EnvelopeFlag.answers, a.correlationId, a.payload[4]])).toEqual([
    [EnvelopeFlag.answers, 11, 100], // register 0
    [EnvelopeFlag.answers, 12, 105], // register 5
  ]);
  // The second request reached the device only once the first was answered.
  expect(heardAt[1]! - heardAt[0]!).toBeGreaterThanOrEqual(55);
});

it('a late answer to a timed-out request is dropped, not taken for the next answer', {
  timeout: 10_000,
}, async () => {
  // The first request is answered after 300 ms, long after the client gave up (100 ms).
  const { broker } = await site((n) => (n === 1 ? 300 : 5));
  const link = mqttLink({ broker: broker.url, gatewayId: 'gw-1', port: 'mb' });
  const dropped: Error[] = [];
  link.on('error', (error) => dropped.push(error));
  const client = await ModbusClient.connect({ link, framing: 'rtu', timeoutMs: 100 });
  cleanups.push(() => client.close());
  await expect(client.readHoldingRegisters(0, 1)).rejects.toBeInstanceOf(TimeoutError);
  // Sent while the first answer is still to come: without the tag it would get register 0.
  expect([...(await client.readHoldingRegisters(5, 1, { timeoutMs: 2000 }))]).toEqual([105]);
  expect([...(await client.readHoldingRegisters(6, 1))]).toEqual([106]);
  expect(dropped).toHaveLength(1);
  expect(dropped[0]).toBeInstanceOf(ProtocolError);
  expect(dropped[0]!.message).toMatch(/answering an earlier request/);
});

it('an answer that comes before the write callback still frees the line for the next request', {
  timeout: 10_000,
}, async () => {
  // The device answers in 5 ms; the port's write() resolves 100 ms after the bytes went out.
  const { broker } = await site(() => 5, 100);
  const link = mqttLink({ broker: broker.url, gatewayId: 'gw-1', port: 'mb' });
  const client = await ModbusClient.connect({ link, framing: 'rtu', timeoutMs: 600 });
  cleanups.push(() => client.close());
  // Waiting for an answer that had already come would hold each next request for 1000 ms.
  for (const address of [1, 2, 3]) {
    expect([...(await client.readHoldingRegisters(address, 1))]).toEqual([100 + address]);
  }
});
