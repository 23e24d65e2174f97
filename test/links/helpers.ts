// Shared helpers for the link tests: bounded waits and a TCP listener that never accepts.
import { createConnection, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Link, LinkEvents } from '../../src/core/link.js';

/** Resolves with the arguments of the next `event` of `link`; rejects after `ms`. */
export function nextEvent<E extends keyof LinkEvents>(
  link: Link,
  event: E,
  ms = 1000,
): Promise<Parameters<LinkEvents[E]>> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: Parameters<LinkEvents[E]>) => {
      clearTimeout(timer);
      resolve(args);
    }) as LinkEvents[E];
    const timer = setTimeout(() => {
      link.off(event, listener);
      reject(new Error(`no '${event}' event from ${link.info.peer} within ${ms} ms`));
    }, ms);
    link.once(event, listener);
  });
}

/** Collects every `data` chunk of `link`. */
export function collect(link: Link): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  link.on('data', (bytes) => chunks.push(bytes));
  return chunks;
}

/** Resolves once `predicate()` holds; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 1000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Concatenates chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A loopback port where connects hang: a listener with backlog 1 on a worker thread whose event
 * loop is blocked, so it never accepts. Once its accept queue is full (filled here), Linux drops
 * further SYNs and a connect neither succeeds nor fails: a deterministic connect timeout.
 */
export interface Blackhole {
  port: number;
  close(): Promise<void>;
}

export async function startBlackhole(): Promise<Blackhole> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const net = require('node:net');
    const { parentPort, workerData } = require('node:worker_threads');
    const server = net.createServer();
    server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      Atomics.wait(workerData, 0, 0, 10000); // blocks this thread: nothing is ever accepted
      server.close();
      process.exit(0);
    });`,
    { eval: true, workerData: release },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const fillers: Socket[] = [];
  // Fill the accept queue until a connect hangs (2 on Linux with backlog 1).
  for (let i = 0; i < 8; i++) {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 100);
      socket.once('connect', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  return {
    port,
    async close() {
      for (const s of fillers) s.destroy();
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
