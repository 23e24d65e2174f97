/**
 * `meterlink read --fleet meters.csv <obis...>`: the same objects from every meter of a CSV file,
 * through `readFleet` (bounded concurrency, one conversation per gateway, retries), one line per
 * meter as each completes.
 *
 * The file has a header row naming its columns: `id` and `url` (required), `client` and
 * `server` (`<logical>[/<physical>]`) optional, per meter over the URL and the flags. Lines that
 * are empty or start with `#` are skipped; fields may be quoted as in RFC 4180.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { parseMeterUrl } from '../connect/parse-meter-url.js';
import { DlmsClient } from '../dlms/client/dlms-client.js';
import type { FleetMeter } from '../fleet/fleet-meter.js';
import { readFleet } from '../fleet/read-fleet.js';
import { integerFlag, parseInteger, stringFlag, UsageError } from './args.js';
import type { CommandContext, CommandResult } from './command.js';
import { dlmsConnectOptions } from './dlms-options.js';
import { type ReadItem, type Reading, readItems, readingJson } from './dlms-reading.js';

const columns = ['id', 'url', 'client', 'server'] as const;

/** One CSV line as fields (RFC 4180 quoting, no line breaks inside fields). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  while (at <= line.length) {
    if (line[at] === '"') {
      let value = '';
      let i = at + 1;
      for (;;) {
        const end = line.indexOf('"', i);
        if (end === -1) throw new Error('unterminated quoted field');
        value += line.slice(i, end);
        if (line[end + 1] === '"') {
          value += '"';
          i = end + 2;
        } else {
          i = end + 1;
          break;
        }
      }
      fields.push(value);
      at = i + 1;
    } else {
      const end = line.indexOf(',', at);
      fields.push((end === -1 ? line.slice(at) : line.slice(at, end)).trim());
      at = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return fields;
}

/** A meter row of the file. */
interface FleetRow {
  id: string;
  url: string;
  client: number | undefined;
  server: { logical: number; physical?: number } | undefined;
}

/**
 * Reads the meters file.
 *
 * @throws {@link UsageError} naming the file, line and column at fault
 */
export function parseFleetCsv(text: string, file: string, command: string): FleetRow[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, number: i + 1 }));
  const content = lines.filter(({ line }) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const fail = (number: number, message: string): never => {
    throw new UsageError(`${file} line ${number}: ${message}`, command);
  };
  const fieldsOf = (line: string, number: number): string[] => {
    try {
      return csvFields(line);
    } catch (error) {
      return fail(number, (error as Error).message);
    }
  };
  const head = content[0];
  if (head === undefined) throw new UsageError(`${file} has no header row (id,url[,client,server])`, command);
  const header = fieldsOf(head.line, head.number).map((h) => h.toLowerCase());
  for (const name of header) {
    if (!(columns as readonly string[]).includes(name)) {
      fail(head.number, `unknown column '${name}' (expected ${columns.join(', ')})`);
    }
  }
  if (!header.includes('url')) fail(head.number, "no 'url' column");
  const rows: FleetRow[] = [];
  for (const { line, number } of content.slice(1)) {
    const fields = fieldsOf(line, number);
    if (fields.length !== header.length)
      fail(number, `${fields.length} fields, the header has ${header.length}`);
    const cell = (name: string): string => fields[header.indexOf(name)] ?? '';
    const url = cell('url');
    if (url === '') fail(number, 'empty url');
    const clientText = cell('client');
    const serverText = cell('server');
    let server: FleetRow['server'];
    if (serverText !== '') {
      const [logical, physical, extra] = serverText.split('/');
      if (extra !== undefined) fail(number, `server must be <logical>[/<physical>], got '${serverText}'`);
      server = {
        logical: parseInteger(logical!, `${file} line ${number}: server`, 0, 0x3fff),
        ...(physical === undefined
          ? {}
          : { physical: parseInteger(physical, `${file} line ${number}: server`, 0, 0x3fff) }),
      };
    }
    rows.push({
      id: cell('id') || `line ${number}`,
      url,
      client:
        clientText === '' ? undefined : parseInteger(clientText, `${file} line ${number}: client`, 0, 0x7f),
      server,
    });
  }
  return rows;
}

/** The connect options of one row: the flags' settings for its URL, its own client and server over them. */
function meterOf(context: CommandContext, row: FleetRow): FleetMeter {
  let url: ReturnType<typeof parseMeterUrl>;
  try {
    url = parseMeterUrl(row.url);
  } catch {
    // readFleet reports the bad URL as this meter's result.
    return { id: row.id, url: row.url };
  }
  if (url.protocol !== 'dlms') return { id: row.id, url };
  const { signal: _signal, ...options } = dlmsConnectOptions(context, url);
  const dlms = { ...options.dlms };
  if (row.client !== undefined) dlms.client = row.client;
  if (row.server !== undefined) dlms.server = row.server;
  return { id: row.id, url, options: { ...options, dlms } };
}

/** JSON text on one line (bigints as decimal text), for JSON lines. */
function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function textLine(id: string, readings: readonly Reading[]): string {
  return `${id}  ok  ${readings.map((r) => `${r.obis}=${r.text}${r.unit === '' ? '' : ` ${r.unit}`}`).join('  ')}`;
}

/**
 * Reads `items` from every meter of the file `--fleet` names, writing one line per meter to
 * stdout as it completes (JSON lines with `--json`), and returns the summary.
 *
 * @throws {@link UsageError} for an unreadable or malformed file or flags
 */
export async function readFleetFile(
  context: CommandContext,
  items: readonly ReadItem[],
  command: string,
): Promise<CommandResult> {
  const file = stringFlag(context.args, 'fleet')!;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      command,
    );
  }
  const meters = parseFleetCsv(text, file, command).map((row) => meterOf(context, row));
  const concurrency = integerFlag(context.args, 'concurrency', 1, 1000);
  const timeoutMs = integerFlag(context.args, 'timeout', 1, 3_600_000);
  const fleet = readFleet(
    meters,
    async (client, _meter, signal) => {
      if (!(client instanceof DlmsClient))
        throw new UsageError('a Modbus URL: read --fleet reads DLMS meters', command);
      return readItems(client, items, signal);
    },
    {
      signal: context.signal,
      ...(concurrency === undefined ? {} : { concurrency }),
      // One attempt (connect and reads) may take a few request timeouts.
      ...(timeoutMs === undefined ? {} : { timeoutMs: timeoutMs * (4 + items.length) }),
    },
  );
  let ok = 0;
  let failed = 0;
  for await (const result of fleet) {
    const { id, url } = result.meter;
    if (result.ok) {
      ok++;
      context.stdout.write(
        `${context.json ? jsonLine({ id, url, ok: true, values: result.value.map(readingJson) }) : textLine(id, result.value)}\n`,
      );
    } else {
      failed++;
      const { code, message } = result.error;
      context.stdout.write(
        `${context.json ? jsonLine({ id, url, ok: false, error: { code, message } }) : `${id}  failed  ${code}: ${message}`}\n`,
      );
    }
  }
  const summary = { meters: ok + failed, ok, failed };
  return {
    text: `${summary.meters} meter${summary.meters === 1 ? '' : 's'}: ${ok} read, ${failed} failed`,
    json: { summary },
    jsonText: jsonLine({ summary }),
    // Every meter has its line; a failed one still makes the run a failure for scripts.
    ...(failed > 0 ? { exitCode: 1 } : {}),
  };
}
