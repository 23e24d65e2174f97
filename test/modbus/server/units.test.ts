// Unit ids: one model for many ids, several models, unknown units on MBAP, unit 0 on MBAP.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/index.js';
import { ModbusDataModel, ModbusServer } from '../../../src/modbus/index.js';
import { ask, askSerial, mbap, rtu, servedWire, useCleanup } from './helpers.js';

const track = useCleanup();

describe('unit ids', () => {
  it('answers every unit id on MBAP by default (0xFF, 0 and 1–247 alike) from one model', async () => {
    const server = new ModbusServer({ model: { holdingRegisters: [7] } });
    const wire = servedWire(server, 'tcp', track);
    for (const unit of [0, 1, 17, 247, 248, 0xff]) {
      await wire.send(mbap(unit, unit, '0300000001'));
      expect(await wire.receive(11)).toEqual(mbap(unit, unit, '03020007').subarray(0, 11));
    }
  });

  it('answers only address 1 on serial framings by default', async () => {
    const server = new ModbusServer({ model: { holdingRegisters: [7] } });
    const wire = servedWire(server, 'rtu', track, { bus: true });
    await wire.send(rtu(2, '0300000001'));
    expect(await askSerial(wire, 'rtu', 1, '0300000001')).toBe('03020007');
  });

  it('serves one model under several unit ids', async () => {
    const server = new ModbusServer({ model: { holdingRegisters: 10 }, unitIds: [1, 2, 3] });
    const wire = servedWire(server, 'tcp', track);
    expect(await ask(wire, 1, '0600040063')).toBe('0600040063');
    expect(await ask(wire, 3, '0300040001')).toBe('03020063');
    expect(server.modelOf(2)).toBe(server.model);
    expect(await ask(wire, 4, '0300040001')).toBe('830A');
  });

  it('serves several models, each with its own data and diagnostics', async () => {
    const shared = new ModbusDataModel({ holdingRegisters: 10 });
    const server = new ModbusServer({
      model: { holdingRegisters: [1] },
      units: { 2: { holdingRegisters: [2] }, 3: shared, 4: shared },
    });
    const wire = servedWire(server, 'tcp', track);
    expect(await ask(wire, 1, '0300000001')).toBe('03020001');
    expect(await ask(wire, 2, '0300000001')).toBe('03020002');
    expect(await ask(wire, 3, '0600000009')).toBe('0600000009');
    expect(await ask(wire, 4, '0300000001')).toBe('03020009');
    expect(server.modelOf(3)).toBe(shared);
    expect(server.modelOf(5)).toBeUndefined();
    expect(await ask(wire, 5, '0300000001')).toBe('830A');
    expect(server.diagnosticsOf(2)).not.toBe(server.diagnosticsOf(1));
  });

  it('answers an unknown MBAP unit with 0x0A by default, a configured code, or nothing', async () => {
    const base = { model: { holdingRegisters: [5] }, unitIds: [1] };
    const a = servedWire(new ModbusServer(base), 'tcp', track);
    expect(await ask(a, 9, '10000000010200FF')).toBe('900A');
    const b = servedWire(new ModbusServer({ ...base, unknownUnit: 0x0b }), 'tcp', track);
    expect(await ask(b, 9, '0300000001')).toBe('830B');
    const c = servedWire(new ModbusServer({ ...base, unknownUnit: 'ignore' }), 'tcp', track);
    await c.send(mbap(1, 9, '0300000001'));
    expect(await ask(c, 1, '0300000001')).toBe('03020005');
  });

  it('MBAP unit 0, respond mode (default): processed by the default model and answered', async () => {
    const server = new ModbusServer({
      model: { holdingRegisters: 10 },
      units: { 2: { holdingRegisters: 10 } },
    });
    const wire = servedWire(server, 'tcp', track);
    expect(await ask(wire, 0, '0600010005')).toBe('0600010005');
    expect(server.model.holdingRegisters[1]).toBe(5);
    expect(server.modelOf(2)!.holdingRegisters[1]).toBe(0);
  });

  it('MBAP unit 0, broadcast mode: allowed writes on every unit, no answer; reads ignored', async () => {
    const server = new ModbusServer({
      model: { holdingRegisters: 10 },
      units: { 2: { holdingRegisters: 10 } },
      unitZero: 'broadcast',
    });
    const wire = servedWire(server, 'tcp', track);
    await wire.send(mbap(1, 0, '0600010005'));
    await wire.send(mbap(2, 0, '0300000001'));
    await wire.send(mbap(3, 0, '1700000001000200010209'));
    expect(await ask(wire, 1, '0300010002')).toBe('030400050000');
    expect(server.modelOf(2)!.holdingRegisters[1]).toBe(5);
  });

  it('never answers a "request" with function code 0 or ≥ 0x80, whatever its unit', async () => {
    const wire = servedWire(
      new ModbusServer({ model: { holdingRegisters: [5] }, unitIds: [1] }),
      'tcp',
      track,
    );
    for (const [unit, pdu] of [
      [1, '00'],
      [1, '8302'],
      [9, '80'],
      [9, 'FF0000'],
    ] as const) {
      await wire.send(mbap(1, unit, pdu));
    }
    expect(await ask(wire, 1, '0300000001')).toBe('03020005');
  });

  it('rejects bad unit options', () => {
    expect(() => new ModbusServer({ unitIds: [0] })).toThrow(InvalidArgumentError);
    expect(() => new ModbusServer({ unitIds: [256] })).toThrow(InvalidArgumentError);
    expect(() => new ModbusServer({ units: { 1.5: {} } })).toThrow(InvalidArgumentError);
    expect(() => new ModbusServer({ unknownUnit: 0 })).toThrow(InvalidArgumentError);
    expect(() => new ModbusServer({ unknownUnit: 256 })).toThrow(InvalidArgumentError);
    // @ts-expect-error an invalid mode
    expect(() => new ModbusServer({ unitZero: 'ignore' })).toThrow(InvalidArgumentError);
  });
});
