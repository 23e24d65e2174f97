// readFleet's scheduling with fake connectors: limits (overall, per gateway, backpressure),
// retries and their classification, timeouts, abort, early exit — and that every client is closed.
import { afterEach, describe, expect, it } from 'vitest';
import { parseMeterUrl } from '../../src/connect/parse-meter-url.js';
import {
  AbortError,
  InvalidArgumentError,
  InvalidUrlError,
  LinkError,
  SecurityError,
  TimeoutError,
} from '../../src/core/errors.js';
import type { FleetResult } from '../../src/fleet/fleet-result.js';
import {
  type FleetTarget,
  FleetTaskError,
  fleetGatewayKey,
  type MeterClient,
  readFleet,
} from '../../src/fleet/index.js';

/** A fake client: counts how many are open at once, per gateway and overall. */
class Fakes {
  open = 0;
  maxOpen = 0;
  readonly openPerGateway = new Map<string, number>();
  maxPerGateway = 0;
  connects = 0;
  closes = 0;
  readonly closeOptions: unknown[] = [];

  /** A connector whose clients are tracked; `fail(meter, attempt)` may throw instead. */
  connector(fail?: (meter: FleetTarget, attempt: number) => unknown) {
    const attempts = new Map<string, number>();
    return async (meter: FleetTarget, _signal: AbortSignal): Promise<MeterClient> => {
      const attempt = (attempts.get(meter.id) ?? 0) + 1;
      attempts.set(meter.id, attempt);
      this.connects++;
      await tick();
      const error = fail?.(meter, attempt);
      if (error !== undefined) throw error;
      const gw = meter.url.mqtt?.gatewayId ?? meter.url.display;
      this.open++;
      this.maxOpen = Math.max(this.maxOpen, this.open);
      const n = (this.openPerGateway.get(gw) ?? 0) + 1;
      this.openPerGateway.set(gw, n);
      this.maxPerGateway = Math.max(this.maxPerGateway, n);
      let closed = false;
      const client = {
        id: meter.id,
        close: async (options?: unknown) => {
          if (closed) return;
          closed = true;
          this.closeOptions.push(options);
          this.closes++;
          this.open--;
          this.openPerGateway.set(gw, this.openPerGateway.get(gw)! - 1);
        },
      };
      return client as unknown as MeterClient;
    };
  }
}

const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Tunnel meters: `n` meters spread over `gateways` gateways of one broker. */
function tunnelMeters(n: number, gateways: number): { id: string; url: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    url: `modbus+mqtt://broker:1883/gw-${i % gateways}/p${i}`,
  }));
}

/** A plan function that takes `ms` (honouring the signal). */
function work(ms: number) {
  return (client: MeterClient, _meter: FleetTarget, signal: AbortSignal): Promise<string> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve((client as unknown as { id: string }).id), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      });
    });
}

