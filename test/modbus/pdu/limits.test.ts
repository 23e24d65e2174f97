// Hand-made negatives: every limit of Modbus spec §4 (checklist PDU-2) on encode (EncodeError
// naming the field) and on decode (DecodeError at the offset of the bad field).
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type ModbusRequest,
  type ModbusResponse,
} from '../../../src/modbus/pdu/index.js';
import { bytes, regs } from './expectations.js';

const words = (n: number): Uint16Array => new Uint16Array(n).fill(0x1234);
const coils = (n: number): boolean[] => Array.from({ length: n }, (_, i) => i % 3 === 0);
const zeros = (n: number): Uint8Array => new Uint8Array(n);
const hex = (...parts: string[]): Uint8Array => fromHex(parts.join(''));
const h4 = (n: number): string => n.toString(16).padStart(4, '0');

function fileReads(lengths: number[]): ModbusRequest {
  return {
    type: 'read-file-record',
    subRequests: lengths.map((recordLength, i) => ({
      referenceType: 6,
      fileNumber: 1,
      recordNumber: i,
      recordLength,
    })),
  };
}

function fileWrites(lengths: number[]): ModbusRequest {
  return {
    type: 'write-file-record',
    subRequests: lengths.map((n) => ({ referenceType: 6, fileNumber: 1, recordNumber: 0, values: words(n) })),
  };
}

function expectEncodeError(run: () => unknown, field: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(EncodeError);
    expect((e as EncodeError).code).toBe('ERR_ENCODE');
    expect((e as EncodeError).field).toBe(field);
    return;
  }
  expect.unreachable(`expected an EncodeError for ${field}`);
}

function expectDecodeError(run: () => unknown, offset: number): DecodeError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    const d = e as DecodeError;
    expect(d.code).toBe('ERR_DECODE');
    expect(d.layer).toBe('modbus-pdu');
    expect(d.offset).toBe(offset);
    return d;
  }
  return expect.unreachable(`expected a DecodeError at ${offset}`);
}

