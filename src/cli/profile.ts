/**
 * `meterlink profile <url> [obis]`: a load profile (Profile generic buffer) as CSV or JSON.
 *
 * @module
 */

import type { CosemDateTime } from '../dlms/axdr/types.js';
import type { DlmsClient } from '../dlms/client/dlms-client.js';
import { DataAccessError } from '../dlms/client/errors.js';
import type { ProfileSelection } from '../dlms/client/profile-read.js';
import { parseObisText } from '../dlms/cosem/obis.js';
import type { ProfileBuffer, ProfileCell } from '../dlms/cosem/profile-buffer.js';
import type { ProfileColumn } from '../dlms/cosem/profile-columns.js';
import { applyScaler, parseScalerUnit, type ScalerUnit, scaledDecimal } from '../dlms/cosem/scaler.js';
import { unitSymbol } from '../dlms/cosem/units.js';
import { parseInteger, stringFlag, UsageError } from './args.js';
import type { Command, CommandContext, CommandResult } from './command.js';
import { dlmsFlags, withDlms } from './dlms-options.js';
import { type Progress, progressBar } from './dlms-progress.js';
import { parseTimeArgument } from './dlms-time.js';
import { dataToJson, formatCosemDateTime, formatData, instantOf, isoText } from './dlms-values.js';

const name = 'profile';

/** The standard load profile 1 (meterlink spec §11.5). */
const defaultProfile = '1.0.99.1.0.255';
/** A time range is read one day at a time: each part is one request, and the bar moves per part. */
const windowMs = 86_400_000;
/** The end of a window lies one COSEM hundredth before the next window's start (bounds are inclusive). */
const hundredthMs = 10;

/** What to read, from the flags. */
type Selection =
  | { kind: 'all' }
  | { kind: 'time'; from: Date; to: Date }
  | { kind: 'entries'; fromEntry: number; toEntry: number };

function parseSelection(context: CommandContext): Selection {
  const fromText = stringFlag(context.args, 'from');
  const toText = stringFlag(context.args, 'to');
  const entries = stringFlag(context.args, 'entries');
  if (entries !== undefined) {
    if (fromText !== undefined || toText !== undefined) {
      throw new UsageError('--entries and --from/--to exclude each other', name);
    }
    const match = /^(\d+)(?:-(\d*))?$/.exec(entries);
    if (match === null) throw new UsageError(`--entries must be <first>[-<last>], got '${entries}'`, name);
    const fromEntry = parseInteger(match[1]!, '--entries first entry', 1, 0xffffffff);
    const last = match[2] === undefined ? String(fromEntry) : match[2];
    const toEntry = last === '' ? 0 : parseInteger(last, '--entries last entry', fromEntry, 0xffffffff);
    return { kind: 'entries', fromEntry, toEntry };
  }
  if (fromText === undefined) {
    if (toText !== undefined) throw new UsageError('--to needs --from', name);
    return { kind: 'all' };
  }
  const now = new Date();
  const from = parseTimeArgument(fromText, '--from', name, now);
  const to = toText === undefined ? now : parseTimeArgument(toText, '--to', name, now);
  if (to.getTime() < from.getTime()) throw new UsageError('--to is before --from', name);
  return { kind: 'time', from, to };
}

/** The windows of a time range: consecutive, inclusive, not overlapping. */
function windowsOf(from: Date, to: Date): { from: Date; to: Date }[] {
  const windows: { from: Date; to: Date }[] = [];
  for (let start = from.getTime(); start <= to.getTime(); start += windowMs) {
    const end = Math.min(to.getTime(), start + windowMs - hundredthMs);
    windows.push({ from: new Date(start), to: new Date(end) });
  }
  return windows;
}

/** Reads the buffer, part by part for a time range, drawing the progress. */
async function readBuffer(
  client: DlmsClient,
  obis: string,
  selection: Selection,
  progress: Progress,
  signal: AbortSignal,
): Promise<ProfileBuffer> {
  if (selection.kind !== 'time') {
    let bytes = 0;
    const onData = (chunk: Uint8Array): void => {
      bytes += chunk.length;
      progress.update(0, undefined, `${(bytes / 1024).toFixed(1)} kB received`);
    };
    client.link.on('data', onData);
    try {
      const range: ProfileSelection =
        selection.kind === 'all' ? {} : { fromEntry: selection.fromEntry, toEntry: selection.toEntry };
      return await client.readProfile(obis, range, { signal });
    } finally {
      client.link.off('data', onData);
    }
  }
  const windows = windowsOf(selection.from, selection.to);
  let buffer: ProfileBuffer | undefined;
  progress.update(0, windows.length, 'days read');
  for (const [i, window] of windows.entries()) {
    const part = await client.readProfile(obis, window, { signal });
    if (buffer === undefined) buffer = part;
    else buffer.rows.push(...part.rows);
    progress.update(i + 1, windows.length, `days read, ${buffer.rows.length} rows`);
  }
  return buffer!;
}

/** The scaler_unit attribute of a register column (classes 3, 4: value; 5: the averages). */
function scalerAttributeOf(column: ProfileColumn): number | undefined {
  const { classId, attributeIndex, dataIndex } = column.captureObject;
  if (dataIndex !== 0) return undefined;
  if ((classId === 3 || classId === 4) && attributeIndex === 2) return 3;
  if (classId === 5 && (attributeIndex === 2 || attributeIndex === 3)) return 4;
  return undefined;
}

