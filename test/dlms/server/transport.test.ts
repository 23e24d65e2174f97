/**
 * DlmsServer over real sessions: serve() on memoryPair links (HDLC and wrapper), listen() on
 * loopback TCP and UDP with hand-made wrapper clients, pushes.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../src/core/abort.js';
import type { Link } from '../../../src/core/link.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu, GetResponseWithDatablock } from '../../../src/dlms/apdu/types.js';
import type { DlmsServer } from '../../../src/dlms/server/dlms-server.js';
import { createClientSession } from '../../../src/dlms/session/create-session.js';
import type { DlmsSession } from '../../../src/dlms/session/types.js';
import { encodeWrapperFrame, type WrapperFrame } from '../../../src/dlms/wrapper/wrapper-codec.js';
import { WrapperFrameDecoder } from '../../../src/dlms/wrapper/wrapper-decoder.js';
import { listenTcp, memoryPair, tcp, udp } from '../../../src/links/index.js';
import { aarq, get, initiate, invoke, llsAarq, testServer } from './helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function track(server: DlmsServer): DlmsServer {
  cleanup.push(() => server.close());
  return server;
}

/** Sends an APDU on a client session and waits for the answer. */
function request(session: DlmsSession, apdu: Apdu): Promise<Apdu> {
  return waitFor<Apdu>(
    (resolve, reject) => {
      const onApdu = ({ apdu: bytes }: { apdu: Uint8Array }): void => resolve(decodeApdu(bytes));
      session.on('apdu', onApdu);
      session.send(encodeApdu(apdu)).catch(reject);
      return () => session.off('apdu', onApdu);
    },
    { timeoutMs: 3000 },
    'answer',
  );
}

/** A raw wrapper client on a link: frames in, frames out. */
function rawWrapper(link: Link) {
  const decoder = new WrapperFrameDecoder();
  const frames: WrapperFrame[] = [];
  const waiting: ((f: WrapperFrame) => void)[] = [];
  link.on('data', (chunk) => {
    for (const frame of decoder.push(chunk)) {
      const w = waiting.shift();
      if (w !== undefined) w(frame);
      else frames.push(frame);
    }
  });
  const next = (): Promise<WrapperFrame> =>
    waitFor<WrapperFrame>(
      (resolve) => {
        const ready = frames.shift();
        if (ready !== undefined) resolve(ready);
        else waiting.push(resolve);
        return undefined;
      },
      { timeoutMs: 3000 },
      'wrapper frame',
    );
  return {
    next,
    async exchange(apdu: Apdu, client = 16): Promise<{ frame: WrapperFrame; apdu: Apdu }> {
      const answer = next();
      await link.write(encodeWrapperFrame({ source: client, destination: 1, payload: encodeApdu(apdu) }));
      const frame = await answer;
      return { frame, apdu: decodeApdu(frame.payload) };
    },
  };
}

async function readLongGet(session: DlmsSession): Promise<number> {
  let response = (await request(session, get(7, '1.0.99.1.0.255', 2))) as GetResponseWithDatablock;
  let blocks = 1;
  while (!response.block.lastBlock) {
    response = (await request(session, {
      type: 'get-request',
      variant: 'next',
      invoke,
      blockNumber: response.block.blockNumber,
    })) as GetResponseWithDatablock;
    blocks++;
  }
  return blocks;
}

