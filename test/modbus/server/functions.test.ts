// Every function code's server checks: the processing order of spec §5.2 (01 → 03 → 02), the
// 02/03 paths of each function, FC23 write-before-read, the FC22 formula, FIFOs, files, FC17 and
// the device identification rules of §4.18.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/index.js';
import {
  type DeviceIdentificationInit,
  decodeResponse,
  encodeRequest,
  ModbusDataModel,
  type ModbusRequest,
  type ModbusResponse,
  ModbusServer,
  type ModbusServerOptions,
} from '../../../src/modbus/index.js';
import { ask, servedWire, useCleanup, type Wire } from './helpers.js';

const track = useCleanup();

/** 100 items per table, file 1 of 100 records, FIFOs of 3 and 32 entries. */
function smallServer(options: ModbusServerOptions = {}): { server: ModbusServer; wire: Wire } {
  const server = new ModbusServer({
    model: {
      coils: 100,
      discreteInputs: 100,
      holdingRegisters: 100,
      inputRegisters: 100,
      files: { 1: 100 },
      fifos: { 16: [1, 2, 3], 32: Array.from({ length: 32 }, (_, i) => i), 48: [] },
    },
    ...options,
  });
  return { server, wire: servedWire(server, 'tcp', track) };
}

const pdu = (request: ModbusRequest): string => toHex(encodeRequest(request));

async function call(wire: Wire, request: ModbusRequest | string): Promise<ModbusResponse> {
  return decodeResponse(
    Buffer.from(await ask(wire, 1, typeof request === 'string' ? request : pdu(request)), 'hex'),
  );
}

describe('processing order (spec §5.2): 01, then 03, then 02', () => {
  it.each([
    ['reserved FC8 sub-function with an odd data length', '08001300'],
    ['reserved FC8 sub-function 0x15 with no data', '080015'],
    ['MEI type 13 with any data', '2B0D'],
    ['reserved MEI type 0', '2B00FFFF'],
    ['unassigned function code 0x41', '41FFFFFFFF'],
    ['reserved function code 9', '09'],
    ['user function code 100 with 252 data bytes', `64${'00'.repeat(252)}`],
  ])('%s → 01', async (_, request) => {
    const { wire } = smallServer();
    const fcode = Number.parseInt(request.slice(0, 2), 16);
    expect(await ask(wire, 1, request)).toBe(toHex(Uint8Array.of(fcode | 0x80, 0x01)));
  });

  it('an unassigned function code in a PDU over 253 bytes → 01, not 03', async () => {
    const { wire } = smallServer();
    expect(await ask(wire, 1, `41${'00'.repeat(253)}`)).toBe('C101');
  });

  it.each([
    ['FC1 quantity 0 at an address that does not exist', '0100FF0000', '8103'],
    ['FC3 quantity 126 at 0xFFFF', '03FFFF007E', '8303'],
    ['FC15 byte count not matching, out of range address', '0F00FF000A0100', '8F03'],
    ['FC16 quantity 124 at 0xFFFF', `10FFFF007CF8${'00'.repeat(248)}`, '9003'],
    ['FC23 write quantity 122 at bad addresses', `17FFFF0001FFFF007AF4${'00'.repeat(244)}`, '9703'],
    ['FC5 illegal value at a missing address', '05FFFF1234', '8503'],
  ])('%s → 03', async (_, request, exception) => {
    const { wire } = smallServer();
    expect(await ask(wire, 1, request)).toBe(exception);
  });
});

