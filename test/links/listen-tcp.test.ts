import { createConnection, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkClosedError, LinkError } from '../../src/core/errors.js';
import type { Link } from '../../src/core/link.js';
import { type LinkServer, listenTcp, tcp } from '../../src/links/index.js';
import { nextEvent, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function echoListener(options: Parameters<typeof listenTcp>[0] = {}): Promise<{
  server: LinkServer;
  accepted: Link[];
}> {
  const accepted: Link[] = [];
  const server = await listenTcp(options, (link) => {
    accepted.push(link);
    link.on('data', (bytes) => void link.write(bytes).catch(() => undefined));
  });
  cleanups.push(() => server.close());
  return { server, accepted };
}

function client(port: number): Link {
  const link = tcp({ host: '127.0.0.1', port });
  cleanups.push(() => link.close());
  return link;
}

describe('listenTcp', () => {
  it('binds 127.0.0.1 on a free port by default and serves several clients', async () => {
    const { server, accepted } = await echoListener();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    const clients = [client(server.port), client(server.port), client(server.port)];
    await Promise.all(clients.map((c) => c.open()));
    await until(() => accepted.length === 3);
    for (const link of accepted) {
      expect(link.state).toBe('open');
      expect(link.info.transport).toBe('tcp');
      expect(link.info.peer).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    }
    const replies = await Promise.all(
      clients.map(async (c, i) => {
        const reply = nextEvent(c, 'data');
        await c.write(new Uint8Array([i, i]));
        return [...(await reply)[0]];
      }),
    );
    expect(replies).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });

  it('close() stops listening and closes every accepted link', async () => {
    const { server, accepted } = await echoListener();
    const clients = [client(server.port), client(server.port)];
    await Promise.all(clients.map((c) => c.open()));
    await until(() => accepted.length === 2);
    const serverSideClosed = accepted.map((l) => nextEvent(l, 'close'));
    const clientSideClosed = clients.map((c) => nextEvent(c, 'close'));
    await server.close();
    await Promise.all(serverSideClosed);
    for (const [error] of await Promise.all(clientSideClosed)) expect(error).toBeInstanceOf(LinkClosedError);
    for (const l of accepted) expect(l.state).toBe('closed');
    await expect(client(server.port).open()).rejects.toBeInstanceOf(LinkError); // refused: not listening
    await server.close(); // idempotent
  });

  it('accepted links cannot be reopened', async () => {
    const { server, accepted } = await echoListener();
    await client(server.port).open();
    await until(() => accepted.length === 1);
    const link = accepted[0]!;
    await link.open(); // open: no-op
    await link.close();
    await expect(link.open()).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('closes the oldest connection when maxConnections is reached', async () => {
    const { server, accepted } = await echoListener({ maxConnections: 2 });
    const first = client(server.port);
    await first.open();
    await until(() => accepted.length === 1);
    const second = client(server.port);
    await second.open();
    await until(() => accepted.length === 2);
    const oldestClosed = nextEvent(accepted[0]!, 'close');
    const firstClientClosed = nextEvent(first, 'close');
    const third = client(server.port);
    await third.open();
    await until(() => accepted.length === 3);
    const [reason] = await oldestClosed;
    expect(reason).toBeInstanceOf(LinkClosedError);
    expect(reason?.message).toContain('maxConnections');
    await firstClientClosed;
    expect(accepted.map((l) => l.state)).toEqual(['closed', 'open', 'open']);
    for (const c of [second, third]) {
      const echoed = nextEvent(c, 'data');
      await c.write(new Uint8Array([5]));
      await echoed;
    }
  });

  it('sees the client close', async () => {
    const { server, accepted } = await echoListener();
    const c = client(server.port);
    await c.open();
    await until(() => accepted.length === 1);
    const closed = nextEvent(accepted[0]!, 'close');
    await c.close();
    const [error] = await closed;
    expect(error).toBeInstanceOf(LinkClosedError);
  });

  it('closes the connection and reports when onLink throws', async () => {
    const errors: Error[] = [];
    const server = await listenTcp({ onError: (e) => errors.push(e) }, () => {
      throw new Error('boom');
    });
    cleanups.push(() => server.close());
    const socket: Socket = createConnection({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => undefined);
    cleanups.push(() => void socket.destroy());
    await new Promise((resolve) => socket.once('close', resolve));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('boom');
  });

  it('rejects with a LinkError when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const error = await listenTcp({ port }, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect(((error as LinkError).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });
});
