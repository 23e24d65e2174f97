/**
 * `ModbusServer`: serves one or many units over any link, or listens on TCP/UDP.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type TypedEmitter from 'typed-emitter';
import { DecodeError, InvalidArgumentError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { quietWriterOf } from '../../core/quiet-write.js';
import { listenTcp, listenUdp } from '../../links/index.js';
import { ModbusException } from '../client/modbus-exception.js';
import { createFrameDecoder, encodeFrame } from '../framing/index.js';
import type { FrameDecoder, ModbusFrame, ModbusFraming } from '../framing/types.js';
import { ExceptionCode, ModbusLimits } from '../pdu/constants.js';
import { isReservedDiagnosticsSubFunction } from '../pdu/diagnostics.js';
import { decodeRequest, encodeResponse, isBroadcastAllowed } from '../pdu/index.js';
import type { ModbusRequest, ModbusResponse } from '../pdu/types.js';
import { answerRequest, type ModbusUnitState } from './answer-request.js';
import { ModbusDataModel, type ModbusDataModelOptions } from './data-model.js';
import { refuse } from './exception-response.js';
import { createGateway, type ModbusGateway, type ModbusGatewayOptions } from './gateway.js';
import { type DiagnosticsRequestKind, SerialDiagnostics } from './serial-diagnostics.js';

/** What a request handler knows about the request it handles. */
export interface ModbusRequestContext {
  /** Unit id the request was addressed to (0 for a broadcast). */
  unitId: number;
  /** `true` when no response will be sent (serial broadcast, or MBAP unit 0 in broadcast mode). */
  broadcast: boolean;
  /** The unit's data model. */
  model: ModbusDataModel;
  /** The link the request came from (its `info.peer` names the client). */
  link: Link;
}

/**
 * A custom handler: return a response (normal or `exception`) to answer the request yourself,
 * or `undefined` to let the data model answer. Throwing a {@link ModbusException} answers with
 * its exception code; any other error (and a response that cannot be encoded) answers 04 SERVER
 * DEVICE FAILURE and is emitted as `handlerError`. A handler may be async: responses still go
 * out in request order on each link.
 */
export type ModbusRequestHandler = (
  request: ModbusRequest,
  context: ModbusRequestContext,
) => ModbusResponse | undefined | Promise<ModbusResponse | undefined>;

/** Options of {@link ModbusServer}. */
export interface ModbusServerOptions {
  /** Data of the default unit: a model or options to build one. Default: a full-size empty model. */
  model?: ModbusDataModel | ModbusDataModelOptions;
  /**
   * Unit ids (1–255) answered from `model`. Default, when neither `units` nor `gateway` is set:
   * every unit id on MBAP framing (spec §9.3: a server directly on TCP accepts any unit id) and
   * address 1 on serial framings. With `units`: 1. With `gateway`: none (pass `[0xff]` to let the
   * gateway answer for itself, spec §11).
   */
  unitIds?: readonly number[];
  /** Further units with their own data, by unit id (1–255). */
  units?: Record<number, ModbusDataModel | ModbusDataModelOptions>;
  /**
   * Hook called for every request to a local unit (broadcasts included, once per unit) before the
   * data model answers it. Not called for requests the gateway forwards.
   */
  onRequest?: ModbusRequestHandler;
  /**
   * MBAP unit id 0: `'respond'` processes it with the default `model` and answers like any unit
   * (as libmodbus does); `'broadcast'` executes allowed writes on every unit, forwards them
   * through the gateway if there is one, and answers nothing (spec §9.3, §11). Default
   * `'respond'`, or `'broadcast'` in gateway mode. Serial address 0 is always a broadcast.
   */
  unitZero?: 'respond' | 'broadcast';
  /**
   * Answer to an MBAP request for a unit this server neither serves nor routes: an exception code
   * (default 0x0A GATEWAY PATH UNAVAILABLE, spec §11; pymodbus answers 0x0B) or `'ignore'`.
   * Serial frames for other addresses are always ignored (spec §6).
   */
  unknownUnit?: number | 'ignore';
  /**
   * Forward MBAP requests for units this server does not hold to other Modbus clients (typically
   * one RTU client on a serial line): the TCP→serial gateway mode of spec §11.
   */
  gateway?: ModbusGatewayOptions;
}

