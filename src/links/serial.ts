/**
 * Serial-port link over the optional `serialport` package.
 *
 * @module
 */

import {
  InvalidArgumentError,
  LinkClosedError,
  LinkError,
  MeterlinkError,
  MissingDependencyError,
} from '../core/errors.js';
import type { LinkInfo, ReconfigurableLink, SerialLineSettings, SerialParity } from '../core/link.js';
import { BaseLink } from './base-link.js';
import { viewOf } from './bytes-view.js';
import { messageOf } from './peer.js';
import { checkNumber, checkText } from './validate.js';

export type { SerialLineSettings, SerialParity } from '../core/link.js';

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
  /**
   * Changes the baud rate of the open port (serialport's `update`, which supports only
   * `baudRate`). Optional: without it, {@link ReconfigurableLink.reconfigure} reopens the port.
   */
  update?(options: { baudRate: number }, callback: (error: Error | null) => void): void;
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
 * `reconfigure(settings)` changes the line settings, also while the link is open (used by the
 * IEC 62056-21 mode E sign-on, 300 bit/s 7E1 → 9600 bit/s 8N1). A change of the baud rate alone
 * uses serialport's `update()`; data bits, parity and stop bits cannot change on an open port,
 * so the link closes the port and reopens the same path with the new settings, staying `open`
 * (no `close`/`open` events; listeners kept; bytes arriving in between are lost; writes during
 * the switch fail with `LinkClosedError`; if the reopen fails, the link is lost as if unplugged:
 * `close(error)`, then its reconnect policy). Closing the port may drop DTR/RTS briefly. On a
 * link that is not open the settings apply at the next `open()`. `info.baudRate` follows.
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
export function serial(options: SerialOptions): ReconfigurableLink {
  return new SerialLink(options);
}

class SerialLink extends BaseLink implements ReconfigurableLink {
  #settings: SerialPortOpenOptions;
  /** `info`, kept writable here so `reconfigure()` can update `baudRate`. */
  readonly #info: { baudRate?: number };
  readonly #load: () => Promise<SerialPortModule>;
  /** The loaded module, kept for the reopen of `reconfigure()`. */
  #module: SerialPortModule | undefined;
  /** The `reconfigure()` in progress; the next one waits for it. */
  #reconfiguring: Promise<void> = Promise.resolve();
  #port: SerialPortLike | undefined;
  /** The `port.open()` in progress, awaited by `disconnect()` before it can close the port. */
  #portOpening: Promise<void> | undefined;

  constructor(options: SerialOptions) {
    const path = checkText('path', options.path);
    const baudRate = checkNumber('baudRate', options.baudRate ?? 19200, 1);
    const settings = checkLine({
      path,
      baudRate,
      dataBits: options.dataBits ?? 8,
      parity: options.parity ?? 'even',
      stopBits: options.stopBits ?? 1,
      rtscts: options.rtscts ?? false,
      autoOpen: false,
    });
    const info: { -readonly [K in keyof LinkInfo]: LinkInfo[K] } = {
      transport: 'serial',
      messageOriented: false,
      bus: true,
      baudRate,
      peer: `serial://${path}`,
    };
    super({ info });
    this.#info = info;
    this.#settings = settings;
    this.#load = options.loadSerialPort ?? importSerialPort;
  }

  /** Changes the line settings; see {@link serial}. Calls run one after the other. */
  reconfigure(settings: SerialLineSettings): Promise<void> {
    const run = this.#reconfiguring.then(() => this.#reconfigureNow(settings));
    this.#reconfiguring = run.catch(() => undefined);
    return run;
  }

  async #reconfigureNow(settings: SerialLineSettings): Promise<void> {
    const previous = this.#settings;
    const next = checkLine({
      ...previous,
      baudRate: checkNumber('baudRate', settings.baudRate ?? previous.baudRate, 1),
      dataBits: settings.dataBits ?? previous.dataBits,
      parity: settings.parity ?? previous.parity,
      stopBits: settings.stopBits ?? previous.stopBits,
    });
    if (this.state === 'opening' || this.state === 'reconnecting') {
      throw new LinkClosedError(`cannot reconfigure ${this.info.peer} while it is ${this.state}`);
    }
    this.#settings = next;
    this.#info.baudRate = next.baudRate;
    const port = this.#port;
    if (!this.isOpen || port === undefined) return; // applies at the next open()
    const framingKept =
      next.dataBits === previous.dataBits &&
      next.parity === previous.parity &&
      next.stopBits === previous.stopBits;
    if (framingKept && next.baudRate === previous.baudRate) return;
    if (framingKept && port.update !== undefined) {
      const update = port.update.bind(port);
      await new Promise<void>((resolve, reject) => {
        update({ baudRate: next.baudRate }, (error) => {
          if (error === null || error === undefined) return resolve();
          this.#settings = previous;
          this.#info.baudRate = previous.baudRate;
          reject(
            new LinkError(`cannot set ${this.info.peer} to ${next.baudRate} bit/s: ${osMessage(error)}`, {
              cause: error,
            }),
          );
        });
      });
      return;
    }
    // Data bits, parity and stop bits are fixed while a port is open: reopen it.
    this.#port = undefined;
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    try {
      if (this.state !== 'open')
        throw new LinkClosedError(`${this.info.peer} was closed while reconfiguring`);
      await this.#openPort(this.#module!);
    } catch (error) {
      const failure =
        error instanceof MeterlinkError
          ? error
          : new LinkError(`cannot reopen ${this.info.peer}: ${messageOf(error)}`, { cause: error });
      await this.lost(failure);
      throw failure;
    }
  }

  protected async connect(): Promise<void> {
    const module = await loadModule(this.#load);
    this.#module = module;
    await this.#openPort(module);
  }

  /** Constructs and opens a port with the current settings and makes it the link's port. */
  async #openPort({ SerialPort }: SerialPortModule): Promise<void> {
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

/**
 * Checks the line settings.
 *
 * @throws {@link InvalidArgumentError} for data bits, parity or stop bits serialport does not take
 */
function checkLine(settings: SerialPortOpenOptions): SerialPortOpenOptions {
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
  return settings;
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
