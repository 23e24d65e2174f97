import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import type { DlmsNotification } from '../../../src/dlms/client/push.js';
import { DlmsPushListener } from '../../../src/dlms/client/push-listener.js';
import { encodeWrapperFrame } from '../../../src/dlms/index.js';
import { tcp } from '../../../src/links/tcp.js';
import { udp } from '../../../src/links/udp.js';
import { vec } from './vectors.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function listener(options: Parameters<typeof DlmsPushListener.listen>[0]) {
  const l = await DlmsPushListener.listen({ port: 0, ...options });
  open.push(l);
  return l;
}

async function link(make: () => Link): Promise<Link> {
  const l = make();
  open.push(l);
  await l.open({ timeoutMs: 2000 });
  return l;
}

function next(l: DlmsPushListener): Promise<DlmsNotification> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no push')), 2000);
    l.on('push', (n) => {
      clearTimeout(t);
      resolve(n);
    });
  });
}

describe('DlmsPushListener', () => {
  it('TCP + wrapper: wrapper-data-notification (split in two writes)', async () => {
    const l = await listener({ transport: 'tcp', framing: 'wrapper' });
    const meter = await link(() => tcp({ host: '127.0.0.1', port: l.port }));
    const push = next(l);
    const frame = vec('wrapper-data-notification');
    await meter.write(frame.subarray(0, 5));
    await meter.write(frame.subarray(5));
    const n = await push;
    expect(n.type).toBe('data-notification');
    expect(n.peer).toMatch(/^tcp:\/\/127\.0\.0\.1:/);
  });

  it('UDP + wrapper: a ciphered general-glo-ciphering push is deciphered', async () => {
    const key = fromHex('4D5944554D4D59474C4F42414C4B4559');
    const l = await listener({
      transport: 'udp',
      framing: 'wrapper',
      security: { encryptionKey: key, authenticationKey: key },
    });
    const meter = await link(() => udp({ host: '127.0.0.1', port: l.port }));
    const push = next(l);
    await meter.write(
      encodeWrapperFrame({
        source: 1,
        destination: 0x66,
        payload: vec('sec-general-glo-ciphering-real-meter'),
      }),
    );
    const n = await push;
    expect(n.type).toBe('data-notification');
    expect(n.protection?.invocationCounter).toBe(485);
  });

  it('TCP + HDLC: hdlc-ui-push after line noise', async () => {
    const l = await listener({ transport: 'tcp', framing: 'hdlc' });
    const meter = await link(() => tcp({ host: '127.0.0.1', port: l.port }));
    const push = next(l);
    await meter.write(Uint8Array.of(1, 2, 3));
    await meter.write(vec('hdlc-ui-push'));
    const n = await push;
    expect(n.type).toBe('data-notification');
  });

  it('an APDU that is no push ⇒ discard (ProtocolError)', async () => {
    const l = await listener({ transport: 'tcp', framing: 'wrapper' });
    const meter = await link(() => tcp({ host: '127.0.0.1', port: l.port }));
    const discarded = new Promise<Error>((resolve) => l.on('discard', resolve));
    await meter.write(
      encodeWrapperFrame({ source: 1, destination: 0x66, payload: vec('apdu-get-request-normal') }),
    );
    expect((await discarded).name).toBe('ProtocolError');
  });

  it('a ciphered push without keys ⇒ discard', async () => {
    const l = await listener({ transport: 'tcp', framing: 'wrapper' });
    const meter = await link(() => tcp({ host: '127.0.0.1', port: l.port }));
    const discarded = new Promise<Error>((resolve) => l.on('discard', resolve));
    await meter.write(
      encodeWrapperFrame({
        source: 1,
        destination: 0x66,
        payload: vec('sec-general-glo-ciphering-real-meter'),
      }),
    );
    expect((await discarded).name).toBe('SecurityError');
  });
});
