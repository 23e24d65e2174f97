import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkClosedError } from '../../src/core/errors.js';
import type { Link } from '../../src/core/link.js';
import { listenUdp, udp } from '../../src/links/index.js';
import { collect, nextEvent, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A raw dgram echo socket (independent of listenUdp). */
async function rawEcho(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { socket, port: socket.address().port };
}

function client(port: number, extra: { bindPort?: number } = {}): Link {
  const link = udp({ host: '127.0.0.1', port, ...extra });
  cleanups.push(() => link.close());
  return link;
}

describe('udp', () => {
  it('describes itself as message-oriented', () => {
    expect(udp({ host: '127.0.0.1', port: 4059 }).info).toEqual({
      transport: 'udp',
      messageOriented: true,
      bus: false,
      peer: 'udp://127.0.0.1:4059',
    });
  });

  it('round-trips datagrams, one data event per datagram', async () => {
    const echo = await rawEcho();
    const link = client(echo.port);
    await link.open();
    expect(link.state).toBe('open');
    const chunks = collect(link);
    await link.write(new Uint8Array([1, 2, 3]));
    await link.write(new Uint8Array([4]));
    await link.write(new Uint8Array([5, 6]));
    await until(() => chunks.length === 3);
    expect(chunks.map((c) => [...c])).toEqual([[1, 2, 3], [4], [5, 6]]);
    const closed = nextEvent(link, 'close');
    await link.close();
    expect(await closed).toEqual([]);
    await expect(link.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('ignores datagrams from other peers', async () => {
    const echo = await rawEcho();
    const link = client(echo.port);
    await link.open();
    const chunks = collect(link);
    // find our local port through the echo: the raw socket learns it from the first datagram
    const local = await new Promise<number>((resolve) => {
      echo.socket.once('message', (_m, from) => resolve(from.port));
      void link.write(new Uint8Array([0]));
    });
    const stranger = createSocket('udp4');
    cleanups.push(() => new Promise<void>((resolve) => stranger.close(() => resolve())));
    await new Promise<void>((resolve) =>
      stranger.send(new Uint8Array([0xee]), local, '127.0.0.1', () => resolve()),
    );
    await link.write(new Uint8Array([1]));
    await until(() => chunks.length === 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(chunks.map((c) => [...c])).toEqual([[0], [1]]);
  });

  it('binds the requested local port', async () => {
    const echo = await rawEcho();
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind({ address: '127.0.0.1', port: 0 }, resolve));
    const bindPort = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const link = client(echo.port, { bindPort });
    await link.open();
    const from = await new Promise<number>((resolve) => {
      echo.socket.once('message', (_m, rinfo) => resolve(rinfo.port));
      void link.write(new Uint8Array([1]));
    });
    expect(from).toBe(bindPort);
  });
});

describe('listenUdp', () => {
  it('gives each remote address:port its own link, isolated from the others', async () => {
    const accepted: Link[] = [];
    const server = await listenUdp({}, (link) => {
      accepted.push(link);
      // answer each datagram with its length followed by the link's index
      const index = accepted.length - 1;
      link.on('data', (d) => void link.write(new Uint8Array([d.length, index])));
    });
    cleanups.push(() => server.close());
    expect(server.host).toBe('127.0.0.1');
    const a = client(server.port);
    const b = client(server.port);
    await a.open();
    await b.open();
    const fromA = collect(a);
    const fromB = collect(b);
    await a.write(new Uint8Array([1, 1, 1]));
    await until(() => fromA.length === 1);
    await b.write(new Uint8Array([2]));
    await until(() => fromB.length === 1);
    await a.write(new Uint8Array([1]));
    await until(() => fromA.length === 2);
    expect(accepted).toHaveLength(2);
    expect(accepted[0]!.info.messageOriented).toBe(true);
    expect(accepted[0]!.info.peer).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(accepted[0]!.info.peer).not.toBe(accepted[1]!.info.peer);
    expect(fromA.map((c) => [...c])).toEqual([
      [3, 0],
      [1, 0],
    ]);
    expect(fromB.map((c) => [...c])).toEqual([[1, 1]]);
  });

  it('expires idle peers and closes every peer link on close()', async () => {
    const accepted: Link[] = [];
    const server = await listenUdp({ idleMs: 60 }, (link) => accepted.push(link));
    cleanups.push(() => server.close());
    const a = client(server.port);
    await a.open();
    await a.write(new Uint8Array([1]));
    await until(() => accepted.length === 1);
    const [reason] = await nextEvent(accepted[0]!, 'close', 1000);
    expect(reason).toBeInstanceOf(LinkClosedError);
    expect(reason?.message).toContain('without traffic');
    // the same peer sends again: a new link
    await a.write(new Uint8Array([2]));
    await until(() => accepted.length === 2);
    const b = client(server.port);
    await b.open();
    await b.write(new Uint8Array([3]));
    await until(() => accepted.length === 3);
    const closes = accepted.slice(1).map((l) => nextEvent(l, 'close'));
    await server.close();
    await Promise.all(closes);
    expect(accepted.map((l) => l.state)).toEqual(['closed', 'closed', 'closed']);
  });

  it('evicts the least recently active peer beyond maxPeers', async () => {
    const accepted: Link[] = [];
    const server = await listenUdp({ maxPeers: 2 }, (link) => accepted.push(link));
    cleanups.push(() => server.close());
    const [a, b, c] = [client(server.port), client(server.port), client(server.port)];
    for (const l of [a, b, c]) await l.open();
    await a.write(new Uint8Array([1]));
    await until(() => accepted.length === 1);
    await b.write(new Uint8Array([1]));
    await until(() => accepted.length === 2);
    await a.write(new Uint8Array([2])); // a is now more recent than b
    await new Promise((r) => setTimeout(r, 20));
    await c.write(new Uint8Array([1]));
    await until(() => accepted.length === 3);
    await until(() => accepted[1]!.state === 'closed');
    expect(accepted.map((l) => l.state)).toEqual(['open', 'closed', 'open']);
  });
});
