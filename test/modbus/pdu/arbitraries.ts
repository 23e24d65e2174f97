// fast-check generators of valid Modbus requests and responses, one per message type, inside the
// limits of spec §4 (so that encode accepts them and decode gives them back unchanged).
import fc from 'fast-check';
import type { DeviceIdObject, ModbusRequest, ModbusResponse } from '../../../src/modbus/pdu/index.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });

const publicCodes = new Set([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43]);
/** Function codes 1–127 without a typed message (user-defined, reserved, unassigned). */
export const rawFunctionCode = fc.integer({ min: 1, max: 0x7f }).filter((c) => !publicCodes.has(c));

const bytesOf = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const wordsOf = (min: number, max: number) => fc.uint16Array({ minLength: min, maxLength: max });
/** An even number of bytes, 0–`maxWords` words. */
const evenBytes = (maxWords: number) =>
  fc.integer({ min: 0, max: maxWords }).chain((n) => bytesOf(2 * n, 2 * n));

/** `address` with `quantity` so that the range stays within the 65 536 items (spec §2). */
const range = (max: number) =>
  fc.integer({ min: 1, max }).chain((quantity) =>
    fc.record({
      address: fc.integer({ min: 0, max: 0x10000 - quantity }),
      quantity: fc.constant(quantity),
    }),
  );

const addressFor = (count: number) => fc.integer({ min: 0, max: 0x10000 - count });

/** FC8 body: sub-function 0 or reserved with any even length, defined ones with one word. */
const diagnostics = fc.oneof(
  fc.record({ type: fc.constant('diagnostics' as const), subFunction: fc.constant(0), data: evenBytes(125) }),
  fc.record({
    type: fc.constant('diagnostics' as const),
    subFunction: fc.constantFrom(1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14),
    data: bytesOf(2, 2),
  }),
  fc.record({
    type: fc.constant('diagnostics' as const),
    subFunction: fc.oneof(
      fc.integer({ min: 5, max: 9 }),
      fc.constant(0x13),
      fc.integer({ min: 0x15, max: 0xffff }),
    ),
    data: evenBytes(125),
  }),
);

/** Keeps the longest prefix of `items` whose running size stays within `limit`. */
function fitting<T>(items: T[], size: (item: T) => number, limit: number): T[] {
  let total = 0;
  const out: T[] = [];
  for (const item of items) {
    total += size(item);
    if (total > limit) break;
    out.push(item);
  }
  return out;
}

const fileReference = fc.integer({ min: 0, max: 9999 }).chain((recordNumber) =>
  fc.record({
    referenceType: fc.constant(6),
    fileNumber: fc.integer({ min: 1, max: 0xffff }),
    recordNumber: fc.constant(recordNumber),
    maxLength: fc.constant(Math.min(124, 10000 - recordNumber)),
  }),
);

const fileReadRequests = fc
  .array(
    fileReference.chain(({ maxLength, ...ref }) =>
      fc.record({
        referenceType: fc.constant(ref.referenceType),
        fileNumber: fc.constant(ref.fileNumber),
        recordNumber: fc.constant(ref.recordNumber),
        recordLength: fc.integer({ min: 1, max: Math.min(maxLength, 20) }),
      }),
    ),
    { minLength: 1, maxLength: 35 },
  )
  // The response must fit: 2 + Σ(2 + 2·L) ≤ 253 (spec §4.12).
  .map((subs) => fitting(subs, (s) => 2 + 2 * s.recordLength, 251));

const fileWrites = fc
  .array(
    fileReference.chain(({ maxLength, ...ref }) =>
      fc.record({
        referenceType: fc.constant(ref.referenceType),
        fileNumber: fc.constant(ref.fileNumber),
        recordNumber: fc.constant(ref.recordNumber),
        values: wordsOf(1, Math.min(maxLength, 30)),
      }),
    ),
    { minLength: 1, maxLength: 10 },
  )
  // Request data length ≤ 0xFB (spec §4.13).
  .map((subs) => fitting(subs, (s) => 7 + 2 * s.values.length, 0xfb))
  .filter((subs) => subs.length > 0);

const deviceIdObjects = fc
  .array(fc.record({ id: u8, value: bytesOf(0, 60) }), { maxLength: 12 })
  .map((objects): DeviceIdObject[] => fitting(objects, (o) => 2 + o.value.length, 253 - 7));

const readCode = fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const);

