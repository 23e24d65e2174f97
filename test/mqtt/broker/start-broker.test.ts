import { connect, createServer, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LinkError } from '../../../src/core/errors.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function broker(): Promise<EmbeddedBroker> {
  const b = await startBroker({ port: 0 });
  cleanups.push(() => b.close());
  return b;
}

async function client(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 2000 });
  cleanups.push(() => c.endAsync(true));
  return c;
}

function nextMessage(c: MqttClient): Promise<[string, Buffer]> {
  return new Promise((resolve) => c.once('message', (topic, payload) => resolve([topic, payload])));
}

describe('startBroker', () => {
  it('listens on a free port and routes a QoS 1 publish to a subscriber', async () => {
    const b = await broker();
    expect(b.port).toBeGreaterThan(0);
    expect(b.host).toBe('127.0.0.1');
    expect(b.url).toBe(`mqtt://127.0.0.1:${b.port}`);
    const sub = await client(b.url);
    const pub = await client(b.url);
    await sub.subscribeAsync('t/1', { qos: 1 });
    const got = nextMessage(sub);
    await pub.publishAsync('t/1', Buffer.from([1, 2, 3]), { qos: 1 });
    const [topic, payload] = await got;
    expect(topic).toBe('t/1');
    expect([...payload]).toEqual([1, 2, 3]);
  });

  it('sets TCP_NODELAY on accepted sockets: 100 QoS 1 request/echo round trips take well under a second', async () => {
    const b = await broker();
    const echo = await client(b.url);
    const requester = await client(b.url);
    await echo.subscribeAsync('req', { qos: 1 });
    await requester.subscribeAsync('res', { qos: 1 });
    echo.on('message', (_topic, payload) => void echo.publish('res', payload, { qos: 1 }));
    // The requester is an MQTT.js client with Nagle left on; with Nagle on at the broker too,
    // each round trip would wait for delayed ACKs (about 40 ms per hop).
    (requester.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
    (echo.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const got = nextMessage(requester);
      await requester.publishAsync('req', Buffer.from([i]), { qos: 1 });
      await got;
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('close() disconnects the clients and frees the port', async () => {
    const b = await startBroker({ port: 0 });
    const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
    cleanups.push(() => c.endAsync(true));
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    // A socket that never sends CONNECT is ended too.
    const silent = await new Promise<Socket>((resolve) => {
      const s: Socket = connect(b.port, '127.0.0.1', () => resolve(s));
    });
    const silentClosed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    await b.close();
    await b.close(); // idempotent
    await closed;
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(b.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
    await silentClosed;
  });

  it('fails with a LinkError when the port is taken, and checks its options', async () => {
    const b = await broker();
    await expect(startBroker({ port: b.port })).rejects.toBeInstanceOf(LinkError);
    await expect(startBroker({ port: 70000 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(startBroker({ port: 0, host: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
