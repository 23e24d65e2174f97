// HDLC sessions through fault injection: every APDU intact and in order, or a typed
// TimeoutError within the bound; never a wrong APDU, never a hang (spec §4.10).
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { HdlcClientSession } from '../../../src/dlms/session/hdlc-client-session.js';
import { HdlcServerSession } from '../../../src/dlms/session/hdlc-server-session.js';
import { type FaultOptions, faulty } from '../../../src/links/faulty.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { answerTo, makeRequest, nextApdu, seeded } from './hdlc-helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const address = { client: 16, server: { logical: 1, physical: 17 } } as const;
const timeoutMs = 25;
const retries = 4;

function meter(link: Link, window: number): HdlcServerSession {
  const server = new HdlcServerSession(link, {
    maxInfoTransmit: 48,
    maxInfoReceive: 48,
    windowTransmit: window,
    windowReceive: window,
    replyWaitMs: 5,
  });
  server.on('apdu', ({ apdu, unsolicited }) => {
    if (!unsolicited) server.send(answerTo(apdu)).catch(() => undefined);
  });
  cleanup.push(() => server.close());
  return server;
}

interface Outcome {
  delivered: number;
  failed: Error | undefined;
}

/** Runs `count` exchanges; stops at the first session failure, which must be a TimeoutError. */
async function exchanges(client: HdlcClientSession, seed: number, count: number): Promise<Outcome> {
  const random = seeded(seed);
  let delivered = 0;
  let failed: Error | undefined;
  client.on('close', (error) => {
    failed ??= error;
  });
  try {
    await client.open();
  } catch (error) {
    return { delivered, failed: error as Error };
  }
  for (let serial = 0; serial < count && failed === undefined; serial++) {
    const size = 1 + Math.floor(random() * 400);
    const answerSize = 1 + Math.floor(random() * 400);
    const req = makeRequest(serial, size, answerSize);
    // The test's own bound: far above what retries × timeout allow, so a hang shows.
    const answer = nextApdu(client, 5000);
    answer.catch(() => undefined);
    try {
      await client.send(req);
      const got = await answer;
      expect(got.apdu).toEqual(answerTo(req)); // never a wrong APDU, never out of order
      delivered++;
    } catch (error) {
      failed = error as Error;
    }
  }
  return { delivered, failed };
}

/**
 * Fault plans. HDLC assumes an order-preserving transport (serial line, TCP: spec §4.12): with
 * a window above 1, a frame overtaken by later ones can alias a sequence number modulo 8. So
 * random delays (which reorder chunks) run with window 1, where a copy is never older than the
 * response timeout; with window 3 every chunk is delayed alike, which keeps the order.
 */
function plans(window: number): Array<[string, FaultOptions]> {
  const delay: FaultOptions = window === 1 ? { delayMs: [0, 8], delay: 0.3 } : { delayMs: 3, delay: 1 };
  return [
    ['drop', { drop: 0.08 }],
    ['duplicate', { duplicate: 0.15 }],
    ['corrupt', { corrupt: 0.08 }],
    ['delay', delay],
    ['everything', { drop: 0.04, duplicate: 0.05, corrupt: 0.04, ...delay }],
  ];
}

describe('HDLC sessions through faulty links', () => {
  for (const window of [1, 3]) {
    for (const [name, options] of plans(window)) {
      it(`${name}, window ${window}: intact and in order, or a TimeoutError; then a new session works`, async () => {
        let delivered = 0;
        let timedOut = 0;
        for (let seed = 1; seed <= 3; seed++) {
          const [a, b] = memoryPair();
          cleanup.push(() => a.close());
          const lossy = faulty(a, { ...options, seed: seed * 7 + window });
          const server = meter(b, window);
          const client = new HdlcClientSession(lossy, {
            ...address,
            maxInfoTransmit: 48,
            maxInfoReceive: 48,
            windowTransmit: window,
            windowReceive: window,
            timeoutMs,
            retries,
            pollIntervalMs: 5,
          });
          const started = Date.now();
          const outcome = await exchanges(client, seed, 10);
          delivered += outcome.delivered;
          if (outcome.failed !== undefined) {
            expect(outcome.failed).toBeInstanceOf(TimeoutError);
            timedOut++;
          }
          await client.close({ timeoutMs });
          expect(client.state).toBe('closed');
          expect(Date.now() - started).toBeLessThan(4000);

          // A new session over the same link (now without faults) works, whatever state the
          // meter was left in: SNRM resets it, or a new server session takes over after DISC.
          await new Promise((r) => setTimeout(r, 15)); // delayed copies die out
          const target = server.state === 'closed' ? meter(b, window) : server;
          const fresh = new HdlcClientSession(a, { ...address, timeoutMs: 200, windowTransmit: window });
          await fresh.open();
          const req = makeRequest(99, 300, 300);
          const answer = nextApdu(fresh, 2000);
          await fresh.send(req);
          expect((await answer).apdu).toEqual(answerTo(req));
          await fresh.close();
          expect(target.state).toBe('closed');
        }
        expect(delivered).toBeGreaterThan(0);
        // Most exchanges must survive: recovery works, not just the failure path.
        expect(delivered).toBeGreaterThan(timedOut * 6);
      });
    }
  }

  it('an unreachable server fails within retries × timeout with a TimeoutError', async () => {
    const [a, b] = memoryPair();
    cleanup.push(() => a.close());
    meter(b, 1);
    const deaf = faulty(a, { drop: 1, direction: 'send' });
    const client = new HdlcClientSession(deaf, { ...address, timeoutMs: 20, retries: 2 });
    const started = Date.now();
    await expect(client.open()).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(500);
    expect(client.stats.framesSent).toBe(3);
    expect(client.state).toBe('closed');
  });

  it('a server that goes silent mid-answer ends the session with a TimeoutError', async () => {
    const [a, b] = memoryPair();
    cleanup.push(() => a.close());
    const server = meter(b, 1);
    const client = new HdlcClientSession(a, { ...address, maxInfoReceive: 32, timeoutMs: 20, retries: 2 });
    await client.open();
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    let frames = 0;
    a.on('data', () => {
      if (++frames === 3) void server.close(); // the meter dies after two segments
    });
    await client.send(makeRequest(1, 10, 2000));
    expect(await closed).toBeInstanceOf(TimeoutError);
  });
});
