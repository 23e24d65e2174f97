import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, SecurityError, type SecurityFailure } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  challengeLength,
  generateChallenge,
  isValidChallenge,
} from '../../../src/dlms/security/challenge.js';
import { hlsGmacResponse, verifyHlsGmacResponse } from '../../../src/dlms/security/hls-gmac.js';
import { llsAuthenticationValue, verifyLlsPassword } from '../../../src/dlms/security/lls.js';
import { AK, CLIENT_TITLE, EK, SERVER_TITLE } from './fixtures.js';

async function failure(promise: Promise<unknown>): Promise<SecurityFailure> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SecurityError) return e.failure;
    throw e;
  }
  throw new Error('expected a SecurityError');
}

const keys = { encryptionKey: fromHex(EK), authenticationKey: fromHex(AK) };
const ctos = fromHex('4B35366956616759');
const fCtoS = fromHex('1001234567FE1466AFB3DBCD4F9389E2B7');
const server = fromHex(SERVER_TITLE);

describe('HLS-GMAC failures (§10.8)', () => {
  it('a response over another challenge, title or key ⇒ authentication-failed', async () => {
    const base = { ...keys, response: fCtoS, challenge: ctos, systemTitle: server };
    expect(await failure(verifyHlsGmacResponse({ ...base, challenge: fromHex('4B35366956616758') }))).toBe(
      'authentication-failed',
    );
    expect(await failure(verifyHlsGmacResponse({ ...base, systemTitle: fromHex(CLIENT_TITLE) }))).toBe(
      'authentication-failed',
    );
    expect(await failure(verifyHlsGmacResponse({ ...base, encryptionKey: fromHex(AK) }))).toBe(
      'authentication-failed',
    );
    expect(await failure(verifyHlsGmacResponse({ ...base, authenticationKey: fromHex(EK) }))).toBe(
      'authentication-failed',
    );
    expect(await failure(verifyHlsGmacResponse({ ...base, response: fCtoS.subarray(0, 16) }))).toBe(
      'authentication-failed',
    );
    expect(await failure(verifyHlsGmacResponse({ ...base, response: new Uint8Array([...fCtoS, 0]) }))).toBe(
      'authentication-failed',
    );
    expect(await failure(verifyHlsGmacResponse({ ...base, encryptionKey: new Uint8Array(15) }))).toBe(
      'bad-key',
    );
  });

  it('every single-bit flip of f(CtoS) ⇒ authentication-failed', async () => {
    for (let bit = 0; bit < fCtoS.length * 8; bit++) {
      const response = fCtoS.slice();
      response[bit >> 3]! ^= 0x80 >> (bit & 7);
      expect(
        await failure(verifyHlsGmacResponse({ ...keys, response, challenge: ctos, systemTitle: server })),
      ).toBe('authentication-failed');
    }
  });

  it('a replayed response counter ⇒ replay', async () => {
    const base = { ...keys, response: fCtoS, challenge: ctos, systemTitle: server };
    expect(
      (await verifyHlsGmacResponse({ ...base, minInvocationCounter: 0x01234567 })).invocationCounter,
    ).toBe(0x01234567);
    expect(await failure(verifyHlsGmacResponse({ ...base, minInvocationCounter: 0x01234568 }))).toBe(
      'replay',
    );
  });

  it('round trips with any challenge length and the broadcast bit; refuses E or another suite', async () => {
    for (const length of [8, 16, 33, 64]) {
      const challenge = generateChallenge(length);
      const response = await hlsGmacResponse({
        ...keys,
        challenge,
        systemTitle: server,
        invocationCounter: length,
      });
      expect(response).toHaveLength(17);
      expect(toHex(response.subarray(0, 5))).toBe(
        `10000000${length.toString(16).toUpperCase().padStart(2, '0')}`,
      );
      await verifyHlsGmacResponse({ ...keys, response, challenge, systemTitle: server });
    }
    const challenge = generateChallenge();
    const withBroadcast = await hlsGmacResponse({
      ...keys,
      challenge,
      systemTitle: server,
      invocationCounter: 1,
      securityControl: 0x50,
    });
    expect(withBroadcast[0]).toBe(0x50);
    expect(
      (await verifyHlsGmacResponse({ ...keys, response: withBroadcast, challenge, systemTitle: server }))
        .securityControl,
    ).toBe(0x50);
    for (const securityControl of [0x30, 0x20, 0x11, 0x90, 0x00, 256]) {
      expect(
        await failure(
          hlsGmacResponse({ ...keys, challenge, systemTitle: server, invocationCounter: 1, securityControl }),
        ),
      ).toBe('unsupported-security-control');
    }
    const bad = withBroadcast.slice();
    bad[0] = 0x30;
    expect(
      await failure(verifyHlsGmacResponse({ ...keys, response: bad, challenge, systemTitle: server })),
    ).toBe('authentication-failed');
  });
});

describe('challenges (§10.8)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('are random, 8–64 octets', () => {
    expect(generateChallenge()).toHaveLength(16);
    expect(generateChallenge(challengeLength.min)).toHaveLength(8);
    expect(generateChallenge(challengeLength.max)).toHaveLength(64);
    expect(toHex(generateChallenge(32))).not.toBe(toHex(generateChallenge(32)));
    for (const bad of [0, 7, 65, 8.5]) expect(() => generateChallenge(bad)).toThrow(InvalidArgumentError);
    expect(isValidChallenge(new Uint8Array(8))).toBe(true);
    expect(isValidChallenge(new Uint8Array(7))).toBe(false);
    expect(isValidChallenge(new Uint8Array(65))).toBe(false);
  });

  it('need WebCrypto', () => {
    vi.stubGlobal('crypto', undefined);
    try {
      generateChallenge();
      expect.unreachable();
    } catch (e) {
      expect((e as SecurityError).failure).toBe('crypto-unavailable');
    }
  });
});

describe('LLS (§7.5, §10.8)', () => {
  it('takes the password octets as the authentication value', () => {
    expect(toHex(llsAuthenticationValue('12345678'))).toBe('3132333435363738');
    expect(toHex(llsAuthenticationValue('Ä\u00ff'))).toBe('C4FF');
    const bytes = fromHex('00FF10');
    const value = llsAuthenticationValue(bytes);
    expect(toHex(value)).toBe('00FF10');
    bytes[0] = 1;
    expect(value[0]).toBe(0); // a copy
  });

  it('refuses empty, too long and non-Latin-1 passwords', () => {
    expect(() => llsAuthenticationValue('')).toThrow(InvalidArgumentError);
    expect(() => llsAuthenticationValue('x'.repeat(256))).toThrow(InvalidArgumentError);
    expect(llsAuthenticationValue('x'.repeat(255))).toHaveLength(255);
    expect(() => llsAuthenticationValue('pass€')).toThrow(InvalidArgumentError);
  });

  it('verifies a received value', () => {
    expect(verifyLlsPassword(fromHex('3132333435363738'), '12345678')).toBe(true);
    expect(verifyLlsPassword(fromHex('3132333435363739'), '12345678')).toBe(false);
    expect(verifyLlsPassword(fromHex('31323334353637'), '12345678')).toBe(false);
    expect(verifyLlsPassword(fromHex('313233343536373800'), '12345678')).toBe(false);
    expect(verifyLlsPassword(new Uint8Array(0), '1')).toBe(false);
  });
});
