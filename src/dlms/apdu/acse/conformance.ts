/**
 * The xDLMS conformance block (meterlink spec §7.6.1): 24 bits naming the services an
 * association may use, sent as the BIT STRING `5F 1F 04 00 b0 b1 b2`.
 *
 * Bit n of the BIT STRING is bit n of the table, so bit 0 is the most significant bit of `b0`
 * (`mask = 0x800000 >> n`). Every one of the 24 bits has a flag — the reserved ones too — so a
 * decoded block always re-encodes to the same octets.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../../core/bytes.js';
import { EncodeError } from '../../../core/errors.js';

/** Bit number (0 = MSB of the first octet) of each conformance flag (§7.6.1). */
export const ConformanceBit = {
  /** Bit 0: reserved zero. */
  reservedZero: 0,
  /** Bit 1: general protection. */
  generalProtection: 1,
  /** Bit 2: general block transfer. */
  generalBlockTransfer: 2,
  /** Bit 3: read. */
  read: 3,
  /** Bit 4: write. */
  write: 4,
  /** Bit 5: unconfirmed write. */
  unconfirmedWrite: 5,
  /** Bit 6: delta value encoding. */
  deltaValueEncoding: 6,
  /** Bit 7: reserved seven. */
  reservedSeven: 7,
  /** Bit 8: attribute0 supported with set. */
  attribute0SupportedWithSet: 8,
  /** Bit 9: priority mgmt supported. */
  priorityMgmtSupported: 9,
  /** Bit 10: attribute0 supported with get. */
  attribute0SupportedWithGet: 10,
  /** Bit 11: block transfer with get or read. */
  blockTransferWithGetOrRead: 11,
  /** Bit 12: block transfer with set or write. */
  blockTransferWithSetOrWrite: 12,
  /** Bit 13: block transfer with action. */
  blockTransferWithAction: 13,
  /** Bit 14: multiple references. */
  multipleReferences: 14,
  /** Bit 15: information report. */
  informationReport: 15,
  /** Bit 16: data notification. */
  dataNotification: 16,
  /** Bit 17: access. */
  access: 17,
  /** Bit 18: parameterized access. */
  parameterizedAccess: 18,
  /** Bit 19: get. */
  get: 19,
  /** Bit 20: set. */
  set: 20,
  /** Bit 21: selective access. */
  selectiveAccess: 21,
  /** Bit 22: event notification. */
  eventNotification: 22,
  /** Bit 23: action. */
  action: 23,
} as const;

/** Name of one conformance flag. */
export type ConformanceFlag = keyof typeof ConformanceBit;

/** The conformance block as one boolean per named bit (§7.6.1). */
export type Conformance = Record<ConformanceFlag, boolean>;

/** The 24-bit value of a conformance proposal that fits a typical LN client: `00 7E 1F` (§7.6.1). */
export const lnClientConformanceBits = 0x007e1f;

const flags = Object.keys(ConformanceBit) as ConformanceFlag[];

/**
 * Turns the 24-bit value (`b0 << 16 | b1 << 8 | b2`) into named flags.
 *
 * @example
 * ```ts
 * conformanceFromBits(0x007e1f).get; // true
 * ```
 */
export function conformanceFromBits(bits: number): Conformance {
  const c = {} as Conformance;
  for (const flag of flags) c[flag] = (bits & (0x800000 >>> ConformanceBit[flag])) !== 0;
  return c;
}

/**
 * Turns named flags into the 24-bit value (`b0 << 16 | b1 << 8 | b2`).
 *
 * @example
 * ```ts
 * conformanceToBits({ ...conformanceFromBits(0), get: true, set: true }); // 0x000018
 * ```
 */
export function conformanceToBits(c: Conformance): number {
  let bits = 0;
  for (const flag of flags) if (c[flag]) bits |= 0x800000 >>> ConformanceBit[flag];
  return bits;
}

/**
 * The conformance a typical LN client proposes: bits 9–14 and 19–23 (§7.6.1). Add
 * `generalProtection` when ciphering with general-protection, `generalBlockTransfer` for GBT.
 */
export const lnClientConformance: Readonly<Conformance> = Object.freeze(
  conformanceFromBits(lnClientConformanceBits),
);

/** The fixed BER header of the conformance BIT STRING: [APPLICATION 31], length 4, 0 unused bits. */
const header = [0x5f, 0x1f, 0x04, 0x00] as const;

/**
 * Reads `5F 1F 04 00 b0 b1 b2` at the cursor.
 *
 * @throws DecodeError (the reader's layer) at the first octet that differs from the fixed header,
 *   or when the input ends
 */
export function readConformance(reader: ByteReader): Conformance {
  for (const expected of header) {
    const at = reader.pos;
    if (reader.u8('conformance block header') !== expected) {
      reader.fail('unexpected octet in the conformance block header', 'conformance block 5F 1F 04 00', at);
    }
  }
  const b0 = reader.u8('conformance block');
  return conformanceFromBits((b0 << 16) | reader.u16('conformance block'));
}

/**
 * Writes `5F 1F 04 00 b0 b1 b2`.
 *
 * @throws EncodeError naming `field` when a flag is not a boolean
 */
export function writeConformance(writer: ByteWriter, c: Conformance, field: string): void {
  for (const flag of flags) {
    if (typeof c[flag] !== 'boolean') throw new EncodeError(`${field}.${flag}`, 'must be a boolean');
  }
  const bits = conformanceToBits(c);
  writer
    .u8(0x5f)
    .u8(0x1f)
    .u8(0x04)
    .u8(0x00)
    .u8(bits >>> 16)
    .u16(bits);
}
