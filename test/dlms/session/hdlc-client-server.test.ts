// HdlcClientSession ↔ HdlcServerSession over a memory pair (spec §4.7–§4.11).
import { afterEach, describe, expect, it } from 'vitest';
import { LinkClosedError, ProtocolError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { encodeHdlcFrame } from '../../../src/dlms/hdlc/frame-codec.js';
import type { HdlcFrame } from '../../../src/dlms/hdlc/types.js';
import {
  HdlcClientSession,
  type HdlcClientSessionOptions,
} from '../../../src/dlms/session/hdlc-client-session.js';
import {
  HdlcServerSession,
  type HdlcServerSessionOptions,
} from '../../../src/dlms/session/hdlc-server-session.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { until } from '../../helpers/until.js';
import { answerTo, fastPair, makeRequest, request, ScriptedPeer, seeded } from './hdlc-helpers.js';

const links: Link[] = [];
const sessions: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  // Clients first (their DISC is answered by the servers still running), then the servers.
  for (const session of sessions.splice(0).reverse()) await session.close();
  await Promise.all(links.splice(0).map((l) => l.close()));
});

const address = { client: 16, server: { logical: 1, physical: 17 } } as const;

/** A server session that answers every request with `answerTo(request)`. */
function serve(link: Link, options: HdlcServerSessionOptions = {}): HdlcServerSession {
  const server = new HdlcServerSession(link, options);
  sessions.push(server);
  server.on('apdu', ({ apdu, unsolicited }) => {
    if (!unsolicited) server.send(answerTo(apdu)).catch(() => undefined);
  });
  return server;
}

function setup(
  clientOptions: Partial<HdlcClientSessionOptions> = {},
  serverOptions: HdlcServerSessionOptions = {},
): { client: HdlcClientSession; server: HdlcServerSession; a: Link; b: Link } {
  const [a, b] = memoryPair();
  links.push(a, b);
  const server = serve(b, serverOptions);
  const client = new HdlcClientSession(a, { ...address, timeoutMs: 200, ...clientOptions });
  sessions.push(client);
  return { client, server, a, b };
}