describe('encodeRequest limits', () => {
  const bad: [string, ModbusRequest, string][] = [
    ['FC1 quantity 0', { type: 'read-coils', address: 0, quantity: 0 }, 'quantity'],
    ['FC1 quantity 2001', { type: 'read-coils', address: 0, quantity: 2001 }, 'quantity'],
    ['FC1 quantity 1.5', { type: 'read-coils', address: 0, quantity: 1.5 }, 'quantity'],
    ['FC1 address 65536', { type: 'read-coils', address: 0x10000, quantity: 1 }, 'address'],
    ['FC1 address −1', { type: 'read-coils', address: -1, quantity: 1 }, 'address'],
    ['FC1 range past 65535', { type: 'read-coils', address: 0xfff0, quantity: 17 }, 'quantity'],
    ['FC2 quantity 2001', { type: 'read-discrete-inputs', address: 0, quantity: 2001 }, 'quantity'],
    ['FC3 quantity 0', { type: 'read-holding-registers', address: 0, quantity: 0 }, 'quantity'],
    ['FC3 quantity 126', { type: 'read-holding-registers', address: 0, quantity: 126 }, 'quantity'],
    ['FC4 quantity 126', { type: 'read-input-registers', address: 0, quantity: 126 }, 'quantity'],
    ['FC4 range past 65535', { type: 'read-input-registers', address: 0xffff, quantity: 2 }, 'quantity'],
    [
      'FC5 value not a boolean',
      { type: 'write-single-coil', address: 0, value: 0x1234 as unknown as boolean },
      'value',
    ],
    ['FC5 address', { type: 'write-single-coil', address: 0x10000, value: true }, 'address'],
    ['FC6 value 65536', { type: 'write-single-register', address: 0, value: 0x10000 }, 'value'],
    ['FC8 sub-function 65536', { type: 'diagnostics', subFunction: 0x10000, data: zeros(2) }, 'subFunction'],
    ['FC8/00 odd data', { type: 'diagnostics', subFunction: 0, data: zeros(3) }, 'data'],
    ['FC8/00 PDU of 255 bytes', { type: 'diagnostics', subFunction: 0, data: zeros(252) }, 'data'],
    ['FC8/01 two words', { type: 'diagnostics', subFunction: 1, data: zeros(4) }, 'data'],
    ['FC8/0B no word', { type: 'diagnostics', subFunction: 0x0b, data: zeros(0) }, 'data'],
    ['FC15 no coils', { type: 'write-multiple-coils', address: 0, values: [] }, 'values'],
    ['FC15 1969 coils', { type: 'write-multiple-coils', address: 0, values: coils(1969) }, 'values'],
    ['FC15 range past 65535', { type: 'write-multiple-coils', address: 0xfffe, values: coils(3) }, 'values'],
    ['FC16 no registers', { type: 'write-multiple-registers', address: 0, values: words(0) }, 'values'],
    ['FC16 124 registers', { type: 'write-multiple-registers', address: 0, values: words(124) }, 'values'],
    [
      'FC16 range past 65535',
      { type: 'write-multiple-registers', address: 0xffff, values: words(2) },
      'values',
    ],
    ['FC20 no sub-request', fileReads([]), 'subRequests'],
    ['FC20 36 sub-requests', fileReads(Array(36).fill(1)), 'subRequests'],
    ['FC20 record length 0', fileReads([0]), 'subRequests[0].recordLength'],
    ['FC20 response over 253 bytes', fileReads([100, 25]), 'subRequests[1].recordLength'],
    [
      'FC20 reference type 5',
      {
        type: 'read-file-record',
        subRequests: [{ referenceType: 5, fileNumber: 1, recordNumber: 0, recordLength: 1 }],
      },
      'subRequests[0].referenceType',
    ],
    [
      'FC20 file 0',
      {
        type: 'read-file-record',
        subRequests: [{ referenceType: 6, fileNumber: 0, recordNumber: 0, recordLength: 1 }],
      },
      'subRequests[0].fileNumber',
    ],
    [
      'FC20 record 10000',
      {
        type: 'read-file-record',
        subRequests: [{ referenceType: 6, fileNumber: 1, recordNumber: 10000, recordLength: 1 }],
      },
      'subRequests[0].recordNumber',
    ],
    [
      'FC20 records past 9999',
      {
        type: 'read-file-record',
        subRequests: [{ referenceType: 6, fileNumber: 1, recordNumber: 9999, recordLength: 2 }],
      },
      'subRequests[0].recordLength',
    ],
    ['FC21 no sub-request', fileWrites([]), 'subRequests'],
    ['FC21 empty record', fileWrites([0]), 'subRequests[0].recordLength'],
    ['FC21 request data over 0xFB', fileWrites([123]), 'subRequests[0].values'],
    ['FC21 request data over 0xFB in total', fileWrites([100, 20]), 'subRequests[1].values'],
    [
      'FC21 reference type 7',
      {
        type: 'write-file-record',
        subRequests: [{ referenceType: 7, fileNumber: 1, recordNumber: 0, values: words(1) }],
      },
      'subRequests[0].referenceType',
    ],
    ['FC22 AND mask', { type: 'mask-write-register', address: 0, andMask: 0x10000, orMask: 0 }, 'andMask'],
    ['FC22 OR mask', { type: 'mask-write-register', address: 0, andMask: 0, orMask: -1 }, 'orMask'],
    [
      'FC23 read quantity 126',
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 126,
        writeAddress: 0,
        values: words(1),
      },
      'readQuantity',
    ],
    [
      'FC23 read quantity 0',
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 0,
        writeAddress: 0,
        values: words(1),
      },
      'readQuantity',
    ],
    [
      'FC23 write quantity 122',
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 1,
        writeAddress: 0,
        values: words(122),
      },
      'values',
    ],
    [
      'FC23 write quantity 0',
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 1,
        writeAddress: 0,
        values: words(0),
      },
      'values',
    ],
    [
      'FC23 read range past 65535',
      {
        type: 'read-write-multiple-registers',
        readAddress: 0xffff,
        readQuantity: 2,
        writeAddress: 0,
        values: words(1),
      },
      'readQuantity',
    ],
    [
      'FC23 write range past 65535',
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 1,
        writeAddress: 0xffff,
        values: words(2),
      },
      'values',
    ],
    ['FC24 address', { type: 'read-fifo-queue', address: 0x10000 }, 'address'],
    [
      'FC43/14 code 0',
      { type: 'read-device-identification', readCode: 0 as unknown as 1, objectId: 0 },
      'readCode',
    ],
    [
      'FC43/14 code 5',
      { type: 'read-device-identification', readCode: 5 as unknown as 1, objectId: 0 },
      'readCode',
    ],
    ['FC43/14 object id 256', { type: 'read-device-identification', readCode: 1, objectId: 256 }, 'objectId'],
    ['FC43 MEI 14 as opaque', { type: 'encapsulated-interface', meiType: 14, data: zeros(2) }, 'meiType'],
    ['FC43 MEI 256', { type: 'encapsulated-interface', meiType: 256, data: zeros(0) }, 'meiType'],
    ['FC43 PDU of 254 bytes', { type: 'encapsulated-interface', meiType: 13, data: zeros(252) }, 'data'],
    ['raw function code 0', { type: 'raw', functionCode: 0, data: zeros(0) }, 'functionCode'],
    ['raw function code 128', { type: 'raw', functionCode: 0x80, data: zeros(0) }, 'functionCode'],
    ['raw PDU of 254 bytes', { type: 'raw', functionCode: 0x41, data: zeros(253) }, 'data'],
    ['unknown type', { type: 'read-everything' } as unknown as ModbusRequest, 'type'],
  ];
  for (const [name, request, field] of bad) {
    it(`${name} → EncodeError(${field})`, () => expectEncodeError(() => encodeRequest(request), field));
  }

  it('accepts every limit itself', () => {
    const good: ModbusRequest[] = [
      { type: 'read-coils', address: 0, quantity: 2000 },
      { type: 'read-coils', address: 0xffff, quantity: 1 },
      { type: 'read-discrete-inputs', address: 64536, quantity: 1000 },
      { type: 'read-holding-registers', address: 0xff83, quantity: 125 },
      { type: 'diagnostics', subFunction: 0, data: zeros(250) },
      { type: 'diagnostics', subFunction: 0, data: zeros(0) },
      // Reserved sub-functions take any even length, so that a server can answer 01 (spec §5.2).
      { type: 'diagnostics', subFunction: 0x15, data: zeros(4) },
      { type: 'write-multiple-coils', address: 0, values: coils(1968) },
      { type: 'write-multiple-registers', address: 0, values: words(123) },
      fileReads(Array(35).fill(1)),
      fileReads([124]),
      fileWrites([122]),
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 125,
        writeAddress: 0,
        values: words(121),
      },
      { type: 'encapsulated-interface', meiType: 13, data: zeros(251) },
      { type: 'raw', functionCode: 0x7f, data: zeros(252) },
      // raw may carry a public function code: the escape hatch for what typed messages refuse.
      { type: 'raw', functionCode: 3, data: hex('FFFF0002') },
    ];
    for (const request of good) expect(encodeRequest(request).length).toBeLessThanOrEqual(253);
    expect(encodeRequest(fileReads([124]))).toHaveLength(9);
  });

  it('pads the last coil byte with 0', () => {
    expect(toHex(encodeRequest({ type: 'write-multiple-coils', address: 0, values: coils(10) }))).toBe(
      '0F0000000A024902',
    );
  });
});

