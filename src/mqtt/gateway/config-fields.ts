/**
 * Reading the untyped JSON of a gateway configuration (`meterlink gateway <config.json>`: ports,
 * broker, modes): every check names the JSON path of the offending field in a
 * {@link GatewayConfigError}; secrets come from the file or from `{ "env": "NAME" }` and never
 * appear in a message.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { isObis } from '../../dlms/cosem/obis.js';

/** Environment variables, for `{ "env": "NAME" }` secrets. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * A gateway configuration that cannot be used; `path` names the field
 * (`ports[1].link.tcp.port`, `modes[0].meters[1].read[0].obis`; `''` = the whole configuration).
 *
 * @example
 * ```ts
 * try {
 *   parsePublishConfig({ mode: 'publish', meters: [] }, 'modes[0]', process.env);
 * } catch (error) {
 *   if (error instanceof GatewayConfigError) console.error(error.path, error.message);
 * }
 * ```
 */
export class GatewayConfigError extends InvalidArgumentError {
  static override readonly brand: string = 'GatewayConfigError';
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

/** A short description of a JSON value for messages (never the value of an object). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** A JSON object's fields, each read with its path; unknown fields are refused (typos). */
export class ConfigFields {
  readonly #value: Readonly<Record<string, unknown>>;
  /** Path of the object. */
  readonly path: string;

  /**
   * @throws {@link GatewayConfigError} when `value` is not an object or has a field not in `allowed`
   */
  constructor(value: unknown, path: string, allowed: readonly string[]) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new GatewayConfigError(path, `must be an object, got ${describeValue(value)}`);
    }
    this.#value = value as Record<string, unknown>;
    this.path = path;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        throw new GatewayConfigError(this.at(key), `unknown field (expected one of: ${allowed.join(', ')})`);
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
   * @throws {@link GatewayConfigError} when missing (and required) or not a non-empty string
   */
  text(key: string): string;
  text(key: string, optional: true): string | undefined;
  text(key: string, optional = false): string | undefined {
    const value = this.#value[key];
    if (value === undefined && optional) return undefined;
    if (value === undefined) throw new GatewayConfigError(this.at(key), 'is required');
    if (typeof value !== 'string' || value === '') {
      throw new GatewayConfigError(this.at(key), `must be a non-empty string, got ${describeValue(value)}`);
    }
    return value;
  }

  /**
   * An integer field within `min`–`max` (`undefined` when absent and optional).
   * @throws {@link GatewayConfigError} when missing (and required) or not such an integer
   */
  integer(key: string, min: number, max: number): number;
  integer(key: string, min: number, max: number, optional: true): number | undefined;
  integer(key: string, min: number, max: number, optional = false): number | undefined {
    const value = this.#value[key];
    if (value === undefined && optional) return undefined;
    if (value === undefined) throw new GatewayConfigError(this.at(key), 'is required');
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new GatewayConfigError(
        this.at(key),
        `must be an integer ${min}…${max}, got ${describeValue(value)}`,
      );
    }
    return value;
  }

  /**
   * A finite number field other than 0, or `undefined` when absent.
   * @throws {@link GatewayConfigError} when it is something else
   */
  factor(key: string): number | undefined {
    const value = this.#value[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value === 0) {
      throw new GatewayConfigError(
        this.at(key),
        `must be a finite number other than 0, got ${describeValue(value)}`,
      );
    }
    return value;
  }

  /**
   * A boolean field, or `undefined` when absent.
   * @throws {@link GatewayConfigError} when it is something else
   */
  flag(key: string): boolean | undefined {
    const value = this.#value[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      throw new GatewayConfigError(this.at(key), `must be true or false, got ${describeValue(value)}`);
    }
    return value;
  }

  /**
   * A field whose value is one of `choices` (`undefined` when absent).
   * @throws {@link GatewayConfigError} when it is something else
   */
  oneOf<T extends string | number>(key: string, choices: readonly T[]): T | undefined {
    const value = this.#value[key];
    if (value === undefined) return undefined;
    if (!choices.includes(value as T)) {
      throw new GatewayConfigError(
        this.at(key),
        `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${describeValue(value)}`,
      );
    }
    return value as T;
  }

  /**
   * A non-empty array field.
   * @throws {@link GatewayConfigError} when missing, not an array or empty
   */
  list(key: string): unknown[] {
    const value = this.#value[key];
    if (value === undefined) throw new GatewayConfigError(this.at(key), 'is required');
    if (!Array.isArray(value))
      throw new GatewayConfigError(this.at(key), `must be an array, got ${describeValue(value)}`);
    if (value.length === 0) throw new GatewayConfigError(this.at(key), 'must not be empty');
    return value;
  }

  /**
   * An OBIS code field (`1.0.1.8.0.255` or `1-0:1.8.0*255`).
   * @throws {@link GatewayConfigError} when missing or not an OBIS code
   */
  obis(key: string): string {
    const text = this.text(key);
    if (!isObis(text))
      throw new GatewayConfigError(this.at(key), `${JSON.stringify(text)} is not an OBIS code`);
    return text;
  }
}

/**
 * A secret: a string, or `{ "env": "NAME" }` read from `env`. Messages never show its value.
 * @throws {@link GatewayConfigError} when it is neither, or the variable is not set
 */
export function configSecret(value: unknown, path: string, env: ConfigEnv): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayConfigError(path, 'must be a non-empty string or { "env": "NAME" }');
  }
  const f = new ConfigFields(value, path, ['env']);
  const name = f.text('env');
  const text = env[name];
  if (text === undefined || text === '') {
    throw new GatewayConfigError(f.at('env'), `environment variable ${name} is not set`);
  }
  return text;
}
