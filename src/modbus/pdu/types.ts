/**
 * The Modbus PDU model: every request and response as a discriminated union on `type`, with one
 * named interface per member (`ReadCoilsRequest`, `ReadHoldingRegistersResponse`, …).
 *
 * Addresses are 0-based PDU addresses (Modbus spec §2: "item number N is PDU address N−1").
 * Register values are `Uint16Array`; bit tables are `boolean[]`.
 *
 * @module
 */

/**
 * FC20 sub-request: read `recordLength` registers of one file starting at `recordNumber`
 * (spec §4.12). One element of {@link ReadFileRecordRequest.subRequests}.
 */
export interface FileRecordReadRequest {
  /** Reference type; the standard allows only 6. Decoded as received so a server can answer 02. */
  referenceType: number;
  /** File number 1–65535 (values above 10 may not work with legacy devices). */
  fileNumber: number;
  /** Record (register) number 0–9999 (0x0000–0x270F). */
  recordNumber: number;
  /** Number of registers to read, L; each sub-response takes 2 + 2·L bytes of the 253-byte PDU. */
  recordLength: number;
}

/**
 * FC21 sub-request (and sub-response echo): write `values` into one file from `recordNumber`
 * (spec §4.13). One element of {@link WriteFileRecordRequest.subRequests}.
 */
export interface FileRecordWrite {
  /** Reference type; the standard allows only 6. */
  referenceType: number;
  /** File number 1–65535. */
  fileNumber: number;
  /** Record (register) number 0–9999 (0x0000–0x270F). */
  recordNumber: number;
  /** Registers to write; the record length is `values.length`. */
  values: Uint16Array;
}

/** FC20 sub-response: the registers of one sub-request (spec §4.12). */
export interface FileRecordReadResult {
  /** Reference type (6). */
  referenceType: number;
  /** Registers read, `recordLength` of them in record order. */
  values: Uint16Array;
}

/** Read Device ID codes of FC43/14 (spec §4.18; Application Protocol §6.21). */
export const DeviceIdReadCode = {
  /** 1: stream access to the basic objects 0x00–0x02 (VendorName, ProductCode, MajorMinorRevision). */
  basic: 1,
  /** 2: stream access to the basic and regular objects 0x00–0x06. */
  regular: 2,
  /** 3: stream access to the basic, regular and extended (private 0x80–0xFF) objects. */
  extended: 3,
  /** 4: individual access to the one object named by `objectId`. */
  individual: 4,
} as const;
/** A Read Device ID code. */
export type DeviceIdReadCode = (typeof DeviceIdReadCode)[keyof typeof DeviceIdReadCode];

