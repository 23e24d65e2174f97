/**
 * Client-side validation of a response against the request it answers (Modbus spec §5.3,
 * checklist PDU-4).
 *
 * @module
 */

import { ProtocolError } from '../../core/errors.js';
import { isEchoDiagnosticsSubFunction, isReservedDiagnosticsSubFunction } from './diagnostics.js';
import { functionCodeOf } from './function-code.js';
import { hexWord } from './hex-format.js';
import type { FileRecordWrite, ModbusRequest, ModbusResponse } from './types.js';

type ResponseOf<T extends ModbusResponse['type']> = Extract<ModbusResponse, { type: T }>;

/** Throws a {@link ProtocolError} prefixed with the request's function code and type. */
function mismatch(request: ModbusRequest, detail: string): never {
  throw new ProtocolError(
    `FC${functionCodeOf(request)} ${request.type} response does not fit the request: ${detail}`,
  );
}

/** Narrows `response` to the request's type, or throws. */
function sameType<T extends ModbusResponse['type']>(
  request: ModbusRequest,
  type: T,
  response: ModbusResponse,
): ResponseOf<T> {
  if (response.type !== type) {
    mismatch(request, `got ${response.type} (FC${functionCodeOf(response)})`);
  }
  return response as ResponseOf<T>;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function equalWords(a: Uint16Array, b: Uint16Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares one echoed field. */
function echo(request: ModbusRequest, field: string, sent: number | boolean, got: number | boolean): void {
  if (sent !== got)
    mismatch(request, `echoed ${field} ${String(got)} differs from the request's ${String(sent)}`);
}

/** FC1/FC2: N must be ceil(q/8) (spec §4.1 client checks); the padding bits are cut off here. */
function checkBits(request: ModbusRequest & { quantity: number }, values: boolean[]): boolean[] {
  const bytes = (request.quantity + 7) >>> 3;
  if (values.length !== bytes * 8) {
    mismatch(
      request,
      `byte count ${Math.ceil(values.length / 8)}, expected ${bytes} for ${request.quantity} bits`,
    );
  }
  return values.slice(0, request.quantity);
}

/** Register count of a read (spec §4.2, §4.15 client checks: N == 2·q). */
function checkRegisterCount(request: ModbusRequest, values: Uint16Array, quantity: number): void {
  if (values.length !== quantity) mismatch(request, `${values.length} registers, expected ${quantity}`);
}

function checkFileRecordEcho(request: ModbusRequest, sent: FileRecordWrite[], got: FileRecordWrite[]): void {
  if (got.length !== sent.length)
    mismatch(request, `${got.length} echoed sub-requests, expected ${sent.length}`);
  for (let i = 0; i < sent.length; i++) {
    const a = sent[i]!;
    const b = got[i]!;
    if (
      a.referenceType !== b.referenceType ||
      a.fileNumber !== b.fileNumber ||
      a.recordNumber !== b.recordNumber ||
      !equalWords(a.values, b.values)
    ) {
      mismatch(request, `echoed sub-request ${i} differs from the request`);
    }
  }
}

/**
 * Validates a decoded response against the request it answers (spec §5.3, checklist PDU-4) and
 * returns it, with FC1/FC2 bit lists trimmed to exactly the requested quantity.
 *
 * - An `exception` is returned as is (the caller turns it into its own error), provided its function
 *   code is the request's.
 * - Otherwise the type must be the request's; byte counts must fit the quantity (FC1–4, FC23, FC20
 *   record lengths); echoes must equal the request (FC5, 6, 15, 16, 21, 22, and FC8 sub-functions
 *   0, 1, 3, 4, 0x0A, 0x14 — the others return a counter); FC43/14 must echo the Read Device ID code.
 * - `raw` requests accept any response with the same function code; `encapsulated-interface`
 *   requests need the same MEI type back.
 *
 * @throws {@link ProtocolError} saying what differed
 * @example
 * ```ts
 * const req = { type: 'read-coils', address: 0x13, quantity: 19 } as const;
 * const res = checkResponse(req, decodeResponse(pdu)); // res.values.length === 19
 * ```
 */
export function checkResponse(request: ModbusRequest, response: ModbusResponse): ModbusResponse {
  if (response.type === 'exception') {
    // A function code that is neither the request's nor its | 0x80 is a protocol error (spec §5.3).
    const fc = functionCodeOf(request);
    if (response.functionCode !== fc) {
      mismatch(request, `exception response for FC${response.functionCode}`);
    }
    return response;
  }
  switch (request.type) {
    case 'read-coils':
    case 'read-discrete-inputs': {
      const res = sameType(request, request.type, response);
      return { type: res.type, values: checkBits(request, res.values) };
    }
    case 'read-holding-registers':
    case 'read-input-registers': {
      const res = sameType(request, request.type, response);
      checkRegisterCount(request, res.values, request.quantity);
      return res;
    }
    case 'write-single-coil': {
      const res = sameType(request, 'write-single-coil', response);
      echo(request, 'address', request.address, res.address);
      echo(request, 'value', request.value, res.value);
      return res;
    }
    case 'write-single-register': {
      const res = sameType(request, 'write-single-register', response);
      echo(request, 'address', request.address, res.address);
      echo(request, 'value', request.value, res.value);
      return res;
    }
    case 'diagnostics': {
      const res = sameType(request, 'diagnostics', response);
      echo(request, 'sub-function', request.subFunction, res.subFunction);
      if (isEchoDiagnosticsSubFunction(request.subFunction)) {
        if (!equalBytes(request.data, res.data)) mismatch(request, 'echoed data differs from the request');
      } else if (!isReservedDiagnosticsSubFunction(request.subFunction) && res.data.length !== 2) {
        mismatch(request, `${res.data.length} data bytes, expected one 16-bit value`);
      }
      return res;
    }
    case 'write-multiple-coils':
    case 'write-multiple-registers': {
      const res = sameType(request, request.type, response);
      echo(request, 'address', request.address, res.address);
      echo(request, 'quantity', request.values.length, res.quantity);
      return res;
    }
    case 'read-file-record': {
      const res = sameType(request, 'read-file-record', response);
      const subs = request.subRequests;
      if (res.subResponses.length !== subs.length) {
        mismatch(request, `${res.subResponses.length} sub-responses, expected ${subs.length}`);
      }
      for (let i = 0; i < subs.length; i++) {
        const got = res.subResponses[i]!;
        const sub = subs[i]!;
        if (got.values.length !== sub.recordLength) {
          mismatch(
            request,
            `sub-response ${i} has ${got.values.length} registers, expected ${sub.recordLength}`,
          );
        }
        echo(request, `reference type of sub-response ${i}`, sub.referenceType, got.referenceType);
      }
      return res;
    }
    case 'write-file-record': {
      const res = sameType(request, 'write-file-record', response);
      checkFileRecordEcho(request, request.subRequests, res.subRequests);
      return res;
    }
    case 'mask-write-register': {
      const res = sameType(request, 'mask-write-register', response);
      echo(request, 'address', request.address, res.address);
      if (res.andMask !== request.andMask || res.orMask !== request.orMask) {
        mismatch(
          request,
          `echoed masks AND ${hexWord(res.andMask)} OR ${hexWord(res.orMask)} differ from ` +
            `AND ${hexWord(request.andMask)} OR ${hexWord(request.orMask)}`,
        );
      }
      return res;
    }
    case 'read-write-multiple-registers': {
      const res = sameType(request, 'read-write-multiple-registers', response);
      checkRegisterCount(request, res.values, request.readQuantity);
      return res;
    }
    case 'read-device-identification': {
      const res = sameType(request, 'read-device-identification', response);
      echo(request, 'Read Device ID code', request.readCode, res.readCode);
      return res;
    }
    case 'encapsulated-interface': {
      const res = sameType(request, 'encapsulated-interface', response);
      echo(request, 'MEI type', request.meiType, res.meiType);
      return res;
    }
    case 'raw': {
      const fc = functionCodeOf(response);
      if (fc !== request.functionCode) mismatch(request, `response function code ${fc}`);
      return response;
    }
    default:
      // FC7, 11, 12, 17, 24: nothing in the request to compare with beyond the type.
      return sameType(request, request.type, response);
  }
}
