/**
 * What the DLMS commands share: the association settings from flags and environment variables
 * (`--client`, `--server`, `--auth`, `--password`, keys, `--policy`, `--invocation-counter`,
 * `--timeout`), and opening a client from a meter URL with them.
 *
 * Secrets (the password and the keys) come from flags or from `METERLINK_PASSWORD`,
 * `METERLINK_AUTH_KEY` and `METERLINK_ENC_KEY`; flags pick the behaviour, the environment only
 * supplies values. No message names a secret's value.
 *
 * @module
 */

import { type ConnectOptions, connectDlms } from '../connect/connect.js';
import type { DlmsUrl } from '../connect/meter-url.js';
import { parseMeterUrl } from '../connect/parse-meter-url.js';
import { InvalidArgumentError, InvalidUrlError } from '../core/errors.js';
import type { DlmsClient } from '../dlms/client/dlms-client.js';
import type { DlmsAuthentication, DlmsClientOptions, DlmsSecurityOptions } from '../dlms/client/options.js';
import { integerFlag, parseInteger, stringFlag, UsageError } from './args.js';
import type { CommandContext } from './command.js';

/** Flags every DLMS command accepts. */
export const dlmsFlags = [
  'timeout',
  'client',
  'server',
  'auth',
  'password',
  'auth-key',
  'enc-key',
  'system-title',
  'policy',
  'invocation-counter',
] as const;

/** The client system title used when none is given: `MLKCLI` then 00 01. */
export const defaultSystemTitle = Uint8Array.of(0x4d, 0x4c, 0x4b, 0x43, 0x4c, 0x49, 0x00, 0x01);

const mechanisms = ['none', 'lls', 'hls-gmac'] as const;
const policies = ['none', 'authenticated', 'encrypted', 'authenticated-encrypted'] as const;

/** A value from its flag, else from its environment variable, with where it came from. */
function fromFlagOrEnv(
  context: CommandContext,
  flag: 'password' | 'auth-key' | 'enc-key' | 'system-title',
  variable: string,
): { value: string; source: string } | undefined {
  const given = stringFlag(context.args, flag);
  if (given !== undefined) return { value: given, source: `--${flag}` };
  const env = context.env[variable];
  return env === undefined || env === '' ? undefined : { value: env, source: variable };
}

/**
 * Octets from hex text (spaces and colons allowed).
 *
 * @throws InvalidArgumentError naming the flag or variable, never the value
 */
function octets(text: string, source: string, length: number): Uint8Array {
  const clean = text.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-f]*$/i.test(clean) || clean.length !== length * 2) {
    throw new InvalidArgumentError(`${source} must be ${length} octets of hex (${length * 2} hex digits)`);
  }
  return Uint8Array.from(clean.match(/../g)!, (pair) => Number.parseInt(pair, 16));
}

function choice<T extends string>(
  context: CommandContext,
  flag: 'auth' | 'policy',
  values: readonly T[],
): T | undefined {
  const text = stringFlag(context.args, flag);
  if (text === undefined) return undefined;
  if (!values.includes(text as T)) {
    throw new UsageError(`--${flag} must be one of ${values.join(', ')}, got '${text}'`);
  }
  return text as T;
}

function serverAddress(context: CommandContext): DlmsClientOptions['server'] | undefined {
  const text = stringFlag(context.args, 'server');
  if (text === undefined) return undefined;
  const [logical, physical, extra] = text.split('/');
  if (extra !== undefined) throw new UsageError(`--server must be <logical>[/<physical>], got '${text}'`);
  return {
    logical: parseInteger(logical!, '--server logical device', 0, 0x3fff),
    ...(physical === undefined
      ? {}
      : { physical: parseInteger(physical, '--server physical address', 0, 0x3fff) }),
  };
}

function invocationCounter(context: CommandContext): number | 'read' {
  const text = stringFlag(context.args, 'invocation-counter') ?? 'read';
  return text === 'read' ? 'read' : parseInteger(text, '--invocation-counter', 0, 0xffffffff);
}

