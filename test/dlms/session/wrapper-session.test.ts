// Wrapper sessions (spec §5) over memoryPair links: the golden vectors as a conversation byte for
// byte, client ↔ server traffic, wPort filtering, errors and the life cycle.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  LinkClosedError,
  TimeoutError,
} from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import type { ReceivedApdu } from '../../../src/dlms/session/types.js';
import { WrapperClientSession } from '../../../src/dlms/session/wrapper-client-session.js';
import { WrapperServerSession } from '../../../src/dlms/session/wrapper-server-session.js';
import { encodeWrapperFrame } from '../../../src/dlms/wrapper/wrapper-codec.js';
import { LinkEmitter } from '../../../src/links/link-emitter.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { dlmsVectors, splits } from '../../helpers/vectors.js';
import { collect, concat, until } from '../../links/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function pair(options: Parameters<typeof memoryPair>[0] = {}): [Link, Link] {
  const links = memoryPair(options);
  cleanups.push(() => Promise.all(links.map((link) => link.close())));
  return links;
}

function vector(id: string): Uint8Array {
  const v = dlmsVectors.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no dlms vector '${id}'`);
  return fromHex(v.hex);
}

/** The APDU of a wrapper vector (after the 8-octet header). */
function apduOf(id: string): Uint8Array {
  return vector(id).subarray(8);
}

/** Every APDU the session emits. */
function received(session: WrapperClientSession | WrapperServerSession): ReceivedApdu[] {
  const all: ReceivedApdu[] = [];
  session.on('apdu', (r) => all.push(r));
  return all;
}

/** Resolves with the session's close error (or `undefined`); rejects after `ms`. */
function closed(session: WrapperClientSession | WrapperServerSession, ms = 1000): Promise<Error | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close within ${ms} ms`)), ms);
    session.on('close', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/** Resolves once `link` received `n` bytes in total, with them. */
async function readBytes(chunks: Uint8Array[], n: number): Promise<Uint8Array> {
  await until(() => concat(chunks).length >= n, 1000, `${n} bytes`);
  const all = concat(chunks);
  chunks.length = 0;
  return all;
}

function listeners(link: Link): number {
  if (!(link instanceof LinkEmitter)) throw new Error('not a LinkEmitter');
  return link.listenerCount('data') + link.listenerCount('close');
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

describe('wrapper session: the spec vectors as a conversation (spec §5)', () => {
  /**
   * AARQ → AARE, GET request, an unprompted data-notification, RLRQ; the fake meter on `meter`
   * writes its frames in the given pieces.
   */
  async function converse(aarePieces: Uint8Array[], pushPieces: Uint8Array[]): Promise<void> {
    const [a, meter] = pair();
    const wire = collect(meter);
    const session = new WrapperClientSession(a, { client: 0x10, server: 1, pushDestinations: [0x66] });
    const got = received(session);
    await session.open();
    expect(session.state).toBe('open');

    await session.send(apduOf('wrapper-aarq'));
    expect(toHex(await readBytes(wire, vector('wrapper-aarq').length))).toBe(toHex(vector('wrapper-aarq')));
    for (const piece of aarePieces) await meter.write(piece);
    await until(() => got.length === 1);
    expect(toHex(got[0]!.apdu)).toBe(toHex(apduOf('wrapper-aare')));
    expect(got[0]!.address).toEqual({ client: 0x10, logicalDevice: 1 });
    expect(got[0]!.unsolicited).toBe(false);

    await session.send(apduOf('wrapper-get-request'));
    expect(toHex(await readBytes(wire, vector('wrapper-get-request').length))).toBe(
      toHex(vector('wrapper-get-request')),
    );
    for (const piece of pushPieces) await meter.write(piece);
    await until(() => got.length === 2);
    expect(toHex(got[1]!.apdu)).toBe(toHex(apduOf('wrapper-data-notification')));
    expect(got[1]!.address).toEqual({ client: 0x66, logicalDevice: 1 });
    expect(got[1]!.unsolicited).toBe(false);

    await session.send(apduOf('wrapper-rlrq'));
    expect(toHex(await readBytes(wire, vector('wrapper-rlrq').length))).toBe(toHex(vector('wrapper-rlrq')));
    await session.close();
    expect(session.state).toBe('closed');
    expect(session.counters).toEqual({ ignored: 0, malformed: 0 });
    expect(listeners(a)).toBe(0);
    expect(a.isOpen).toBe(true); // the session never closes the link
  }

  it('runs byte for byte with whole frames', async () => {
    await converse([vector('wrapper-aare')], [vector('wrapper-data-notification')]);
  });

  it('reassembles the AARE split at every byte boundary', async () => {
    for (const pieces of splits(vector('wrapper-aare'))) {
      await converse(pieces, [vector('wrapper-data-notification')]);
    }
  });

  it('reassembles the data-notification split at every byte boundary', async () => {
    for (const pieces of splits(vector('wrapper-data-notification'))) {
      await converse([vector('wrapper-aare')], pieces);
    }
  });

  it('ignores (and counts) the push when its destination wPort is not configured', async () => {
    const [a, meter] = pair();
    const session = new WrapperClientSession(a);
    const got = received(session);
    await session.open();
    await meter.write(concat([vector('wrapper-data-notification'), vector('wrapper-aare')]));
    await until(() => got.length === 1);
    expect(toHex(got[0]!.apdu)).toBe(toHex(apduOf('wrapper-aare')));
    expect(session.counters).toEqual({ ignored: 1, malformed: 0 });
  });
});

describe('wrapper session: client ↔ server over a memory stream', () => {
  it('carries many APDUs both ways, split and coalesced, with the wPorts swapped', async () => {
    const [a, b] = pair({ maxChunkBytes: 7 });
    const client = new WrapperClientSession(a, { client: 0x20, server: 0x11 });
    const server = new WrapperServerSession(b);
    expect(server.state).toBe('open');
    const atServer = received(server);
    const atClient = received(client);
    server.on('apdu', (r) => void server.send(r.apdu.slice().reverse(), { address: r.address }));
    await client.open();
    const sent = Array.from({ length: 100 }, (_, i) => bytes((i * 37) % 300, i));
    await Promise.all(sent.map((apdu) => client.send(apdu)));
    await until(() => atClient.length === sent.length, 3000);
    expect(atServer.map((r) => toHex(r.apdu))).toEqual(sent.map((s) => toHex(s)));
    expect(atServer.every((r) => r.address.client === 0x20 && r.address.logicalDevice === 0x11)).toBe(true);
    expect(atClient.map((r) => toHex(r.apdu))).toEqual(sent.map((s) => toHex(s.slice().reverse())));
    expect(atClient.every((r) => r.address.client === 0x20 && r.address.logicalDevice === 0x11)).toBe(true);
    expect(server.lastAddress).toEqual({ client: 0x20, logicalDevice: 0x11 });
  });

  it('keeps several wPort pairs on one connection apart', async () => {
    const [a, b] = pair();
    const management = new WrapperClientSession(a, { client: 1, server: 1 });
    const reader = new WrapperClientSession(a, { client: 0x10, server: 0x11 });
    const server = new WrapperServerSession(b, { accepts: (address) => address.logicalDevice !== 0x12 });
    const toManagement = received(management);
    const toReader = received(reader);
    const atServer = received(server);
    server.on('apdu', ({ apdu, address }) => {
      void server.send(new Uint8Array([apdu[0]! + 1]), { address });
    });
    await management.open();
    await reader.open();
    await management.send(new Uint8Array([10]));
    await reader.send(new Uint8Array([20]));
    await management.send(new Uint8Array([30]));
    await until(() => toManagement.length === 2 && toReader.length === 1);
    expect(toManagement.map((r) => r.apdu[0])).toEqual([11, 31]);
    expect(toReader.map((r) => r.apdu[0])).toEqual([21]);
    // Each client saw (and ignored) the other's answers.
    expect(management.counters.ignored).toBe(1);
    expect(reader.counters.ignored).toBe(2);

    const stranger = new WrapperClientSession(a, { client: 0x10, server: 0x12 });
    await stranger.open();
    await stranger.send(new Uint8Array([40]));
    await until(() => server.counters.ignored === 1);
    expect(atServer.map((r) => r.address)).toEqual([
      { client: 1, logicalDevice: 1 },
      { client: 0x10, logicalDevice: 0x11 },
      { client: 1, logicalDevice: 1 },
    ]);
  });

  it('ignores frames whose source or destination wPort is not its own', async () => {
    const [a, b] = pair();
    const session = new WrapperClientSession(a, { client: 0x10, server: 1 });
    const got = received(session);
    await session.open();
    const frame = (source: number, destination: number, value: number): Uint8Array =>
      encodeWrapperFrame({ source, destination, payload: new Uint8Array([value]) });
    await b.write(concat([frame(1, 0x11, 1), frame(2, 0x10, 2), frame(1, 0x10, 3), frame(0x10, 1, 4)]));
    await until(() => got.length === 1);
    expect(got.map((r) => r.apdu[0])).toEqual([3]);
    expect(session.counters.ignored).toBe(3);
  });

  it('answers from any logical device when it addressed all stations (0x7F)', async () => {
    const [a, b] = pair();
    const session = new WrapperClientSession(a, { server: 0x7f });
    const got = received(session);
    await session.open();
    await b.write(encodeWrapperFrame({ source: 0x11, destination: 0x10, payload: new Uint8Array([1]) }));
    await until(() => got.length === 1);
    expect(got[0]!.address).toEqual({ client: 0x10, logicalDevice: 0x11 });
  });

  it('server: send answers the last APDU received; notify pushes to any address', async () => {
    const [a, b] = pair();
    const server = new WrapperServerSession(b);
    const wire = collect(a);
    await expect(server.send(new Uint8Array([1]))).rejects.toBeInstanceOf(InvalidArgumentError);
    await server.notify(apduOf('wrapper-data-notification'), { address: { client: 0x66, logicalDevice: 1 } });
    expect(toHex(await readBytes(wire, 41))).toBe(toHex(vector('wrapper-data-notification')));
    await a.write(vector('wrapper-aarq'));
    await until(() => server.lastAddress !== undefined);
    await server.send(apduOf('wrapper-aare'));
    expect(toHex(await readBytes(wire, 51))).toBe(toHex(vector('wrapper-aare')));
    await server.notify(new Uint8Array([0x0f]));
    expect(toHex(await readBytes(wire, 9))).toBe('00010001001000010F');
  });

  it('accepts an empty APDU (length 0)', async () => {
    const [a, b] = pair();
    const client = new WrapperClientSession(a);
    const server = new WrapperServerSession(b);
    const got = received(server);
    await client.open();
    await client.send(new Uint8Array(0));
    await until(() => got.length === 1);
    expect(got[0]!.apdu.length).toBe(0);
  });
});

describe('wrapper session: refusals before anything is written', () => {
  it('refuses an APDU above maxApduBytes or 65 535 octets with an EncodeError', async () => {
    const [a, b] = pair();
    const wire = collect(b);
    const session = new WrapperClientSession(a, { maxApduBytes: 100 });
    await session.open();
    expect(session.maxApduBytes).toBe(100);
    await expect(session.send(new Uint8Array(101))).rejects.toBeInstanceOf(EncodeError);
    const wide = new WrapperClientSession(a);
    await wide.open();
    expect(wide.maxApduBytes).toBe(65535);
    await expect(wide.send(new Uint8Array(65536))).rejects.toBeInstanceOf(EncodeError);
    await session.send(new Uint8Array(100));
    await until(() => concat(wire).length === 108);
  });

  it('refuses to send before open() and after close(), and when the signal has fired', async () => {
    const [a, b] = pair();
    const wire = collect(b);
    const session = new WrapperClientSession(a);
    expect(session.state).toBe('idle');
    await expect(session.send(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
    await session.open();
    const controller = new AbortController();
    controller.abort();
    await expect(session.send(new Uint8Array([1]), { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    await session.close();
    await expect(session.send(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
    await expect(session.open()).rejects.toBeInstanceOf(LinkClosedError);
    await new Promise((r) => setTimeout(r, 10));
    expect(wire).toEqual([]);
  });

  it('checks its options', () => {
    const [a] = pair();
    expect(() => new WrapperClientSession(a, { client: 65536 })).toThrow(InvalidArgumentError);
    expect(() => new WrapperClientSession(a, { server: -1 })).toThrow(InvalidArgumentError);
    expect(() => new WrapperClientSession(a, { pushDestinations: [1.5] })).toThrow(InvalidArgumentError);
    expect(() => new WrapperClientSession(a, { maxApduBytes: 0 })).toThrow(InvalidArgumentError);
    expect(() => new WrapperClientSession(a, { maxApduBytes: 65536 })).toThrow(InvalidArgumentError);
    expect(() => new WrapperClientSession(a, { timeoutMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new WrapperServerSession(a, { inactivityTimeoutMs: -5 })).toThrow(InvalidArgumentError);
    expect(() => new WrapperServerSession(a, { accepts: 1 as unknown as () => boolean })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('wrapper session: the end', () => {
  it('closes with a DecodeError on a bad header in the stream, after the frames before it', async () => {
    const [a, b] = pair();
    const session = new WrapperClientSession(a);
    const got = received(session);
    const end = closed(session);
    await session.open();
    const good = encodeWrapperFrame({ source: 1, destination: 0x10, payload: new Uint8Array([7]) });
    await b.write(concat([good, fromHex('0002001000010001FF'), good]));
    const error = await end;
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).offset).toBe(0);
    expect(got.map((r) => r.apdu[0])).toEqual([7]);
    expect(session.state).toBe('closed');
    expect(listeners(a)).toBe(0);
    expect(a.isOpen).toBe(true);
  });

  it('closes with a DecodeError on a length above maxApduBytes', async () => {
    const [a, b] = pair();
    const session = new WrapperServerSession(b, { maxApduBytes: 16 });
    const end = closed(session);
    await a.write(fromHex('0001001000010011'));
    const error = await end;
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).offset).toBe(6);
  });

  it('closes with a LinkClosedError when the link closes; close() is idempotent', async () => {
    const [a, b] = pair();
    const client = new WrapperClientSession(a);
    const server = new WrapperServerSession(b);
    await client.open();
    const clientEnd = closed(client);
    const serverEnd = closed(server);
    await a.close();
    expect(await clientEnd).toBeInstanceOf(LinkClosedError);
    const serverError = await serverEnd;
    expect(serverError).toBeInstanceOf(LinkClosedError);
    expect((serverError as LinkClosedError).cause).toBeInstanceOf(LinkClosedError);
    expect(listeners(a) + listeners(b)).toBe(0);
    await client.close();
    await server.close();
    expect(client.state).toBe('closed');
  });

  it('close() emits close without an error and nothing afterwards', async () => {
    const [a, b] = pair();
    const session = new WrapperClientSession(a);
    let closes = 0;
    let apdus = 0;
    session.on('close', (error) => {
      expect(error).toBeUndefined();
      closes++;
    });
    session.on('apdu', () => apdus++);
    await session.open();
    await b.write(encodeWrapperFrame({ source: 1, destination: 0x10, payload: new Uint8Array([1]) }));
    await session.close();
    await session.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(closes).toBe(1);
    expect(apdus).toBe(0); // the frame was still in flight when the session closed
    expect(session.listenerCount('apdu') + session.listenerCount('close')).toBe(0);
  });

  it('open() fails on a closed link and leaves the session idle', async () => {
    const [a] = pair();
    await a.close();
    const session = new WrapperClientSession(a);
    await expect(session.open()).rejects.toBeInstanceOf(LinkClosedError);
    expect(session.state).toBe('idle');
    const server = new WrapperServerSession(a);
    expect(server.state).toBe('idle');
    await expect(server.open()).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('server: ends with a TimeoutError after inactivityTimeoutMs without an APDU', async () => {
    const [a, b] = pair();
    const client = new WrapperClientSession(a);
    const server = new WrapperServerSession(b, { inactivityTimeoutMs: 100 });
    const end = closed(server);
    await client.open();
    let last = 0;
    for (let i = 0; i < 6; i++) {
      await client.send(new Uint8Array([i]));
      last = performance.now();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(server.state).toBe('open'); // kept alive by the traffic, 150 ms in
    const error = await end;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - last).toBeGreaterThanOrEqual(95);
    expect(listeners(b)).toBe(0);
  });
});

describe('wrapper session: datagrams (message-oriented memory links)', () => {
  it('drops and counts malformed datagrams, keeps going', async () => {
    const [a, b] = pair({ messageOriented: true });
    const session = new WrapperClientSession(a, { maxApduBytes: 10 });
    const got = received(session);
    const good = (value: number): Uint8Array =>
      encodeWrapperFrame({ source: 1, destination: 0x10, payload: new Uint8Array([value]) });
    await session.open();
    const bad = [
      new Uint8Array(0), // empty
      fromHex('00010001'), // truncated header
      fromHex('0002000100100001AA'), // version 2
      fromHex('00010001001000020A'), // length says 2, 1 follows
      concat([good(9), good(9)]), // two frames in one datagram
      encodeWrapperFrame({ source: 1, destination: 0x10, payload: new Uint8Array(11) }), // > maxApduBytes
    ];
    await b.write(good(1));
    for (const datagram of bad) await b.write(datagram);
    await b.write(good(2));
    await until(() => got.length === 2);
    expect(got.map((r) => r.apdu[0])).toEqual([1, 2]);
    expect(session.counters).toEqual({ ignored: 0, malformed: bad.length });
    expect(session.state).toBe('open');
  });
});
