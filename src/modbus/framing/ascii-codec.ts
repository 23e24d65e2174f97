/**
 * One ASCII frame to characters and back (Modbus spec §8).
 *
 * @module
 */

import { DecodeError, InvalidArgumentError } from '../../core/errors.js';
import { hexNibble } from '../../core/hex.js';
import { checkEncodableFrame } from './frame-checks.js';
import type { ModbusFrame } from './types.js';

/** Options of the ASCII frame codec. */
export interface AsciiFrameOptions {
  /**
   * The character sent after CR to end a frame. Default 0x0A (LF); FC8 sub-function 3 can change
   * it (spec §8.2). Must not be ':' or a hex digit.
   */
  endChar?: number;
}

/** ':' starts every frame (spec §8.2). */
export const asciiStart = 0x3a;
/** CR, followed by the end character, ends every frame. */
export const asciiCr = 0x0d;
/** Shortest frame: ':', address, function code, LRC (2 hex digits each), CR, end character. */
export const minAsciiFrameChars = 9;
/** Longest frame: 1 + 2 + 2 + 2·252 + 2 + 2 characters (spec §8.2). */
export const maxAsciiFrameChars = 513;

const hexDigits = '0123456789ABCDEF';

/**
 * Returns the end character from the options (default LF).
 *
 * @throws {@link InvalidArgumentError} when it is not a byte, or is ':' or a hex digit (a frame
 *   could then not be delimited)
 */
export function asciiEndChar(options: AsciiFrameOptions | undefined): number {
  const c = options?.endChar;
  if (c === undefined) return 0x0a;
  if (!Number.isInteger(c) || c < 0 || c > 255 || c === asciiStart || hexNibble(c) >= 0) {
    throw new InvalidArgumentError(`endChar must be a byte other than ':' and the hex digits, got ${c}`);
  }
  return c;
}

/**
 * Encodes an ASCII frame: ':', the address, PDU and LRC as upper-case hex (high nibble first), CR
 * and the end character, returned as the characters' bytes (spec §8.2).
 *
 * @throws {@link EncodeError} when the address is not 0–255, the PDU is not 1–253 bytes long or
 *   its function code is 0
 * @throws {@link InvalidArgumentError} on a bad `endChar`
 * @example
 * ```ts
 * const bytes = encodeAsciiFrame({ unitId: 0xf7, pdu: fromHex('031389000A') });
 * new TextDecoder().decode(bytes); // ':F7031389000A60\r\n'
 * ```
 */
export function encodeAsciiFrame(frame: ModbusFrame, options?: AsciiFrameOptions): Uint8Array {
  checkEncodableFrame(frame);
  const endChar = asciiEndChar(options);
  const pdu = frame.pdu;
  const out = new Uint8Array(2 * pdu.length + 7);
  out[0] = asciiStart;
  let p = 1;
  let sum = frame.unitId;
  out[p++] = hexDigits.charCodeAt(sum >> 4);
  out[p++] = hexDigits.charCodeAt(sum & 0x0f);
  for (let i = 0; i < pdu.length; i++) {
    const b = pdu[i]!;
    sum += b;
    out[p++] = hexDigits.charCodeAt(b >> 4);
    out[p++] = hexDigits.charCodeAt(b & 0x0f);
  }
  // LRC: two's complement of the 8-bit sum of the binary bytes (spec §8.2).
  const lrc = -sum & 0xff;
  out[p++] = hexDigits.charCodeAt(lrc >> 4);
  out[p++] = hexDigits.charCodeAt(lrc & 0x0f);
  out[p++] = asciiCr;
  out[p] = endChar;
  return out;
}

/**
 * Decodes exactly one ASCII frame given as its characters' bytes: checks the delimiters, the hex
 * content (both letter cases are accepted, spec §8.2) and the LRC (spec §8.3). The PDU is a new
 * array.
 *
 * @throws {@link DecodeError} (layer `modbus-ascii`, offset in characters) when the frame does not
 *   start with ':', does not end with CR and the end character, holds a non-hex character or an
 *   odd number of hex digits, is shorter than 9 or longer than 513 characters, or has a bad LRC
 * @throws {@link InvalidArgumentError} on a bad `endChar`
 * @example
 * ```ts
 * decodeAsciiFrame(new TextEncoder().encode(':F7031389000A60\r\n')); // { unitId: 0xf7, pdu: 03 13 89 00 0A }
 * ```
 */
export function decodeAsciiFrame(bytes: Uint8Array, options?: AsciiFrameOptions): ModbusFrame {
  const endChar = asciiEndChar(options);
  const n = bytes.length;
  const fail = (message: string, offset: number, expected: string): never => {
    throw new DecodeError(message, { layer: 'modbus-ascii', offset, expected, bytes });
  };
  if (bytes[0] !== asciiStart) fail('frame does not start with a colon', 0, "':'");
  if (n > maxAsciiFrameChars) {
    fail(
      `frame of ${n} characters is too long`,
      maxAsciiFrameChars,
      `at most ${maxAsciiFrameChars} characters`,
    );
  }
  // Hex digits run from offset 1 to the CR; anything else there is the first error.
  const cr = n - 2;
  for (let i = 1; i < cr; i++) {
    if (hexNibble(bytes[i]!) < 0) {
      fail(bytes[i] === asciiCr ? 'frame ends too early' : 'not a hex digit', i, 'a hex digit');
    }
  }
  if (n < minAsciiFrameChars) {
    fail(
      `frame of ${n} characters is too short`,
      n,
      'address, function code and LRC (6 hex digits), CR, end',
    );
  }
  if (bytes[cr] !== asciiCr) fail('CR missing before the end character', cr, 'CR (0x0D)');
  if (bytes[n - 1] !== endChar) {
    fail(
      'wrong end character',
      n - 1,
      `end character 0x${hexDigits[endChar >> 4]}${hexDigits[endChar & 15]}`,
    );
  }
  const digits = cr - 1;
  if (digits % 2 !== 0) fail(`odd number of hex digits (${digits})`, cr, 'another hex digit');
  const binary = new Uint8Array(digits / 2);
  let sum = 0;
  for (let i = 0; i < binary.length; i++) {
    const v = (hexNibble(bytes[1 + 2 * i]!) << 4) | hexNibble(bytes[2 + 2 * i]!);
    binary[i] = v;
    sum += v;
  }
  if ((sum & 0xff) !== 0) {
    const carried = binary[binary.length - 1]!;
    const computed = (carried - sum) & 0xff; // −(sum of the bytes before the LRC)
    fail(
      `LRC mismatch: frame carries 0x${hex2(carried)}, computed 0x${hex2(computed)}`,
      cr - 2,
      `LRC ${hex2(computed)}`,
    );
  }
  return { unitId: binary[0]!, pdu: binary.subarray(1, binary.length - 1) };
}

function hex2(v: number): string {
  return hexDigits[v >> 4]! + hexDigits[v & 0x0f]!;
}
