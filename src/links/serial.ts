/**
 * Serial-port link over the optional `serialport` package.
 *
 * @module
 */

import { InvalidArgumentError, LinkClosedError, LinkError, MissingDependencyError } from '../core/errors.js';
import type { Link } from '../core/link.js';
import { BaseLink } from './base-link.js';
import { viewOf } from './bytes-view.js';
import { messageOf } from './peer.js';
import { checkNumber, checkText } from './validate.js';

/** Parity setting of a serial line. */
export type SerialParity = 'none' | 'even' | 'odd' | 'mark' | 'space';

/** The options `serial()` passes to the `SerialPort` constructor. */
export interface SerialPortOpenOptions {
  /** Device path. */
  path: string;
  /** Line speed in bit/s. */
  baudRate: number;
  /** Data bits per character. */
  dataBits: 5 | 6 | 7 | 8;
  /** Parity. */
  parity: SerialParity;
  /** Stop bits. */
  stopBits: 1 | 1.5 | 2;
  /** RTS/CTS flow control. */
  rtscts: boolean;
  /** Always `false`: the link opens the port itself, so it can report the error. */
  autoOpen: false;
}

/** The part of a `serialport` `SerialPort` instance that `serial()` uses. */
export interface SerialPortLike {
  /** `true` once `open` succeeded and until the port closes. */
  readonly isOpen: boolean;
  /** Opens the port; the callback gets the OS error, if any. */
  open(callback: (error: Error | null) => void): void;
  /** Queues bytes; the callback runs when they were handed to the OS. */
  write(data: Uint8Array, callback: (error: Error | null | undefined) => void): boolean;
  /** Closes the port. */
  close(callback: (error: Error | null) => void): void;
  /** Bytes received. */
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  /** A port error. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** The port closed; `error` is set when the device went away. */
  on(event: 'close', listener: (error?: Error | null) => void): unknown;
}

/** The part of the `serialport` module that `serial()` uses. */
export interface SerialPortModule {
  /** The `SerialPort` class; the link constructs one with `autoOpen: false` and the line settings. */
  SerialPort: {
    /**
     * Creates a port object for `options.path`; it opens when the link calls `open()`.
     *
     * @param options - Device path and line settings.
     */
    new (options: SerialPortOpenOptions): SerialPortLike;
  };
}

/** Options of {@link serial}. Defaults are the Modbus serial-line defaults (19 200 bit/s, 8E1). */
export interface SerialOptions {
  /** Device path: `/dev/ttyUSB0`, `/dev/tty.usbserial-1410`, `COM3` … */
  path: string;
  /** Line speed in bit/s. Default `19200` (the Modbus serial-line default, Modbus spec §6). */
  baudRate?: number;
  /** Data bits per character. Default `8`. */
  dataBits?: 5 | 6 | 7 | 8;
  /**
   * Parity. Default `'even'` (Modbus spec §6). DLMS HDLC lines use `'none'` (8N1), and the
   * IEC 62056-21 sign-on starts at 300 bit/s with 7 data bits and `'even'`.
   */
  parity?: SerialParity;
  /** Stop bits. Default `1`. */
  stopBits?: 1 | 1.5 | 2;
  /** RTS/CTS hardware flow control. Default `false`. */
  rtscts?: boolean;
  /**
   * Loads the `serialport` module. **For tests only** (to simulate a missing package or to inject
   * a mock); the default is `() => import('serialport')`.
   */
  loadSerialPort?: () => Promise<SerialPortModule>;
}

const parities: readonly SerialParity[] = ['none', 'even', 'odd', 'mark', 'space'];

/**
 * Creates a serial-port link (not opened until `open()`). `info.bus` is `true` (a serial line is
 * half-duplex and often shared by several devices, so clients keep one transaction in flight)
 * and `info.baudRate` is set, from which RTU framing derives its character timings.
 *
 * The optional peer dependency `serialport` is loaded with a dynamic `import()` when the link
 * opens, never when this module loads, so programs that do not use serial lines do not need it.
 *
 * @throws {@link InvalidArgumentError} for an empty path or an unsupported line setting
 * @example
 * ```ts
 * const link = serial({ path: '/dev/ttyUSB0', baudRate: 9600, parity: 'none' });
 * await link.open(); // MissingDependencyError without `serialport`; LinkError for a bad path
 * link.on('data', (bytes) => console.log(bytes));
 * await link.write(new Uint8Array([0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0a]));
 * await link.close();
 * ```
 */
