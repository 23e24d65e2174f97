/**
 * Reading the JSON configuration of the gateway modes (from `meterlink gateway <config.json>`):
 * every check names the JSON path of the offending field; key and password values never appear
 * in a message.
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
import { fromHex } from '../../../core/hex.js';
import { isObis } from '../../../dlms/cosem/obis.js';
import type { DlmsConnectionOptions } from './dlms-connector.js';

/** Environment variables, for `{ "env": "NAME" }` secrets. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * A mode configuration that cannot be used; `path` names the field (`modes[0].meters[1].read[0].obis`).
 *
 * @example
 * ```ts
 * try {
 *   parsePublishConfig({ mode: 'publish', meters: [] }, 'modes[0]', process.env);
 * } catch (error) {
 *   if (error instanceof ModeConfigError) console.error(error.path, error.message);
 * }
 * ```
 */
export class ModeConfigError extends InvalidArgumentError {
  static override readonly brand: string = 'ModeConfigError';
  /** Path of the offending field. */
  readonly path: string;

  /**
   * @param path - Path of the offending field.
   * @param problem - What is wrong with it (never a secret's value).
   */
  constructor(path: string, problem: string) {
    super(`gateway config${path === '' ? '' : ` ${path}`}: ${problem}`);
    this.path = path;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** A JSON object's fields, each read with its path; unknown fields are refused (typos). */
export class ModeFields {
  readonly #value: Readonly<Record<string, unknown>>;
  /** Path of the object. */
  readonly path: string;

  /**
   * @throws {@link ModeConfigError} when `value` is not an object or has a field not in `allowed`
   */
  constructor(value: unknown, path: string, allowed: readonly string[]) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ModeConfigError(path, `must be an object, got ${describe(value)}`);
    }
    this.#value = value as Record<string, unknown>;
    this.path = path;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        throw new ModeConfigError(this.at(key), `unknown field (expected one of: ${allowed.join(', ')})`);
      }
    }
  }

  /** The path of field `key`. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** The raw value of field `key`. */
  raw(key: string): unknown {
    return this.#value[key];
  }

  /** Whether field `key` is given. */
  has(key: string): boolean {
    return this.#value[key] !== undefined;
  }

  /**
   * A non-empty string field (`undefined` when absent and optional).
   * @throws {@link ModeConfigError} when missing (and required) or not a non-empty string
   */
  text(key: string): string;
  text(key: string, optional: true): string | undefined;
  text(key: string, optional = false): string | undefined {
    const value = this.#value[key];
    if (value === undefined && optional) return undefined;
    if (value === undefined) throw new ModeConfigError(this.at(key), 'is required');
    if (typeof value !== 'string' || value === '') {
      throw new ModeConfigError(this.at(key), `must be a non-empty string, got ${describe(value)}`);
    }
    return value;
  }

  /**
   * An integer field within `min`–`max` (`undefined` when absent and optional).
   * @throws {@link ModeConfigError} when missing (and required) or not such an integer
   */
  integer(key: string, min: number, max: number): number;
  integer(key: string, min: number, max: number, optional: true): number | undefined;
  integer(key: string, min: number, max: number, optional = false): number | undefined {
    const value = this.#value[key];
    if (value === undefined && optional) return undefined;
    if (value === undefined) throw new ModeConfigError(this.at(key), 'is required');
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ModeConfigError(this.at(key), `must be an integer ${min}…${max}, got ${describe(value)}`);
    }
    return value;
  }

  /**
   * A finite number field other than 0, or `undefined` when absent.
   * @throws {@link ModeConfigError} when it is something else
   */
  factor(key: string): number | undefined {
    const value = this.#value[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value === 0) {
      throw new ModeConfigError(this.at(key), `must be a finite number other than 0, got ${describe(value)}`);
    }
    return value;
  }

  /**
   * A boolean field, or `undefined` when absent.
   * @throws {@link ModeConfigError} when it is something else
   */
  flag(key: string): boolean | undefined {
    const value = this.#value[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      throw new ModeConfigError(this.at(key), `must be true or false, got ${describe(value)}`);
    }
    return value;
  }

  /**
   * A field whose value is one of `choices` (`undefined` when absent).
   * @throws {@link ModeConfigError} when it is something else
   */
  oneOf<T extends string | number>(key: string, choices: readonly T[]): T | undefined {
    const value = this.#value[key];
    if (value === undefined) return undefined;
    if (!choices.includes(value as T)) {
      throw new ModeConfigError(
        this.at(key),
        `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${describe(value)}`,
      );
    }
    return value as T;
  }

  /**
   * A non-empty array field.
   * @throws {@link ModeConfigError} when missing, not an array or empty
   */
  list(key: string): unknown[] {
    const value = this.#value[key];
    if (value === undefined) throw new ModeConfigError(this.at(key), 'is required');
    if (!Array.isArray(value))
      throw new ModeConfigError(this.at(key), `must be an array, got ${describe(value)}`);
    if (value.length === 0) throw new ModeConfigError(this.at(key), 'must not be empty');
    return value;
  }

  /**
   * An OBIS code field (`1.0.1.8.0.255` or `1-0:1.8.0*255`).
   * @throws {@link ModeConfigError} when missing or not an OBIS code
   */
  obis(key: string): string {
    const text = this.text(key);
    if (!isObis(text)) throw new ModeConfigError(this.at(key), `${JSON.stringify(text)} is not an OBIS code`);
    return text;
  }
}

