/**
 * `ModbusClient`: every public function code over any link and framing.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type TypedEmitter from 'typed-emitter';
import type { DecodeError } from '../../core/errors.js';
import { InvalidArgumentError, LinkClosedError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import type { ModbusFrame } from '../framing/types.js';
import { ModbusLimits } from '../pdu/constants.js';
import type {
  DeviceIdReadCode,
  FileRecordReadRequest,
  FileRecordReadResult,
  FileRecordWrite,
  ModbusRequest,
  ModbusResponse,
} from '../pdu/types.js';
import type { RegisterBlock } from '../registers/index.js';
import { type DeviceIdentification, readDeviceIdentification } from './device-identification.js';
import {
  checkDelay,
  checkRetries,
  checkTimeout,
  type ModbusClientOptions,
  type ModbusClientStats,
  type ModbusRequestOptions,
  type ResolvedClientOptions,
} from './options.js';
import { TransactionEngine } from './transactions.js';

/** Events of a {@link ModbusClient}. */
export type ModbusClientEvents = {
  /**
   * A frame matched no outstanding request and was dropped: a late answer (after its timeout or
   * to a broadcast), an unknown transaction id, another address or function code on a serial line.
   */
  unmatched: (frame: ModbusFrame) => void;
  /** The frame decoder discarded bytes (bad CRC/LRC, garbage, unknown MBAP protocol id). */
  discard: (error: DecodeError, bytes: Uint8Array) => void;
};

type ResponseOf<T extends ModbusRequest['type']> = Extract<ModbusResponse, { type: T }>;

/** The `values` of a read response (a `pick` of {@link ModbusClient}'s `answer`). */
function valuesOf<V>(response: { values: V }): V {
  return response.values;
}

function resolveOptions(options: ModbusClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null || typeof options.link?.write !== 'function') {
    throw new InvalidArgumentError('ModbusClient needs options with a `link`');
  }
  const serial = options.link.info.transport === 'serial';
  const framing = options.framing ?? (serial ? 'rtu' : 'tcp');
  if (framing !== 'tcp' && framing !== 'rtu' && framing !== 'ascii') {
    throw new InvalidArgumentError(`framing must be 'tcp', 'rtu' or 'ascii', got ${String(framing)}`);
  }
  const maxInFlight = options.maxInFlight ?? 1;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 0xffff) {
    throw new InvalidArgumentError(`maxInFlight must be an integer 1–65535, got ${maxInFlight}`);
  }
  const unitId = options.unitId ?? (framing === 'tcp' ? 0xff : 1);
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) {
    throw new InvalidArgumentError(`unitId must be an integer 0–255, got ${unitId}`);
  }
  return {
    framing,
    unitId,
    timeoutMs: checkTimeout('timeoutMs', options.timeoutMs ?? 1000),
    retries: checkRetries('retries', options.retries ?? 0),
    retryDelayMs: checkDelay('retryDelayMs', options.retryDelayMs ?? 0),
    maxInFlight,
    lenientTransactionId: options.lenientTransactionId ?? false,
    broadcastDelayMs: checkDelay('broadcastDelayMs', options.broadcastDelayMs ?? 100),
    staleFlushMs: checkDelay('staleFlushMs', options.staleFlushMs ?? 50),
    allowReservedAddresses: options.allowReservedAddresses ?? false,
  };
}

/**
 * A Modbus client (master). One transaction at a time on serial links, RTU over TCP and in
 * lenient mode; pipelined with transaction-id matching on Modbus/TCP when `maxInFlight` > 1
 * (further calls queue). Addresses are 0-based PDU addresses (spec §2).
 *
 * Every request method takes {@link ModbusRequestOptions} (unit id, timeout, retries, abort
 * signal, broadcast flags) and fails with a typed error:
 * - {@link ModbusException} — the server answered with an exception response (spec §5.3);
 * - `TimeoutError` — no matching answer within `timeoutMs` (after the retries);
 * - `AbortError` — the request's `signal` fired;
 * - `LinkClosedError` — the link closed while the request was outstanding, or the client is closed;
 * - `ProtocolError` — an answer that does not fit the request (echo, byte count, function code);
 * - `DecodeError` — a malformed response PDU;
 * - `EncodeError` / `InvalidArgumentError` — the arguments cannot be sent (checked before sending).
 *
 * @example
 * ```ts
 * import { tcp } from 'meterlink';
 * import { ModbusClient } from 'meterlink/modbus';
 *
 * const mb = await ModbusClient.connect({ link: tcp({ host: '127.0.0.1', port: 502 }), unitId: 1 });
 * const regs = await mb.readHoldingRegisters(0, 10);   // Uint16Array
 * await mb.writeSingleCoil(3, true);
 * await mb.close();
 * ```
 */
