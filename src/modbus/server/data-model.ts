/**
 * The data a simulated (or real) Modbus device serves: the four tables of spec §2, file records,
 * FIFO queues, identification objects and the serial-line status bytes.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { ModbusLimits } from '../pdu/constants.js';

/** Initial content of a table: a size (all zero) or the values themselves. */
export type TableInit = number | ArrayLike<number> | ArrayLike<boolean>;

/** Device identification objects served by FC43/14 (spec §4.18). */
export interface DeviceIdentificationInit {
  /** Object 0x00 (mandatory). */
  vendorName: string;
  /** Object 0x01 (mandatory). */
  productCode: string;
  /** Object 0x02 (mandatory). */
  majorMinorRevision: string;
  /** Object 0x03. */
  vendorUrl?: string;
  /** Object 0x04. */
  productName?: string;
  /** Object 0x05. */
  modelName?: string;
  /** Object 0x06. */
  userApplicationName?: string;
  /** Private objects 0x80–0xFF. */
  extended?: Record<number, string | Uint8Array>;
  /**
   * Whether the device offers individual access (Read Device ID code 04). Default `true`: the
   * conformity level then has bit 7 set (0x81–0x83). With `false` it is 0x01–0x03 and a code-04
   * request is answered with exception 03 (spec §4.18 conformity levels).
   */
  individualAccess?: boolean;
}

/** Options of {@link ModbusDataModel}. */
export interface ModbusDataModelOptions {
  /** Coils (FC1, 5, 15): size or initial values. Default 65536 (the whole address space). */
  coils?: TableInit;
  /** Discrete inputs (FC2). Default 65536. */
  discreteInputs?: TableInit;
  /** Holding registers (FC3, 6, 16, 22, 23). Default 65536. */
  holdingRegisters?: TableInit;
  /** Input registers (FC4). Default 65536. */
  inputRegisters?: TableInit;
  /** Files for FC20/21: file number (1–65535) → record count (≤ 10000) or initial registers. Default none. */
  files?: Record<number, number | ArrayLike<number>>;
  /** FIFO queues for FC24: pointer address → queued registers. Default none. */
  fifos?: Record<number, number[]>;
  /** Identification for FC43/14. Default: meterlink's own. */
  deviceIdentification?: DeviceIdentificationInit;
  /**
   * FC17 answer bytes (device specific, spec §4.11), at most 251 so the response fits a PDU.
   * Default: `"meterlink"` then the run indicator 0xFF (the pymodbus layout).
   */
  serverId?: Uint8Array;
  /** FC7 exception status outputs (one byte). Default 0. */
  exceptionStatus?: number;
}

const encoder = new TextEncoder();

function bitTable(init: TableInit | undefined, name: string): Uint8Array {
  if (init === undefined) return new Uint8Array(ModbusLimits.addressSpace);
  if (typeof init === 'number') return new Uint8Array(checkSize(init, name));
  checkSize(init.length, name);
  return Uint8Array.from(init as ArrayLike<number | boolean>, (v) => (v ? 1 : 0));
}

function registerTable(
  init: TableInit | undefined,
  name: string,
  max: number = ModbusLimits.addressSpace,
): Uint16Array {
  if (init === undefined) return new Uint16Array(max);
  if (typeof init === 'number') return new Uint16Array(checkSize(init, name, max));
  checkSize(init.length, name, max);
  return Uint16Array.from(init as ArrayLike<number>);
}

function checkSize(size: number, name: string, max: number = ModbusLimits.addressSpace): number {
  if (!Number.isInteger(size) || size < 0 || size > max) {
    throw new InvalidArgumentError(`${name}: size must be an integer 0–${max}, got ${size}`);
  }
  return size;
}

/** Largest FC17 byte count: PDU of 253 bytes minus function code and byte count. */
const maxServerIdBytes = ModbusLimits.maxPduBytes - 2;

/** Largest identification object: 253 − 7 header bytes − 2 bytes of object id and length (spec §4.18 rule 5). */
const maxDeviceIdObjectBytes = ModbusLimits.maxPduBytes - 7 - 2;

function fifoQueues(init: Record<number, number[]> | undefined): Map<number, number[]> {
  const fifos = new Map<number, number[]>();
  for (const [key, values] of Object.entries(init ?? {})) {
    const address = Number(key);
    if (!Number.isInteger(address) || address < 0 || address > 0xffff) {
      throw new InvalidArgumentError(`fifos: pointer address ${key} is not 0–65535`);
    }
    if (!Array.isArray(values) || values.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffff)) {
      throw new InvalidArgumentError(`fifos[${key}]: values must be 16-bit unsigned integers`);
    }
    fifos.set(address, [...values]);
  }
  return fifos;
}

