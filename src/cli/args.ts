/**
 * A small command-line parser: positionals and a fixed set of long flags (`--name value`,
 * `--name=value`, `-h`), with no dependency. Every flag is known here once; each command lists
 * the flags it accepts, so a flag that means nothing to a command is an error, not ignored.
 *
 * @module
 */

/** A command-line mistake: reported as `meterlink: ERR_USAGE: …`, exit code 2. */
export class UsageError extends Error {
  /** Always `ERR_USAGE` (CLI-only; the library's codes are in `ErrorCode`). */
  readonly code = 'ERR_USAGE';
  /** The command whose usage was wrong, for the `see … --help` hint. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Every flag the CLI knows: whether it takes a value, and its help line. */
export const flagSpecs = {
  json: { value: false, help: 'print one JSON document on stdout instead of text' },
  help: { value: false, short: 'h', help: 'show help (for a command: its usage and an example)' },
  version: { value: false, help: 'print the meterlink version' },
  timeout: { value: '<ms>', help: 'response and connect timeout in ms (overrides the URL)' },
  unit: { value: '<id>', help: 'unit id / serial address 0–255 (overrides the URL)' },
  retries: { value: '<n>', help: 'extra attempts after a timeout (overrides the URL)' },
  type: {
    value: '<type>',
    help: 'value type: uint16, int16, uint32, int32, float32, float64, uint64, int64, string',
  },
  order: { value: '<order>', help: 'byte/word order of --type values: ABCD (default), CDAB, BADC, DCBA' },
  multiple: { value: false, help: 'always use FC15/FC16, even for a single coil or register' },
  category: { value: '<name>', help: 'identification objects to read: basic, regular (default), extended' },
  framing: { value: '<framing>', help: 'DLMS framing: wrapper (default) or hdlc' },
  port: { value: '<port>', help: 'port to listen on, 0–65535 (0 = any free port)' },
  host: { value: '<host>', help: 'address to listen on (default 127.0.0.1)' },
  udp: { value: false, help: 'listen on UDP instead of TCP (wrapper framing only)' },
  client: { value: '<sap>', help: 'DLMS client SAP 0–127 (overrides the URL; 16 public, 1 management)' },
  server: {
    value: '<ld[/phys]>',
    help: 'DLMS server logical device [/physical address] (overrides the URL)',
  },
  auth: {
    value: '<mechanism>',
    help: 'DLMS authentication: none, lls, hls-gmac (default lls with --password)',
  },
  password: { value: '<text>', help: 'LLS password (or env METERLINK_PASSWORD); never printed' },
  'auth-key': { value: '<hex>', help: 'authentication key AK, 16 octets hex (or env METERLINK_AUTH_KEY)' },
  'enc-key': { value: '<hex>', help: 'global encryption key EK, 16 octets hex (or env METERLINK_ENC_KEY)' },
  'system-title': {
    value: '<hex>',
    help: 'client system title, 8 octets hex (or env METERLINK_SYSTEM_TITLE; default 4D4C4B434C490001)',
  },
  policy: {
    value: '<policy>',
    help: 'ciphering: none, authenticated, encrypted, authenticated-encrypted (default with keys)',
  },
  'invocation-counter': {
    value: '<n|read>',
    help: 'first invocation counter, or read (default): 0.0.43.1.0.255 via the public client',
  },
  from: { value: '<time>', help: 'profile range start, ISO 8601 (2024-06-01 or 2024-06-01T00:00Z)' },
  to: { value: '<time>', help: 'profile range end (inclusive), ISO 8601; default now' },
  entries: { value: '<first[-last]>', help: 'profile entry range, 1 = oldest entry (e.g. 1-96)' },
  set: { value: '<now|time>', help: 'set the clock: now, or an ISO 8601 date-time' },
  fleet: { value: '<meters.csv>', help: 'read every meter of a CSV file (columns id,url[,client,server,…])' },
  concurrency: { value: '<n>', help: 'meters read at the same time with --fleet (default 8)' },
} as const satisfies Record<string, { value: string | false; short?: string; help: string }>;

/** A flag name (without the dashes). */
export type FlagName = keyof typeof flagSpecs;

/** The result of {@link parseArgs}. */
export interface ParsedArgs {
  /** Arguments that are not flags, in order (command words included). */
  positionals: string[];
  /** Flags given: `true` for switches, the text for flags with a value. */
  flags: Partial<Record<FlagName, string | true>>;
}

const shortFlags = new Map<string, FlagName>(
  Object.entries(flagSpecs).flatMap(([name, spec]) =>
    'short' in spec ? [[spec.short, name as FlagName] as const] : [],
  ),
);

function isFlagName(name: string): name is FlagName {
  return Object.hasOwn(flagSpecs, name);
}

/** `-5`, `-0.5`, `-.5`: a negative number is a value, not a flag. */
const negativeNumber = /^-(\d|\.\d)/;

/**
 * Splits `argv` into positionals and flags. `--` ends flag parsing.
 *
 * @throws {@link UsageError} for an unknown flag, a flag given twice, a missing value, or a value
 *   given to a switch
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || negativeNumber.test(arg)) {
      parsed.positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      const short = shortFlags.get(arg.slice(1));
      if (short === undefined) throw new UsageError(`unknown option '${arg}'`);
      name = short;
    }
    if (!isFlagName(name)) throw new UsageError(`unknown option '--${name}'`);
    if (parsed.flags[name] !== undefined) throw new UsageError(`option --${name} is given more than once`);
    const spec = flagSpecs[name];
    if (spec.value === false) {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      parsed.flags[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !negativeNumber.test(next))) {
        throw new UsageError(`option --${name} needs a value ${spec.value}`);
      }
      value = next;
      i++;
    }
    parsed.flags[name] = value;
  }
  return parsed;
}

/**
 * Rejects flags the command does not use (`--help`, `--json` and `--version` are always allowed).
 *
 * @throws {@link UsageError} naming the first such flag
 */
export function checkFlags(args: ParsedArgs, allowed: readonly FlagName[], command: string): void {
  for (const name of Object.keys(args.flags) as FlagName[]) {
    if (name === 'help' || name === 'json' || name === 'version' || allowed.includes(name)) continue;
    throw new UsageError(`option --${name} does not apply to '${command}'`, command);
  }
}

/** The text of a flag with a value, if given. */
export function stringFlag(args: ParsedArgs, name: FlagName): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * An integer flag within `min`–`max`, if given.
 *
 * @throws {@link UsageError} when it is not such an integer
 */
export function integerFlag(args: ParsedArgs, name: FlagName, min: number, max: number): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  return parseInteger(text, `--${name}`, min, max);
}

/**
 * Parses a decimal (or `0x` hexadecimal) integer within `min`–`max`.
 *
 * @param what - names the argument in the error message
 * @throws {@link UsageError} when `text` is not such an integer
 */
export function parseInteger(text: string, what: string, min: number, max: number): number {
  const value = /^(\d+|0x[0-9a-f]+)$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${what} must be an integer ${min}–${max}, got '${text}'`);
  }
  return value;
}