/** Every request type. */
export const anyRequest: fc.Arbitrary<ModbusRequest> = fc.oneof(
  range(2000).map((r): ModbusRequest => ({ type: 'read-coils', ...r })),
  range(2000).map((r): ModbusRequest => ({ type: 'read-discrete-inputs', ...r })),
  range(125).map((r): ModbusRequest => ({ type: 'read-holding-registers', ...r })),
  range(125).map((r): ModbusRequest => ({ type: 'read-input-registers', ...r })),
  fc.record({ type: fc.constant('write-single-coil' as const), address: u16, value: fc.boolean() }),
  fc.record({ type: fc.constant('write-single-register' as const), address: u16, value: u16 }),
  fc.constant<ModbusRequest>({ type: 'read-exception-status' }),
  diagnostics,
  fc.constant<ModbusRequest>({ type: 'get-comm-event-counter' }),
  fc.constant<ModbusRequest>({ type: 'get-comm-event-log' }),
  fc
    .array(fc.boolean(), { minLength: 1, maxLength: 1968 })
    .chain((values) =>
      addressFor(values.length).map(
        (address): ModbusRequest => ({ type: 'write-multiple-coils', address, values }),
      ),
    ),
  wordsOf(1, 123).chain((values) =>
    addressFor(values.length).map(
      (address): ModbusRequest => ({ type: 'write-multiple-registers', address, values }),
    ),
  ),
  fc.constant<ModbusRequest>({ type: 'report-server-id' }),
  fileReadRequests.map((subRequests): ModbusRequest => ({ type: 'read-file-record', subRequests })),
  fileWrites.map((subRequests): ModbusRequest => ({ type: 'write-file-record', subRequests })),
  fc.record({ type: fc.constant('mask-write-register' as const), address: u16, andMask: u16, orMask: u16 }),
  fc.tuple(range(125), wordsOf(1, 121)).chain(([read, values]) =>
    addressFor(values.length).map(
      (writeAddress): ModbusRequest => ({
        type: 'read-write-multiple-registers',
        readAddress: read.address,
        readQuantity: read.quantity,
        writeAddress,
        values,
      }),
    ),
  ),
  fc.record({ type: fc.constant('read-fifo-queue' as const), address: u16 }),
  fc.record({ type: fc.constant('read-device-identification' as const), readCode, objectId: u8 }),
  fc.record({
    type: fc.constant('encapsulated-interface' as const),
    meiType: u8.filter((m) => m !== 14),
    data: bytesOf(0, 251),
  }),
  fc.record({ type: fc.constant('raw' as const), functionCode: rawFunctionCode, data: bytesOf(0, 252) }),
);

/** Every response type. Bit tables have a multiple of 8 bits, as the decoder returns them. */
export const anyResponse: fc.Arbitrary<ModbusResponse> = fc.oneof(
  fc
    .integer({ min: 1, max: 250 })
    .chain((n) => fc.array(fc.boolean(), { minLength: 8 * n, maxLength: 8 * n }))
    .chain((values) =>
      fc.constantFrom<ModbusResponse>(
        { type: 'read-coils', values },
        { type: 'read-discrete-inputs', values },
      ),
    ),
  wordsOf(1, 125).map((values): ModbusResponse => ({ type: 'read-holding-registers', values })),
  wordsOf(1, 125).map((values): ModbusResponse => ({ type: 'read-input-registers', values })),
  fc.record({ type: fc.constant('write-single-coil' as const), address: u16, value: fc.boolean() }),
  fc.record({ type: fc.constant('write-single-register' as const), address: u16, value: u16 }),
  fc.record({ type: fc.constant('read-exception-status' as const), status: u8 }),
  diagnostics,
  fc.record({ type: fc.constant('get-comm-event-counter' as const), status: u16, eventCount: u16 }),
  fc.record({
    type: fc.constant('get-comm-event-log' as const),
    status: u16,
    eventCount: u16,
    messageCount: u16,
    events: bytesOf(0, 64),
  }),
  range(1968).map((r): ModbusResponse => ({ type: 'write-multiple-coils', ...r })),
  range(123).map((r): ModbusResponse => ({ type: 'write-multiple-registers', ...r })),
  fc.record({ type: fc.constant('report-server-id' as const), data: bytesOf(0, 251) }),
  fc
    .array(fc.record({ referenceType: u8, values: wordsOf(1, 40) }), { minLength: 1, maxLength: 12 })
    .map((subs) => fitting(subs, (s) => 2 + 2 * s.values.length, 251))
    .filter((subs) => subs.length > 0)
    .map((subResponses): ModbusResponse => ({ type: 'read-file-record', subResponses })),
  fileWrites.map((subRequests): ModbusResponse => ({ type: 'write-file-record', subRequests })),
  fc.record({ type: fc.constant('mask-write-register' as const), address: u16, andMask: u16, orMask: u16 }),
  wordsOf(1, 125).map((values): ModbusResponse => ({ type: 'read-write-multiple-registers', values })),
  wordsOf(0, 31).map((values): ModbusResponse => ({ type: 'read-fifo-queue', values })),
  fc
    .record({ readCode, conformityLevel: u8, moreFollows: fc.boolean(), next: u8, objects: deviceIdObjects })
    .map(
      ({ next, moreFollows, ...rest }): ModbusResponse => ({
        type: 'read-device-identification',
        ...rest,
        moreFollows,
        nextObjectId: moreFollows ? next : 0,
      }),
    ),
  fc.record({
    type: fc.constant('encapsulated-interface' as const),
    meiType: u8.filter((m) => m !== 14),
    data: bytesOf(0, 251),
  }),
  fc.record({ type: fc.constant('raw' as const), functionCode: rawFunctionCode, data: bytesOf(0, 252) }),
  fc.record({
    type: fc.constant('exception' as const),
    functionCode: fc.integer({ min: 1, max: 0x7f }),
    exceptionCode: u8,
  }),
);