describe('DlmsServer over sessions and sockets', () => {
  it('serves HDLC over a memoryPair, with segmentation and datablocks; DISC releases, SNRM starts over', async () => {
    const { server } = testServer();
    track(server);
    const released: string[] = [];
    server.on('release', (info) => released.push(info.reason));
    const [clientLink, meterLink] = memoryPair({ maxChunkBytes: 7 });
    cleanup.push(() => clientLink.close());
    server.serve(meterLink, { framing: 'hdlc', maxInfoTransmit: 64, maxInfoReceive: 64 });
    const session = createClientSession(clientLink, {
      framing: 'hdlc',
      client: 1,
      server: { logical: 1, physical: 17 },
      maxInfoReceive: 64,
      maxInfoTransmit: 64,
    });
    await session.open({ timeoutMs: 3000 });
    const aare = await request(session, {
      ...llsAarq('12345678'),
      userInformation: initiate({ clientMaxReceivePduSize: 256 }),
    });
    expect(aare).toMatchObject({ type: 'aare', result: 'accepted' });
    expect(await request(session, get(1, '1.0.1.8.0.255', 2))).toMatchObject({
      result: { data: { value: 12345 } },
    });
    expect(await readLongGet(session)).toBeGreaterThan(10);
    await session.close({ timeoutMs: 3000 });
    await waitFor<void>(
      (resolve) => {
        const t = setInterval(() => released.length > 0 && resolve(), 5);
        return () => clearInterval(t);
      },
      { timeoutMs: 2000 },
      'release',
    );
    expect(released).toEqual(['closed']);
    // Back in disconnected mode: the next SNRM on the same link opens a new session (§4.8).
    expect(server.sessionCount).toBe(1);
    const again = createClientSession(clientLink, {
      framing: 'hdlc',
      client: 16,
      server: { logical: 1, physical: 17 },
    });
    await again.open({ timeoutMs: 3000 });
    expect(await request(again, aarq())).toMatchObject({ result: 'accepted' });
    await again.close({ timeoutMs: 3000 });
  });

  it('serves the wrapper over a memoryPair', async () => {
    const { server } = testServer();
    track(server);
    const [clientLink, meterLink] = memoryPair();
    cleanup.push(() => clientLink.close());
    const served = server.serve(meterLink, { framing: 'wrapper' });
    const session = createClientSession(clientLink, { framing: 'wrapper', client: 16, server: 1 });
    await session.open();
    expect(await request(session, aarq())).toMatchObject({ result: 'accepted' });
    expect(await request(session, get(1, '0.0.42.0.0.255', 2))).toMatchObject({ result: { type: 'data' } });
    await served.close();
    expect(server.sessionCount).toBe(0);
    expect(meterLink.isOpen).toBe(true);
  });

  it('listens on TCP (wrapper): concurrent raw clients, answers go back to the right wPorts', async () => {
    const { server } = testServer();
    track(server);
    const listener = await server.listen({ port: 0, framing: 'wrapper' });
    const links = [
      tcp({ host: '127.0.0.1', port: listener.port }),
      tcp({ host: '127.0.0.1', port: listener.port }),
    ];
    for (const link of links) {
      cleanup.push(() => link.close());
      await link.open({ timeoutMs: 2000 });
    }
    const [a, b] = links.map(rawWrapper) as [ReturnType<typeof rawWrapper>, ReturnType<typeof rawWrapper>];
    const [ra, rb] = await Promise.all([a.exchange(aarq()), b.exchange(llsAarq('12345678'), 1)]);
    expect(ra.apdu).toMatchObject({ result: 'accepted' });
    expect(ra.frame).toMatchObject({ source: 1, destination: 16 });
    expect(rb.apdu).toMatchObject({ result: 'accepted' });
    expect(rb.frame).toMatchObject({ source: 1, destination: 1 });
    // a is public: the energy register is invisible; b (management) reads it.
    expect((await a.exchange(get(1, '1.0.1.8.0.255', 2))).apdu).toMatchObject({
      result: { result: 'object-undefined' },
    });
    expect((await b.exchange(get(1, '1.0.1.8.0.255', 2), 1)).apdu).toMatchObject({
      result: { data: { value: 12345 } },
    });
    expect(server.sessionCount).toBe(2);
    await listener.close();
    await waitFor<void>(
      (resolve) => {
        const t = setInterval(() => server.sessionCount === 0 && resolve(), 5);
        return () => clearInterval(t);
      },
      { timeoutMs: 2000 },
      'sessions closed',
    );
  });

  it('listens on UDP (wrapper)', async () => {
    const { server } = testServer();
    track(server);
    const listener = await server.listen({ port: 0, transport: 'udp' });
    const link = udp({ host: '127.0.0.1', port: listener.port });
    cleanup.push(() => link.close());
    await link.open();
    const client = rawWrapper(link);
    expect((await client.exchange(aarq())).apdu).toMatchObject({ result: 'accepted' });
    expect((await client.exchange(get(1, '0.0.42.0.0.255', 2))).apdu).toMatchObject({
      result: { type: 'data' },
    });
    await expect(server.listen({ port: 0, transport: 'udp', framing: 'hdlc' })).rejects.toThrow(/wrapper/);
  });

  it('listens on TCP (HDLC)', async () => {
    const { server } = testServer();
    track(server);
    const listener = await server.listen({ port: 0, framing: 'hdlc' });
    const link = tcp({ host: '127.0.0.1', port: listener.port });
    cleanup.push(() => link.close());
    await link.open();
    const session = createClientSession(link, {
      framing: 'hdlc',
      client: 16,
      server: { logical: 1, physical: 17 },
    });
    await session.open({ timeoutMs: 3000 });
    expect(await request(session, aarq())).toMatchObject({ result: 'accepted' });
    expect(await request(session, get(1, '0.0.42.0.0.255', 2))).toMatchObject({ result: { type: 'data' } });
    await session.close({ timeoutMs: 3000 });
  });

  it('pushes data-notifications to associated clients and to a destination', async () => {
    const { server } = testServer();
    track(server);
    const [clientLink, meterLink] = memoryPair();
    cleanup.push(() => clientLink.close());
    server.serve(meterLink, { framing: 'wrapper' });
    const client = rawWrapper(clientLink);
    expect(await server.notify({ type: 'unsigned', value: 1 })).toBe(0); // nobody associated yet
    await client.exchange(aarq());
    const pushed = client.next();
    expect(await server.notify({ type: 'unsigned', value: 7 })).toBe(1);
    expect(decodeApdu((await pushed).payload)).toMatchObject({
      type: 'data-notification',
      body: { type: 'unsigned', value: 7 },
    });
    expect(await server.notify({ type: 'unsigned', value: 8 }, { client: 1 })).toBe(0);

    const received: Uint8Array[] = [];
    const receiver = await listenTcp({ port: 0 }, (link) => link.on('data', (bytes) => received.push(bytes)));
    cleanup.push(() => receiver.close());
    await server.notify(
      { type: 'unsigned', value: 9 },
      { destination: `127.0.0.1:${receiver.port}`, client: 0x66 },
    );
    await waitFor<void>(
      (resolve) => {
        const t = setInterval(() => received.length > 0 && resolve(), 5);
        return () => clearInterval(t);
      },
      { timeoutMs: 2000 },
      'push',
    );
    const [frame] = new WrapperFrameDecoder().push(received[0]!);
    expect(frame).toMatchObject({ source: 1, destination: 0x66 });
    expect(decodeApdu(frame!.payload)).toMatchObject({ type: 'data-notification', body: { value: 9 } });
    await expect(server.notify({ type: 'unsigned', value: 1 }, { destination: 'nowhere' })).rejects.toThrow(
      /host:port/,
    );
    // A Push setup push: TCP destination from send_destination_and_method, with the trigger time.
    const destination = new TextEncoder().encode(`127.0.0.1:${receiver.port}`);
    server.pushSender()({
      body: { type: 'unsigned', value: 10 },
      time: new Date('2024-01-15T08:00:00Z'),
      destination: { transport: 0, destination },
      context: { logicalDevice: 1 },
    });
    await waitFor<void>(
      (resolve) => {
        const t = setInterval(() => received.length > 1 && resolve(), 5);
        return () => clearInterval(t);
      },
      { timeoutMs: 2000 },
      'second push',
    );
    const [pushFrame] = new WrapperFrameDecoder().push(received[1]!);
    expect(pushFrame).toMatchObject({ source: 1, destination: 0x66 });
    expect(decodeApdu(pushFrame!.payload)).toMatchObject({
      body: { value: 10 },
      dateTime: { year: 2024, hour: 8, deviation: 0 },
    });
    // Transport HDLC (5): to the connected clients.
    const viaSession = client.next();
    expect(
      await server.notify({
        body: { type: 'unsigned', value: 11 },
        destination: { transport: 5, destination },
      }),
    ).toBe(1);
    expect(decodeApdu((await viaSession).payload)).toMatchObject({ body: { value: 11 } });
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    server.pushSender()({
      body: { type: 'unsigned', value: 12 },
      destination: { transport: 1, destination: new Uint8Array(0) },
    });
    await waitFor<void>(
      (resolve) => {
        const t = setInterval(() => errors.length > 0 && resolve(), 5);
        return () => clearInterval(t);
      },
      { timeoutMs: 2000 },
      'push error',
    );
    expect(errors[0]?.message).toMatch(/host:port/);
  });
});
