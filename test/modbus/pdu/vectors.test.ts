// Golden vectors (Modbus spec §15): every `pdu` vector decodes to its documented meaning and
// encodes back to the same bytes; the PDUs inside the single-ADU rtu/tcp/ascii vectors round-trip;
// the INVALID vectors whose problem is at PDU level are rejected with the right offset.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  checkResponse,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type ModbusRequest,
  type ModbusResponse,
} from '../../../src/modbus/pdu/index.js';
import {
  isInvalid,
  type ModbusVector,
  modbusVector,
  modbusVectors,
  vectorBytes,
} from '../../helpers/vectors.js';
import { ascii, regs, requestMeanings, responseMeanings } from './expectations.js';

/** INVALID vectors rejected by the PDU codec, with the offset of the bad field. */
const rejectedByCodec: Record<string, { offset: number; expected: RegExp }> = {
  'pdu-fc05-req-illegal-value': { offset: 3, expected: /0xFF00/ },
  'tcp-exc-req-qty126': { offset: 3, expected: /quantity 1–125/ },
  'tcp-exc-req-qty2001': { offset: 3, expected: /quantity 1–2000/ },
  'tcp-exc-req-fc05-value': { offset: 3, expected: /0xFF00/ },
  'tcp-fc2B-req-badcode': { offset: 2, expected: /Read Device ID code 1–4/ },
  // FC16 with 124 registers: a 254-byte PDU, over the 253-byte limit (spec §1, §4.10).
  'tcp-fc10-req-qty124': { offset: 253, expected: /at most 253 bytes/ },
};

/** INVALID vectors a server rejects with exception 01, after the codec decoded them. */
const rejectedByServer: Record<string, ModbusRequest> = {
  'pdu-fc08-13-req-reserved': { type: 'diagnostics', subFunction: 0x13, data: Uint8Array.of(0, 0) },
  'tcp-exc-req-illegal-fn': { type: 'raw', functionCode: 0x41, data: Uint8Array.of(0x0d) },
};

/**
 * Vectors that decode but that the encoder refuses: a client must not send a range past 65535
 * (spec §2), while a server must decode it to answer 02.
 */
const decodeOnly = new Set(['tcp-exc-req-addr']);

/** INVALID vectors whose problem is in the framing (CRC, several ADUs), not in a PDU. */
const framingProblems = new Set(['rtu-bad-crc', 'tcp-pipelined-4req']);

/** The PDU inside a vector, or `undefined` when it holds several ADUs. */
function innerPdu(v: ModbusVector): Uint8Array | undefined {
  const b = vectorBytes(v);
  switch (v.framing) {
    case 'pdu':
      return b;
    case 'rtu':
      // address, PDU, CRC (2 bytes)
      return b.subarray(1, b.length - 2);
    case 'tcp': {
      // 7-byte MBAP header; only when its length field covers exactly the rest (one ADU).
      const length = (b[4]! << 8) | b[5]!;
      return 6 + length === b.length ? b.subarray(7) : undefined;
    }
    case 'ascii': {
      // ':' address PDU LRC CR LF, in hex
      const text = v.text!;
      const body = fromHex(text.slice(1, text.indexOf('\r') - 2));
      return body.subarray(1);
    }
  }
}

function decode(v: ModbusVector, pdu: Uint8Array): ModbusRequest | ModbusResponse {
  return v.direction === 'request' ? decodeRequest(pdu) : decodeResponse(pdu);
}

function encode(v: ModbusVector, msg: ModbusRequest | ModbusResponse): Uint8Array {
  return v.direction === 'request'
    ? encodeRequest(msg as ModbusRequest)
    : encodeResponse(msg as ModbusResponse);
}

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

const pduVectors = modbusVectors.filter((v) => v.framing === 'pdu' && !(v.id in rejectedByCodec));

describe('pdu vectors: documented meaning, encode, round trip', () => {
  it('every pdu vector has a written-out meaning', () => {
    const missing = pduVectors
      .filter((v) => !(v.id in (v.direction === 'request' ? requestMeanings : responseMeanings)))
      .map((v) => v.id);
    expect(missing).toEqual([]);
  });

  for (const v of pduVectors) {
    it(`${v.id}: ${v.meaning.slice(0, 70)}`, () => {
      const pdu = vectorBytes(v);
      const meaning = v.direction === 'request' ? requestMeanings[v.id] : responseMeanings[v.id];
      const decoded = decode(v, pdu);
      expect(decoded).toEqual(meaning);
      expect(toHex(encode(v, meaning!))).toBe(v.hex);
      expect(toHex(encode(v, decoded))).toBe(v.hex);
    });
  }
});

