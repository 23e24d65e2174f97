import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import { DlmsClient, type DlmsClientOptions, type DlmsNotification } from '../../../src/dlms/client/index.js';
import { FakeSession, factoryOf, idleLink, meter } from './fake-session.js';
import { AK, CLIENT_TITLE, dlmsVector, EK } from './vectors.js';

const energy = { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 };

async function connect(session: FakeSession, extra: Partial<DlmsClientOptions> = {}) {
  const link = idleLink();
  const client = await DlmsClient.connect({
    link,
    framing: 'wrapper',
    session: factoryOf(session),
    timeoutMs: 100,
    ...extra,
  });
  return { client, link };
}

function nextPush(client: DlmsClient): Promise<DlmsNotification> {
  return new Promise((resolve) => client.on('push', resolve));
}

describe('push (§9.9, §9.10, §12.4)', () => {
  it('a data-notification while idle ⇒ push event', async () => {
    const session = new FakeSession(meter(() => undefined));
    const { client } = await connect(session);
    const push = nextPush(client);
    session.deliver(dlmsVector('apdu-data-notification-with-time').hex, true);
    const n = await push;
    expect(n.type).toBe('data-notification');
    if (n.type !== 'data-notification') throw new Error();
    expect(n.dateTime).toMatchObject({ year: 2024, hour: 8 });
    expect(n.body).toMatchObject({ type: 'structure' });
    expect(n.protection).toBeUndefined();
    await client.close();
  });

  it('an event-notification arriving while a request waits goes to push; the request still completes', async () => {
    const session = new FakeSession(
      meter((a) =>
        a.type === 'get-request'
          ? [
              dlmsVector('apdu-event-notification').hex,
              {
                type: 'get-response',
                variant: 'normal',
                invoke: a.invoke,
                result: { type: 'data', data: { type: 'unsigned', value: 3 } },
              },
            ]
          : undefined,
      ),
    );
    const { client } = await connect(session);
    const pushes: DlmsNotification[] = [];
    client.on('push', (n) => pushes.push(n));
    expect(await client.get(energy)).toEqual({ type: 'unsigned', value: 3 });
    expect(pushes.map((p) => p.type)).toEqual(['event-notification-request']);
    await client.close();
  });

  it('a ciphered general-glo-ciphering push (real meter vector) is decrypted with the keys', async () => {
    const key = fromHex('4D5944554D4D59474C4F42414C4B4559');
    const session = new FakeSession(meter(() => undefined));
    const { client } = await connect(session, {
      security: { policy: 'none', encryptionKey: key, authenticationKey: key, systemTitle: CLIENT_TITLE },
    });
    const push = nextPush(client);
    session.deliver(dlmsVector('sec-general-glo-ciphering-real-meter').hex, true);
    const n = await push;
    expect(n.type).toBe('data-notification');
    expect(n.protection?.invocationCounter).toBe(485);
    expect(n.protection?.systemTitle).toEqual(fromHex('2F19229199164103'));
    // The same push again is a replay: dropped and reported as a discard.
    const discarded = new Promise<Error>((resolve) => client.on('discard', resolve));
    session.deliver(dlmsVector('sec-general-glo-ciphering-real-meter').hex, true);
    expect((await discarded).message).toMatch(/replay/);
    await client.close();
  });

  it('a ciphered push without keys is discarded', async () => {
    const session = new FakeSession(meter(() => undefined));
    const { client } = await connect(session);
    const discarded = new Promise<Error>((resolve) => client.on('discard', resolve));
    session.deliver(dlmsVector('sec-general-glo-ciphering-real-meter').hex, true);
    expect((await discarded).name).toBe('SecurityError');
    await client.close();
  });

  it('a push during association is delivered after connect', async () => {
    const session = new FakeSession((raw, s) => {
      if (raw[0] === 0x60) {
        s.deliver(dlmsVector('apdu-data-notification-no-time').hex, true);
        return [dlmsVector('apdu-aare-accepted').hex];
      }
      return undefined;
    });
    const { client } = await connect(session);
    const push = await nextPush(client);
    expect(push.type).toBe('data-notification');
    await client.close();
  });
});

