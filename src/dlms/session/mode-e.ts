/**
 * IEC 62056-21 protocol mode E sign-on (meterlink spec §3): the optical-port handshake that
 * switches a meter from the 300 bit/s 7E1 readout mode to binary HDLC at 8N1.
 *
 * @module
 */

import { delay, throwIfAborted, type WaitOptions, waitFor } from '../../core/abort.js';
import { InvalidArgumentError, LinkClosedError, ProtocolError, TimeoutError } from '../../core/errors.js';
import {
  isReconfigurable,
  type Link,
  type ReconfigurableLink,
  type SerialLineSettings,
} from '../../core/link.js';

/** Options of {@link modeESignOn}. */
export interface ModeEOptions {
  /**
   * Device address placed between `?` and `!` of the request (IEC 62056-21: up to 32 characters
   * `0-9`, `A-Z`, `a-z` and space). Default: none (`/?!`, any meter on the optical port answers).
   */
  address?: string;
  /**
   * Limit of each step in ms (switching the line, sending a message, and the identification
   * answer, where the limit restarts with every octet received: at 300 bit/s a line takes ~1 s).
   * Default 2000.
   */
  timeoutMs?: number;
  /**
   * Wait after the acknowledgement left the port before switching to the new speed, in ms
   * (spec §3 step 5: the meter switches ~200–300 ms after it; 300–1000 ms is safe). Default 500.
   */
  switchDelayMs?: number;
  /** Highest speed to accept, in bit/s, when the meter offers more. Default: whatever it offers. */
  maxBaudRate?: number;
  /** Aborts the sign-on. */
  signal?: AbortSignal;
}

/** What the meter announced in its identification line, and the speed agreed. */
export interface ModeEResult {
  /** The three-character manufacturer (FLAG) code, e.g. `'ISK'`. */
  manufacturer: string;
  /** The text after the baud rate character, escape sequences included, e.g. `'\\2M550T-1012'`. */
  identification: string;
  /** The speed the link now runs at (8N1), in bit/s. */
  baudRate: number;
  /** `true` when the identification carries the `\2` escape (the meter announced mode E). */
  modeE: boolean;
}

/** Spec §3 step 3: baud rate character → bit/s (protocol modes C and E). */
const baudRates: Readonly<Record<string, number>> = {
  '0': 300,
  '1': 600,
  '2': 1200,
  '3': 2400,
  '4': 4800,
  '5': 9600,
  '6': 19200,
};

/** Spec §3 step 1: the sign-on runs at 300 bit/s, 7 data bits, even parity, 1 stop bit. */
const signOnLine: SerialLineSettings = { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 };
/** Bits per character at 7E1 (start + 7 data + parity + stop), to know when the ACK has left. */
const bitsPerCharacter = 10;
/** Longest identification line accepted (the standard's is ~22 octets plus escapes). */
const maxLineOctets = 128;
/** Noise, NULs, empty lines and an echoed request accepted before the identification line. */
const maxSkippedOctets = 256;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Signs on to a meter's optical (or IEC 62056-21 electrical) port and switches it to protocol
 * mode E (spec §3): sets the link to 300 bit/s 7E1, sends `/?<address>!` CR LF, reads the
 * identification line `/XXXZ<ident>` (skipping leading noise and NULs, empty lines and one echo
 * of the request, as optical heads produce), answers `06 32 Z 32 0D 0A` (ACK, HDLC procedure,
 * the offered speed capped by `maxBaudRate`, binary mode), waits until that has left the port
 * (6 characters at 300 bit/s = 200 ms) plus `switchDelayMs`, and sets the link to the agreed
 * speed at 8N1. HDLC (SNRM) can follow at once. A meter that does not announce `\2` is still
 * asked for mode E (`modeE: false` in the result tells). On failure the link keeps the line
 * settings of the step that failed.
 *
 * @param link - An open link that can change its line settings ({@link ReconfigurableLink}, e.g. `serial()`).
 * @throws {@link InvalidArgumentError} when the link is not reconfigurable or an option is out of range,
 *   {@link ProtocolError} for an answer that does not start with `/`, has an unknown baud rate
 *   character, or is longer than 128 octets (or more than 256 octets of noise before it),
 *   {@link TimeoutError}, {@link AbortError}, {@link LinkClosedError}, `LinkError` from the link
 * @example
 * ```ts
 * const link = serial({ path: '/dev/ttyUSB0', baudRate: 300, dataBits: 7, parity: 'even' });
 * await link.open();
 * const meter = await modeESignOn(link, { maxBaudRate: 9600 });
 * console.log(meter.manufacturer, meter.identification, meter.baudRate); // ISK \2M550T-1012 9600
 * // then HDLC: createClientSession(link, { framing: 'hdlc', ... }) or DlmsClient.connect({ link, framing: 'hdlc' })
 * ```
 */