describe('encodeResponse limits', () => {
  const bad: [string, ModbusResponse, string][] = [
    ['FC1 no bits', { type: 'read-coils', values: [] }, 'values'],
    ['FC1 2001 bits', { type: 'read-coils', values: coils(2001) }, 'values'],
    ['FC2 2008 bits', { type: 'read-discrete-inputs', values: coils(2008) }, 'values'],
    ['FC3 no register', { type: 'read-holding-registers', values: words(0) }, 'values'],
    ['FC3 126 registers', { type: 'read-holding-registers', values: words(126) }, 'values'],
    ['FC4 126 registers', { type: 'read-input-registers', values: words(126) }, 'values'],
    ['FC23 126 registers', { type: 'read-write-multiple-registers', values: words(126) }, 'values'],
    [
      'FC5 value not boolean',
      { type: 'write-single-coil', address: 1, value: 1 as unknown as boolean },
      'value',
    ],
    ['FC7 status 256', { type: 'read-exception-status', status: 256 }, 'status'],
    ['FC8/02 two words', { type: 'diagnostics', subFunction: 2, data: zeros(4) }, 'data'],
    ['FC11 status', { type: 'get-comm-event-counter', status: 0x10000, eventCount: 0 }, 'status'],
    ['FC11 event count', { type: 'get-comm-event-counter', status: 0, eventCount: -1 }, 'eventCount'],
    [
      'FC12 65 events',
      { type: 'get-comm-event-log', status: 0, eventCount: 0, messageCount: 0, events: zeros(65) },
      'events',
    ],
    [
      'FC12 message count',
      { type: 'get-comm-event-log', status: 0, eventCount: 0, messageCount: 0x10000, events: zeros(0) },
      'messageCount',
    ],
    ['FC15 quantity 1969', { type: 'write-multiple-coils', address: 0, quantity: 1969 }, 'quantity'],
    ['FC15 quantity 0', { type: 'write-multiple-coils', address: 0, quantity: 0 }, 'quantity'],
    ['FC16 quantity 124', { type: 'write-multiple-registers', address: 0, quantity: 124 }, 'quantity'],
    ['FC16 range past 65535', { type: 'write-multiple-registers', address: 0xffff, quantity: 2 }, 'quantity'],
    ['FC17 252 bytes', { type: 'report-server-id', data: zeros(252) }, 'data'],
    ['FC20 no sub-response', { type: 'read-file-record', subResponses: [] }, 'subResponses'],
    [
      'FC20 empty sub-response',
      { type: 'read-file-record', subResponses: [{ referenceType: 6, values: words(0) }] },
      'subResponses[0].values',
    ],
    [
      'FC20 over 253 bytes',
      { type: 'read-file-record', subResponses: [{ referenceType: 6, values: words(125) }] },
      'subResponses[0].values',
    ],
    [
      'FC20 reference type 256',
      { type: 'read-file-record', subResponses: [{ referenceType: 256, values: words(1) }] },
      'subResponses[0].referenceType',
    ],
    ['FC24 32 values', { type: 'read-fifo-queue', values: words(32) }, 'values'],
    [
      'FC43/14 next object id without more follows',
      {
        type: 'read-device-identification',
        readCode: 1,
        conformityLevel: 1,
        moreFollows: false,
        nextObjectId: 3,
        objects: [],
      },
      'nextObjectId',
    ],
    [
      'FC43/14 object of 256 bytes',
      {
        type: 'read-device-identification',
        readCode: 3,
        conformityLevel: 0x83,
        moreFollows: false,
        nextObjectId: 0,
        objects: [{ id: 0x80, value: zeros(256) }],
      },
      'objects[0].value',
    ],
    [
      'FC43/14 objects over 253 bytes',
      {
        type: 'read-device-identification',
        readCode: 3,
        conformityLevel: 0x83,
        moreFollows: false,
        nextObjectId: 0,
        objects: [
          { id: 0x80, value: zeros(200) },
          { id: 0x81, value: zeros(43) },
        ],
      },
      'objects[1].value',
    ],
    [
      'FC43/14 conformity 256',
      {
        type: 'read-device-identification',
        readCode: 1,
        conformityLevel: 256,
        moreFollows: false,
        nextObjectId: 0,
        objects: [],
      },
      'conformityLevel',
    ],
    ['exception function code 0', { type: 'exception', functionCode: 0, exceptionCode: 1 }, 'functionCode'],
    [
      'exception function code 0x83',
      { type: 'exception', functionCode: 0x83, exceptionCode: 1 },
      'functionCode',
    ],
    ['exception code 256', { type: 'exception', functionCode: 3, exceptionCode: 256 }, 'exceptionCode'],
    ['raw function code 0x81', { type: 'raw', functionCode: 0x81, data: zeros(1) }, 'functionCode'],
    ['unknown type', { type: 'nothing' } as unknown as ModbusResponse, 'type'],
  ];
  for (const [name, response, field] of bad) {
    it(`${name} → EncodeError(${field})`, () => expectEncodeError(() => encodeResponse(response), field));
  }

  it('accepts every limit itself', () => {
    const largest: ModbusResponse[] = [
      { type: 'read-coils', values: coils(2000) },
      { type: 'read-holding-registers', values: words(125) },
      { type: 'report-server-id', data: zeros(251) },
      { type: 'read-fifo-queue', values: words(31) },
      { type: 'read-file-record', subResponses: [{ referenceType: 6, values: words(124) }] },
      { type: 'get-comm-event-log', status: 0, eventCount: 0, messageCount: 0, events: zeros(64) },
      {
        type: 'read-device-identification',
        readCode: 3,
        conformityLevel: 0x83,
        moreFollows: false,
        nextObjectId: 0,
        objects: [{ id: 0x80, value: zeros(244) }],
      },
    ];
    for (const response of largest) expect(decodeResponse(encodeResponse(response))).toEqual(response);
  });
});

