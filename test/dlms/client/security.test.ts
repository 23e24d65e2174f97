import { describe, expect, it } from 'vitest';
import { SecurityError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { AssociationError, ServiceError } from '../../../src/dlms/client/errors.js';
import { DlmsClient, type DlmsClientOptions } from '../../../src/dlms/client/index.js';
import { type Apdu, decodeApdu, hlsGmacResponse } from '../../../src/dlms/index.js';
import { CipheredMeter } from './ciphered-meter.js';
import { type Answer, FakeSession, factoryOf, idleLink, meter } from './fake-session.js';
import { AK, CLIENT_TITLE, dlmsVector, EK, SERVER_TITLE, vec } from './vectors.js';

const CTOS = fromHex('4B35366956616759');
const STOC = fromHex('503677524A323146');

function options(
  session: FakeSession | FakeSession[],
  extra: Partial<DlmsClientOptions> = {},
): DlmsClientOptions {
  return {
    link: idleLink(),
    framing: 'hdlc',
    maxPduSize: 1200,
    session: factoryOf(...(Array.isArray(session) ? session : [session])),
    timeoutMs: 500,
    ...extra,
  };
}

const keys = { encryptionKey: EK, authenticationKey: AK, systemTitle: CLIENT_TITLE };

/** The AARE of HLS pass 2 (apdu-aare-hls-challenge) with the server system title added. */
function hlsAare(): Extract<Apdu, { type: 'aare' }> {
  const aare = decodeApdu(vec('apdu-aare-hls-challenge'));
  if (aare.type !== 'aare') throw new Error();
  return { ...aare, respondingApTitle: SERVER_TITLE };
}

describe('HLS-GMAC, plain context (§10.8)', () => {
  it('passes 3/4 with the Green Book vectors; the counter is persisted', async () => {
    const persisted: number[] = [];
    const session = new FakeSession(
      meter((apdu, raw) => {
        if (apdu.type === 'action-request') {
          expect(toHex(raw)).toBe(dlmsVector('sec-hls-gmac-pass3-action').hex);
          return [dlmsVector('sec-hls-gmac-pass4-response').hex];
        }
        return undefined;
      }, hlsAare()),
    );
    const client = await DlmsClient.connect(
      options(session, {
        auth: { mechanism: 'hls-gmac', challenge: CTOS },
        security: {
          ...keys,
          policy: 'none',
          invocationCounter: 1,
          onInvocationCounter: (n) => void persisted.push(n),
        },
      }),
    );
    const aarq = decodeApdu(session.sent[0]!);
    expect(aarq).toMatchObject({
      type: 'aarq',
      applicationContextName: 'logical-name',
      mechanismName: 'hls-gmac',
    });
    if (aarq.type !== 'aarq') throw new Error();
    expect(aarq.callingAuthenticationValue?.value).toEqual(CTOS);
    expect(aarq.callingApTitle).toEqual(CLIENT_TITLE);
    expect(persisted).toEqual([2]);
    expect(client.invocationCounter).toBe(2);
    await client.close();
  });

  it('a wrong f(CtoS) ⇒ SecurityError authentication-failed', async () => {
    const bad = dlmsVector('sec-hls-gmac-pass4-response').hex.replace(/B7$/, 'B8');
    const session = new FakeSession(
      meter((a) => (a.type === 'action-request' ? [bad] : undefined), hlsAare()),
    );
    const error = await DlmsClient.connect(
      options(session, {
        auth: { mechanism: 'hls-gmac', challenge: CTOS },
        security: { ...keys, policy: 'none' },
      }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(SecurityError);
    expect(error.failure).toBe('authentication-failed');
    expect(session.state).toBe('closed');
  });

  it('f(StoC) refused by the meter ⇒ AssociationError', async () => {
    const session = new FakeSession(
      meter((a) => (a.type === 'action-request' ? ['C701C10300'] : undefined), hlsAare()),
    );
    const error = await DlmsClient.connect(
      options(session, {
        auth: { mechanism: 'hls-gmac', challenge: CTOS },
        security: { ...keys, policy: 'none' },
      }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(AssociationError);
    expect(error.cause.code).toBe('ERR_DLMS_ACTION');
  });
});

describe('ciphered association (§10.6, §12.2)', () => {
  it('HLS-GMAC with ciphering: the AARQ of apdu-aarq-hls-gmac-ciphered, passes 3/4 and a GET, all ciphered', async () => {
    const fCtoS = await hlsGmacResponse({
      challenge: CTOS,
      systemTitle: SERVER_TITLE,
      invocationCounter: 0x01234500,
      authenticationKey: AK,
      encryptionKey: EK,
    });
    const m = new CipheredMeter(
      (apdu) => {
        if (apdu.type === 'action-request')
          return [
            {
              type: 'action-response',
              variant: 'normal',
              invoke: apdu.invoke,
              result: 'success',
              returnParameters: { type: 'data', data: { type: 'octet-string', value: fCtoS } },
            },
          ];
        if (apdu.type === 'get-request')
          return [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: apdu.invoke,
              result: { type: 'data', data: { type: 'long-unsigned', value: 7 } },
            },
          ];
        return undefined;
      },
      {
        aare: {
          resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'authentication-required' },
          mechanismName: 'hls-gmac',
          respondingAuthenticationValue: { type: 'charstring', value: STOC },
        },
      },
    );
    const session = new FakeSession(m.respond);
    const persisted: number[] = [];
    const client = await DlmsClient.connect(
      options(session, {
        auth: { mechanism: 'hls-gmac', challenge: CTOS },
        conformance: 0x007e1f,
        security: { ...keys, invocationCounter: 0x10, onInvocationCounter: (n) => void persisted.push(n) },
      }),
    );
    expect(session.sentHex()[0]).toBe(dlmsVector('apdu-aarq-hls-gmac-ciphered').hex);
    expect(await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 })).toEqual({
      type: 'long-unsigned',
      value: 7,
    });
    // AARQ 0x10, f(StoC) 0x11, glo-action-request 0x12, glo-get-request 0x13
    expect(m.requests.map((r) => [r.envelope, r.counter])).toEqual([
      ['glo-ciphered', 0x12],
      ['glo-ciphered', 0x13],
    ]);
    expect(persisted).toEqual([0x11, 0x12, 0x13, 0x14]);
    await client.close();
    // The RLRQ carries a ciphered InitiateRequest (§12.6).
    const rlrq = decodeApdu(session.sent.at(-1)!);
    expect(rlrq).toMatchObject({
      type: 'rlrq',
      userInformation: { type: 'glo-ciphered', service: 'initiate-request', invocationCounter: 0x14 },
    });
  });

  it('a glo-get-response (sec-glo-get-response) is deciphered; its replay is rejected', async () => {
    let answer: Answer = dlmsVector('sec-glo-get-response').hex;
    // The Green Book request uses system title 4D4D4D0000BC614E for the sender.
    const m = new CipheredMeter(() => undefined, { serverCounter: 0x01234567, clientTitle: SERVER_TITLE });
    const session = new FakeSession(async (raw, s) => {
      const apdu = decodeApdu(raw);
      if (apdu.type === 'glo-ciphered' && apdu.service === 'get-request') return [answer];
      return m.respond(raw, s);
    });
    const client = await DlmsClient.connect(
      options(session, {
        security: { ...keys, systemTitle: SERVER_TITLE, invocationCounter: 0x01234567 - 1 },
      }),
    );
    const clock = await client.readClock();
    expect(clock.date?.toISOString()).toBe('2024-01-15T07:00:00.000Z');
    expect(clock.deviation).toBe(-60);
    // The Green Book glo-get-request with invoke byte C1 instead of 00: same header and counter.
    expect(session.sentHex()[1]!.slice(0, 14)).toBe(
      dlmsVector('sec-glo-get-request-green-book').hex.slice(0, 14),
    );
    // Same response again (counter 0x01234568 again) — but with the invoke-id of the next request.
    const error = await client.readClock().catch((e) => e);
    expect(error).toBeInstanceOf(SecurityError);
    expect(error.failure).toBe('replay');
    answer = 'C401C100090C07E8010F0108000000FFC400';
    const plain = await client.readClock().catch((e) => e);
    expect(plain).toBeInstanceOf(SecurityError); // plain response in a ciphered association
    await client.close();
  });

  it('a response with a wrong tag ⇒ SecurityError tag-mismatch', async () => {
    const m = new CipheredMeter((apdu) =>
      apdu.type === 'get-request'
        ? [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: apdu.invoke,
              result: { type: 'data', data: { type: 'null-data' } },
            },
          ]
        : undefined,
    );
    const session = new FakeSession(async (raw, s) => {
      const out = await m.respond(raw, s);
      const apdu = decodeApdu(raw);
      if (apdu.type === 'glo-ciphered' && out) {
        const b = out[0] as Uint8Array;
        b[b.length - 1]! ^= 1;
      }
      return out;
    });
    const client = await DlmsClient.connect(options(session, { security: keys }));
    await expect(client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 })).rejects.toMatchObject({
      failure: 'tag-mismatch',
    });
    await client.close();
  });

  it('dedicated key: requests go as ded-, ded- responses are deciphered', async () => {
    const ded = fromHex('00112233445566778899AABBCCDDEEFF');
    const m = new CipheredMeter((apdu) =>
      apdu.type === 'get-request'
        ? [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: apdu.invoke,
              result: { type: 'data', data: { type: 'unsigned', value: 5 } },
            },
          ]
        : undefined,
    );
    const session = new FakeSession(m.respond);
    const client = await DlmsClient.connect(options(session, { security: { ...keys, dedicatedKey: ded } }));
    expect(m.dedicatedKey).toEqual(ded);
    expect(await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 })).toEqual({
      type: 'unsigned',
      value: 5,
    });
    expect(m.requests[0]!.envelope).toBe('ded-ciphered');
    expect(session.sent[1]![0]).toBe(0xd0);
    await client.close();
  });

  it('general-glo-ciphering envelope when configured', async () => {
    const m = new CipheredMeter((apdu) =>
      apdu.type === 'get-request'
        ? [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: apdu.invoke,
              result: { type: 'data', data: { type: 'unsigned', value: 6 } },
            },
          ]
        : undefined,
    );
    const session = new FakeSession(m.respond);
    const client = await DlmsClient.connect(
      options(session, { security: { ...keys, envelope: 'general', policy: 'authenticated' } }),
    );
    expect(await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 })).toEqual({
      type: 'unsigned',
      value: 6,
    });
    expect(m.requests[0]!.envelope).toBe('general-glo-ciphering');
    await client.close();
  });

  it("invocationCounter 'read': public association first, then value + 1", async () => {
    const publicSession = new FakeSession(
      meter((apdu) => {
        if (apdu.type === 'get-request' && apdu.variant === 'normal') {
          expect(apdu.attribute).toEqual({ classId: 1, instance: '0.0.43.1.0.255', attributeId: 2 });
          return [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: apdu.invoke,
              result: { type: 'data', data: { type: 'double-long-unsigned', value: 0x41 } },
            },
          ];
        }
        return undefined;
      }),
    );
    const m = new CipheredMeter(() => undefined);
    const session = new FakeSession(m.respond);
    const factory = factoryOf(publicSession, session);
    const persisted: number[] = [];
    const link = idleLink();
    const client = await DlmsClient.connect({
      link,
      framing: 'hdlc',
      session: factory,
      client: 1,
      timeoutMs: 500,
      security: { ...keys, invocationCounter: 'read', onInvocationCounter: (n) => void persisted.push(n) },
    });
    expect(factory.addresses).toEqual([
      { client: 16, logical: 1 },
      { client: 1, logical: 1 },
    ]);
    expect(publicSession.state).toBe('closed');
    expect(persisted.slice(0, 2)).toEqual([0x42, 0x43]);
    const aarq = decodeApdu(session.sent[0]!);
    expect(aarq).toMatchObject({ userInformation: { invocationCounter: 0x42 } });
    await client.close();
    expect(link.closed).toBe(1);
  });

  it('exception-response invocation-counter-error ⇒ ServiceError with the expected counter', async () => {
    const m = new CipheredMeter(() => undefined);
    const session = new FakeSession(async (raw, s) => {
      if (decodeApdu(raw).type === 'glo-ciphered') return [dlmsVector('apdu-exception-response-ic').hex];
      return m.respond(raw, s);
    });
    const client = await DlmsClient.connect(options(session, { security: keys }));
    const error = await client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('ERR_DLMS_SERVICE');
    expect(error.detail).toEqual({
      type: 'exception-response',
      stateError: 'service-not-allowed',
      serviceError: 'invocation-counter-error',
      invocationCounter: 0x42,
    });
    await client.close();
  });
});
