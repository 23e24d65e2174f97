// BER walking (spec §7.1): definite lengths only, every child inside its parent, fields in any
// order, unknown context-specific fields kept raw, and DecodeErrors with the offending offset.
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../src/core/bytes.js';
import { DecodeError, EncodeError } from '../../../../src/core/errors.js';
import { fromHex, toHex } from '../../../../src/core/hex.js';
import {
  type AcseApdu,
  type AcseDecodeOptions,
  readAcseApdu,
  writeAcseApdu,
} from '../../../../src/dlms/apdu/acse/acse-codec.js';

const aarqNone = '601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0';
const context = 'A109060760857405080101';
const userInfo = 'BE10040E01000000065F1F0400007E1F04B0';

const decode = (hex: string, options?: AcseDecodeOptions) =>
  readAcseApdu(new ByteReader(fromHex(hex), 'apdu'), options);

function encode(apdu: AcseApdu): string {
  const w = new ByteWriter();
  writeAcseApdu(w, apdu);
  return toHex(w.finish());
}

/** Wraps field TLVs (hex) in an APDU with `tag` and a short-form length. */
function apdu(tag: string, ...fields: string[]): string {
  const body = fields.join('');
  return tag + (body.length / 2).toString(16).padStart(2, '0').toUpperCase() + body;
}

