import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ByteReader } from '../../../src/core/bytes.js';
import {
  DecodeError,
  InvalidArgumentError,
  SecurityError,
  type SecurityFailure,
} from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { cipheredServiceTags, readCipheredApdu } from '../../../src/dlms/security/ciphered-apdu.js';
import { decryptPayload, encryptPayload } from '../../../src/dlms/security/gcm.js';
import { protectApdu, unprotectApdu } from '../../../src/dlms/security/protect.js';
import { buildSecurityControl, type SecurityMode } from '../../../src/dlms/security/security-control.js';
import type { CipheredApdu } from '../../../src/dlms/security/types.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { AK, CLIENT_TITLE, EK, SERVER_TITLE, vector } from './fixtures.js';

const keys = { encryptionKey: fromHex(EK), authenticationKey: fromHex(AK) };
const getRequest = fromHex('C001C100080000010000FF0200');
const modes: SecurityMode[] = ['authenticated', 'encrypted', 'authenticated-encrypted'];

async function failure(promise: Promise<unknown>): Promise<SecurityFailure> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SecurityError) return e.failure;
    throw e;
  }
  throw new Error('expected a SecurityError');
}

function parse(bytes: Uint8Array): CipheredApdu {
  const r = new ByteReader(bytes, 'apdu');
  const apdu = readCipheredApdu(r);
  r.expectEnd('end of the ciphered APDU');
  return apdu;
}

/** What node:crypto's AES-128-GCM gives for the §10.5 table. */
function nodeReference(
  plain: Uint8Array,
  sc: number,
  ek: Uint8Array,
  ak: Uint8Array,
  iv: Uint8Array,
): Uint8Array {
  const cipher = createCipheriv('aes-128-gcm', ek, iv);
  const a = (sc & 0x10) !== 0;
  const e = (sc & 0x20) !== 0;
  if (a) cipher.setAAD(Buffer.concat([Buffer.from([sc]), ak, e ? Buffer.alloc(0) : plain]));
  const ct = Buffer.concat([cipher.update(e ? plain : Buffer.alloc(0)), cipher.final()]);
  const tag = cipher.getAuthTag().subarray(0, 12);
  if (a && e) return Buffer.concat([ct, tag]);
  if (a) return Buffer.concat([plain, tag]);
  return ct;
}

describe('encryptPayload / decryptPayload against node:crypto AES-128-GCM', () => {
  it('agree for random keys, titles, counters, modes and plaintexts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom(0x10, 0x20, 0x30, 0x50, 0x60, 0x70),
        fc.uint8Array({ maxLength: 80 }),
        async (ek, ak, title, ic, sc, plain) => {
          const iv = new Uint8Array([...title, ic >>> 24, (ic >>> 16) & 0xff, (ic >>> 8) & 0xff, ic & 0xff]);
          const options = {
            securityControl: sc,
            invocationCounter: ic,
            systemTitle: title,
            encryptionKey: ek,
            authenticationKey: ak,
          };
          const content = await encryptPayload(plain, options);
          expect(toHex(content)).toBe(toHex(nodeReference(plain, sc, ek, ak, iv)));
          expect(toHex(await decryptPayload(content, options))).toBe(toHex(plain));
          if (sc & 0x20 && sc & 0x10) {
            // node decrypts what we produced, with the 12-octet tag
            const d = createDecipheriv('aes-128-gcm', ek, iv, { authTagLength: 12 });
            d.setAAD(Buffer.concat([Buffer.from([sc]), ak]));
            d.setAuthTag(content.subarray(content.length - 12));
            const out = Buffer.concat([d.update(content.subarray(0, content.length - 12)), d.final()]);
            expect(toHex(out)).toBe(toHex(plain));
          }
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });
});