async function collect<T>(iterable: AsyncIterable<FleetResult<T>>): Promise<FleetResult<T>[]> {
  const out: FleetResult<T>[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

const noBackoff = { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 };
const pending: AbortController[] = [];
afterEach(() => {
  for (const c of pending.splice(0)) c.abort();
});

describe('readFleet limits', () => {
  it('never exceeds concurrency or perGatewayConcurrency, and reads every meter once', async () => {
    const fakes = new Fakes();
    const meters = tunnelMeters(40, 5);
    const results = await collect(
      readFleet(meters, work(5), { connect: fakes.connector(), concurrency: 4, perGatewayConcurrency: 1 }),
    );
    expect(results).toHaveLength(40);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => r.meter.id)).size).toBe(40);
    expect(fakes.maxOpen).toBe(4);
    expect(fakes.maxPerGateway).toBe(1);
    expect(fakes.closes).toBe(40);
    expect(fakes.open).toBe(0);
  });

  it('keeps every gateway busy although the input is ordered by gateway', async () => {
    const fakes = new Fakes();
    // 10 meters of gw-0 first, then 10 of gw-1 …: a naive FIFO would run one at a time.
    const meters = Array.from(
      { length: 30 },
      (_, i) => `modbus+mqtt://broker/gw-${Math.floor(i / 10)}/p${i}`,
    );
    await collect(
      readFleet(meters, work(5), { connect: fakes.connector(), concurrency: 8, perGatewayConcurrency: 2 }),
    );
    expect(fakes.maxOpen).toBe(6);
    expect(fakes.maxPerGateway).toBe(2);
  });

  it('groups serial devices and host:port, and takes a custom gatewayKey', async () => {
    const fakes = new Fakes();
    const meters = [
      'modbus+rtutcp://10.0.0.1:4001?unit=1',
      'modbus+rtutcp://10.0.0.1:4001?unit=2',
      'modbus+rtutcp://10.0.0.1:4001?unit=3',
    ];
    await collect(readFleet(meters, work(5), { connect: fakes.connector() }));
    expect(fakes.maxOpen).toBe(1);
    const free = new Fakes();
    await collect(readFleet(meters, work(5), { connect: free.connector(), gatewayKey: (m) => m.id }));
    expect(free.maxOpen).toBe(3);
  });

  it('applies backpressure: a consumer that does not read stops new meters', async () => {
    const fakes = new Fakes();
    const read = readFleet(tunnelMeters(50, 50), work(1), {
      connect: fakes.connector(),
      concurrency: 4,
      highWaterMark: 3,
    });
    const it = read[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    await tick(60);
    // 1 consumed + at most 3 queued + 4 that were running when the queue filled.
    expect(fakes.connects).toBeLessThanOrEqual(1 + 3 + 4);
    expect(read.progress.running).toBe(0);
    let rest = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) rest++;
    expect(rest).toBe(49);
    expect(fakes.open).toBe(0);
  });

  it('pulls an async input lazily, at most `lookahead` ahead', async () => {
    const fakes = new Fakes();
    let produced = 0;
    async function* meters() {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield `modbus+tcp://10.0.0.${i}:502`;
      }
    }
    const read = readFleet(meters(), work(1), { connect: fakes.connector(), concurrency: 2, lookahead: 5 });
    const it = read[Symbol.asyncIterator]();
    await it.next();
    await tick(20);
    expect(produced).toBeLessThanOrEqual(2 + 2 + 5 + 2);
    let n = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) n++;
    expect(n).toBe(100);
    expect(read.progress.total).toBe(100);
  });
});