/** One device identification object (FC43/14, spec §4.18 object table). */
export interface DeviceIdObject {
  /** Object id: 0x00 VendorName … 0x06 UserApplicationName, 0x80–0xFF private. */
  id: number;
  /** Raw value, at most 244 bytes (ASCII for the standard objects, any bytes for private ones). */
  value: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Requests (spec §4; MODBUS Application Protocol V1.1b3 §6)
// ---------------------------------------------------------------------------------------------

/**
 * FC1 Read Coils request (spec §4.1): read `quantity` coils from `address`.
 *
 * @example
 * ```ts
 * const request: ReadCoilsRequest = { type: 'read-coils', address: 0x13, quantity: 19 }; // 01 00 13 00 13
 * ```
 */
export interface ReadCoilsRequest {
  /** Discriminant: function code 1 (0x01). */
  type: 'read-coils';
  /** 0-based PDU address of the first coil, 0–65535 (coil 00001 is address 0; spec §2). */
  address: number;
  /** Number of coils to read, 1–2000 (`ModbusLimits.maxReadBits`); `address + quantity` ≤ 65536. */
  quantity: number;
}

/** FC2 Read Discrete Inputs request (spec §4.1): read `quantity` discrete inputs from `address`. */
export interface ReadDiscreteInputsRequest {
  /** Discriminant: function code 2 (0x02). */
  type: 'read-discrete-inputs';
  /** 0-based PDU address of the first input, 0–65535 (input 10001 is address 0; spec §2). */
  address: number;
  /** Number of inputs to read, 1–2000 (`ModbusLimits.maxReadBits`); `address + quantity` ≤ 65536. */
  quantity: number;
}

/**
 * FC3 Read Holding Registers request (spec §4.2): read `quantity` registers from `address`.
 *
 * @example
 * ```ts
 * const request: ReadHoldingRegistersRequest = { type: 'read-holding-registers', address: 0x6b, quantity: 3 };
 * ```
 */
export interface ReadHoldingRegistersRequest {
  /** Discriminant: function code 3 (0x03). */
  type: 'read-holding-registers';
  /** 0-based PDU address of the first register, 0–65535 (register 40001 is address 0; spec §2). */
  address: number;
  /** Number of registers to read, 1–125 (`ModbusLimits.maxReadRegisters`); `address + quantity` ≤ 65536. */
  quantity: number;
}

/** FC4 Read Input Registers request (spec §4.2): read `quantity` read-only registers from `address`. */
export interface ReadInputRegistersRequest {
  /** Discriminant: function code 4 (0x04). */
  type: 'read-input-registers';
  /** 0-based PDU address of the first register, 0–65535 (register 30001 is address 0; spec §2). */
  address: number;
  /** Number of registers to read, 1–125 (`ModbusLimits.maxReadRegisters`); `address + quantity` ≤ 65536. */
  quantity: number;
}

/** FC5 Write Single Coil request (spec §4.3); the normal response is an exact echo. May be broadcast. */
export interface WriteSingleCoilRequest {
  /** Discriminant: function code 5 (0x05). */
  type: 'write-single-coil';
  /** 0-based PDU address of the coil, 0–65535. */
  address: number;
  /**
   * The new state: `true` is sent as 0xFF00 (ON), `false` as 0x0000 (OFF). A boolean cannot express
   * the illegal values that a server must refuse with exception 03 (spec §4.3).
   */
  value: boolean;
}

/** FC6 Write Single Register request (spec §4.4); the normal response is an exact echo. May be broadcast. */
export interface WriteSingleRegisterRequest {
  /** Discriminant: function code 6 (0x06). */
  type: 'write-single-register';
  /** 0-based PDU address of the holding register, 0–65535. */
  address: number;
  /** The 16-bit value to write, 0–65535 (0x0000–0xFFFF). */
  value: number;
}

/** FC7 Read Exception Status request (spec §4.5, serial line only): the function code alone. */
export interface ReadExceptionStatusRequest {
  /** Discriminant: function code 7 (0x07); the request carries no data. */
  type: 'read-exception-status';
}

/** FC8 Diagnostics request (spec §4.6, serial line only). */
export interface DiagnosticsRequest {
  /** Discriminant: function code 8 (0x08). */
  type: 'diagnostics';
  /**
   * Sub-function, 0–65535; the defined ones are in {@link DiagnosticsSubFunction}. Reserved values
   * are still encoded and decoded, so that a server can answer them with exception 01.
   */
  subFunction: number;
  /**
   * The bytes after the sub-function: an even number of bytes (16-bit words, high byte first).
   * Sub-function 0 (Return Query Data) carries any number of words; every defined sub-function
   * other than 0 carries exactly one word, usually 0x0000 (spec §4.6 rules).
   */
  data: Uint8Array;
}

/** FC11 Get Comm Event Counter request (spec §4.7, serial line only): the function code alone. */
export interface GetCommEventCounterRequest {
  /** Discriminant: function code 11 (0x0B); the request carries no data. */
  type: 'get-comm-event-counter';
}

/** FC12 Get Comm Event Log request (spec §4.8, serial line only): the function code alone. */
export interface GetCommEventLogRequest {
  /** Discriminant: function code 12 (0x0C); the request carries no data. */
  type: 'get-comm-event-log';
}

/** FC15 Write Multiple Coils request (spec §4.9). May be broadcast. */
export interface WriteMultipleCoilsRequest {
  /** Discriminant: function code 15 (0x0F). */
  type: 'write-multiple-coils';
  /** 0-based PDU address of the first coil, 0–65535. */
  address: number;
  /**
   * The coil states in address order, 1–1968 of them (`ModbusLimits.maxWriteBits`); the quantity
   * and byte count on the wire are derived from the length, and the bits are packed LSB first
   * (spec §4.1 bit packing).
   */
  values: boolean[];
}

/** FC16 Write Multiple Registers request (spec §4.10). May be broadcast. */
export interface WriteMultipleRegistersRequest {
  /** Discriminant: function code 16 (0x10). */
  type: 'write-multiple-registers';
  /** 0-based PDU address of the first holding register, 0–65535. */
  address: number;
  /**
   * The register values in address order, 1–123 of them (`ModbusLimits.maxWriteRegisters`); the
   * quantity and byte count on the wire are derived from the length.
   */
  values: Uint16Array;
}

/** FC17 Report Server ID request (spec §4.11, serial line only): the function code alone. */
export interface ReportServerIdRequest {
  /** Discriminant: function code 17 (0x11); the request carries no data. */
  type: 'report-server-id';
}

/**
 * FC20 Read File Record request (spec §4.12): one or more {@link FileRecordReadRequest}
 * sub-requests, answered in order. (This is the whole PDU; `FileRecordReadRequest` is one of its
 * sub-requests.)
 */
export interface ReadFileRecordRequest {
  /** Discriminant: function code 20 (0x14). */
  type: 'read-file-record';
  /**
   * The sub-requests, 1–35 of them (7 bytes each, byte count 0x07–0xF5); the whole response must
   * also fit in a 253-byte PDU, `2 + Σ(2 + 2·L)` ≤ 253 (spec §4.12).
   */
  subRequests: FileRecordReadRequest[];
}

/** FC21 Write File Record request (spec §4.13); the normal response is an exact echo. */
export interface WriteFileRecordRequest {
  /** Discriminant: function code 21 (0x15). */
  type: 'write-file-record';
  /** The sub-requests, one or more; the whole request must fit in a 253-byte PDU (spec §4.13). */
  subRequests: FileRecordWrite[];
}

/**
 * FC22 Mask Write Register request (spec §4.14); the normal response is an exact echo. The server
 * stores `(current AND andMask) OR (orMask AND NOT andMask)`. May be broadcast.
 */
export interface MaskWriteRegisterRequest {
  /** Discriminant: function code 22 (0x16). */
  type: 'mask-write-register';
  /** 0-based PDU address of the holding register, 0–65535. */
  address: number;
  /** AND mask, 0–65535: the bits set here keep their current value. */
  andMask: number;
  /** OR mask, 0–65535: the bits to set among those cleared by `andMask`. */
  orMask: number;
}

/**
 * FC23 Read/Write Multiple Registers request (spec §4.15): the server writes first, then reads, so
 * an overlapping read returns the new values. Never valid as a broadcast, since it contains a read.
 */
export interface ReadWriteMultipleRegistersRequest {
  /** Discriminant: function code 23 (0x17). */
  type: 'read-write-multiple-registers';
  /** 0-based PDU address of the first register to read, 0–65535. */
  readAddress: number;
  /** Number of registers to read, 1–125 (`ModbusLimits.maxReadRegisters`). */
  readQuantity: number;
  /** 0-based PDU address of the first register to write, 0–65535. */
  writeAddress: number;
  /** The register values to write, 1–121 of them (`ModbusLimits.maxReadWriteWriteRegisters`). */
  values: Uint16Array;
}

/** FC24 Read FIFO Queue request (spec §4.16): read the queue whose pointer register is `address`. */
export interface ReadFifoQueueRequest {
  /** Discriminant: function code 24 (0x18). */
  type: 'read-fifo-queue';
  /** 0-based PDU address of the FIFO pointer register (the count register), 0–65535. */
  address: number;
}

/** FC43 / MEI 14 Read Device Identification request (spec §4.18). */
export interface ReadDeviceIdentificationRequest {
  /** Discriminant: function code 43 (0x2B) with MEI type 14 (0x0E). */
  type: 'read-device-identification';
  /** 1 basic, 2 regular, 3 extended stream, 4 one specific object ({@link DeviceIdReadCode}). */
  readCode: DeviceIdReadCode;
  /**
   * Object id 0–255: for a stream (codes 1–3) the first object wanted, 0 to start, then the
   * previous response's `nextObjectId`; for code 4 the object wanted ({@link DeviceIdObjectId}).
   */
  objectId: number;
}

/**
 * FC43 with an MEI type other than 14 — e.g. 13 (0x0D), CANopen General Reference — carried as
 * opaque bytes (spec §4.17).
 */
export interface EncapsulatedInterfaceRequest {
  /** Discriminant: function code 43 (0x2B) with any MEI type but 14. */
  type: 'encapsulated-interface';
  /** MEI type, 0–255 other than 14 ({@link MeiType}); a server answers the unknown ones with exception 01. */
  meiType: number;
  /** The MEI-specific bytes after the MEI type, unparsed. */
  data: Uint8Array;
}

/**
 * A request with any other function code 1–127 — user-defined (65–72, 100–110), vendor or reserved —
 * carried as raw bytes (spec §3).
 */
export interface RawRequest {
  /** Discriminant: a function code this library has no model for. */
  type: 'raw';
  /** The function code, 1–127, none of the public codes of {@link FunctionCode}. */
  functionCode: number;
  /** The bytes after the function code, unparsed (at most 252). */
  data: Uint8Array;
}

/**
 * Every request PDU: a discriminated union on `type`, one member per public function code
 * (spec §4), plus {@link EncapsulatedInterfaceRequest} and {@link RawRequest} for the rest.
 */
export type ModbusRequest =
  | ReadCoilsRequest
  | ReadDiscreteInputsRequest
  | ReadHoldingRegistersRequest
  | ReadInputRegistersRequest
  | WriteSingleCoilRequest
  | WriteSingleRegisterRequest
  | ReadExceptionStatusRequest
  | DiagnosticsRequest
  | GetCommEventCounterRequest
  | GetCommEventLogRequest
  | WriteMultipleCoilsRequest
  | WriteMultipleRegistersRequest
  | ReportServerIdRequest
  | ReadFileRecordRequest
  | WriteFileRecordRequest
  | MaskWriteRegisterRequest
  | ReadWriteMultipleRegistersRequest
  | ReadFifoQueueRequest
  | ReadDeviceIdentificationRequest
  | EncapsulatedInterfaceRequest
  | RawRequest;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/**
 * FC1 Read Coils response (spec §4.1).
 *
 * {@link decodeResponse} returns all 8·N bits of the N data bytes, padding included, because a
 * response alone does not tell the quantity; {@link checkResponse} checks N against the request
 * and trims `values` to the requested quantity.
 */
export interface ReadCoilsResponse {
  /** Discriminant: function code 1 (0x01). */
  type: 'read-coils';
  /** Coil states in address order (item 0 = the request's `address`); `true` is ON. */
  values: boolean[];
}

/**
 * FC2 Read Discrete Inputs response (spec §4.1). Like {@link ReadCoilsResponse}, decoded with the
 * padding bits and trimmed to the quantity by {@link checkResponse}.
 */
export interface ReadDiscreteInputsResponse {
  /** Discriminant: function code 2 (0x02). */
  type: 'read-discrete-inputs';
  /** Input states in address order (item 0 = the request's `address`); `true` is ON. */
  values: boolean[];
}

/** FC3 Read Holding Registers response (spec §4.2). */
export interface ReadHoldingRegistersResponse {
  /** Discriminant: function code 3 (0x03). */
  type: 'read-holding-registers';
  /** The registers read, in address order; `checkResponse` requires exactly the requested quantity. */
  values: Uint16Array;
}

/** FC4 Read Input Registers response (spec §4.2). */
export interface ReadInputRegistersResponse {
  /** Discriminant: function code 4 (0x04). */
  type: 'read-input-registers';
  /** The registers read, in address order; `checkResponse` requires exactly the requested quantity. */
  values: Uint16Array;
}

/** FC5 Write Single Coil response (spec §4.3): an echo of the request. */
export interface WriteSingleCoilResponse {
  /** Discriminant: function code 5 (0x05). */
  type: 'write-single-coil';
  /** Echoed 0-based PDU address of the coil, 0–65535. */
  address: number;
  /** Echoed state: `true` for 0xFF00 (ON), `false` for 0x0000 (OFF); other values fail to decode. */
  value: boolean;
}

/** FC6 Write Single Register response (spec §4.4): an echo of the request. */
export interface WriteSingleRegisterResponse {
  /** Discriminant: function code 6 (0x06). */
  type: 'write-single-register';
  /** Echoed 0-based PDU address of the register, 0–65535. */
  address: number;
  /** Echoed 16-bit value, 0–65535. */
  value: number;
}

/** FC7 Read Exception Status response (spec §4.5). */
export interface ReadExceptionStatusResponse {
  /** Discriminant: function code 7 (0x07). */
  type: 'read-exception-status';
  /** The 8 device-specific "exception status" outputs, 0–255; bit 0 is the lowest-numbered output. */
  status: number;
}

/**
 * FC8 Diagnostics response (spec §4.6). Sub-functions 0, 1, 3, 4, 0x0A and 0x14 echo the request;
 * 2 and 0x0B–0x12 return the diagnostic register or a 16-bit counter in `data`.
 */
export interface DiagnosticsResponse {
  /** Discriminant: function code 8 (0x08). */
  type: 'diagnostics';
  /** The request's sub-function, 0–65535 ({@link DiagnosticsSubFunction}). */
  subFunction: number;
  /** The bytes after the sub-function: the echoed data, or one word (register or counter), high byte first. */
  data: Uint8Array;
}

/** FC11 Get Comm Event Counter response (spec §4.7). */
export interface GetCommEventCounterResponse {
  /** Discriminant: function code 11 (0x0B). */
  type: 'get-comm-event-counter';
  /** 0xFFFF: busy (a previous program command is still executing); 0x0000: ready. */
  status: number;
  /** Event counter, 0–65535: messages completed successfully (not exceptions, polls, or FC11 itself). */
  eventCount: number;
}

/** FC12 Get Comm Event Log response (spec §4.8). */
export interface GetCommEventLogResponse {
  /** Discriminant: function code 12 (0x0C). */
  type: 'get-comm-event-log';
  /** 0xFFFF: busy; 0x0000: ready (as FC11). */
  status: number;
  /** The FC11 event counter, 0–65535. */
  eventCount: number;
  /** Bus message count, 0–65535: the FC8 sub-function 0x0B counter. */
  messageCount: number;
  /** 0–64 event bytes, `events[0]` the most recent; classify each with {@link describeCommEvent}. */
  events: Uint8Array;
}

/** FC15 Write Multiple Coils response (spec §4.9): the request's address and quantity. */
export interface WriteMultipleCoilsResponse {
  /** Discriminant: function code 15 (0x0F). */
  type: 'write-multiple-coils';
  /** Echoed 0-based PDU address of the first coil, 0–65535. */
  address: number;
  /** Echoed number of coils written, 1–1968. */
  quantity: number;
}

/** FC16 Write Multiple Registers response (spec §4.10): the request's address and quantity. */
export interface WriteMultipleRegistersResponse {
  /** Discriminant: function code 16 (0x10). */
  type: 'write-multiple-registers';
  /** Echoed 0-based PDU address of the first register, 0–65535. */
  address: number;
  /** Echoed number of registers written, 1–123. */
  quantity: number;
}

/** FC17 Report Server ID response (spec §4.11). */
export interface ReportServerIdResponse {
  /** Discriminant: function code 17 (0x11). */
  type: 'report-server-id';
  /**
   * The N device-specific bytes after the byte count, unparsed: the standard names a server id, a
   * run indicator (0x00 OFF, 0xFF ON) and additional data but fixes no offsets, and devices differ.
   */
  data: Uint8Array;
}

/** FC20 Read File Record response (spec §4.12). */
export interface ReadFileRecordResponse {
  /** Discriminant: function code 20 (0x14). */
  type: 'read-file-record';
  /** One result per sub-request, in the order of the request. */
  subResponses: FileRecordReadResult[];
}

/** FC21 Write File Record response (spec §4.13): an exact echo of the request. */
export interface WriteFileRecordResponse {
  /** Discriminant: function code 21 (0x15). */
  type: 'write-file-record';
  /** The echoed sub-requests; `checkResponse` requires them to equal the request's. */
  subRequests: FileRecordWrite[];
}

/** FC22 Mask Write Register response (spec §4.14): an exact echo of the request. */
export interface MaskWriteRegisterResponse {
  /** Discriminant: function code 22 (0x16). */
  type: 'mask-write-register';
  /** Echoed 0-based PDU address of the register, 0–65535. */
  address: number;
  /** Echoed AND mask, 0–65535. */
  andMask: number;
  /** Echoed OR mask, 0–65535. */
  orMask: number;
}

/** FC23 Read/Write Multiple Registers response (spec §4.15): the registers read, after the write. */
export interface ReadWriteMultipleRegistersResponse {
  /** Discriminant: function code 23 (0x17). */
  type: 'read-write-multiple-registers';
  /** The registers read from `readAddress`, in address order; `checkResponse` requires `readQuantity` of them. */
  values: Uint16Array;
}

/** FC24 Read FIFO Queue response (spec §4.16). The read does not remove entries from the queue. */
export interface ReadFifoQueueResponse {
  /** Discriminant: function code 24 (0x18). */
  type: 'read-fifo-queue';
  /** The queued registers, 0–31 of them (`ModbusLimits.maxFifoCount`), in the device's queue order. */
  values: Uint16Array;
}

/** FC43 / MEI 14 Read Device Identification response (spec §4.18): one page of objects. */
export interface ReadDeviceIdentificationResponse {
  /** Discriminant: function code 43 (0x2B) with MEI type 14 (0x0E). */
  type: 'read-device-identification';
  /** The request's Read Device ID code, echoed. */
  readCode: DeviceIdReadCode;
  /**
   * What the device supports: 0x01/0x02/0x03 basic/regular/extended with stream access only,
   * 0x81/0x82/0x83 the same with individual access too.
   */
  conformityLevel: number;
  /** `true` (0xFF) when more objects follow: repeat the request with `objectId = nextObjectId`. */
  moreFollows: boolean;
  /** Object id to ask for next when `moreFollows`, 0–255; 0 otherwise. */
  nextObjectId: number;
  /** The objects in this response, in increasing id order, each whole (objects are never split). */
  objects: DeviceIdObject[];
}

/** FC43 response with an MEI type other than 14, as opaque bytes (spec §4.17). */
export interface EncapsulatedInterfaceResponse {
  /** Discriminant: function code 43 (0x2B) with any MEI type but 14. */
  type: 'encapsulated-interface';
  /** MEI type, 0–255, echoed from the request. */
  meiType: number;
  /** The MEI-specific bytes after the MEI type, unparsed. */
  data: Uint8Array;
}

/** A response with a function code this library has no model for (spec §3), as raw bytes. */
export interface RawResponse {
  /** Discriminant: a function code this library has no model for. */
  type: 'raw';
  /** The function code, 1–127, none of the public codes of {@link FunctionCode}. */
  functionCode: number;
  /** The bytes after the function code, unparsed (at most 252). */
  data: Uint8Array;
}

/**
 * An exception response (spec §5.1): `[function code | 0x80] [exception code]`. The peer understood
 * the request and refused it; this is a complete transaction, not a transport failure (spec §5.3).
 */
export interface ExceptionResponse {
  /** Discriminant: a function code with bit 7 set. */
  type: 'exception';
  /** The request's function code, 1–127 (bit 7 cleared). */
  functionCode: number;
  /**
   * Exception code, 0–255 as received: the standard's are in {@link ExceptionCode}
   * (name with {@link exceptionName}); decoders accept any byte (spec §5.1).
   */
  exceptionCode: number;
}

/**
 * Every response PDU: a discriminated union on `type`, one normal response per public function
 * code (spec §4), {@link EncapsulatedInterfaceResponse}, {@link RawResponse}, and
 * {@link ExceptionResponse}.
 */
export type ModbusResponse =
  | ReadCoilsResponse
  | ReadDiscreteInputsResponse
  | ReadHoldingRegistersResponse
  | ReadInputRegistersResponse
  | WriteSingleCoilResponse
  | WriteSingleRegisterResponse
  | ReadExceptionStatusResponse
  | DiagnosticsResponse
  | GetCommEventCounterResponse
  | GetCommEventLogResponse
  | WriteMultipleCoilsResponse
  | WriteMultipleRegistersResponse
  | ReportServerIdResponse
  | ReadFileRecordResponse
  | WriteFileRecordResponse
  | MaskWriteRegisterResponse
  | ReadWriteMultipleRegistersResponse
  | ReadFifoQueueResponse
  | ReadDeviceIdentificationResponse
  | EncapsulatedInterfaceResponse
  | RawResponse
  | ExceptionResponse;

/** The `type` of a request (and of its normal response). */
export type ModbusRequestType = ModbusRequest['type'];
