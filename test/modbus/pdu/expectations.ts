// The documented meaning of every `pdu` vector of test/vectors/modbus.json, written out field by
// field from the vector's `meaning` text (Modbus spec §15). Kept apart from the tests so the table
// reads like the vector file.
import type { ModbusRequest, ModbusResponse } from '../../../src/modbus/pdu/index.js';

/** Registers from numbers. */
export const regs = (...values: number[]): Uint16Array => Uint16Array.from(values);

/** ASCII text as bytes (device identification objects, FC17 data). */
export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Bytes from numbers. */
export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/**
 * Bits written LSB first, as the items follow one another on the wire: `'10110011'` is 0xCD
 * (item 0 = bit 0). Spaces are ignored.
 */
export const bits = (text: string): boolean[] => [...text.replace(/ /g, '')].map((c) => c === '1');

export const requestMeanings: Record<string, ModbusRequest> = {
  'pdu-fc01-req': { type: 'read-coils', address: 0x0013, quantity: 19 },
  'pdu-fc02-req': { type: 'read-discrete-inputs', address: 0x00c4, quantity: 22 },
  'pdu-fc03-req': { type: 'read-holding-registers', address: 0x006b, quantity: 3 },
  'pdu-fc04-req': { type: 'read-input-registers', address: 0x0008, quantity: 1 },
  'pdu-fc05-req-on': { type: 'write-single-coil', address: 0x00ac, value: true },
  'pdu-fc05-req-off': { type: 'write-single-coil', address: 0x00ac, value: false },
  'pdu-fc06-req': { type: 'write-single-register', address: 0x0001, value: 0x0003 },
  'pdu-fc07-req': { type: 'read-exception-status' },
  'pdu-fc08-00-req': { type: 'diagnostics', subFunction: 0x0000, data: bytes(0xa5, 0x37) },
  'pdu-fc08-01-req': { type: 'diagnostics', subFunction: 0x0001, data: bytes(0xff, 0x00) },
  'pdu-fc08-03-req': { type: 'diagnostics', subFunction: 0x0003, data: bytes(0x0d, 0x00) },
  'pdu-fc08-04-req': { type: 'diagnostics', subFunction: 0x0004, data: bytes(0x00, 0x00) },
  'pdu-fc08-0A-req': { type: 'diagnostics', subFunction: 0x000a, data: bytes(0x00, 0x00) },
  // Reserved sub-function: decodes; the server answers 01 (spec §4.6).
  'pdu-fc08-13-req-reserved': { type: 'diagnostics', subFunction: 0x0013, data: bytes(0x00, 0x00) },
  'pdu-fc0B-req': { type: 'get-comm-event-counter' },
  'pdu-fc0C-req': { type: 'get-comm-event-log' },
  'pdu-fc0F-req': { type: 'write-multiple-coils', address: 0x0013, values: bits('10110011 10') },
  'pdu-fc10-req': { type: 'write-multiple-registers', address: 0x0001, values: regs(0x000a, 0x0102) },
  'pdu-fc11-req': { type: 'report-server-id' },
  'pdu-fc14-req': {
    type: 'read-file-record',
    subRequests: [
      { referenceType: 6, fileNumber: 4, recordNumber: 1, recordLength: 2 },
      { referenceType: 6, fileNumber: 3, recordNumber: 9, recordLength: 2 },
    ],
  },
  'pdu-fc15-req': {
    type: 'write-file-record',
    subRequests: [{ referenceType: 6, fileNumber: 4, recordNumber: 7, values: regs(0x06af, 0x04be, 0x100d) }],
  },
  'pdu-fc16-req': { type: 'mask-write-register', address: 4, andMask: 0x00f2, orMask: 0x0025 },
  'pdu-fc17-req': {
    type: 'read-write-multiple-registers',
    readAddress: 3,
    readQuantity: 6,
    writeAddress: 14,
    values: regs(0x00ff, 0x00ff, 0x00ff),
  },
  'pdu-fc18-req': { type: 'read-fifo-queue', address: 0x04de },
  'pdu-fc2B-req-basic': { type: 'read-device-identification', readCode: 1, objectId: 0 },
  'pdu-fc2B-req-next': { type: 'read-device-identification', readCode: 1, objectId: 2 },
  'pdu-fc2B-req-individual': { type: 'read-device-identification', readCode: 4, objectId: 5 },
  'pdu-exc-req-fc01': { type: 'read-coils', address: 0x04a1, quantity: 1 },
  'pdu-fc2B-0D-req': { type: 'encapsulated-interface', meiType: 0x0d, data: bytes(1, 2, 3, 4) },
};