describe('02 and 03 paths of every function code', () => {
  const cases: Array<[string, string, string]> = [
    // [label, request PDU, expected response PDU]
    ['FC1 qty 2001', '01000007D1', '8103'],
    ['FC1 trailing byte', '010000000100', '8103'],
    ['FC1 past the table', '0100630002', '8102'],
    ['FC1 last item', '0100630001', '010100'],
    ['FC1 range past 65535', '01FFFF0002', '8102'],
    ['FC2 qty 0', '0200000000', '8203'],
    ['FC2 past the table', '0200630002', '8202'],
    ['FC3 qty 0', '0300000000', '8303'],
    ['FC3 qty 126', '030000007E', '8303'],
    ['FC3 past the table', '0300630002', '8302'],
    ['FC3 last register', '0300630001', '03020000'],
    ['FC4 qty 126', '040000007E', '8403'],
    ['FC4 past the table', '0400640001', '8402'],
    ['FC5 value 0x0001', '0500000001', '8503'],
    ['FC5 short PDU', '05000000', '8503'],
    ['FC5 address 100', '050064FF00', '8502'],
    ['FC6 short PDU', '06000000', '8603'],
    ['FC6 long PDU', '060000000000', '8603'],
    ['FC6 address 100', '0600640001', '8602'],
    ['FC7 with data', '0700', '8703'],
    ['FC8/0x0B data not 0', '08000B0001', '8803'],
    ['FC8/0x0A data not 0', '08000AFFFF', '8803'],
    ['FC8/02 data not 0', '0800020001', '8803'],
    ['FC8/01 data neither 0 nor 0xFF00', '0800011234', '8803'],
    ['FC8/03 delimiter ":"', '0800033A00', '8803'],
    ['FC8/03 delimiter "A"', '0800034100', '8803'],
    ['FC8/03 second byte not 0', '0800030D01', '8803'],
    ['FC8/0x0B with two data words', '08000B00000000', '8803'],
    ['FC8/00 odd data length', '08000001', '8803'],
    ['FC8 reserved 0x05', '0800050000', '8801'],
    ['FC8 reserved 0x13', '0800130000', '8801'],
    ['FC8 reserved 0xFFFF', '08FFFF0000', '8801'],
    ['FC11 with data', '0B00', '8B03'],
    ['FC12 with data', '0C00', '8C03'],
    ['FC15 qty 1969', `0F000007B1F7${'00'.repeat(247)}`, '8F03'],
    ['FC15 byte count 3 for 10 coils', '0F0000000A03000000', '8F03'],
    ['FC15 data shorter than the byte count', '0F0000000A0200', '8F03'],
    ['FC15 past the table', '0F0063000201FF', '8F02'],
    ['FC16 qty 0', '10000000000000', '9003'],
    ['FC16 byte count 3 for 2 registers', '1000000002030000FF', '9003'],
    ['FC16 range past the table', '10006300020400010002', '9002'],
    ['FC17 with data', '1100', '9103'],
    ['FC20 byte count 6', '1406060001000000', '9403'],
    ['FC20 record length 0', '140706000100000000', '9403'],
    ['FC20 reference type 5', '14070500010000000A', '9402'],
    ['FC20 file 0', '14070600000000000A', '9402'],
    ['FC20 unknown file 9', '14070600090000000A', '9402'],
    ['FC20 records 95–104 of a 100-record file', '1407060001005F000A', '9402'],
    ['FC20 record 0x2710', '140706000127100001', '9402'],
    ['FC20 response over 253 bytes', '1407060001000000007D', '9403'],
    ['FC21 data length 8', '1508060001000000010000', '9503'],
    ['FC21 reference type 7', '1509070001000000010000', '9502'],
    ['FC21 file 0', '1509060000000000010000', '9502'],
    ['FC21 record past the file', '1509060001006400010000', '9502'],
    ['FC22 short', '16000000FF00', '9603'],
    ['FC22 address 100', '160064FFFF0000', '9602'],
    ['FC23 read qty 126', '170000007E00000001020000', '9703'],
    ['FC23 write byte count 4 for 1', '17000000010000000104000000', '9703'],
    ['FC23 read range', '1700630002000000010200AA', '9702'],
    ['FC23 write range', '1700000001006300020400010002', '9702'],
    ['FC24 not a FIFO', '180011', '9802'],
    ['FC24 more than 31 queued', '180020', '9803'],
    ['FC24 with extra data', '18001000', '9803'],
    ['FC24 empty queue', '180030', '1800020000'],
    ['FC43/14 read code 0', '2B0E0000', 'AB03'],
    ['FC43/14 read code 5', '2B0E0500', 'AB03'],
    ['FC43/14 short', '2B0E01', 'AB03'],
    ['FC43/14 individual access to a missing object', '2B0E0406', 'AB02'],
    ['FC43/13', '2B0D0102', 'AB01'],
  ];
  it.each(cases)('%s', async (_, request, expected) => {
    const { wire } = smallServer();
    expect(await ask(wire, 1, request)).toBe(expected);
  });

  it('a refused FC23 writes nothing', async () => {
    const { server, wire } = smallServer();
    expect(await ask(wire, 1, '1700630002000000010200AA')).toBe('9702');
    expect(server.model.holdingRegisters[0]).toBe(0);
  });

  it('a refused FC21 writes none of its sub-requests', async () => {
    const { server, wire } = smallServer();
    // Sub-request 1 is fine, sub-request 2 runs past the file.
    expect(await ask(wire, 1, '15140600010000000112340600010063000200010002')).toBe('9502');
    expect(server.model.files.get(1)![0]).toBe(0);
  });

  it('FC5 illegal value answers 03 and leaves the coil alone', async () => {
    const { server, wire } = smallServer();
    server.model.coils[7] = 1;
    expect(await ask(wire, 1, '0500071234')).toBe('8503');
    expect(server.model.coils[7]).toBe(1);
    expect(await ask(wire, 1, '0500070000')).toBe('0500070000');
    expect(server.model.coils[7]).toBe(0);
  });
});

