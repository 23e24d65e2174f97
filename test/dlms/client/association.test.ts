import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { AssociationError } from '../../../src/dlms/client/errors.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/index.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { FakeSession, factoryOf, idleLink, meter } from './fake-session.js';
import { dlmsVector, vec } from './vectors.js';

function connect(session: FakeSession, extra: Partial<Parameters<typeof DlmsClient.connect>[0]> = {}) {
  const [link] = memoryPair();
  return DlmsClient.connect({
    link,
    framing: 'hdlc',
    maxPduSize: 1200,
    session: factoryOf(session),
    timeoutMs: 500,
    ...extra,
  });
}

describe('association without security (§12.2, §12.3)', () => {
  it('sends the AARQ of apdu-aarq-none and stores the negotiated parameters', async () => {
    const session = new FakeSession(meter(() => undefined, dlmsVector('apdu-aare-accepted').hex));
    const client = await connect(session);
    expect(session.sentHex()[0]).toBe(dlmsVector('apdu-aarq-none').hex);
    expect(client.negotiated.serverMaxReceivePduSize).toBe(500);
    expect(client.negotiated.conformance.get).toBe(true);
    expect(client.negotiated.vaaName).toBe(7);
    await client.close();
    // RLRQ then DISC (session close)
    expect(session.sentHex()[1]).toBe(dlmsVector('apdu-rlrq').hex);
    expect(session.state).toBe('closed');
  });

  it('opens the link when it is not open and closes it on close()', async () => {
    const link = idleLink();
    const session = new FakeSession(meter(() => undefined));
    const client = await DlmsClient.connect({
      link,
      framing: 'wrapper',
      session: factoryOf(session),
      timeoutMs: 500,
    });
    expect(link.opened).toBe(1);
    await client.close();
    await client.close(); // idempotent
    expect(link.closed).toBe(1);
  });

  it('closes a link it opened when the association fails', async () => {
    const link = idleLink();
    const session = new FakeSession(meter(() => undefined, dlmsVector('apdu-aare-rejected-context').hex));
    await expect(
      DlmsClient.connect({ link, framing: 'wrapper', session: factoryOf(session) }),
    ).rejects.toThrow();
    expect(link.closed).toBe(1);
  });

  it('passes client and server addresses to the session factory', async () => {
    const session = new FakeSession(meter(() => undefined));
    const factory = factoryOf(session);
    const [link] = memoryPair();
    const client = await DlmsClient.connect({
      link,
      framing: 'hdlc',
      session: factory,
      client: 1,
      server: { logical: 1, physical: 17 },
      timeoutMs: 500,
    });
    expect(factory.addresses).toEqual([{ client: 1, logical: 1, physical: 17 }]);
    await client.close({ release: false });
    expect(session.sent).toHaveLength(1); // no RLRQ
  });
});

describe('LLS (§10.8)', () => {
  it('sends the AARQ of apdu-aarq-lls', async () => {
    const session = new FakeSession(meter(() => undefined));
    const client = await connect(session, { auth: { mechanism: 'lls', password: '12345678' } });
    expect(session.sentHex()[0]).toBe(dlmsVector('apdu-aarq-lls').hex);
    await client.close();
  });

  it('a wrong password ⇒ AssociationError with diagnostic and confirmedServiceError', async () => {
    const session = new FakeSession(meter(() => undefined, dlmsVector('apdu-aare-auth-failure').hex));
    const error = await connect(session, { auth: { mechanism: 'lls', password: 'wrong' } }).catch((e) => e);
    expect(error).toBeInstanceOf(AssociationError);
    expect(error.code).toBe('ERR_DLMS_ASSOCIATION');
    expect(error.result).toBe('rejected-permanent');
    expect(error.diagnostic).toEqual({ source: 'acse-service-user', diagnostic: 'authentication-failure' });
    expect(error.confirmedServiceError?.serviceError).toEqual({
      error: 'initiate',
      value: 'dlms-version-too-low',
    });
    expect(session.state).toBe('closed');
  });
});

describe('rejections (§7.3)', () => {
  it('apdu-aare-rejected-context ⇒ application-context-name-not-supported', async () => {
    const session = new FakeSession(meter(() => undefined, dlmsVector('apdu-aare-rejected-context').hex));
    const error = await connect(session).catch((e) => e);
    expect(error).toBeInstanceOf(AssociationError);
    expect(error.diagnostic.diagnostic).toBe('application-context-name-not-supported');
    expect(error.message).toMatch(/rejected-permanent/);
  });

  it('apdu-aare-rejected-version ⇒ the confirmedServiceError is reported', async () => {
    const session = new FakeSession(meter(() => undefined, dlmsVector('apdu-aare-rejected-version').hex));
    const error = await connect(session).catch((e) => e);
    expect(error).toBeInstanceOf(AssociationError);
    expect(error.confirmedServiceError).toMatchObject({ service: 'initiate-error' });
    expect(error.message).toMatch(/dlms-version-too-low/);
  });

  it('an accepted AARE carrying a confirmedServiceError ⇒ AssociationError', async () => {
    const aare = decodeApdu(vec('apdu-aare-rejected-version'));
    if (aare.type !== 'aare') throw new Error();
    const session = new FakeSession(
      meter(() => undefined, {
        ...aare,
        result: 'accepted',
        resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'null' },
      }),
    );
    await expect(connect(session)).rejects.toBeInstanceOf(AssociationError);
  });

  it('an AARE asking for HLS when none was configured ⇒ AssociationError', async () => {
    const session = new FakeSession(meter(() => undefined, dlmsVector('apdu-aare-hls-challenge').hex));
    await expect(connect(session)).rejects.toBeInstanceOf(AssociationError);
  });

  it('no AARE ⇒ TimeoutError and the session is closed', async () => {
    const session = new FakeSession(() => undefined);
    const started = Date.now();
    const error = await connect(session, { timeoutMs: 50 }).catch((e) => e);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(session.state).toBe('closed');
    expect(session.listenerCount('apdu')).toBe(0);
  });

  it('an aborted connect ⇒ AbortError', async () => {
    const session = new FakeSession(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort('stop'), 20);
    const error = await connect(session, { timeoutMs: 5000, signal: controller.signal }).catch((e) => e);
    expect(error.code).toBe('ERR_ABORTED');
  });

  it('bad options ⇒ InvalidArgumentError', async () => {
    const session = new FakeSession();
    await expect(connect(session, { client: 300 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(connect(session, { auth: { mechanism: 'hls-gmac' } })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('encoded AARQ round trip', () => {
  it('the AARE vector decodes to what the fake sends back', () => {
    expect(toHex(encodeApdu(decodeApdu(fromHex(dlmsVector('apdu-aare-accepted').hex))))).toBe(
      dlmsVector('apdu-aare-accepted').hex,
    );
  });
});
