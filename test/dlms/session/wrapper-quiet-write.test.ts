// Wrapper sessions over a link with the promise-free write of meterlink's TCP links
// (src/core/quiet-write.ts): frames go through it, without link.write; links without it keep
// using link.write (the other wrapper tests, over memoryPair).
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, LinkClosedError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import { quietWrite } from '../../../src/core/quiet-write.js';
import { WrapperClientSession } from '../../../src/dlms/session/wrapper-client-session.js';
import { WrapperServerSession } from '../../../src/dlms/session/wrapper-server-session.js';
import { memoryPair } from '../../../src/links/memory-pair.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A memoryPair whose first link offers a quiet write (recorded, then passed on to `write`). */
function quietPair(): { a: Link; b: Link; quiet: Uint8Array[]; written: Uint8Array[] } {
  const [a, b] = memoryPair();
  cleanups.push(() => Promise.all([a.close(), b.close()]));
  const quiet: Uint8Array[] = [];
  const written: Uint8Array[] = [];
  const write = a.write.bind(a);
  a.write = (bytes) => {
    written.push(bytes);
    return write(bytes);
  };
  Object.assign(a, {
    [quietWrite]: (bytes: Uint8Array, coalesce: boolean) => {
      if (!a.isOpen) throw new LinkClosedError('the link is closed');
      expect(coalesce).toBe(false);
      quiet.push(bytes.slice());
      void write(bytes);
    },
  });
  return { a, b, quiet, written };
}

describe('wrapper sessions over a quiet write', () => {
  it('a frame goes through the quiet write, at once; the peer receives it', async () => {
    const { a, b, quiet, written } = quietPair();
    const client = new WrapperClientSession(a, { client: 0x10, server: 1 });
    await client.open();
    const server = new WrapperServerSession(b);
    const got = new Promise<Uint8Array>((resolve) => server.on('apdu', ({ apdu }) => resolve(apdu)));
    const sent = client.send(Uint8Array.of(0xc0, 0x01, 0xc1));
    expect(toHex(quiet[0]!)).toBe('0001001000010003C001C1');
    await sent;
    expect(toHex(await got)).toBe('C001C1');
    expect(written).toEqual([]);
    await client.close();
    await server.close();
  });

  it('an aborted signal writes nothing; a closed link fails the send', async () => {
    const { a, quiet } = quietPair();
    const client = new WrapperClientSession(a);
    await client.open();
    const controller = new AbortController();
    controller.abort();
    await expect(client.send(Uint8Array.of(1), { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(quiet).toEqual([]);
    // The quiet write refuses; the session has not seen the link's close yet.
    Object.defineProperty(a, 'isOpen', { get: () => false });
    await expect(client.send(Uint8Array.of(1))).rejects.toBeInstanceOf(LinkClosedError);
    await client.close();
  });
});
