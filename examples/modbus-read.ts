/**
 * Reads a few holding registers and coils from a Modbus device and prints them.
 *
 * Usage: modbus-read.ts [meter-url]
 *   meter-url  default 'modbus+tcp://127.0.0.1:5020?unit=1' (the simulator of modbus-simulator.ts);
 *              any form `connect()` accepts: modbus+tcp, modbus+udp, modbus+rtutcp, modbus+rtu (serial) …
 *
 * Addresses are 0-based PDU addresses: holding register 40001 is address 0, coil 00001 is address 0
 * (Modbus spec §2).
 */

import { connectModbus, MeterlinkError } from 'meterlink';

const url = process.argv[2] ?? 'modbus+tcp://127.0.0.1:5020?unit=1';

const hex = (value: number): string => `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;

try {
  // Opens the link the URL names (TCP here) and returns a connected ModbusClient.
  const client = await connectModbus(url);
  try {
    console.log(`Connected to ${url}`);

    const registers = await client.readHoldingRegisters(0, 6); // FC3: a Uint16Array
    console.log('Holding registers 0–5:');
    registers.forEach((value, i) => {
      console.log(`  ${String(i).padStart(5)}  ${String(value).padStart(5)}  ${hex(value)}`);
    });

    const coils = await client.readCoils(0, 8); // FC1: boolean[], exactly the quantity asked for
    console.log(`Coils 0–7: ${coils.map((on) => (on ? 'on' : 'off')).join(' ')}`);
  } finally {
    await client.close();
  }
} catch (error) {
  // Every error meterlink throws on purpose has a literal `code` (docs/errors.md).
  console.error(error instanceof MeterlinkError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
