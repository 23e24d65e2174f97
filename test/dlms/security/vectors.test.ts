import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../src/core/bytes.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { readCipheredApdu, writeCipheredApdu } from '../../../src/dlms/security/ciphered-apdu.js';
import { hlsGmacResponse, verifyHlsGmacResponse } from '../../../src/dlms/security/hls-gmac.js';
import { type CipheredEnvelope, protectApdu, unprotectApdu } from '../../../src/dlms/security/protect.js';
import type { SecurityMode } from '../../../src/dlms/security/security-control.js';
import { dlmsVectors } from '../../helpers/vectors.js';
import { AK, CLIENT_TITLE, EK, SERVER_TITLE, vector } from './fixtures.js';

interface Case {
  id: string;
  /** Hex that precedes the ciphered APDU inside the vector (ACSE wrapping). */
  after?: string;
  systemTitle: string;
  ek?: string;
  ak?: string;
  ic: number;
  sc: number;
  envelope: CipheredEnvelope;
  security: SecurityMode;
  plaintext: string;
}

const greenBookPlain = 'C001C100080000010000FF0200';

// Plaintexts, counters and titles as documented in the vectors' `meaning`.
const cases: Case[] = [
  {
    id: 'sec-glo-get-request-green-book',
    systemTitle: SERVER_TITLE,
    ic: 0x01234567,
    sc: 0x30,
    envelope: 'glo',
    security: 'authenticated-encrypted',
    plaintext: 'C0010000080000010000FF0200',
  },
  {
    id: 'sec-glo-get-response',
    systemTitle: SERVER_TITLE,
    ic: 0x01234568,
    sc: 0x30,
    envelope: 'glo',
    security: 'authenticated-encrypted',
    plaintext: 'C401C100090C07E8010F0108000000FFC400',
  },
  {
    id: 'sec-glo-get-request-auth-only',
    systemTitle: CLIENT_TITLE,
    ic: 5,
    sc: 0x10,
    envelope: 'glo',
    security: 'authenticated',
    plaintext: greenBookPlain,
  },
  {
    id: 'sec-glo-get-request-enc-only',
    systemTitle: CLIENT_TITLE,
    ic: 6,
    sc: 0x20,
    envelope: 'glo',
    security: 'encrypted',
    plaintext: greenBookPlain,
  },
  {
    id: 'sec-general-glo-ciphering',
    systemTitle: CLIENT_TITLE,
    ic: 7,
    sc: 0x30,
    envelope: 'general-glo',
    security: 'authenticated-encrypted',
    plaintext: greenBookPlain,
  },
  {
    id: 'sec-general-glo-ciphering-real-meter',
    systemTitle: '2F19229199164103',
    ek: '4D5944554D4D59474C4F42414C4B4559',
    ak: '4D5944554D4D59474C4F42414C4B4559',
    ic: 485,
    sc: 0x30,
    envelope: 'general-glo',
    security: 'authenticated-encrypted',
    plaintext: '0F000001DB000922125A8591360000000049000000110000000A5A8513D014800000000D0000000A0100',
  },
  {
    id: 'sec-glo-initiate-request',
    systemTitle: SERVER_TITLE,
    ic: 0x01234567,
    sc: 0x30,
    envelope: 'glo',
    security: 'authenticated-encrypted',
    plaintext: '01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0',
  },
  {
    id: 'sec-rlre-glo-initiate-response',
    after: 'BE230421',
    systemTitle: SERVER_TITLE,
    ic: 0x01234567,
    sc: 0x30,
    envelope: 'glo',
    security: 'authenticated-encrypted',
    plaintext: '0800065F1F0400007C1F04000007',
  },
  // The same envelopes inside AARQ user-information (apdu-layer vectors, cross-checked here).
  {
    id: 'apdu-aarq-hls-gmac-ciphered',
    after: 'BE230421',
    systemTitle: CLIENT_TITLE,
    ic: 0x10,
    sc: 0x30,
    envelope: 'glo',
    security: 'authenticated-encrypted',
    plaintext: '01000000065F1F0400007E1F04B0',
  },
  {
    id: 'apdu-aarq-lls-ciphered-context',
    after: 'BE340432',
    systemTitle: SERVER_TITLE,
    ic: 0x01234567,
    sc: 0x30,
    envelope: 'glo',
    security: 'authenticated-encrypted',
    plaintext: '01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0',
  },
];

function ciphered(c: Case): Uint8Array {
  const bytes = vector(c.id);
  if (c.after === undefined) return bytes;
  const at = toHex(bytes).indexOf(c.after);
  expect(at % 2).toBe(0);
  return bytes.subarray(at / 2 + c.after.length / 2);
}

