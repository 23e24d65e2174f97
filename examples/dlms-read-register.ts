/**
 * Reads the clock and a few registers of a DLMS/COSEM meter over TCP and prints them with units.
 *
 * Usage: dlms-read-register.ts [host:port] [--hdlc] [obis…]
 *   host:port  default 127.0.0.1:4059, where `npx meterlink simulate` listens
 *   --hdlc     the meter speaks HDLC over TCP (`meterlink simulate --framing hdlc`), not the wrapper
 *   obis…      registers to read, default 1.0.1.8.0.255 (+A energy) and 1.0.32.7.0.255 (voltage L1)
 *
 * Logs on as the management client 1 with LLS; the password comes from METER_PASSWORD (default
 * 12345678, the simulator's). Never put a real meter's password in code.
 */

import { MeterlinkError, tcp } from 'meterlink';
import { DlmsClient } from 'meterlink/dlms';

const args = process.argv.slice(2);
const hdlc = args.includes('--hdlc');
const [address = '127.0.0.1:4059', ...codes] = args.filter((a) => a !== '--hdlc');
const [host = '127.0.0.1', port = '4059'] = address.split(':');
const registers = codes.length > 0 ? codes : ['1.0.1.8.0.255', '1.0.32.7.0.255'];

try {
  // Opens the TCP connection, then the association (SNRM/UA first with HDLC, then AARQ/AARE).
  const meter = await DlmsClient.connect({
    link: tcp({ host, port: Number(port) }),
    framing: hdlc ? 'hdlc' : 'wrapper',
    client: 1,
    server: hdlc ? { logical: 1, physical: 17 } : { logical: 1 },
    auth: { mechanism: 'lls', password: process.env.METER_PASSWORD ?? '12345678' },
    timeoutMs: 5000,
  });
  try {
    // `date` is the instant; `dateTime` holds the fields as the meter sent them.
    const clock = await meter.readClock();
    console.log(`Meter clock  ${clock.date?.toISOString() ?? 'not set'}`);
    for (const obis of registers) {
      // Attribute 3 (scaler_unit) is read once per register and cached; attribute 2 every time.
      const { value, unit } = await meter.readRegister(obis);
      console.log(`${obis.padEnd(15)} ${value} ${unit}`);
    }
  } finally {
    await meter.close(); // releases the association (RLRQ) and closes the connection
  }
} catch (error) {
  // Every error meterlink throws on purpose has a literal `code` (docs/errors.md).
  console.error(error instanceof MeterlinkError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
