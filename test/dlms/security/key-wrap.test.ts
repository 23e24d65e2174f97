import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecurityError, type SecurityFailure } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { unwrapKey, wrapKey } from '../../../src/dlms/security/key-wrap.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

async function failure(promise: Promise<unknown>): Promise<SecurityFailure> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SecurityError) return e.failure;
    throw e;
  }
  throw new Error('expected a SecurityError');
}

describe('AES key wrap (§10.9, RFC 3394)', () => {
  const kek = fromHex('000102030405060708090A0B0C0D0E0F');
  const key = fromHex('00112233445566778899AABBCCDDEEFF');
  const wrapped = '1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5'; // RFC 3394 §4.1

  it('wraps and unwraps the RFC 3394 example', async () => {
    expect(toHex(await wrapKey(key, kek))).toBe(wrapped);
    expect(toHex(await unwrapKey(fromHex(wrapped), kek))).toBe(toHex(key));
  });

  it('agrees with node:crypto id-aes128-wrap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        async (k, kk) => {
          const cipher = createCipheriv('id-aes128-wrap', kk, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
          const expected = Buffer.concat([cipher.update(k), cipher.final()]);
          const ours = await wrapKey(k, kk);
          expect(toHex(ours)).toBe(toHex(expected));
          expect(toHex(await unwrapKey(ours, kk))).toBe(toHex(k));
        },
      ),
      { numRuns: fuzzRuns(50) },
    );
  });

  it('detects a wrong KEK or altered bytes, and bad lengths', async () => {
    const bad = fromHex(wrapped);
    bad[23]! ^= 1;
    expect(await failure(unwrapKey(bad, kek))).toBe('tag-mismatch');
    expect(await failure(unwrapKey(fromHex(wrapped), key))).toBe('tag-mismatch');
    expect(await failure(unwrapKey(fromHex(wrapped).subarray(0, 16), kek))).toBe('bad-key');
    expect(await failure(unwrapKey(fromHex(wrapped), new Uint8Array(32)))).toBe('bad-key');
    expect(await failure(wrapKey(new Uint8Array(32), kek))).toBe('bad-key');
    expect(await failure(wrapKey(key, new Uint8Array(8)))).toBe('bad-key');
  });
});