describe('HdlcClientSession ↔ HdlcServerSession', () => {
  it('negotiates the smaller limits in each direction (spec §4.7)', async () => {
    const { client, server } = setup(
      { maxInfoTransmit: 1000, maxInfoReceive: 64, windowTransmit: 7, windowReceive: 2 },
      { maxInfoTransmit: 256, maxInfoReceive: 512, windowTransmit: 3, windowReceive: 4 },
    );
    const connects: unknown[] = [];
    server.on('connect', (addr, reset) => connects.push([addr, reset]));
    await client.open();
    expect(client.parameters).toEqual({
      maxInfoTransmit: 512,
      maxInfoReceive: 64,
      windowTransmit: 4,
      windowReceive: 2,
    });
    expect(server.parameters).toEqual({
      maxInfoTransmit: 64,
      maxInfoReceive: 512,
      windowTransmit: 2,
      windowReceive: 4,
    });
    expect(connects).toEqual([[{ client: 16, logicalDevice: 1, physicalDevice: 17 }, false]]);
    expect(server.state).toBe('open');
  });

  for (const [txWindow, rxWindow] of [
    [1, 1],
    [3, 7],
    [7, 2],
  ] as const) {
    it(`random APDUs 1 B – 20 kB both ways over 32-octet fields, windows ${txWindow}/${rxWindow}`, async () => {
      const { client, server } = setup(
        { maxInfoTransmit: 32, maxInfoReceive: 32, windowTransmit: txWindow, windowReceive: rxWindow },
        { maxInfoTransmit: 2030, maxInfoReceive: 2030, windowTransmit: 7, windowReceive: 7 },
      );
      await client.open();
      const random = seeded(txWindow * 10 + rxWindow);
      const sizes = [1, 8, 29, 32, 33, 20_000, 640];
      for (let i = 0; i < 8; i++) sizes.push(1 + Math.floor(random() * 5000));
      for (let serial = 0; serial < sizes.length; serial++) {
        const size = sizes[serial]!;
        const answerSize = sizes[(serial + 3) % sizes.length]!;
        const answer = await request(client, makeRequest(serial, size, answerSize));
        expect(answer).toEqual(answerTo(makeRequest(serial, size, answerSize)));
      }
      // 20 000 octets in 32-octet fields: more than 600 segments each way.
      expect(client.stats.framesSent).toBeGreaterThan(1200);
      expect(client.stats.retransmissions).toBe(0);
      expect(server.stats.retransmissions).toBe(0);
      await client.close();
      expect(server.state).toBe('closed');
    });
  }

  it('delivers UI pushes interleaved with segmented answers', async () => {
    const { client, server } = setup({ maxInfoReceive: 32, maxInfoTransmit: 32 });
    const pushes: Uint8Array[] = [];
    client.on('apdu', (r) => {
      if (r.unsolicited) pushes.push(r.apdu);
    });
    await client.open();
    let pushed = 0;
    server.on('apdu', () => {
      // A push before the answer, and one while the answer is on its way.
      void server.notify(new Uint8Array([0x0f, pushed++]));
      setImmediate(() => void server.notify(new Uint8Array(300).fill(pushed)));
    });
    for (let serial = 0; serial < 5; serial++) {
      const req = makeRequest(serial, 100, 500);
      expect(await request(client, req)).toEqual(answerTo(req));
    }
    await until(() => pushes.length >= 10);
    expect(pushes.length).toBe(10);
    expect(pushes.filter((p) => p.length === 300)).toHaveLength(5);
    expect(pushes.filter((p) => p.length === 2).map((p) => p[1])).toEqual([0, 1, 2, 3, 4]);
  });

  it('DISC closes both sides; the server answers DM once disconnected', async () => {
    const { client, server, a, b } = setup();
    const serverClosed = new Promise<Error | undefined>((resolve) => server.on('close', resolve));
    await client.open();
    await client.close();
    expect(await serverClosed).toBeUndefined();
    // A fresh server session on the same link end: frames before SNRM get DM (spec §4.11).
    const second = serve(b);
    const peer = new ScriptedPeer(a);
    const rr = encodeHdlcFrame({
      segmented: false,
      destination: { upper: 1, lower: 17 },
      source: { upper: 16 },
      control: { kind: 'RR', receiveSequence: 0, pollFinal: true },
      information: new Uint8Array(0),
    });
    await peer.send(rr);
    expect((await peer.nextFrame()).control.kind).toBe('DM');
    await peer.send('7EA00802232153B1A27E'); // DISC while disconnected
    expect((await peer.nextFrame()).control.kind).toBe('DM');
    expect(second.state).toBe('idle');
    peer.detach();
  });

  it('a client whose server dropped the link gets DM and closes with ProtocolError', async () => {
    const { client, server, b } = setup({}, { inactivityTimeoutMs: 30 });
    const closed = new Promise<Error | undefined>((resolve) => server.on('close', resolve));
    await client.open();
    expect(await closed).toBeInstanceOf(TimeoutError);
    // The meter side is gone (inactivity); a new, idle server session answers DM.
    serve(b);
    const clientClosed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await expect(client.send(new Uint8Array([1, 2, 3]))).resolves.toBeUndefined();
    const error = await clientClosed;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error?.message).toMatch(/DM/);
    await expect(client.send(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('client inactivity timeout closes the session', async () => {
    const { client } = setup({ inactivityTimeoutMs: 30 });
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await client.open();
    const error = await closed;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(client.state).toBe('closed');
  });

  it('an SNRM while connected resets the link (spec §4.8)', async () => {
    const { client, server, a } = setup();
    const resets: boolean[] = [];
    server.on('connect', (_, reset) => resets.push(reset));
    await client.open();
    const req = makeRequest(1, 10, 10);
    expect(await request(client, req)).toEqual(answerTo(req));
    // A second client session on the same link end (the first one forgotten, as after a crash).
    client.on('close', () => undefined);
    const second = new HdlcClientSession(a, { ...address, timeoutMs: 200 });
    sessions.push(second);
    await second.open();
    expect(resets).toEqual([false, true]);
    const req2 = makeRequest(2, 300, 300);
    expect(await request(second, req2)).toEqual(answerTo(req2));
    expect(server.state).toBe('open');
  });

  it('ignores frames to other addresses and refuses another client while connected', async () => {
    const { client, server, a } = setup({}, { accepts: [{ client: 16, logicalDevice: 1 }] });
    await client.open();
    const peer = new ScriptedPeer(a);
    const frame = (dest: HdlcFrame['destination'], src: number): Uint8Array =>
      encodeHdlcFrame({
        segmented: false,
        destination: dest,
        source: { upper: src },
        control: { kind: 'SNRM', pollFinal: true },
        information: new Uint8Array(0),
      });
    await peer.send(frame({ upper: 2, lower: 17 }, 16)); // another logical device: ignored
    await peer.send(frame({ upper: 1, lower: 17 }, 1)); // another client: not accepted, ignored
    await new Promise((r) => setTimeout(r, 10));
    expect(peer.pending).toBe(0);
    expect(server.stats.ignoredFrames).toBe(2);
    peer.detach();

    const [c, d] = memoryPair();
    links.push(c, d);
    const meter = serve(d); // accepts every address
    const first = new HdlcClientSession(c, { ...address, timeoutMs: 200 });
    sessions.push(first);
    await first.open();
    const other = new HdlcClientSession(c, { client: 1, server: { logical: 1, physical: 17 }, retries: 0 });
    const refused = other.open();
    await expect(refused).rejects.toThrow(/server refused link \(DM\)/);
    expect(meter.stats.ignoredFrames).toBe(1);
    expect(client.state).toBe('open');
  });

  it('rejects a too-long I-frame with FRMR (flag Y, spec §4.11)', async () => {
    const [a, b] = memoryPair();
    links.push(a, b);
    const server = serve(b, { maxInfoReceive: 32 });
    const peer = new ScriptedPeer(a);
    const snrm = encodeHdlcFrame({
      segmented: false,
      destination: { upper: 1 },
      source: { upper: 16 },
      control: { kind: 'SNRM', pollFinal: true },
      information: new Uint8Array(0),
    });
    await peer.send(snrm);
    expect((await peer.nextFrame()).control.kind).toBe('UA');
    await peer.send(
      encodeHdlcFrame({
        segmented: false,
        destination: { upper: 1 },
        source: { upper: 16 },
        control: { kind: 'I', sendSequence: 0, receiveSequence: 0, pollFinal: true },
        information: new Uint8Array(40).fill(0xe6),
      }),
    );
    const frmr = await peer.nextFrame();
    expect(frmr.control.kind).toBe('FRMR');
    expect(Array.from(frmr.information)).toEqual([0x10, 0, 4]);
    expect(server.state).toBe('open');
  });

  it('server send() without a connected client rejects; notify() needs an address', async () => {
    const [, b] = memoryPair();
    links.push(b);
    const server = serve(b);
    await expect(server.send(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
    await expect(server.notify(new Uint8Array([1]))).rejects.toThrow(/address/);
    await server.open();
    await server.close();
    await expect(server.open()).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('decodes what it sends: the client only ever writes frames to its server', async () => {
    const seen: HdlcFrame[] = [];
    const { client } = setup({ onFrame: (f, dir) => dir === 'sent' && seen.push(f) });
    await client.open();
    await request(client, makeRequest(0, 5, 5));
    await client.close();
    expect(seen.map((f) => f.control.kind)).toEqual(['SNRM', 'I', 'DISC']);
    expect(seen.every((f) => f.destination.upper === 1 && f.source.upper === 16)).toBe(true);
  });

  // The client arms its wait for an answer before writing: a link may deliver the peer's answer
  // before its write() promise settles (in-process links; nothing stops a socket either).
  for (const [delivery, quiet] of [
    ['sync', false],
    ['microtask', false],
    ['sync', true],
    ['microtask', true],
  ] as const) {
    it(`takes answers that arrive before the write settles (${delivery}, ${quiet ? 'promise-free write' : 'write()'})`, async () => {
      const [a, b] = fastPair(delivery, quiet);
      links.push(a, b);
      const limits = { maxInfoTransmit: 64, maxInfoReceive: 64, windowTransmit: 3, windowReceive: 3 };
      const server = serve(b, limits);
      const client = new HdlcClientSession(a, { ...address, timeoutMs: 200, retries: 0, ...limits });
      sessions.push(client);
      await client.open();
      const sizes = [
        [10, 10],
        [300, 10],
        [10, 300],
        [300, 300],
        [1, 1],
      ] as const;
      for (const [serial, [size, answerSize]] of sizes.entries()) {
        const req = makeRequest(serial, size, answerSize);
        expect(await request(client, req)).toEqual(answerTo(req));
      }
      const serverClosed = new Promise<Error | undefined>((resolve) => server.on('close', resolve));
      await client.close();
      expect(await serverClosed).toBeUndefined();
      expect(client.stats).toMatchObject({ timeouts: 0, retransmissions: 0, staleFrames: 0 });
      expect(server.stats.retransmissions).toBe(0);
    });
  }
});