function decodeError(hex: string, options?: AcseDecodeOptions): DecodeError {
  try {
    decode(hex, options);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error(`${hex} decoded without error`);
}

describe('BER lengths', () => {
  it.each([
    ['indefinite outer length', '628080010000000000', 1, /indefinite/],
    ['indefinite inner length', '6203808000', 3, /indefinite/],
    ['five length octets', '62850000000003800100', 1, /more than 4 length octets/],
    ['reserved length octet FF', '62FF', 1, /more than 4 length octets/],
    ['inner length beyond the outer TLV', '6203800200000000', 3, /runs past the enclosing TLV/],
    ['outer length beyond the input', '6204800100', 1, /runs past/],
    ['long-form length octets missing', '6282', 1, /ends inside its length/],
    ['no length at all', '62', 1, /./],
    ['a field with a tag and no length', '620180', 3, /ends before its length/],
    ['empty input', '', 0, /./],
  ])('%s', (_name, hex, offset, message) => {
    const e = decodeError(hex);
    expect(e.layer).toBe('apdu');
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
  });

  it('truncation of a field nested two levels deep is reported at its own length octet', () => {
    // A3 05 A1 03 02 01 00 with the inner INTEGER claiming 2 octets.
    const hex = apdu('61', context, 'A203020100', 'A305A103020200');
    expect(decodeError(hex).offset).toBe(2 + 11 + 5 + 4 + 1);
  });

  it('accepts long-form and non-minimal lengths, re-encodes in the shortest form', () => {
    expect(decode('628103800100')).toEqual({ type: 'rlrq', reason: 'normal' });
    expect(decode('63820003800100')).toEqual({ type: 'rlre', reason: 'normal' });
    expect(decode('6207808400000001 01'.replace(' ', ''))).toEqual({ type: 'rlrq', reason: 'urgent' });
    expect(encode(decode('628103800100'))).toBe('6203800100');
  });

  it('writes long-form lengths for contents of 128 octets and more', () => {
    const qualifier = new Uint8Array(300).fill(0xab);
    const hex = encode({
      type: 'aarq',
      applicationContextName: 'logical-name',
      callingAeQualifier: qualifier,
    });
    expect(hex.startsWith(`6082013F${context}A78201300482012C`)).toBe(true);
    const back = decode(hex);
    expect(back.type === 'aarq' && toHex(back.callingAeQualifier!)).toBe(toHex(qualifier));
  });

  it('rejects a high-tag-number identifier that is too long or not minimal', () => {
    expect(decodeError(apdu('62', '9F8181818101')).offset).toBe(3);
    expect(decodeError(apdu('62', '9F050100')).offset).toBe(3);
    expect(decodeError(apdu('62', '9F801F0100')).offset).toBe(3);
    expect(decodeError(apdu('62', '9F81')).offset).toBe(4);
    expect(decode(apdu('62', '9F810000', '9F1F00')).unknownFields?.map((b) => toHex(b))).toEqual([
      '9F810000',
      '9F1F00',
    ]);
  });

  it('enforces maxApduBytes on the whole APDU (default 65535)', () => {
    expect(decode(aarqNone, { maxApduBytes: 31 }).type).toBe('aarq');
    const e = decodeError(aarqNone, { maxApduBytes: 30 });
    expect([e.offset, e.message]).toEqual([1, expect.stringMatching(/31 bytes/)]);
    const big = `6283010000${'00'.repeat(0x10000)}`;
    expect(decodeError(big).offset).toBe(1);
  });

  it('stops after the APDU: trailing bytes are left to the caller', () => {
    const r = new ByteReader(fromHex('6203800100C0'), 'apdu');
    readAcseApdu(r);
    expect(r.pos).toBe(5);
  });
});

describe('field walking', () => {
  it('accepts fields in any order and re-encodes them in tag order', () => {
    const reordered = apdu('60', userInfo, context);
    expect(decode(reordered)).toEqual(decode(aarqNone));
    expect(encode(decode(reordered))).toBe(aarqNone);
  });

  it('keeps unknown context-specific fields raw and writes them back by tag number', () => {
    // [13] application-context-name-list (constructed) and a high-tag-number [31] field.
    const hex = apdu('60', context, '8A020780', 'AD03040100', userInfo, '9F1F0155');
    const a = decode(hex);
    expect(a.unknownFields?.map((b) => toHex(b))).toEqual(['AD03040100', '9F1F0155']);
    expect(a.type === 'aarq' && a.senderAcseRequirements).toEqual({
      unusedBits: 7,
      bytes: Uint8Array.of(0x80),
    });
    expect(encode(a)).toBe(hex);
  });

  it.each([
    ['a universal tag at field level', apdu('62', '020100'), 2, /not a context-specific tag/],
    ['an application tag at field level', apdu('62', '400100'), 2, /not a context-specific tag/],
    ['a known field in constructed form', apdu('62', 'A0030201 00'.replace(' ', '')), 2, /wrong form/],
    ['a known field in primitive form', apdu('60', '8109060760857405080101'), 2, /wrong form/],
    ['a duplicate field', apdu('62', '800100', '800101'), 5, /twice/],
    ['an AARQ without application-context-name', apdu('60', userInfo), 0, /applicationContextName/],
    ['an AARE without result', apdu('61', context, 'A305A103020100'), 0, /result/],
    ['an AARE without diagnostic', apdu('61', context, 'A203020100'), 0, /resultSourceDiagnostic/],
    ['a tag that is not ACSE', 'C001C1', 0, /not an ACSE APDU/],
  ])('rejects %s', (_name, hex, offset, message) => {
    const e = decodeError(hex);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
  });
});

describe('field values', () => {
  it('keeps an application context or mechanism outside the DLMS names as raw OID content', () => {
    const a = decode(apdu('60', 'A106060460857405', '8B0760857405080208'));
    expect(a.type === 'aarq' && toHex(a.applicationContextName as Uint8Array)).toBe('60857405');
    expect(a.type === 'aarq' && toHex(a.mechanismName as Uint8Array)).toBe('60857405080208');
    expect(encode(a)).toBe(apdu('60', 'A106060460857405', '8B0760857405080208'));
  });

  it('decodes the other AARQ fields: titles, qualifiers, invocation ids, protocol version', () => {
    const hex = apdu(
      '60',
      '80020780',
      context,
      'A2030401AA',
      'A3030401BB',
      'A403020101',
      'A5040202FF7F',
      'A60A04084D4D4D0000000001',
      'A703040111',
      'A803020180',
      'A903020105',
      'AC0581030400F0',
      'BD03414243',
      userInfo,
    );
    const a = decode(hex);
    expect(a).toMatchObject({
      protocolVersion: { unusedBits: 7, bytes: Uint8Array.of(0x80) },
      calledApTitle: Uint8Array.of(0xaa),
      calledAeQualifier: Uint8Array.of(0xbb),
      calledApInvocationId: 1,
      calledAeInvocationId: -129,
      callingApTitle: fromHex('4D4D4D0000000001'),
      callingAeQualifier: Uint8Array.of(0x11),
      callingApInvocationId: -128,
      callingAeInvocationId: 5,
      callingAuthenticationValue: {
        type: 'bitstring',
        value: { unusedBits: 4, bytes: Uint8Array.of(0, 0xf0) },
      },
      implementationInformation: fromHex('414243'),
    });
    expect(encode(a)).toBe(hex);
  });

  it('decodes AARE responding fields and an acse-service-provider diagnostic', () => {
    const hex = apdu(
      '61',
      context,
      'A203020102',
      'A305A203020102',
      'A40A04084D4D4D0000BC614E',
      'A5020400',
      'A603020107',
      'A703020108',
      '88020780',
      '89076085740508020A',
    );
    const a = decode(hex);
    expect(a).toMatchObject({
      result: 'rejected-transient',
      resultSourceDiagnostic: { source: 'acse-service-provider', diagnostic: 'no-common-acse-version' },
      respondingApTitle: fromHex('4D4D4D0000BC614E'),
      respondingAeQualifier: new Uint8Array(0),
      respondingApInvocationId: 7,
      respondingAeInvocationId: 8,
    });
    expect(a.type === 'aare' && toHex(a.mechanismName as Uint8Array)).toBe('6085740508020A');
    expect(encode(a)).toBe(hex);
  });

  it('keeps unnamed diagnostics and release reasons as numbers', () => {
    expect(decode(apdu('61', context, 'A203020100', 'A305A10302010F'))).toMatchObject({
      resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 15 },
    });
    expect(decode('620380011E')).toEqual({ type: 'rlrq', reason: 'user-defined' });
    expect(decode('6303800101')).toEqual({ type: 'rlre', reason: 'not-finished' });
    expect(decode('6303800105')).toEqual({ type: 'rlre', reason: 5 });
  });

  it.each([
    ['an application context that is not an OID', apdu('60', 'A10304017F'), 4, /unexpected tag/],
    ['bytes after the context OID', apdu('60', 'A10A06076085740508010100'), 13, /unexpected byte/],
    [
      'an OID whose last octet continues',
      apdu('60', 'A1040602 8585'.replace(' ', '')),
      7,
      /OBJECT IDENTIFIER/,
    ],
    ['an OID sub-identifier starting with 80', apdu('60', 'A10406028001'), 6, /OBJECT IDENTIFIER/],
    ['an empty OID', apdu('60', 'A1020600'), 6, /OBJECT IDENTIFIER/],
    ['a result of 3', apdu('61', context, 'A203020103', 'A305A103020100'), 15, /result 3/],
    [
      'an unknown diagnostic alternative',
      apdu('61', context, 'A203020100', 'A305A303020100'),
      20,
      /alternative/,
    ],
    ['a BIT STRING with 8 unused bits', apdu('60', context, '8A020880'), 15, /unused bits/],
    ['an empty BIT STRING', apdu('60', context, '8A00'), 15, /empty BIT STRING/],
    ['unused bits without any bit', apdu('60', context, '8A0107'), 15, /unused bits/],
    ['a 5-octet INTEGER', apdu('60', context, 'A40702050000000001'), 17, /INTEGER of 5 octets/],
    ['an empty INTEGER', apdu('62', '8000'), 4, /INTEGER of 0 octets/],
    ['an AP title that is not an OCTET STRING', apdu('60', context, 'A6030201FF'), 15, /unexpected tag/],
    [
      'an authentication value [2]',
      apdu('60', context, 'AC03820100'),
      15,
      /authentication-value alternative/,
    ],
    ['user-information without OCTET STRING', apdu('60', context, 'BE03020100'), 15, /unexpected tag/],
    [
      'bytes after the user-information OCTET STRING',
      apdu('60', context, 'BE0504020E0100'),
      19,
      /after the OCTET STRING/,
    ],
    [
      'an xDLMS APDU that does not fill the OCTET STRING',
      apdu('60', context, 'BE11040F01000000065F1F0400007E1F04B0FF'),
      31,
      /trailing/,
    ],
    [
      'an xDLMS APDU longer than its OCTET STRING',
      apdu('60', context, 'BE0F040D01000000065F1F0400007E1F04'),
      30,
      /client-max-receive-pdu-size/,
    ],
    ['a get-request in user-information', apdu('60', context, 'BE050403C00100'), 17, /initiate APDU/],
    [
      'a glo-get-request in user-information',
      apdu('60', context, 'BE0904073005000000000000'.replace('3005', 'C805')),
      17,
      /not an initiate/,
    ],
    ['a presence octet of 02', apdu('60', context, 'BE10040E01020000065F1F0400007E1F04B0'), 18, /presence/],
    [
      'a bad conformance header',
      apdu('60', context, 'BE10040E01000000065E1F0400007E1F04B0'),
      22,
      /conformance/,
    ],
  ])('rejects %s', (_name, hex, offset, message) => {
    const e = decodeError(hex);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
  });
});

