// Broadcast (unit 0) and other unanswered requests (spec §6, §9.3, §4.6).
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, memoryPair } from '../../../src/index.js';
import { ModbusClient, ModbusServer } from '../../../src/modbus/index.js';
import { answerAll, autoClose, registersAt, rejection, scripted, sleep, ticks } from './helpers.js';

const track = autoClose();

describe('broadcast over Modbus/TCP', () => {
  it('unit 0 resolves once sent, without waiting for an answer', async () => {
    const { client, peer } = scripted('tcp', { client: { timeoutMs: 500 } });
    track(client);
    const start = performance.now();
    await client.writeSingleRegister(3, 0x1234, { unitId: 0 });
    expect(performance.now() - start).toBeLessThan(250); // not the 500 ms timeout
    await peer.waitForRequests(1);
    expect(peer.at(0).frame.unitId).toBe(0);
    expect(peer.at(0).request).toEqual({ type: 'write-single-register', address: 3, value: 0x1234 });
  });

  it('an answer to a broadcast is discarded', async () => {
    const { client, peer } = scripted('tcp', { script: answerAll });
    track(client);
    await client.writeSingleRegister(3, 1, { unitId: 0 });
    await peer.waitForRequests(1);
    await ticks(5);
    expect(client.stats.unmatched).toBe(1);
    expect((await client.readHoldingRegisters(8, 1))[0]).toBe(registersAt(8, 1)[0]);
  });

  it('refuses reads to unit 0 before sending anything, unless expectResponse', async () => {
    const { client, peer } = scripted('tcp', { script: answerAll });
    track(client);
    for (const call of [
      client.readHoldingRegisters(0, 1, { unitId: 0 }),
      client.readCoils(0, 1, { unitId: 0 }),
      client.readDeviceIdentification({}, { unitId: 0 }),
      client.rawRequest(0x41, new Uint8Array(0), { unitId: 0 }),
      client.readHoldingRegisters(0, 1, { unitId: 0, forceBroadcast: true }),
    ]) {
      expect(await rejection(call)).toBeInstanceOf(InvalidArgumentError);
    }
    await ticks(5);
    expect(peer.requests).toHaveLength(0);
    // A server directly on TCP may answer unit 0: the caller asks for the answer.
    expect((await client.readHoldingRegisters(2, 1, { unitId: 0, expectResponse: true }))[0]).toBe(
      registersAt(2, 1)[0],
    );
    expect(peer.at(0).frame.unitId).toBe(0);
  });

  it('a client whose default unit is 0 broadcasts writes and refuses reads', async () => {
    const { client, peer } = scripted('tcp', { client: { unitId: 0 }, script: answerAll });
    track(client);
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(InvalidArgumentError);
    await client.writeSingleCoil(1, true);
    await peer.waitForRequests(1);
    expect(peer.at(0).frame.unitId).toBe(0);
  });

  it('refuses to broadcast a function outside the allowed list unless forced', async () => {
    const { client, peer } = scripted('tcp');
    track(client);
    const raw = { type: 'raw', functionCode: 0x41, data: Uint8Array.of(1) } as const;
    expect(await rejection(client.request(raw, { unitId: 0 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(client.diagnostics(0x0b, undefined, { unitId: 0 }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    await ticks(5);
    expect(peer.requests).toHaveLength(0);
    expect(await client.request(raw, { unitId: 0, forceBroadcast: true })).toBeUndefined();
    expect(await client.diagnostics(0x0b, undefined, { unitId: 0, forceBroadcast: true })).toBeUndefined();
    // Allowed without forcing: the FC8 sub-functions that only change state.
    expect(await client.diagnostics(0x0a, undefined, { unitId: 0 })).toBeUndefined();
    await peer.waitForRequests(3);
    expect(peer.requests.map((r) => r.frame.pdu[0])).toEqual([0x41, 0x08, 0x08]);
  });

  it('FC8 sub-function 4 (listen only) is never awaited, to any unit', async () => {
    const { client, peer } = scripted('tcp', { client: { timeoutMs: 500, unitId: 5 } });
    track(client);
    const start = performance.now();
    expect(await client.diagnostics(4)).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(250); // not the 500 ms timeout
    await peer.waitForRequests(1);
    expect(peer.at(0).frame.unitId).toBe(5);
  });
});

describe('broadcast on a serial bus', () => {
  it('resolves once sent; the turnaround delay holds the bus for the next request', async () => {
    const { client, peer } = scripted('rtu', {
      pair: { bus: true, baudRate: 115200 },
      client: { broadcastDelayMs: 80, unitId: 1 },
      script: (r, p) => {
        if (r.frame.unitId !== 0) answerAll(r, p);
      },
    });
    track(client);
    const start = performance.now();
    await client.writeMultipleRegisters(0, [1, 2, 3], { unitId: 0 });
    expect(performance.now() - start).toBeLessThan(70); // not after the 80 ms turnaround delay
    const value = await client.readHoldingRegisters(6, 1);
    expect(value[0]).toBe(registersAt(6, 1)[0]);
    expect(peer.at(1).at - peer.at(0).at).toBeGreaterThanOrEqual(75);
  });

  it('every server on the line executes it and none answers', async () => {
    const [a, b] = memoryPair({ bus: true, baudRate: 19200 });
    track({ close: () => b.close() });
    const server = new ModbusServer({ units: { 1: { holdingRegisters: 4 }, 2: { holdingRegisters: 4 } } });
    server.serve(b, { framing: 'rtu' });
    const client = track(new ModbusClient({ link: a, framing: 'rtu', broadcastDelayMs: 10, timeoutMs: 100 }));
    await client.writeSingleRegister(2, 77, { unitId: 0 });
    await client.maskWriteRegister(1, 0x0000, 0x00ff, { unitId: 0 });
    expect([...(await client.readHoldingRegisters(0, 3, { unitId: 1 }))]).toEqual([0, 0xff, 77]);
    expect([...(await client.readHoldingRegisters(0, 3, { unitId: 2 }))]).toEqual([0, 0xff, 77]);
    expect(client.stats).toMatchObject({ timeouts: 0, unmatched: 0 });
  });

  it('a broadcast while another request is outstanding waits its turn', async () => {
    const { client, peer } = scripted('rtu', {
      pair: { bus: true, baudRate: 115200 },
      client: { broadcastDelayMs: 5, unitId: 1 },
    });
    track(client);
    const read = client.readHoldingRegisters(0, 1);
    const write = client.writeSingleRegister(0, 5, { unitId: 0 });
    await peer.waitForRequests(1);
    await sleep(20);
    expect(peer.requests).toHaveLength(1);
    answerAll(peer.at(0), peer);
    await read;
    await write;
    await peer.waitForRequests(2);
    expect(peer.requests.map((r) => r.frame.unitId)).toEqual([1, 0]);
  });
});