/**
 * A secret: a string, or `{ "env": "NAME" }` read from `env`. Messages never show its value.
 * @throws {@link ModeConfigError} when it is neither, or the variable is not set
 */
function secretText(value: unknown, path: string, env: ConfigEnv): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModeConfigError(path, 'must be a non-empty string or { "env": "NAME" }');
  }
  const f = new ModeFields(value, path, ['env']);
  const name = f.text('env');
  const text = env[name];
  if (text === undefined || text === '') {
    throw new ModeConfigError(f.at('env'), `environment variable ${name} is not set`);
  }
  return text;
}

/**
 * A key or system title in hex (`"000102…"`, spaces and colons allowed), or `{ "env": "NAME" }`.
 * @throws {@link ModeConfigError} for anything else or the wrong length, without the value
 */
function hexKey(value: unknown, path: string, octets: number, env: ConfigEnv): Uint8Array {
  if (value === undefined) throw new ModeConfigError(path, 'is required');
  const text = secretText(value, path, env).replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(text) || text.length !== octets * 2) {
    throw new ModeConfigError(path, `must be ${octets} octets in hex (${octets * 2} hex digits)`);
  }
  return fromHex(text);
}

const dlmsKeys = [
  'framing',
  'client',
  'server',
  'auth',
  'security',
  'maxPduSize',
  'timeoutMs',
  'generalBlockTransfer',
  'hdlc',
];

/**
 * The `dlms` object of a meter or bridge: `DlmsClient.connect` options without the link.
 * @throws {@link ModeConfigError} naming the field at fault
 */