describe('protectApdu / unprotectApdu', () => {
  it('round trip in every mode and envelope, client→server and server→client', async () => {
    const services = Object.values(cipheredServiceTags);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...modes),
        fc.constantFrom('glo' as const, 'ded' as const, 'general-glo' as const, 'general-ded' as const),
        fc.constantFrom(CLIENT_TITLE, SERVER_TITLE),
        fc.constantFrom(...services),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.boolean(),
        async (security, envelope, title, tags, body, ic, broadcastKey) => {
          const plain = new Uint8Array([tags.plain, ...body]);
          const systemTitle = fromHex(title);
          const apdu = await protectApdu(plain, {
            ...keys,
            envelope,
            security,
            systemTitle,
            invocationCounter: ic,
            broadcastKey,
          });
          expect(apdu.securityControl).toBe(buildSecurityControl(security, { broadcastKey }));
          const out = await unprotectApdu(apdu, {
            ...keys,
            systemTitle: envelope.startsWith('general') ? undefined : systemTitle,
            minInvocationCounter: ic,
            requiredSecurity: security,
          });
          expect(toHex(out.plain)).toBe(toHex(plain));
          expect(out.invocationCounter).toBe(ic);
          expect(toHex(out.systemTitle)).toBe(title);
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('general-glo-ciphering protects APDUs without a glo- form (data-notification)', async () => {
    const plain = fromHex('0F000000010000');
    await expect(
      protectApdu(plain, {
        ...keys,
        envelope: 'glo',
        security: 'authenticated-encrypted',
        systemTitle: fromHex(SERVER_TITLE),
        invocationCounter: 1,
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    const apdu = await protectApdu(plain, {
      ...keys,
      envelope: 'general-glo',
      security: 'authenticated-encrypted',
      systemTitle: fromHex(SERVER_TITLE),
      invocationCounter: 2,
    });
    expect(apdu.type).toBe('general-glo-ciphering');
    expect(toHex((await unprotectApdu(apdu, keys)).plain)).toBe(toHex(plain));
  });

  it('refuses an empty APDU, a bad system title and a counter out of range', async () => {
    const base = {
      ...keys,
      envelope: 'glo' as const,
      security: 'authenticated' as const,
      systemTitle: fromHex(CLIENT_TITLE),
    };
    await expect(protectApdu(new Uint8Array(0), { ...base, invocationCounter: 1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(protectApdu(getRequest, { ...base, invocationCounter: 2 ** 32 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(protectApdu(getRequest, { ...base, invocationCounter: -1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      protectApdu(getRequest, { ...base, systemTitle: new Uint8Array(7), invocationCounter: 1 }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    const apdu = parse(vector('sec-glo-get-request-green-book'));
    await expect(unprotectApdu(apdu, keys)).rejects.toBeInstanceOf(InvalidArgumentError); // glo without systemTitle
  });
});

describe('failures never release plaintext', () => {
  const title = fromHex(SERVER_TITLE);

  it('wrong encryption key or authentication key ⇒ tag-mismatch', async () => {
    const apdu = parse(vector('sec-glo-get-request-green-book'));
    const wrongEk = fromHex(EK.replace(/^00/, '01'));
    const wrongAk = fromHex(AK.replace(/DF$/, 'DE'));
    expect(await failure(unprotectApdu(apdu, { ...keys, encryptionKey: wrongEk, systemTitle: title }))).toBe(
      'tag-mismatch',
    );
    expect(
      await failure(unprotectApdu(apdu, { ...keys, authenticationKey: wrongAk, systemTitle: title })),
    ).toBe('tag-mismatch');
    expect(await failure(unprotectApdu(apdu, { ...keys, systemTitle: fromHex(CLIENT_TITLE) }))).toBe(
      'tag-mismatch',
    );
    const authOnly = parse(vector('sec-glo-get-request-auth-only'));
    expect(
      await failure(
        unprotectApdu(authOnly, { ...keys, authenticationKey: wrongAk, systemTitle: fromHex(CLIENT_TITLE) }),
      ),
    ).toBe('tag-mismatch');
  });

  it('keys that are not 16 octets ⇒ bad-key', async () => {
    const apdu = parse(vector('sec-glo-get-request-green-book'));
    for (const length of [0, 15, 17, 24, 32]) {
      const bad = new Uint8Array(length);
      expect(await failure(unprotectApdu(apdu, { ...keys, encryptionKey: bad, systemTitle: title }))).toBe(
        'bad-key',
      );
      expect(
        await failure(unprotectApdu(apdu, { ...keys, authenticationKey: bad, systemTitle: title })),
      ).toBe('bad-key');
      const options = {
        ...keys,
        encryptionKey: bad,
        envelope: 'glo' as const,
        systemTitle: title,
        invocationCounter: 1,
      };
      for (const security of modes)
        expect(await failure(protectApdu(getRequest, { ...options, security }))).toBe('bad-key');
    }
  });

  it('a counter below minInvocationCounter ⇒ replay', async () => {
    const apdu = parse(vector('sec-glo-get-request-green-book'));
    const ok = await unprotectApdu(apdu, { ...keys, systemTitle: title, minInvocationCounter: 0x01234567 });
    expect(ok.invocationCounter).toBe(0x01234567);
    expect(
      await failure(
        unprotectApdu(apdu, { ...keys, systemTitle: title, minInvocationCounter: ok.invocationCounter + 1 }),
      ),
    ).toBe('replay');
  });

  it('a stripped A bit (30 → 20) is refused unless encryption-only is explicitly accepted', async () => {
    const bytes = vector('sec-glo-get-request-green-book').slice();
    bytes[2] = 0x20;
    const apdu = parse(bytes);
    expect(await failure(unprotectApdu(apdu, { ...keys, systemTitle: title }))).toBe(
      'unsupported-security-control',
    );
    const encOnly = parse(vector('sec-glo-get-request-enc-only'));
    const client = fromHex(CLIENT_TITLE);
    expect(await failure(unprotectApdu(encOnly, { ...keys, systemTitle: client }))).toBe(
      'unsupported-security-control',
    );
    expect(
      await failure(
        unprotectApdu(encOnly, { ...keys, systemTitle: client, requiredSecurity: 'authenticated-encrypted' }),
      ),
    ).toBe('unsupported-security-control');
    const plain = await unprotectApdu(encOnly, { ...keys, systemTitle: client, requiredSecurity: 'none' });
    expect(toHex(plain.plain)).toBe(toHex(getRequest));
    const authOnly = parse(vector('sec-glo-get-request-auth-only'));
    expect(
      await failure(unprotectApdu(authOnly, { ...keys, systemTitle: client, requiredSecurity: 'encrypted' })),
    ).toBe('unsupported-security-control');
  });

  it('general-glo-ciphering from another sender than expected ⇒ authentication-failed', async () => {
    const apdu = parse(vector('sec-general-glo-ciphering'));
    expect(await failure(unprotectApdu(apdu, { ...keys, systemTitle: title }))).toBe('authentication-failed');
    const ok = await unprotectApdu(apdu, { ...keys, systemTitle: fromHex(CLIENT_TITLE) });
    expect(toHex(ok.plain)).toBe(toHex(getRequest));
  });

  it('unsupported security controls: suite 1, compression, no protection', async () => {
    for (const sc of [0x31, 0x32, 0xb0, 0x00, 0x40]) {
      const bytes = vector('sec-glo-get-request-green-book').slice();
      bytes[2] = sc;
      expect(await failure(unprotectApdu(parse(bytes), { ...keys, systemTitle: title }))).toBe(
        'unsupported-security-control',
      );
    }
  });

  it('content shorter than the tag ⇒ DecodeError', async () => {
    const apdu: CipheredApdu = {
      type: 'glo-ciphered',
      service: 'get-request',
      securityControl: 0x30,
      invocationCounter: 1,
      content: new Uint8Array(11),
    };
    await expect(unprotectApdu(apdu, { ...keys, systemTitle: title })).rejects.toBeInstanceOf(DecodeError);
    await expect(
      unprotectApdu({ ...apdu, securityControl: 0x10 }, { ...keys, systemTitle: title }),
    ).rejects.toBeInstanceOf(DecodeError);
  });

  // Every single-bit flip anywhere in an authenticated APDU: header, tag, length, system title,
  // SC, IC, ciphertext and tag.
  const flipped: [string, string][] = [
    ['sec-glo-get-request-green-book', SERVER_TITLE],
    ['sec-glo-get-request-auth-only', CLIENT_TITLE],
    ['sec-general-glo-ciphering', CLIENT_TITLE],
    ['sec-glo-get-response', SERVER_TITLE],
  ];
  for (const [id, sender] of flipped) {
    it(`flipping any bit of ${id} ⇒ SecurityError or DecodeError`, async () => {
      const original = vector(id);
      const general = original[0] === 0xdb;
      let security = 0;
      let decode = 0;
      for (let bit = 0; bit < original.length * 8; bit++) {
        const bytes = original.slice();
        bytes[bit >> 3]! ^= 0x80 >> (bit & 7);
        try {
          const apdu = parse(bytes);
          await unprotectApdu(apdu, { ...keys, systemTitle: general ? undefined : fromHex(sender) });
          expect.unreachable(`bit ${bit} was not detected`);
        } catch (e) {
          if (e instanceof SecurityError) security++;
          else if (e instanceof DecodeError) decode++;
          else throw e;
        }
      }
      expect(security + decode).toBe(original.length * 8);
      expect(security).toBeGreaterThan(original.length * 6);
    });
  }
});

describe('without WebCrypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('throws crypto-unavailable', async () => {
    vi.stubGlobal('crypto', undefined);
    expect(
      await failure(
        protectApdu(getRequest, {
          ...keys,
          envelope: 'glo',
          security: 'authenticated',
          systemTitle: fromHex(CLIENT_TITLE),
          invocationCounter: 1,
        }),
      ),
    ).toBe('crypto-unavailable');
    expect(await failure(unprotectApdu(parse(vector('sec-general-glo-ciphering')), keys))).toBe(
      'crypto-unavailable',
    );
  });
});