describe('data functions', () => {
  it('FC23 writes before it reads (spec §4.15)', async () => {
    const { server, wire } = smallServer();
    server.model.holdingRegisters.set([1, 2, 3, 4], 10);
    const response = await call(wire, {
      type: 'read-write-multiple-registers',
      readAddress: 10,
      readQuantity: 4,
      writeAddress: 11,
      values: Uint16Array.of(0xaaaa, 0xbbbb),
    });
    expect(response).toEqual({
      type: 'read-write-multiple-registers',
      values: Uint16Array.of(1, 0xaaaa, 0xbbbb, 4),
    });
  });

  it('FC22 sets (current AND and) OR (or AND NOT and) (spec §4.14)', async () => {
    const { server, wire } = smallServer();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        async (current, andMask, orMask) => {
          server.model.holdingRegisters[5] = current;
          const request = { type: 'mask-write-register', address: 5, andMask, orMask } as const;
          expect(await call(wire, request)).toEqual(request);
          expect(server.model.holdingRegisters[5]).toBe(((current & andMask) | (orMask & ~andMask)) & 0xffff);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('FC15/FC16 write and FC1/FC3 read back', async () => {
    const { server, wire } = smallServer();
    const values = [true, false, true, true, false, false, false, true, true];
    expect(await call(wire, { type: 'write-multiple-coils', address: 90, values })).toEqual({
      type: 'write-multiple-coils',
      address: 90,
      quantity: 9,
    });
    expect([...server.model.coils.subarray(90, 99)]).toEqual(values.map(Number));
    const read = await call(wire, { type: 'read-coils', address: 90, quantity: 9 });
    expect(read.type === 'read-coils' && read.values.slice(0, 9)).toEqual(values);
    await call(wire, { type: 'write-multiple-registers', address: 98, values: Uint16Array.of(7, 8) });
    expect(await call(wire, { type: 'read-holding-registers', address: 97, quantity: 3 })).toEqual({
      type: 'read-holding-registers',
      values: Uint16Array.of(0, 7, 8),
    });
  });

  it('FC24 returns the queue without removing it, up to 31 entries', async () => {
    const { server, wire } = smallServer();
    expect(await ask(wire, 1, '180010')).toBe('1800080003000100020003');
    expect(await ask(wire, 1, '180010')).toBe('1800080003000100020003');
    server.model.fifos.set(
      0x20,
      Array.from({ length: 31 }, (_, i) => i),
    );
    const response = await call(wire, '180020');
    expect(response.type === 'read-fifo-queue' && response.values.length).toBe(31);
  });

  it('FC20/21 read and write file records, several sub-requests at once', async () => {
    const { server, wire } = smallServer({ model: { files: { 1: 10, 2: 10_000 } } });
    const write: ModbusRequest = {
      type: 'write-file-record',
      subRequests: [
        { referenceType: 6, fileNumber: 1, recordNumber: 8, values: Uint16Array.of(1, 2) },
        { referenceType: 6, fileNumber: 2, recordNumber: 9998, values: Uint16Array.of(3, 4) },
      ],
    };
    expect(await call(wire, write)).toEqual(write);
    expect([...server.model.files.get(2)!.subarray(9998)]).toEqual([3, 4]);
    expect(
      await call(wire, {
        type: 'read-file-record',
        subRequests: [
          { referenceType: 6, fileNumber: 2, recordNumber: 9998, recordLength: 2 },
          { referenceType: 6, fileNumber: 1, recordNumber: 8, recordLength: 2 },
        ],
      }),
    ).toEqual({
      type: 'read-file-record',
      subResponses: [
        { referenceType: 6, values: Uint16Array.of(3, 4) },
        { referenceType: 6, values: Uint16Array.of(1, 2) },
      ],
    });
    // Records 9–10 of a 10-record file: the span runs past its end.
    expect(await ask(wire, 1, '140706000100090002')).toBe('9402');
  });

  it('FC7 answers the exception status byte', async () => {
    const { server, wire } = smallServer({ model: { exceptionStatus: 0x6d } });
    expect(await ask(wire, 1, '07')).toBe('076D');
    server.model.exceptionStatus = 0x01;
    expect(await ask(wire, 1, '07')).toBe('0701');
  });

  it('FC17 answers "meterlink" + run indicator by default, or the configured bytes', async () => {
    const { wire } = smallServer();
    expect(await ask(wire, 1, '11')).toBe(`110A${toHex(new TextEncoder().encode('meterlink'))}FF`);
    const custom = smallServer({ model: { serverId: Uint8Array.of(0x2a, 0x00) } });
    expect(await ask(custom.wire, 1, '11')).toBe('11022A00');
  });

  it('rejects models the protocol cannot serve', () => {
    expect(() => new ModbusDataModel({ serverId: new Uint8Array(252) })).toThrow(/serverId/);
    expect(() => new ModbusDataModel({ exceptionStatus: 256 })).toThrow(/exceptionStatus/);
    expect(() => new ModbusDataModel({ files: { 0: 1 } })).toThrow(/file number/);
    expect(() => new ModbusDataModel({ files: { 1: 10_001 } })).toThrow(/files\[1\]/);
    expect(() => new ModbusDataModel({ fifos: { 65536: [] } })).toThrow(/pointer/);
    expect(() => new ModbusDataModel({ fifos: { 1: [0x10000] } })).toThrow(/16-bit/);
    expect(() => new ModbusDataModel({ holdingRegisters: 0x10001 })).toThrow(/holdingRegisters/);
    expect(
      () =>
        new ModbusDataModel({
          deviceIdentification: { vendorName: 'x'.repeat(245), productCode: '', majorMinorRevision: '' },
        }),
    ).toThrow(/244/);
    expect(
      () =>
        new ModbusDataModel({
          deviceIdentification: {
            vendorName: '',
            productCode: '',
            majorMinorRevision: '',
            extended: { 127: 'x' },
          },
        }),
    ).toThrow(/0x80/);
  });
});

describe('FC43/14 Read Device Identification (spec §4.18)', () => {
  const basic = { vendorName: 'V', productCode: 'P', majorMinorRevision: '1.0' };
  const serve = (identification: DeviceIdentificationInit) =>
    smallServer({ model: { deviceIdentification: identification } });
  const read = async (wire: Wire, readCode: 1 | 2 | 3 | 4, objectId: number) => {
    const response = await call(wire, { type: 'read-device-identification', readCode, objectId });
    if (response.type !== 'read-device-identification') throw new Error(`got ${JSON.stringify(response)}`);
    return {
      ...response,
      objects: response.objects.map((o) => [o.id, new TextDecoder().decode(o.value)] as const),
    };
  };

  it('rule 2: streams by category, in id order, skipping absent objects', async () => {
    const { wire } = serve({
      ...basic,
      productName: 'N',
      userApplicationName: 'A',
      extended: { 144: 'y', 128: 'x' },
    });
    expect((await read(wire, 1, 0)).objects.map(([id]) => id)).toEqual([0, 1, 2]);
    expect((await read(wire, 2, 0)).objects.map(([id]) => id)).toEqual([0, 1, 2, 4, 6]);
    const all = await read(wire, 3, 0);
    expect(all.objects.map(([id]) => id)).toEqual([0, 1, 2, 4, 6, 0x80, 0x90]);
    expect(all).toMatchObject({ readCode: 3, conformityLevel: 0x83, moreFollows: false, nextObjectId: 0 });
    expect((await read(wire, 3, 0x80)).objects.map(([id]) => id)).toEqual([0x80, 0x90]);
  });

  it('rule 3: a start object the stream does not hold restarts at object 0', async () => {
    const { wire } = serve({ ...basic, productName: 'N' });
    for (const start of [0x03, 0x05, 0x07, 0x7f, 0x80, 0xff]) {
      expect(
        (await read(wire, 2, start)).objects.map(([id]) => id),
        `start ${start}`,
      ).toEqual([0, 1, 2, 4]);
    }
    // Object 4 exists but is not part of the basic stream.
    expect((await read(wire, 1, 0x04)).objects.map(([id]) => id)).toEqual([0, 1, 2]);
  });

  it('rule 4: a category above the device level is served at the device level', async () => {
    const { wire } = serve(basic);
    const response = await read(wire, 3, 0);
    expect(response).toMatchObject({ readCode: 3, conformityLevel: 0x81 });
    expect(response.objects.map(([id]) => id)).toEqual([0, 1, 2]);
    const regular = serve({ ...basic, vendorUrl: 'u' });
    expect(await read(regular.wire, 3, 0)).toMatchObject({ conformityLevel: 0x82 });
  });

  it('rule 5: objects are never split; More Follows points at the first object left out', async () => {
    // Header 7 + 3 + 3 + 5 = 18 bytes; each private object takes 2 + 120: two do not fit after them.
    const extended = { 128: 'a'.repeat(120), 129: 'b'.repeat(120), 130: 'c'.repeat(120) };
    const { wire } = serve({ ...basic, majorMinorRevision: '1.0', extended });
    const first = await read(wire, 3, 0);
    expect(first).toMatchObject({ moreFollows: true, nextObjectId: 0x81 });
    expect(first.objects.map(([id]) => id)).toEqual([0, 1, 2, 0x80]);
    const second = await read(wire, 3, first.nextObjectId);
    expect(second).toMatchObject({ moreFollows: false, nextObjectId: 0 });
    expect(second.objects.map(([id]) => id)).toEqual([0x81, 0x82]);
  });

  it('rule 5: a response of exactly 253 bytes is not split', async () => {
    // 7 + (2 + 1) × 3 + (2 + 235) = 253.
    const { wire } = serve({
      vendorName: 'V',
      productCode: 'P',
      majorMinorRevision: '1',
      extended: { 128: 'z'.repeat(235) },
    });
    const bytes = await ask(wire, 1, '2B0E0300');
    expect(bytes.length / 2).toBe(253);
    expect(bytes.slice(8, 12)).toBe('0000'); // more follows 00, next object 00
    const over = serve({
      vendorName: 'V',
      productCode: 'P',
      majorMinorRevision: '1',
      extended: { 128: 'z'.repeat(236) },
    });
    expect(await read(over.wire, 3, 0)).toMatchObject({ moreFollows: true, nextObjectId: 0x80 });
  });

  it('rule 6: individual access returns exactly one object, or 02', async () => {
    const { wire } = serve({ ...basic, modelName: 'M', extended: { 160: Uint8Array.of(1, 2, 3) } });
    expect(await read(wire, 4, 5)).toMatchObject({
      moreFollows: false,
      nextObjectId: 0,
      objects: [[5, 'M']],
    });
    expect(await ask(wire, 1, '2B0E04A0')).toBe('2B0E0483000001A003010203');
    expect(await ask(wire, 1, '2B0E0403')).toBe('AB02');
    expect(await ask(wire, 1, '2B0E0481')).toBe('AB02');
  });

  it('a stream-only device reports conformity without bit 7 and refuses individual access with 03', async () => {
    const { wire } = serve({ ...basic, individualAccess: false });
    expect(await read(wire, 1, 0)).toMatchObject({ conformityLevel: 0x01 });
    expect(await ask(wire, 1, '2B0E0400')).toBe('AB03');
  });
});