/** The keys, system title, policy and invocation counter, when the association needs them. */
function securityOf(
  context: CommandContext,
  mechanism: DlmsAuthentication['mechanism'],
  policy: DlmsSecurityOptions['policy'] | undefined,
): DlmsSecurityOptions | undefined {
  const keyFlags =
    context.args.flags['enc-key'] !== undefined || context.args.flags['auth-key'] !== undefined;
  const needed = mechanism === 'hls-gmac' || (policy !== undefined && policy !== 'none') || keyFlags;
  if (!needed) {
    for (const flag of ['system-title', 'invocation-counter'] as const) {
      if (context.args.flags[flag] !== undefined) {
        throw new UsageError(
          `--${flag} needs keys: --auth hls-gmac, a --policy, or --enc-key and --auth-key`,
        );
      }
    }
    return undefined;
  }
  const why = mechanism === 'hls-gmac' ? 'HLS-GMAC' : 'ciphering';
  const key = (flag: 'enc-key' | 'auth-key', variable: string): Uint8Array => {
    const found = fromFlagOrEnv(context, flag, variable);
    if (found === undefined) throw new InvalidArgumentError(`${why} needs --${flag} (or ${variable})`);
    return octets(found.value, found.source, 16);
  };
  const encryptionKey = key('enc-key', 'METERLINK_ENC_KEY');
  const authenticationKey = key('auth-key', 'METERLINK_AUTH_KEY');
  const title = fromFlagOrEnv(context, 'system-title', 'METERLINK_SYSTEM_TITLE');
  return {
    encryptionKey,
    authenticationKey,
    systemTitle: title === undefined ? defaultSystemTitle : octets(title.value, title.source, 8),
    invocationCounter: invocationCounter(context),
    ...(policy === undefined ? {} : { policy }),
  };
}

/**
 * The connect options the flags and the environment give for `url`: `auth` (`--auth`, else the
 * URL's `auth`, else `lls` when `--password` is given, else none), the client SAP (`--client`,
 * else the URL's, else 16 without authentication and 1 with), `--server`, the security keys
 * when HLS-GMAC or a ciphering policy needs them, and `--timeout`.
 *
 * @throws {@link UsageError} for a malformed flag; InvalidArgumentError for a missing or
 *   malformed secret (naming the flag or variable, not the value)
 */
export function dlmsConnectOptions(context: CommandContext, url: DlmsUrl): ConnectOptions {
  const password = fromFlagOrEnv(context, 'password', 'METERLINK_PASSWORD');
  const passwordFlag = context.args.flags.password !== undefined;
  const mechanism = choice(context, 'auth', mechanisms) ?? url.auth ?? (passwordFlag ? 'lls' : 'none');
  let auth: DlmsAuthentication;
  if (mechanism === 'lls') {
    if (password === undefined)
      throw new InvalidArgumentError('LLS needs --password (or METERLINK_PASSWORD)');
    auth = { mechanism, password: password.value };
  } else {
    if (passwordFlag) throw new UsageError(`--password is for --auth lls, not ${mechanism}`);
    auth = { mechanism };
  }
  const policy = choice(context, 'policy', policies) ?? url.policy;
  const security = securityOf(context, mechanism, policy);
  const timeoutMs = integerFlag(context.args, 'timeout', 1, 3_600_000);
  const server = serverAddress(context);
  const dlms: NonNullable<ConnectOptions['dlms']> = {
    auth,
    client: integerFlag(context.args, 'client', 0, 0x7f) ?? url.client ?? (mechanism === 'none' ? 16 : 1),
  };
  if (server !== undefined) dlms.server = server;
  if (security !== undefined) dlms.security = security;
  if (timeoutMs !== undefined) dlms.timeoutMs = timeoutMs;
  return { dlms, signal: context.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/**
 * Parses a DLMS meter URL.
 *
 * @throws InvalidUrlError for a bad URL or a Modbus one
 */
export function parseDlmsOperand(text: string): DlmsUrl {
  const url = parseMeterUrl(text);
  if (url.protocol !== 'dlms') {
    throw new InvalidUrlError(
      url.display,
      "a Modbus URL: use 'meterlink modbus …' (DLMS URLs are hdlc+…, wrapper+…, apdu+…)",
    );
  }
  return url;
}

/** A connected client and the URL it was opened from. */
export interface DlmsConnection {
  /** The associated client. */
  client: DlmsClient;
  /** The parsed URL (`display` hides any broker password). */
  url: DlmsUrl;
}

/**
 * Opens a client for `urlText` with the settings of the flags and the environment, runs `work`
 * with it and always closes it (releasing the association).
 *
 * @throws whatever parsing, connecting or `work` throws: {@link UsageError}, InvalidUrlError,
 *   InvalidArgumentError, LinkError, TimeoutError, AbortError, AssociationError, SecurityError …
 * @example
 * ```ts
 * return withDlms(context, 'wrapper+tcp://127.0.0.1:4059', async ({ client }) => client.readClock());
 * ```
 */
export async function withDlms<T>(
  context: CommandContext,
  urlText: string,
  work: (connection: DlmsConnection) => Promise<T>,
): Promise<T> {
  const url = parseDlmsOperand(urlText);
  const client = await connectDlms(url, dlmsConnectOptions(context, url));
  try {
    return await work({ client, url });
  } finally {
    await client.close();
  }
}
