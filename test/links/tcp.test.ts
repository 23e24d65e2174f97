import { createServer, type Server, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  InvalidArgumentError,
  LinkClosedError,
  LinkError,
  TimeoutError,
} from '../../src/core/errors.js';
import type { Link } from '../../src/core/link.js';
import { type QuietWriter, quietWrite } from '../../src/core/quiet-write.js';
import { backoffDelay, tcp } from '../../src/links/index.js';
import { type Blackhole, collect, concat, nextEvent, startBlackhole, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length > 0) await cleanups.pop()!();
});

function track<T extends Link>(link: T): T {
  cleanups.push(() => link.close());
  return link;
}

interface TestServer {
  server: Server;
  port: number;
  sockets: Set<Socket>;
  accepted: number;
}

/** A plain node:net echo server (independent of listenTcp). */
async function echoServer(port = 0): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    state.accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (b) => socket.write(b));
  });
  const state: TestServer = { server, port: 0, sockets, accepted: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, resolve);
  });
  const address = server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  cleanups.push(() => stopServer(state));
  return state;
}

function stopServer(s: TestServer): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  return new Promise((resolve) => (s.server.listening ? s.server.close(() => resolve()) : resolve()));
}

/** A port nothing listens on (bound then released). */
async function freePort(): Promise<number> {
  const s = await echoServer();
  await stopServer(s);
  return s.port;
}

