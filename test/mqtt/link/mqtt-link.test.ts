// mqttLink against a scripted gateway on the embedded broker.
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, LinkClosedError, ProtocolError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { type MqttLinkOptions, mqttLink, TunnelError } from '../../../src/mqtt/link/index.js';
import { type Envelope, TunnelErrorCode } from '../../../src/mqtt/protocol/index.js';
import { FakeGateway, type Received } from './fake-gateway.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(
  status: 'online' | 'offline' | 'none' = 'online',
): Promise<{ broker: EmbeddedBroker; gw: FakeGateway }> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const gw = await FakeGateway.start(broker.url, 'gw1', status);
  cleanups.push(() => gw.stop());
  return { broker, gw };
}

function link(broker: EmbeddedBroker, options: Partial<MqttLinkOptions> = {}): Link {
  const l = mqttLink({ broker: broker.url, gatewayId: 'gw1', port: 'p1', timeoutMs: 3000, ...options });
  cleanups.push(() => l.close());
  return l;
}

const of =
  (type: Envelope['type']) =>
  (r: Received): boolean =>
    r.envelope.type === type;

function collect(l: Link): { data: number[][]; errors: Error[]; closes: (Error | undefined)[] } {
  const out = { data: [] as number[][], errors: [] as Error[], closes: [] as (Error | undefined)[] };
  l.on('data', (b) => out.data.push([...b]));
  l.on('error', (e) => out.errors.push(e));
  l.on('close', (e) => out.closes.push(e));
  return out;
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('mqttLink', () => {
  it('opens a lease, writes numbered data, delivers data, closes', async () => {
    const { broker, gw } = await setup();
    const l = link(broker, { headEndId: 'he1', leaseIdleMs: 5000 });
    expect(l.info).toEqual({
      transport: 'mqtt',
      messageOriented: false,
      bus: false,
      peer: `mqtt://127.0.0.1:${broker.port}/meterlink/gw/gw1/port/p1`,
    });
    const seen = collect(l);
    await l.open();
    expect(l.isOpen).toBe(true);
    expect(l.info.bus).toBe(true); // from the gateway's meta
    const open = (await gw.next(of('open'))).envelope;
    expect(open).toMatchObject({ type: 'open', replyTo: 'he1', portId: 'p1', seq: 0, leaseIdleMs: 5000 });
    expect(open.sessionId).toBeGreaterThan(0);
    expect(open.deadlineMs).toBeGreaterThan(0);
    expect(open.deadlineMs).toBeLessThanOrEqual(3000);
    expect(gw.presence.at(-1)).toMatchObject({ topic: 'meterlink/he/he1/status' });
    expect(JSON.parse(gw.presence.at(-1)!.payload)).toMatchObject({ state: 'online', protocol: 1 });

    await l.write(new Uint8Array([1, 2, 3]));
    // 40 bytes with the gateway's limit of 16 per envelope: three envelopes.
    await l.write(new Uint8Array(40).fill(7));
    await until(() => gw.received.filter(of('data')).length === 4);
    const data = gw.received.filter(of('data')).map((r) => r.envelope);
    expect(data.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(data.map((e) => (e.type === 'data' ? e.payload.length : -1))).toEqual([3, 16, 16, 8]);
    expect(new Set(data.map((e) => e.correlationId)).size).toBe(4);
    expect(data.every((e) => e.sessionId === open.sessionId && e.deadlineMs === 10_000 && e.sentAt > 0)).toBe(
      true,
    );

    await gw.send('he1', { type: 'data', ...gw.header(open, 1), payload: new Uint8Array([9, 8]) });
    await gw.send('he1', { type: 'data', ...gw.header(open, 2), payload: new Uint8Array([7]) });
    await until(() => seen.data.length === 2);
    expect(seen.data).toEqual([[9, 8], [7]]);

    await l.close();
    expect(l.state).toBe('closed');
    const close = (await gw.next(of('close'))).envelope;
    expect(close).toMatchObject({ sessionId: open.sessionId, seq: 5 });
    await until(() => gw.presence.at(-1)?.payload === '');
    expect(seen.closes).toEqual([undefined]);
    expect(seen.errors).toEqual([]);
  });

  it('drops redelivered data and reports a gap without closing', async () => {
    const { broker, gw } = await setup();
    const l = link(broker, { headEndId: 'he2' });
    const seen = collect(l);
    await l.open();
    const open = (await gw.next(of('open'))).envelope;
    for (const [seq, byte] of [
      [1, 1],
      [1, 1],
      [2, 2],
      [1, 1],
      [5, 5],
      [3, 3],
      [6, 6],
    ] as const) {
      await gw.send('he2', { type: 'data', ...gw.header(open, seq), payload: new Uint8Array([byte]) });
    }
    await until(() => seen.data.length === 4);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.data).toEqual([[1], [2], [5], [6]]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(ProtocolError);
    expect(seen.errors[0]!.message).toMatch(/2 envelope\(s\) .* lost/);
    expect(l.isOpen).toBe(true);
    // Envelopes of another session are ignored.
    await gw.send('he2', {
      type: 'data',
      ...gw.header({ ...open, sessionId: (open.sessionId ^ 1) >>> 0 }, 7),
      payload: new Uint8Array([0]),
    });
    await gw.send('he2', { type: 'data', ...gw.header(open, 7), payload: new Uint8Array([7]) });
    await until(() => seen.data.length === 5);
    expect(seen.data.at(-1)).toEqual([7]);
  });

  it('fails fast when the gateway is offline (retained status)', async () => {
    const { broker } = await setup('offline');
    const l = link(broker, { timeoutMs: 5000 });
    const started = Date.now();
    const error = await l.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('gateway-offline');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(l.state).toBe('closed');
  });

  it('closes with a typed error when the gateway goes offline, and fails a pending open', async () => {
    const { broker, gw } = await setup();
    const l = link(broker, { headEndId: 'he3' });
    const seen = collect(l);
    await l.open();
    await gw.setStatus('offline', 'connection lost');
    await until(() => seen.closes.length === 1);
    expect(seen.closes[0]).toBeInstanceOf(TunnelError);
    expect(seen.closes[0]!.message).toMatch(/gw1 is offline: connection lost/);
    expect(l.state).toBe('closed');

    await gw.setStatus('online');
    gw.onRequest = () => undefined; // never answers: the open stays queued
    const l2 = link(broker, { timeoutMs: 5000 });
    const opening = l2.open().catch((e: unknown) => e);
    await gw.next((r) => r.envelope.type === 'open' && r.envelope.replyTo !== 'he3');
    const started = Date.now();
    // A cleared retained status (gateway decommissioned) counts as offline too.
    await gw.client.publishAsync('meterlink/gw/gw1/status', Buffer.alloc(0), { qos: 1, retain: true });
    const error = await opening;
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('gateway-offline');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('times out waiting for the lease and cancels the queued open', async () => {
    const { broker, gw } = await setup();
    gw.onRequest = () => undefined;
    const l = link(broker, { headEndId: 'he4' });
    const error = await l.open({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const open = (await gw.next(of('open'))).envelope;
    expect(open.deadlineMs).toBeLessThanOrEqual(300);
    const close = (await gw.next(of('close'))).envelope;
    expect(close.sessionId).toBe(open.sessionId);
    expect(l.state).toBe('closed');
  });

  it('maps a gateway deadline-passed answer to a TimeoutError', async () => {
    const { broker, gw } = await setup();
    gw.onRequest = (r) => {
      if (r.type === 'open')
        void gw.send(r.replyTo, {
          type: 'error',
          ...gw.header(r, 0),
          code: TunnelErrorCode.deadlinePassed,
          message: '',
        });
    };
    await expect(link(broker).open()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('aborts opening', async () => {
    const { broker, gw } = await setup();
    gw.onRequest = () => undefined;
    const l = link(broker);
    const controller = new AbortController();
    const opening = l.open({ signal: controller.signal });
    await gw.next(of('open'));
    controller.abort(new Error('user'));
    await expect(opening).rejects.toBeInstanceOf(AbortError);
    await gw.next(of('close'));
    expect(l.state).toBe('closed');
  });

  it('fails with unknown-port', async () => {
    const { broker, gw } = await setup();
    gw.onRequest = (r) => {
      if (r.type === 'open')
        void gw.send(r.replyTo, {
          type: 'error',
          ...gw.header(r, 0),
          code: TunnelErrorCode.unknownPort,
          message: 'no port p9',
        });
    };
    const error = await link(broker, { port: 'p9' })
      .open()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect(error).toMatchObject({ reason: 'unknown-port', tunnelCode: 3 });
    expect((error as Error).message).toMatch(/no port p9/);
  });

  it('closes when the gateway ends the lease; a refused write is only reported', async () => {
    const { broker, gw } = await setup();
    const l = link(broker, { headEndId: 'he5' });
    const seen = collect(l);
    await l.open();
    const open = (await gw.next(of('open'))).envelope;
    await gw.send('he5', {
      type: 'error',
      ...gw.header(open, 0),
      code: TunnelErrorCode.deadlinePassed,
      message: '',
    });
    await until(() => seen.errors.length === 1);
    expect(seen.errors[0]).toMatchObject({ reason: 'deadline-passed' });
    expect(l.isOpen).toBe(true);
    await gw.send('he5', {
      type: 'closed',
      ...gw.header(open, 1),
      code: TunnelErrorCode.leaseExpired,
      message: 'idle 60 s',
    });
    await until(() => seen.closes.length === 1);
    expect(seen.closes[0]).toMatchObject({ reason: 'lease-expired' });
    await expect(l.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
    await new Promise((r) => setTimeout(r, 50));
    expect(gw.received.filter(of('close'))).toHaveLength(0);
  });

  it('keeps the lease alive with pings', async () => {
    const { broker, gw } = await setup();
    const l = link(broker, { leaseIdleMs: 300 });
    const seen = collect(l);
    await l.open();
    const ping = (await gw.next(of('ping'))).envelope;
    const open = (await gw.next(of('open'))).envelope;
    expect(ping.sessionId).toBe(open.sessionId);
    await new Promise((r) => setTimeout(r, 250));
    expect(seen.errors).toEqual([]);
  });

  it('fails to open when the broker is unreachable', async () => {
    const { broker } = await setup();
    const url = broker.url;
    await broker.close();
    const l = mqttLink({ broker: url, gatewayId: 'gw1', port: 'p1', timeoutMs: 1000 });
    await expect(l.open()).rejects.toThrow(/cannot connect|closed/);
  });
});
