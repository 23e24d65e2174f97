/**
 * Reads the parts of a meter URL that every protocol shares: query parameters with their bounds,
 * host and port, serial device and line settings, MQTT tunnel address; fails with an
 * `InvalidUrlError` that names the URL without its password.
 *
 * @module
 */

import { InvalidUrlError } from '../core/errors.js';
import type { MqttUrlSettings, SerialUrlSettings } from './meter-url.js';

const parities = { none: 'none', n: 'none', even: 'even', e: 'even', odd: 'odd', o: 'odd' } as const;

/** Windows serial devices (`COM1` … `COM256`), accepted as host (`modbus+rtu://COM3`) or path. */
const comPort = /^com[1-9]\d*$/i;

/**
 * Hides the password of a string that did not even parse as a URL (`scheme://user:secret@…`).
 * Everything up to the last `@` goes: a password with a stray `/` or `@` in it (a reason the text
 * does not parse) must not leak, and hiding a bit too much is harmless.
 */
function redactText(text: string): string {
  return text.replace(/^([^:/?#]*:\/\/[^/?#@:]*):.*@/, '$1:***@').replace(/([?&][^=&#]*)=[^&#]*/g, '$1=***');
}

/**
 * Query parameters of meter URLs whose values are never secret. The value of any other parameter
 * (`password=…`, `key=…` given by mistake) is shown as `***`: secrets belong in options, and an
 * error about the unknown parameter must not repeat them.
 */
const plainParams = new Set([
  'unit',
  'timeout',
  'retries',
  'inflight',
  'baud',
  'parity',
  'databits',
  'stopbits',
  'client',
  'server',
  'physical',
  'pdu',
  'auth',
  'policy',
  'modee',
  'window',
  'maxinfo',
]);

function redact(url: URL): string {
  const hidden = [...url.searchParams.keys()].some((key) => !plainParams.has(key));
  if (url.password === '' && !hidden) return url.href;
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  if (hidden) {
    const params = new URLSearchParams();
    for (const [key, value] of url.searchParams) params.append(key, plainParams.has(key) ? value : '***');
    copy.search = params.toString().replaceAll('%2A%2A%2A', '***');
  }
  return copy.href;
}

/** A parsed URL with the checks of its fields. */
export class UrlReader {
  /** The WHATWG URL. */
  readonly url: URL;
  /** The URL with its password replaced by `***`. */
  readonly display: string;
  /** The scheme in lower case, without `:`. */
  readonly scheme: string;

  /** @throws {@link InvalidUrlError} when `text` is not a URL */
  constructor(text: string) {
    try {
      this.url = new URL(text);
    } catch (cause) {
      throw new InvalidUrlError(redactText(text), 'not a URL', { cause });
    }
    this.display = redact(this.url);
    this.scheme = this.url.protocol.slice(0, -1).toLowerCase();
  }

  /** Throws the `InvalidUrlError` of this URL with `message`. */
  fail(message: string): never {
    throw new InvalidUrlError(this.display, message);
  }

  /** Value of query parameter `key`, or `undefined`. */
  param(key: string): string | undefined {
    return this.url.searchParams.get(key) ?? undefined;
  }

  /**
   * Checks that only `allowed` parameters appear, each once, and that there is no fragment and
   * (unless `credentials`) no user name or password.
   */
  checkShape(allowed: readonly string[], credentials: boolean): void {
    const params = this.url.searchParams;
    for (const key of new Set(params.keys())) {
      if (!allowed.includes(key)) {
        this.fail(`unknown parameter '${key}' for ${this.scheme} (allowed: ${allowed.join(', ')})`);
      }
      if (params.getAll(key).length > 1) this.fail(`parameter '${key}' is given more than once`);
    }
    if (!credentials && (this.url.username !== '' || this.url.password !== '')) {
      this.fail(`${this.scheme} URLs take no user name or password`);
    }
    if (this.url.hash !== '') this.fail(`unexpected fragment '${this.url.hash}'`);
  }

  /** Parameter `key` as a decimal integer `min`–`max`, or `undefined` when absent. */
  integer(key: string, min: number, max: number): number | undefined {
    const raw = this.param(key);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.fail(`${key}=${raw} is not an integer ${min}–${max}`);
    }
    return value;
  }

  /** Parameter `key` as a flag (`1`/`true`/`yes` or `0`/`false`/`no`), or `undefined` when absent. */
  flag(key: string): boolean | undefined {
    const raw = this.param(key);
    if (raw === undefined) return undefined;
    const lower = raw.toLowerCase();
    if (['1', 'true', 'yes'].includes(lower)) return true;
    if (['0', 'false', 'no'].includes(lower)) return false;
    return this.fail(`${key}=${raw} is not 1, 0, true or false`);
  }

  /** Parameter `key` as one of `choices`, or `undefined` when absent. */
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const raw = this.param(key);
    if (raw === undefined) return undefined;
    if (!(choices as readonly string[]).includes(raw)) {
      this.fail(`${key}=${raw} is not ${choices.join(', ')}`);
    }
    return raw as T;
  }

  /** Host (IPv6 without brackets) and port (`defaultPort` when absent); no path allowed. */
  address(defaultPort: number): { host: string; port: number } {
    const { url } = this;
    if (url.hostname === '') this.fail('missing host');
    const port = url.port === '' ? defaultPort : Number(url.port);
    if (port < 1) this.fail(`port ${url.port} is not 1–65535`);
    if (url.pathname !== '' && url.pathname !== '/') this.fail(`unexpected path '${url.pathname}'`);
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  }

  /** The serial device and line settings, with `defaults` for what the query leaves out. */
  serial(defaults: Omit<SerialUrlSettings, 'path'>): SerialUrlSettings {
    const { url, scheme } = this;
    // `…:///dev/ttyUSB0` has the device as path; `…://COM3` as host (Windows), and `…:///COM3`
    // is the same port. Any other host (`…://dev/ttyUSB0`, one slash missing) would silently
    // name the wrong device, so it is refused.
    let path: string;
    if (url.hostname !== '') {
      if (!comPort.test(url.hostname) || url.port !== '' || (url.pathname !== '' && url.pathname !== '/')) {
        this.fail(
          `'${url.host}${url.pathname}' is not a device: write the path after three slashes, e.g. ${scheme}:///dev/ttyUSB0, or a COM port, e.g. ${scheme}://COM3`,
        );
      }
      path = url.hostname.toUpperCase();
    } else {
      path = this.decode(url.pathname);
      if (comPort.test(path.slice(1))) path = path.slice(1).toUpperCase();
    }
    if (path === '' || path === '/') this.fail(`missing serial device path, e.g. ${scheme}:///dev/ttyUSB0`);
    const parity = this.param('parity')?.toLowerCase();
    if (parity !== undefined && !Object.hasOwn(parities, parity)) {
      this.fail(`parity=${parity} is not none, even or odd`);
    }
    return {
      path,
      baudRate: this.integer('baud', 50, 4_000_000) ?? defaults.baudRate,
      parity: parity === undefined ? defaults.parity : parities[parity as keyof typeof parities],
      dataBits: (this.integer('databits', 7, 8) ?? defaults.dataBits) as 7 | 8,
      stopBits: (this.integer('stopbits', 1, 2) ?? defaults.stopBits) as 1 | 2,
    };
  }

  /** `broker[:port]/<gateway id>/<port name>`; the broker URL keeps the credentials. */
  mqtt(tls: boolean): MqttUrlSettings {
    const { url } = this;
    const segments = url.pathname.split('/').filter((s) => s !== '');
    if (url.hostname === '' || segments.length !== 2) {
      this.fail(`expected ${this.scheme}://broker[:port]/<gateway id>/<port name>`);
    }
    const broker = new URL(`${tls ? 'mqtts' : 'mqtt'}://${url.host}`);
    broker.username = url.username;
    broker.password = url.password;
    return {
      broker: broker.href.replace(/\/$/, ''),
      gatewayId: this.decode(segments[0]!),
      port: this.decode(segments[1]!),
    };
  }

  /** Percent-decodes a path part; a malformed escape (`%zz`) is an `InvalidUrlError`. */
  decode(part: string): string {
    try {
      return decodeURIComponent(part);
    } catch {
      return this.fail(`'${part}' has a malformed %-escape`);
    }
  }
}