/** scaler_unit of each register column; a column whose scaler the meter refuses stays raw. */
async function scalersOf(
  client: DlmsClient,
  columns: readonly ProfileColumn[],
  signal: AbortSignal,
): Promise<(ScalerUnit | undefined)[]> {
  const scalers: (ScalerUnit | undefined)[] = [];
  for (const column of columns) {
    const attribute = scalerAttributeOf(column);
    if (attribute === undefined) {
      scalers.push(undefined);
      continue;
    }
    const { classId, logicalName: obis } = column.captureObject;
    try {
      scalers.push(parseScalerUnit(await client.get({ classId, obis, attribute }, { signal })));
    } catch (error) {
      if (!(error instanceof DataAccessError)) throw error;
      scalers.push(undefined);
    }
  }
  return scalers;
}

function isDateTime(cell: object): cell is CosemDateTime {
  return !('type' in cell);
}

/** A cell for CSV (text) or JSON (value). */
function cellOf(cell: ProfileCell, scaler: ScalerUnit | undefined, csv: boolean): unknown {
  if (cell === null || typeof cell === 'boolean') return csv ? (cell === null ? '' : String(cell)) : cell;
  if (typeof cell === 'number' || typeof cell === 'bigint') {
    const power = scaler?.scaler ?? 0;
    if (!csv) return power === 0 ? cell : applyScaler(cell, power);
    return typeof cell === 'bigint' || Number.isSafeInteger(cell)
      ? scaledDecimal(cell, power)
      : String(applyScaler(cell, power));
  }
  if (isDateTime(cell)) {
    const at = instantOf(cell);
    if (at !== undefined) return isoText(at);
    return csv ? formatCosemDateTime(cell) : cell;
  }
  return csv ? formatData(cell) : dataToJson(cell);
}

/** RFC 4180 quoting. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `meterlink profile`. */
export const profile: Command = {
  name,
  synopsis: '<url> [obis]',
  summary: 'Read a load profile (Profile generic) to CSV, or JSON with --json',
  description: [
    `Reads the buffer of the Profile generic [obis] (default ${defaultProfile}, load profile 1): its capture objects, then the entries — all of them, a time range (--from, --to; --to defaults to now) or an entry range (--entries 1-96, 1 = the oldest entry). A time range is read one day per request. Register columns are scaled with their scaler_unit; times are ISO 8601 UTC when the meter gives an instant.`,
    'Prints CSV on stdout (a header row of column names with units, then one row per entry) — redirect it to a file. While reading, a progress bar is drawn on standard error when it is a terminal, and nothing when it is not.',
    'With --json one document: { url, obis, columns: [{ name, label, classId, obis, attribute, unit, scaler }], rows: [[…]] }.',
    'Times: now, an ISO 8601 date or date-time (UTC unless it has an offset), or -<n>s|m|h|d before now.',
  ],
  flags: [...dlmsFlags, 'from', 'to', 'entries'],
  examples: [
    "meterlink profile 'wrapper+tcp://192.168.1.30:4059' --from -1d > last-day.csv",
    "meterlink profile 'hdlc+tcp://10.0.0.5:4059' 1.0.99.1.0.255 --from 2024-06-01 --to 2024-06-08 --json",
    "meterlink profile 'wrapper+tcp://192.168.1.30:4059' 0.0.99.98.0.255 --entries 1-20",
  ],
  async run(context): Promise<CommandResult> {
    const [urlText, obisText] = context.operands;
    if (urlText === undefined) throw new UsageError('missing <url>', name);
    if (context.operands.length > 2)
      throw new UsageError(`unexpected argument '${context.operands[2]}'`, name);
    const obis = parseObisText(obisText ?? defaultProfile).dotted;
    const selection = parseSelection(context);
    return withDlms(context, urlText, async ({ client, url }) => {
      const progress = progressBar(context.stderr, `profile ${obis}`);
      let buffer: ProfileBuffer;
      let scalers: (ScalerUnit | undefined)[];
      try {
        buffer = await readBuffer(client, obis, selection, progress, context.signal);
        scalers = await scalersOf(client, buffer.columns, context.signal);
      } finally {
        progress.end();
      }
      const units = scalers.map((s) => (s === undefined ? '' : unitSymbol(s.unit)));
      const header = buffer.columns.map((c, j) =>
        csvField(units[j] === '' ? c.label : `${c.label} [${units[j]}]`),
      );
      const lines = buffer.rows.map((row) =>
        row.map((cell, j) => csvField(cellOf(cell, scalers[j], true) as string)).join(','),
      );
      return {
        text: [header.join(','), ...lines].join('\n'),
        json: {
          url: url.display,
          obis,
          columns: buffer.columns.map((c, j) => ({
            name: c.name,
            label: c.label,
            classId: c.captureObject.classId,
            obis: c.captureObject.logicalName,
            attribute: c.captureObject.attributeIndex,
            unit: units[j],
            scaler: scalers[j]?.scaler ?? null,
          })),
          rows: buffer.rows.map((row) => row.map((cell, j) => cellOf(cell, scalers[j], false))),
        },
      };
    });
  },
};
