import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LinkClosedError } from '../../src/core/errors.js';
import { memoryPair } from '../../src/links/index.js';
import { collect, concat, nextEvent, until } from './helpers.js';

describe('memoryPair', () => {
  it('starts open, describes itself and honours the info options', async () => {
    const [a, b] = memoryPair();
    expect(a.info).toEqual({ transport: 'memory', messageOriented: false, bus: false, peer: 'memory' });
    expect(a.state).toBe('open');
    expect(b.isOpen).toBe(true);
    await a.open(); // no-op
    const [c] = memoryPair({ messageOriented: true, bus: true, baudRate: 9600 });
    expect(c.info).toEqual({
      transport: 'memory',
      messageOriented: true,
      bus: true,
      baudRate: 9600,
      peer: 'memory',
    });
    expect(() => memoryPair({ latencyMs: -1 })).toThrow(InvalidArgumentError);
    await Promise.all([a.close(), c.close()]);
  });

  it('delivers asynchronously, in order, as copies', async () => {
    const [a, b] = memoryPair();
    const chunks = collect(b);
    const buffer = new Uint8Array([1, 2, 3]);
    const written = a.write(buffer);
    expect(chunks).toHaveLength(0); // never inside write()
    await written;
    buffer[0] = 99; // the writer reuses its buffer
    for (let i = 0; i < 20; i++) await a.write(new Uint8Array([i]));
    expect(chunks).toHaveLength(0); // still not delivered synchronously
    await until(() => chunks.length === 21);
    expect([...chunks[0]!]).toEqual([1, 2, 3]);
    expect(chunks.slice(1).map((c) => c[0])).toEqual([...Array(20).keys()]);
    await a.close();
  });

  it('works both ways', async () => {
    const [a, b] = memoryPair();
    b.on('data', (bytes) => void b.write(bytes.map((x) => x + 1)));
    const reply = nextEvent(a, 'data');
    await a.write(new Uint8Array([1, 2]));
    expect([...(await reply)[0]]).toEqual([2, 3]);
    await b.close();
  });

  it('applies latency', async () => {
    const [a, b] = memoryPair({ latencyMs: 40 });
    const arrived = nextEvent(b, 'data');
    const start = Date.now();
    await a.write(new Uint8Array([1]));
    await arrived;
    expect(Date.now() - start).toBeGreaterThanOrEqual(35);
    await a.close();
  });

  it('splits writes into pieces of maxChunkBytes', async () => {
    const [a, b] = memoryPair({ maxChunkBytes: 2 });
    const chunks = collect(b);
    await a.write(new Uint8Array([1, 2, 3, 4, 5]));
    await until(() => concat(chunks).length === 5);
    expect(chunks.map((c) => [...c])).toEqual([[1, 2], [3, 4], [5]]);
    await a.close();
  });

  it('closing one end closes the other after the bytes in flight', async () => {
    const [a, b] = memoryPair();
    const chunks = collect(b);
    const events: string[] = [];
    a.on('close', (e) => events.push(`a:${e === undefined ? 'close' : e.name}`));
    b.on('close', (e) => events.push(`b:${e === undefined ? 'close' : e.name}`));
    await a.write(new Uint8Array([1]));
    await a.close();
    expect(chunks).toHaveLength(1); // delivered before the close notice
    expect(a.state).toBe('closed');
    expect(b.state).toBe('closed');
    expect(events).toEqual(['b:LinkClosedError', 'a:close']);
    await expect(b.write(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
    await expect(a.open()).rejects.toBeInstanceOf(LinkClosedError);
    await b.close(); // idempotent
    expect(events).toHaveLength(2);
  });
});