export const responseMeanings: Record<string, ModbusResponse> = {
  // Coils 20..27 = 0xCD, 28..35 = 0x6B, 36..38 = 0x05 = 1,0,1 then 5 padding bits (kept by the decoder).
  'pdu-fc01-rsp': { type: 'read-coils', values: bits('10110011 11010110 10100000') },
  // Inputs 197..204 = 0xAC, 205..212 = 0xDB, 213..218 = 0x35 and 2 padding bits.
  'pdu-fc02-rsp': { type: 'read-discrete-inputs', values: bits('00110101 11011011 10101100') },
  'pdu-fc03-rsp': { type: 'read-holding-registers', values: regs(0x022b, 0x0000, 0x0064) },
  'pdu-fc04-rsp': { type: 'read-input-registers', values: regs(0x000a) },
  'pdu-fc05-rsp-on': { type: 'write-single-coil', address: 0x00ac, value: true },
  'pdu-fc06-rsp': { type: 'write-single-register', address: 0x0001, value: 0x0003 },
  'pdu-fc07-rsp': { type: 'read-exception-status', status: 0x6d },
  'pdu-fc08-00-rsp': { type: 'diagnostics', subFunction: 0, data: bytes(0xa5, 0x37) },
  'pdu-fc08-02-rsp': { type: 'diagnostics', subFunction: 2, data: bytes(0, 0) },
  'pdu-fc08-0B-rsp': { type: 'diagnostics', subFunction: 0x0b, data: bytes(0x01, 0x23) },
  'pdu-fc0B-rsp': { type: 'get-comm-event-counter', status: 0xffff, eventCount: 0x0108 },
  'pdu-fc0C-rsp': {
    type: 'get-comm-event-log',
    status: 0x0000,
    eventCount: 264,
    messageCount: 289,
    events: bytes(0x20, 0x00),
  },
  'pdu-fc0F-rsp': { type: 'write-multiple-coils', address: 0x0013, quantity: 10 },
  'pdu-fc10-rsp': { type: 'write-multiple-registers', address: 0x0001, quantity: 2 },
  'pdu-fc14-rsp': {
    type: 'read-file-record',
    subResponses: [
      { referenceType: 6, values: regs(0x0dfe, 0x0020) },
      { referenceType: 6, values: regs(0x33cd, 0x0040) },
    ],
  },
  'pdu-fc15-rsp': {
    type: 'write-file-record',
    subRequests: [{ referenceType: 6, fileNumber: 4, recordNumber: 7, values: regs(0x06af, 0x04be, 0x100d) }],
  },
  'pdu-fc16-rsp': { type: 'mask-write-register', address: 4, andMask: 0x00f2, orMask: 0x0025 },
  'pdu-fc17-rsp': {
    type: 'read-write-multiple-registers',
    values: regs(0x00fe, 0x0acd, 0x0001, 0x0003, 0x000d, 0x00ff),
  },
  'pdu-fc18-rsp': { type: 'read-fifo-queue', values: regs(0x01b8, 0x1284) },
  'pdu-fc18-rsp-empty': { type: 'read-fifo-queue', values: regs() },
  'pdu-fc2B-rsp-basic': {
    type: 'read-device-identification',
    readCode: 1,
    conformityLevel: 0x01,
    moreFollows: false,
    nextObjectId: 0,
    objects: [
      { id: 0x00, value: ascii('Company identification') },
      { id: 0x01, value: ascii('Product code XX') },
      { id: 0x02, value: ascii('V2.11') },
    ],
  },
  'pdu-fc2B-rsp-more-follows': {
    type: 'read-device-identification',
    readCode: 1,
    conformityLevel: 0x01,
    moreFollows: true,
    nextObjectId: 0x02,
    objects: [
      { id: 0x00, value: ascii('Company identification') },
      { id: 0x01, value: ascii(`Product code ${'X'.repeat(15)}`) },
    ],
  },
  'pdu-fc2B-rsp-last': {
    type: 'read-device-identification',
    readCode: 1,
    conformityLevel: 0x01,
    moreFollows: false,
    nextObjectId: 0,
    objects: [{ id: 0x02, value: ascii('V2.11') }],
  },
  'pdu-fc2B-rsp-individual': {
    type: 'read-device-identification',
    readCode: 4,
    conformityLevel: 0x83,
    moreFollows: false,
    nextObjectId: 0,
    objects: [{ id: 0x05, value: ascii('Model-1') }],
  },
  'pdu-exc-81-02': { type: 'exception', functionCode: 0x01, exceptionCode: 0x02 },
  'pdu-exc-83-03': { type: 'exception', functionCode: 0x03, exceptionCode: 0x03 },
  'pdu-exc-84-04': { type: 'exception', functionCode: 0x04, exceptionCode: 0x04 },
  'pdu-exc-90-05': { type: 'exception', functionCode: 0x10, exceptionCode: 0x05 },
  'pdu-exc-90-06': { type: 'exception', functionCode: 0x10, exceptionCode: 0x06 },
  'pdu-exc-94-08': { type: 'exception', functionCode: 0x14, exceptionCode: 0x08 },
  'pdu-exc-83-0A': { type: 'exception', functionCode: 0x03, exceptionCode: 0x0a },
  'pdu-exc-83-0B': { type: 'exception', functionCode: 0x03, exceptionCode: 0x0b },
  'pdu-exc-C1-01': { type: 'exception', functionCode: 0x41, exceptionCode: 0x01 },
  'pdu-exc-AB-03': { type: 'exception', functionCode: 0x2b, exceptionCode: 0x03 },
  'pdu-exc-AB-02': { type: 'exception', functionCode: 0x2b, exceptionCode: 0x02 },
  'pdu-exc-AB-01': { type: 'exception', functionCode: 0x2b, exceptionCode: 0x01 },
  'pdu-exc-85-03': { type: 'exception', functionCode: 0x05, exceptionCode: 0x03 },
  'enc-float32-abcd': { type: 'read-holding-registers', values: regs(0x42f6, 0xe979) },
  'enc-float32-cdab': { type: 'read-holding-registers', values: regs(0xe979, 0x42f6) },
  'enc-float32-badc': { type: 'read-holding-registers', values: regs(0xf642, 0x79e9) },
  'enc-float32-dcba': { type: 'read-holding-registers', values: regs(0x79e9, 0xf642) },
  'enc-int32-abcd': { type: 'read-holding-registers', values: regs(0xfffe, 0x1dc0) },
  'enc-uint32-cdab': { type: 'read-holding-registers', values: regs(0x2800, 0xee6b) },
  'enc-float64-abcd': { type: 'read-holding-registers', values: regs(0x405e, 0xdd2f, 0x1a9f, 0xbe77) },
  'enc-float64-word-reversed': {
    type: 'read-holding-registers',
    values: regs(0xbe77, 0x1a9f, 0xdd2f, 0x405e),
  },
  'enc-int64-abcd': { type: 'read-holding-registers', values: regs(0xffff, 0xffff, 0xffff, 0xfffe) },
  'enc-int16': { type: 'read-holding-registers', values: regs(0xfffe) },
  // 'Modbus!' two characters per register, first character in the high byte, NUL-padded.
  'enc-string': { type: 'read-holding-registers', values: regs(0x4d6f, 0x6462, 0x7573, 0x2100) },
  'pdu-fc2B-0D-rsp': { type: 'encapsulated-interface', meiType: 0x0d, data: bytes(5, 6) },
};
