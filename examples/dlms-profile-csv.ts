/**
 * Exports the last hours of a meter's load profile as CSV (stdout): one row per entry, the capture
 * time in ISO 8601 (UTC), then one column per captured value.
 *
 * Usage: dlms-profile-csv.ts [host:port] [hours] > profile.csv
 *   host:port  default 127.0.0.1:4059 (`npx meterlink simulate`, wrapper); the meter's clock sets "now"
 *   hours      how far back, default 24 (the simulator's profile has 15-minute entries)
 *
 * Logs on as client 1 with LLS; the password comes from METER_PASSWORD (default: the simulator's).
 */

import { MeterlinkError, tcp } from 'meterlink';
import { cosemDateTimeToDate, DlmsClient, type ProfileCell } from 'meterlink/dlms';

const [address = '127.0.0.1:4059', hours = '24'] = process.argv.slice(2);
const [host = '127.0.0.1', port = '4059'] = address.split(':');

/** A CSV field: dates as ISO 8601, numbers as they are, anything else quoted. */
function field(cell: ProfileCell): string {
  if (cell === null) return '';
  if (typeof cell !== 'object') return String(cell);
  if ('hour' in cell) return cosemDateTimeToDate(cell).toISOString(); // a CosemDateTime
  return `"${JSON.stringify(cell, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).replaceAll('"', '""')}"`;
}

try {
  const meter = await DlmsClient.connect({
    link: tcp({ host, port: Number(port) }),
    framing: 'wrapper',
    client: 1,
    auth: { mechanism: 'lls', password: process.env.METER_PASSWORD ?? '12345678' },
  });
  try {
    const now = (await meter.readClock()).date ?? new Date();
    const from = new Date(now.getTime() - Number(hours) * 3_600_000);
    // Selective access by range (§11.3 class 7): the meter sends only the entries in [from, now].
    // Large profiles come in blocks; the client reassembles them.
    const { columns, rows } = await meter.readProfile('1.0.99.1.0.255', { from, to: now });
    // Labels come from the capture objects: 'Clock time', 'Active energy import (+A) value' …
    console.log(columns.map((c) => `"${c.label}"`).join(','));
    for (const row of rows) console.log(row.map(field).join(','));
    console.error(`${rows.length} entries from ${from.toISOString()} to ${now.toISOString()}`);
  } finally {
    await meter.close();
  }
} catch (error) {
  console.error(error instanceof MeterlinkError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
