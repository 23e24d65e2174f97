import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Link } from '../../../src/core/link.js';
import { memoryPair } from '../../../src/links/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import {
  decodeEnvelope,
  decodeMeta,
  decodeStatus,
  EnvelopeFlag,
  encodeStatus,
  TunnelErrorCode,
  tunnelTopics,
} from '../../../src/mqtt/protocol/index.js';
import { delay, ScriptedHeadEnd, startProxy } from './helpers.js';

const topics = tunnelTopics();
const cleanups: (() => unknown)[] = [];
let broker: EmbeddedBroker;
let meter: Link;
let gateway: MqttGateway;

beforeEach(async () => {
  broker = await startBroker({ port: 0 });
  const [gatewayEnd, meterEnd] = memoryPair();
  meter = meterEnd;
  gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'p1', link: gatewayEnd, protocol: 'hdlc' },
      { id: 'raw', link: () => memoryPair()[0], protocol: 'raw', kind: 'tcp' },
    ],
    leaseIdleMs: 2000,
  });
  cleanups.push(
    () => broker.close(),
    () => gateway.stop(),
  );
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function headEnd(id: string): Promise<ScriptedHeadEnd> {
  const he = await ScriptedHeadEnd.connect(broker.url, id);
  cleanups.push(() => he.close());
  return he;
}

async function retained(topic: string): Promise<Buffer> {
  const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    const got = new Promise<Buffer>((resolve) => c.on('message', (t, p) => t === topic && resolve(p)));
    await c.subscribeAsync(topic, { qos: 1 });
    return await Promise.race([got, delay(2000).then(() => Buffer.alloc(0))]);
  } finally {
    await c.endAsync(true);
  }
}

const frame1 = [0x7e, 0xa0, 0x07, 0x03, 0x21, 0x93, 0x0f, 0x01, 0x7e];
const frame2 = [0x7e, 0xa0, 0x08, 0x03, 0x21, 0x7e, 0x0f, 0x01, 0x02, 0x7e]; // 0x7E inside, no stuffing

