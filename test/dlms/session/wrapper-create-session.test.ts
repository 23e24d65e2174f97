// createClientSession / createServerSession: the framing picks the session (spec §2).
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import {
  type ClientSessionOptions,
  createClientSession,
  createServerSession,
} from '../../../src/dlms/session/create-session.js';
import { HdlcClientSession } from '../../../src/dlms/session/hdlc-client-session.js';
import { HdlcServerSession } from '../../../src/dlms/session/hdlc-server-session.js';
import type { ReceivedApdu } from '../../../src/dlms/session/types.js';
import { WrapperClientSession } from '../../../src/dlms/session/wrapper-client-session.js';
import { WrapperServerSession } from '../../../src/dlms/session/wrapper-server-session.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { until } from '../../links/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function pair(): [Link, Link] {
  const links = memoryPair();
  cleanups.push(() => Promise.all(links.map((link) => link.close())));
  return links;
}

describe('session factories', () => {
  it('pick the wrapper sessions, which then talk to each other', async () => {
    const [a, b] = pair();
    const client = createClientSession(a, { framing: 'wrapper', client: 0x10, server: 1 });
    const server = createServerSession(b, {
      framing: 'wrapper',
      accepts: [{ client: 0x10, logicalDevice: 1 }],
    });
    cleanups.push(() => Promise.all([client.close(), server.close()]));
    expect(client).toBeInstanceOf(WrapperClientSession);
    expect(server).toBeInstanceOf(WrapperServerSession);
    expect(client.framing).toBe('wrapper');
    const got: ReceivedApdu[] = [];
    client.on('apdu', (r) => got.push(r));
    server.on('apdu', ({ apdu, address }) => void server.send(apdu.slice().reverse(), { address }));
    await client.open();
    await client.send(new Uint8Array([1, 2, 3]));
    await until(() => got.length === 1);
    expect([...got[0]!.apdu]).toEqual([3, 2, 1]);
  });

  it('pick the HDLC sessions', async () => {
    const [a, b] = pair();
    const client = createClientSession(a, { framing: 'hdlc', client: 0x10, server: { logical: 1 } });
    const server = createServerSession(b, { framing: 'hdlc' });
    cleanups.push(() => Promise.all([client.close(), server.close()]));
    expect(client).toBeInstanceOf(HdlcClientSession);
    expect(server).toBeInstanceOf(HdlcServerSession);
    expect(client.framing).toBe('hdlc');
    expect(server.framing).toBe('hdlc');
  });

  it('refuse an unknown framing', () => {
    const [a] = pair();
    const options = { framing: 'mbus' } as unknown as ClientSessionOptions;
    expect(() => createClientSession(a, options)).toThrow(InvalidArgumentError);
    expect(() => createServerSession(a, { framing: 'tcp' } as never)).toThrow(InvalidArgumentError);
  });
});
