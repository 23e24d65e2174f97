import mqtt, { type MqttClient } from 'mqtt';
import {
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
  type TunnelTopics,
  tunnelTopics,
} from '../../../src/mqtt/protocol/index.js';

/** A head-end scripted by hand: publishes envelopes, collects the answers on its res topic. */
export class ScriptedHeadEnd {
  readonly received: Envelope[] = [];
  readonly topics: TunnelTopics = tunnelTopics();
  #waiters: (() => void)[] = [];
  private constructor(
    readonly client: MqttClient,
    readonly id: string,
    readonly gatewayId: string,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== this.topics.res(id)) return;
      this.received.push(decodeEnvelope(payload));
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async connect(url: string, id: string, gatewayId = 'gw-1'): Promise<ScriptedHeadEnd> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: `test-${id}` });
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const he = new ScriptedHeadEnd(client, id, gatewayId);
    await client.subscribeAsync(he.topics.res(id), { qos: 1 });
    return he;
  }

  async send(portId: string, envelope: Partial<Envelope> & { type: Envelope['type'] }): Promise<void> {
    const full = {
      flags: 0,
      sessionId: 1,
      seq: 0,
      correlationId: 1,
      deadlineMs: 0,
      sentAt: Date.now(),
      replyTo: this.id,
      portId,
      ...(envelope.type === 'open' ? { leaseIdleMs: 0 } : {}),
      ...(envelope.type === 'data' ? { payload: new Uint8Array(0) } : {}),
      ...envelope,
    } as Envelope;
    await this.client.publishAsync(
      this.topics.req(this.gatewayId, portId),
      Buffer.from(encodeEnvelope(full)),
      {
        qos: 1,
      },
    );
  }

  sendRaw(portId: string, bytes: Uint8Array): Promise<unknown> {
    return this.client.publishAsync(this.topics.req(this.gatewayId, portId), Buffer.from(bytes), { qos: 1 });
  }

  /** Waits (bounded) until `count` envelopes matching `predicate` have arrived; returns them. */
  async waitFor(predicate: (e: Envelope) => boolean, count = 1, timeoutMs = 3000): Promise<Envelope[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter(predicate);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting; received: ${JSON.stringify(this.received.map((e) => e.type))}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Concatenated payloads of the `data` envelopes received for `sessionId`. */
  bytes(sessionId: number): number[] {
    return this.received
      .filter((e) => e.type === 'data' && e.sessionId === sessionId)
      .flatMap((e) => [...(e as { payload: Uint8Array }).payload]);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP proxy to `port` whose connections can be cut (a network failure without DISCONNECT). */
export async function startProxy(
  port: number,
): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const { createServer, connect } = await import('node:net');
  const pairs = new Set<import('node:net').Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    inbound.setNoDelay(true);
    outbound.setNoDelay(true);
    pairs.add(inbound);
    pairs.add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(inbound);
      pairs.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    cut() {
      for (const s of pairs) s.destroy();
    },
    close() {
      for (const s of pairs) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