export async function modeESignOn(link: Link, options: ModeEOptions = {}): Promise<ModeEResult> {
  if (!isReconfigurable(link)) {
    throw new InvalidArgumentError(
      `mode E needs a link that can change its line settings (a serial link), not ${link.info.peer}`,
    );
  }
  const address = options.address ?? '';
  if (!/^[0-9A-Za-z ]{0,32}$/.test(address)) {
    throw new InvalidArgumentError(
      `the mode E device address must be up to 32 characters 0-9, A-Z, a-z or space, got '${address}'`,
    );
  }
  const timeoutMs = milliseconds('timeoutMs', options.timeoutMs ?? 2000, 1);
  const switchDelayMs = milliseconds('switchDelayMs', options.switchDelayMs ?? 500, 0);
  const maxBaudRate = options.maxBaudRate ?? Number.POSITIVE_INFINITY;
  if (typeof maxBaudRate !== 'number' || !(maxBaudRate >= 300)) {
    throw new InvalidArgumentError(`maxBaudRate must be at least 300 bit/s, got ${String(maxBaudRate)}`);
  }
  const signal = options.signal;
  const wait: WaitOptions = { timeoutMs, ...(signal === undefined ? {} : { signal }) };
  throwIfAborted(signal, 'mode E sign-on');

  await reconfigure(link, signOnLine, wait, 'switching to 300 bit/s 7E1 for the mode E sign-on');
  const request = `/?${address}!`;
  const line = await readIdentification(link, request, timeoutMs, signal);
  const identity = parseIdentification(line);

  const offered = baudRates[identity.baudCharacter]!;
  const [character, baudRate] = Object.entries(baudRates)
    .filter(([, rate]) => rate <= Math.min(offered, maxBaudRate))
    .at(-1)!;
  // Spec §3 step 4: ACK, '2' = HDLC protocol procedure, the speed, '2' = binary mode E.
  const ack = Uint8Array.of(0x06, 0x32, character.charCodeAt(0), 0x32, CR, LF);
  await step(() => link.write(ack), wait, 'sending the mode E acknowledgement');
  // write() resolves when the OS has the octets; at 300 bit/s they take 200 ms more to leave.
  await delay(Math.ceil((ack.length * bitsPerCharacter * 1000) / 300) + switchDelayMs, signal);
  await reconfigure(
    link,
    { baudRate, dataBits: 8, parity: 'none', stopBits: 1 },
    wait,
    `switching to ${baudRate} bit/s 8N1 after the mode E sign-on`,
  );
  return {
    manufacturer: identity.manufacturer,
    identification: identity.identification,
    baudRate,
    modeE: identity.identification.includes('\\2'),
  };
}

/** The identification line split into its fields (spec §3 step 3). */
function parseIdentification(line: string): {
  manufacturer: string;
  baudCharacter: string;
  identification: string;
} {
  if (!line.startsWith('/') || line.length < 5) {
    throw new ProtocolError(
      `the meter's mode E identification '${printable(line)}' is not '/XXXZ<identification>'`,
    );
  }
  const baudCharacter = line.charAt(4);
  if (baudRates[baudCharacter] === undefined) {
    throw new ProtocolError(
      `the meter's mode E identification '${printable(line)}' has the unknown baud rate character '${printable(baudCharacter)}'`,
    );
  }
  return { manufacturer: line.slice(1, 4), baudCharacter, identification: line.slice(5) };
}

/**
 * Sends the request and reads the answer line (without CR LF). Octets that cannot start a line
 * (controls, space, NUL, 8-bit noise) are skipped before it, as are empty lines and one echo of
 * the request; the timeout restarts with every octet, and both the line and the skipped octets
 * are bounded so a babbling port ends in an error.
 */
function readIdentification(
  link: Link,
  request: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  const what = 'the mode E identification line';
  return waitFor<string>(
    (resolve, reject) => {
      let line = '';
      let skipped = 0;
      let echoSeen = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const restartTimer = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => reject(new TimeoutError(what, timeoutMs)), timeoutMs);
      };
      const skip = (octets: number): boolean => {
        skipped += octets;
        if (skipped <= maxSkippedOctets) return true;
        reject(new ProtocolError(`no mode E identification line in the first ${maxSkippedOctets} octets`));
        return false;
      };
      const onData = (bytes: Uint8Array): void => {
        restartTimer();
        for (const octet of bytes) {
          if (octet === LF) {
            const echo = line === request && !echoSeen; // optical heads may echo what they send
            if (line.length > 0 && !echo) {
              resolve(line);
              return;
            }
            echoSeen ||= echo;
            if (!skip(line.length + 1)) return;
            line = '';
          } else if (line.length === 0 && (octet < 0x21 || octet > 0x7e)) {
            if (!skip(1)) return;
          } else if (octet !== CR) {
            line += String.fromCharCode(octet);
            if (line.length > maxLineOctets) {
              reject(
                new ProtocolError(`the mode E identification line is longer than ${maxLineOctets} octets`),
              );
              return;
            }
          }
        }
      };
      const onClose = (error?: Error): void =>
        reject(new LinkClosedError(`${link.info.peer} closed during the mode E sign-on`, { cause: error }));
      link.on('data', onData);
      link.on('close', onClose);
      restartTimer();
      link.write(ascii(`${request}\r\n`)).catch(reject);
      return () => {
        clearTimeout(timer);
        link.off('data', onData);
        link.off('close', onClose);
      };
    },
    signal === undefined ? {} : { signal },
    what,
  );
}

/** Runs one link operation bounded by the step's timeout and the signal. */
function step(run: () => Promise<void>, wait: WaitOptions, what: string): Promise<void> {
  return waitFor<void>(
    (resolve, reject) => {
      run().then(resolve, reject);
      return undefined;
    },
    wait,
    what,
  );
}

function reconfigure(
  link: ReconfigurableLink,
  settings: SerialLineSettings,
  wait: WaitOptions,
  what: string,
): Promise<void> {
  return step(() => link.reconfigure(settings), wait, what);
}

function milliseconds(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 0x7fffffff) {
    throw new InvalidArgumentError(
      `${name} must be an integer ${min}–${0x7fffffff} ms, got ${String(value)}`,
    );
  }
  return value;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** The line with control characters shown as `\xNN`, for error messages. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
