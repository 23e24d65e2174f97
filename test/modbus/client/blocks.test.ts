// read(block) / write(block): typed register layouts larger than one request.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, memoryPair } from '../../../src/index.js';
import {
  holdingBlock,
  inputBlock,
  ModbusClient,
  ModbusServer,
  registerLayout,
} from '../../../src/modbus/index.js';
import { answerAll, autoClose, registersAt, rejection, scripted, ticks } from './helpers.js';

const track = autoClose();

/** 300 consecutive uint16 fields r0 … r299. */
function wideLayout(size = 300) {
  const fields: Record<string, 'uint16'> = {};
  for (let i = 0; i < size; i++) fields[`r${i}`] = 'uint16';
  return registerLayout(fields);
}

describe('read(block)', () => {
  it('splits a 300-register block into 125 + 125 + 50 and pipelines the parts', async () => {
    const { client, peer } = scripted('tcp', { client: { maxInFlight: 4 } });
    track(client);
    const reading = client.read(holdingBlock(10, wideLayout()));
    await peer.waitForRequests(3);
    await ticks(5);
    expect(peer.requests.map((r) => r.request)).toEqual([
      { type: 'read-holding-registers', address: 10, quantity: 125 },
      { type: 'read-holding-registers', address: 135, quantity: 125 },
      { type: 'read-holding-registers', address: 260, quantity: 50 },
    ]);
    // All three are on the wire before any answer; answer them out of order.
    for (const r of [peer.at(2), peer.at(0), peer.at(1)]) answerAll(r, peer);
    const value = await reading;
    const expected = registersAt(10, 300);
    for (let i = 0; i < 300; i++) expect(value[`r${i}`], `r${i}`).toBe(expected[i]);
  });

  it('reads the parts one after the other when maxInFlight is 1', async () => {
    const { client, peer } = scripted('tcp');
    track(client);
    const reading = client.read(inputBlock(0, wideLayout(130)));
    await peer.waitForRequests(1);
    await ticks(5);
    expect(peer.requests).toHaveLength(1);
    answerAll(peer.at(0), peer);
    await peer.waitForRequests(2);
    expect(peer.at(1).request).toEqual({ type: 'read-input-registers', address: 125, quantity: 5 });
    answerAll(peer.at(1), peer);
    const value = await reading;
    expect(value.r129).toBe(registersAt(129, 1)[0]);
  });

  it('decodes typed fields across the request boundary', async () => {
    const layout = registerLayout({
      pad: { type: 'string', registers: 124 },
      energy: { type: 'uint32' }, // registers 124–125: split between the first two requests
      voltage: 'float32',
    });
    const [a, b] = memoryPair({ bus: true, baudRate: 38400 });
    track({ close: () => b.close() });
    const server = new ModbusServer({ unitIds: [1], model: { holdingRegisters: 1000 } });
    server.serve(b, { framing: 'rtu' });
    const client = track(new ModbusClient({ link: a, framing: 'rtu', unitId: 1, timeoutMs: 200 }));
    const block = holdingBlock(500, layout);
    await client.write(block, { pad: 'meter', energy: 0x12345678, voltage: 230.5 });
    const value = await client.read(block);
    expect(value).toMatchObject({ pad: 'meter', energy: 0x12345678, voltage: 230.5 });
  });

  it('fails as a whole when a part fails', async () => {
    const [a, b] = memoryPair();
    track({ close: () => b.close() });
    new ModbusServer({ model: { holdingRegisters: 200 } }).serve(b);
    const client = track(new ModbusClient({ link: a, maxInFlight: 2, timeoutMs: 200 }));
    const error = await rejection(client.read(holdingBlock(0, wideLayout(250))));
    expect(error).toMatchObject({ code: 'ERR_MODBUS_EXCEPTION', exceptionCode: 2 });
  });
});

describe('write(block)', () => {
  it('splits a 300-register block into 123 + 123 + 54 (FC16) and lands every value', async () => {
    const [a, b] = memoryPair();
    track({ close: () => b.close() });
    const server = new ModbusServer({ model: { holdingRegisters: 1000 } });
    const writes: number[] = [];
    server.on('request', (request) => {
      if (request.type === 'write-multiple-registers') writes.push(request.values.length);
    });
    server.serve(b);
    const client = track(new ModbusClient({ link: a, maxInFlight: 3, timeoutMs: 200 }));
    const layout = wideLayout();
    const value: Record<string, number> = {};
    const expected = registersAt(7, 300);
    for (let i = 0; i < 300; i++) value[`r${i}`] = expected[i]!;
    await client.write(holdingBlock(7, layout), value);
    expect(writes).toEqual([123, 123, 54]);
    expect([...server.model.holdingRegisters.subarray(7, 307)]).toEqual([...expected]);
    expect(await client.read(holdingBlock(7, layout))).toEqual(value);
  });

  it('refuses to write an input-register block, sending nothing', async () => {
    const { client, peer } = scripted('tcp', { script: answerAll });
    track(client);
    const error = await rejection(client.write(inputBlock(0, registerLayout({ a: 'uint16' })), { a: 1 }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    await ticks(5);
    expect(peer.requests).toHaveLength(0);
  });
});
