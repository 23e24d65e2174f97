/**
 * Byte and word orders of values that span registers (Modbus spec §12.2, §12.3).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';

/**
 * The four orders in use, named by the transmitted order of the value's big-endian bytes
 * A B C D (§12.2), with the 8-letter names of §12.3 as aliases for 64-bit values:
 *
 * | Order | 32-bit | 64-bit alias | bytes in each register | registers |
 * |---|---|---|---|---|
 * | `ABCD` (default) | `AB CD` | `ABCDEFGH` | big-endian | most significant first |
 * | `CDAB` | `CD AB` | `GHEFCDAB` | big-endian | least significant first (word swap) |
 * | `BADC` | `BA DC` | `BADCFEHG` | swapped | most significant first |
 * | `DCBA` | `DC BA` | `HGFEDCBA` | swapped | least significant first (little-endian) |
 *
 * 16-bit values use only the byte half: `BADC` and `DCBA` swap the two bytes of the register.
 * Every name is accepted for every type (`CDAB` on a 64-bit value reverses its four registers).
 */
export const RegisterOrder = {
  /** Big-endian throughout: most significant register first, high byte first (the default, §12.2). */
  ABCD: 'ABCD',
  /** Word swap: least significant register first, each register high byte first. */
  CDAB: 'CDAB',
  /** Byte swap: most significant register first, each register low byte first. */
  BADC: 'BADC',
  /** Little-endian throughout: least significant register first, low byte first. */
  DCBA: 'DCBA',
  /** 64-bit name of {@link RegisterOrder.ABCD}: big-endian (§12.3). */
  ABCDEFGH: 'ABCDEFGH',
  /** 64-bit name of {@link RegisterOrder.CDAB}: the four registers reversed, bytes big-endian in each. */
  GHEFCDAB: 'GHEFCDAB',
  /** 64-bit name of {@link RegisterOrder.BADC}: registers in order, the two bytes of each swapped. */
  BADCFEHG: 'BADCFEHG',
  /** 64-bit name of {@link RegisterOrder.DCBA}: fully little-endian. */
  HGFEDCBA: 'HGFEDCBA',
} as const;

/** An order name of {@link RegisterOrder}. */
export type RegisterOrder = (typeof RegisterOrder)[keyof typeof RegisterOrder];

/** The four distinct orders; the 8-letter names are aliases of these. */
export type CanonicalRegisterOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

const canonical: Readonly<Record<RegisterOrder, CanonicalRegisterOrder>> = {
  ABCD: 'ABCD',
  CDAB: 'CDAB',
  BADC: 'BADC',
  DCBA: 'DCBA',
  ABCDEFGH: 'ABCD',
  GHEFCDAB: 'CDAB',
  BADCFEHG: 'BADC',
  HGFEDCBA: 'DCBA',
};

/**
 * Maps an order name (or alias) to one of the four canonical orders.
 *
 * @throws {InvalidArgumentError} when `order` is not a name of {@link RegisterOrder}.
 */
export function canonicalOrder(order: unknown, where: string): CanonicalRegisterOrder {
  if (typeof order === 'string' && Object.hasOwn(canonical, order)) {
    return canonical[order as RegisterOrder];
  }
  throw new InvalidArgumentError(
    `${where}: unknown order ${JSON.stringify(order)} (expected one of ${Object.keys(canonical).join(', ')})`,
  );
}

/**
 * The byte permutation of an order for a value of `span` bytes (even): element `i` is the
 * position on the wire of the value's big-endian byte `i`. `undefined` means the identity
 * (big-endian, nothing to move).
 */
export function orderPermutation(order: CanonicalRegisterOrder, span: number): Uint8Array | undefined {
  const wordSwap = order === 'CDAB' || order === 'DCBA';
  const byteSwap = order === 'BADC' || order === 'DCBA';
  const words = span >> 1;
  if (!byteSwap && (!wordSwap || words === 1)) return undefined;
  const perm = new Uint8Array(span);
  for (let i = 0; i < span; i++) {
    const word = i >> 1;
    const half = i & 1;
    perm[i] = 2 * (wordSwap ? words - 1 - word : word) + (byteSwap ? 1 - half : half);
  }
  return perm;
}