describe('readFleet retries', () => {
  it('retries timeouts and link errors, not security or URL failures, and counts attempts', async () => {
    const fakes = new Fakes();
    const connect = fakes.connector((meter, attempt) => {
      if (meter.id === 'flaky' && attempt === 1) return new TimeoutError('GET', 100);
      if (meter.id === 'down') return new LinkError('connect ECONNREFUSED');
      if (meter.id === 'auth') return new SecurityError('authentication-failed', 'HLS refused');
      if (meter.id === 'busy' && attempt < 3)
        return Object.assign(new LinkError('port busy'), { reason: 'port-busy' });
      if (meter.id === 'noport') return Object.assign(new LinkError('no port'), { reason: 'unknown-port' });
      return undefined;
    });
    const meters = ['flaky', 'down', 'auth', 'busy', 'noport'].map((id, i) => ({
      id,
      url: `modbus+tcp://10.0.0.${i}:502`,
    }));
    meters.push({ id: 'bad', url: 'modbus+tcp://10.0.0.9:502?nope=1' });
    const read = readFleet(meters, work(1), { connect, retries: 2, backoff: noBackoff });
    const retrying: number[] = [];
    read.on('progress', (p) => retrying.push(p.retrying));
    const byId = Object.fromEntries((await collect(read)).map((r) => [r.meter.id, r]));
    expect(byId.flaky).toMatchObject({ ok: true, attempts: 2 });
    expect(byId.down).toMatchObject({ ok: false, attempts: 3 });
    expect(byId.down!.ok || byId.down!.error).toBeInstanceOf(LinkError);
    expect(byId.auth).toMatchObject({ ok: false, attempts: 1 });
    expect(byId.auth!.ok || byId.auth!.error).toBeInstanceOf(SecurityError);
    expect(byId.busy).toMatchObject({ ok: true, attempts: 3 });
    expect(byId.noport).toMatchObject({ ok: false, attempts: 1 });
    expect(byId.bad).toMatchObject({ ok: false, attempts: 0 });
    expect(byId.bad!.ok || byId.bad!.error).toBeInstanceOf(InvalidUrlError);
    expect(Math.max(...retrying)).toBeGreaterThan(0);
    expect(read.progress).toEqual({ done: 6, failed: 4, running: 0, retrying: 0, total: 6 });
  });

  it('waits the backoff between attempts and honours retries: 0 and retryIf', async () => {
    const fakes = new Fakes();
    const connect = fakes.connector((_m, attempt) => (attempt === 1 ? new TimeoutError('x', 1) : undefined));
    const t0 = Date.now();
    const [slow] = await collect(
      readFleet(['modbus+tcp://a:502'], work(1), { connect, backoff: { initialDelayMs: 80, jitter: 0 } }),
    );
    expect(slow).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    expect(slow!.durationMs).toBeGreaterThanOrEqual(75);

    const once = fakes.connector(() => new TimeoutError('x', 1));
    const [none] = await collect(readFleet(['modbus+tcp://a:502'], work(1), { connect: once, retries: 0 }));
    expect(none).toMatchObject({ ok: false, attempts: 1 });

    const custom = fakes.connector(() => new SecurityError('bad-key', 'k'));
    const seen: number[] = [];
    const [forced] = await collect(
      readFleet(['modbus+tcp://a:502'], work(1), {
        connect: custom,
        retries: 3,
        backoff: noBackoff,
        retryIf: (_e, attempt) => seen.push(attempt) > 0,
      }),
    );
    expect(forced).toMatchObject({ ok: false, attempts: 4 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('wraps unknown errors in FleetTaskError and does not retry them', async () => {
    const fakes = new Fakes();
    const boom = new TypeError('boom');
    const [r] = await collect(
      readFleet(
        ['modbus+tcp://a:502'],
        async () => {
          throw boom;
        },
        { connect: fakes.connector() },
      ),
    );
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    if (r!.ok) throw new Error('expected a failure');
    expect(r!.error).toBeInstanceOf(FleetTaskError);
    expect(r!.error.cause).toBe(boom);
    expect(r!.error.message).toContain('boom');
    expect(fakes.open).toBe(0);
  });
});

describe('readFleet timeouts, abort and early exit', () => {
  it('fails a meter after timeoutMs even when the plan ignores the signal, and closes it without release', async () => {
    const fakes = new Fakes();
    const hang = (): Promise<never> => new Promise(() => undefined);
    const [r] = await collect(
      readFleet(['modbus+tcp://a:502'], hang, { connect: fakes.connector(), timeoutMs: 50, retries: 0 }),
    );
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(r!.ok || r!.error).toBeInstanceOf(TimeoutError);
    expect(fakes.closes).toBe(1);
    expect(fakes.closeOptions).toEqual([{ release: false }]);
  });

  it('closes a client that connects after its meter timed out', async () => {
    const fakes = new Fakes();
    const inner = fakes.connector();
    const slowConnect = async (m: FleetTarget, s: AbortSignal): Promise<MeterClient> => {
      await tick(60);
      return inner(m, s);
    };
    const [r] = await collect(
      readFleet(['modbus+tcp://a:502'], work(1), { connect: slowConnect, timeoutMs: 20, retries: 0 }),
    );
    expect(r!.ok || r!.error).toBeInstanceOf(TimeoutError);
    await tick(80);
    expect(fakes.connects).toBe(1);
    expect(fakes.open).toBe(0);
  });

  it('on abort: running meters end with AbortError, clients are closed, nothing new starts, the iteration ends', async () => {
    const fakes = new Fakes();
    const controller = new AbortController();
    pending.push(controller);
    const read = readFleet(tunnelMeters(30, 30), work(200), {
      connect: fakes.connector(),
      concurrency: 3,
      signal: controller.signal,
    });
    const results: FleetResult<string>[] = [];
    setTimeout(() => controller.abort(new Error('enough')), 40);
    for await (const r of read) results.push(r);
    expect(results).toHaveLength(3);
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(AbortError);
        expect((r.error.cause as Error).message).toBe('enough');
      }
    }
    expect(fakes.connects).toBe(3);
    expect(fakes.open).toBe(0);
    expect(fakes.closeOptions).toEqual([{ release: false }, { release: false }, { release: false }]);
  });

  it('ends meters waiting for a retry with AbortError on abort', async () => {
    const fakes = new Fakes();
    const controller = new AbortController();
    pending.push(controller);
    const read = readFleet(['modbus+tcp://a:502'], work(1), {
      connect: fakes.connector(() => new TimeoutError('x', 1)),
      backoff: { initialDelayMs: 10_000 },
      signal: controller.signal,
    });
    read.on('progress', (p) => {
      if (p.retrying === 1) controller.abort();
    });
    const [r] = await collect(read);
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(r!.ok || r!.error).toBeInstanceOf(AbortError);
  });

  it('yields nothing for a signal aborted before the iteration', async () => {
    const fakes = new Fakes();
    const results = await collect(
      readFleet(tunnelMeters(3, 1), work(1), { connect: fakes.connector(), signal: AbortSignal.abort() }),
    );
    expect(results).toEqual([]);
    expect(fakes.connects).toBe(0);
  });

  it('breaking out of for await closes every client before the loop exits and starts nothing more', async () => {
    const fakes = new Fakes();
    let returned = false;
    async function* meters() {
      try {
        for (let i = 0; i < 1000; i++) yield `modbus+mqtt://broker/gw-${i}/p0`;
      } finally {
        returned = true;
      }
    }
    const read = readFleet(
      meters(),
      async (client, meter, signal) => {
        if (meter.index === 0) return 'fast';
        return work(500)(client, meter, signal);
      },
      { connect: fakes.connector(), concurrency: 5 },
    );
    for await (const r of read) {
      expect(r).toMatchObject({ ok: true, value: 'fast' });
      break;
    }
    expect(fakes.open).toBe(0);
    expect(fakes.closes).toBe(fakes.connects);
    expect(returned).toBe(true);
    const connects = fakes.connects;
    await tick(30);
    expect(fakes.connects).toBe(connects);
  });

  it('throws the input error after closing the running meters', async () => {
    const fakes = new Fakes();
    const failure = new Error('csv broken');
    async function* meters() {
      yield 'modbus+tcp://a:502';
      await tick(20);
      throw failure;
    }
    const read = readFleet(meters(), work(500), { connect: fakes.connector() });
    const seen: FleetResult<string>[] = [];
    await expect(
      (async () => {
        for await (const r of read) seen.push(r);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.ok || seen[0]!.error).toBeInstanceOf(AbortError);
    expect(fakes.open).toBe(0);
  });
});

describe('readFleet input and options', () => {
  it('accepts URL strings, parsed URLs and entries; malformed entries fail alone; ids never show passwords', async () => {
    const fakes = new Fakes();
    const results = await collect(
      readFleet(
        [
          'modbus+mqtt://user:secret@broker/gw/p0',
          { id: 'named', url: 'modbus+tcp://a:502', options: { timeoutMs: 5 } },
          42 as unknown as string,
          { url: 'modbus+mqtt://user:secret@broker/gw/p0/extra' },
        ],
        async (_c, meter) => meter.options,
        { connect: fakes.connector(), connectOptions: { timeoutMs: 1 } },
      ),
    );
    const byIndex = results.sort((a, b) => a.meter.index - b.meter.index);
    expect(byIndex[0]).toMatchObject({ ok: true, value: { timeoutMs: 1 } });
    expect(byIndex[0]!.meter.id).toContain('***');
    expect(byIndex[1]).toMatchObject({ ok: true, meter: { id: 'named' }, value: { timeoutMs: 5 } });
    expect(byIndex[2]).toMatchObject({ ok: false, meter: { id: '#2' } });
    expect(byIndex[2]!.ok || byIndex[2]!.error).toBeInstanceOf(InvalidArgumentError);
    expect(byIndex[3]!.ok || byIndex[3]!.error).toBeInstanceOf(InvalidUrlError);
    expect(JSON.stringify(results)).not.toContain('secret');
  });

  it('refuses a plan of the other protocol per meter, before connecting', async () => {
    const fakes = new Fakes();
    const [r] = await collect(
      readFleet(['modbus+tcp://a:502'], [{ obis: '1.0.1.8.0.255' }], { connect: fakes.connector() }),
    );
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r!.ok || r!.error).toBeInstanceOf(InvalidArgumentError);
    expect(fakes.connects).toBe(0);
  });

  it('throws InvalidArgumentError at once for bad options and plans, and on a second iteration', () => {
    const plan = work(1);
    expect(() => readFleet([], plan, { concurrency: 0 })).toThrow(InvalidArgumentError);
    expect(() => readFleet([], plan, { retries: -1 })).toThrow(InvalidArgumentError);
    expect(() => readFleet([], plan, { backoff: { jitter: 2 } })).toThrow(InvalidArgumentError);
    expect(() => readFleet([], [], {})).toThrow(InvalidArgumentError);
    expect(() => readFleet([], [{ obis: 'nope' }])).toThrow(InvalidArgumentError);
    expect(() => readFleet([], [{ obis: '1.0.1.8.0.255' }, { obis: '1-0:1.8.0*255' }])).toThrow(/named/);
    expect(() => readFleet([], {} as never)).toThrow(InvalidArgumentError);
    expect(() => readFleet(5 as never, plan)).toThrow(InvalidArgumentError);
    const read = readFleet([], plan);
    read[Symbol.asyncIterator]();
    expect(() => read[Symbol.asyncIterator]()).toThrow(InvalidArgumentError);
  });

  it('reports progress with the total known from an array', async () => {
    const fakes = new Fakes();
    const read = readFleet(tunnelMeters(5, 5), work(1), { connect: fakes.connector() });
    const events: { done: number; total: number | undefined }[] = [];
    read.on('progress', (p) => events.push(p));
    await collect(read);
    expect(events.every((e) => e.total === 5)).toBe(true);
    expect(events.at(-1)).toEqual({ done: 5, failed: 0, running: 0, retrying: 0, total: 5 });
    expect(Math.max(...events.map((e) => (e as { running?: number }).running ?? 0))).toBeGreaterThan(1);
  });

  it('keys gateways by broker and gateway id, serial device, or transport host:port — without credentials', () => {
    const key = (url: string): string => fleetGatewayKey(parseMeterUrl(url));
    expect(key('modbus+mqtt://user:pw@broker:1883/gw-1/p1')).toBe('mqtt mqtt://broker:1883 gw-1');
    expect(key('hdlc+mqtt://broker:1883/gw-1/p0')).toBe(key('apdu+mqtt://broker:1883/gw-1/p2'));
    expect(key('hdlc+mqtt://broker/gw-1/p0')).not.toBe(key('hdlc+mqtt://broker/gw-2/p0'));
    expect(key('hdlc+mqtt://broker/gw-1/p0')).toBe(key('modbus+mqtt://broker:1883/gw-1/p3'));
    expect(key('hdlc+mqtts://broker/gw-1/p0')).toBe('mqtt mqtts://broker:8883 gw-1');
    expect(key('modbus+rtu:///dev/ttyUSB0?unit=3')).toBe(key('hdlc+serial:///dev/ttyUSB0'));
    expect(key('hdlc+tcp://10.0.0.1:4059')).toBe('tcp 10.0.0.1:4059');
    expect(key('wrapper+udp://10.0.0.1:4059')).toBe('udp 10.0.0.1:4059');
  });
});
