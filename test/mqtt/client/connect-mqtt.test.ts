import { afterEach, describe, expect, it } from 'vitest';
import { LinkError } from '../../../src/core/errors.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { connectMqtt, type MqttConnection, resolveBroker } from '../../../src/mqtt/client/index.js';
import { startProxy } from '../gateway/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function broker(): Promise<EmbeddedBroker> {
  const b = await startBroker({ port: 0 });
  cleanups.push(() => b.close());
  return b;
}

function track(c: MqttConnection): MqttConnection {
  cleanups.push(() => c.close());
  return c;
}

/** Node keeps the TCP_NODELAY setting of a socket under an internal symbol. */
function noDelayOf(socket: unknown): unknown {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay');
  return key === undefined ? undefined : (socket as Record<symbol, unknown>)[key];
}

describe('connectMqtt', () => {
  it('connects with a unique client id, falls back to MQTT 3.1.1 on aedes, and sets TCP_NODELAY', async () => {
    const b = await broker();
    const a = track(await connectMqtt({ broker: b.url, role: 'he' }));
    const c = track(await connectMqtt({ broker: b.url, role: 'he' }));
    expect(a.clientId).toMatch(/^meterlink-he-[0-9a-f]{8}$/);
    expect(a.clientId).not.toBe(c.clientId);
    expect(a.protocolVersion).toBe(4);
    expect(a.broker).toBe(b.url);
    expect(noDelayOf(a.client.stream)).toBe(true);
  });

  it('reconnects with backoff, sets TCP_NODELAY again and resubscribes (clean session)', async () => {
    const b = await broker();
    const proxy = await startProxy(b.port);
    cleanups.push(() => proxy.close());
    const c = track(
      await connectMqtt({
        broker: `mqtt://127.0.0.1:${proxy.port}`,
        role: 'he',
        protocolVersion: 4,
        reconnect: { initialDelayMs: 20, factor: 2, jitter: 0 },
      }),
    );
    const first = c.client.stream;
    await c.client.subscribeAsync('t/x', { qos: 1 });
    const periods: number[] = [];
    c.client.on('offline', () => periods.push(c.client.options.reconnectPeriod ?? -1));
    const back = new Promise<void>((resolve) => c.client.once('connect', () => resolve()));
    proxy.cut();
    await back;
    expect(periods).toEqual([20]);
    expect(c.client.stream).not.toBe(first);
    expect(noDelayOf(c.client.stream)).toBe(true);
    const pub = track(await connectMqtt({ broker: b.url, role: 'pub', protocolVersion: 4 }));
    const got = new Promise<string>((resolve) => c.client.once('message', (topic) => resolve(topic)));
    // Resubscription happens right after CONNACK: retry until it is in place.
    const timer = setInterval(() => void pub.client.publish('t/x', 'hi', { qos: 1 }), 20);
    try {
      expect(await got).toBe('t/x');
    } finally {
      clearInterval(timer);
    }
  });

  it('grows the wait between failed attempts (exponential backoff)', async () => {
    const b = await startBroker({ port: 0 });
    const c = track(
      await connectMqtt({
        broker: b.url,
        role: 'he',
        protocolVersion: 4,
        reconnect: { initialDelayMs: 10, factor: 2, jitter: 0 },
      }),
    );
    const periods: number[] = [];
    // At each attempt, the period is the wait that preceded it.
    c.client.on('reconnect', () => periods.push(c.client.options.reconnectPeriod ?? -1));
    await b.close();
    await expect.poll(() => periods.length, { timeout: 3000 }).toBeGreaterThanOrEqual(4);
    expect(periods.slice(0, 4)).toEqual([10, 20, 40, 80]);
  });

  it('fails fast with a LinkError that shows no credentials', async () => {
    const b = await broker();
    await b.close();
    const error = await connectMqtt({ broker: `mqtt://alice:s3cret@127.0.0.1:${b.port}`, role: 'he' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LinkError);
    expect(String(error.message)).not.toContain('s3cret');
    expect(String(error.message)).not.toContain('alice');
    expect(String(error.message)).toContain(`mqtt://127.0.0.1:${b.port}`);
  });

  it('moves URL credentials into options', () => {
    const r = resolveBroker('mqtts://bob:p%40ss@broker.example:8884');
    expect(r.options).toMatchObject({ username: 'bob', password: 'p@ss' });
    expect(r.url).toBe('mqtts://broker.example:8884');
    expect(r.description).toBe('mqtts://broker.example:8884');
    expect(resolveBroker({ host: 'h', protocol: 'mqtts', password: 'x' }).description).toBe('mqtts://h:8883');
  });
});
