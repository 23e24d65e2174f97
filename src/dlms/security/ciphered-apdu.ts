/**
 * The envelopes of ciphered APDUs (meterlink spec §8, §10.4): service-specific glo-/ded- APDUs
 * and `DB`/`DC` general-glo/ded-ciphering. Only the framing is handled here; the content stays
 * as on the wire (ciphertext and tag), see `protect.ts` for AES-GCM.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { readLength, writeLength } from '../axdr/length.js';
import type { CipheredApdu, CipheredService } from './types.js';

/** The three tags of a service that can be protected (§8). */
export interface CipheredServiceTagSet {
  /** The plain APDU's tag. */
  readonly plain: number;
  /** The glo- (global key) envelope's tag. */
  readonly glo: number;
  /** The ded- (dedicated key) envelope's tag. */
  readonly ded: number;
}

/**
 * Plain, glo- and ded- tags of every service that has a service-specific ciphered form (§8:
 * glo = plain + 8 / + 32, ded = plain + 16 / + 64).
 */
export const cipheredServiceTags: Readonly<Record<CipheredService, CipheredServiceTagSet>> = {
  'initiate-request': { plain: 0x01, glo: 0x21, ded: 0x41 },
  'read-request': { plain: 0x05, glo: 0x25, ded: 0x45 },
  'write-request': { plain: 0x06, glo: 0x26, ded: 0x46 },
  'initiate-response': { plain: 0x08, glo: 0x28, ded: 0x48 },
  'read-response': { plain: 0x0c, glo: 0x2c, ded: 0x4c },
  'write-response': { plain: 0x0d, glo: 0x2d, ded: 0x4d },
  'confirmed-service-error': { plain: 0x0e, glo: 0x2e, ded: 0x4e },
  'unconfirmed-write-request': { plain: 0x16, glo: 0x36, ded: 0x56 },
  'information-report-request': { plain: 0x18, glo: 0x38, ded: 0x58 },
  'get-request': { plain: 0xc0, glo: 0xc8, ded: 0xd0 },
  'set-request': { plain: 0xc1, glo: 0xc9, ded: 0xd1 },
  'event-notification-request': { plain: 0xc2, glo: 0xca, ded: 0xd2 },
  'action-request': { plain: 0xc3, glo: 0xcb, ded: 0xd3 },
  'get-response': { plain: 0xc4, glo: 0xcc, ded: 0xd4 },
  'set-response': { plain: 0xc5, glo: 0xcd, ded: 0xd5 },
  'action-response': { plain: 0xc7, glo: 0xcf, ded: 0xd7 },
};

/** Tag of `DB` general-glo-ciphering (§8). */
export const generalGloCipheringTag = 0xdb;
/** Tag of `DC` general-ded-ciphering (§8). */
export const generalDedCipheringTag = 0xdc;

/** Size of a system title (§10.2). */
export const systemTitleLength = 8;

/** Size of the security header: security control byte and invocation counter (§10.3). */
export const securityHeaderLength = 5;

/** Default {@link ReadCipheredApduOptions.maxApduBytes}: 1 MiB. */
export const defaultMaxCipheredApduBytes = 0x100000;

/** What a tag octet means: a service-specific envelope (glo or ded) of one service. */
interface TagEntry {
  readonly service: CipheredService;
  readonly dedicated: boolean;
}

/** Tag octet → envelope, built once from {@link cipheredServiceTags} (read-only afterwards). */
const envelopeByTag: readonly (TagEntry | undefined)[] = buildEnvelopeTable();

function buildEnvelopeTable(): (TagEntry | undefined)[] {
  const table: (TagEntry | undefined)[] = new Array(256).fill(undefined);
  for (const [service, tags] of Object.entries(cipheredServiceTags) as [
    CipheredService,
    { plain: number; glo: number; ded: number },
  ][]) {
    table[tags.glo] = { service, dedicated: false };
    table[tags.ded] = { service, dedicated: true };
  }
  return table;
}

/** Plain tag → service, for the services that have a glo-/ded- form. */
const serviceByPlainTag: readonly (CipheredService | undefined)[] = buildPlainTable();

function buildPlainTable(): (CipheredService | undefined)[] {
  const table: (CipheredService | undefined)[] = new Array(256).fill(undefined);
  for (const [service, tags] of Object.entries(cipheredServiceTags) as [
    CipheredService,
    { plain: number },
  ][]) {
    table[tags.plain] = service;
  }
  return table;
}

/**
 * The service whose plain APDU starts with `tag`, when it has a glo-/ded- form (§8).
 *
 * @example
 * ```ts
 * cipheredServiceOfPlainTag(0xc0); // 'get-request'
 * cipheredServiceOfPlainTag(0x0f); // undefined (data-notification only travels in general-glo-ciphering)
 * ```
 */
export function cipheredServiceOfPlainTag(tag: number): CipheredService | undefined {
  return serviceByPlainTag[tag];
}

/**
 * `true` when `tag` starts a ciphered APDU this module reads: a glo-/ded- service tag of §8, or
 * `DB`/`DC` general-glo/ded-ciphering.
 *
 * @example
 * ```ts
 * isCipheredTag(0xc8); // true (glo-get-request)
 * isCipheredTag(0xc0); // false (get-request)
 * ```
 */