export class ModbusClient extends (EventEmitter as new () => TypedEmitter<ModbusClientEvents>) {
  /** The link the client talks over. */
  readonly link: Link;
  /** Traffic counters. */
  readonly stats: ModbusClientStats = {
    requests: 0,
    responses: 0,
    exceptions: 0,
    timeouts: 0,
    retries: 0,
    unmatched: 0,
    discarded: 0,
  };
  private readonly options: ResolvedClientOptions;
  private readonly engine: TransactionEngine;
  private closed = false;

  /**
   * Creates a client on a link that the caller opens (or has opened). Prefer {@link ModbusClient.connect}.
   * The client listens to the link from now on; requests made before the link is open wait for
   * it (up to their timeout) if it is opening, and fail with `LinkClosedError` if it is idle.
   * @throws InvalidArgumentError for an option out of range
   */
  constructor(options: ModbusClientOptions) {
    super();
    this.options = resolveOptions(options);
    this.link = options.link;
    this.engine = new TransactionEngine(this.link, this.options, this.stats, {
      unmatched: (frame) => this.emit('unmatched', frame),
      discard: (error, bytes) => this.emit('discard', error, bytes),
    });
  }

  /**
   * Opens the link (unless it is already open) and returns a ready client.
   *
   * @throws LinkError, TimeoutError, AbortError when the link cannot be opened
   * @example
   * ```ts
   * const mb = await ModbusClient.connect({ link: serial({ path: '/dev/ttyUSB0', baudRate: 9600 }), unitId: 3 });
   * ```
   */
  static async connect(options: ModbusClientOptions): Promise<ModbusClient> {
    const client = new ModbusClient(options);
    if (!client.link.isOpen) {
      try {
        await client.link.open({
          timeoutMs: options.connectTimeoutMs ?? 3000,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch (error) {
        // Nobody gets the client: stop listening to the link.
        client.closed = true;
        client.engine.dispose(new LinkClosedError('client failed to connect'));
        throw error;
      }
    }
    return client;
  }

  /** The framing in use (`tcp`, `rtu` or `ascii`). */
  get framing(): ResolvedClientOptions['framing'] {
    return this.options.framing;
  }

  /**
   * Sends any request and returns its validated response (`checkResponse`): `undefined` for a
   * broadcast (unit 0 without `expectResponse`) and for FC8/04, which are never answered. A
   * `raw` request gets the answer as a `raw` response whatever its function code.
   *
   * @throws ModbusException for an exception response; TimeoutError, AbortError, LinkClosedError,
   *   ProtocolError, DecodeError; EncodeError / InvalidArgumentError before sending
   * @example
   * ```ts
   * const r = await mb.request({ type: 'raw', functionCode: 0x41, data: Uint8Array.of(1) }, { unitId: 3 });
   * ```
   */
  request(request: ModbusRequest, options: ModbusRequestOptions = {}): Promise<ModbusResponse | undefined> {
    return this.run(request, options);
  }

  /** Runs a request on the engine; `pick` makes the engine resolve with the method's result. */
  private run<T>(
    request: ModbusRequest,
    options: ModbusRequestOptions,
    pick?: (response: ModbusResponse) => T,
  ): Promise<T | undefined> {
    if (this.closed) return Promise.reject(new LinkClosedError('client is closed'));
    return this.engine.execute(request, options.unitId ?? this.options.unitId, options, pick);
  }

  /** A request that may be broadcast: resolves `undefined` for unit 0. */
  private ask<R extends ModbusRequest>(
    request: R,
    options: ModbusRequestOptions,
  ): Promise<ResponseOf<R['type']> | undefined> {
    return this.request(request, options) as Promise<ResponseOf<R['type']> | undefined>;
  }

  /**
   * A request whose answer the caller needs: refused for unit 0 unless `expectResponse`. With
   * `pick`, the engine resolves the promise with `pick(response)`: the common reads then return
   * the engine's promise itself, not an `async` method awaiting it (one promise and one
   * microtask less per request).
   */
  private answer<R extends ModbusRequest, T = ResponseOf<R['type']>>(
    request: R,
    options: ModbusRequestOptions,
    pick?: (response: ResponseOf<R['type']>) => T,
  ): Promise<T> {
    if ((options.unitId ?? this.options.unitId) === 0 && options.expectResponse !== true) {
      return Promise.reject(
        new InvalidArgumentError(
          `${request.type} needs an answer and unit 0 is a broadcast that gets none (Modbus spec §6, §9.3); ` +
            'pass expectResponse: true for a server that answers unit 0',
        ),
      );
    }
    return this.run(request, options, pick as ((response: ModbusResponse) => T) | undefined) as Promise<T>;
  }

  /**
   * FC1: reads `quantity` (1–2000) coils from `address`.
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   */
  readCoils(address: number, quantity: number, options: ModbusRequestOptions = {}): Promise<boolean[]> {
    return this.answer({ type: 'read-coils', address, quantity }, options, valuesOf);
  }

  /**
   * FC2: reads `quantity` (1–2000) discrete inputs from `address`.
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   */
  readDiscreteInputs(
    address: number,
    quantity: number,
    options: ModbusRequestOptions = {},
  ): Promise<boolean[]> {
    return this.answer({ type: 'read-discrete-inputs', address, quantity }, options, valuesOf);
  }

  /**
   * FC3: reads `quantity` (1–125) holding registers from `address`.
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   * @example
   * ```ts
   * const [voltage, current] = await mb.readHoldingRegisters(0, 2, { unitId: 3, timeoutMs: 500 });
   * ```
   */
  readHoldingRegisters(
    address: number,
    quantity: number,
    options: ModbusRequestOptions = {},
  ): Promise<Uint16Array> {
    return this.answer({ type: 'read-holding-registers', address, quantity }, options, valuesOf);
  }

  /**
   * FC4: reads `quantity` (1–125) input registers from `address`.
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   */
  readInputRegisters(
    address: number,
    quantity: number,
    options: ModbusRequestOptions = {},
  ): Promise<Uint16Array> {
    return this.answer({ type: 'read-input-registers', address, quantity }, options, valuesOf);
  }

  /**
   * FC5: switches one coil on or off. Unit 0 broadcasts it (resolves once sent).
   * @throws see the class description
   */
  async writeSingleCoil(address: number, value: boolean, options: ModbusRequestOptions = {}): Promise<void> {
    await this.ask({ type: 'write-single-coil', address, value }, options);
  }

  /**
   * FC6: writes one holding register (0–65535). Unit 0 broadcasts it (resolves once sent).
   * @throws see the class description
   */
  async writeSingleRegister(
    address: number,
    value: number,
    options: ModbusRequestOptions = {},
  ): Promise<void> {
    await this.ask({ type: 'write-single-register', address, value }, options);
  }

  /**
   * FC15: writes 1–1968 coils from `address`. Unit 0 broadcasts it (resolves once sent).
   * @throws see the class description
   */
  async writeMultipleCoils(
    address: number,
    values: readonly boolean[],
    options: ModbusRequestOptions = {},
  ): Promise<void> {
    await this.ask({ type: 'write-multiple-coils', address, values: [...values] }, options);
  }

  /**
   * FC16: writes 1–123 holding registers from `address`. Unit 0 broadcasts it (resolves once sent).
   * @throws see the class description
   */
  async writeMultipleRegisters(
    address: number,
    values: ArrayLike<number>,
    options: ModbusRequestOptions = {},
  ): Promise<void> {
    await this.ask({ type: 'write-multiple-registers', address, values: Uint16Array.from(values) }, options);
  }

  /**
   * FC22: `register = (register AND andMask) OR (orMask AND NOT andMask)` inside the server.
   * Unit 0 broadcasts it (resolves once sent).
   * @throws see the class description
   */
  async maskWriteRegister(
    address: number,
    andMask: number,
    orMask: number,
    options: ModbusRequestOptions = {},
  ): Promise<void> {
    await this.ask({ type: 'mask-write-register', address, andMask, orMask }, options);
  }

  /**
   * FC23: writes `values` (1–121) at `writeAddress`, then reads `readQuantity` (1–125) from
   * `readAddress`, in one transaction.
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   */
  async readWriteMultipleRegisters(
    args: { readAddress: number; readQuantity: number; writeAddress: number; values: ArrayLike<number> },
    options: ModbusRequestOptions = {},
  ): Promise<Uint16Array> {
    const request = {
      type: 'read-write-multiple-registers',
      readAddress: args.readAddress,
      readQuantity: args.readQuantity,
      writeAddress: args.writeAddress,
      values: Uint16Array.from(args.values),
    } as const;
    return (await this.answer(request, options)).values;
  }

  /**
   * FC7 (serial line): the server's 8 exception status outputs as a byte.
   * @throws see the class description
   */
  async readExceptionStatus(options: ModbusRequestOptions = {}): Promise<number> {
    return (await this.answer({ type: 'read-exception-status' }, options)).status;
  }

  /**
   * FC8 (serial line): a diagnostics sub-function; `data` is the bytes after the sub-function
   * (default one zero word; sub-function 0 echoes any even number of bytes) and the answer's
   * data is returned. Sub-function 4 (Force Listen Only Mode) is never answered (spec §4.6), nor
   * is a broadcast: both resolve `undefined` once sent.
   * @throws see the class description
   */
  async diagnostics(
    subFunction: number,
    data: Uint8Array = new Uint8Array(2),
    options: ModbusRequestOptions = {},
  ): Promise<Uint8Array | undefined> {
    return (await this.ask({ type: 'diagnostics', subFunction, data }, options))?.data;
  }

  /**
   * FC11 (serial line): status (0xFFFF busy) and event counter.
   * @throws see the class description
   */
  async getCommEventCounter(options: ModbusRequestOptions = {}): Promise<{
    /** 0xFFFF: busy (a previous program command is still executing); 0x0000: ready (spec §4.7). */
    status: number;
    /** Event counter, 0–65535: messages completed successfully since the last restart or clear. */
    eventCount: number;
  }> {
    const r = await this.answer({ type: 'get-comm-event-counter' }, options);
    return { status: r.status, eventCount: r.eventCount };
  }

  /**
   * FC12 (serial line): status, counters and the event log (`events[0]` most recent).
   * @throws see the class description
   */
  async getCommEventLog(options: ModbusRequestOptions = {}): Promise<{
    /** 0xFFFF: busy; 0x0000: ready (as FC11, spec §4.8). */
    status: number;
    /** The FC11 event counter, 0–65535. */
    eventCount: number;
    /** Bus message count, 0–65535 (the FC8 sub-function 0x0B counter). */
    messageCount: number;
    /** 0–64 event bytes, `events[0]` the most recent; classify each with `describeCommEvent`. */
    events: Uint8Array;
  }> {
    const r = await this.answer({ type: 'get-comm-event-log' }, options);
    return { status: r.status, eventCount: r.eventCount, messageCount: r.messageCount, events: r.events };
  }

  /**
   * FC17 (serial line): the device-specific server id bytes, unparsed (spec §4.11).
   * @throws see the class description
   */
  async reportServerId(options: ModbusRequestOptions = {}): Promise<Uint8Array> {
    return (await this.answer({ type: 'report-server-id' }, options)).data;
  }

  /**
   * FC20: reads file records (reference type 6 by default); one result per sub-request, in order.
   * @throws see the class description
   */
  async readFileRecord(
    subRequests: ReadonlyArray<Omit<FileRecordReadRequest, 'referenceType'> & { referenceType?: number }>,
    options: ModbusRequestOptions = {},
  ): Promise<FileRecordReadResult[]> {
    const request = {
      type: 'read-file-record',
      subRequests: subRequests.map((s) => ({ referenceType: 6, ...s })),
    } as const;
    const response = await this.answer(request, options);
    return response.subResponses;
  }

  /**
   * FC21: writes file records (reference type 6 by default). Unit 0 broadcasts it.
   * @throws see the class description
   */
  async writeFileRecord(
    subRequests: ReadonlyArray<
      Omit<FileRecordWrite, 'referenceType' | 'values'> & {
        referenceType?: number;
        values: ArrayLike<number>;
      }
    >,
    options: ModbusRequestOptions = {},
  ): Promise<void> {
    const records = subRequests.map((s) => ({
      referenceType: s.referenceType ?? 6,
      fileNumber: s.fileNumber,
      recordNumber: s.recordNumber,
      values: Uint16Array.from(s.values),
    }));
    await this.ask({ type: 'write-file-record', subRequests: records }, options);
  }

  /**
   * FC24: the queued registers of the FIFO at `address` (at most 31).
   * @throws see the class description
   */
  async readFifoQueue(address: number, options: ModbusRequestOptions = {}): Promise<Uint16Array> {
    return (await this.answer({ type: 'read-fifo-queue', address }, options)).values;
  }

  /**
   * FC43/14: reads the device identification. Stream access (`category`, default `basic`) walks
   * "more follows" from `objectId` (default 0) until the server is done, with a loop guard;
   * `objectId` alone reads that one object individually (read code 4).
   *
   * @throws ProtocolError when the server's "more follows" never ends; otherwise see the class description
   * @example
   * ```ts
   * const id = await mb.readDeviceIdentification({ category: 'regular' });
   * console.log(id.vendorName, id.productCode, id.majorMinorRevision);
   * ```
   */
  async readDeviceIdentification(
    args: { category?: 'basic' | 'regular' | 'extended'; objectId?: number } = {},
    options: ModbusRequestOptions = {},
  ): Promise<DeviceIdentification> {
    return readDeviceIdentification(
      (readCode: DeviceIdReadCode, objectId: number) =>
        this.answer({ type: 'read-device-identification', readCode, objectId }, options),
      args,
    );
  }

  /**
   * Sends any function code (1–127, public ones included) with raw data and returns the raw
   * response data (after the function code). An exception response still throws
   * {@link ModbusException}. With RTU framing the answer's length comes from the spec §7.4
   * tables for public function codes and from a CRC scan for the others.
   *
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   *   (broadcast a raw function with `request()` and `forceBroadcast`)
   * @example
   * ```ts
   * const data = await mb.rawRequest(0x41, Uint8Array.of(0x00, 0x01));
   * ```
   */
  async rawRequest(
    functionCode: number,
    data: Uint8Array,
    options: ModbusRequestOptions = {},
  ): Promise<Uint8Array> {
    const response = await this.answer({ type: 'raw', functionCode, data }, options);
    return response.data;
  }

  /**
   * Reads a typed register block declared with `registerLayout` + `holdingBlock`/`inputBlock`;
   * blocks larger than 125 registers are read in several requests, pipelined up to
   * `maxInFlight`. The first failing part rejects the whole read.
   *
   * @throws see the class description; `InvalidArgumentError` for unit 0 without `expectResponse`
   * @example
   * ```ts
   * const meter = holdingBlock(0, registerLayout({ voltage: 'float32', energy: 'uint32' }));
   * const { voltage, energy } = await mb.read(meter);
   * ```
   */
  async read<T>(block: RegisterBlock<T>, options: ModbusRequestOptions = {}): Promise<T> {
    const total = block.layout.registers;
    const type = block.table === 'holding' ? 'read-holding-registers' : 'read-input-registers';
    const parts: Promise<Uint16Array>[] = [];
    for (let offset = 0; offset < total; offset += ModbusLimits.maxReadRegisters) {
      const quantity = Math.min(ModbusLimits.maxReadRegisters, total - offset);
      parts.push(
        this.answer({ type, address: block.address + offset, quantity }, options).then((r) => r.values),
      );
    }
    const registers = new Uint16Array(total);
    let at = 0;
    for (const part of await Promise.all(parts)) {
      registers.set(part, at);
      at += part.length;
    }
    return block.layout.decode(registers);
  }

  /**
   * Writes a typed holding-register block with FC16, split into requests of at most 123
   * registers (pipelined up to `maxInFlight`; not atomic across parts). Unit 0 broadcasts it.
   *
   * @throws InvalidArgumentError for an input-register block (read-only); otherwise see the class description
   * @example
   * ```ts
   * await mb.write(settings, { setpoint: 21.5, mode: 2 });
   * ```
   */
  async write<T>(block: RegisterBlock<T>, value: T, options: ModbusRequestOptions = {}): Promise<void> {
    if (block.table !== 'holding') {
      throw new InvalidArgumentError(
        'only holding-register blocks can be written (input registers are read-only)',
      );
    }
    const registers = block.layout.encode(value);
    const parts: Promise<unknown>[] = [];
    for (let offset = 0; offset < registers.length; offset += ModbusLimits.maxWriteRegisters) {
      const values = registers.subarray(offset, offset + ModbusLimits.maxWriteRegisters);
      parts.push(
        this.ask({ type: 'write-multiple-registers', address: block.address + offset, values }, options),
      );
    }
    await Promise.all(parts);
  }

  /**
   * Fails everything outstanding or queued with `LinkClosedError` and closes the link; later
   * calls fail with `LinkClosedError` too. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.dispose(new LinkClosedError('client closed'));
    await this.link.close();
  }
}
