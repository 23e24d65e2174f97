/**
 * The demo's simulated Modbus energy meter: a three-phase meter (a `ModbusServer`, unit 7) on a
 * simulated RS-485 line behind a `modbus-rtu` port of the tunnel gateway, its input registers
 * filled from a typed register map. The head-end reads its device identification and the map
 * through the broker with a `ModbusClient` speaking RTU.
 *
 * @module
 */

import { memoryPair } from '../../links/memory-pair.js';
import { ModbusClient } from '../../modbus/client/modbus-client.js';
import { inputBlock } from '../../modbus/registers/block.js';
import { registerLayout } from '../../modbus/registers/register-layout.js';
import { ModbusServer } from '../../modbus/server/modbus-server.js';
import type { DemoDevice, DemoMeter, DemoReading, DemoScenario } from './scenario.js';

/**
 * Three-phase meter, input registers from address 0x100, low word first (CDAB) — the order many
 * serial meters use.
 */
const threePhaseMap = registerLayout(
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
const threePhaseAddress = 0x100;

/** Modbus address of the meter on its line. */
const unitId = 7;

/** The three-phase meter on an RS-485 line (a memory pair), read through the tunnel over RTU. */
export const modbusRtuMeter: DemoScenario = {
  id: 'modbus-rtu',
  async start(context): Promise<DemoMeter> {
    const server = new ModbusServer({
      model: {
        inputRegisters: 0x400,
        deviceIdentification: {
          vendorName: 'meterlink',
          productCode: 'ML-EM3P',
          majorMinorRevision: '2.1',
          productName: 'Three-phase energy meter (simulated)',
        },
      },
      unitIds: [unitId],
    });
    threePhaseMap.encodeInto(
      {
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
      server.model.inputRegisters,
      threePhaseAddress,
    );
    // The gateway's end of the line and the meter's end; a bus, as RS-485 is.
    const [line, meterEnd] = memoryPair({ bus: true });
    const stop = server.serve(meterEnd, { framing: 'rtu' });
    context.defer(() => meterEnd.close());
    context.defer(stop);
    context.defer(() => line.close());
    return {
      port: { id: 'modbus-rtu', link: line, protocol: 'modbus-rtu', kind: 'serial' },
      async read(tunnel): Promise<Omit<DemoDevice, 'route'>> {
        const options = { timeoutMs: context.timeoutMs, signal: context.signal };
        const link = tunnel.link('modbus-rtu');
        context.defer(() => link.close());
        const client = await ModbusClient.connect({
          link,
          framing: 'rtu',
          unitId,
          timeoutMs: context.timeoutMs,
          connectTimeoutMs: context.timeoutMs,
          signal: context.signal,
        });
        context.defer(() => client.close());
        const id = await client.readDeviceIdentification({ category: 'regular' }, options);
        const v = await client.read(inputBlock(threePhaseAddress, threePhaseMap), options);
        const readAt = new Date();
        await client.close();
        const identity = [
          id.vendorName,
          id.productName ?? id.productCode,
          id.majorMinorRevision && `rev ${id.majorMinorRevision}`,
        ]
          .filter((part) => part !== undefined && part !== '')
          .join(' ');
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
        return {
          title: `Three-phase energy meter — Modbus RTU, unit ${unitId}, input registers ${threePhaseAddress}–${end} (CDAB)`,
          device: 'RS-485 line (simulated), RTU framing',
          identity,
          readAt: readAt.toISOString(),
          readings,
        };
      },
    };
  },
};