describe('timeouts, aborts and close', () => {
  it('a meter that never answers ⇒ TimeoutError within timeoutMs; the client stays usable', async () => {
    let answer = false;
    const session = new FakeSession(
      meter((a) =>
        answer && a.type === 'get-request'
          ? [
              {
                type: 'get-response',
                variant: 'normal',
                invoke: a.invoke,
                result: { type: 'data', data: { type: 'null-data' } },
              },
            ]
          : undefined,
      ),
    );
    const { client } = await connect(session);
    const started = Date.now();
    const error = await client.get(energy, { timeoutMs: 30 }).catch((e) => e);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(500);
    answer = true;
    expect(await client.get(energy)).toEqual({ type: 'null-data' });
    await client.close();
  });

  it('abort ⇒ AbortError; an already aborted signal rejects at once', async () => {
    const session = new FakeSession(meter(() => undefined));
    const { client } = await connect(session, { timeoutMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 10);
    await expect(client.get(energy, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    await expect(client.get(energy, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    await client.close();
  });

  it('requests queue one at a time; an aborted queued request does not block the others', async () => {
    const session = new FakeSession(
      meter((a) =>
        a.type === 'get-request'
          ? [
              {
                type: 'get-response',
                variant: 'normal',
                invoke: a.invoke,
                result: { type: 'data', data: { type: 'unsigned', value: a.invoke.invokeId } },
              },
            ]
          : undefined,
      ),
    );
    const { client } = await connect(session);
    const controller = new AbortController();
    const a = client.get(energy);
    const b = client.get(energy, { signal: controller.signal }).catch((e) => e);
    const c = client.get(energy);
    controller.abort();
    expect(await a).toEqual({ type: 'unsigned', value: 1 });
    expect(await b).toMatchObject({ code: 'ERR_ABORTED' });
    expect(await c).toEqual({ type: 'unsigned', value: 2 });
    await client.close();
  });

  it('close(): RLRQ, pending request rejected with LinkClosedError, close event, idempotent', async () => {
    const session = new FakeSession(meter(() => undefined));
    const { client, link } = await connect(session, { timeoutMs: 5000 });
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    const pending = client.get(energy).catch((e) => e);
    const queued = client.get(energy).catch((e) => e);
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([client.close(), client.close()]);
    expect(await pending).toMatchObject({ code: 'ERR_LINK_CLOSED' });
    expect(await queued).toMatchObject({ code: 'ERR_LINK_CLOSED' });
    expect(await closed).toBeUndefined();
    expect(session.sentHex().at(-1)).toBe(dlmsVector('apdu-rlrq').hex);
    expect(session.state).toBe('closed');
    expect(session.listenerCount('apdu')).toBe(0);
    expect(link.closed).toBe(1);
    await expect(client.get(energy)).rejects.toMatchObject({ code: 'ERR_LINK_CLOSED' });
    expect(client.closed).toBe(true);
  });

  it('a missing RLRE is not an error', async () => {
    const session = new FakeSession((raw) =>
      raw[0] === 0x60 ? [dlmsVector('apdu-aare-accepted').hex] : undefined,
    );
    const { client } = await connect(session);
    const started = Date.now();
    await client.close({ timeoutMs: 20 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(session.state).toBe('closed');
  });

  it('the session ending fails the pending request and emits close(error)', async () => {
    const session = new FakeSession(meter(() => undefined));
    const { client, link } = await connect(session, { timeoutMs: 5000 });
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    const pending = client.get(energy).catch((e) => e);
    setTimeout(() => session.drop(new Error('DISC from the meter')), 5);
    expect(await pending).toMatchObject({ code: 'ERR_LINK_CLOSED' });
    expect((await closed)?.message).toBe('DISC from the meter');
    expect(client.closed).toBe(true);
    await client.close();
    expect(link.closed).toBe(1);
  });

  it('keys and counter via security: policy none still lets HLS keys be given', async () => {
    const session = new FakeSession(meter(() => undefined));
    const { client } = await connect(session, {
      security: { policy: 'none', encryptionKey: EK, authenticationKey: AK, systemTitle: CLIENT_TITLE },
    });
    expect(client.invocationCounter).toBe(1);
    await client.close();
  });
});
