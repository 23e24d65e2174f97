// Wrapper sessions (spec §5) over real loopback TCP and UDP sockets, and over faulty datagram links.
import { afterEach, describe, expect, it } from 'vitest';
import { DecodeError, LinkClosedError, LinkError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import type { ReceivedApdu } from '../../../src/dlms/session/types.js';
import { WrapperClientSession } from '../../../src/dlms/session/wrapper-client-session.js';
import {
  WrapperServerSession,
  type WrapperServerSessionOptions,
} from '../../../src/dlms/session/wrapper-server-session.js';
import { encodeWrapperFrame } from '../../../src/dlms/wrapper/wrapper-codec.js';
import {
  faulty,
  type LinkServer,
  listenTcp,
  listenUdp,
  memoryPair,
  tcp,
  udp,
} from '../../../src/links/index.js';
import { until } from '../../links/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** The server's answer to `apdu`: its octets reversed. */
function answer(apdu: Uint8Array): Uint8Array {
  return apdu.slice().reverse();
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 0xff);
}

interface Served {
  server: LinkServer;
  sessions: WrapperServerSession[];
  links: Link[];
}

/** A wrapper server on loopback: every session answers each APDU with {@link answer}. */
async function serve(transport: 'tcp' | 'udp', options: WrapperServerSessionOptions = {}): Promise<Served> {
  const sessions: WrapperServerSession[] = [];
  const links: Link[] = [];
  const onLink = (link: Link): void => {
    const session = new WrapperServerSession(link, options);
    sessions.push(session);
    links.push(link);
    session.on('apdu', ({ apdu, address }) => {
      session.send(answer(apdu), { address }).catch(() => undefined);
    });
    session.on('close', () => void link.close());
  };
  const server =
    transport === 'tcp'
      ? await listenTcp({ host: '127.0.0.1', port: 0 }, onLink)
      : await listenUdp({ host: '127.0.0.1', port: 0 }, onLink);
  cleanups.push(() => server.close());
  return { server, sessions, links };
}

function clientLink(transport: 'tcp' | 'udp', port: number): Link {
  const link = transport === 'tcp' ? tcp({ host: '127.0.0.1', port }) : udp({ host: '127.0.0.1', port });
  cleanups.push(() => link.close());
  return link;
}

function received(session: WrapperClientSession | WrapperServerSession): ReceivedApdu[] {
  const all: ReceivedApdu[] = [];
  session.on('apdu', (r) => all.push(r));
  return all;
}

