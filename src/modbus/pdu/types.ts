/**
 * The Modbus PDU model: every request and response as a discriminated union on `type`.
 *
 * Addresses are 0-based PDU addresses (Modbus spec §2: "item number N is PDU address N−1").
 * Register values are `Uint16Array`; bit tables are `boolean[]`.
 *
 * @module
 */

/** FC20 sub-request: read `recordLength` registers of one file starting at `recordNumber`. */
export interface FileRecordReadRequest {
  /** Reference type; the standard allows only 6. Decoded as received so a server can answer 02. */
  referenceType: number;
  /** File number 1–65535. */
  fileNumber: number;
  /** Record (register) number 0–9999. */
  recordNumber: number;
  /** Number of registers to read. */
  recordLength: number;
}

/** FC21 sub-request (and sub-response echo): write `values` into one file from `recordNumber`. */
export interface FileRecordWrite {
  /** Reference type; the standard allows only 6. */
  referenceType: number;
  /** File number 1–65535. */
  fileNumber: number;
  /** Record (register) number 0–9999. */
  recordNumber: number;
  /** Registers to write; the record length is `values.length`. */
  values: Uint16Array;
}

/** FC20 sub-response: the registers of one sub-request. */
export interface FileRecordReadResult {
  /** Reference type (6). */
  referenceType: number;
  /** Registers read. */
  values: Uint16Array;
}

/** Read Device ID codes of FC43/14 (Application Protocol §6.21). */
export const DeviceIdReadCode = {
  basic: 1,
  regular: 2,
  extended: 3,
  individual: 4,
} as const;
/** A Read Device ID code. */
export type DeviceIdReadCode = (typeof DeviceIdReadCode)[keyof typeof DeviceIdReadCode];

/** One device identification object (FC43/14). */
export interface DeviceIdObject {
  /** Object id: 0x00 VendorName … 0x06 UserApplicationName, 0x80–0xFF private. */
  id: number;
  /** Raw value (ASCII for the standard objects, any bytes for private ones). */
  value: Uint8Array;
}

/** Every request PDU. */
export type ModbusRequest =
  | { type: 'read-coils'; address: number; quantity: number }
  | { type: 'read-discrete-inputs'; address: number; quantity: number }
  | { type: 'read-holding-registers'; address: number; quantity: number }
  | { type: 'read-input-registers'; address: number; quantity: number }
  | { type: 'write-single-coil'; address: number; value: boolean }
  | { type: 'write-single-register'; address: number; value: number }
  | { type: 'read-exception-status' }
  /** FC8: `data` is the bytes after the sub-function (even length; one word for all but sub-function 0). */
  | { type: 'diagnostics'; subFunction: number; data: Uint8Array }
  | { type: 'get-comm-event-counter' }
  | { type: 'get-comm-event-log' }
  | { type: 'write-multiple-coils'; address: number; values: boolean[] }
  | { type: 'write-multiple-registers'; address: number; values: Uint16Array }
  | { type: 'report-server-id' }
  | { type: 'read-file-record'; subRequests: FileRecordReadRequest[] }
  | { type: 'write-file-record'; subRequests: FileRecordWrite[] }
  | { type: 'mask-write-register'; address: number; andMask: number; orMask: number }
  | {
      type: 'read-write-multiple-registers';
      readAddress: number;
      readQuantity: number;
      writeAddress: number;
      values: Uint16Array;
    }
  | { type: 'read-fifo-queue'; address: number }
  | { type: 'read-device-identification'; readCode: DeviceIdReadCode; objectId: number }
  /** FC43 with an MEI type other than 14 (e.g. 13, CANopen): opaque bytes after the MEI type. */
  | { type: 'encapsulated-interface'; meiType: number; data: Uint8Array }
  /** Any other function code 1–127 (user-defined, vendor, reserved): the bytes after the function code. */
  | { type: 'raw'; functionCode: number; data: Uint8Array };

/** Every normal response PDU, plus `exception`. */
export type ModbusResponse =
  /** FC1: all 8·N bits of the byte count, padding included; {@link checkResponse} trims to the quantity. */
  | { type: 'read-coils'; values: boolean[] }
  | { type: 'read-discrete-inputs'; values: boolean[] }
  | { type: 'read-holding-registers'; values: Uint16Array }
  | { type: 'read-input-registers'; values: Uint16Array }
  | { type: 'write-single-coil'; address: number; value: boolean }
  | { type: 'write-single-register'; address: number; value: number }
  | { type: 'read-exception-status'; status: number }
  | { type: 'diagnostics'; subFunction: number; data: Uint8Array }
  /** FC11: status 0xFFFF = busy, 0x0000 = ready. */
  | { type: 'get-comm-event-counter'; status: number; eventCount: number }
  /** FC12: `events[0]` is the most recent event byte. */
  | {
      type: 'get-comm-event-log';
      status: number;
      eventCount: number;
      messageCount: number;
      events: Uint8Array;
    }
  | { type: 'write-multiple-coils'; address: number; quantity: number }
  | { type: 'write-multiple-registers'; address: number; quantity: number }
  /** FC17: the device-specific bytes, unparsed. */
  | { type: 'report-server-id'; data: Uint8Array }
  | { type: 'read-file-record'; subResponses: FileRecordReadResult[] }
  /** FC21: an echo of the request. */
  | { type: 'write-file-record'; subRequests: FileRecordWrite[] }
  | { type: 'mask-write-register'; address: number; andMask: number; orMask: number }
  | { type: 'read-write-multiple-registers'; values: Uint16Array }
  | { type: 'read-fifo-queue'; values: Uint16Array }
  | {
      type: 'read-device-identification';
      readCode: DeviceIdReadCode;
      conformityLevel: number;
      moreFollows: boolean;
      nextObjectId: number;
      objects: DeviceIdObject[];
    }
  | { type: 'encapsulated-interface'; meiType: number; data: Uint8Array }
  | { type: 'raw'; functionCode: number; data: Uint8Array }
  /** An exception response: `functionCode` is the request's code (bit 7 cleared). */
  | { type: 'exception'; functionCode: number; exceptionCode: number };

/** The `type` of a request (and of its normal response). */
export type ModbusRequestType = ModbusRequest['type'];