describe('tcp', () => {
  it('describes itself and validates options', () => {
    const link = tcp({ host: '127.0.0.1', port: 4059 });
    expect(link.info).toEqual({
      transport: 'tcp',
      messageOriented: false,
      bus: false,
      peer: 'tcp://127.0.0.1:4059',
    });
    expect(link.state).toBe('idle');
    expect(link.isOpen).toBe(false);
    expect(tcp({ host: '::1', port: 1 }).info.peer).toBe('tcp://[::1]:1');
    expect(() => tcp({ host: '', port: 1 })).toThrow(InvalidArgumentError);
    expect(() => tcp({ host: 'x', port: 0 })).toThrow(InvalidArgumentError);
    expect(() => tcp({ host: 'x', port: 70000 })).toThrow(InvalidArgumentError);
    expect(() => tcp({ host: 'x', port: 1, reconnect: { factor: 0.5 } })).toThrow(InvalidArgumentError);
  });

  it('round-trips bytes with an echo server and closes cleanly', async () => {
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    const opened = nextEvent(link, 'open');
    await link.open();
    await opened;
    expect(link.state).toBe('open');
    expect(link.isOpen).toBe(true);
    await link.open(); // already open: no-op
    const chunks = collect(link);
    await link.write(new Uint8Array([1, 2, 3]));
    await link.write(new Uint8Array([4, 5]));
    await until(() => concat(chunks).length === 5);
    expect([...concat(chunks)]).toEqual([1, 2, 3, 4, 5]);
    expect(Buffer.isBuffer(chunks[0])).toBe(false); // plain Uint8Arrays, whatever the transport
    const closed = nextEvent(link, 'close');
    await link.close();
    expect(await closed).toEqual([]); // closed by us: no error
    expect(link.state).toBe('closed');
    await link.close(); // idempotent
    await until(() => server.sockets.size === 0, 1000, 'server side closed');
  });

  it('sets TCP_NODELAY by default and keep-alive', async () => {
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    const keepAlive = vi.spyOn(Socket.prototype, 'setKeepAlive');
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    await link.open();
    expect(noDelay).toHaveBeenCalledWith(true);
    expect(keepAlive).toHaveBeenCalledWith(true, 60_000);
    noDelay.mockClear();
    const nagle = track(tcp({ host: '127.0.0.1', port: server.port, noDelay: false, keepAliveMs: false }));
    keepAlive.mockClear();
    await nagle.open();
    expect(noDelay).toHaveBeenCalledWith(false);
    expect(keepAlive).not.toHaveBeenCalled();
  });

  it('rejects a refused connect with a LinkError naming the peer, with the OS error as cause', async () => {
    const port = await freePort();
    const link = track(tcp({ host: '127.0.0.1', port }));
    const error = await link.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).message).toContain(`tcp://127.0.0.1:${port}`);
    expect(((error as LinkError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(link.state).toBe('closed');
  });

  describe('against a listener that never accepts', () => {
    let hole: Blackhole;
    afterEach(async () => {
      await hole?.close();
    });

    it('times out the connect with a TimeoutError', async () => {
      hole = await startBlackhole();
      const link = track(tcp({ host: '127.0.0.1', port: hole.port, connectTimeoutMs: 80 }));
      const started = Date.now();
      const error = await link.open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).timeoutMs).toBe(80);
      expect((error as Error).message).toContain(`tcp://127.0.0.1:${hole.port}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(70);
      expect(link.state).toBe('closed');
      // open({ timeoutMs }) overrides connectTimeoutMs
      const again = await link.open({ timeoutMs: 30 }).catch((e: unknown) => e);
      expect((again as TimeoutError).timeoutMs).toBe(30);
    });

    it('aborts the connect with an AbortError', async () => {
      hole = await startBlackhole();
      const link = track(tcp({ host: '127.0.0.1', port: hole.port }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('user gave up')), 30);
      const error = await link.open({ signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect(((error as AbortError).cause as Error).message).toBe('user gave up');
      expect(link.state).toBe('closed');
      // an already-aborted signal fails at once
      await expect(link.open({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    });

    it('rejects an open in progress with LinkClosedError when close() is called', async () => {
      hole = await startBlackhole();
      const link = track(tcp({ host: '127.0.0.1', port: hole.port }));
      const opening = link.open();
      const joined = link.open(); // joins the attempt in progress
      expect(link.state).toBe('opening');
      await link.close();
      await expect(opening).rejects.toBeInstanceOf(LinkClosedError);
      await expect(joined).rejects.toBeInstanceOf(LinkClosedError);
      expect(link.state).toBe('closed');
    });
  });

  it('hands out received bytes that stay valid across reads (the socket reuses its read buffer)', async () => {
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    await link.open();
    const chunks = collect(link);
    const sent: number[] = [];
    for (let i = 0; i < 20; i++) {
      const piece = Array.from({ length: 1 + (i % 7) }, (_, j) => (i * 11 + j) & 0xff);
      sent.push(...piece);
      await link.write(Uint8Array.from(piece));
      await until(() => concat(chunks).length === sent.length); // one read per piece
    }
    // Had a chunk been a view of the reused buffer, later reads would have overwritten it.
    expect([...concat(chunks)]).toEqual(sent);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('quiet writes: refused unless open, coalesced within a tick on request', async () => {
    const received: Buffer[] = [];
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    const writer = link as unknown as QuietWriter;
    expect(() => writer[quietWrite](Uint8Array.of(1), false)).toThrow(LinkClosedError);
    await link.open();
    await until(() => server.sockets.size === 1);
    for (const s of server.sockets) s.on('data', (b) => received.push(b));
    // Three coalesced writes in one tick leave as one segment: one read on the other side.
    writer[quietWrite](Uint8Array.of(1, 2), true);
    writer[quietWrite](Uint8Array.of(3), true);
    writer[quietWrite](new Uint8Array(100).fill(4), true); // off-heap size: written without a copy
    await until(() => Buffer.concat(received).length === 103);
    expect(received).toHaveLength(1);
    expect([...received[0]!.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    // A lone write goes out at once.
    writer[quietWrite](Uint8Array.of(5), false);
    await until(() => received.length === 2);
    expect([...received[1]!]).toEqual([5]);
    await link.close();
    expect(() => writer[quietWrite](Uint8Array.of(6), false)).toThrow(LinkClosedError);
  });

  it('rejects writes unless open', async () => {
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    await expect(link.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
    await link.open();
    await link.close();
    await expect(link.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('can be opened again after close()', async () => {
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    await link.open();
    await link.close();
    await link.open();
    const echoed = nextEvent(link, 'data');
    await link.write(new Uint8Array([9]));
    expect([...(await echoed)[0]]).toEqual([9]);
  });

  it('emits close with an error when the peer closes the connection', async () => {
    const server = await echoServer();
    const link = track(tcp({ host: '127.0.0.1', port: server.port }));
    await link.open();
    await until(() => server.sockets.size === 1);
    const closed = nextEvent(link, 'close');
    for (const s of server.sockets) s.end();
    const [error] = await closed;
    expect(error).toBeInstanceOf(LinkClosedError);
    expect(error?.message).toContain('closed the connection');
    expect(link.state).toBe('closed');
    await expect(link.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('does not crash on a reconnect failure nobody listens to', async () => {
    const server = await echoServer();
    const link = track(
      tcp({
        host: '127.0.0.1',
        port: server.port,
        reconnect: { initialDelayMs: 5, jitter: 0, maxAttempts: 2 },
      }),
    );
    await link.open();
    await until(() => server.sockets.size === 1);
    await stopServer(server); // every attempt is refused; no 'error' listener attached
    await until(() => link.state === 'closed', 2000, 'gave up');
  });

  describe('reconnect', () => {
    it('reconnects after a drop, respects the backoff and works again', async () => {
      const server = await echoServer();
      const link = track(
        tcp({ host: '127.0.0.1', port: server.port, reconnect: { initialDelayMs: 60, jitter: 0 } }),
      );
      await link.open();
      await until(() => server.sockets.size === 1);
      const closed = nextEvent(link, 'close');
      const reopened = nextEvent(link, 'open', 2000);
      for (const s of server.sockets) s.destroy();
      const [error] = await closed;
      const droppedAt = Date.now();
      expect(error).toBeInstanceOf(Error);
      expect(link.state).toBe('reconnecting');
      await expect(link.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
      const waiter = link.open({ timeoutMs: 2000 }); // waits for the reconnect
      await reopened;
      await waiter;
      expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(55);
      expect(link.state).toBe('open');
      expect(server.accepted).toBe(2);
      const echoed = nextEvent(link, 'data');
      await link.write(new Uint8Array([7, 7]));
      expect([...(await echoed)[0]]).toEqual([7, 7]);
    });

    it('retries with growing delays and gives up after maxAttempts', async () => {
      const server = await echoServer();
      const link = track(
        tcp({
          host: '127.0.0.1',
          port: server.port,
          reconnect: { initialDelayMs: 20, factor: 2, jitter: 0, maxAttempts: 3 },
        }),
      );
      await link.open();
      await until(() => server.sockets.size === 1);
      const errors: { at: number; error: Error }[] = [];
      link.on('error', (error) => errors.push({ at: Date.now(), error }));
      const closes: (Error | undefined)[] = [];
      link.on('close', (error) => closes.push(error));
      const start = Date.now();
      await stopServer(server); // drops the connection and refuses every reconnect
      await until(() => link.state === 'closed', 3000, 'gave up');
      expect(errors).toHaveLength(3);
      for (const { error } of errors) expect(error).toBeInstanceOf(LinkError);
      // waits of 20, 40 and 80 ms: attempts at ≥20, ≥60 and ≥140 ms after the drop
      expect(errors[0]!.at - start).toBeGreaterThanOrEqual(15);
      expect(errors[1]!.at - errors[0]!.at).toBeGreaterThanOrEqual(35);
      expect(errors[2]!.at - errors[1]!.at).toBeGreaterThanOrEqual(75);
      expect(closes).toHaveLength(2); // the drop, then the end
      expect(closes[1]).toBeInstanceOf(LinkError);
      expect(closes[1]?.message).toContain('after 3 attempts');
    });

    it('stops reconnecting on close()', async () => {
      const server = await echoServer();
      const link = tcp({ host: '127.0.0.1', port: server.port, reconnect: { initialDelayMs: 10_000 } });
      await link.open();
      await until(() => server.sockets.size === 1);
      const dropped = nextEvent(link, 'close');
      for (const s of server.sockets) s.destroy();
      await dropped;
      expect(link.state).toBe('reconnecting');
      const waiter = link.open();
      const final = nextEvent(link, 'close');
      await link.close();
      expect(await final).toEqual([]);
      expect(link.state).toBe('closed');
      await expect(waiter).rejects.toBeInstanceOf(LinkClosedError);
    });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap', () => {
    const policy = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads by ±jitter', () => {
    const policy = { initialDelayMs: 1000, jitter: 0.2 };
    expect(backoffDelay(1, policy, () => 0)).toBe(800);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(1000);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(1200);
  });
});