export function parseDlmsConnection(value: unknown, path: string, env: ConfigEnv): DlmsConnectionOptions {
  const f = new ModeFields(value, path, dlmsKeys);
  if (!f.has('framing')) throw new ModeConfigError(f.at('framing'), "is required ('hdlc' or 'wrapper')");
  const options: DlmsConnectionOptions = { framing: f.oneOf('framing', ['hdlc', 'wrapper'] as const)! };
  const client = f.integer('client', 0, 0x7f, true);
  if (client !== undefined) options.client = client;
  if (f.has('server')) {
    const s = new ModeFields(f.raw('server'), f.at('server'), ['logical', 'physical']);
    const logical = s.integer('logical', 0, 0x3fff, true);
    const physical = s.integer('physical', 0, 0x3fff, true);
    options.server = {
      ...(logical === undefined ? {} : { logical }),
      ...(physical === undefined ? {} : { physical }),
    };
  }
  if (f.has('auth')) {
    const a = new ModeFields(f.raw('auth'), f.at('auth'), ['mechanism', 'password']);
    const mechanism = a.oneOf('mechanism', ['none', 'lls', 'hls-gmac'] as const) ?? 'none';
    if (mechanism === 'lls') {
      if (!a.has('password')) throw new ModeConfigError(a.at('password'), 'is required for lls');
      options.auth = { mechanism, password: secretText(a.raw('password'), a.at('password'), env) };
    } else {
      if (a.has('password')) throw new ModeConfigError(a.at('password'), 'applies to lls only');
      options.auth = { mechanism };
    }
  }
  if (f.has('security')) {
    const s = new ModeFields(f.raw('security'), f.at('security'), [
      'policy',
      'encryptionKey',
      'authenticationKey',
      'systemTitle',
      'invocationCounter',
      'invocationCounterObis',
      'invocationCounterClient',
      'envelope',
    ]);
    const policy = s.oneOf('policy', [
      'none',
      'authenticated',
      'encrypted',
      'authenticated-encrypted',
    ] as const);
    const envelope = s.oneOf('envelope', ['service', 'general'] as const);
    const counter = s.raw('invocationCounter');
    let invocationCounter: number | 'read' | undefined;
    if (counter === 'read') invocationCounter = 'read';
    else invocationCounter = s.integer('invocationCounter', 0, 0xffffffff, true);
    const counterClient = s.integer('invocationCounterClient', 0, 0x7f, true);
    options.security = {
      encryptionKey: hexKey(s.raw('encryptionKey'), s.at('encryptionKey'), 16, env),
      authenticationKey: hexKey(s.raw('authenticationKey'), s.at('authenticationKey'), 16, env),
      systemTitle: hexKey(s.raw('systemTitle'), s.at('systemTitle'), 8, env),
      ...(policy === undefined ? {} : { policy }),
      ...(envelope === undefined ? {} : { envelope }),
      ...(invocationCounter === undefined ? {} : { invocationCounter }),
      ...(s.has('invocationCounterObis') ? { invocationCounterObis: s.obis('invocationCounterObis') } : {}),
      ...(counterClient === undefined ? {} : { invocationCounterClient: counterClient }),
    };
  }
  if (options.auth?.mechanism === 'hls-gmac' && options.security === undefined) {
    throw new ModeConfigError(f.at('security'), "is required with auth mechanism 'hls-gmac'");
  }
  const maxPduSize = f.integer('maxPduSize', 12, 0xffff, true);
  if (maxPduSize !== undefined) options.maxPduSize = maxPduSize;
  const timeoutMs = f.integer('timeoutMs', 1, 600_000, true);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const gbt = f.flag('generalBlockTransfer');
  if (gbt !== undefined) options.generalBlockTransfer = gbt;
  if (f.has('hdlc')) {
    if (options.framing !== 'hdlc') throw new ModeConfigError(f.at('hdlc'), "applies to framing 'hdlc' only");
    const h = new ModeFields(f.raw('hdlc'), f.at('hdlc'), [
      'maxInfoTransmit',
      'maxInfoReceive',
      'windowTransmit',
      'windowReceive',
      'frameTimeoutMs',
      'retries',
    ]);
    const hdlc: NonNullable<DlmsConnectionOptions['hdlc']> = {};
    for (const key of ['maxInfoTransmit', 'maxInfoReceive'] as const) {
      const v = h.integer(key, 32, 2030, true);
      if (v !== undefined) hdlc[key] = v;
    }
    for (const key of ['windowTransmit', 'windowReceive'] as const) {
      const v = h.integer(key, 1, 7, true);
      if (v !== undefined) hdlc[key] = v;
    }
    const frameTimeoutMs = h.integer('frameTimeoutMs', 1, 60_000, true);
    if (frameTimeoutMs !== undefined) hdlc.frameTimeoutMs = frameTimeoutMs;
    const retries = h.integer('retries', 0, 100, true);
    if (retries !== undefined) hdlc.retries = retries;
    options.hdlc = hdlc;
  }
  return options;
}