describe('encode errors', () => {
  const aarq = decode(aarqNone);
  it.each([
    ['a missing mandatory field', { type: 'aarq' }, 'applicationContextName'],
    ['an unknown context name', { ...aarq, applicationContextName: 'nope' }, 'applicationContextName'],
    ['an unknown mechanism name', { ...aarq, mechanismName: 'hls-rot13' }, 'mechanismName'],
    ['malformed raw OID content', { ...aarq, mechanismName: Uint8Array.of(0x85) }, 'mechanismName'],
    ['an invocation id above 2^31', { ...aarq, callingAeInvocationId: 2 ** 31 }, 'callingAeInvocationId'],
    [
      '9 unused bits',
      { ...aarq, senderAcseRequirements: { unusedBits: 9, bytes: Uint8Array.of(0) } },
      'senderAcseRequirements',
    ],
    [
      'an unknown result',
      {
        type: 'aare',
        applicationContextName: 'logical-name',
        result: 'maybe',
        resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'null' },
      },
      'result',
    ],
    [
      'an unknown diagnostic source',
      {
        type: 'aare',
        applicationContextName: 'logical-name',
        result: 'accepted',
        resultSourceDiagnostic: { source: 'me', diagnostic: 0 },
      },
      'resultSourceDiagnostic',
    ],
    ['an unknown release reason', { type: 'rlrq', reason: 'bored' }, 'reason'],
    [
      'an unknown field re-using a defined tag number',
      { type: 'rlrq', unknownFields: [fromHex('800100')] },
      'unknownFields',
    ],
    ['a malformed raw field', { type: 'rlrq', unknownFields: [fromHex('8105')] }, 'unknownFields'],
    ['a raw field of universal class', { type: 'rlrq', unknownFields: [fromHex('0400')] }, 'unknownFields'],
    [
      'a ciphered get-request as user-information',
      {
        type: 'rlrq',
        userInformation: {
          type: 'glo-ciphered',
          service: 'get-request',
          securityControl: 0x30,
          invocationCounter: 1,
          content: new Uint8Array(0),
        },
      },
      'userInformation',
    ],
    [
      'an unknown user-information type',
      { type: 'rlrq', userInformation: { type: 'get-request' } },
      'userInformation',
    ],
    ['an unknown APDU type', { type: 'aarx' }, 'type'],
    [
      'a client PDU size of 0 (§14.7)',
      {
        type: 'rlrq',
        userInformation: {
          type: 'initiate-request',
          responseAllowed: true,
          proposedDlmsVersionNumber: 6,
          proposedConformance: (aarq as { userInformation: { proposedConformance: unknown } }).userInformation
            .proposedConformance,
          clientMaxReceivePduSize: 0,
        },
      },
      'clientMaxReceivePduSize',
    ],
  ])('rejects %s', (_name, value, field) => {
    const w = new ByteWriter();
    let error: unknown;
    try {
      writeAcseApdu(w, value as unknown as AcseApdu);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).field).toBe(field);
  });
});
