/**
 * A Modbus/TCP → RTU gateway: TCP clients talk to it, it forwards their requests to devices on a
 * serial line and sends their answers back (Modbus spec §11). Stop it with Ctrl-C.
 *
 * Usage: modbus-gateway.ts [serial-path] [--baud 19200] [--port 5020] [--host 127.0.0.1]
 *        modbus-gateway.ts --target <meter-url> [--port 5020] [--host 127.0.0.1]
 *   serial-path  the RS-485 adapter, default /dev/ttyUSB0 (Windows: COM3); needs the optional
 *                package `serialport` (npm install serialport)
 *   --baud       line speed of the serial line, default 19200 (8E1, the Modbus default)
 *   --target     forward to any meter URL instead of a serial line, e.g.
 *                'modbus+rtutcp://10.0.0.9:4001' for a serial-to-Ethernet converter
 *   --port       TCP port to listen on, default 5020 (502 needs root on most systems); 0 picks one
 *   --host       address to listen on, default 127.0.0.1; 0.0.0.0 accepts other machines
 *
 * Unit ids 1–247 of incoming requests become the serial addresses on the line. The serial line
 * carries one request at a time; the gateway queues the rest and answers 0x0B GATEWAY TARGET
 * DEVICE FAILED TO RESPOND when a device stays silent, 0x0A GATEWAY PATH UNAVAILABLE when the line
 * is down.
 *
 * Trying it without hardware:
 *   1. Start the simulator speaking RTU over TCP:        modbus-simulator.ts 5021 --rtu
 *   2. Start the gateway with a URL instead of a port:   modbus-gateway.ts --target 'modbus+rtutcp://127.0.0.1:5021'
 *   3. Read through the gateway with Modbus/TCP:         modbus-read.ts 'modbus+tcp://127.0.0.1:5020?unit=1'
 * To exercise the real serial path too, give the simulator a virtual serial port with socat
 * (apt-get install socat; npm install serialport) and use its path in step 2:
 *   socat pty,link=/tmp/ttyV0,raw,echo=0 tcp:127.0.0.1:5021 &
 *   modbus-gateway.ts /tmp/ttyV0 --baud 19200
 */

import { parseArgs } from 'node:util';
import { connectModbus, MeterlinkError, serial } from 'meterlink';
import { ModbusClient, ModbusServer } from 'meterlink/modbus';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    target: { type: 'string' },
    baud: { type: 'string', default: '19200' },
    port: { type: 'string', default: '5020' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const path = positionals[0] ?? '/dev/ttyUSB0';

try {
  // The downstream client: RTU on the serial line (the default framing of a serial link; one
  // request at a time, as a half-duplex bus requires — spec §6), or whatever the --target URL names.
  const client =
    options.target === undefined
      ? await ModbusClient.connect({
          link: serial({ path, baudRate: Number(options.baud) }),
          timeoutMs: 1000, // per request; a TCP client should wait longer than this (spec §13)
        })
      : await connectModbus(options.target);
  const downstream = options.target ?? `${path} (RTU, ${options.baud} bit/s)`;

  // No local units: requests for unit ids 1–247 (the serial addresses, spec §6) go to `client`
  // with their unit id as the address; unit 0 is a broadcast, forwarded without an answer (spec §11).
  const server = new ModbusServer({ gateway: { route: { client } } });
  const listener = await server.listen({ host: options.host, port: Number(options.port) });
  console.log(`Modbus/TCP gateway on ${listener.host}:${listener.port} → ${downstream} (Ctrl-C stops it)`);

  process.once('SIGINT', () => {
    void (async () => {
      await listener.close();
      await client.close();
      console.log('Gateway stopped.');
    })();
  });
} catch (error) {
  console.error(error instanceof MeterlinkError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
