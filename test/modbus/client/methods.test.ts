// Every client method against a real ModbusServer, over TCP, RTU and ASCII framing.
import { describe, expect, it } from 'vitest';
import { memoryPair, TimeoutError } from '../../../src/index.js';
import {
  ExceptionCode,
  ModbusClient,
  ModbusException,
  type ModbusFraming,
  type ModbusRequest,
  ModbusServer,
} from '../../../src/modbus/index.js';
import { autoClose, framings, registersAt, rejection } from './helpers.js';

const track = autoClose();

const latin1 = new TextEncoder();

function newServer(): { server: ModbusServer; seen: ModbusRequest[] } {
  const seen: ModbusRequest[] = [];
  const server = new ModbusServer({
    unitIds: [1],
    model: {
      coils: Array.from({ length: 40 }, (_, i) => i % 3 === 0),
      discreteInputs: Array.from({ length: 40 }, (_, i) => i % 2 === 1),
      holdingRegisters: registersAt(0, 300),
      inputRegisters: registersAt(1000, 300),
      files: { 4: Uint16Array.from({ length: 20 }, (_, i) => 0x0400 + i) },
      fifos: { 1246: [0x01b8, 0x1284] },
      exceptionStatus: 0x6d,
      serverId: Uint8Array.of(0x11, 0xff, 0x4d, 0x4c),
      deviceIdentification: {
        vendorName: 'meterlink',
        productCode: 'ML-1',
        majorMinorRevision: 'V2.11',
        vendorUrl: 'https://example.org',
        productName: 'simulator',
        modelName: 'model X',
        userApplicationName: 'tests',
        // Two big private objects: the extended stream needs "more follows" rounds.
        extended: { 128: 'a'.repeat(200), 129: 'b'.repeat(200), 130: Uint8Array.of(1, 2, 3) },
      },
    },
    onRequest: (request) => {
      // A user-defined function code (65): answers its data reversed.
      if (request.type === 'raw' && request.functionCode === 0x41) {
        return { type: 'raw', functionCode: 0x41, data: request.data.slice().reverse() };
      }
      return undefined;
    },
  });
  server.on('request', (request) => seen.push(request));
  return { server, seen };
}

async function setup(framing: ModbusFraming, bus = false) {
  const [a, b] = memoryPair(bus ? { bus: true, baudRate: 115200 } : {});
  const { server, seen } = newServer();
  server.serve(b, { framing });
  track({ close: () => b.close() });
  const client = track(
    await ModbusClient.connect({
      link: a,
      framing,
      unitId: 1,
      timeoutMs: 150,
      broadcastDelayMs: 5,
      staleFlushMs: 10,
    }),
  );
  return { client, server, seen };
}

