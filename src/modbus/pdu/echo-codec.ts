/**
 * FC5, FC6 and FC22, whose normal response is an exact echo of the request (Modbus spec §4.3,
 * §4.4, §4.14): one layout serves both directions.
 *
 * @module
 */

import type { ByteReader } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { FunctionCode } from './constants.js';
import { readCoilValue } from './decode-helpers.js';
import { checkU16 } from './encode-checks.js';
import type { ModbusRequest } from './types.js';
import { wordPdu2, wordPdu3 } from './word-pdu.js';

/** FC5 message (request and echo). */
export type WriteSingleCoilMessage = Extract<ModbusRequest, { type: 'write-single-coil' }>;
/** FC6 message (request and echo). */
export type WriteSingleRegisterMessage = Extract<ModbusRequest, { type: 'write-single-register' }>;
/** FC22 message (request and echo). */
export type MaskWriteRegisterMessage = Extract<ModbusRequest, { type: 'mask-write-register' }>;

/** Encodes FC5: the value is 0xFF00 for ON and 0x0000 for OFF, nothing else (spec §4.3). */
export function encodeWriteSingleCoil(msg: WriteSingleCoilMessage): Uint8Array {
  checkU16('address', msg.address);
  if (typeof msg.value !== 'boolean') throw new EncodeError('value', 'must be a boolean (ON = true)');
  return wordPdu2(FunctionCode.writeSingleCoil, msg.address, msg.value ? 0xff00 : 0x0000);
}

/** Reads an FC5 body after the function code. */
export function readWriteSingleCoil(r: ByteReader): WriteSingleCoilMessage {
  const address = r.u16('output address');
  const value = readCoilValue(r);
  r.expectEnd('end of the FC5 PDU');
  return { type: 'write-single-coil', address, value };
}

/** Encodes FC6. */
export function encodeWriteSingleRegister(msg: WriteSingleRegisterMessage): Uint8Array {
  checkU16('address', msg.address);
  checkU16('value', msg.value);
  return wordPdu2(FunctionCode.writeSingleRegister, msg.address, msg.value);
}

/** Reads an FC6 body after the function code. */
export function readWriteSingleRegister(r: ByteReader): WriteSingleRegisterMessage {
  const address = r.u16('register address');
  const value = r.u16('register value');
  r.expectEnd('end of the FC6 PDU');
  return { type: 'write-single-register', address, value };
}

/** Encodes FC22. */
export function encodeMaskWriteRegister(msg: MaskWriteRegisterMessage): Uint8Array {
  checkU16('address', msg.address);
  checkU16('andMask', msg.andMask);
  checkU16('orMask', msg.orMask);
  return wordPdu3(FunctionCode.maskWriteRegister, msg.address, msg.andMask, msg.orMask);
}

/** Reads an FC22 body after the function code. */
export function readMaskWriteRegister(r: ByteReader): MaskWriteRegisterMessage {
  const address = r.u16('reference address');
  const andMask = r.u16('AND mask');
  const orMask = r.u16('OR mask');
  r.expectEnd('end of the FC22 PDU');
  return { type: 'mask-write-register', address, andMask, orMask };
}