export function isCipheredTag(tag: number): boolean {
  return tag === generalGloCipheringTag || tag === generalDedCipheringTag || envelopeByTag[tag] !== undefined;
}

/** Options of {@link readCipheredApdu}. */
export interface ReadCipheredApduOptions {
  /** Largest whole ciphered APDU (tag to last tag octet) accepted. Default 1 MiB. */
  maxApduBytes?: number;
}

/**
 * Reads a ciphered APDU at the reader's cursor (positioned at the tag octet) and leaves the
 * cursor just after it. `content` (and `systemTitle`) are views into the reader's bytes.
 *
 * @throws DecodeError (the reader's layer) for a tag that is not ciphered, a length form that
 *   A-XDR forbids, a system title that is not 8 octets, a length shorter than the security header,
 *   longer than the bytes left or than `maxApduBytes`
 * @example
 * ```ts
 * const apdu = readCipheredApdu(new ByteReader(bytes, 'apdu'));
 * if (apdu.type === 'glo-ciphered') console.log(apdu.service, apdu.invocationCounter);
 * ```
 */
export function readCipheredApdu(reader: ByteReader, options?: ReadCipheredApduOptions): CipheredApdu {
  const max = options?.maxApduBytes ?? defaultMaxCipheredApduBytes;
  const start = reader.pos;
  const tag = reader.u8('ciphered APDU tag');
  let systemTitle: Uint8Array | undefined;
  const entry = envelopeByTag[tag];
  if (entry === undefined) {
    if (tag !== generalGloCipheringTag && tag !== generalDedCipheringTag) {
      reader.fail(
        `tag 0x${tag.toString(16).toUpperCase()} is not a ciphered APDU`,
        'a ciphered APDU tag',
        start,
      );
    }
    // §10.4: the sender's system title, an OCTET STRING with its length (8 for every suite).
    const titleAt = reader.pos;
    const titleLength = readLength(reader, 'length of the system title');
    if (titleLength !== systemTitleLength) {
      reader.fail(`system title of ${titleLength} octets`, 'an 8-octet system title', titleAt);
    }
    systemTitle = reader.bytesView(systemTitleLength, 'system title');
  }
  const lengthAt = reader.pos;
  const length = readLength(reader, 'length of the ciphered content');
  if (length < securityHeaderLength) {
    reader.fail(`ciphered content of ${length} octets`, 'at least 5 octets (security header)', lengthAt);
  }
  if (length > reader.remaining) {
    reader.fail(
      `ciphered content of ${length} octets but ${reader.remaining} left`,
      'ciphered content',
      lengthAt,
    );
  }
  if (reader.pos - start + length > max) {
    reader.fail(`ciphered APDU longer than maxApduBytes (${max})`, 'a shorter ciphered APDU', lengthAt);
  }
  const securityControl = reader.u8('security control');
  const invocationCounter = reader.u32('invocation counter');
  const content = reader.bytesView(length - securityHeaderLength, 'ciphered content');
  if (entry !== undefined) {
    return {
      type: entry.dedicated ? 'ded-ciphered' : 'glo-ciphered',
      service: entry.service,
      securityControl,
      invocationCounter,
      content,
    };
  }
  return {
    type: tag === generalGloCipheringTag ? 'general-glo-ciphering' : 'general-ded-ciphering',
    systemTitle: systemTitle!,
    securityControl,
    invocationCounter,
    content,
  };
}

/**
 * Writes a ciphered APDU (tag, lengths, security header and content as given).
 *
 * @throws EncodeError for a security control outside 0–255, an invocation counter outside
 *   0…2^32−1, a system title that is not 8 octets or an unknown service
 * @example
 * ```ts
 * const w = new ByteWriter();
 * writeCipheredApdu(w, { type: 'glo-ciphered', service: 'get-request', securityControl: 0x30, invocationCounter: 1, content });
 * const bytes = w.finish();
 * ```
 */
export function writeCipheredApdu(writer: ByteWriter, apdu: CipheredApdu): void {
  const sc = apdu.securityControl;
  if (!Number.isInteger(sc) || sc < 0 || sc > 0xff) {
    throw new EncodeError('securityControl', `must be an integer 0–255, got ${sc}`);
  }
  const ic = apdu.invocationCounter;
  if (!Number.isInteger(ic) || ic < 0 || ic > 0xffffffff) {
    throw new EncodeError('invocationCounter', `must be an integer 0–4294967295, got ${ic}`);
  }
  if (apdu.type === 'glo-ciphered' || apdu.type === 'ded-ciphered') {
    const tags = cipheredServiceTags[apdu.service] as
      | (typeof cipheredServiceTags)[CipheredService]
      | undefined;
    if (tags === undefined)
      throw new EncodeError('service', `no ciphered form for '${String(apdu.service)}'`);
    writer.u8(apdu.type === 'glo-ciphered' ? tags.glo : tags.ded);
  } else {
    if (apdu.systemTitle.length !== systemTitleLength) {
      throw new EncodeError('systemTitle', `must be 8 octets, got ${apdu.systemTitle.length}`);
    }
    writer.u8(apdu.type === 'general-glo-ciphering' ? generalGloCipheringTag : generalDedCipheringTag);
    writer.u8(systemTitleLength).bytes(apdu.systemTitle);
  }
  writeLength(writer, securityHeaderLength + apdu.content.length);
  writer.u8(sc).u32(ic).bytes(apdu.content);
}