describe.each(framings)('every method over %s framing', (framing) => {
  it('FC1/FC2 read bits, trimmed to the quantity', async () => {
    const { client } = await setup(framing);
    expect(await client.readCoils(0, 10)).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
    expect(await client.readDiscreteInputs(3, 3)).toEqual([true, false, true]);
    const many = await client.readCoils(0, 40);
    expect(many).toHaveLength(40);
  });

  it('FC3/FC4 read registers', async () => {
    const { client } = await setup(framing);
    expect([...(await client.readHoldingRegisters(0, 4))]).toEqual([...registersAt(0, 4)]);
    expect([...(await client.readHoldingRegisters(100, 125))]).toEqual([...registersAt(100, 125)]);
    expect([...(await client.readInputRegisters(5, 2))]).toEqual([...registersAt(1005, 2)]);
  });

  it('FC5/FC6/FC15/FC16/FC22/FC23 write and read back', async () => {
    const { client, server } = await setup(framing);
    const model = server.model;
    await client.writeSingleCoil(1, true);
    expect(model.coils[1]).toBe(1);
    await client.writeSingleCoil(0, false);
    expect(model.coils[0]).toBe(0);
    await client.writeSingleRegister(7, 0xbeef);
    expect(model.holdingRegisters[7]).toBe(0xbeef);
    await client.writeMultipleCoils(20, [true, true, false, true]);
    expect([...model.coils.subarray(20, 24)]).toEqual([1, 1, 0, 1]);
    await client.writeMultipleRegisters(1, [9, 9]);
    expect([...(await client.readHoldingRegisters(0, 4))]).toEqual([
      registersAt(0, 1)[0],
      9,
      9,
      registersAt(3, 1)[0],
    ]);
    model.holdingRegisters[4] = 0x0012;
    await client.maskWriteRegister(4, 0x00f2, 0x0025);
    expect(model.holdingRegisters[4]).toBe(0x0017); // the standard's own example (spec §4.14)
    const read = await client.readWriteMultipleRegisters({
      readAddress: 10,
      readQuantity: 3,
      writeAddress: 11,
      values: [0xaaaa],
    });
    expect([...read]).toEqual([registersAt(10, 1)[0], 0xaaaa, registersAt(12, 1)[0]]);
  });

  it('FC7, FC11, FC12, FC17 serial-line functions', async () => {
    const { client } = await setup(framing);
    expect(await client.readExceptionStatus()).toBe(0x6d);
    const counter = await client.getCommEventCounter();
    expect(counter.status).toBe(0);
    // The event counter counts serial-line messages only.
    expect(counter.eventCount).toBeGreaterThanOrEqual(framing === 'tcp' ? 0 : 1);
    const log = await client.getCommEventLog();
    expect(log.status).toBe(0);
    expect(log.events.length).toBeGreaterThanOrEqual(framing === 'tcp' ? 0 : 1);
    expect([...(await client.reportServerId())]).toEqual([0x11, 0xff, 0x4d, 0x4c]);
  });

  it('FC8 sub-function 0 echoes any length; counters come back as one word', async () => {
    const { client } = await setup(framing);
    // (No 0-byte echo over RTU here: the server's request table frames FC8 as 8 bytes and, on a
    // link without timing, waits for 2 more; the client side of it is tested in serial.test.ts.)
    for (const n of framing === 'rtu' ? [2, 4, 6, 10, 64, 250] : [0, 2, 4, 6, 10, 64, 250]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect([...((await client.diagnostics(0, data)) ?? [])], `echo of ${n} bytes`).toEqual([...data]);
    }
    // A payload that holds a CRC-looking tail must not cut the echo short on RTU.
    expect([...((await client.diagnostics(0, Uint8Array.of(0x12, 0x34, 0x00, 0x00))) ?? [])]).toEqual([
      0x12, 0x34, 0x00, 0x00,
    ]);
    const count = await client.diagnostics(0x0b);
    expect(count).toHaveLength(2);
    const error = await rejection(client.diagnostics(0x13));
    expect(error).toBeInstanceOf(ModbusException);
    expect((error as ModbusException).exceptionCode).toBe(ExceptionCode.illegalFunction);
  });

  it('FC8 sub-function 4 is sent and never awaited', async () => {
    const { client, seen } = await setup(framing);
    const start = performance.now();
    expect(await client.diagnostics(4)).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(100);
    await expect.poll(() => seen.some((r) => r.type === 'diagnostics' && r.subFunction === 4)).toBe(true);
    if (framing === 'tcp') {
      // Listen-only is a serial-line state: a Modbus/TCP server keeps answering.
      expect((await client.readHoldingRegisters(0, 1))[0]).toBe(registersAt(0, 1)[0]);
    } else {
      // The server now listens only: requests time out, FC8/01 restarts it (without answering).
      expect(await rejection(client.readHoldingRegisters(0, 1, { timeoutMs: 40 }))).toBeInstanceOf(
        TimeoutError,
      );
      expect(await rejection(client.diagnostics(1, Uint8Array.of(0, 0), { timeoutMs: 40 }))).toBeInstanceOf(
        TimeoutError,
      );
      expect((await client.readHoldingRegisters(0, 1))[0]).toBe(registersAt(0, 1)[0]);
    }
  });

  it('FC20/FC21 file records, FC24 FIFO', async () => {
    const { client, server } = await setup(framing);
    const results = await client.readFileRecord([
      { fileNumber: 4, recordNumber: 1, recordLength: 2 },
      { fileNumber: 4, recordNumber: 9, recordLength: 1 },
    ]);
    expect(results.map((r) => [...r.values])).toEqual([[0x0401, 0x0402], [0x0409]]);
    await client.writeFileRecord([
      { fileNumber: 4, recordNumber: 7, values: Uint16Array.of(0x06af, 0x04be) },
      { fileNumber: 4, recordNumber: 15, values: [0x100d] }, // plain arrays are accepted too
    ]);
    expect([...server.model.files.get(4)!.subarray(7, 9)]).toEqual([0x06af, 0x04be]);
    expect(server.model.files.get(4)![15]).toBe(0x100d);
    expect([...(await client.readFifoQueue(0x04de))]).toEqual([0x01b8, 0x1284]);
  });

  it('FC43/14 walks a stream with "more follows" and reads single objects', async () => {
    const { client, seen } = await setup(framing);
    const basic = await client.readDeviceIdentification();
    expect(basic).toMatchObject({
      vendorName: 'meterlink',
      productCode: 'ML-1',
      majorMinorRevision: 'V2.11',
    });
    expect(basic.productName).toBeUndefined();
    const regular = await client.readDeviceIdentification({ category: 'regular' });
    expect(regular).toMatchObject({
      vendorUrl: 'https://example.org',
      productName: 'simulator',
      modelName: 'model X',
      userApplicationName: 'tests',
    });
    const before = seen.length;
    const extended = await client.readDeviceIdentification({ category: 'extended' });
    const rounds = seen.slice(before).filter((r) => r.type === 'read-device-identification');
    expect(rounds.length).toBeGreaterThanOrEqual(2); // 2 × 200-byte objects cannot share a PDU
    expect(extended.conformityLevel).toBe(0x83);
    expect(extended.objects.map((o) => o.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 0x80, 0x81, 0x82]);
    expect(extended.objects.find((o) => o.id === 0x81)?.value).toEqual(latin1.encode('b'.repeat(200)));
    // Stream from a given object on.
    const tail = await client.readDeviceIdentification({ category: 'extended', objectId: 0x81 });
    expect(tail.objects.map((o) => o.id)).toEqual([0x81, 0x82]);
    // Individual access (read code 4).
    const one = await client.readDeviceIdentification({ objectId: 0x05 });
    expect(one.objects).toHaveLength(1);
    expect(one.modelName).toBe('model X');
    const missing = await rejection(client.readDeviceIdentification({ objectId: 0x90 }));
    expect((missing as ModbusException).exceptionCode).toBe(ExceptionCode.illegalDataAddress);
  });

  it('rawRequest: a user-defined function, and a public one returned raw', async () => {
    const { client } = await setup(framing);
    expect([...(await client.rawRequest(0x41, Uint8Array.of(1, 2, 3, 4, 5)))]).toEqual([5, 4, 3, 2, 1]);
    // FC3 sent raw: the answer's bytes after the function code (byte count, values).
    const raw = await client.rawRequest(0x03, Uint8Array.of(0x00, 0x02, 0x00, 0x01));
    const v = registersAt(2, 1)[0]!;
    expect([...raw]).toEqual([2, v >> 8, v & 0xff]);
    const refused = await rejection(client.rawRequest(0x42, new Uint8Array(0)));
    expect(refused).toBeInstanceOf(ModbusException);
    expect((refused as ModbusException).functionCode).toBe(0x42);
  });

  it('exceptions carry function, code, name and unit', async () => {
    const { client } = await setup(framing);
    const error = await rejection(client.readHoldingRegisters(299, 2));
    expect(error).toBeInstanceOf(ModbusException);
    expect(error).toMatchObject({
      code: 'ERR_MODBUS_EXCEPTION',
      functionCode: 3,
      exceptionCode: 2,
      exceptionName: 'ILLEGAL DATA ADDRESS',
      unitId: 1,
    });
    expect(error.message).toMatch(/ILLEGAL DATA ADDRESS/);
  });

  it('the same works on a serial bus', async () => {
    const { client } = await setup(framing, true);
    expect([...(await client.readHoldingRegisters(0, 3))]).toEqual([...registersAt(0, 3)]);
    await client.writeSingleRegister(3, 42);
    expect([...(await client.readHoldingRegisters(3, 1))]).toEqual([42]);
    const id = await client.readDeviceIdentification({ category: 'regular' });
    expect(id.vendorName).toBe('meterlink');
  });
});

describe('client basics', () => {
  it('defaults: framing from the link, unit 0xFF on TCP and 1 on serial framings', async () => {
    const [a, b] = memoryPair();
    track({ close: () => b.close() });
    const seen: number[] = [];
    const server = new ModbusServer({ model: { holdingRegisters: [5] } });
    server.on('request', (_r, context) => seen.push(context.unitId));
    server.serve(b);
    const client = track(await ModbusClient.connect({ link: a }));
    expect(client.framing).toBe('tcp');
    expect([...(await client.readHoldingRegisters(0, 1))]).toEqual([5]);
    expect(seen).toEqual([0xff]);
  });

  it('stats count requests, responses and exceptions', async () => {
    const { client } = await setup('tcp');
    await client.readHoldingRegisters(0, 1);
    await rejection(client.readHoldingRegisters(300, 1));
    expect(client.stats).toMatchObject({
      requests: 2,
      responses: 2,
      exceptions: 1,
      timeouts: 0,
      unmatched: 0,
    });
  });
});
