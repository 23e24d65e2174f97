/**
 * The error a Modbus exception response becomes on the client side.
 *
 * @module
 */

import { ErrorCode, MeterlinkError } from '../../core/errors.js';
import { exceptionName } from '../pdu/constants.js';

/** Details carried by a {@link ModbusException}. */
export interface ModbusExceptionDetails {
  /** Function code of the request (bit 7 cleared). */
  functionCode: number;
  /** Exception code the server answered (any byte; see `ExceptionCode`). */
  exceptionCode: number;
  /** Unit id / serial address the request went to. */
  unitId: number;
}

/**
 * The server answered with an exception response (Modbus Application Protocol §7): a complete,
 * successful transaction that reports a failure — not a transport problem (spec §5.3).
 *
 * @example
 * ```ts
 * try { await client.readHoldingRegisters(9000, 2); }
 * catch (e) {
 *   if (e instanceof ModbusException && e.exceptionCode === ExceptionCode.illegalDataAddress) { … }
 * }
 * ```
 */
export class ModbusException extends MeterlinkError {
  static override readonly brand: string = 'ModbusException';
  /** Function code of the request (bit 7 cleared). */
  readonly functionCode: number;
  /** Exception code the server answered. */
  readonly exceptionCode: number;
  /** The standard's name of the exception code, e.g. `ILLEGAL DATA ADDRESS`. */
  readonly exceptionName: string;
  /** Unit id / serial address the request went to. */
  readonly unitId: number;

  constructor(details: ModbusExceptionDetails) {
    const name = exceptionName(details.exceptionCode);
    const code = `0x${details.exceptionCode.toString(16).toUpperCase().padStart(2, '0')}`;
    super(
      ErrorCode.modbusException,
      `unit ${details.unitId} answered function ${details.functionCode} with exception ${code} ${name}`,
    );
    this.functionCode = details.functionCode;
    this.exceptionCode = details.exceptionCode;
    this.exceptionName = name;
    this.unitId = details.unitId;
  }
}
