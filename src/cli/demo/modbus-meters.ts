/**
 * Demo scenarios with simulated Modbus energy meters: one on Modbus/TCP, one speaking RTU frames
 * over TCP (as behind a serial-to-Ethernet converter). Each meter is a `ModbusServer` on
 * 127.0.0.1 with a port the OS picks, filled from a typed register map, and read back through
 * `connect(url)` with the same map.
 *
 * @module
 */

import { connect } from '../../connect/connect.js';
import { holdingBlock, inputBlock } from '../../modbus/registers/block.js';
import {
  type RegisterLayout,
  type RegisterLayoutValue,
  registerLayout,
} from '../../modbus/registers/register-layout.js';
import type { DeviceIdentificationInit } from '../../modbus/server/data-model.js';
import { ModbusServer } from '../../modbus/server/modbus-server.js';
import type { DemoContext, DemoDevice, DemoReading, DemoScenario } from './scenario.js';

/**
 * Single-phase meter, holding registers from address 0, big-endian (ABCD) — the common layout of
 * DIN-rail meters with a Modbus/TCP gateway.
 */
export const singlePhaseMap = registerLayout({
  voltage: 'float32', // 0–1     V
  current: 'float32', // 2–3     A
  activePower: 'float32', // 4–5     W
  powerFactor: 'float32', // 6–7
  frequency: 'float32', // 8–9     Hz
  importedEnergy: 'uint64', // 10–13  Wh
  exportedEnergy: { type: 'uint32', exponent: -2 }, // 14–15  kWh, 0.01 kWh on the wire
  serialNumber: { type: 'string', registers: 8 }, // 16–23
});

/**
 * Three-phase meter, input registers from address 0x100, low word first (CDAB) — the order many
 * serial meters use.
 */
export const threePhaseMap = registerLayout(
  {
    voltageL1: 'float32',
    voltageL2: 'float32',
    voltageL3: 'float32',
    currentL1: 'float32',
    currentL2: 'float32',
    currentL3: 'float32',
    totalPower: 'float32', // W
    frequency: 'float32', // Hz
    importedEnergy: { type: 'uint32', exponent: -1 }, // kWh, 0.1 kWh on the wire
    serialNumber: { type: 'string', registers: 6 },
  },
  { order: 'CDAB' },
);

/** Register address of the three-phase map in the input-register table. */
export const threePhaseAddress = 0x100;

/** Where a simulated meter keeps its map. */
interface MeterSetup<T> {
  table: 'holding' | 'input';
  address: number;
  layout: RegisterLayout<T>;
  values: T;
  identification: DeviceIdentificationInit;
  framing: 'tcp' | 'rtu';
  unitId: number;
}

/** Starts a simulated meter on 127.0.0.1 (cleanup registered) and returns its listening port. */
async function startMeter<T>(context: DemoContext, setup: MeterSetup<T>): Promise<number> {
  const server = new ModbusServer({
    model: { holdingRegisters: 0x400, inputRegisters: 0x400, deviceIdentification: setup.identification },
    unitIds: [setup.unitId],
  });
  const registers = setup.table === 'holding' ? server.model.holdingRegisters : server.model.inputRegisters;
  setup.layout.encodeInto(setup.values, registers, setup.address);
  const listener = await server.listen({ host: '127.0.0.1', port: 0, framing: setup.framing });
  context.defer(() => listener.close());
  return listener.port;
}

