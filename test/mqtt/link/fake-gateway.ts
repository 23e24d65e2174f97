// A scripted gateway for the mqttLink tests: raw MQTT.js client, envelopes from src/mqtt/protocol.
import mqtt, { type MqttClient } from 'mqtt';
import {
  decodeEnvelope,
  type Envelope,
  type EnvelopeHeader,
  encodeEnvelope,
  encodeMeta,
  encodeStatus,
  type TunnelStatus,
  tunnelTopics,
} from '../../../src/mqtt/protocol/index.js';

export const topics = tunnelTopics();

/** What the fake gateway got: the topic and the decoded envelope. */
export interface Received {
  topic: string;
  envelope: Envelope;
}

export class FakeGateway {
  readonly received: Received[] = [];
  /** Head-end status messages seen (`''` = cleared). */
  readonly presence: { topic: string; payload: string }[] = [];
  /** Called for every request; the default answers open with opened and close with closed. */
  onRequest: (request: Envelope, gw: FakeGateway) => void = (r, gw) => gw.answerDefault(r);
  private waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(
    readonly client: MqttClient,
    readonly id: string,
  ) {}

  static async start(
    url: string,
    id = 'gw1',
    status: TunnelStatus['state'] | 'none' = 'online',
  ): Promise<FakeGateway> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 2000 });
    const gw = new FakeGateway(client, id);
    client.on('message', (topic, payload) => gw.handle(topic, payload));
    await client.subscribeAsync(topics.reqFilter(id), { qos: 1 });
    await client.subscribeAsync(topics.headEndStatusFilter(), { qos: 1 });
    await client.publishAsync(
      topics.meta(id),
      Buffer.from(
        encodeMeta({
          protocol: 1,
          ports: [{ id: 'p1', kind: 'serial', protocol: 'hdlc', bus: true, busy: false }],
        }),
      ),
      { qos: 1, retain: true },
    );
    if (status !== 'none') await gw.setStatus(status);
    return gw;
  }

  async setStatus(state: TunnelStatus['state'], reason?: string): Promise<void> {
    const status: TunnelStatus = {
      state,
      protocol: 1,
      time: new Date().toISOString(),
      ...(reason ? { reason } : {}),
    };
    await this.client.publishAsync(topics.status(this.id), Buffer.from(encodeStatus(status)), {
      qos: 1,
      retain: true,
    });
  }

  /** Resolves with the next (or an already received) request matching `match`. */
  next(match: (r: Received) => boolean, timeoutMs = 2000): Promise<Received> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('fake gateway: no such request')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(t);
          resolve(r);
        },
      });
    });
  }

  /** Publishes an envelope to the request's reply-to. */
  async send(replyTo: string, envelope: Envelope): Promise<void> {
    await this.client.publishAsync(topics.res(replyTo), Buffer.from(encodeEnvelope(envelope)), { qos: 1 });
  }

  /** Header of an answer in the session of `request`. */
  header(request: Envelope, seq: number): EnvelopeHeader {
    return {
      flags: 0,
      sessionId: request.sessionId,
      seq,
      correlationId: request.correlationId,
      deadlineMs: 0,
      sentAt: 0,
      replyTo: '',
      portId: request.portId,
    };
  }

  answerDefault(r: Envelope): void {
    this.answer(r).catch(() => undefined); // an answer in flight when the test stops the gateway
  }

  private answer(r: Envelope): Promise<void> {
    if (r.type === 'open')
      return this.send(r.replyTo, {
        type: 'opened',
        ...this.header(r, 0),
        leaseIdleMs: r.leaseIdleMs,
        maxPayloadBytes: 16,
      });
    if (r.type === 'close')
      return this.send(r.replyTo, { type: 'closed', ...this.header(r, 99), code: 0, message: '' });
    if (r.type === 'ping') return this.send(r.replyTo, { type: 'pong', ...this.header(r, 0) });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }

  private handle(topic: string, payload: Buffer): void {
    if (!topic.endsWith('/req')) {
      this.presence.push({ topic, payload: payload.toString() });
      return;
    }
    const envelope = decodeEnvelope(payload);
    const r = { topic, envelope };
    this.received.push(r);
    this.onRequest(envelope, this);
    for (const w of [...this.waiters]) {
      if (w.match(r)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  }
}
