/**
 * Access to WebCrypto (`globalThis.crypto`) for the security module: the pure layers use no
 * Node API, so they run unchanged in browsers, Deno, Bun and workers (meterlink spec §10.5).
 *
 * @module
 */

import { SecurityError } from '../../core/errors.js';

/** The WebCrypto `SubtleCrypto` of this runtime. */
export type Subtle = typeof globalThis.crypto.subtle;

/** An imported WebCrypto key. */
export type WebCryptoKey = Awaited<ReturnType<Subtle['importKey']>>;

/** Key length of suite 0 (AES-128, §10.2). */
export const suite0KeyLength = 16;

function unavailable(): never {
  throw new SecurityError(
    'crypto-unavailable',
    'WebCrypto (globalThis.crypto.subtle) is not available; it needs a secure context in browsers and Node.js 20+',
  );
}

/**
 * The runtime's `crypto.subtle`.
 * @throws SecurityError `crypto-unavailable` when the runtime has no WebCrypto
 */
export function subtleCrypto(): Subtle {
  const subtle = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  return subtle ?? unavailable();
}

/**
 * Fills a new array of `length` octets from the runtime's CSPRNG (`crypto.getRandomValues`).
 * @throws SecurityError `crypto-unavailable` when the runtime has no WebCrypto
 */
export function randomBytes(length: number): Uint8Array {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array<ArrayBuffer>) => unknown } })
    .crypto;
  if (crypto?.getRandomValues === undefined) unavailable();
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return bytes;
}

/**
 * Checks a suite-0 key (16 octets) and imports it for `algorithm`.
 * @throws SecurityError `bad-key` when `key` is not 16 octets; `crypto-unavailable` without WebCrypto
 */
export async function importAesKey(
  key: Uint8Array,
  algorithm: 'AES-GCM' | 'AES-CTR' | 'AES-KW',
  what: string,
): Promise<WebCryptoKey> {
  checkKey(key, what);
  const usages: ('encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey')[] =
    algorithm === 'AES-KW' ? ['wrapKey', 'unwrapKey'] : ['encrypt', 'decrypt'];
  return subtleCrypto().importKey('raw', new Uint8Array(key), { name: algorithm }, false, usages);
}

/**
 * Throws unless `key` is a 16-octet suite-0 key (§10.2).
 * @throws SecurityError `bad-key`
 */
export function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== suite0KeyLength) {
    const got = key instanceof Uint8Array ? `${key.length} octets` : typeof key;
    throw new SecurityError('bad-key', `${what} must be 16 octets (AES-128, security suite 0), got ${got}`);
  }
}

/** `true` when `error` is WebCrypto's `OperationError` (what a failed tag or key-wrap check throws). */
export function isOperationError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'OperationError'
  );
}

/**
 * Compares two byte arrays in time that depends only on their lengths, not on where they differ
 * (for tags, HLS responses and passwords).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