function closed(session: WrapperClientSession | WrapperServerSession, ms = 2000): Promise<Error | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close within ${ms} ms`)), ms);
    session.on('close', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

describe.each(['tcp', 'udp'] as const)('wrapper sessions over loopback %s', (transport) => {
  it('carry many APDUs both ways', async () => {
    const { server, sessions } = await serve(transport);
    const session = new WrapperClientSession(clientLink(transport, server.port), { client: 0x10, server: 1 });
    const got = received(session);
    await session.open(); // opens the link
    expect(session.state).toBe('open');
    // A UDP datagram holds at most 65 507 octets on IPv4: keep UDP APDUs well below.
    const largest = transport === 'tcp' ? 65535 : 8000;
    const sizes = [
      0,
      1,
      largest,
      13,
      largest,
      4096,
      ...Array.from({ length: 40 }, (_, i) => (i * 977) % 3000),
    ];
    const sent = sizes.map((n, i) => bytes(n, i));
    for (const apdu of sent) await session.send(apdu);
    await until(() => got.length === sent.length, 5000, 'all answers');
    expect(got.map((r) => toHex(r.apdu))).toEqual(sent.map((s) => toHex(answer(s))));
    expect(got.every((r) => r.address.client === 0x10 && r.address.logicalDevice === 1)).toBe(true);

    // Server-initiated traffic, up to the largest APDU.
    const serverSession = sessions[0]!;
    await serverSession.notify(bytes(largest, 99));
    await serverSession.notify(bytes(3, 98), { address: { client: 0x10, logicalDevice: 1 } });
    await until(() => got.length === sent.length + 2, 5000, 'pushes');
    expect(toHex(got.at(-2)!.apdu)).toBe(toHex(bytes(largest, 99)));
    expect(toHex(got.at(-1)!.apdu)).toBe(toHex(bytes(3, 98)));
    expect(session.counters).toEqual({ ignored: 0, malformed: 0 });
    expect(serverSession.counters).toEqual({ ignored: 0, malformed: 0 });
  });

  it('ignore APDUs with other wPorts', async () => {
    const { server, sessions } = await serve(transport, { accepts: [{ client: 0x10, logicalDevice: 1 }] });
    const link = clientLink(transport, server.port);
    const session = new WrapperClientSession(link, { client: 0x10, server: 1 });
    const got = received(session);
    await session.open();
    await link.write(encodeWrapperFrame({ source: 0x10, destination: 2, payload: new Uint8Array([1]) }));
    await session.send(new Uint8Array([2, 3]));
    await until(() => got.length === 1);
    expect(toHex(got[0]!.apdu)).toBe('0302');
    expect(sessions[0]!.counters.ignored).toBe(1);
    await sessions[0]!.notify(new Uint8Array([9]), { address: { client: 0x11, logicalDevice: 1 } });
    await sessions[0]!.notify(new Uint8Array([8]), { address: { client: 0x10, logicalDevice: 1 } });
    await until(() => got.length === 2);
    expect(got[1]!.apdu[0]).toBe(8);
    expect(session.counters.ignored).toBe(1);
  });

  it('end the session when the link closes', async () => {
    const { server, sessions } = await serve(transport);
    const link = clientLink(transport, server.port);
    const session = new WrapperClientSession(link);
    await session.open();
    await session.send(new Uint8Array([1]));
    await until(() => sessions.length === 1);
    const clientEnd = closed(session);
    if (transport === 'tcp') {
      const serverEnd = closed(sessions[0]!);
      await link.close();
      expect(await serverEnd).toBeInstanceOf(LinkClosedError); // the server saw the FIN
    } else {
      await link.close(); // UDP has no FIN: the peer link of the server lingers until idleMs
    }
    expect(await clientEnd).toBeInstanceOf(LinkClosedError);
  });
});

describe('wrapper sessions over loopback TCP', () => {
  it('garbage on the stream closes the server session with a DecodeError', async () => {
    const { server, sessions } = await serve('tcp');
    const link = clientLink('tcp', server.port);
    const session = new WrapperClientSession(link);
    const got = received(session);
    const clientEnd = closed(session);
    await session.open();
    await session.send(new Uint8Array([1, 2]));
    await until(() => got.length === 1);
    const serverEnd = closed(sessions[0]!);
    await link.write(fromHex('DEADBEEF00000000'));
    const error = await serverEnd;
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).layer).toBe('wrapper');
    // The server closed the connection on close: the client session ends too.
    expect(await clientEnd).toBeInstanceOf(LinkClosedError);
  });

  it('garbage from the server closes the client session with a DecodeError', async () => {
    const { server, links } = await serve('tcp');
    const link = clientLink('tcp', server.port);
    const session = new WrapperClientSession(link);
    const got = received(session);
    const clientEnd = closed(session);
    await session.open();
    await session.send(new Uint8Array([1]));
    await until(() => links.length === 1 && got.length === 1);
    await links[0]!.write(fromHex('0001000100100001AA0003000100100000'));
    const error = await clientEnd;
    expect(error).toBeInstanceOf(DecodeError);
    expect(got.map((r) => toHex(r.apdu))).toEqual(['01', 'AA']);
    expect(link.isOpen).toBe(true); // the session does not close the link
  });
});

describe('wrapper sessions over loopback UDP', () => {
  it('drop malformed datagrams and keep serving', async () => {
    const { server, links, sessions } = await serve('udp');
    const link = clientLink('udp', server.port);
    const session = new WrapperClientSession(link);
    const got = received(session);
    await session.open();
    for (const garbage of ['', 'DEAD', '0002001000010001AA', '000100100001000501']) {
      await link.write(fromHex(garbage));
    }
    await session.send(new Uint8Array([1, 2, 3]));
    await until(() => got.length === 1);
    expect(sessions[0]!.counters).toEqual({ ignored: 0, malformed: 4 });
    await links[0]!.write(fromHex('00010001'));
    await links[0]!.write(fromHex('0001000100100003010203'));
    await until(() => got.length === 2);
    expect(toHex(got[1]!.apdu)).toBe('010203');
    expect(session.counters).toEqual({ ignored: 0, malformed: 1 });
    expect(session.state).toBe('open');
    expect(sessions[0]!.state).toBe('open');
  });

  it('an APDU too large for one datagram fails with a LinkError', async () => {
    const { server } = await serve('udp');
    const session = new WrapperClientSession(clientLink('udp', server.port));
    await session.open();
    await expect(session.send(new Uint8Array(65535))).rejects.toBeInstanceOf(LinkError);
    expect(session.state).toBe('open');
  });

  it('the server session ends when the peer link expires', async () => {
    const sessions: WrapperServerSession[] = [];
    const server = await listenUdp({ host: '127.0.0.1', port: 0, idleMs: 50 }, (link) => {
      sessions.push(new WrapperServerSession(link));
    });
    cleanups.push(() => server.close());
    const session = new WrapperClientSession(clientLink('udp', server.port));
    await session.open();
    await session.send(new Uint8Array([1]));
    await until(() => sessions.length === 1);
    expect(await closed(sessions[0]!)).toBeInstanceOf(LinkClosedError);
  });
});

describe('wrapper sessions over faulty datagram links', () => {
  /**
   * Request/answer with retries over a lossy, duplicating, reordering datagram link: every APDU
   * that reaches the client must be the exact answer to a request it sent.
   */
  async function lossyExchange(link: Link, count: number): Promise<void> {
    const session = new WrapperClientSession(link);
    const got = received(session);
    await session.open();
    const requests = Array.from({ length: count }, (_, i) => {
      const apdu = bytes(2 + ((i * 53) % 400), i);
      apdu[0] = i >> 8;
      apdu[1] = i & 0xff;
      return apdu;
    });
    const answers = new Set(requests.map((r) => toHex(answer(r))));
    for (const request of requests) {
      const wanted = toHex(answer(request));
      for (let attempt = 0; !got.some((r) => toHex(r.apdu) === wanted); attempt++) {
        expect(attempt).toBeLessThan(30);
        await session.send(request);
        await until(() => got.some((r) => toHex(r.apdu) === wanted), 60, 'answer').catch(() => undefined);
      }
    }
    for (const r of got) expect(answers.has(toHex(r.apdu))).toBe(true);
    expect(session.counters).toEqual({ ignored: 0, malformed: 0 });
  }

  it('memory datagrams: drops, duplicates and reordering never give a wrong APDU', async () => {
    const [a, b] = memoryPair({ messageOriented: true });
    cleanups.push(() => Promise.all([a.close(), b.close()]));
    const server = new WrapperServerSession(b);
    server.on(
      'apdu',
      ({ apdu, address }) => void server.send(answer(apdu), { address }).catch(() => undefined),
    );
    const lossy = faulty(a, { drop: 0.2, duplicate: 0.3, delayMs: [0, 8], delay: 0.5, seed: 11 });
    await lossyExchange(lossy, 60);
    const c = lossy.counters;
    expect(c.dropped).toBeGreaterThan(0);
    expect(c.duplicated).toBeGreaterThan(0);
    expect(c.delayed).toBeGreaterThan(0);
  });

  it('loopback UDP: drops, duplicates and reordering never give a wrong APDU', async () => {
    const { server } = await serve('udp');
    const lossy = faulty(clientLink('udp', server.port), {
      drop: 0.2,
      duplicate: 0.3,
      delayMs: [0, 8],
      seed: 5,
    });
    await lossyExchange(lossy, 40);
    expect(lossy.counters.dropped).toBeGreaterThan(0);
    expect(lossy.counters.duplicated).toBeGreaterThan(0);
  });
});