export function serial(options: SerialOptions): Link {
  return new SerialLink(options);
}

class SerialLink extends BaseLink {
  readonly #settings: SerialPortOpenOptions;
  readonly #load: () => Promise<SerialPortModule>;
  #port: SerialPortLike | undefined;
  /** The `port.open()` in progress, awaited by `disconnect()` before it can close the port. */
  #portOpening: Promise<void> | undefined;

  constructor(options: SerialOptions) {
    const path = checkText('path', options.path);
    const baudRate = checkNumber('baudRate', options.baudRate ?? 19200, 1);
    const settings: SerialPortOpenOptions = {
      path,
      baudRate,
      dataBits: options.dataBits ?? 8,
      parity: options.parity ?? 'even',
      stopBits: options.stopBits ?? 1,
      rtscts: options.rtscts ?? false,
      autoOpen: false,
    };
    if (![5, 6, 7, 8].includes(settings.dataBits)) {
      throw new InvalidArgumentError(`dataBits must be 5, 6, 7 or 8, got ${String(settings.dataBits)}`);
    }
    if (!parities.includes(settings.parity)) {
      throw new InvalidArgumentError(
        `parity must be one of ${parities.join(', ')}, got ${String(settings.parity)}`,
      );
    }
    if (![1, 1.5, 2].includes(settings.stopBits)) {
      throw new InvalidArgumentError(`stopBits must be 1, 1.5 or 2, got ${String(settings.stopBits)}`);
    }
    super({
      info: { transport: 'serial', messageOriented: false, bus: true, baudRate, peer: `serial://${path}` },
    });
    this.#settings = settings;
    this.#load = options.loadSerialPort ?? importSerialPort;
  }

  protected async connect(): Promise<void> {
    const { SerialPort } = await loadModule(this.#load);
    let port: SerialPortLike;
    try {
      port = new SerialPort(this.#settings);
    } catch (error) {
      throw new InvalidArgumentError(`${this.info.peer}: ${messageOf(error)}`, { cause: error });
    }
    this.#port = port;
    let failure: Error | undefined;
    port.on('error', (error) => {
      failure = error;
    });
    const opening = new Promise<void>((resolve, reject) => {
      port.open((error) => {
        if (error)
          reject(new LinkError(`cannot open ${this.info.peer}: ${osMessage(error)}`, { cause: error }));
        else resolve();
      });
    });
    this.#portOpening = opening;
    try {
      await opening;
    } finally {
      if (this.#portOpening === opening) this.#portOpening = undefined;
    }
    if (this.#port !== port) throw new LinkClosedError(`${this.info.peer} was closed while opening`);
    port.on('data', (chunk) => {
      if (this.#port === port) this.received(viewOf(chunk));
    });
    port.on('close', (error) => {
      if (this.#port !== port) return; // closed by disconnect()
      this.#port = undefined;
      const cause = error ?? failure;
      void this.lost(
        cause
          ? new LinkError(`${this.info.peer} failed: ${osMessage(cause)}`, { cause })
          : new LinkClosedError(`${this.info.peer} was closed`),
      );
    });
  }

  protected send(bytes: Uint8Array): Promise<void> {
    const port = this.#port;
    if (port === undefined) return Promise.reject(new LinkClosedError(`${this.info.peer} is closed`));
    return new Promise<void>((resolve, reject) => {
      port.write(bytes, (error) => {
        if (error)
          reject(new LinkError(`writing to ${this.info.peer} failed: ${osMessage(error)}`, { cause: error }));
        else resolve();
      });
    });
  }

  protected async disconnect(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (port === undefined) return;
    await this.#portOpening?.catch(() => undefined);
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/** Default loader: the optional peer dependency, imported only when a serial link opens. */
async function importSerialPort(): Promise<SerialPortModule> {
  const module: SerialPortModule = await import('serialport');
  return module;
}

/**
 * Runs the loader, turning "module not found" into a {@link MissingDependencyError}.
 * Other load failures (e.g. the native binding does not fit this platform) become a {@link LinkError}.
 */
async function loadModule(load: () => Promise<SerialPortModule>): Promise<SerialPortModule> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingDependencyError('serialport', 'a serial link', { cause: error });
    }
    throw new LinkError(`the 'serialport' package failed to load: ${messageOf(error)}`, { cause: error });
  }
}

/** serialport prefixes OS messages with "Error: "; drop it so it does not repeat in ours. */
function osMessage(error: Error): string {
  return error.message.replace(/^Error: /, '');
}
