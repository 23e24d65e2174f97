/**
 * A simulated energy meter: a ModbusServer whose readings change every second. Stop it with Ctrl-C.
 *
 * Usage: modbus-simulator.ts [port] [--rtu]
 *   port   TCP port on 127.0.0.1, default 5020 (502 needs root on most systems); 0 picks a free one
 *   --rtu  speak RTU frames over TCP (like a serial-to-Ethernet converter, unit 1) instead of Modbus/TCP
 *
 * Then, in another terminal: modbus-read.ts or modbus-register-map.ts, or
 *   npx meterlink modbus read 'modbus+tcp://127.0.0.1:5020?unit=1' holding 0 3 --type float32
 */

import { ModbusServer, registerLayout } from 'meterlink/modbus';

const port = Number(process.argv[2] ?? 5020);
const framing = process.argv.includes('--rtu') ? 'rtu' : 'tcp';

// The register map of modbus-register-map.ts: holding registers 0–17, big-endian.
const meterMap = registerLayout({
  voltage: 'float32', // V
  current: 'float32', // A
  power: 'float32', //   W
  energy: 'uint64', //   Wh
  serialNumber: { type: 'string', registers: 8 },
});

// The data model is plain typed arrays: 32 holding registers and 8 coils (a relay and alarm flags).
const server = new ModbusServer({
  model: {
    holdingRegisters: 32,
    coils: [true, false, true, false, false, false, false, false],
    deviceIdentification: {
      vendorName: 'meterlink examples',
      productCode: 'SIM-EM1',
      majorMinorRevision: '1.0',
    },
  },
});
const registers = server.model.holdingRegisters;

let voltage = 230;
let current = 5;
let energyWh = 1_234_567;
meterMap.encodeInto(
  { voltage, current, power: voltage * current, energy: BigInt(energyWh), serialNumber: 'SIM-0001' },
  registers,
);

const listener = await server.listen({ host: '127.0.0.1', port, framing });
const scheme = framing === 'rtu' ? 'modbus+rtutcp' : 'modbus+tcp';
console.log(`Simulated energy meter on ${scheme}://127.0.0.1:${listener.port}?unit=1 (Ctrl-C stops it)`);

// Once a second the load drifts and the energy counter advances by what the power delivered.
const timer = setInterval(() => {
  voltage = 230 + (Math.random() - 0.5) * 4;
  current = Math.max(0, current + (Math.random() - 0.5));
  const power = voltage * current;
  energyWh += power / 3600;
  // encodeInto rewrites only these fields; the serial number stays as it is.
  meterMap.encodeInto({ voltage, current, power, energy: BigInt(Math.floor(energyWh)) }, registers);
  console.log(
    `${voltage.toFixed(1)} V  ${current.toFixed(2)} A  ${power.toFixed(1)} W  ${Math.floor(energyWh)} Wh`,
  );
}, 1000);

process.once('SIGINT', () => {
  clearInterval(timer);
  // Closes the listening socket and every client connection; then nothing keeps Node running.
  void listener.close().then(() => console.log('Simulator stopped.'));
});