describe('decodeRequest rejects with the offset of the bad field', () => {
  const cases: [string, Uint8Array, number][] = [
    ['empty PDU', zeros(0), 0],
    ['function code 0', hex('00'), 0],
    ['function code 0x80', hex('800000'), 0],
    ['function code 0xFF', hex('FF'), 0],
    ['PDU of 254 bytes', hex('41', '00'.repeat(253)), 253],
    ['FC1 quantity 0', hex('0100000000'), 3],
    ['FC1 quantity 2001', hex('01000007D1'), 3],
    ['FC1 truncated', hex('010000'), 3],
    ['FC1 trailing byte', hex('010000000100'), 5],
    ['FC2 quantity 0', hex('0200000000'), 3],
    ['FC3 quantity 126', hex('030000007E'), 3],
    ['FC4 quantity 0', hex('0400000000'), 3],
    ['FC5 value 0x00FF', hex('05000000FF'), 3],
    ['FC5 value 0xFF01', hex('050000FF01'), 3],
    ['FC5 truncated', hex('050000FF'), 4],
    ['FC6 trailing byte', hex('06000000000F'), 5],
    ['FC7 with data', hex('0700'), 1],
    ['FC8/00 odd data', hex('080000A537A5'), 5],
    ['FC8/01 two words', hex('080001FF000000'), 5],
    ['FC8/0B no word', hex('08000B'), 3],
    ['FC8 no sub-function', hex('0800'), 2],
    ['FC11 with data', hex('0B00'), 1],
    ['FC12 with data', hex('0C00'), 1],
    ['FC15 quantity 0', hex('0F0000000000'), 3],
    ['FC15 quantity 1969', hex('0F000007B1F7', '00'.repeat(247)), 3],
    ['FC15 byte count ≠ ceil(q/8)', hex('0F0013000A03CD0100'), 5],
    ['FC15 values truncated', hex('0F0013000A02CD'), 7],
    ['FC15 trailing byte', hex('0F0013000A02CD0100'), 8],
    ['FC16 quantity 124', hex('10000000', '7C', 'F8'), 3],
    ['FC16 byte count ≠ 2q', hex('100001000203000A01'), 5],
    ['FC16 values truncated', hex('100001000204000A01'), 9],
    ['FC17 with data', hex('1100'), 1],
    ['FC20 byte count 6', hex('1406', '060001000000'), 1],
    ['FC20 byte count 8 (not a multiple of 7)', hex('1408', '0600010000000100'), 1],
    ['FC20 byte count 0xFC', hex('14FC', '06000100000001'), 1],
    ['FC20 truncated', hex('140E', '06000400010002'), 9],
    ['FC20 record length 0', hex('1407', '06000400010000'), 7],
    ['FC20 response over 253 bytes', hex('140E', '06000400010064', '06000400010019'), 14],
    ['FC20 trailing byte', hex('1407', '06000400010002', '00'), 9],
    ['FC21 data length 8', hex('1508', '0600040007000106'), 1],
    ['FC21 data length 0xFC', hex('15FC', '060004000700010000'), 1],
    ['FC21 record length 0', hex('1509', '060004000700000000'), 7],
    ['FC21 record data past the data length', hex('1509', '0600040007000206AF'), 7],
    ['FC21 header cut by the data length', hex('150D', '06000400070001ABCD', '06000400'), 11],
    ['FC21 truncated', hex('150D', '0600040007000306AF04BE10'), 14],
    ['FC22 truncated', hex('16000400F200'), 6],
    ['FC23 read quantity 126', hex('170000007E0000000102', '0000'), 3],
    ['FC23 write quantity 122', hex('17000000010000007AF4', '00'.repeat(8)), 7],
    ['FC23 write byte count ≠ 2qw', hex('1700000001000000010300'), 9],
    ['FC24 trailing byte', hex('1804DE00'), 3],
    ['FC43 without MEI type', hex('2B'), 1],
    ['FC43/14 code 0', hex('2B0E0000'), 2],
    ['FC43/14 code 5', hex('2B0E0500'), 2],
    ['FC43/14 without object id', hex('2B0E01'), 3],
    ['FC43/14 trailing byte', hex('2B0E010000'), 4],
  ];
  for (const [name, pdu, offset] of cases) {
    it(`${name} → offset ${offset}`, () => expectDecodeError(() => decodeRequest(pdu), offset));
  }

  it('decodes what a server answers with 01 or 02 instead', () => {
    expect(decodeRequest(hex('0800150003'))).toEqual({
      type: 'diagnostics',
      subFunction: 0x15,
      data: bytes(0, 3),
    });
    expect(decodeRequest(hex('080005000000000000'))).toMatchObject({ type: 'diagnostics', subFunction: 5 });
    expect(decodeRequest(hex('2B0C0102'))).toEqual({
      type: 'encapsulated-interface',
      meiType: 12,
      data: bytes(1, 2),
    });
    expect(decodeRequest(hex('2B0D'))).toEqual({
      type: 'encapsulated-interface',
      meiType: 13,
      data: bytes(),
    });
    expect(decodeRequest(hex('09'))).toEqual({ type: 'raw', functionCode: 9, data: bytes() });
    expect(decodeRequest(hex('7F0102'))).toEqual({ type: 'raw', functionCode: 0x7f, data: bytes(1, 2) });
    expect(decodeRequest(hex('0F', 'FFFF', '0002', '01', '03'))).toEqual({
      type: 'write-multiple-coils',
      address: 0xffff,
      values: [true, true],
    });
    // Reference type 7, file 0 and record 10000: 02 from a server, not 03 (spec §4.12).
    expect(decodeRequest(hex('1407', '07', '0000', h4(10000), '0001'))).toEqual({
      type: 'read-file-record',
      subRequests: [{ referenceType: 7, fileNumber: 0, recordNumber: 10000, recordLength: 1 }],
    });
  });

  it('ignores the padding bits of FC15 values', () => {
    expect(decodeRequest(hex('0F0013000A02CDFD'))).toEqual(decodeRequest(hex('0F0013000A02CD01')));
  });
});