/** Reads the identification and the map through `connect(url)`, closing the client afterwards. */
async function readMeter<T>(
  context: DemoContext,
  url: string,
  setup: Pick<MeterSetup<T>, 'table' | 'address' | 'layout'>,
): Promise<{ identity: string; values: T }> {
  const client = await connect(url, { timeoutMs: context.timeoutMs, signal: context.signal });
  context.defer(() => client.close());
  const options = { signal: context.signal, timeoutMs: context.timeoutMs };
  const id = await client.readDeviceIdentification({ category: 'regular' }, options);
  const block =
    setup.table === 'holding'
      ? holdingBlock(setup.address, setup.layout)
      : inputBlock(setup.address, setup.layout);
  const values = await client.read(block, options);
  await client.close();
  const identity = [
    id.vendorName,
    id.productName ?? id.productCode,
    id.majorMinorRevision && `rev ${id.majorMinorRevision}`,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return { identity, values };
}

/** Single-phase meter on Modbus/TCP. */
export const modbusTcpMeter: DemoScenario = {
  id: 'modbus-tcp',
  async run(context): Promise<DemoDevice[]> {
    const setup: MeterSetup<RegisterLayoutValue<typeof singlePhaseMap>> = {
      table: 'holding',
      address: 0,
      layout: singlePhaseMap,
      values: {
        voltage: 230.4,
        current: 5.12,
        activePower: 1132.5,
        powerFactor: 0.96,
        frequency: 50.01,
        importedEnergy: 12_345_678n,
        exportedEnergy: 321.45,
        serialNumber: 'ML1P-24-000731',
      },
      identification: {
        vendorName: 'meterlink',
        productCode: 'ML-EM1P',
        majorMinorRevision: '1.4',
        productName: 'Single-phase energy meter (simulated)',
        modelName: 'EM1P-MB',
      },
      framing: 'tcp',
      unitId: 1,
    };
    const port = await startMeter(context, setup);
    const url = `modbus+tcp://127.0.0.1:${port}?unit=1`;
    const { identity, values: v } = await readMeter(context, url, setup);
    const readings: DemoReading[] = [
      { label: 'Serial number', value: v.serialNumber, unit: '' },
      { label: 'Voltage', value: v.voltage, unit: 'V', digits: 1 },
      { label: 'Current', value: v.current, unit: 'A', digits: 2 },
      { label: 'Active power', value: v.activePower, unit: 'W', digits: 1 },
      { label: 'Power factor', value: v.powerFactor, unit: '', digits: 2 },
      { label: 'Frequency', value: v.frequency, unit: 'Hz', digits: 2 },
      { label: 'Imported energy', value: v.importedEnergy, unit: 'Wh' },
      { label: 'Exported energy', value: v.exportedEnergy, unit: 'kWh', digits: 2 },
    ];
    return [
      {
        title: 'Single-phase energy meter — Modbus/TCP, holding registers 0–23 (ABCD)',
        url,
        identity,
        readings,
      },
    ];
  },
};

/** Three-phase meter speaking RTU frames over TCP. */
export const modbusRtuOverTcpMeter: DemoScenario = {
  id: 'modbus-rtutcp',
  async run(context): Promise<DemoDevice[]> {
    const setup: MeterSetup<RegisterLayoutValue<typeof threePhaseMap>> = {
      table: 'input',
      address: threePhaseAddress,
      layout: threePhaseMap,
      values: {
        voltageL1: 231.2,
        voltageL2: 229.8,
        voltageL3: 230.5,
        currentL1: 12.4,
        currentL2: 11.9,
        currentL3: 13.1,
        totalPower: 8475.3,
        frequency: 49.98,
        importedEnergy: 84_213.7,
        serialNumber: 'ML3P-23-0042',
      },
      identification: {
        vendorName: 'meterlink',
        productCode: 'ML-EM3P',
        majorMinorRevision: '2.1',
        productName: 'Three-phase energy meter (simulated)',
      },
      framing: 'rtu',
      unitId: 7,
    };
    const port = await startMeter(context, setup);
    const url = `modbus+rtutcp://127.0.0.1:${port}?unit=7`;
    const { identity, values: v } = await readMeter(context, url, setup);
    const readings: DemoReading[] = [
      { label: 'Serial number', value: v.serialNumber, unit: '' },
      { label: 'Voltage L1', value: v.voltageL1, unit: 'V', digits: 1 },
      { label: 'Voltage L2', value: v.voltageL2, unit: 'V', digits: 1 },
      { label: 'Voltage L3', value: v.voltageL3, unit: 'V', digits: 1 },
      { label: 'Current L1', value: v.currentL1, unit: 'A', digits: 2 },
      { label: 'Current L2', value: v.currentL2, unit: 'A', digits: 2 },
      { label: 'Current L3', value: v.currentL3, unit: 'A', digits: 2 },
      { label: 'Total power', value: v.totalPower, unit: 'W', digits: 1 },
      { label: 'Frequency', value: v.frequency, unit: 'Hz', digits: 2 },
      { label: 'Imported energy', value: v.importedEnergy, unit: 'kWh', digits: 1 },
    ];
    const end = threePhaseAddress + threePhaseMap.registers - 1;
    return [
      {
        title: `Three-phase energy meter — RTU over TCP, unit 7, input registers ${threePhaseAddress}–${end} (CDAB)`,
        url,
        identity,
        readings,
      },
    ];
  },
};
