// The small exported helpers: bit packing, FC12 event classification, device-id names, the
// broadcast rule, function codes and the FC8 sub-function table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import {
  DeviceIdObjectId,
  DiagnosticsSubFunction,
  decodeResponse,
  describeCommEvent,
  deviceIdObjectName,
  ExceptionCode,
  exceptionName,
  FunctionCode,
  functionCodeOf,
  isBroadcastAllowed,
  isReservedDiagnosticsSubFunction,
  type ModbusRequest,
  packBits,
  unpackBits,
} from '../../../src/modbus/pdu/index.js';
import { bits, bytes, regs } from './expectations.js';

describe('packBits / unpackBits (spec §4.1)', () => {
  it('packs LSB first and pads with 0 — the spec example coils 20…38 = CD 6B 05', () => {
    const coils = bits('10110011 11010110 101');
    expect(toHex(packBits(coils))).toBe('CD6B05');
    expect(unpackBits(Uint8Array.of(0xcd, 0x6b, 0x05), 19)).toEqual(coils);
    expect(packBits([])).toEqual(new Uint8Array(0));
  });

  it('unpacks every bit by default, padding included', () => {
    expect(unpackBits(Uint8Array.of(0x80))).toEqual(bits('00000001'));
  });

  it('rejects a count beyond the bytes', () => {
    expect(() => unpackBits(Uint8Array.of(1), 9)).toThrow(InvalidArgumentError);
    expect(() => unpackBits(Uint8Array.of(1), -1)).toThrow(InvalidArgumentError);
  });

  it('round-trips any list', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 100 }), (values) => {
        expect(unpackBits(packBits(values), values.length)).toEqual(values);
      }),
    );
  });
});

describe('describeCommEvent (spec §4.8)', () => {
  it('classifies receive events (bit 7)', () => {
    expect(describeCommEvent(0xc2)).toEqual({
      type: 'receive',
      byte: 0xc2,
      communicationError: true,
      characterOverrun: false,
      listenOnlyMode: false,
      broadcastReceived: true,
    });
    expect(describeCommEvent(0xb0)).toMatchObject({
      type: 'receive',
      characterOverrun: true,
      listenOnlyMode: true,
    });
  });

  it('classifies send events (bit 6 without bit 7)', () => {
    expect(describeCommEvent(0x41)).toEqual({
      type: 'send',
      byte: 0x41,
      readExceptionSent: true,
      serverAbortExceptionSent: false,
      busyExceptionSent: false,
      programNakExceptionSent: false,
      writeTimeout: false,
      listenOnlyMode: false,
    });
    expect(describeCommEvent(0x7e)).toMatchObject({
      serverAbortExceptionSent: true,
      busyExceptionSent: true,
      programNakExceptionSent: true,
      writeTimeout: true,
      listenOnlyMode: true,
    });
  });

  it('knows 0x04 and 0x00, and reports anything else as unclassified (vector pdu-fc0C-rsp has 0x20)', () => {
    expect(describeCommEvent(0x04)).toEqual({ type: 'entered-listen-only', byte: 4 });
    expect(describeCommEvent(0x00)).toEqual({ type: 'communication-restart', byte: 0 });
    expect(describeCommEvent(0x20)).toEqual({ type: 'unclassified', byte: 0x20 });
    const log = decodeResponse(Uint8Array.of(0x0c, 0x08, 0, 0, 1, 8, 1, 0x21, 0x20, 0x00));
    if (log.type !== 'get-comm-event-log') return expect.unreachable();
    expect(Array.from(log.events, describeCommEvent).map((e) => e.type)).toEqual([
      'unclassified',
      'communication-restart',
    ]);
  });

  it('never fails on a byte', () => {
    for (let b = 0; b < 256; b++) expect(describeCommEvent(b).byte).toBe(b);
    expect(() => describeCommEvent(256)).toThrow(InvalidArgumentError);
  });
});

describe('deviceIdObjectName (spec §4.18)', () => {
  it('names the standard objects, reserved and private ids', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(deviceIdObjectName)).toEqual([
      'VendorName',
      'ProductCode',
      'MajorMinorRevision',
      'VendorUrl',
      'ProductName',
      'ModelName',
      'UserApplicationName',
    ]);
    expect(deviceIdObjectName(DeviceIdObjectId.modelName)).toBe('ModelName');
    expect(deviceIdObjectName(0x07)).toBe('reserved 0x07');
    expect(deviceIdObjectName(0x7f)).toBe('reserved 0x7F');
    expect(deviceIdObjectName(0x80)).toBe('private 0x80');
    expect(deviceIdObjectName(0xff)).toBe('private 0xFF');
    expect(() => deviceIdObjectName(256)).toThrow(InvalidArgumentError);
  });
});