describe('MqttGateway', () => {
  it('publishes retained status and meta, and offline on stop', async () => {
    await gateway.start();
    const status = decodeStatus(await retained(topics.status('gw-1')));
    expect(status).toMatchObject({ state: 'online', protocol: 1 });
    expect(decodeMeta(await retained(topics.meta('gw-1')))).toEqual({
      protocol: 1,
      ports: [
        { id: 'p1', kind: 'memory', protocol: 'hdlc', bus: false, busy: false },
        { id: 'raw', kind: 'tcp', protocol: 'raw', bus: false, busy: false },
      ],
    });
    await gateway.stop();
    expect(decodeStatus(await retained(topics.status('gw-1')))).toMatchObject({
      state: 'offline',
      reason: 'stopped',
    });
  });

  it('leases a port: open, data both ways chunked by HDLC frame, duplicates dropped, close', async () => {
    await gateway.start();
    const he = await headEnd('he-a');
    const written: number[] = [];
    meter.on('data', (b) => written.push(...b));
    await he.send('p1', { type: 'open', sessionId: 7, correlationId: 1, leaseIdleMs: 1500 });
    const [opened] = await he.waitFor((e) => e.type === 'opened');
    expect(opened).toMatchObject({ sessionId: 7, correlationId: 1, leaseIdleMs: 1500, portId: 'p1' });
    // Meta follows within its publishing interval (100 ms).
    await delay(150);
    expect(decodeMeta(await retained(topics.meta('gw-1'))).ports[0]!.busy).toBe(true);
    await he.send('p1', {
      type: 'data',
      sessionId: 7,
      seq: 1,
      correlationId: 2,
      payload: new Uint8Array([1, 2]),
    });
    await he.send('p1', {
      type: 'data',
      sessionId: 7,
      seq: 1,
      correlationId: 2,
      payload: new Uint8Array([1, 2]),
    });
    await he.send('p1', {
      type: 'data',
      sessionId: 7,
      seq: 2,
      correlationId: 3,
      payload: new Uint8Array([3]),
    });
    await expect.poll(() => written, { timeout: 2000 }).toEqual([1, 2, 3]);
    // Two frames in one write, then one frame split over three writes.
    await meter.write(new Uint8Array([...frame1, ...frame2]));
    await meter.write(new Uint8Array(frame1.slice(0, 2)));
    await meter.write(new Uint8Array(frame1.slice(2, 6)));
    await meter.write(new Uint8Array(frame1.slice(6)));
    const data = await he.waitFor((e) => e.type === 'data', 3);
    expect(data.map((e) => [...(e as { payload: Uint8Array }).payload])).toEqual([frame1, frame2, frame1]);
    expect(data.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(data[0]).toMatchObject({ sessionId: 7, correlationId: 3 });
    await he.send('p1', { type: 'close', sessionId: 7, correlationId: 9 });
    const [closed] = await he.waitFor((e) => e.type === 'closed');
    expect(closed).toMatchObject({ code: TunnelErrorCode.none, correlationId: 9 });
  });

  it('merges meta changes under lease churn into a few publishes; the last one is right', async () => {
    await gateway.start();
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const metas: boolean[] = [];
    watcher.on('message', (_t, payload) => metas.push(decodeMeta(payload).ports[0]!.busy));
    await watcher.subscribeAsync(topics.meta('gw-1'), { qos: 1 });
    await delay(150);
    metas.length = 0;
    const he = await headEnd('he-churn');
    for (let session = 1; session <= 10; session++) {
      await he.send('p1', { type: 'open', sessionId: session });
      await he.waitFor((e) => e.type === 'opened' && e.sessionId === session);
      await he.send('p1', { type: 'close', sessionId: session, seq: 1 });
      await he.waitFor((e) => e.type === 'closed' && e.sessionId === session);
    }
    await delay(250);
    // 20 lease changes; one publish per 100 ms at most (plus the first at once).
    expect(metas.length).toBeGreaterThan(0);
    expect(metas.length).toBeLessThan(20);
    expect(metas.at(-1)).toBe(false);
  });

  it('queues a second open FIFO until the first lease ends; noWait fails port-busy', async () => {
    await gateway.start();
    const a = await headEnd('he-a');
    const b = await headEnd('he-b');
    const c = await headEnd('he-c');
    await a.send('p1', { type: 'open', sessionId: 1 });
    await a.waitFor((e) => e.type === 'opened');
    await b.send('p1', { type: 'open', sessionId: 2 });
    await c.send('p1', { type: 'open', sessionId: 3, flags: EnvelopeFlag.noWait });
    const [busy] = await c.waitFor((e) => e.type === 'error');
    expect(busy).toMatchObject({ code: TunnelErrorCode.portBusy, sessionId: 3 });
    await delay(50);
    expect(b.received).toEqual([]);
    await b.send('p1', { type: 'data', sessionId: 2, seq: 1, payload: new Uint8Array([9]) });
    const [unknown] = await b.waitFor((e) => e.type === 'error');
    expect(unknown).toMatchObject({ code: TunnelErrorCode.unknownSession });
    await a.send('p1', { type: 'close', sessionId: 1 });
    await b.waitFor((e) => e.type === 'opened');
    await meter.write(new Uint8Array(frame1));
    await b.waitFor((e) => e.type === 'data');
    expect(a.received.filter((e) => e.type === 'data')).toEqual([]);
  });

  it('answers deadline-passed for an open that waited too long, and for late data', async () => {
    await gateway.start();
    const a = await headEnd('he-a');
    const b = await headEnd('he-b');
    await a.send('p1', { type: 'open', sessionId: 1 });
    await a.waitFor((e) => e.type === 'opened');
    await b.send('p1', { type: 'open', sessionId: 2, deadlineMs: 100 });
    const [late] = await b.waitFor((e) => e.type === 'error');
    expect(late).toMatchObject({ code: TunnelErrorCode.deadlinePassed, sessionId: 2 });
  });

  it('ends an idle lease (lease-expired) and grants the next open', async () => {
    await gateway.start();
    const a = await headEnd('he-a');
    const b = await headEnd('he-b');
    await a.send('p1', { type: 'open', sessionId: 1, leaseIdleMs: 150 });
    await a.waitFor((e) => e.type === 'opened');
    await b.send('p1', { type: 'open', sessionId: 2 });
    const [expired] = await a.waitFor((e) => e.type === 'closed');
    expect(expired).toMatchObject({ code: TunnelErrorCode.leaseExpired });
    await b.waitFor((e) => e.type === 'opened');
  });

  it('ends the lease of a head-end whose status goes offline (head-end-gone)', async () => {
    await gateway.start();
    const a = await headEnd('he-a');
    const b = await headEnd('he-b');
    await a.client.publishAsync(
      topics.headEndStatus('he-a'),
      Buffer.from(encodeStatus({ state: 'online', protocol: 1, time: new Date().toISOString() })),
      { qos: 1, retain: true },
    );
    await a.send('p1', { type: 'open', sessionId: 1 });
    await a.waitFor((e) => e.type === 'opened');
    await b.send('p1', { type: 'open', sessionId: 2 });
    await delay(50);
    await a.client.publishAsync(topics.headEndStatus('he-a'), Buffer.alloc(0), { qos: 1, retain: true });
    await b.waitFor((e) => e.type === 'opened');
  });

  it('publishes meter bytes outside a lease to the push topic', async () => {
    await gateway.start();
    const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => sub.endAsync(true));
    const got = new Promise<Buffer>((resolve) => sub.on('message', (_t, p) => resolve(p)));
    await sub.subscribeAsync(topics.pushFilter('gw-1'), { qos: 1 });
    await meter.write(new Uint8Array(frame2));
    const push = decodeEnvelope(await got);
    expect(push).toMatchObject({ type: 'push', portId: 'p1', sessionId: 0 });
    expect([...(push as { payload: Uint8Array }).payload]).toEqual(frame2);
  });

  it('answers unknown-port, bad-envelope and unsupported-version', async () => {
    await gateway.start();
    const errors: Error[] = [];
    gateway.on('error', (e) => errors.push(e));
    const a = await headEnd('he-a');
    await a.send('nope', { type: 'open', sessionId: 4 });
    const [unknown] = await a.waitFor((e) => e.type === 'error');
    expect(unknown).toMatchObject({ code: TunnelErrorCode.unknownPort, sessionId: 4, portId: 'nope' });
    const good = new Uint8Array(30 + 4 + 2 + 4);
    good.set([1, 1, 0, 0, 0, 0, 0, 5], 0);
    good[28] = 4;
    good.set(new TextEncoder().encode('he-a'), 29);
    good[33] = 2;
    good.set(new TextEncoder().encode('p1'), 34);
    const badType = good.slice();
    badType[1] = 99;
    await a.sendRaw('p1', badType);
    const [bad] = await a.waitFor((e) => e.type === 'error', 2);
    expect(a.received.at(-1)).toMatchObject({ code: TunnelErrorCode.badEnvelope, sessionId: 5 });
    const v9 = good.slice();
    v9[0] = 9;
    await a.sendRaw('p1', v9);
    await a.waitFor((e) => e.type === 'error', 3);
    expect(a.received.at(-1)).toMatchObject({ code: TunnelErrorCode.unsupportedVersion });
    expect(bad).toBeDefined();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('stop() ends leases (gateway-stopping) and fails queued opens', async () => {
    await gateway.start();
    const a = await headEnd('he-a');
    const b = await headEnd('he-b');
    await a.send('p1', { type: 'open', sessionId: 1 });
    await a.waitFor((e) => e.type === 'opened');
    await b.send('p1', { type: 'open', sessionId: 2 });
    await delay(50);
    await gateway.stop();
    const [closed] = await a.waitFor((e) => e.type === 'closed');
    expect(closed).toMatchObject({ code: TunnelErrorCode.gatewayStopping });
    const [failed] = await b.waitFor((e) => e.type === 'error');
    expect(failed).toMatchObject({ code: TunnelErrorCode.gatewayStopping });
    expect(meter.isOpen).toBe(false);
  });

  it('publishes offline through its Last Will when its connection vanishes, online again after reconnecting', async () => {
    const proxy = await startProxy(broker.port);
    cleanups.push(() => proxy.close());
    const viaProxy = new MqttGateway({
      broker: `mqtt://127.0.0.1:${proxy.port}`,
      id: 'gw-2',
      ports: [],
      mqtt: { reconnect: { initialDelayMs: 20, jitter: 0 } },
    });
    cleanups.push(() => viaProxy.stop());
    await viaProxy.start();
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const states: string[] = [];
    watcher.on('message', (_t, p) => states.push(decodeStatus(p).state));
    await watcher.subscribeAsync(topics.status('gw-2'), { qos: 1 });
    await expect.poll(() => states, { timeout: 2000 }).toEqual(['online']);
    proxy.cut();
    await expect.poll(() => states, { timeout: 3000 }).toEqual(['online', 'offline', 'online']);
  });
});
