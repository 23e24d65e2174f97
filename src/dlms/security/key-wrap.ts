/**
 * AES key wrap (RFC 3394, default IV A6A6A6A6A6A6A6A6) for Security setup global_key_transfer
 * (meterlink spec §10.9): a 16-octet key wrapped with the master key (KEK) gives 24 octets.
 *
 * @module
 */

import { SecurityError } from '../../core/errors.js';
import { checkKey, importAesKey, isOperationError, subtleCrypto } from './web-crypto.js';

/** Length of a wrapped 16-octet key. */
export const wrappedKeyLength = 24;

/**
 * Wraps `key` (16 octets) with the master key `kek` (16 octets).
 *
 * @throws SecurityError `bad-key` when either key is not 16 octets; `crypto-unavailable`
 * @example
 * ```ts
 * const wrapped = await wrapKey(newGlobalKey, masterKey); // 24 octets for global_key_transfer
 * ```
 */
export async function wrapKey(key: Uint8Array, kek: Uint8Array): Promise<Uint8Array> {
  checkKey(key, 'key to wrap');
  const subtle = subtleCrypto();
  const wrapping = await importAesKey(kek, 'AES-KW', 'master key (KEK)');
  // WebCrypto wraps CryptoKeys only: import the key as an extractable AES key first.
  const inner = await subtle.importKey('raw', new Uint8Array(key), { name: 'AES-GCM' }, true, ['encrypt']);
  return new Uint8Array(await subtle.wrapKey('raw', inner, wrapping, { name: 'AES-KW' }));
}

/**
 * Unwraps a 24-octet wrapped key with the master key `kek`.
 *
 * @throws SecurityError `tag-mismatch` when the RFC 3394 integrity check fails (wrong KEK or
 *   altered bytes); `bad-key` when `kek` is not 16 octets or `wrapped` is not 24 octets;
 *   `crypto-unavailable`
 * @example
 * ```ts
 * const key = await unwrapKey(wrapped, masterKey);
 * ```
 */
export async function unwrapKey(wrapped: Uint8Array, kek: Uint8Array): Promise<Uint8Array> {
  if (wrapped.length !== wrappedKeyLength) {
    throw new SecurityError('bad-key', `a wrapped suite-0 key has 24 octets, got ${wrapped.length}`);
  }
  const subtle = subtleCrypto();
  const wrapping = await importAesKey(kek, 'AES-KW', 'master key (KEK)');
  let inner: Awaited<ReturnType<typeof subtle.unwrapKey>>;
  try {
    inner = await subtle.unwrapKey(
      'raw',
      new Uint8Array(wrapped),
      wrapping,
      { name: 'AES-KW' },
      { name: 'AES-GCM' },
      true,
      ['encrypt'],
    );
  } catch (error) {
    if (!isOperationError(error)) throw error;
    throw new SecurityError(
      'tag-mismatch',
      'wrapped key fails its integrity check (wrong master key or altered)',
      {
        cause: error,
      },
    );
  }
  return new Uint8Array(await subtle.exportKey('raw', inner));
}
