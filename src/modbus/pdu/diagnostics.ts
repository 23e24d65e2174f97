/**
 * FC8 Diagnostics: sub-function codes and the body codec shared by requests and responses
 * (Modbus spec §4.6).
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { FunctionCode } from './constants.js';
import { checkBytes, checkPduSize, checkU16 } from './encode-checks.js';

/** The FC8 sub-functions defined by the standard (spec §4.6); every other value is reserved. */
export const DiagnosticsSubFunction = {
  /** 0x00 Return Query Data: any number of data words, echoed back unchanged (a loopback test). */
  returnQueryData: 0x00,
  /**
   * 0x01 Restart Communications Option: data 0x0000 keeps the event log, 0xFF00 clears it too. Leaves
   * listen-only mode; the echo is sent before the restart, and not at all from listen-only mode.
   */
  restartCommunicationsOption: 0x01,
  /** 0x02 Return Diagnostic Register: data 0x0000; answers the 16-bit device-specific diagnostic register. */
  returnDiagnosticRegister: 0x02,
  /** 0x03 Change ASCII Input Delimiter: data `CHAR 0x00`, the new end-of-frame character replacing LF; echoed. */
  changeAsciiInputDelimiter: 0x03,
  /** 0x04 Force Listen Only Mode: data 0x0000; the server stops answering and sends no response to this one. */
  forceListenOnlyMode: 0x04,
  /** 0x0A Clear Counters and Diagnostic Register: data 0x0000; echoed. */
  clearCountersAndDiagnosticRegister: 0x0a,
  /** 0x0B Return Bus Message Count: frames seen on the line with a correct CRC/LRC, for any address. */
  returnBusMessageCount: 0x0b,
  /** 0x0C Return Bus Communication Error Count: CRC/LRC, parity and overrun errors, and frames under 3 bytes. */
  returnBusCommunicationErrorCount: 0x0c,
  /** 0x0D Return Bus Exception Error Count: exception conditions this server detected, broadcast ones included. */
  returnBusExceptionErrorCount: 0x0d,
  /** 0x0E Return Server Message Count: frames addressed to this server (or broadcast) that it processed. */
  returnServerMessageCount: 0x0e,
  /** 0x0F Return Server No Response Count: frames addressed to this server that it did not answer (every broadcast). */
  returnServerNoResponseCount: 0x0f,
  /** 0x10 Return Server NAK Count: exception responses with code 07 (negative acknowledge). */
  returnServerNakCount: 0x10,
  /** 0x11 Return Server Busy Count: exception responses with code 06 (server device busy). */
  returnServerBusyCount: 0x11,
  /** 0x12 Return Bus Character Overrun Count: frames for this server lost to characters arriving too fast. */
  returnBusCharacterOverrunCount: 0x12,
  /** 0x14 Clear Overrun Counter and Flag: data 0x0000; echoed. */
  clearOverrunCounterAndFlag: 0x14,
} as const;

/** A defined FC8 sub-function. */
export type DiagnosticsSubFunction = (typeof DiagnosticsSubFunction)[keyof typeof DiagnosticsSubFunction];

/**
 * `true` for the FC8 sub-functions the standard reserves (5–9, 0x13, 0x15–0xFFFF): a server answers
 * them with exception 01 (spec §3, §4.6).
 *
 * @example
 * ```ts
 * isReservedDiagnosticsSubFunction(0x13); // true
 * isReservedDiagnosticsSubFunction(0x0b); // false
 * ```
 */
export function isReservedDiagnosticsSubFunction(subFunction: number): boolean {
  return (
    (subFunction >= 0x05 && subFunction <= 0x09) ||
    subFunction === 0x13 ||
    (subFunction >= 0x15 && subFunction <= 0xffff)
  );
}

/**
 * `true` for the sub-functions whose normal response repeats the request data (0, 1, 3, 4, 0x0A,
 * 0x14); the others (2, 0x0B–0x12) return a register or counter instead (spec §4.6 table).
 */
export function isEchoDiagnosticsSubFunction(subFunction: number): boolean {
  return (
    subFunction === 0x00 ||
    subFunction === 0x01 ||
    subFunction === 0x03 ||
    subFunction === 0x04 ||
    subFunction === 0x0a ||
    subFunction === 0x14
  );
}

/**
 * Defined sub-functions other than 0 carry exactly one data word (spec §4.6 rules). Sub-function 0
 * carries any number of words; reserved ones are accepted with any even length too, so that a server
 * can answer them with 01 (illegal function) rather than 03, as step 1 of spec §5.2 comes first.
 */
function hasOneDataWord(subFunction: number): boolean {
  return subFunction !== 0 && !isReservedDiagnosticsSubFunction(subFunction);
}

/** The FC8 message, identical in shape for requests and responses (internal). */
export interface DiagnosticsMessage {
  /** Discriminant: function code 8. */
  type: 'diagnostics';
  /** Sub-function, 0–65535. */
  subFunction: number;
  /** The data words after the sub-function, as bytes (even length). */
  data: Uint8Array;
}

/** Reads an FC8 PDU body after the function code (internal). */
export function readDiagnostics(r: ByteReader): DiagnosticsMessage {
  const subFunction = r.u16('sub-function');
  if (hasOneDataWord(subFunction)) {
    const data = r.bytesView(2, 'one diagnostics data word');
    r.expectEnd('end of the FC8 PDU after one data word');
    return { type: 'diagnostics', subFunction, data };
  }
  const data = r.rest();
  if (data.length % 2 !== 0) {
    r.fail(`${data.length} diagnostics data bytes`, 'an even number of data bytes', r.length - 1);
  }
  return { type: 'diagnostics', subFunction, data };
}

/** Encodes an FC8 PDU (request or response) after checking the data length rules (internal). */
export function encodeDiagnostics(msg: DiagnosticsMessage): Uint8Array {
  checkU16('subFunction', msg.subFunction);
  checkBytes('data', msg.data);
  const n = msg.data.length;
  if (hasOneDataWord(msg.subFunction)) {
    if (n !== 2)
      throw new EncodeError('data', `${n} bytes, sub-function ${msg.subFunction} carries exactly 2`);
  } else if (n % 2 !== 0) {
    throw new EncodeError('data', `${n} bytes, expected whole 16-bit words (an even count)`);
  }
  checkPduSize('data', 3 + n);
  return new ByteWriter(3 + n).u8(FunctionCode.diagnostics).u16(msg.subFunction).bytes(msg.data).finish();
}
