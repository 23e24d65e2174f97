// Client-side response validation (Modbus spec §5.3, checklist PDU-4): each kind of mismatch is a
// ProtocolError; matching responses come back (FC1/FC2 bit lists trimmed to the quantity).
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/core/errors.js';
import { fromHex } from '../../../src/core/hex.js';
import {
  checkResponse,
  decodeResponse,
  type ModbusRequest,
  type ModbusResponse,
} from '../../../src/modbus/pdu/index.js';
import { bits, bytes, regs } from './expectations.js';

const readCoils: ModbusRequest = { type: 'read-coils', address: 0x13, quantity: 19 };
const fileRead: ModbusRequest = {
  type: 'read-file-record',
  subRequests: [
    { referenceType: 6, fileNumber: 4, recordNumber: 1, recordLength: 2 },
    { referenceType: 6, fileNumber: 3, recordNumber: 9, recordLength: 2 },
  ],
};
const fileWrite: ModbusRequest = {
  type: 'write-file-record',
  subRequests: [{ referenceType: 6, fileNumber: 4, recordNumber: 7, values: regs(0x06af, 0x04be, 0x100d) }],
};
const deviceId: ModbusRequest = { type: 'read-device-identification', readCode: 1, objectId: 0 };
const deviceIdResponse = (readCode: 1 | 2 | 3 | 4): ModbusResponse => ({
  type: 'read-device-identification',
  readCode,
  conformityLevel: 0x81,
  moreFollows: false,
  nextObjectId: 0,
  objects: [],
});

function expectMismatch(request: ModbusRequest, response: ModbusResponse, message: RegExp): void {
  try {
    checkResponse(request, response);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe('ERR_PROTOCOL');
    expect((e as ProtocolError).message).toMatch(message);
    return;
  }
  expect.unreachable('expected a ProtocolError');
}

describe('checkResponse accepts matching responses', () => {
  it('trims FC1/FC2 bit lists to exactly the quantity', () => {
    const res = checkResponse(readCoils, decodeResponse(fromHex('0103CD6B05')));
    expect(res).toEqual({ type: 'read-coils', values: bits('10110011 11010110 101') });
    const inputs = checkResponse(
      { type: 'read-discrete-inputs', address: 0xc4, quantity: 22 },
      decodeResponse(fromHex('0203ACDB35')),
    );
    expect(inputs.type === 'read-discrete-inputs' && inputs.values).toHaveLength(22);
  });

  it('returns exceptions as they are when the function code matches', () => {
    const exc: ModbusResponse = { type: 'exception', functionCode: 1, exceptionCode: 2 };
    expect(checkResponse(readCoils, exc)).toBe(exc);
    expect(
      checkResponse(deviceId, { type: 'exception', functionCode: 0x2b, exceptionCode: 3 }),
    ).toMatchObject({
      exceptionCode: 3,
    });
    expect(
      checkResponse(
        { type: 'raw', functionCode: 0x41, data: bytes() },
        { type: 'exception', functionCode: 0x41, exceptionCode: 1 },
      ),
    ).toMatchObject({ functionCode: 0x41 });
  });

  it('accepts echoes, counts and codes that fit', () => {
    const ok: [ModbusRequest, ModbusResponse][] = [
      [
        { type: 'read-holding-registers', address: 0x6b, quantity: 3 },
        { type: 'read-holding-registers', values: regs(1, 2, 3) },
      ],
      [
        { type: 'read-input-registers', address: 8, quantity: 1 },
        { type: 'read-input-registers', values: regs(10) },
      ],
      [
        { type: 'write-single-coil', address: 0xac, value: true },
        { type: 'write-single-coil', address: 0xac, value: true },
      ],
      [
        { type: 'write-single-register', address: 1, value: 3 },
        { type: 'write-single-register', address: 1, value: 3 },
      ],
      [
        { type: 'diagnostics', subFunction: 0, data: bytes(0xa5, 0x37) },
        { type: 'diagnostics', subFunction: 0, data: bytes(0xa5, 0x37) },
      ],
      // Sub-function 0x0B returns a counter, not an echo.
      [
        { type: 'diagnostics', subFunction: 0x0b, data: bytes(0, 0) },
        { type: 'diagnostics', subFunction: 0x0b, data: bytes(0x01, 0x23) },
      ],
      [
        { type: 'write-multiple-coils', address: 0x13, values: bits('10110011 10') },
        { type: 'write-multiple-coils', address: 0x13, quantity: 10 },
      ],
      [
        { type: 'write-multiple-registers', address: 1, values: regs(10, 258) },
        { type: 'write-multiple-registers', address: 1, quantity: 2 },
      ],
      [
        fileRead,
        {
          type: 'read-file-record',
          subResponses: [
            { referenceType: 6, values: regs(0x0dfe, 0x0020) },
            { referenceType: 6, values: regs(0x33cd, 0x0040) },
          ],
        },
      ],
      [fileWrite, structuredClone(fileWrite) as ModbusResponse],
      [
        { type: 'mask-write-register', address: 4, andMask: 0xf2, orMask: 0x25 },
        { type: 'mask-write-register', address: 4, andMask: 0xf2, orMask: 0x25 },
      ],
      [
        {
          type: 'read-write-multiple-registers',
          readAddress: 3,
          readQuantity: 2,
          writeAddress: 14,
          values: regs(1),
        },
        { type: 'read-write-multiple-registers', values: regs(5, 6) },
      ],
      [{ type: 'read-exception-status' }, { type: 'read-exception-status', status: 0x6d }],
      [{ type: 'get-comm-event-counter' }, { type: 'get-comm-event-counter', status: 0, eventCount: 1 }],
      [
        { type: 'get-comm-event-log' },
        { type: 'get-comm-event-log', status: 0, eventCount: 1, messageCount: 2, events: bytes() },
      ],
      [{ type: 'report-server-id' }, { type: 'report-server-id', data: bytes(1, 0xff) }],
      [
        { type: 'read-fifo-queue', address: 0x4de },
        { type: 'read-fifo-queue', values: regs(0x1b8, 0x1284) },
      ],
      [deviceId, deviceIdResponse(1)],
      [
        { type: 'encapsulated-interface', meiType: 13, data: bytes(1) },
        { type: 'encapsulated-interface', meiType: 13, data: bytes(2, 3) },
      ],
      [
        { type: 'raw', functionCode: 0x41, data: bytes(1) },
        { type: 'raw', functionCode: 0x41, data: bytes(9, 9) },
      ],
      // A raw request with a public code gets the typed response of that code.
      [
        { type: 'raw', functionCode: 3, data: bytes(0, 0, 0, 1) },
        { type: 'read-holding-registers', values: regs(7) },
      ],
    ];
    for (const [request, response] of ok) expect(checkResponse(request, response)).toEqual(response);
  });
});

