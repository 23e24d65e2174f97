import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, LinkError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { memoryPair } from '../../../src/links/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { type GatewayMode, type GatewayModeHost, MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { TunnelErrorCode, topicMatches } from '../../../src/mqtt/protocol/index.js';
import { delay, ScriptedHeadEnd } from './helpers.js';

const cleanups: (() => unknown)[] = [];
let broker: EmbeddedBroker;
let meter: Link;

function gatewayWith(modes: GatewayMode[] = []): MqttGateway {
  const [gatewayEnd, meterEnd] = memoryPair();
  meter = meterEnd;
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [{ id: 'p1', link: gatewayEnd, protocol: 'hdlc' }],
    modes,
  });
  cleanups.push(() => gateway.stop());
  return gateway;
}

beforeEach(async () => {
  broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function headEnd(id: string): Promise<ScriptedHeadEnd> {
  const he = await ScriptedHeadEnd.connect(broker.url, id);
  cleanups.push(() => he.close());
  return he;
}

const frame = [0x7e, 0xa0, 0x07, 0x03, 0x21, 0x93, 0x0f, 0x01, 0x7e];

describe('MqttGateway.acquirePort', () => {
  it('gives local code the link; head-end opens queue behind it and are granted on release', async () => {
    const gateway = gatewayWith();
    await gateway.start();
    const chunks: number[][] = [];
    const lease = await gateway.acquirePort('p1', { holder: 'test', onChunk: (c) => chunks.push([...c]) });
    expect(lease.link.isOpen).toBe(true);
    const he = await headEnd('he-a');
    await he.send('p1', { type: 'open', sessionId: 7 });
    await delay(50);
    expect(he.received).toEqual([]);
    const heard: number[] = [];
    meter.on('data', (b) => heard.push(...b));
    await lease.link.write(new Uint8Array([1, 2, 3]));
    await meter.write(new Uint8Array(frame));
    await delay(20);
    expect(heard).toEqual([1, 2, 3]);
    expect(chunks).toEqual([frame]);
    expect(he.received.filter((e) => e.type === 'data')).toEqual([]);
    lease.release();
    lease.release();
    expect(lease.signal.aborted).toBe(true);
    await he.waitFor((e) => e.type === 'opened');
    // The next local waiter queues behind the head-end and times out with a typed error.
    await expect(gateway.acquirePort('p1', { holder: 'late', timeoutMs: 50 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    await he.send('p1', { type: 'close', sessionId: 7, seq: 1 });
    const next = await gateway.acquirePort('p1', { holder: 'after', timeoutMs: 2000 });
    next.release();
  });

  it('typed failures: unknown port, aborted wait, idle expiry ends the lease, stop rejects waiters', async () => {
    const gateway = gatewayWith();
    await expect(gateway.acquirePort('nope', { holder: 't' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await gateway.start();
    const first = await gateway.acquirePort('p1', { holder: 'a', idleMs: 60 });
    const controller = new AbortController();
    const waiting = gateway.acquirePort('p1', { holder: 'b', signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await delay(120);
    expect(first.signal.aborted).toBe(true);
    const second = await gateway.acquirePort('p1', { holder: 'c' });
    const third = gateway.acquirePort('p1', { holder: 'd' }).catch((error: unknown) => error);
    await gateway.stop();
    expect(second.signal.aborted).toBe(true);
    expect(await third).toBeInstanceOf(LinkError);
  });

  it('a head-end lease is not disturbed: the local waiter gets the port after close', async () => {
    const gateway = gatewayWith();
    await gateway.start();
    const he = await headEnd('he-b');
    await he.send('p1', { type: 'open', sessionId: 3 });
    await he.waitFor((e) => e.type === 'opened');
    let granted = false;
    const pending = gateway.acquirePort('p1', { holder: 'local' }).then((l) => {
      granted = true;
      return l;
    });
    await meter.write(new Uint8Array(frame));
    await he.waitFor((e) => e.type === 'data');
    expect(granted).toBe(false);
    await he.send('p1', { type: 'close', sessionId: 3, seq: 1 });
    const [closed] = await he.waitFor((e) => e.type === 'closed');
    expect(closed).toMatchObject({ code: TunnelErrorCode.none });
    (await pending).release();
  });
});

describe('gateway modes', () => {
  it('start after the ports, get publish/subscribe on the gateway connection, stop before the ports', async () => {
    const events: string[] = [];
    let host: GatewayModeHost | undefined;
    const mode: GatewayMode = {
      name: 'probe',
      async start(h) {
        host = h;
        events.push('start');
        const unsubscribe = await h.subscribe('probe/+/in', (topic, payload) => {
          events.push(`${topic}:${Buffer.from(payload).toString()}`);
          void h.publish('probe/out', `echo ${Buffer.from(payload).toString()}`);
        });
        h.signal.addEventListener('abort', () => void unsubscribe());
      },
      async stop() {
        events.push('stop');
      },
    };
    const gateway = gatewayWith([mode]);
    await gateway.start();
    expect(host?.ports()).toEqual([{ id: 'p1', protocol: 'hdlc' }]);
    const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => c.endAsync(true));
    const echoed = new Promise<string>((resolve) => c.on('message', (_t, p) => resolve(p.toString())));
    await c.subscribeAsync('probe/out', { qos: 1 });
    await c.publishAsync('probe/x/in', 'hello', { qos: 1 });
    expect(await Promise.race([echoed, delay(2000).then(() => 'timeout')])).toBe('echo hello');
    await gateway.stop();
    expect(events).toEqual(['start', 'probe/x/in:hello', 'stop']);
    expect(host?.signal.aborted).toBe(true);
  });

  it('a mode that fails to start fails start() and the started ones are stopped', async () => {
    const stopped: string[] = [];
    const ok: GatewayMode = { name: 'ok', start: async () => {}, stop: async () => void stopped.push('ok') };
    const bad: GatewayMode = {
      name: 'bad',
      start: async () => {
        throw new InvalidArgumentError('bad config');
      },
      stop: async () => void stopped.push('bad'),
    };
    const gateway = gatewayWith([ok, bad]);
    await expect(gateway.start()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(stopped).toEqual(['ok']);
  });
});

describe('topicMatches', () => {
  it('follows the MQTT wildcard rules', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/d')).toBe(false);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(topicMatches('$share/g/a/+', 'a/b')).toBe(true);
    expect(topicMatches('a/b', 'a/b/c')).toBe(false);
    expect(topicMatches('a/+', 'a')).toBe(false);
  });
});
