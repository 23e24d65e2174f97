/**
 * Modbus function codes, exception codes and protocol limits
 * (MODBUS Application Protocol Specification V1.1b3 §5–§7).
 *
 * @module
 */

/** The public function codes (Application Protocol §5.1). */
export const FunctionCode = {
  readCoils: 0x01,
  readDiscreteInputs: 0x02,
  readHoldingRegisters: 0x03,
  readInputRegisters: 0x04,
  writeSingleCoil: 0x05,
  writeSingleRegister: 0x06,
  readExceptionStatus: 0x07,
  diagnostics: 0x08,
  getCommEventCounter: 0x0b,
  getCommEventLog: 0x0c,
  writeMultipleCoils: 0x0f,
  writeMultipleRegisters: 0x10,
  reportServerId: 0x11,
  readFileRecord: 0x14,
  writeFileRecord: 0x15,
  maskWriteRegister: 0x16,
  readWriteMultipleRegisters: 0x17,
  readFifoQueue: 0x18,
  encapsulatedInterfaceTransport: 0x2b,
} as const;

/** A public function code. */
export type FunctionCode = (typeof FunctionCode)[keyof typeof FunctionCode];

/** MEI types carried by FC 43 (Application Protocol §6.19–6.21). */
export const MeiType = {
  canopenGeneralReference: 0x0d,
  readDeviceIdentification: 0x0e,
} as const;

/** Exception codes (Application Protocol §7). Decoders accept any byte; servers emit these. */
export const ExceptionCode = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  acknowledge: 0x05,
  serverDeviceBusy: 0x06,
  negativeAcknowledge: 0x07,
  memoryParityError: 0x08,
  gatewayPathUnavailable: 0x0a,
  gatewayTargetDeviceFailedToRespond: 0x0b,
} as const;

/** A known exception code. */
export type ExceptionCode = (typeof ExceptionCode)[keyof typeof ExceptionCode];

const exceptionNames: Record<number, string> = {
  1: 'ILLEGAL FUNCTION',
  2: 'ILLEGAL DATA ADDRESS',
  3: 'ILLEGAL DATA VALUE',
  4: 'SERVER DEVICE FAILURE',
  5: 'ACKNOWLEDGE',
  6: 'SERVER DEVICE BUSY',
  7: 'NEGATIVE ACKNOWLEDGE',
  8: 'MEMORY PARITY ERROR',
  10: 'GATEWAY PATH UNAVAILABLE',
  11: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

/** The standard's name of an exception code, e.g. `ILLEGAL DATA ADDRESS`; `UNKNOWN EXCEPTION 0x..` otherwise. */
export function exceptionName(code: number): string {
  return exceptionNames[code] ?? `UNKNOWN EXCEPTION 0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Protocol limits (Application Protocol §4.1 and §6). */
export const ModbusLimits = {
  /** Largest PDU on any transport: 256-byte serial frame minus address and CRC. */
  maxPduBytes: 253,
  /** FC1/FC2 read quantity. */
  maxReadBits: 2000,
  /** FC3/FC4 and FC23 read quantity. */
  maxReadRegisters: 125,
  /** FC15 write quantity. */
  maxWriteBits: 1968,
  /** FC16 write quantity. */
  maxWriteRegisters: 123,
  /** FC23 write quantity. */
  maxReadWriteWriteRegisters: 121,
  /** FC24 queued registers. */
  maxFifoCount: 31,
  /** FC20/FC21 highest record number. */
  maxFileRecordNumber: 0x270f,
  /** Number of addressable items per table. */
  addressSpace: 0x10000,
} as const;