describe('decodeResponse rejects with the offset of the bad field', () => {
  const cases: [string, Uint8Array, number][] = [
    ['empty PDU', zeros(0), 0],
    ['function code 0', hex('0000'), 0],
    ['function code 0x80', hex('8001'), 0],
    ['PDU of 254 bytes', hex('41', '00'.repeat(253)), 253],
    ['exception without code', hex('83'), 1],
    ['exception of 3 bytes', hex('830200'), 2],
    ['FC1 byte count 0', hex('0100'), 1],
    ['FC1 byte count 251', hex('01FB', '00'.repeat(251)), 1],
    ['FC1 byte count over the length', hex('0103CD6B'), 4],
    ['FC1 trailing byte', hex('0102CD6B05'), 4],
    ['FC2 byte count 0', hex('0200'), 1],
    ['FC3 byte count 0', hex('0300'), 1],
    ['FC3 odd byte count', hex('0303000000'), 1],
    ['FC3 byte count 252', hex('03FC', '00'.repeat(16)), 1],
    ['FC3 truncated', hex('0304000000'), 5],
    ['FC4 trailing byte', hex('0402000A00'), 4],
    ['FC5 value 0x1234', hex('0500AC1234'), 3],
    ['FC6 truncated', hex('060001'), 3],
    ['FC7 without status', hex('07'), 1],
    ['FC7 trailing byte', hex('076D00'), 2],
    ['FC8/02 two words', hex('08000200000000'), 5],
    ['FC11 truncated', hex('0BFFFF01'), 4],
    ['FC12 byte count 5', hex('0C05', '0000000000'), 1],
    ['FC12 byte count 71', hex('0C47', '00'.repeat(71)), 1],
    ['FC12 truncated', hex('0C08', '000001080121'), 8],
    ['FC15 quantity 0', hex('0F00130000'), 3],
    ['FC15 quantity 1969', hex('0F001307B1'), 3],
    ['FC16 quantity 124', hex('100001007C'), 3],
    ['FC17 byte count over the length', hex('1105', 'B4FF'), 4],
    ['FC17 trailing byte', hex('1101', 'B4FF'), 3],
    ['FC20 data length 3', hex('1403', '030600'), 1],
    ['FC20 even file response length', hex('1405', '0406000000'), 2],
    ['FC20 file response length 1', hex('1405', '0106', '030600'), 2],
    ['FC20 file response past the data length', hex('1404', '05060DFE'), 2],
    ['FC20 truncated', hex('140C', '05060DFE0020', '050633CD00'), 13],
    ['FC20 trailing byte', hex('1404', '03060DFE', '00'), 6],
    ['FC21 echo with record length 0', hex('1509', '060004000700000000'), 7],
    ['FC22 trailing byte', hex('16000400F2002500'), 7],
    ['FC23 odd byte count', hex('1701', '00'), 1],
    ['FC24 byte count 0', hex('180000'), 1],
    ['FC24 odd byte count', hex('180003', '000000'), 1],
    ['FC24 byte count 66 (33 values)', hex('180042', '0020', '0000'.repeat(32)), 1],
    ['FC24 FIFO count ≠ byte count', hex('180006', '0003', '01B81284'), 3],
    ['FC24 truncated', hex('180006', '0002', '01B812'), 8],
    ['FC24 trailing byte', hex('180002', '0000', '00'), 5],
    ['FC43 without MEI type', hex('2B'), 1],
    ['FC43/14 code 0', hex('2B0E00010000', '00'), 2],
    ['FC43/14 More Follows 0x01', hex('2B0E01010100', '00'), 4],
    ['FC43/14 More Follows 0x80', hex('2B0E01018002', '00'), 4],
    ['FC43/14 header truncated', hex('2B0E01010000'), 6],
    ['FC43/14 more objects than bytes', hex('2B0E01010000', '03', '0001410101'), 6],
    ['FC43/14 object length past the end', hex('2B0E01010000', '01', '0005', '41424344'), 8],
    ['FC43/14 second object truncated', hex('2B0E01010000', '02', '000141', '01'), 11],
    ['FC43/14 trailing byte', hex('2B0E01010000', '01', '000141', '00'), 10],
  ];
  for (const [name, pdu, offset] of cases) {
    it(`${name} → offset ${offset}`, () => expectDecodeError(() => decodeResponse(pdu), offset));
  }

  it('names what it expected', () => {
    const e = expectDecodeError(() => decodeResponse(hex('2B0E01010100', '00')), 4);
    expect(e.expected).toBe('More Follows 0x00 or 0xFF');
    expect(e.message).toContain('modbus-pdu');
    expect(e.excerpt).toContain('[01]');
  });

  it('accepts any exception code byte and unassigned function codes', () => {
    expect(decodeResponse(hex('FF00'))).toEqual({ type: 'exception', functionCode: 0x7f, exceptionCode: 0 });
    expect(decodeResponse(hex('C1FF'))).toEqual({
      type: 'exception',
      functionCode: 0x41,
      exceptionCode: 0xff,
    });
    expect(decodeResponse(hex('6401'))).toEqual({ type: 'raw', functionCode: 100, data: bytes(1) });
    expect(decodeResponse(hex('2B0D'))).toEqual({
      type: 'encapsulated-interface',
      meiType: 13,
      data: bytes(),
    });
  });

  it('keeps what a client cannot judge without the request', () => {
    // FC1: every bit of the bytes, padding included; checkResponse trims to the quantity.
    expect(decodeResponse(hex('0101FF'))).toEqual({ type: 'read-coils', values: Array(8).fill(true) });
    // FC11 status other than 0x0000/0xFFFF, FC43 conformity level outside the table, next id with no more.
    expect(decodeResponse(hex('0B12340000'))).toMatchObject({ status: 0x1234 });
    expect(decodeResponse(hex('2B0E01450007', '00'))).toMatchObject({
      conformityLevel: 0x45,
      moreFollows: false,
      nextObjectId: 7,
      objects: [],
    });
    // FC20 sub-response reference type taken as received.
    expect(decodeResponse(hex('1404', '03', '07', '1234'))).toEqual({
      type: 'read-file-record',
      subResponses: [{ referenceType: 7, values: regs(0x1234) }],
    });
    // FC17 with no data.
    expect(decodeResponse(hex('1100'))).toEqual({ type: 'report-server-id', data: bytes() });
  });

  it('largest valid responses', () => {
    expect(decodeResponse(hex('03FA', '0102'.repeat(125)))).toEqual({
      type: 'read-holding-registers',
      values: new Uint16Array(125).fill(0x0102),
    });
    const fifo = decodeResponse(hex('180040', '001F', '0001'.repeat(31)));
    expect(fifo).toEqual({ type: 'read-fifo-queue', values: new Uint16Array(31).fill(1) });
    const log = decodeResponse(hex('0C46', '000000000000', 'C0'.repeat(64)));
    expect(log).toMatchObject({ type: 'get-comm-event-log', events: new Uint8Array(64).fill(0xc0) });
  });
});
