/**
 * `meterlink clock <url>` and `meterlink clock set <url> [now|time]`: read and set the Clock.
 *
 * @module
 */

import type { ClockReading } from '../dlms/client/clock-reads.js';
import type { DlmsClient } from '../dlms/client/dlms-client.js';
import { stringFlag, UsageError } from './args.js';
import type { Command, CommandContext, CommandResult } from './command.js';
import { type DlmsConnection, dlmsFlags, withDlms } from './dlms-options.js';
import { parseTimeArgument } from './dlms-time.js';
import { dataToJson, formatCosemDateTime, isoText } from './dlms-values.js';

/** The reading for `--json`, and its line of text with the drift against this computer. */
function describeReading(
  reading: ClockReading,
  before: number,
  after: number,
): { text: string; json: object } {
  const local = formatCosemDateTime(reading.dateTime);
  // The meter's time is compared with the middle of the round trip that read it.
  const computer = (before + after) / 2;
  const drift = reading.date === undefined ? undefined : (reading.date.getTime() - computer) / 1000;
  const driftText =
    drift === undefined
      ? 'no instant: the meter leaves fields unspecified'
      : Math.abs(drift) < 0.5
        ? 'in step with this computer'
        : `${Math.abs(drift).toFixed(1)} s ${drift > 0 ? 'ahead of' : 'behind'} this computer`;
  return {
    text: `${reading.date === undefined ? local : `${isoText(reading.date)}  (meter: ${local})`}\n${driftText}`,
    json: {
      time: reading.date === undefined ? null : isoText(reading.date),
      local,
      deviation: reading.deviation,
      status: reading.status,
      driftSeconds: drift === undefined ? null : Math.round(drift * 10) / 10,
      raw: dataToJson(reading.raw),
    },
  };
}

async function readNow(client: DlmsClient, signal: AbortSignal): Promise<{ text: string; json: object }> {
  const before = Date.now();
  const reading = await client.readClock({ signal });
  return describeReading(reading, before, Date.now());
}

/** Sets the clock to `time` (at the meter's own deviation), then reads it back. */
async function setTo(
  context: CommandContext,
  { client, url }: DlmsConnection,
  text: string,
  command: string,
): Promise<CommandResult> {
  const time = parseTimeArgument(text, 'the time', command);
  // `now` is taken when the SET leaves, not when the command line was read.
  const value = text === 'now' ? new Date() : time;
  await client.setClock(value, { signal: context.signal });
  const after = await readNow(client, context.signal);
  return {
    text: `${url.display}  clock set to ${isoText(value)}\n${after.text}`,
    json: { url: url.display, set: isoText(value), ...after.json },
  };
}

function urlOperand(context: CommandContext, command: string, extra: number): string {
  const urlText = context.operands[0];
  if (urlText === undefined) throw new UsageError('missing <url>', command);
  if (context.operands.length > 1 + extra) {
    throw new UsageError(`unexpected argument '${context.operands[1 + extra]}'`, command);
  }
  return urlText;
}

const timeHelp =
  'A time is now, an ISO 8601 date-time (UTC unless it has an offset: 2024-06-15T14:00:00+02:00) or -<n>s|m|h|d before now. It is written at the deviation the meter reports (its local time), with a valid clock status.';

/** `meterlink clock`. */
export const clock: Command = {
  name: 'clock',
  synopsis: '<url>',
  summary: 'Read the meter clock (and its drift); --set now|time sets it',
  description: [
    'Reads the Clock (0.0.1.0.0.255, attribute 2) and prints the instant in UTC, the meter’s local date-time with its UTC offset and status flags, and how far it is from this computer’s clock. With --set, sets the clock first (as meterlink clock set) and reads it back.',
    timeHelp,
    'With --json one document: { url, time, local, deviation, status, driftSeconds, raw } (time null when the meter leaves fields unspecified); with --set also set.',
  ],
  flags: [...dlmsFlags, 'set'],
  examples: [
    "meterlink clock 'wrapper+tcp://192.168.1.30:4059'",
    "meterlink clock 'hdlc+tcp://10.0.0.5:4059?client=1' --set now --password 12345678",
  ],
  async run(context): Promise<CommandResult> {
    const urlText = urlOperand(context, 'clock', 0);
    const setText = stringFlag(context.args, 'set');
    if (setText !== undefined) parseTimeArgument(setText, '--set', 'clock');
    return withDlms(context, urlText, async (connection) => {
      if (setText !== undefined) return setTo(context, connection, setText, 'clock');
      const reading = await readNow(connection.client, context.signal);
      return {
        text: `${connection.url.display}\n${reading.text}`,
        json: { url: connection.url.display, ...reading.json },
      };
    });
  },
};

/** `meterlink clock set`. */
export const clockSet: Command = {
  name: 'clock set',
  synopsis: '<url> [now|time]',
  summary: 'Set the meter clock (default: to now)',
  description: [
    'Sets the Clock (0.0.1.0.0.255, attribute 2) to [now|time] (default now) with one SET, then reads it back. Setting the clock needs a management association: --auth lls --password … or --auth hls-gmac with keys.',
    timeHelp,
    'With --json one document: { url, set, time, local, deviation, status, driftSeconds, raw }.',
  ],
  flags: [...dlmsFlags],
  examples: [
    "meterlink clock set 'wrapper+tcp://192.168.1.30:4059?client=1' --password 12345678",
    "meterlink clock set 'hdlc+tcp://10.0.0.5:4059?client=1' 2024-06-15T12:00:00Z --auth lls --json",
  ],
  async run(context): Promise<CommandResult> {
    const urlText = urlOperand(context, 'clock set', 1);
    const text = context.operands[1] ?? 'now';
    parseTimeArgument(text, 'the time', 'clock set');
    return withDlms(context, urlText, (connection) => setTo(context, connection, text, 'clock set'));
  },
};