function identificationObjects(init: DeviceIdentificationInit): Map<number, Uint8Array> {
  const standard = [
    init.vendorName,
    init.productCode,
    init.majorMinorRevision,
    init.vendorUrl,
    init.productName,
    init.modelName,
    init.userApplicationName,
  ];
  const objects = new Map<number, Uint8Array>();
  standard.forEach((text, id) => {
    if (text !== undefined) objects.set(id, encoder.encode(text));
  });
  for (const [key, value] of Object.entries(init.extended ?? {})) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0x80 || id > 0xff) {
      throw new InvalidArgumentError(`deviceIdentification.extended: object id ${key} is not 0x80–0xFF`);
    }
    objects.set(id, typeof value === 'string' ? encoder.encode(value) : value);
  }
  for (const [id, value] of objects) {
    // An object must fit a response with the 7-byte header and its own 2-byte head (spec §4.18 rule 5).
    if (value.length > maxDeviceIdObjectBytes) {
      throw new InvalidArgumentError(
        `deviceIdentification: object 0x${id.toString(16)} is longer than ${maxDeviceIdObjectBytes} bytes`,
      );
    }
  }
  return objects;
}

/**
 * The state one Modbus unit serves. Tables are plain typed arrays, public on purpose: a
 * simulator or a bridge reads and writes them directly (`model.holdingRegisters[10] = 230`).
 *
 * @example
 * ```ts
 * const model = new ModbusDataModel({ holdingRegisters: 100, coils: [true, false, true] });
 * model.holdingRegisters[0] = 0x1234;
 * ```
 */
export class ModbusDataModel {
  /** Coils, one byte per coil (0 or 1). */
  readonly coils: Uint8Array;
  /** Discrete inputs, one byte per input (0 or 1). */
  readonly discreteInputs: Uint8Array;
  /** Holding registers. */
  readonly holdingRegisters: Uint16Array;
  /** Input registers. */
  readonly inputRegisters: Uint16Array;
  /** Files for FC20/21: file number → records. */
  readonly files: Map<number, Uint16Array>;
  /** FIFO queues for FC24: pointer address → queued values (first = oldest). */
  readonly fifos: Map<number, number[]>;
  /** Identification objects by id (values of at most 244 bytes). */
  readonly deviceIdentification: Map<number, Uint8Array>;
  /** FC43/14 individual access (code 04) offered; see {@link DeviceIdentificationInit.individualAccess}. */
  deviceIdentificationIndividualAccess: boolean;
  /** FC17 answer bytes (at most 251). */
  serverId: Uint8Array;
  /** FC7 exception status byte. */
  exceptionStatus: number;

  /**
   * @throws InvalidArgumentError for sizes, ids or values outside the protocol's ranges (tables
   *   over 65536 items, files over 10000 records, file number 0, identification objects over 244
   *   bytes, a server id over 251 bytes, an exception status that is not a byte)
   */
  constructor(options: ModbusDataModelOptions = {}) {
    this.coils = bitTable(options.coils, 'coils');
    this.discreteInputs = bitTable(options.discreteInputs, 'discreteInputs');
    this.holdingRegisters = registerTable(options.holdingRegisters, 'holdingRegisters');
    this.inputRegisters = registerTable(options.inputRegisters, 'inputRegisters');
    this.files = new Map();
    for (const [key, init] of Object.entries(options.files ?? {})) {
      const file = Number(key);
      if (!Number.isInteger(file) || file < 1 || file > 0xffff) {
        throw new InvalidArgumentError(`files: file number ${key} is not 1–65535`);
      }
      this.files.set(file, registerTable(init, `files[${key}]`, ModbusLimits.maxFileRecordNumber + 1));
    }
    this.fifos = fifoQueues(options.fifos);
    const identification = options.deviceIdentification ?? {
      vendorName: 'meterlink',
      productCode: 'ML-SIM',
      majorMinorRevision: '0.1',
      productName: 'meterlink Modbus simulator',
    };
    this.deviceIdentification = identificationObjects(identification);
    this.deviceIdentificationIndividualAccess = identification.individualAccess ?? true;
    const serverId = options.serverId ?? Uint8Array.of(...encoder.encode('meterlink'), 0xff);
    if (!(serverId instanceof Uint8Array) || serverId.length > maxServerIdBytes) {
      throw new InvalidArgumentError(`serverId must be a Uint8Array of at most ${maxServerIdBytes} bytes`);
    }
    this.serverId = serverId;
    const status = options.exceptionStatus ?? 0;
    if (!Number.isInteger(status) || status < 0 || status > 0xff) {
      throw new InvalidArgumentError(`exceptionStatus must be a byte 0–255, got ${status}`);
    }
    this.exceptionStatus = status;
  }
}