describe('PDUs inside single-ADU rtu/tcp/ascii vectors', () => {
  const transported = modbusVectors.filter(
    (v) => v.framing !== 'pdu' && !framingProblems.has(v.id) && !(v.id in rejectedByCodec),
  );

  it('covers the transports', () => {
    const counts = { rtu: 0, tcp: 0, ascii: 0 };
    for (const v of transported) if (innerPdu(v)) counts[v.framing as keyof typeof counts]++;
    expect(counts.rtu).toBeGreaterThan(50);
    expect(counts.tcp).toBeGreaterThan(50);
    expect(counts.ascii).toBeGreaterThan(10);
  });

  for (const v of transported) {
    const pdu = innerPdu(v);
    if (!pdu || decodeOnly.has(v.id)) continue; // several ADUs back to back: a framing test
    it(`${v.id}: decode, re-encode, same bytes`, () => {
      const decoded = decode(v, pdu);
      expect(toHex(encode(v, decoded))).toBe(toHex(pdu));
    });
  }

  it('tcp-fc2B-rsp-ext-more: 221-byte response, 8 objects, more follows, next 0x81', () => {
    const res = decodeResponse(innerPdu(modbusVector('tcp-fc2B-rsp-ext-more'))!);
    expect(res.type).toBe('read-device-identification');
    if (res.type !== 'read-device-identification') return;
    expect(res).toMatchObject({ readCode: 3, conformityLevel: 0x83, moreFollows: true, nextObjectId: 0x81 });
    expect(res.objects.map((o) => o.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 0x80]);
    expect(res.objects[3]!.value).toEqual(ascii('http://example.com'));
    expect(res.objects[7]!.value).toEqual(ascii('X'.repeat(120)));
  });

  it('tcp-fc01-rsp-maxqty: 250 bytes of 0x55 give 2000 alternating coils, ON first', () => {
    const res = decodeResponse(innerPdu(modbusVector('tcp-fc01-rsp-maxqty'))!);
    expect(res.type).toBe('read-coils');
    if (res.type !== 'read-coils') return;
    expect(res.values).toHaveLength(2000);
    expect(res.values.every((b, i) => b === (i % 2 === 0))).toBe(true);
  });

  it('maximum-quantity requests decode to their limits', () => {
    expect(decodeRequest(innerPdu(modbusVector('rtu-fc0F-req-maxqty'))!)).toMatchObject({
      type: 'write-multiple-coils',
      address: 3000,
      values: expect.any(Array),
    });
    const coils = decodeRequest(innerPdu(modbusVector('rtu-fc0F-req-maxqty'))!);
    if (coils.type === 'write-multiple-coils') expect(coils.values).toHaveLength(1968);
    const rw = decodeRequest(innerPdu(modbusVector('rtu-fc17-req-maxqty'))!);
    expect(rw).toMatchObject({ type: 'read-write-multiple-registers', readAddress: 2000, readQuantity: 125 });
    if (rw.type === 'read-write-multiple-registers') expect(rw.values).toHaveLength(121);
    const regsReq = decodeRequest(innerPdu(modbusVector('tcp-fc10-req-maxqty'))!);
    if (regsReq.type === 'write-multiple-registers') expect(regsReq.values).toHaveLength(123);
    else expect.unreachable();
  });

  it('FC17 data is exposed raw (libmodbus and pymodbus layouts)', () => {
    expect(decodeResponse(innerPdu(modbusVector('rtu-fc11-rsp-libmodbus'))!)).toEqual({
      type: 'report-server-id',
      data: Uint8Array.of(0xb4, 0xff, ...ascii('LMB3.1.6')),
    });
    expect(decodeResponse(innerPdu(modbusVector('tcp-fc11-rsp'))!)).toEqual({
      type: 'report-server-id',
      data: Uint8Array.of(...ascii('Company identification-Product code XX-V2.11'), 0xff),
    });
  });

  it('tcp-exc-req-addr: the range past 65535 decodes (a server answers 02, not 03) but is not encoded', () => {
    expect(decodeRequest(innerPdu(modbusVector('tcp-exc-req-addr'))!)).toEqual({
      type: 'read-holding-registers',
      address: 0xffff,
      quantity: 2,
    });
    expect(() => encodeRequest({ type: 'read-holding-registers', address: 0xffff, quantity: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODE', field: 'quantity' }),
    );
  });

  it('pipelined responses match their requests through checkResponse', () => {
    // tcp-pipelined-4rsp: FC3 of 6 registers from 3 (register 4 = 0x0017 after the FC22 example).
    const res = checkResponse(
      { type: 'read-holding-registers', address: 3, quantity: 6 },
      decodeResponse(fromHex('030C00FE001700010003000D00FF')),
    );
    expect(res).toEqual({ type: 'read-holding-registers', values: regs(0xfe, 0x17, 1, 3, 0x0d, 0xff) });
  });
});

describe('INVALID vectors', () => {
  it('every INVALID vector is classified', () => {
    const known = new Set([
      ...Object.keys(rejectedByCodec),
      ...Object.keys(rejectedByServer),
      ...framingProblems,
    ]);
    expect(
      modbusVectors
        .filter(isInvalid)
        .map((v) => v.id)
        .filter((id) => !known.has(id)),
    ).toEqual([]);
  });

  for (const [id, { offset, expected }] of Object.entries(rejectedByCodec)) {
    it(`${id} → DecodeError at offset ${offset}`, () => {
      const v = modbusVector(id);
      expect(isInvalid(v)).toBe(true);
      const e = decodeError(() => decodeRequest(innerPdu(v)!));
      expect(e.code).toBe('ERR_DECODE');
      expect(e.layer).toBe('modbus-pdu');
      expect(e.offset).toBe(offset);
      expect(e.expected).toMatch(expected);
    });
  }

  for (const [id, meaning] of Object.entries(rejectedByServer)) {
    it(`${id} decodes (the server answers exception 01)`, () => {
      const v = modbusVector(id);
      expect(isInvalid(v)).toBe(true);
      expect(decodeRequest(innerPdu(v)!)).toEqual(meaning);
    });
  }
});
