// Shared helpers of the server tests: a raw "wire" on the client end of a link, served pairs,
// frame builders, bounded waits, and a registry that closes everything after each test.
import { afterEach, expect } from 'vitest';
import type { Link } from '../../../src/index.js';
import { fromHex, type MemoryPairOptions, memoryPair, toHex } from '../../../src/index.js';
import {
  createFrameDecoder,
  encodeFrame,
  type ModbusFraming,
  type ModbusServeOptions,
  type ModbusServer,
} from '../../../src/modbus/index.js';

/** Registers cleanups that run (in reverse order) after each test of the calling file. */
export function useCleanup(): <T>(resource: T, close: (resource: T) => unknown) => T {
  const tasks: Array<() => unknown> = [];
  afterEach(async () => {
    for (const task of tasks.splice(0).reverse()) await task();
  });
  return (resource, close) => {
    tasks.push(() => close(resource));
    return resource;
  };
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

/** Resolves once `predicate()` holds; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 1000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The client end of a link, seen as raw bytes: send frames, wait for a number of bytes back. */
export class Wire {
  readonly chunks: Uint8Array[] = [];
  constructor(readonly link: Link) {
    link.on('data', (chunk) => this.chunks.push(chunk));
  }

  /** Bytes received and not taken yet. */
  get length(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  send(bytes: Uint8Array | string): Promise<void> {
    return this.link.write(typeof bytes === 'string' ? fromHex(bytes) : bytes);
  }

  /** Waits until at least `n` bytes arrived, then takes everything received. */
  async receive(n: number, ms = 1000): Promise<Uint8Array> {
    await until(() => this.length >= n, ms, `${n} bytes from the server`);
    return this.take();
  }

  /** Takes (and forgets) everything received so far. */
  take(): Uint8Array {
    return concat(this.chunks.splice(0));
  }

  /** Sends `request` and returns the next `n` bytes received (upper-case hex). */
  async exchange(request: Uint8Array | string, n: number, ms = 1000): Promise<string> {
    await this.send(request);
    return toHex(await this.receive(n, ms));
  }
}

/** Serves `server` on one end of a fresh memory pair and returns a wire on the other end. */
export function servedWire(
  server: ModbusServer,
  framing: ModbusFraming,
  track: <T>(resource: T, close: (resource: T) => unknown) => T,
  pair: MemoryPairOptions = {},
  serve: ModbusServeOptions = {},
): Wire {
  const [client, end] = memoryPair(pair);
  track(client, (l) => l.close());
  server.serve(end, { framing, ...serve });
  return new Wire(client);
}

/** MBAP request bytes, built by hand so that oversized PDUs can be sent too. */
export function mbap(transactionId: number, unitId: number, pdu: string | Uint8Array): Uint8Array {
  const body = typeof pdu === 'string' ? fromHex(pdu) : pdu;
  const length = body.length + 1;
  const head = [transactionId >> 8, transactionId & 0xff, 0, 0, length >> 8, length & 0xff, unitId];
  return Uint8Array.of(...head, ...body);
}

/** RTU frame bytes (CRC appended). */
export function rtu(unitId: number, pdu: string | Uint8Array): Uint8Array {
  return encodeFrame('rtu', { unitId, pdu: typeof pdu === 'string' ? fromHex(pdu) : pdu });
}

/** ASCII frame bytes. */
export function ascii(unitId: number, pdu: string | Uint8Array, endChar?: number): Uint8Array {
  const frame = { unitId, pdu: typeof pdu === 'string' ? fromHex(pdu) : pdu };
  return encodeFrame('ascii', frame, endChar === undefined ? {} : { endChar });
}

/** The frame bytes for `pdu` in `framing` (transaction id 1 on MBAP). */
export function frameOf(framing: ModbusFraming, unitId: number, pdu: string | Uint8Array): Uint8Array {
  if (framing === 'tcp') return mbap(1, unitId, pdu);
  return framing === 'rtu' ? rtu(unitId, pdu) : ascii(unitId, pdu);
}

/** Sends one request PDU over MBAP (transaction 1) and returns the response PDU in hex. */
export async function ask(wire: Wire, unitId: number, pdu: string | Uint8Array, ms = 1000): Promise<string> {
  await wire.send(mbap(1, unitId, pdu));
  await until(() => wire.length >= 6, ms, 'an MBAP header');
  const head = concat(wire.chunks);
  const size = 6 + ((head[4]! << 8) | head[5]!);
  const bytes = await wire.receive(size, ms);
  expect(bytes.length).toBe(size);
  return toHex(bytes.subarray(7));
}

/** Sends one serial request and returns the response PDU in hex (frames decoded with `framing`). */
export async function askSerial(
  wire: Wire,
  framing: 'rtu' | 'ascii',
  unitId: number,
  pdu: string | Uint8Array,
  ms = 1000,
): Promise<string> {
  await wire.send(frameOf(framing, unitId, pdu));
  const decoder = createFrameDecoder(framing, 'response');
  const frames: { unitId: number; pdu: Uint8Array }[] = [];
  await until(
    () => {
      if (wire.chunks.length > 0) frames.push(...decoder.push(wire.take()));
      return frames.length > 0;
    },
    ms,
    'a serial response',
  );
  expect(frames).toHaveLength(1);
  expect(frames[0]!.unitId).toBe(unitId);
  return toHex(frames[0]!.pdu);
}

/**
 * Asserts the server stays silent for `request`: sends it, then a `probe` that is answered, and
 * checks the first bytes back are the probe's answer (responses keep request order).
 */
export async function expectSilence(
  wire: Wire,
  request: Uint8Array | string,
  probe: Uint8Array,
  probeAnswer: Uint8Array,
): Promise<void> {
  await wire.send(request);
  await wire.send(probe);
  expect(toHex(await wire.receive(probeAnswer.length))).toBe(toHex(probeAnswer));
}
