import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../src/core/bytes.js';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { decodeApdu, encodeApdu, readApdu, writeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import { apduTagName, apduTags } from '../../../src/dlms/apdu/tags.js';
import type { Apdu } from '../../../src/dlms/apdu/types.js';
import { dlmsVectors, vectorBytes } from '../../helpers/vectors.js';
import { c1, dlmsVector } from './helpers.js';

/** The DecodeError `decodeApdu` throws for `hex`. */
function decodeError(hex: string, options?: Parameters<typeof decodeApdu>[1]): DecodeError {
  try {
    decodeApdu(fromHex(hex), options);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error(`${hex} decoded without error`);
}

function encodeError(apdu: unknown): EncodeError {
  try {
    encodeApdu(apdu as Apdu);
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
  throw new Error('encoded without error');
}

describe('decodeApdu dispatch (§8)', () => {
  const apduVectors = dlmsVectors.filter((v) => v.layer === 'apdu');

  it.each(apduVectors.map((v) => [v.id, v] as const))(
    '%s decodes and encodes back to the same bytes',
    (_, v) => {
      const apdu = decodeApdu(vectorBytes(v));
      expect(toHex(encodeApdu(apdu))).toBe(v.hex);
    },
  );

  it('types the ACSE vectors by their tag', () => {
    expect(apduVectors.length).toBeGreaterThan(30);
    expect(decodeApdu(vectorBytes(dlmsVector('apdu-aarq-none'))).type).toBe('aarq');
    expect(decodeApdu(vectorBytes(dlmsVector('apdu-aare-accepted'))).type).toBe('aare');
    expect(decodeApdu(vectorBytes(dlmsVector('apdu-rlrq'))).type).toBe('rlrq');
    expect(decodeApdu(vectorBytes(dlmsVector('apdu-rlre'))).type).toBe('rlre');
  });

  it('routes initiate-request, initiate-response and confirmed-service-error to the xDLMS codecs', () => {
    for (const [hex, type] of [
      ['01000000065F1F0400007E1F04B0', 'initiate-request'],
      ['0800065F1F040000501F01F40007', 'initiate-response'],
      ['0E010601', 'confirmed-service-error'],
    ] as const) {
      const apdu = decodeApdu(fromHex(hex));
      expect(apdu.type).toBe(type);
      expect(toHex(encodeApdu(apdu))).toBe(hex);
    }
  });

  it.each(
    dlmsVectors
      .filter((v) => v.layer === 'security' && /^(C8|CC|DB|21)/.test(v.hex))
      .map((v) => [v.id, v] as const),
  )('ciphered %s decodes to its envelope and back', (_, v) => {
    const apdu = decodeApdu(vectorBytes(v));
    expect(['glo-ciphered', 'general-glo-ciphering']).toContain(apdu.type);
    expect(toHex(encodeApdu(apdu))).toBe(v.hex);
  });

  it('decodes sec-glo-get-request-green-book as a glo get-request with SC 30, IC 01234567', () => {
    expect(decodeApdu(vectorBytes(dlmsVector('sec-glo-get-request-green-book')))).toMatchObject({
      type: 'glo-ciphered',
      service: 'get-request',
      securityControl: 0x30,
      invocationCounter: 0x01234567,
    });
  });

  it('reports an unknown tag at offset 0, naming it', () => {
    const e = decodeError('99010203');
    expect(e.layer).toBe('apdu');
    expect(e.offset).toBe(0);
    expect(e.message).toContain('0x99');
  });

  it('reports a §8 tag it does not decode by name', () => {
    for (const name of [
      'general-ciphering',
      'general-signing',
      'gateway-response',
      'gateway-request',
    ] as const) {
      const e = decodeError(`${toHex(Uint8Array.of(apduTags[name]))}00`);
      expect(e.offset).toBe(0);
      expect(e.message).toContain(name);
    }
  });

  it('rejects empty input and trailing octets', () => {
    expect(decodeError('').offset).toBe(0);
    const trailing = decodeError('C501C10000');
    expect(trailing.offset).toBe(4);
  });

  it('rejects an input longer than maxApduBytes before decoding it', () => {
    const hex = toHex(vectorBytes(dlmsVector('apdu-get-response-normal')));
    expect(() => decodeApdu(fromHex(hex), { maxApduBytes: 9 })).not.toThrow();
    const e = decodeError(hex, { maxApduBytes: 8 });
    expect(e.offset).toBe(0);
    expect(e.message).toContain('maxApduBytes');
    // Rejected before decoding: even an unknown tag is not looked at.
    expect(decodeError(`99${'00'.repeat(65535)}`).message).toContain('maxApduBytes');
    expect(() => decodeApdu(fromHex('C501C100'), { maxApduBytes: -1 })).toThrow(InvalidArgumentError);
  });

  it('readApdu reads at the cursor with the reader layer and offsets, and stops after the APDU', () => {
    const bytes = fromHex('E6E700C501C100AA');
    const reader = new ByteReader(bytes, 'hdlc', 3);
    expect(readApdu(reader)).toEqual({
      type: 'set-response',
      variant: 'normal',
      invoke: c1,
      result: 'success',
    });
    expect(reader.pos).toBe(7);
    const bad = new ByteReader(fromHex('E6E700C509C100'), 'hdlc', 3);
    expect(() => readApdu(bad)).toThrow(expect.objectContaining({ layer: 'hdlc', offset: 4 }));
  });

  it('writeApdu appends to a writer', () => {
    const writer = new ByteWriter();
    writer.u8(0xe6);
    writeApdu(writer, { type: 'set-response', variant: 'normal', invoke: c1, result: 'success' });
    expect(toHex(writer.finish())).toBe('E6C501C100');
  });

  it('names every tag of §8', () => {
    expect(apduTagName(0xc4)).toBe('get-response');
    expect(apduTagName(0x60)).toBe('aarq');
    expect(apduTagName(0x99)).toBeUndefined();
    expect(Object.keys(apduTags)).toHaveLength(63);
  });

  it('refuses an unknown APDU type when encoding', () => {
    expect(encodeError({ type: 'nonsense' }).field).toBe('APDU type');
  });
});