describe('every security vector decrypts to its documented plaintext and re-encrypts to its bytes', () => {
  for (const c of cases) {
    it(c.id, async () => {
      const bytes = ciphered(c);
      const reader = new ByteReader(bytes, 'apdu');
      const apdu = readCipheredApdu(reader);
      reader.expectEnd('end of the ciphered APDU');
      expect(apdu.securityControl).toBe(c.sc);
      expect(apdu.invocationCounter).toBe(c.ic);
      const keys = { encryptionKey: fromHex(c.ek ?? EK), authenticationKey: fromHex(c.ak ?? AK) };
      const result = await unprotectApdu(apdu, {
        ...keys,
        systemTitle: fromHex(c.systemTitle),
        minInvocationCounter: c.ic,
        requiredSecurity: c.security,
      });
      expect(toHex(result.plain)).toBe(c.plaintext);
      expect(result.invocationCounter).toBe(c.ic);
      expect(result.securityControl).toBe(c.sc);
      expect(toHex(result.systemTitle)).toBe(c.systemTitle);

      const again = await protectApdu(fromHex(c.plaintext), {
        ...keys,
        envelope: c.envelope,
        security: c.security,
        systemTitle: fromHex(c.systemTitle),
        invocationCounter: c.ic,
      });
      expect(again).toEqual(apdu);
      const w = new ByteWriter();
      writeCipheredApdu(w, again);
      expect(toHex(w.finish())).toBe(toHex(bytes));
    });
  }

  it('covers every vector of the security layer', () => {
    const covered = new Set([
      ...cases.map((c) => c.id),
      'sec-hls-gmac-f-stoc',
      'sec-hls-gmac-pass3-action',
      'sec-hls-gmac-pass4-response',
    ]);
    const security = dlmsVectors.filter((v) => v.layer === 'security').map((v) => v.id);
    expect(security).toHaveLength(11);
    for (const id of security) expect(covered.has(id), id).toBe(true);
  });
});

describe('HLS-GMAC vectors (§10.8)', () => {
  const keys = { encryptionKey: fromHex(EK), authenticationKey: fromHex(AK) };
  const stoc = fromHex('503677524A323146');
  const ctos = fromHex('4B35366956616759');

  it('sec-hls-gmac-f-stoc: the client computes f(StoC) and the server verifies it', async () => {
    const expected = vector('sec-hls-gmac-f-stoc');
    const f = await hlsGmacResponse({
      ...keys,
      challenge: stoc,
      systemTitle: fromHex(CLIENT_TITLE),
      invocationCounter: 1,
    });
    expect(toHex(f)).toBe(toHex(expected));
    expect(toHex(f)).toBe('10000000011A52FE7DD3E72748973C1E28');
    const ok = await verifyHlsGmacResponse({
      ...keys,
      response: expected,
      challenge: stoc,
      systemTitle: fromHex(CLIENT_TITLE),
    });
    expect(ok).toEqual({ invocationCounter: 1, securityControl: 0x10 });
  });

  it('sec-hls-gmac-pass3-action: f(StoC) is the octet-string parameter of the ACTION request', async () => {
    const r = new ByteReader(vector('sec-hls-gmac-pass3-action'), 'apdu');
    expect(r.u8('tag')).toBe(0xc3); // action-request
    expect(r.u8('choice')).toBe(0x01); // normal
    expect(r.u8('invoke-id-and-priority')).toBe(0xc1);
    expect(r.u16('class id')).toBe(15); // Association LN
    expect(toHex(r.bytesView(6, 'instance id'))).toBe('0000280000FF');
    expect(r.u8('method')).toBe(1); // reply_to_HLS_authentication
    expect(r.u8('parameters present')).toBe(1);
    expect(r.u8('octet-string')).toBe(0x09);
    const value = r.bytesView(r.u8('length'), 'f(StoC)');
    r.expectEnd('end');
    const f = await hlsGmacResponse({
      ...keys,
      challenge: stoc,
      systemTitle: fromHex(CLIENT_TITLE),
      invocationCounter: 1,
    });
    expect(toHex(value)).toBe(toHex(f));
  });

  it('sec-hls-gmac-pass4-response: the client verifies f(CtoS) returned by the server', async () => {
    const r = new ByteReader(vector('sec-hls-gmac-pass4-response'), 'apdu');
    expect(r.u8('tag')).toBe(0xc7); // action-response
    expect(r.u8('choice')).toBe(0x01);
    expect(r.u8('invoke-id-and-priority')).toBe(0xc1);
    expect(r.u8('action-result')).toBe(0); // success
    expect(r.u8('return parameters present')).toBe(1);
    expect(r.u8('Get-Data-Result choice data')).toBe(0);
    expect(r.u8('octet-string')).toBe(0x09);
    const value = r.bytesView(r.u8('length'), 'f(CtoS)');
    r.expectEnd('end');
    const server = fromHex(SERVER_TITLE);
    const ok = await verifyHlsGmacResponse({
      ...keys,
      response: value,
      challenge: ctos,
      systemTitle: server,
      minInvocationCounter: 1,
    });
    expect(ok.invocationCounter).toBe(0x01234567);
    const f = await hlsGmacResponse({
      ...keys,
      challenge: ctos,
      systemTitle: server,
      invocationCounter: 0x01234567,
    });
    expect(toHex(f)).toBe('1001234567FE1466AFB3DBCD4F9389E2B7');
  });
});
