/**
 * Modbus function codes, exception codes and protocol limits
 * (MODBUS Application Protocol Specification V1.1b3 §5–§7).
 *
 * @module
 */

/** The public function codes (Application Protocol §5.1). */
export const FunctionCode = {
  /** FC1 (0x01) Read Coils: 1–2000 bits of the read/write coil table (spec §4.1). */
  readCoils: 0x01,
  /** FC2 (0x02) Read Discrete Inputs: 1–2000 bits of the read-only input table (spec §4.1). */
  readDiscreteInputs: 0x02,
  /** FC3 (0x03) Read Holding Registers: 1–125 registers of the read/write table (spec §4.2). */
  readHoldingRegisters: 0x03,
  /** FC4 (0x04) Read Input Registers: 1–125 registers of the read-only table (spec §4.2). */
  readInputRegisters: 0x04,
  /** FC5 (0x05) Write Single Coil: ON 0xFF00 or OFF 0x0000, answered by an echo (spec §4.3). */
  writeSingleCoil: 0x05,
  /** FC6 (0x06) Write Single Register: one 16-bit value, answered by an echo (spec §4.4). */
  writeSingleRegister: 0x06,
  /** FC7 (0x07) Read Exception Status: 8 device-specific status bits; serial line only (spec §4.5). */
  readExceptionStatus: 0x07,
  /** FC8 (0x08) Diagnostics: sub-functions for loopback, counters and listen-only mode; serial line only (spec §4.6). */
  diagnostics: 0x08,
  /** FC11 (0x0B) Get Comm Event Counter: busy status and event counter; serial line only (spec §4.7). */
  getCommEventCounter: 0x0b,
  /** FC12 (0x0C) Get Comm Event Log: counters and up to 64 event bytes; serial line only (spec §4.8). */
  getCommEventLog: 0x0c,
  /** FC15 (0x0F) Write Multiple Coils: 1–1968 coils (spec §4.9). */
  writeMultipleCoils: 0x0f,
  /** FC16 (0x10) Write Multiple Registers: 1–123 holding registers (spec §4.10). */
  writeMultipleRegisters: 0x10,
  /** FC17 (0x11) Report Server ID: device-specific identification bytes; serial line only (spec §4.11). */
  reportServerId: 0x11,
  /** FC20 (0x14) Read File Record: registers of extended-memory files, in sub-requests (spec §4.12). */
  readFileRecord: 0x14,
  /** FC21 (0x15) Write File Record: registers of extended-memory files, answered by an echo (spec §4.13). */
  writeFileRecord: 0x15,
  /** FC22 (0x16) Mask Write Register: AND/OR masks applied to one holding register (spec §4.14). */
  maskWriteRegister: 0x16,
  /** FC23 (0x17) Read/Write Multiple Registers: write up to 121, then read up to 125 registers (spec §4.15). */
  readWriteMultipleRegisters: 0x17,
  /** FC24 (0x18) Read FIFO Queue: up to 31 queued registers behind a pointer register (spec §4.16). */
  readFifoQueue: 0x18,
  /** FC43 (0x2B) Encapsulated Interface Transport: carries an MEI type, see {@link MeiType} (spec §4.17). */
  encapsulatedInterfaceTransport: 0x2b,
} as const;

/** A public function code. */
export type FunctionCode = (typeof FunctionCode)[keyof typeof FunctionCode];

/** MEI types carried by FC 43 (Application Protocol §6.19–6.21). */
export const MeiType = {
  /** MEI 13 (0x0D) CANopen General Reference, defined by CiA; carried as opaque bytes (spec §4.17). */
  canopenGeneralReference: 0x0d,
  /** MEI 14 (0x0E) Read Device Identification: vendor, product and revision objects (spec §4.18). */
  readDeviceIdentification: 0x0e,
} as const;

/** Exception codes (Application Protocol §7). Decoders accept any byte; servers emit these. */
export const ExceptionCode = {
  /** 0x01 ILLEGAL FUNCTION: function code, sub-function or MEI type not supported (spec §5.1). */
  illegalFunction: 0x01,
  /** 0x02 ILLEGAL DATA ADDRESS: the address or the range `start … start+q−1` is not valid in the server. */
  illegalDataAddress: 0x02,
  /** 0x03 ILLEGAL DATA VALUE: a quantity, byte count, length or value the request format does not allow. */
  illegalDataValue: 0x03,
  /** 0x04 SERVER DEVICE FAILURE: an unrecoverable error while executing the request. */
  serverDeviceFailure: 0x04,
  /** 0x05 ACKNOWLEDGE: accepted, but it will take long; poll for completion later. A client may retry. */
  acknowledge: 0x05,
  /** 0x06 SERVER DEVICE BUSY: busy with a long command or out of resources; retry later. */
  serverDeviceBusy: 0x06,
  /** 0x07 NEGATIVE ACKNOWLEDGE: legacy programming functions only; not defined by V1.1b3 (spec §5.1). */
  negativeAcknowledge: 0x07,
  /** 0x08 MEMORY PARITY ERROR: with FC20/FC21, the file record area failed a consistency check. */
  memoryParityError: 0x08,
  /** 0x0A GATEWAY PATH UNAVAILABLE: a gateway has no path to the target (unknown unit, overloaded). */
  gatewayPathUnavailable: 0x0a,
  /** 0x0B GATEWAY TARGET DEVICE FAILED TO RESPOND: a gateway got no valid answer from the target. */
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

/**
 * The standard's name of an exception code, e.g. `ILLEGAL DATA ADDRESS`; `UNKNOWN EXCEPTION 0x..` otherwise.
 *
 * @example
 * ```ts
 * exceptionName(2); // 'ILLEGAL DATA ADDRESS'
 * exceptionName(0x0b); // 'GATEWAY TARGET DEVICE FAILED TO RESPOND'
 * exceptionName(0x20); // 'UNKNOWN EXCEPTION 0x20'
 * ```
 */
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
