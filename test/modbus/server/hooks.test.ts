// The onRequest hook (answers, fall-through, async order, exceptions, failures), custom function
// codes, and the request / write / handlerError events.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/index.js';
import {
  ModbusClient,
  ModbusException,
  type ModbusRequest,
  type ModbusRequestContext,
  ModbusServer,
  type ModbusServerOptions,
} from '../../../src/modbus/index.js';
import { ask, concat, mbap, rtu, servedWire, sleep, until, useCleanup, type Wire } from './helpers.js';

const track = useCleanup();

function hooked(onRequest: ModbusServerOptions['onRequest'], options: ModbusServerOptions = {}) {
  const server = new ModbusServer({ model: { holdingRegisters: 100 }, onRequest, ...options });
  return { server, wire: servedWire(server, 'tcp', track) };
}

/** Splits MBAP bytes into [transaction id, PDU hex] pairs. */
function adus(bytes: Uint8Array): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let at = 0; at + 6 <= bytes.length; ) {
    const size = 6 + ((bytes[at + 4]! << 8) | bytes[at + 5]!);
    out.push([(bytes[at]! << 8) | bytes[at + 1]!, toHex(bytes.subarray(at + 7, at + size))]);
    at += size;
  }
  return out;
}

describe('onRequest hook', () => {
  it('answers requests itself, or falls through to the data model', async () => {
    const { wire } = hooked((request) =>
      request.type === 'read-holding-registers' && request.address === 50
        ? { type: 'read-holding-registers', values: Uint16Array.of(0xbeef) }
        : undefined,
    );
    expect(await ask(wire, 1, '0300320001')).toBe('0302BEEF');
    expect(await ask(wire, 1, '0300310001')).toBe('03020000');
  });

  it('gets the unit id, the model, the link and the broadcast flag', async () => {
    const contexts: ModbusRequestContext[] = [];
    const { server, wire } = hooked(
      (_, context) => {
        contexts.push(context);
        return undefined;
      },
      { unitIds: [3], unitZero: 'broadcast' },
    );
    await ask(wire, 3, '0300000001');
    await wire.send(mbap(2, 0, '0600000001'));
    await ask(wire, 3, '0300000001');
    expect(contexts.map((c) => [c.unitId, c.broadcast])).toEqual([
      [3, false],
      [0, true],
      [3, false],
    ]);
    expect(contexts[0]!.model).toBe(server.model);
    expect(contexts[0]!.link.info.transport).toBe('memory');
  });

  it('may answer an exception response, or throw a ModbusException (sync or async)', async () => {
    const { wire } = hooked(async (request) => {
      if (request.type !== 'write-single-register') return undefined;
      if (request.value === 1) return { type: 'exception', functionCode: 6, exceptionCode: 0x05 };
      if (request.value === 2) throw new ModbusException({ functionCode: 6, exceptionCode: 0x06, unitId: 1 });
      await sleep(1);
      throw new ModbusException({ functionCode: 6, exceptionCode: 0x08, unitId: 1 });
    });
    expect(await ask(wire, 1, '0600000001')).toBe('8605');
    expect(await ask(wire, 1, '0600000002')).toBe('8606');
    expect(await ask(wire, 1, '0600000003')).toBe('8608');
  });

  it('throwing anything else answers 04 and emits handlerError (sync and async)', async () => {
    const { server, wire } = hooked((request) => {
      if (request.type === 'read-coils') throw new Error('boom');
      if (request.type === 'read-discrete-inputs') return Promise.reject(new TypeError('async boom'));
      return undefined;
    });
    const failures: Array<[string, string]> = [];
    server.on('handlerError', (error, request) => failures.push([(error as Error).message, request.type]));
    expect(await ask(wire, 1, '0100000001')).toBe('8104');
    expect(await ask(wire, 1, '0200000001')).toBe('8204');
    expect(failures).toEqual([
      ['boom', 'read-coils'],
      ['async boom', 'read-discrete-inputs'],
    ]);
  });

  it('a response that cannot be encoded answers 04 and emits handlerError', async () => {
    const { server, wire } = hooked(() => ({ type: 'read-holding-registers', values: new Uint16Array(200) }));
    const failures: unknown[] = [];
    server.on('handlerError', (error) => failures.push(error));
    expect(await ask(wire, 1, '0300000001')).toBe('8304');
    expect(failures).toHaveLength(1);
  });

  it('async answers keep the request order of pipelined requests (one segment in)', async () => {
    const { wire } = hooked(async (request) => {
      if (request.type !== 'read-holding-registers') return undefined;
      // Odd addresses answer synchronously; even ones later, the earliest ones last.
      if (request.address % 2 === 1) return undefined;
      await sleep(20 - request.address);
      return { type: 'read-holding-registers', values: Uint16Array.of(request.address) };
    });
    const requests = Array.from({ length: 16 }, (_, i) => mbap(100 + i, 1, Uint8Array.of(3, 0, i, 0, 1)));
    await wire.send(concat(requests));
    await until(() => adus(concat(wire.chunks)).length === 16, 1000, '16 answers');
    const answers = adus(wire.take());
    expect(answers.map(([id]) => id)).toEqual(Array.from({ length: 16 }, (_, i) => 100 + i));
    expect(answers.map(([, pdu]) => pdu)).toEqual(
      Array.from(
        { length: 16 },
        (_, i) => `0302${(i % 2 === 1 ? 0 : i).toString(16).padStart(4, '0').toUpperCase()}`,
      ),
    );
  });

  it('a pipelining ModbusClient gets every answer right with slow async handlers', async () => {
    const { wire } = hooked(async (request) => {
      if (request.type === 'read-holding-registers') await sleep(request.address % 5);
      return undefined;
    });
    const client = new ModbusClient({ link: wire.link, maxInFlight: 16, unitId: 1 });
    const values = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client.writeSingleRegister(i, i * 3).then(() => client.readHoldingRegisters(i, 1)),
      ),
    );
    expect(values.map((v) => v[0])).toEqual(Array.from({ length: 40 }, (_, i) => i * 3));
  });

  it('handles custom function codes (raw PDUs)', async () => {
    const seen: ModbusRequest[] = [];
    const { wire } = hooked((request) => {
      seen.push(request);
      if (request.type === 'raw' && request.functionCode === 0x41) {
        return {
          type: 'raw',
          functionCode: 0x41,
          data: Uint8Array.of(request.data.length, ...request.data.reverse()),
        };
      }
      return undefined;
    });
    expect(await ask(wire, 1, '41010203')).toBe('4103030201');
    expect(await ask(wire, 1, '42')).toBe('C201'); // not handled: the model refuses it
    const client = new ModbusClient({ link: wire.link, unitId: 1 });
    expect(toHex(await client.rawRequest(0x41, fromHex('AABB')))).toBe('02BBAA');
    expect(seen[0]).toEqual({ type: 'raw', functionCode: 0x41, data: Uint8Array.of(3, 2, 1) });
  });

  it('handles custom function codes over RTU too', async () => {
    const server = new ModbusServer({
      onRequest: (request) =>
        request.type === 'raw'
          ? { type: 'raw', functionCode: request.functionCode, data: Uint8Array.of(0x99) }
          : undefined,
    });
    const wire = servedWire(server, 'rtu', track, { bus: true });
    const answer = rtu(1, '6599');
    expect(await wire.exchange(rtu(1, '650102'), answer.length)).toBe(toHex(answer));
  });
});