describe('isBroadcastAllowed (spec §6)', () => {
  const diag = (subFunction: number): ModbusRequest => ({
    type: 'diagnostics',
    subFunction,
    data: bytes(0, 0),
  });
  it('allows FC5, 6, 15, 16, 21, 22 and FC8 sub-functions 1, 4, 0x0A, 0x14', () => {
    const allowed: ModbusRequest[] = [
      { type: 'write-single-coil', address: 0, value: true },
      { type: 'write-single-register', address: 11, value: 0x1234 },
      { type: 'write-multiple-coils', address: 0, values: [true] },
      { type: 'write-multiple-registers', address: 20, values: regs(1, 2) },
      {
        type: 'write-file-record',
        subRequests: [{ referenceType: 6, fileNumber: 1, recordNumber: 0, values: regs(1) }],
      },
      { type: 'mask-write-register', address: 0, andMask: 0, orMask: 0 },
      diag(1),
      diag(4),
      diag(0x0a),
      diag(0x14),
    ];
    for (const request of allowed) expect(isBroadcastAllowed(request)).toBe(true);
  });

  it('refuses reads, other FC8 sub-functions and everything else', () => {
    const refused: ModbusRequest[] = [
      { type: 'read-coils', address: 0, quantity: 1 },
      { type: 'read-discrete-inputs', address: 0, quantity: 1 },
      { type: 'read-holding-registers', address: 0, quantity: 1 },
      { type: 'read-input-registers', address: 0, quantity: 1 },
      { type: 'read-exception-status' },
      diag(0),
      diag(2),
      diag(3),
      diag(0x0b),
      diag(0x13),
      { type: 'get-comm-event-counter' },
      { type: 'get-comm-event-log' },
      { type: 'report-server-id' },
      {
        type: 'read-file-record',
        subRequests: [{ referenceType: 6, fileNumber: 1, recordNumber: 0, recordLength: 1 }],
      },
      {
        type: 'read-write-multiple-registers',
        readAddress: 0,
        readQuantity: 1,
        writeAddress: 0,
        values: regs(1),
      },
      { type: 'read-fifo-queue', address: 0 },
      { type: 'read-device-identification', readCode: 1, objectId: 0 },
      { type: 'encapsulated-interface', meiType: 13, data: bytes() },
      { type: 'raw', functionCode: 0x41, data: bytes() },
    ];
    for (const request of refused) expect(isBroadcastAllowed(request)).toBe(false);
  });
});

describe('functionCodeOf', () => {
  it('maps every type to its code; raw and exception carry their own', () => {
    expect(functionCodeOf({ type: 'read-fifo-queue', address: 0 })).toBe(FunctionCode.readFifoQueue);
    expect(functionCodeOf({ type: 'read-device-identification', readCode: 4, objectId: 0 })).toBe(0x2b);
    expect(functionCodeOf({ type: 'encapsulated-interface', meiType: 13, data: bytes() })).toBe(0x2b);
    expect(functionCodeOf({ type: 'get-comm-event-log' })).toBe(12);
    expect(functionCodeOf({ type: 'raw', functionCode: 0x64, data: bytes() })).toBe(0x64);
    expect(functionCodeOf({ type: 'exception', functionCode: 3, exceptionCode: 2 })).toBe(3);
  });
});

describe('FC8 sub-functions (spec §4.6)', () => {
  it('reserves 5–9, 0x13 and 0x15–0xFFFF', () => {
    const reserved = [5, 6, 7, 8, 9, 0x13, 0x15, 0x16, 0xffff];
    for (const s of reserved) expect(isReservedDiagnosticsSubFunction(s)).toBe(true);
    for (const s of Object.values(DiagnosticsSubFunction))
      expect(isReservedDiagnosticsSubFunction(s)).toBe(false);
  });
});

describe('re-exported constants', () => {
  it('exposes function codes, exception codes and names', () => {
    expect(FunctionCode.readWriteMultipleRegisters).toBe(0x17);
    expect(exceptionName(ExceptionCode.gatewayTargetDeviceFailedToRespond)).toBe(
      'GATEWAY TARGET DEVICE FAILED TO RESPOND',
    );
  });
});
