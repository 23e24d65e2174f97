// Golden vectors of spec §7 (ACSE) and §10.6 (ciphered initiate envelopes): decode to the
// documented meaning, encode back to the same octets, and reject every truncation.
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../src/core/bytes.js';
import { DecodeError } from '../../../../src/core/errors.js';
import { fromHex, toHex } from '../../../../src/core/hex.js';
import {
  type AcseApdu,
  conformanceFromBits,
  conformanceToBits,
  lnClientConformance,
  readAcseApdu,
  readInitiateRequest,
  readInitiateResponse,
  writeAcseApdu,
} from '../../../../src/dlms/apdu/acse/acse-codec.js';
import { dlmsVectors, vectorBytes } from '../../../helpers/vectors.js';

const acseIds = [
  'apdu-aarq-none',
  'apdu-aarq-lls',
  'apdu-aarq-hls-gmac-plain-context',
  'apdu-aarq-hls-gmac-ciphered',
  'apdu-aarq-lls-ciphered-context',
  'apdu-aare-accepted',
  'apdu-aare-rejected-context',
  'apdu-aare-rejected-version',
  'apdu-aare-hls-challenge',
  'apdu-aare-auth-failure',
  'apdu-rlrq',
  'apdu-rlre',
  // §10.6: an RLRE whose user-information is a glo-initiate-response.
  'sec-rlre-glo-initiate-response',
] as const;

