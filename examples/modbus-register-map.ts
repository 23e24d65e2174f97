/**
 * Reads an energy meter's register map as one typed object.
 *
 * Usage: modbus-register-map.ts [meter-url]
 *   meter-url  default 'modbus+tcp://127.0.0.1:5020?unit=1' (the simulator of modbus-simulator.ts,
 *              which serves exactly this map)
 *
 * The layout is declared once; `client.read(block)` reads its 18 registers and decodes them, with
 * TypeScript types inferred from the declaration: numbers for float32, a bigint for uint64 (a
 * 64-bit counter does not fit a double), a string for the serial number.
 */

import { connectModbus, MeterlinkError } from 'meterlink';
import { holdingBlock, registerLayout } from 'meterlink/modbus';

const url = process.argv[2] ?? 'modbus+tcp://127.0.0.1:5020?unit=1';

// Holding registers from address 0, big-endian (ABCD) — the default order (Modbus spec §12.2).
// A device that sends the low word first would be declared with `{ order: 'CDAB' }`.
const meterMap = registerLayout({
  voltage: 'float32', //                            registers 0–1, V
  current: 'float32', //                            registers 2–3, A
  power: 'float32', //                              registers 4–5, W
  energy: 'uint64', //                              registers 6–9, Wh (bigint)
  serialNumber: { type: 'string', registers: 8 }, // registers 10–17, up to 16 characters
});
const meter = holdingBlock(0, meterMap);

try {
  const client = await connectModbus(url);
  try {
    // { voltage: number; current: number; power: number; energy: bigint; serialNumber: string }
    const reading = await client.read(meter);
    const last = meter.address + meterMap.registers - 1;
    console.log(`Energy meter at ${url} (holding registers ${meter.address}–${last})`);
    console.log(`  Serial number  ${reading.serialNumber}`);
    console.log(`  Voltage        ${reading.voltage.toFixed(1)} V`);
    console.log(`  Current        ${reading.current.toFixed(2)} A`);
    console.log(`  Power          ${reading.power.toFixed(1)} W`);
    console.log(`  Energy         ${reading.energy} Wh`);
  } finally {
    await client.close();
  }
} catch (error) {
  console.error(error instanceof MeterlinkError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