/** Options of {@link ModbusServer.serve}. */
export interface ModbusServeOptions {
  /** Framing on this link. Default: `rtu` on serial links, `tcp` otherwise. */
  framing?: ModbusFraming;
}

/** Options of {@link ModbusServer.listen}. */
export interface ModbusListenOptions {
  /** Port to listen on; 0 picks a free one. Default 502. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** `tcp` (MBAP, default) or `rtu` (RTU over TCP/UDP, spec §10). */
  framing?: ModbusFraming;
  /** `tcp` (default) or `udp`. */
  transport?: 'tcp' | 'udp';
  /** Most simultaneous TCP connections; the oldest is closed beyond it (spec §9.5). Default 64. */
  maxConnections?: number;
}

/** A listening server endpoint. */
export interface ModbusListener {
  /** The bound port. */
  readonly port: number;
  /** The bound address. */
  readonly host: string;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** The table a write request changes. */
export type ModbusWriteTable = 'coils' | 'holdingRegisters' | 'files';

/** Events of a {@link ModbusServer}. */
export type ModbusServerEvents = {
  /** A request to a local unit was decoded (before it is answered); broadcasts once, with unit 0. */
  request: (request: ModbusRequest, context: { unitId: number; link: Link }) => void;
  /** A write request was executed without exception (by the data model or a hook). */
  write: (change: { unitId: number; table: ModbusWriteTable; request: ModbusRequest }) => void;
  /** Bytes were discarded (bad CRC/LRC, garbage, MBAP protocol id ≠ 0, malformed MBAP length). */
  discard: (error: DecodeError, link: Link) => void;
  /**
   * A hook threw something other than a ModbusException, or returned a response that cannot be
   * encoded; the client got exception 04.
   */
  handlerError: (error: unknown, request: ModbusRequest) => void;
};

const writeTables: Partial<Record<ModbusRequest['type'], ModbusWriteTable>> = {
  'write-single-coil': 'coils',
  'write-multiple-coils': 'coils',
  'write-single-register': 'holdingRegisters',
  'write-multiple-registers': 'holdingRegisters',
  'mask-write-register': 'holdingRegisters',
  'read-write-multiple-registers': 'holdingRegisters',
  'write-file-record': 'files',
};

/** Public function codes of spec §3 that the data model implements. */
const publicFunctionCodes = new Set([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43]);

/**
 * The server accepts MBAP PDUs one byte longer than the protocol allows so that the classic
 * oversize request (FC16 with 124 registers, a 254-byte PDU) gets exception 03 as spec §4.10 asks
 * and as real servers answer (vector `tcp-fc10-req-qty124`); longer length fields are a lost
 * stream and close the connection (spec §9.2 step 1).
 */
const serverMaxMbapPduBytes = 254;

const noBytes = new Uint8Array(0);

function unitState(model: ModbusDataModel | ModbusDataModelOptions | undefined): ModbusUnitState {
  return {
    model: model instanceof ModbusDataModel ? model : new ModbusDataModel(model),
    diagnostics: new SerialDiagnostics(),
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** How a request counts in the diagnostics: FC11 is a poll, FC8/01 and FC8/0x0A reset (spec §4.6, §4.7). */
function kindOf(request: ModbusRequest): DiagnosticsRequestKind {
  if (request.type === 'get-comm-event-counter') return 'poll';
  if (request.type === 'diagnostics' && (request.subFunction === 0x01 || request.subFunction === 0x0a)) {
    return 'reset';
  }
  return 'normal';
}

/** MBAP header: transaction id, protocol id, length, unit id (spec §9.1). */
const mbapHeaderBytes = 7;

/** A response ADU for `frame` with room for a PDU of `pduBytes` after the filled-in MBAP header. */
function mbapResponse(frame: ModbusFrame, pduBytes: number): Uint8Array {
  const out = new Uint8Array(mbapHeaderBytes + pduBytes);
  const id = frame.transactionId ?? 0;
  const length = pduBytes + 1; // unit id and PDU
  out[0] = id >>> 8;
  out[1] = id & 0xff;
  out[4] = length >>> 8;
  out[5] = length & 0xff;
  out[6] = frame.unitId;
  return out;
}

/** The decoded request, or `undefined` when `decodeRequest` rejects the PDU (answered 01/03). */
function tryDecodeRequest(pdu: Uint8Array): ModbusRequest | undefined {
  try {
    return decodeRequest(pdu);
  } catch {
    return undefined;
  }
}

function isRestart(request: ModbusRequest | undefined): boolean {
  return request?.type === 'diagnostics' && request.subFunction === 0x01;
}

/** A response frame to write, nothing, or either later. */
type Outcome = Uint8Array | undefined;

/** One served link and how it is framed. */
interface Port {
  readonly link: Link;
  readonly framing: ModbusFraming;
  /** RTU or ASCII framing: serial addressing (§6), diagnostics (§4.6–4.8), no gateway. */
  readonly serial: boolean;
  /** Real serial ports report arrival times worth using for the idle-gap rules (spec §7.2). */
  readonly timed: boolean;
  decoder: FrameDecoder;
  /** ASCII end-of-frame character (FC8/03 changes it). */
  endChar: number;
  /** Builds this link's decoder for an ASCII end character. */
  readonly makeDecoder: (endChar: number) => FrameDecoder;
}

/**
 * A Modbus server (slave): coils, discrete inputs, holding and input registers, file records,
 * FIFO queues and device identification, for one or many unit ids, with hooks for custom
 * handlers and an optional gateway to serial units.
 *
 * Per request it applies the processing order of spec §5.2 (01 function not supported, 03 bad
 * value or length, 02 bad address, 04 failure); on serial framings it ignores frames for other
 * addresses and damaged frames, executes allowed broadcasts on every unit without answering
 * (§6), and keeps the FC8/11/12 diagnostics and listen-only mode of §4.6–4.8 per unit.
 * Responses on a link go out in request order, even when hooks or the gateway answer
 * asynchronously; the answers to MBAP requests that arrived in one chunk go out in one write.
 *
 * @example
 * ```ts
 * import { ModbusServer } from 'meterlink/modbus';
 *
 * const server = new ModbusServer({ model: { holdingRegisters: [230, 50, 1200] } });
 * const listener = await server.listen({ port: 0 });
 * console.log(`Modbus/TCP on port ${listener.port}`);
 * // … later
 * await listener.close();
 * ```
 */
export class ModbusServer extends (EventEmitter as new () => TypedEmitter<ModbusServerEvents>) {
  /** The default unit's data model. */
  readonly model: ModbusDataModel;
  private readonly defaultUnit: ModbusUnitState;
  private readonly units = new Map<number, ModbusUnitState>();
  /** Every distinct unit this server holds (what a broadcast reaches, whose bus counters run). */
  private readonly localUnits: readonly ModbusUnitState[];
  /** No unit set configured: MBAP answers every unit id, serial framings address 1. */
  private readonly anyUnit: boolean;
  private readonly hook: ModbusRequestHandler | undefined;
  private readonly unitZeroBroadcast: boolean;
  private readonly unknownUnit: number | 'ignore';
  private readonly gateway: ModbusGateway | undefined;

  /**
   * @throws InvalidArgumentError for unit ids outside 1–255, an `unknownUnit` that is not an
   *   exception code 1–255, an invalid model or invalid gateway options
   */
  constructor(options: ModbusServerOptions = {}) {
    super();
    this.defaultUnit = unitState(options.model);
    this.model = this.defaultUnit.model;
    this.hook = options.onRequest;
    this.anyUnit =
      options.unitIds === undefined && options.units === undefined && options.gateway === undefined;
    const defaultIds = this.anyUnit || options.gateway !== undefined ? [] : [1];
    for (const id of options.unitIds ?? defaultIds) this.addUnit(id, this.defaultUnit);
    for (const [key, model] of Object.entries(options.units ?? {})) {
      this.addUnit(Number(key), unitState(model));
    }
    this.localUnits = this.anyUnit ? [this.defaultUnit] : [...new Set(this.units.values())];
    this.gateway = options.gateway === undefined ? undefined : createGateway(options.gateway);
    const unitZero = options.unitZero ?? (this.gateway === undefined ? 'respond' : 'broadcast');
    if (unitZero !== 'respond' && unitZero !== 'broadcast') {
      throw new InvalidArgumentError(`unitZero must be 'respond' or 'broadcast', got ${String(unitZero)}`);
    }
    this.unitZeroBroadcast = unitZero === 'broadcast';
    const unknownUnit = options.unknownUnit ?? ExceptionCode.gatewayPathUnavailable;
    if (
      unknownUnit !== 'ignore' &&
      (!Number.isInteger(unknownUnit) || unknownUnit < 1 || unknownUnit > 255)
    ) {
      throw new InvalidArgumentError(
        `unknownUnit must be an exception code 1–255 or 'ignore', got ${unknownUnit}`,
      );
    }
    this.unknownUnit = unknownUnit;
  }

  private addUnit(id: number, state: ModbusUnitState): void {
    if (!Number.isInteger(id) || id < 1 || id > 255) {
      throw new InvalidArgumentError(`unit id must be 1–255, got ${id}`);
    }
    this.units.set(id, state);
  }

  /** The data model answering MBAP requests for `unitId`, if this server holds that unit. */
  modelOf(unitId: number): ModbusDataModel | undefined {
    return this.unitFor(unitId, false)?.model;
  }

  /** The serial-line diagnostics of `unitId` (FC8 counters, event log, listen-only mode). */
  diagnosticsOf(unitId: number): SerialDiagnostics | undefined {
    return this.unitFor(unitId, true)?.diagnostics;
  }

  private unitFor(unitId: number, serial: boolean): ModbusUnitState | undefined {
    const unit = this.units.get(unitId);
    if (unit !== undefined) return unit;
    // "Any unit" is an MBAP notion: a server on a serial line owns one address (spec §6, §9.3).
    if (this.anyUnit) return !serial || unitId === 1 ? this.defaultUnit : undefined;
    // MBAP unit 0 in 'respond' mode (broadcast mode never gets here).
    return unitId === 0 && !serial ? this.defaultUnit : undefined;
  }

  /**
   * Answers requests arriving on `link` (which the caller opens and closes) until it closes.
   * Returns a function that stops serving without closing the link.
   *
   * With MBAP framing a length field outside 2–255 cannot be resynchronised: the link is closed
   * after the answers already due (spec §9.2). On message-oriented links (UDP) a datagram holding
   * a partial frame is dropped. On ASCII framing, FC8/03 changes this link's end-of-frame
   * character for the following frames, in both directions (the echo still uses the old one).
   *
   * @throws InvalidArgumentError on an unknown framing
   * @example
   * ```ts
   * const stop = server.serve(serial({ path: '/dev/ttyUSB0', baudRate: 19200 }));
   * ```
   */
  serve(link: Link, options: ModbusServeOptions = {}): () => void {
    const framing = options.framing ?? (link.info.transport === 'serial' ? 'rtu' : 'tcp');
    const serial = framing !== 'tcp';
    const onDiscard = (error: DecodeError): void => {
      if (serial) for (const unit of this.localUnits) unit.diagnostics.communicationError();
      this.emit('discard', error, link);
    };
    const makeDecoder = (endChar: number): FrameDecoder =>
      createFrameDecoder(framing, 'request', {
        onDiscard,
        maxPduBytes: serverMaxMbapPduBytes,
        ...(framing === 'ascii' ? { endChar } : {}),
      });
    const port: Port = {
      link,
      framing,
      serial,
      timed: link.info.transport === 'serial',
      decoder: makeDecoder(0x0a),
      endChar: 0x0a,
      makeDecoder,
    };

    // Responses go out in request order, even when a handler or the gateway answers later.
    let chain: Promise<void> | undefined;
    let stopped = false;
    // A failed or refused write needs no handling here: a closed link reports itself through its
    // events. Never coalesced: the answers to one chunk already go out in one write, and serial
    // framings must not share a write (spec §10).
    const quietWrite = quietWriterOf(link);
    const write = (bytes: Uint8Array): void => {
      if (quietWrite === undefined) {
        link.write(bytes).catch(() => undefined);
        return;
      }
      try {
        quietWrite(bytes, false);
      } catch {
        // the link is closed
      }
    };
    const enqueue = (outcome: Outcome | Promise<Outcome>): void => {
      const next: Promise<void> = (chain ?? Promise.resolve())
        .then(() => outcome)
        .then(
          (bytes) => {
            if (bytes !== undefined) write(bytes);
          },
          () => undefined, // outcomes never reject; this only keeps the chain alive
        )
        .then(() => {
          if (chain === next) chain = undefined;
        });
      chain = next;
    };
    const fail = (error: DecodeError): void => {
      // A malformed MBAP length cannot be resynchronised: drop the connection (spec §9.2).
      this.emit('discard', error, link);
      stop();
      const close = (): void => void link.close().catch(() => undefined);
      if (chain === undefined) close();
      else void chain.then(close);
    };
    const onData = (chunk: Uint8Array): void => {
      if (stopped) return;
      let frames: ModbusFrame[];
      try {
        frames = port.decoder.push(chunk, port.timed ? performance.now() : undefined);
      } catch (error) {
        // Only the MBAP decoder throws for bad bytes; anything else is a throwing listener.
        if (serial || !(error instanceof DecodeError)) throw error;
        fail(error);
        return;
      }
      if (link.info.messageOriented && port.decoder.pending > 0) port.decoder.reset();
      let ready: Uint8Array[] | undefined;
      for (const frame of frames) {
        const outcome = this.handleFrame(frame, port);
        if (chain === undefined && !(outcome instanceof Promise)) {
          if (outcome === undefined) continue;
          if (ready === undefined) ready = [outcome];
          else ready.push(outcome);
          continue;
        }
        if (ready !== undefined) {
          this.flush(ready, port, write);
          ready = undefined;
        }
        enqueue(outcome);
      }
      if (ready !== undefined) this.flush(ready, port, write);
      if (!serial && frames.length > 0) {
        // The MBAP decoder returns the ADUs before a bad length field and fails on the next push.
        try {
          port.decoder.push(noBytes);
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          fail(error);
        }
      }
    };
    link.on('data', onData);
    const stop = (): void => {
      stopped = true;
      link.off('data', onData);
      link.off('close', stop);
    };
    link.on('close', stop);
    return stop;
  }

  /** MBAP answers to one chunk go back in one write; serial frames each on their own. */
  private flush(ready: Uint8Array[], port: Port, write: (bytes: Uint8Array) => void): void {
    if (!port.serial) write(concat(ready));
    else for (const bytes of ready) write(bytes);
  }

  /**
   * Listens for clients on TCP (default) or UDP and serves every connection (or UDP peer).
   *
   * @throws LinkError when the port cannot be bound, InvalidArgumentError for bad options
   * @example
   * ```ts
   * const { port, close } = await server.listen({ port: 0, framing: 'tcp' });
   * ```
   */
  async listen(options: ModbusListenOptions = {}): Promise<ModbusListener> {
    const framing = options.framing ?? 'tcp';
    if (framing !== 'tcp' && framing !== 'rtu' && framing !== 'ascii') {
      throw new InvalidArgumentError(`unknown Modbus framing '${String(framing)}'`);
    }
    const endpoint = { host: options.host ?? '127.0.0.1', port: options.port ?? 502 };
    const onLink = (link: Link): void => {
      this.serve(link, { framing });
    };
    return options.transport === 'udp'
      ? listenUdp(endpoint, onLink)
      : listenTcp({ ...endpoint, maxConnections: options.maxConnections ?? 64 }, onLink);
  }

  /** One request frame in, the response frame out (or nothing), possibly later. Never throws. */
  private handleFrame(frame: ModbusFrame, port: Port): Outcome | Promise<Outcome> {
    return port.serial ? this.handleSerialFrame(frame, port) : this.handleMbapFrame(frame, port);
  }

  /** MBAP: any unit id by default, unit 0 per `unitZero`, others per `gateway` / `unknownUnit` (§9.3, §11). */
  private handleMbapFrame(frame: ModbusFrame, port: Port): Outcome | Promise<Outcome> {
    if (frame.unitId === 0 && this.unitZeroBroadcast) return this.broadcast(frame.pdu, port);
    const unit = this.unitFor(frame.unitId, false);
    if (unit === undefined) return this.otherUnit(frame, port);
    const fast = this.hook === undefined ? this.readRegistersFast(frame, unit, port) : undefined;
    if (fast !== undefined) return fast;
    const request = tryDecodeRequest(frame.pdu);
    if (request === undefined) return this.undecodable(frame, port, undefined);
    return this.process(frame, port, unit, request, undefined);
  }

  /**
   * The hot path of a Modbus/TCP server: a valid FC3/FC4 read of existing registers, answered
   * straight from the table into the response ADU, with no request or response object in between.
   * Anything else (exceptions included) returns `undefined` and takes the general path, which
   * answers exactly the same bytes.
   */
  private readRegistersFast(frame: ModbusFrame, unit: ModbusUnitState, port: Port): Uint8Array | undefined {
    const pdu = frame.pdu;
    const functionCode = pdu[0];
    if ((functionCode !== 3 && functionCode !== 4) || pdu.length !== 5) return undefined;
    const address = (pdu[1]! << 8) | pdu[2]!;
    const quantity = (pdu[3]! << 8) | pdu[4]!;
    const table = functionCode === 3 ? unit.model.holdingRegisters : unit.model.inputRegisters;
    if (quantity < 1 || quantity > ModbusLimits.maxReadRegisters || address + quantity > table.length) {
      return undefined;
    }
    if (this.listenerCount('request') > 0) {
      const type = functionCode === 3 ? 'read-holding-registers' : 'read-input-registers';
      this.emit('request', { type, address, quantity }, { unitId: frame.unitId, link: port.link });
    }
    const byteCount = 2 * quantity;
    const out = mbapResponse(frame, 2 + byteCount);
    out[mbapHeaderBytes] = functionCode;
    out[mbapHeaderBytes + 1] = byteCount;
    for (let i = 0, at = mbapHeaderBytes + 2; i < quantity; i++, at += 2) {
      const value = table[address + i]!;
      out[at] = value >>> 8;
      out[at + 1] = value & 0xff;
    }
    return out;
  }

  /**
   * RTU / ASCII: address 0 is a broadcast, other addresses and other servers' answers are
   * ignored (spec §6, §7.4, §7.5); the addressed unit's diagnostics and listen-only mode apply
   * (§4.6–4.8).
   */
  private handleSerialFrame(frame: ModbusFrame, port: Port): Outcome | Promise<Outcome> {
    if (frame.reply) {
      // Another server's answer (or a local echo) on a shared bus: a bus message, not a request.
      for (const unit of this.localUnits) unit.diagnostics.frameSeen();
      return undefined;
    }
    if (frame.unitId === 0) return this.broadcast(frame.pdu, port);
    const unit = this.unitFor(frame.unitId, true);
    // Bus message count of the other units: every frame with a valid CRC/LRC (spec §4.6).
    for (const other of this.localUnits) if (other !== unit) other.diagnostics.frameSeen();
    if (unit === undefined) return undefined;
    const diagnostics = unit.diagnostics;
    diagnostics.requestReceived(false);
    const request = tryDecodeRequest(frame.pdu);
    if (diagnostics.listenOnly) {
      // Listen-only: count, act only on FC8/01, never answer (spec §4.6).
      if (isRestart(request)) answerRequest(request!, unit);
      else diagnostics.ignoredInListenOnly();
      return undefined;
    }
    if (request === undefined) return this.undecodable(frame, port, diagnostics);
    return this.process(frame, port, unit, request, diagnostics);
  }

  /** Steps 1–4 of spec §5.2 for a decoded request to a local unit, then the response. */
  private process(
    frame: ModbusFrame,
    port: Port,
    unit: ModbusUnitState,
    request: ModbusRequest,
    diagnostics: SerialDiagnostics | undefined,
  ): Outcome | Promise<Outcome> {
    if (this.listenerCount('request') > 0)
      this.emit('request', request, { unitId: frame.unitId, link: port.link });
    const answered = this.answer(request, unit, frame.unitId, false, port.link);
    return answered instanceof Promise
      ? answered.then((response) => this.respond(frame, port, request, response, diagnostics))
      : this.respond(frame, port, request, answered, diagnostics);
  }

  /** Encodes the answer, updates the diagnostics and emits `write`. Never throws. */
  private respond(
    frame: ModbusFrame,
    port: Port,
    request: ModbusRequest,
    answer: ModbusResponse | undefined,
    diagnostics: SerialDiagnostics | undefined,
  ): Outcome {
    let response = answer;
    let pdu: Uint8Array | undefined;
    if (response !== undefined) {
      try {
        pdu = encodeResponse(response);
      } catch (error) {
        // Only a hook can produce a response that does not encode.
        this.emit('handlerError', error, request);
        response = refuse(request, ExceptionCode.serverDeviceFailure);
        pdu = encodeResponse(response);
      }
    }
    const exceptionCode = response?.type === 'exception' ? response.exceptionCode : undefined;
    diagnostics?.requestDone(exceptionCode, pdu !== undefined, kindOf(request));
    if (response !== undefined && exceptionCode === undefined) this.noteWrite(frame.unitId, request);
    if (pdu === undefined) return undefined;
    const bytes = this.frameOf(frame, port, pdu);
    if (
      port.framing === 'ascii' &&
      exceptionCode === undefined &&
      request.type === 'diagnostics' &&
      request.subFunction === 0x03 &&
      port.endChar !== request.data[0]
    ) {
      // FC8/03: later frames on this link end with CR and the new character (spec §4.6, §8.2);
      // bytes of a frame still buffered are dropped with the old decoder.
      port.endChar = request.data[0]!;
      port.decoder = port.makeDecoder(port.endChar);
    }
    return bytes;
  }

  private noteWrite(unitId: number, request: ModbusRequest): void {
    const table = writeTables[request.type];
    if (table !== undefined && this.listenerCount('write') > 0)
      this.emit('write', { unitId, table, request });
  }

  private frameOf(frame: ModbusFrame, port: Port, pdu: Uint8Array): Uint8Array {
    if (port.framing === 'tcp') {
      // The MBAP header by hand: the fields come from a decoded ADU and the PDU from the codec.
      const out = mbapResponse(frame, pdu.length);
      out.set(pdu, mbapHeaderBytes);
      return out;
    }
    const out = { unitId: frame.unitId, pdu };
    return port.framing === 'ascii'
      ? encodeFrame('ascii', out, { endChar: port.endChar })
      : encodeFrame(port.framing, out);
  }

  /** Runs the hook (if any), then the data model; maps hook failures to exceptions. */
  private answer(
    request: ModbusRequest,
    unit: ModbusUnitState,
    unitId: number,
    broadcast: boolean,
    link: Link,
  ): ModbusResponse | undefined | Promise<ModbusResponse | undefined> {
    const hook = this.hook;
    if (hook === undefined) return answerRequest(request, unit);
    const fail = (error: unknown): ModbusResponse => {
      if (error instanceof ModbusException) return refuse(request, error.exceptionCode);
      this.emit('handlerError', error, request);
      return refuse(request, ExceptionCode.serverDeviceFailure);
    };
    try {
      const custom = hook(request, { unitId, broadcast, model: unit.model, link });
      if (custom instanceof Promise) {
        return custom.then((r) => r ?? answerRequest(request, unit), fail);
      }
      return custom ?? answerRequest(request, unit);
    } catch (error) {
      return fail(error);
    }
  }

  /**
   * A PDU that `decodeRequest` rejected: 01 when the function (or FC8 sub-function) is not one
   * the data model implements, else 03 for a bad value or length (spec §5.2 steps 1–2). Function
   * code 0 or ≥ 0x80 is not a request at all: nothing is answered.
   */
  private undecodable(frame: ModbusFrame, port: Port, diagnostics: SerialDiagnostics | undefined): Outcome {
    const pdu = frame.pdu;
    const functionCode = pdu[0]!;
    if (functionCode === 0 || functionCode >= 0x80) {
      diagnostics?.requestDone(ExceptionCode.illegalFunction, false, 'normal');
      return undefined;
    }
    const unsupported =
      !publicFunctionCodes.has(functionCode) ||
      (functionCode === 8 && pdu.length >= 3 && isReservedDiagnosticsSubFunction((pdu[1]! << 8) | pdu[2]!));
    const exceptionCode = unsupported ? ExceptionCode.illegalFunction : ExceptionCode.illegalDataValue;
    diagnostics?.requestDone(exceptionCode, true, 'normal');
    return this.frameOf(frame, port, Uint8Array.of(functionCode | 0x80, exceptionCode));
  }

  /**
   * Broadcast: execute allowed writes on every unit, answer nothing (spec §6); forward it through
   * the gateway when it came in over MBAP (§11). Refused broadcasts count as exception errors.
   */
  private broadcast(pdu: Uint8Array, port: Port): undefined {
    const request = tryDecodeRequest(pdu);
    const allowed = request !== undefined && isBroadcastAllowed(request);
    if (allowed && this.listenerCount('request') > 0)
      this.emit('request', request!, { unitId: 0, link: port.link });
    for (const unit of this.localUnits) {
      const diagnostics = port.serial ? unit.diagnostics : undefined;
      diagnostics?.requestReceived(true);
      if (diagnostics?.listenOnly) {
        if (isRestart(request)) answerRequest(request!, unit);
        else diagnostics.ignoredInListenOnly();
        continue;
      }
      if (!allowed) {
        diagnostics?.requestDone(ExceptionCode.illegalFunction, false, 'normal');
        continue;
      }
      const done = (response: ModbusResponse | undefined): void => {
        const exceptionCode = response?.type === 'exception' ? response.exceptionCode : undefined;
        diagnostics?.requestDone(exceptionCode, false, kindOf(request!));
        if (exceptionCode === undefined) this.noteWrite(0, request!);
      };
      const answered = this.answer(request!, unit, 0, true, port.link);
      if (answered instanceof Promise) void answered.then(done);
      else done(answered);
    }
    if (allowed && !port.serial) this.gateway?.broadcast(request!);
    return undefined;
  }

  /** A unit this server does not hold: the gateway's (MBAP only), or refused / ignored. */
  private otherUnit(frame: ModbusFrame, port: Port): Outcome | Promise<Outcome> {
    if (port.serial) return undefined; // another server's frame on the bus (spec §6)
    const functionCode = frame.pdu[0]!;
    if (functionCode === 0 || functionCode >= 0x80) return undefined; // not a request: no answer
    if (this.gateway !== undefined) {
      return this.gateway
        .forward(frame.pdu, frame.unitId)
        .then((pdu) => (pdu === undefined ? undefined : this.frameOf(frame, port, pdu)));
    }
    if (this.unknownUnit === 'ignore') return undefined;
    return this.frameOf(frame, port, Uint8Array.of(functionCode | 0x80, this.unknownUnit));
  }
}