function vector(id: string) {
  const v = dlmsVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no dlms vector '${id}'`);
  return v;
}

function decode(id: string): AcseApdu {
  const bytes = vectorBytes(vector(id));
  const r = new ByteReader(bytes, 'apdu');
  const apdu = readAcseApdu(r);
  expect(r.pos).toBe(bytes.length);
  return apdu;
}

function encode(apdu: AcseApdu): string {
  const w = new ByteWriter();
  writeAcseApdu(w, apdu);
  return toHex(w.finish());
}

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : toHex(b));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('every ACSE vector', () => {
  it.each(acseIds)('%s encodes back to the same octets and rejects each truncation', (id) => {
    const bytes = vectorBytes(vector(id));
    expect(encode(decode(id))).toBe(vector(id).hex.toUpperCase());
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      const error = (() => {
        try {
          readAcseApdu(new ByteReader(cut, 'apdu'));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DecodeError);
      // The outer length no longer fits: reported at the length octet (offset 1), or at the end
      // of the input when even the tag or the length is missing.
      expect((error as DecodeError).offset).toBe(n < 2 ? n : 1);
    }
  });
});

describe('AARQ vectors', () => {
  it('apdu-aarq-none: LN context, plain InitiateRequest', () => {
    const a = decode('apdu-aarq-none');
    expect(a).toMatchObject({ type: 'aarq', applicationContextName: 'logical-name' });
    if (a.type !== 'aarq') throw new Error('not an AARQ');
    expect(a.mechanismName).toBeUndefined();
    expect(a.callingAuthenticationValue).toBeUndefined();
    expect(a.userInformation).toEqual({
      type: 'initiate-request',
      responseAllowed: true,
      proposedDlmsVersionNumber: 6,
      proposedConformance: conformanceFromBits(0x007e1f),
      clientMaxReceivePduSize: 1200,
    });
    const ui = a.userInformation;
    if (ui?.type !== 'initiate-request') throw new Error('no InitiateRequest');
    expect(ui.dedicatedKey).toBeUndefined();
    expect(ui.proposedQualityOfService).toBeUndefined();
    // "priority-mgmt, attribute0-with-get, block-transfer get/set/action, multiple-references,
    // get, set, selective-access, event-notification, action"
    const c = ui.proposedConformance;
    for (const flag of [
      'priorityMgmtSupported',
      'attribute0SupportedWithGet',
      'blockTransferWithGetOrRead',
      'blockTransferWithSetOrWrite',
      'blockTransferWithAction',
      'multipleReferences',
      'get',
      'set',
      'selectiveAccess',
      'eventNotification',
      'action',
    ] as const) {
      expect(c[flag], flag).toBe(true);
    }
    expect(Object.values(c).filter(Boolean)).toHaveLength(11);
    expect(c).toEqual(lnClientConformance);
  });

  it('apdu-aarq-lls: password 12345678', () => {
    const a = decode('apdu-aarq-lls');
    if (a.type !== 'aarq') throw new Error('not an AARQ');
    expect(a.applicationContextName).toBe('logical-name');
    expect(a.senderAcseRequirements).toEqual({ unusedBits: 7, bytes: Uint8Array.of(0x80) });
    expect(a.mechanismName).toBe('lls');
    expect(a.callingAuthenticationValue?.type).toBe('charstring');
    expect(text(a.callingAuthenticationValue!.value as Uint8Array)).toBe('12345678');
    expect(a.userInformation?.type).toBe('initiate-request');
  });

  it('apdu-aarq-hls-gmac-plain-context: HLS-GMAC, CtoS K56iVagY', () => {
    const a = decode('apdu-aarq-hls-gmac-plain-context');
    if (a.type !== 'aarq') throw new Error('not an AARQ');
    expect(a.applicationContextName).toBe('logical-name');
    expect(a.mechanismName).toBe('hls-gmac');
    expect(a.callingApTitle).toBeUndefined();
    expect(a.callingAuthenticationValue).toEqual({ type: 'charstring', value: fromHex('4B35366956616759') });
  });

  it('apdu-aarq-hls-gmac-ciphered: ciphered context, AP title, glo-initiate-request', async () => {
    const a = decode('apdu-aarq-hls-gmac-ciphered');
    if (a.type !== 'aarq') throw new Error('not an AARQ');
    expect(a.applicationContextName).toBe('logical-name-with-ciphering');
    expect(hex(a.callingApTitle)).toBe('4D4D4D0000000001');
    expect(a.senderAcseRequirements).toEqual({ unusedBits: 7, bytes: Uint8Array.of(0x80) });
    expect(a.mechanismName).toBe('hls-gmac');
    expect(a.callingAuthenticationValue).toEqual({ type: 'charstring', value: fromHex('4B35366956616759') });
    const ui = a.userInformation;
    if (ui?.type !== 'glo-ciphered') throw new Error('no glo- APDU');
    expect(ui).toMatchObject({ service: 'initiate-request', securityControl: 0x30, invocationCounter: 0x10 });
    expect(ui.content).toHaveLength(14 + 12);
    const plain = decrypt(ui.content, '4D4D4D0000000001', 0x10);
    expect(toHex(plain)).toBe('01000000065F1F0400007E1F04B0');
    expect(readInitiateRequest(new ByteReader(plain, 'apdu')).proposedConformance).toEqual(
      lnClientConformance,
    );
  });

  it('apdu-aarq-lls-ciphered-context: LLS with a glo-initiate-request proposing a dedicated key', () => {
    const a = decode('apdu-aarq-lls-ciphered-context');
    if (a.type !== 'aarq') throw new Error('not an AARQ');
    expect(a.applicationContextName).toBe('logical-name-with-ciphering');
    expect(hex(a.callingApTitle)).toBe('4D4D4D0000BC614E');
    expect(a.mechanismName).toBe('lls');
    expect(text(a.callingAuthenticationValue!.value as Uint8Array)).toBe('12345678');
    const ui = a.userInformation;
    if (ui?.type !== 'glo-ciphered') throw new Error('no glo- APDU');
    expect(ui).toMatchObject({
      service: 'initiate-request',
      securityControl: 0x30,
      invocationCounter: 0x01234567,
    });
    const request = readInitiateRequest(
      new ByteReader(decrypt(ui.content, '4D4D4D0000BC614E', 0x01234567), 'apdu'),
    );
    expect(hex(request.dedicatedKey)).toBe('00112233445566778899AABBCCDDEEFF');
    expect(request).toMatchObject({
      responseAllowed: true,
      proposedDlmsVersionNumber: 6,
      clientMaxReceivePduSize: 1200,
    });
    expect(conformanceToBits(request.proposedConformance)).toBe(0x007e1f);
  });
});

describe('AARE vectors', () => {
  it('apdu-aare-accepted: accepted, null diagnostic, InitiateResponse', () => {
    const a = decode('apdu-aare-accepted');
    expect(a).toEqual({
      type: 'aare',
      applicationContextName: 'logical-name',
      result: 'accepted',
      resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'null' },
      userInformation: {
        type: 'initiate-response',
        negotiatedDlmsVersionNumber: 6,
        negotiatedConformance: conformanceFromBits(0x00501f),
        serverMaxReceivePduSize: 500,
        vaaName: 0x0007,
      },
    });
    if (a.type !== 'aare' || a.userInformation?.type !== 'initiate-response') throw new Error('unexpected');
    const c = a.userInformation.negotiatedConformance;
    expect([c.priorityMgmtSupported, c.blockTransferWithGetOrRead, c.get, c.set, c.selectiveAccess]).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([c.eventNotification, c.action, c.multipleReferences, c.attribute0SupportedWithGet]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('apdu-aare-rejected-context: rejected-permanent, application-context-name-not-supported', () => {
    expect(decode('apdu-aare-rejected-context')).toMatchObject({
      result: 'rejected-permanent',
      resultSourceDiagnostic: {
        source: 'acse-service-user',
        diagnostic: 'application-context-name-not-supported',
      },
    });
  });

  it('apdu-aare-rejected-version: confirmed-service-error initiate / dlms-version-too-low', () => {
    expect(decode('apdu-aare-rejected-version')).toEqual({
      type: 'aare',
      applicationContextName: 'logical-name',
      result: 'rejected-permanent',
      resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'no-reason-given' },
      userInformation: {
        type: 'confirmed-service-error',
        service: 'initiate-error',
        serviceError: { error: 'initiate', value: 'dlms-version-too-low' },
      },
    });
  });

  it('apdu-aare-hls-challenge: authentication-required with StoC P6wRJ21F', () => {
    const a = decode('apdu-aare-hls-challenge');
    if (a.type !== 'aare') throw new Error('not an AARE');
    expect(a.result).toBe('accepted');
    expect(a.resultSourceDiagnostic).toEqual({
      source: 'acse-service-user',
      diagnostic: 'authentication-required',
    });
    expect(a.responderAcseRequirements).toEqual({ unusedBits: 7, bytes: Uint8Array.of(0x80) });
    expect(a.mechanismName).toBe('hls-gmac');
    expect(a.respondingAuthenticationValue?.type).toBe('charstring');
    expect(text(a.respondingAuthenticationValue!.value as Uint8Array)).toBe('P6wRJ21F');
    expect(a.userInformation?.type).toBe('initiate-response');
  });

  it('apdu-aare-auth-failure: rejected-permanent, authentication-failure', () => {
    const a = decode('apdu-aare-auth-failure');
    expect(a).toMatchObject({
      result: 'rejected-permanent',
      resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'authentication-failure' },
      userInformation: { type: 'confirmed-service-error', service: 'initiate-error' },
    });
  });
});

describe('RLRQ / RLRE vectors', () => {
  it('apdu-rlrq and apdu-rlre: reason normal', () => {
    expect(decode('apdu-rlrq')).toEqual({ type: 'rlrq', reason: 'normal' });
    expect(decode('apdu-rlre')).toEqual({ type: 'rlre', reason: 'normal' });
  });

  it('sec-rlre-glo-initiate-response: RLRE with a glo-initiate-response', () => {
    const a = decode('sec-rlre-glo-initiate-response');
    if (a.type !== 'rlre') throw new Error('not an RLRE');
    expect(a.reason).toBe('normal');
    const ui = a.userInformation;
    if (ui?.type !== 'glo-ciphered') throw new Error('no glo- APDU');
    expect(ui).toMatchObject({
      service: 'initiate-response',
      securityControl: 0x30,
      invocationCounter: 0x01234567,
    });
    const plain = decrypt(ui.content, '4D4D4D0000BC614E', 0x01234567);
    expect(toHex(plain)).toBe('0800065F1F0400007C1F04000007');
    expect(readInitiateResponse(new ByteReader(plain, 'apdu'))).toEqual({
      type: 'initiate-response',
      negotiatedDlmsVersionNumber: 6,
      negotiatedConformance: conformanceFromBits(0x007c1f),
      serverMaxReceivePduSize: 0x0400,
      vaaName: 7,
    });
  });

  it('sec-glo-initiate-request: the glo-initiate-request alone is not an ACSE APDU', () => {
    const bytes = vectorBytes(vector('sec-glo-initiate-request'));
    expect(() => readAcseApdu(new ByteReader(bytes, 'apdu'))).toThrow(DecodeError);
    // It is the user-information of apdu-aarq-lls-ciphered-context.
    expect(vector('apdu-aarq-lls-ciphered-context').hex.toUpperCase()).toContain(
      vector('sec-glo-initiate-request').hex.toUpperCase(),
    );
  });
});

/** Suite 0 AES-GCM decryption with the Green Book keys (§10.5), independent of the security module. */
function decrypt(content: Uint8Array, systemTitle: string, invocationCounter: number): Uint8Array {
  const ek = fromHex('000102030405060708090A0B0C0D0E0F');
  const ak = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
  const iv = Uint8Array.of(
    ...fromHex(systemTitle),
    ...fromHex(invocationCounter.toString(16).padStart(8, '0')),
  );
  const decipher = createDecipheriv('aes-128-gcm', ek, iv, { authTagLength: 12 });
  decipher.setAAD(Uint8Array.of(0x30, ...ak));
  decipher.setAuthTag(content.subarray(content.length - 12));
  return Uint8Array.from([...decipher.update(content.subarray(0, content.length - 12)), ...decipher.final()]);
}