describe('checkResponse rejects each kind of mismatch with a ProtocolError', () => {
  it('exception for another function code', () => {
    expectMismatch(
      readCoils,
      { type: 'exception', functionCode: 3, exceptionCode: 2 },
      /exception response for FC3/,
    );
  });

  it('another response type', () => {
    expectMismatch(
      readCoils,
      { type: 'read-discrete-inputs', values: bits('1') },
      /got read-discrete-inputs \(FC2\)/,
    );
    expectMismatch(
      { type: 'read-holding-registers', address: 0, quantity: 1 },
      { type: 'read-input-registers', values: regs(1) },
      /FC3 read-holding-registers .* got read-input-registers \(FC4\)/,
    );
    expectMismatch(
      { type: 'report-server-id' },
      { type: 'read-exception-status', status: 0 },
      /got read-exception-status/,
    );
  });

  it('FC1/FC2 byte count that does not fit the quantity', () => {
    expectMismatch(
      readCoils,
      { type: 'read-coils', values: bits('10110011 11010110') },
      /byte count 2, expected 3/,
    );
    expectMismatch(readCoils, decodeResponse(fromHex('010400000000')), /byte count 4, expected 3/);
  });

  it('FC3/FC4/FC23 register count', () => {
    expectMismatch(
      { type: 'read-holding-registers', address: 0, quantity: 3 },
      { type: 'read-holding-registers', values: regs(1, 2) },
      /2 registers, expected 3/,
    );
    expectMismatch(
      { type: 'read-input-registers', address: 0, quantity: 1 },
      { type: 'read-input-registers', values: regs(1, 2) },
      /2 registers, expected 1/,
    );
    expectMismatch(
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 6,
        writeAddress: 0,
        values: regs(1),
      },
      { type: 'read-write-multiple-registers', values: regs(1, 2, 3) },
      /3 registers, expected 6/,
    );
  });

  it('FC5/FC6 echo', () => {
    const coil: ModbusRequest = { type: 'write-single-coil', address: 0xac, value: true };
    expectMismatch(
      coil,
      { type: 'write-single-coil', address: 0xad, value: true },
      /address 173 differs from .* 172/,
    );
    expectMismatch(coil, { type: 'write-single-coil', address: 0xac, value: false }, /value false differs/);
    const reg: ModbusRequest = { type: 'write-single-register', address: 1, value: 3 };
    expectMismatch(reg, { type: 'write-single-register', address: 2, value: 3 }, /address/);
    expectMismatch(reg, { type: 'write-single-register', address: 1, value: 4 }, /value 4 differs/);
  });

  it('FC8 sub-function, echo data and counter size', () => {
    const query: ModbusRequest = { type: 'diagnostics', subFunction: 0, data: bytes(0xa5, 0x37) };
    expectMismatch(query, { type: 'diagnostics', subFunction: 1, data: bytes(0xa5, 0x37) }, /sub-function 1/);
    expectMismatch(query, { type: 'diagnostics', subFunction: 0, data: bytes(0xa5, 0x38) }, /echoed data/);
    expectMismatch(
      { type: 'diagnostics', subFunction: 0x0a, data: bytes(0, 0) },
      { type: 'diagnostics', subFunction: 0x0a, data: bytes(0, 1) },
      /echoed data/,
    );
    expectMismatch(
      { type: 'diagnostics', subFunction: 0x0b, data: bytes(0, 0) },
      { type: 'diagnostics', subFunction: 0x0b, data: bytes(0, 0, 0, 0) },
      /one 16-bit value/,
    );
  });

  it('FC15/FC16 echo of address and quantity', () => {
    const coils: ModbusRequest = { type: 'write-multiple-coils', address: 0x13, values: bits('1011001110') };
    expectMismatch(coils, { type: 'write-multiple-coils', address: 0x14, quantity: 10 }, /address/);
    expectMismatch(
      coils,
      { type: 'write-multiple-coils', address: 0x13, quantity: 11 },
      /quantity 11 differs .* 10/,
    );
    const registers: ModbusRequest = { type: 'write-multiple-registers', address: 1, values: regs(1, 2) };
    expectMismatch(
      registers,
      { type: 'write-multiple-registers', address: 1, quantity: 1 },
      /quantity 1 differs/,
    );
  });

  it('FC20 sub-response count, record lengths and reference type', () => {
    const sub = { referenceType: 6, values: regs(1, 2) };
    expectMismatch(
      fileRead,
      { type: 'read-file-record', subResponses: [sub] },
      /1 sub-responses, expected 2/,
    );
    expectMismatch(
      fileRead,
      { type: 'read-file-record', subResponses: [sub, { referenceType: 6, values: regs(1) }] },
      /sub-response 1 has 1 registers, expected 2/,
    );
    expectMismatch(
      fileRead,
      { type: 'read-file-record', subResponses: [{ referenceType: 7, values: regs(1, 2) }, sub] },
      /reference type of sub-response 0/,
    );
  });

  it('FC21 echo', () => {
    const echo = structuredClone(fileWrite) as Extract<ModbusResponse, { type: 'write-file-record' }>;
    echo.subRequests[0]!.values[2] = 0;
    expectMismatch(fileWrite, echo, /echoed sub-request 0 differs/);
    expectMismatch(
      fileWrite,
      { type: 'write-file-record', subRequests: [] },
      /0 echoed sub-requests, expected 1/,
    );
    const other = structuredClone(fileWrite) as Extract<ModbusResponse, { type: 'write-file-record' }>;
    other.subRequests[0]!.recordNumber = 8;
    expectMismatch(fileWrite, other, /echoed sub-request 0 differs/);
  });

  it('FC22 echo of the masks', () => {
    const req: ModbusRequest = { type: 'mask-write-register', address: 4, andMask: 0xf2, orMask: 0x25 };
    expectMismatch(
      req,
      { type: 'mask-write-register', address: 4, andMask: 0xf2, orMask: 0x24 },
      /OR 0x0024/,
    );
    expectMismatch(req, { type: 'mask-write-register', address: 5, andMask: 0xf2, orMask: 0x25 }, /address/);
  });

  it('FC43/14 Read Device ID code echo and MEI type', () => {
    expectMismatch(deviceId, deviceIdResponse(2), /Read Device ID code 2 differs/);
    expectMismatch(
      deviceId,
      { type: 'encapsulated-interface', meiType: 13, data: bytes() },
      /got encapsulated-interface \(FC43\)/,
    );
    expectMismatch(
      { type: 'encapsulated-interface', meiType: 13, data: bytes() },
      { type: 'encapsulated-interface', meiType: 12, data: bytes() },
      /MEI type 12 differs/,
    );
  });

  it('raw with another function code', () => {
    expectMismatch(
      { type: 'raw', functionCode: 0x41, data: bytes() },
      { type: 'raw', functionCode: 0x42, data: bytes() },
      /response function code 66/,
    );
    expectMismatch(
      { type: 'raw', functionCode: 0x41, data: bytes() },
      { type: 'read-coils', values: bits('1') },
      /response function code 1/,
    );
  });
});
