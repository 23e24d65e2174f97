// mqttLink's APDU mode (attachApdu) against a scripted gateway on the embedded broker.
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, LinkClosedError, TimeoutError } from '../../../src/core/errors.js';
import { type ApduAttachRequest, type ApduTunnelLink, isApduTunnel } from '../../../src/core/link.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { mqttLink, TunnelError } from '../../../src/mqtt/link/index.js';
import {
  type AttachEnvelope,
  type Envelope,
  EnvelopeFlag,
  TunnelErrorCode,
} from '../../../src/mqtt/protocol/index.js';
import { FakeGateway, type Received } from './fake-gateway.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function opened(): Promise<{ broker: EmbeddedBroker; gw: FakeGateway; link: ApduTunnelLink }> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const gw = await FakeGateway.start(broker.url);
  cleanups.push(() => gw.stop());
  const link = mqttLink({
    broker: broker.url,
    gatewayId: 'gw1',
    port: 'p1',
    headEndId: 'he1',
    timeoutMs: 3000,
  });
  cleanups.push(() => link.close());
  await link.open();
  return { broker, gw, link };
}

const request: ApduAttachRequest = {
  mode: 'dlms-hdlc',
  client: 16,
  server: { logical: 1, physical: 17 },
  hdlc: { maxInfoReceive: 256, frameTimeoutMs: 500, retries: 2 },
};

const isAttach = (r: Received): boolean => r.envelope.type === 'attach';

/** Answers `attach` with `attached` (seq 1), as a gateway with APDU mode does. */
function attachedAnswer(gw: FakeGateway): void {
  gw.onRequest = (r, g) => {
    if (r.type !== 'attach') {
      g.answerDefault(r);
      return;
    }
    void g.send(r.replyTo, {
      type: 'attached',
      ...g.header(r, 1),
      mode: 1,
      maxInfoTransmit: 128,
      maxInfoReceive: 256,
      windowTransmit: 1,
      windowReceive: 1,
      maxApduBytes: 4096,
    });
  };
}

describe('mqttLink APDU mode', () => {
  it('attaches, then sends one envelope per APDU and splits pushes from answers', async () => {
    const { gw, link } = await opened();
    expect(isApduTunnel(link)).toBe(true);
    attachedAnswer(gw);
    const pushes: number[][] = [];
    const data: number[][] = [];
    link.on('data', (b) => data.push([...b]));
    const result = await link.attachApdu({ ...request, onUnsolicited: (apdu) => pushes.push([...apdu]) });
    expect(result).toEqual({
      maxInfoTransmit: 128,
      maxInfoReceive: 256,
      windowTransmit: 1,
      windowReceive: 1,
      maxApduBytes: 4096,
    });
    const attach = (await gw.next(isAttach)).envelope as AttachEnvelope;
    expect(attach).toMatchObject({
      seq: 1,
      mode: 1,
      client: 16,
      serverLogical: 1,
      serverPhysical: 17,
      addressSize: 0,
      maxInfoTransmit: 0,
      maxInfoReceive: 256,
      frameTimeoutMs: 500,
      retries: 2,
    });
    expect(attach.deadlineMs).toBe(3000);
    // 100 octets: above the 16 octets of opened.maxPayloadBytes, but one APDU is never split.
    await link.write(new Uint8Array(100).fill(0xc0));
    const sent = await gw.next((r) => r.envelope.type === 'data');
    expect((sent.envelope as { payload: Uint8Array }).payload.length).toBe(100);
    expect(sent.envelope.seq).toBe(2);
    const header = gw.header(attach, 2);
    await gw.send('he1', { type: 'data', ...header, payload: new Uint8Array([0xc4, 1]) });
    await gw.send('he1', {
      type: 'data',
      ...gw.header(attach, 3),
      flags: EnvelopeFlag.unsolicited,
      payload: new Uint8Array([0x0f, 2]),
    });
    const until = Date.now() + 2000;
    while ((data.length < 1 || pushes.length < 1) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 5));
    expect(data).toEqual([[0xc4, 1]]);
    expect(pushes).toEqual([[0x0f, 2]]);
    await expect(link.write(new Uint8Array(5000))).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('maps the bad-envelope answer of a gateway without APDU mode to TunnelError unsupported', async () => {
    const { gw, link } = await opened();
    gw.onRequest = (r, g) => {
      // An older gateway cannot decode type 10: it answers bad-envelope from the peeked header.
      if (r.type === 'attach') {
        void g.send(r.replyTo, {
          type: 'error',
          ...g.header(r, 0),
          code: TunnelErrorCode.badEnvelope,
          message: 'unknown message type 10',
        });
      } else g.answerDefault(r);
    };
    const error = await link.attachApdu(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('unsupported');
    expect((error as Error).message).toMatch(/does not support APDU mode/);
    expect(link.isOpen).toBe(true); // the lease goes on
  });

  it('maps meter-refused and deadline-passed; a second attach while one waits is refused', async () => {
    const { gw, link } = await opened();
    const answers: Envelope[] = [];
    gw.onRequest = (r, g) => {
      if (r.type !== 'attach') return g.answerDefault(r);
      answers.push(r);
    };
    const first = link.attachApdu(request).catch((e: unknown) => e);
    const attach = (await gw.next(isAttach)).envelope;
    await expect(link.attachApdu(request)).rejects.toThrow(/already in progress/);
    await gw.send('he1', {
      type: 'error',
      ...gw.header(attach, 0),
      code: TunnelErrorCode.meterRefused,
      message: 'server refused link (DM)',
    });
    const error = (await first) as TunnelError;
    expect(error).toBeInstanceOf(TunnelError);
    expect(error.reason).toBe('meter-refused');
    const second = link.attachApdu(request).catch((e: unknown) => e);
    const attach2 = (await gw.next((r) => isAttach(r) && r.envelope !== attach)).envelope;
    await gw.send('he1', {
      type: 'error',
      ...gw.header(attach2, 0),
      code: TunnelErrorCode.deadlinePassed,
      message: '',
    });
    expect(await second).toBeInstanceOf(TimeoutError);
  });

  it('times out, aborts, and fails when the lease ends or the link is not open', async () => {
    const { gw, link } = await opened();
    gw.onRequest = (r, g) => {
      if (r.type !== 'attach') g.answerDefault(r);
    };
    await expect(link.attachApdu(request, { timeoutMs: 50 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = link.attachApdu(request, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await expect(link.attachApdu({ ...request, client: 200 })).rejects.toBeInstanceOf(InvalidArgumentError);
    const pending = link.attachApdu(request).catch((e: unknown) => e);
    const attach = (
      await gw.next((r) => isAttach(r) && (r.envelope as AttachEnvelope).client === 16 && r.envelope.seq >= 3)
    ).envelope;
    await gw.send('he1', {
      type: 'closed',
      ...gw.header(attach, 1),
      code: TunnelErrorCode.leaseExpired,
      message: '',
    });
    const error = (await pending) as TunnelError;
    expect(error).toBeInstanceOf(TunnelError);
    expect(error.reason).toBe('lease-expired');
    await expect(link.attachApdu(request)).rejects.toBeInstanceOf(LinkClosedError);
  });
});
