// xDLMS initiate APDUs (spec §7.6), the conformance block (§7.6.1), confirmed-service-error
// (§7.7, §14.3) and the OID helpers (§7.4).
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../src/core/bytes.js';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../../../src/core/errors.js';
import { fromHex, toHex } from '../../../../src/core/hex.js';
import {
  ApplicationContextNames,
  type ConfirmedServiceError,
  ConformanceBit,
  conformanceFromBits,
  conformanceToBits,
  dlmsUaOidPrefix,
  type InitiateRequest,
  type InitiateResponse,
  lnClientConformance,
  lnClientConformanceBits,
  MechanismNames,
  oidFromArcs,
  oidToArcs,
  readConfirmedServiceError,
  readInitiateRequest,
  readInitiateResponse,
  writeConfirmedServiceError,
  writeInitiateRequest,
  writeInitiateResponse,
} from '../../../../src/dlms/apdu/acse/acse-codec.js';
import { dlmsVectors, vectorBytes } from '../../../helpers/vectors.js';

const reader = (hex: string) => new ByteReader(fromHex(hex), 'apdu');
function written<T>(write: (w: ByteWriter, v: T) => void, v: T): string {
  const w = new ByteWriter();
  write(w, v);
  return toHex(w.finish());
}
function decodeError(read: () => unknown): DecodeError {
  try {
    read();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('decoded without error');
}

describe('conformance block', () => {
  it('maps bit n to mask 0x800000 >> n', () => {
    for (const [name, bit] of Object.entries(ConformanceBit)) {
      const c = conformanceFromBits(0x800000 >>> bit);
      expect(Object.entries(c).filter(([, on]) => on)).toEqual([[name, true]]);
      expect(conformanceToBits(c)).toBe(0x800000 >>> bit);
    }
    expect(Object.keys(ConformanceBit)).toHaveLength(24);
  });

  it('names the spec examples', () => {
    // §7.6.1: 00 1E 1D = block transfer get/set/action, multiple-references, get, set, selective-access, action.
    const c = conformanceFromBits(0x001e1d);
    expect(Object.keys(c).filter((k) => c[k as keyof typeof c])).toEqual([
      'blockTransferWithGetOrRead',
      'blockTransferWithSetOrWrite',
      'blockTransferWithAction',
      'multipleReferences',
      'get',
      'set',
      'selectiveAccess',
      'action',
    ]);
    expect(conformanceToBits(lnClientConformance)).toBe(lnClientConformanceBits);
    expect(lnClientConformanceBits).toBe(0x007e1f);
    expect(Object.isFrozen(lnClientConformance)).toBe(true);
  });

  it('keeps the reserved bits', () => {
    const c = conformanceFromBits(0x810000);
    expect([c.reservedZero, c.reservedSeven]).toEqual([true, true]);
    expect(conformanceToBits(c)).toBe(0x810000);
  });
});

describe('InitiateRequest', () => {
  const base: InitiateRequest = {
    type: 'initiate-request',
    responseAllowed: true,
    proposedDlmsVersionNumber: 6,
    proposedConformance: lnClientConformance,
    clientMaxReceivePduSize: 0x04b0,
  };

  it('encodes the spec example with the defaults', () => {
    expect(written(writeInitiateRequest, base)).toBe('01000000065F1F0400007E1F04B0');
  });

  it('encodes a dedicated key (sec-glo-initiate-request plaintext, §7.6)', () => {
    const v = { ...base, dedicatedKey: fromHex('00112233445566778899AABBCCDDEEFF') };
    const hex = '01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0';
    expect(written(writeInitiateRequest, v)).toBe(hex);
    expect(readInitiateRequest(reader(hex))).toEqual(v);
  });

  it('encodes response-allowed FALSE and a QoS, and reads any non-zero BOOLEAN as TRUE', () => {
    const v = { ...base, responseAllowed: false, proposedQualityOfService: -2 };
    expect(written(writeInitiateRequest, v)).toBe('0100010001FE065F1F0400007E1F04B0');
    expect(readInitiateRequest(reader('0100010001FE065F1F0400007E1F04B0'))).toEqual(v);
    // §6.2: TRUE given explicitly (01 01, 01 7F) is read as TRUE and written back as the default.
    expect(readInitiateRequest(reader('0100010100065F1F0400007E1F04B0')).responseAllowed).toBe(true);
    expect(readInitiateRequest(reader('0100017F00065F1F0400007E1F04B0')).responseAllowed).toBe(true);
  });

  it('rejects another tag, bad presence octets and truncation with offsets', () => {
    expect(decodeError(() => readInitiateRequest(reader('08000000065F1F0400007E1F04B0'))).offset).toBe(0);
    expect(decodeError(() => readInitiateRequest(reader('01000200065F1F0400007E1F04B0'))).offset).toBe(2);
    expect(decodeError(() => readInitiateRequest(reader('0101050011'))).offset).toBe(5);
    expect(decodeError(() => readInitiateRequest(reader('01000000065F1F0401007E1F04B0'))).offset).toBe(8);
    expect(decodeError(() => readInitiateRequest(reader('01000000065F1F0400007E1F04'))).offset).toBe(13);
  });

  it('refuses to encode out-of-range fields', () => {
    const bad: [Partial<InitiateRequest>, string][] = [
      [{ clientMaxReceivePduSize: 0 }, 'clientMaxReceivePduSize'],
      [{ clientMaxReceivePduSize: 0x10000 }, 'clientMaxReceivePduSize'],
      [{ proposedDlmsVersionNumber: 256 }, 'proposedDlmsVersionNumber'],
      [{ proposedQualityOfService: 128 }, 'proposedQualityOfService'],
      [{ responseAllowed: 1 as unknown as boolean }, 'responseAllowed'],
      [{ dedicatedKey: [1, 2] as unknown as Uint8Array }, 'dedicatedKey'],
      [
        { proposedConformance: { ...lnClientConformance, get: 1 as unknown as boolean } },
        'proposedConformance.get',
      ],
    ];
    for (const [change, field] of bad) {
      expect(() => written(writeInitiateRequest, { ...base, ...change })).toThrow(
        expect.objectContaining({ field }) as unknown as EncodeError,
      );
    }
  });
});

describe('InitiateResponse', () => {
  it('reads the spec example (apdu-aare-accepted) and an SN vaa-name', () => {
    const v = readInitiateResponse(reader('0800065F1F040000501F01F40007'));
    expect(v).toEqual({
      type: 'initiate-response',
      negotiatedDlmsVersionNumber: 6,
      negotiatedConformance: conformanceFromBits(0x00501f),
      serverMaxReceivePduSize: 500,
      vaaName: 7,
    });
    const sn: InitiateResponse = { ...v, negotiatedQualityOfService: 1, vaaName: 0xfa00 };
    expect(written(writeInitiateResponse, sn)).toBe('080101065F1F040000501F01F4FA00');
    expect(readInitiateResponse(reader('080101065F1F040000501F01F4FA00'))).toEqual(sn);
  });

  it('returns a server PDU size of 0 as received (§14.7) and rejects truncation', () => {
    expect(readInitiateResponse(reader('0800065F1F040000501F00000007')).serverMaxReceivePduSize).toBe(0);
    expect(decodeError(() => readInitiateResponse(reader('0800065F1F040000501F01F400'))).offset).toBe(13);
    expect(decodeError(() => readInitiateResponse(reader('0803'))).offset).toBe(1);
  });

  it('refuses a vaa-name outside 0–65535', () => {
    const v = readInitiateResponse(reader('0800065F1F040000501F01F40007'));
    expect(() => written(writeInitiateResponse, { ...v, vaaName: -1 })).toThrow(EncodeError);
  });
});

describe('confirmed-service-error', () => {
  it('names the choices and values of §7.7', () => {
    expect(readConfirmedServiceError(reader('0E010601'))).toEqual({
      type: 'confirmed-service-error',
      service: 'initiate-error',
      serviceError: { error: 'initiate', value: 'dlms-version-too-low' },
    });
    expect(readConfirmedServiceError(reader('0E050501')).serviceError).toEqual({
      error: 'access',
      value: 'scope-of-access-violated',
    });
    expect(readConfirmedServiceError(reader('0E060006')).serviceError).toEqual({
      error: 'application-reference',
      value: 'deciphering-error',
    });
    expect(readConfirmedServiceError(reader('0E010704')).serviceError.value).toBe('not-awaited-segment');
  });

  it('keeps unnamed numbers: legacy services, ServiceError 8–10 (§14.3), values beyond the table', () => {
    const v = readConfirmedServiceError(reader('0E0B0902'));
    expect(v).toEqual({ type: 'confirmed-service-error', service: 11, serviceError: { error: 9, value: 2 } });
    expect(readConfirmedServiceError(reader('0E010609')).serviceError).toEqual({
      error: 'initiate',
      value: 9,
    });
    expect(written(writeConfirmedServiceError, v)).toBe('0E0B0902');
  });

  it('writes names and numbers', () => {
    const v: ConfirmedServiceError = {
      type: 'confirmed-service-error',
      service: 'read',
      serviceError: { error: 'service', value: 'pdu-size' },
    };
    expect(written(writeConfirmedServiceError, v)).toBe('0E050301');
    expect(
      written(writeConfirmedServiceError, { ...v, serviceError: { error: 'definition', value: 200 } }),
    ).toBe('0E0504C8');
  });

  it('rejects unknown names, values of another choice, and truncation', () => {
    const v = readConfirmedServiceError(reader('0E010601'));
    const wrong = [
      { ...v, service: 'nope' },
      { ...v, service: 256 },
      { ...v, serviceError: { error: 'nope', value: 0 } },
      { ...v, serviceError: { error: 'service', value: 'dlms-version-too-low' } },
      { ...v, serviceError: { error: 12, value: 'other' } },
    ];
    for (const w of wrong) {
      expect(() => written(writeConfirmedServiceError, w as ConfirmedServiceError)).toThrow(EncodeError);
    }
    expect(decodeError(() => readConfirmedServiceError(reader('0E0106'))).offset).toBe(3);
    expect(decodeError(() => readConfirmedServiceError(reader('0F010601'))).offset).toBe(0);
  });
});

describe('object identifiers', () => {
  it('tables match §7.4', () => {
    expect(dlmsUaOidPrefix).toEqual([0x60, 0x85, 0x74, 0x05, 0x08]);
    expect(ApplicationContextNames['logical-name-with-ciphering']).toBe(3);
    expect(MechanismNames['hls-gmac']).toBe(5);
    expect(toHex(oidFromArcs([2, 16, 756, 5, 8, 2, 5]))).toBe('60857405080205');
    expect(oidToArcs(fromHex('60857405080103'))).toEqual([2, 16, 756, 5, 8, 1, 3]);
  });

  it('cosem-application-context-name: the arcs of Association LN attribute 4 give the LN context', () => {
    const v = dlmsVectors.find((x) => x.id === 'cosem-application-context-name')!;
    const b = vectorBytes(v);
    // get-response normal: C4 01 C1 00 (result data), then structure 02 07 of unsigned (11) / long-unsigned (12).
    expect(toHex(b.subarray(0, 6))).toBe('C401C1000207');
    const arcs: number[] = [];
    for (let i = 6; i < b.length; ) {
      if (b[i] === 0x11) {
        arcs.push(b[i + 1]!);
        i += 2;
      } else if (b[i] === 0x12) {
        arcs.push((b[i + 1]! << 8) | b[i + 2]!);
        i += 3;
      } else throw new Error(`unexpected tag at ${i}`);
    }
    expect(arcs).toEqual([2, 16, 756, 5, 8, 1, 1]);
    expect(toHex(oidFromArcs(arcs))).toBe(
      toHex(Uint8Array.of(...dlmsUaOidPrefix, 1, ApplicationContextNames['logical-name'])),
    );
  });

  it('round-trips arcs, including the 0/1/2 first-arc split and large arcs', () => {
    for (const arcs of [
      [0, 0],
      [0, 39, 1],
      [1, 2, 840, 113549],
      [2, 0],
      [2, 999, 3],
      [2, 25, 2 ** 40],
    ]) {
      expect(oidToArcs(oidFromArcs(arcs))).toEqual(arcs);
    }
  });

  it('rejects malformed arcs and content', () => {
    for (const arcs of [[], [1], [3, 0], [1, 40], [0, -1], [2, 1.5]]) {
      expect(() => oidFromArcs(arcs)).toThrow(InvalidArgumentError);
    }
    for (const hex of ['', '85', '8001', '2A8F'])
      expect(() => oidToArcs(fromHex(hex))).toThrow(InvalidArgumentError);
  });
});
