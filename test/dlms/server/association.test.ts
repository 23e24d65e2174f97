import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import type { Aare } from '../../../src/dlms/apdu/acse/acse-codec.js';
import { decodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu } from '../../../src/dlms/apdu/types.js';
import { hlsGmacResponse, verifyHlsGmacResponse } from '../../../src/dlms/security/hls-gmac.js';
import { unprotectApdu } from '../../../src/dlms/security/protect.js';
import type { CipheredApdu } from '../../../src/dlms/security/types.js';
import {
  aarq,
  authenticationKey,
  CipherClient,
  clientTitle,
  encryptionKey,
  get,
  initiate,
  invoke,
  llsAarq,
  serverTitle,
  session,
  testServer,
} from './helpers.js';

function diagnosticOf(apdu: Apdu): unknown {
  return (apdu as Aare).resultSourceDiagnostic.diagnostic;
}

describe('DlmsServer association (AARQ → AARE, §7)', () => {
  it('accepts the public client without authentication (vector apdu-aarq-none)', async () => {
    const { server } = testServer();
    const events: unknown[] = [];
    server.on('association', (info) => events.push(info));
    const s = session(server, 16);
    const aare = (await s.exchange(
      fromHex('601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0'),
    )) as Aare;
    expect(aare.type).toBe('aare');
    expect(aare.result).toBe('accepted');
    expect(aare.resultSourceDiagnostic).toEqual({ source: 'acse-service-user', diagnostic: 'null' });
    const info = aare.userInformation;
    expect(info?.type).toBe('initiate-response');
    if (info?.type !== 'initiate-response') return;
    expect(info.negotiatedDlmsVersionNumber).toBe(6);
    expect(info.serverMaxReceivePduSize).toBe(1024);
    expect(info.vaaName).toBe(7);
    // Intersection of 00 7E 1F with what the server offers: no priority-mgmt, no attribute 0.
    expect(info.negotiatedConformance.get).toBe(true);
    expect(info.negotiatedConformance.priorityMgmtSupported).toBe(false);
    expect(info.negotiatedConformance.attribute0SupportedWithGet).toBe(false);
    expect(info.negotiatedConformance.blockTransferWithGetOrRead).toBe(true);
    expect(events).toEqual([{ client: 16, logicalDevice: 1, mechanism: 'none', ciphered: false }]);
    await server.close();
  });

  it('accepts LLS with the right password and rejects a wrong one with authentication-failure', async () => {
    const { server } = testServer();
    const ok = await session(server, 1).exchange(llsAarq('12345678'));
    expect((ok as Aare).result).toBe('accepted');
    const s = session(server, 1);
    const bad = (await s.exchange(llsAarq('12345679'))) as Aare;
    expect(bad.result).toBe('rejected-permanent');
    expect(bad.resultSourceDiagnostic).toEqual({
      source: 'acse-service-user',
      diagnostic: 'authentication-failure',
    });
    // Not associated: a GET gets an exception-response.
    expect(await s.exchange(get(1, '1.0.1.8.0.255', 2))).toMatchObject({
      type: 'exception-response',
      stateError: 'service-not-allowed',
    });
    await server.close();
  });

  it('rejects mechanism mismatches, unknown contexts and clients, old DLMS versions', async () => {
    const { server } = testServer();
    const noMechanism = await session(server, 1).exchange(aarq());
    expect(diagnosticOf(noMechanism)).toBe('authentication-mechanism-name-required');
    const wrongMechanism = await session(server, 16).exchange(llsAarq('12345678'));
    expect(diagnosticOf(wrongMechanism)).toBe('authentication-mechanism-name-not-recognised');
    const sn = (await session(server, 16).exchange(aarq({ applicationContextName: 'short-name' }))) as Aare;
    expect(sn.result).toBe('rejected-permanent');
    expect(sn.resultSourceDiagnostic.diagnostic).toBe('application-context-name-not-supported');
    expect(sn.applicationContextName).toBe('logical-name');
    const ciphered = await session(server, 16).exchange(
      aarq({ applicationContextName: 'logical-name-with-ciphering' }),
    );
    expect(diagnosticOf(ciphered)).toBe('application-context-name-not-supported');
    const unknown = await session(server, 99).exchange(aarq());
    expect(diagnosticOf(unknown)).toBe('no-reason-given');
    const old = (await session(server, 16).exchange(
      aarq({ userInformation: initiate({ proposedDlmsVersionNumber: 5 }) }),
    )) as Aare;
    expect(old.result).toBe('rejected-permanent');
    expect(old.userInformation).toEqual({
      type: 'confirmed-service-error',
      service: 'initiate-error',
      serviceError: { error: 'initiate', value: 'dlms-version-too-low' },
    });
    const tiny = (await session(server, 16).exchange(
      aarq({ userInformation: initiate({ clientMaxReceivePduSize: 20 }) }),
    )) as Aare;
    expect(tiny.userInformation).toMatchObject({
      serviceError: { error: 'initiate', value: 'pdu-size-too-short' },
    });
    await server.close();
  });

  it('runs HLS-GMAC: StoC in the AARE, pass 3 verified, f(CtoS) in the answer (§10.8)', async () => {
    const { server } = testServer();
    const events: unknown[] = [];
    server.on('association', (info) => events.push(info));
    const s = session(server, 2);
    const ctos = fromHex('4B35366956616759');
    const aare = (await s.exchange(
      aarq({
        callingApTitle: clientTitle,
        senderAcseRequirements: { unusedBits: 7, bytes: Uint8Array.of(0x80) },
        mechanismName: 'hls-gmac',
        callingAuthenticationValue: { type: 'charstring', value: ctos },
      }),
    )) as Aare;
    expect(aare.result).toBe('accepted');
    expect(aare.resultSourceDiagnostic.diagnostic).toBe('authentication-required');
    expect(aare.mechanismName).toBe('hls-gmac');
    expect(aare.respondingApTitle).toEqual(serverTitle);
    const stoc = aare.respondingAuthenticationValue?.value as Uint8Array;
    expect(stoc.length).toBe(16);
    expect(events).toEqual([]);
    // Until pass 4 only reply_to_HLS_authentication is allowed.
    expect(await s.exchange(get(3, '1.0.1.8.0.255', 2))).toMatchObject({
      result: { type: 'error', result: 'scope-of-access-violated' },
    });
    const fStoC = await hlsGmacResponse({
      challenge: stoc,
      systemTitle: clientTitle,
      invocationCounter: 1,
      encryptionKey,
      authenticationKey,
    });
    const pass4 = await s.exchange({
      type: 'action-request',
      variant: 'normal',
      invoke,
      method: { classId: 15, instance: '0.0.40.0.0.255', methodId: 1 },
      parameters: { type: 'octet-string', value: fStoC },
    });
    expect(pass4).toMatchObject({ type: 'action-response', result: 'success' });
    const fCtoS = (pass4 as { returnParameters: { data: { value: Uint8Array } } }).returnParameters.data
      .value;
    await expect(
      verifyHlsGmacResponse({
        response: fCtoS,
        challenge: ctos,
        systemTitle: serverTitle,
        encryptionKey,
        authenticationKey,
      }),
    ).resolves.toMatchObject({ invocationCounter: 1 });
    expect(events).toHaveLength(1);
    expect(await s.exchange(get(1, '1.0.1.8.0.255', 2))).toMatchObject({ result: { type: 'data' } });
    // association_status = associated (2).
    expect(await s.exchange(get(15, '0.0.40.0.0.255', 8))).toMatchObject({
      result: { data: { type: 'enum', value: 2 } },
    });
    await server.close();
  });

  it('refuses a wrong f(StoC) and keeps the association unusable', async () => {
    const { server } = testServer();
    const s = session(server, 2);
    await s.exchange(
      aarq({
        callingApTitle: clientTitle,
        mechanismName: 'hls-gmac',
        callingAuthenticationValue: { type: 'charstring', value: fromHex('4B35366956616759') },
      }),
    );
    const wrong = await hlsGmacResponse({
      challenge: fromHex('0000000000000000'),
      systemTitle: clientTitle,
      invocationCounter: 1,
      encryptionKey,
      authenticationKey,
    });
    const method = { classId: 15, instance: '0.0.40.0.0.255', methodId: 1 };
    const pass3 = {
      type: 'action-request' as const,
      variant: 'normal' as const,
      invoke,
      method,
      parameters: { type: 'octet-string' as const, value: wrong },
    };
    expect(await s.exchange(pass3)).toMatchObject({ result: 'read-write-denied' });
    expect(await s.exchange(pass3)).toMatchObject({ result: 'scope-of-access-violated' });
    await server.close();
  });

  it('deciphers a glo-initiate-request and answers glo-initiate-response; ciphered GET round trip', async () => {
    const { server } = testServer();
    const c = new CipherClient(session(server, 3));
    const aare = (await c.open('secret!!')) as Aare;
    expect(aare.result).toBe('accepted');
    expect(aare.respondingApTitle).toEqual(serverTitle);
    const info = aare.userInformation as CipheredApdu;
    expect(info).toMatchObject({ type: 'glo-ciphered', service: 'initiate-response' });
    const plain = await unprotectApdu(info, { encryptionKey, authenticationKey, systemTitle: serverTitle });
    c.serverCounter = plain.invocationCounter;
    expect(decodeApdu(plain.plain)).toMatchObject({
      type: 'initiate-response',
      negotiatedDlmsVersionNumber: 6,
    });
    expect(decodeApdu(plain.plain)).toMatchObject({ negotiatedConformance: { generalProtection: true } });
    expect(await c.exchange(get(1, '1.0.1.8.0.255', 2))).toMatchObject({
      type: 'get-response',
      result: { type: 'data', data: { type: 'double-long-unsigned', value: 12345 } },
    });
    // general-glo-ciphering is answered in kind.
    expect(await c.exchange(get(1, '1.0.1.8.0.255', 2), 'general-glo')).toMatchObject({
      type: 'get-response',
    });
    await server.close();
  });

  it('refuses replayed counters, tampered APDUs and plain requests under a ciphering policy (§9.8, §10.7)', async () => {
    const { server } = testServer();
    const s = session(server, 3);
    const c = new CipherClient(s, 5);
    await c.open('secret!!');
    const request = await c.protect(get(1, '1.0.1.8.0.255', 2));
    expect((await c.unprotect(await s.exchangeRaw(request))).type).toBe('get-response');
    // The same APDU again: counter 6 was used, the server expects 7.
    expect(decodeApdu(await s.exchangeRaw(request))).toEqual({
      type: 'exception-response',
      stateError: 'service-not-allowed',
      serviceError: 'invocation-counter-error',
      invocationCounter: 7,
    });
    const tampered = await c.protect(get(1, '1.0.1.8.0.255', 2));
    tampered[tampered.length - 1]! ^= 1;
    expect(decodeApdu(await s.exchangeRaw(tampered))).toMatchObject({ serviceError: 'deciphering-error' });
    expect(await s.exchange(get(1, '1.0.1.8.0.255', 2))).toMatchObject({
      type: 'exception-response',
      serviceError: 'operation-not-possible',
    });
    // The public client reads the counter expectation (§10.7): the last accepted value.
    const pub = session(server, 16);
    await pub.exchange(aarq());
    // Client 3 is the second association with keys: Security setup instance 1.
    expect(await pub.exchange(get(1, '0.0.43.1.1.255', 2))).toMatchObject({
      result: { data: { type: 'double-long-unsigned', value: 6 } },
    });
    // A new association must continue above it: counter 1 is refused in the AARQ.
    const again = new CipherClient(session(server, 3), 1);
    const refused = (await again.open('secret!!')) as Aare;
    expect(refused.result).toBe('rejected-permanent');
    expect(refused.userInformation).toMatchObject({
      serviceError: { error: 'application-reference', value: 'deciphering-error' },
    });
    await server.close();
  });

  it('releases on RLRQ and reports it', async () => {
    const { server } = testServer();
    const released: unknown[] = [];
    server.on('release', (info) => released.push(info));
    const s = session(server, 16);
    await s.exchange(aarq());
    expect(await s.exchange(fromHex('6203800100'))).toEqual({ type: 'rlre', reason: 'normal' });
    expect(released).toEqual([
      { client: 16, logicalDevice: 1, mechanism: 'none', ciphered: false, reason: 'release-request' },
    ]);
    expect(await s.exchange(get(1, '1.0.1.8.0.255', 2))).toMatchObject({ type: 'exception-response' });
    await server.close();
  });
});