describe('events', () => {
  it('emits write for every executed write, with its table, and nothing for reads or refusals', async () => {
    const server = new ModbusServer({ model: { holdingRegisters: 100, coils: 100, files: { 1: 10 } } });
    const wire: Wire = servedWire(server, 'tcp', track);
    const writes: string[] = [];
    const requests: string[] = [];
    server.on('write', (change) => writes.push(`${change.unitId}:${change.table}:${change.request.type}`));
    server.on('request', (request, context) => requests.push(`${context.unitId}:${request.type}`));
    await ask(wire, 1, '050001FF00');
    await ask(wire, 1, '0600010001');
    await ask(wire, 1, '0F0000000201FF');
    await ask(wire, 1, '10000000010200FF');
    await ask(wire, 1, '16000100FF0000');
    await ask(wire, 1, '17000000010000000102000A');
    await ask(wire, 1, '1509060001000000010001');
    await ask(wire, 1, '0300000001');
    await ask(wire, 1, '0600640001'); // 02: nothing written
    expect(writes).toEqual([
      '1:coils:write-single-coil',
      '1:holdingRegisters:write-single-register',
      '1:coils:write-multiple-coils',
      '1:holdingRegisters:write-multiple-registers',
      '1:holdingRegisters:mask-write-register',
      '1:holdingRegisters:read-write-multiple-registers',
      '1:files:write-file-record',
    ]);
    expect(requests).toHaveLength(9);
    expect(requests[8]).toBe('1:write-single-register');
  });

  it('emits nothing for requests it never decodes and for other units', async () => {
    const server = new ModbusServer({ unitIds: [1] });
    const wire = servedWire(server, 'tcp', track);
    const requests: unknown[] = [];
    server.on('request', (request) => requests.push(request));
    expect(await ask(wire, 1, '030000007E')).toBe('8303');
    expect(await ask(wire, 2, '0300000001')).toBe('830A');
    expect(requests).toEqual([]);
  });

  it('a hook failing on a broadcast emits handlerError; nothing is answered', async () => {
    const server = new ModbusServer({
      unitZero: 'broadcast',
      onRequest: (request) => {
        if (request.type === 'write-single-register') throw new Error('nope');
        return undefined;
      },
    });
    const wire = servedWire(server, 'tcp', track);
    const failures: unknown[] = [];
    server.on('handlerError', (error) => failures.push(error));
    await wire.send(mbap(1, 0, '0600010001'));
    expect(await ask(wire, 1, '0300010001')).toBe('03020000');
    expect(failures).toHaveLength(1);
  });
});
