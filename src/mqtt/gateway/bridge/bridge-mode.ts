/**
 * Bridge mode: a Modbus server whose registers show values polled from a DLMS meter.
 *
 * @module
 */

import {
  AbortError,
  InvalidArgumentError,
  LinkError,
  ProtocolError,
  TimeoutError,
} from '../../../core/errors.js';
import { checkNumber } from '../../../links/validate.js';
import type { ModbusFraming } from '../../../modbus/framing/types.js';
import { ExceptionCode } from '../../../modbus/pdu/constants.js';
import type { ModbusRequest, ModbusResponse } from '../../../modbus/pdu/types.js';
import { ModbusDataModel } from '../../../modbus/server/data-model.js';
import { refuse } from '../../../modbus/server/exception-response.js';
import { type ModbusListener, ModbusServer } from '../../../modbus/server/modbus-server.js';
import type { GatewayMode, GatewayModeHost } from '../gateway-mode.js';
import type { PortLease } from '../gateway-port.js';
import { type DlmsConnectionOptions, DlmsConnector } from '../publish/dlms-connector.js';
import { readDlmsItem } from '../publish/dlms-read.js';
import {
  type BridgeMappingEntry,
  type BridgeStatusRegisters,
  encodeEntry,
  noOwner,
  type PlacedMapping,
  placeMapping,
  statusOwner,
} from './bridge-mapping.js';
import { inContext } from './in-context.js';
import { type BridgeServeOptions, checkServe, ServedLine } from './served-line.js';

/** Where the bridge's Modbus server listens. */
export interface BridgeListenOptions {
  /** Port; 0 picks a free one (see {@link BridgeMode.endpoint}). */
  port: number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** `tcp` (MBAP, default), `rtu` (RTU over TCP/UDP) or `ascii`. */
  framing?: ModbusFraming;
  /** `tcp` (default) or `udp`. */
  transport?: 'tcp' | 'udp';
  /** Most simultaneous TCP clients. Default 64. */
  maxConnections?: number;
}

/** Options of {@link bridgeMode}. */
export interface BridgeModeOptions {
  /** The gateway port the DLMS meter is on. */
  port: string;
  /** How to associate with the meter. */
  dlms: DlmsConnectionOptions;
  /** The values to expose (at least one; no two entries may share a register). */
  mapping: BridgeMappingEntry[];
  /** Time between the starts of two polls, ms (a poll never overlaps the previous one). */
  pollIntervalMs: number;
  /** The Modbus server's TCP/UDP endpoint (give exactly one of `listen` and `serve`). */
  listen?: BridgeListenOptions;
  /** The link the Modbus server answers on, e.g. a serial line (give exactly one of `listen` and `serve`). */
  serve?: BridgeServeOptions;
  /**
   * Unit ids answered (1–255). Default: every unit id on MBAP framing, address 1 on serial
   * framings (`rtu`, `ascii`, hence on a served serial line).
   */
  unitIds?: number[];
  /** A value counts as current for this long after it was read, ms. Default `3 × pollIntervalMs`. */
  maxAgeMs?: number;
  /** Where to expose the 3 status registers (poll state, valid values, age). Default: not exposed. */
  status?: BridgeStatusRegisters;
  /** Longest wait for the port, ms. Default: the smaller of `pollIntervalMs` and 30 000. */
  acquireTimeoutMs?: number;
  /** Bound on a whole poll, ms. Default 60 000. */
  pollTimeoutMs?: number;
  /** How long `stop()` lets a running poll finish before aborting it, ms. Default 5000. */
  stopTimeoutMs?: number;
}

/** Outcome of the last poll, as in status register 0. */
export type BridgePollState = 'none' | 'ok' | 'partial' | 'failed';

const pollStateCodes: Readonly<Record<BridgePollState, number>> = { none: 0, ok: 1, partial: 2, failed: 3 };

/** What a {@link BridgeMode} knows about its values. */
export interface BridgeStatus {
  /** Polls finished. */
  polls: number;
  /** Outcome of the last poll. */
  lastPoll: BridgePollState;
  /** One per mapping entry, in mapping order. */
  entries: {
    /** The entry's name (default its OBIS code). */
    name: string;
    /** `true` while its registers hold a value read within `maxAgeMs`. */
    valid: boolean;
    /** Why the last read of it failed, when it did. */
    error?: Error;
  }[];
}

const maxTimerMs = 0x7fffffff;
const abortedCloseMs = 500;
/**
 * A gateway mode exposing DLMS values as Modbus registers (create it with {@link bridgeMode}).
 *
 * Every `pollIntervalMs` it waits for the meter's port (FIFO with head-end leases), associates,
 * reads each mapped attribute once, encodes the values into their registers and releases the
 * port. Its Modbus server answers FC3 and FC4 reads of mapped registers (and FC43
 * identification); any other function is refused with 01 ILLEGAL FUNCTION (the registers are
 * read-only). A read touching an unmapped register gets 02 ILLEGAL DATA ADDRESS; a read of a
 * value not read yet gets 06 SERVER DEVICE BUSY before the first poll has finished and 04
 * SERVER DEVICE FAILURE after, as does a value whose last good read is older than `maxAgeMs`
 * (a failed poll keeps the last value until then). Details in `docs/gateway-modes.md`.
 *
 * The Modbus server listens on TCP/UDP (`listen`) or answers on one link (`serve`), typically an
 * RS-485 line polled by a PLC in Modbus RTU or ASCII: there it answers its unit id (default
 * address 1) only, stays silent for other addresses and executes no broadcast (its registers are
 * read-only). When a served link closes the bridge reports it as the gateway's `error`, answers
 * again when the link is open again, and reopens a link it opened itself before each poll.
 *
 * @example
 * ```ts
 * const bridge = bridgeMode({
 *   port: 'p0',
 *   pollIntervalMs: 10_000,
 *   dlms: { framing: 'hdlc', client: 16, server: { logical: 1, physical: 17 } },
 *   listen: { port: 0, host: '127.0.0.1' },
 *   mapping: [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' }],
 * });
 * const gateway = new MqttGateway({ broker, id: 'gw-1', ports, modes: [bridge] });
 * await gateway.start();
 * console.log(bridge.endpoint, bridge.status().polls); // { host: '127.0.0.1', port: 40123 } 1
 * ```
 */
export class BridgeMode implements GatewayMode {
  /** `bridge`. */
  readonly name = 'bridge';
  readonly #options: BridgeModeOptions;
  readonly #placed: PlacedMapping;
  readonly #connector: DlmsConnector;
  readonly #server: ModbusServer;
  readonly #model: ModbusDataModel;
  readonly #pollIntervalMs: number;
  readonly #maxAgeMs: number;
  readonly #acquireTimeoutMs: number;
  readonly #pollTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  /** `performance.now()` of each entry's last good read. */
  readonly #readAt: (number | undefined)[];
  readonly #errors: (Error | undefined)[];
  #polls = 0;
  #lastPoll: BridgePollState = 'none';
  #lastGoodPollAt: number | undefined;
  #host: GatewayModeHost | undefined;
  #listener: ModbusListener | undefined;
  /** The link answered on, with `serve`. */
  #served: ServedLine | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: { controller: AbortController; done: Promise<void> } | undefined;
  #stopping: Promise<void> | undefined;

  /**
   * @throws InvalidArgumentError for a bad mapping (naming the entry) or option
   */
  constructor(options: BridgeModeOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('bridgeMode needs options');
    if (typeof options.port !== 'string' || options.port === '') {
      throw new InvalidArgumentError('bridge port must be a gateway port id');
    }
    if (typeof options.dlms !== 'object' || options.dlms === null) {
      throw new InvalidArgumentError('bridge dlms must give the DLMS connection options');
    }
    const { listen, serve } = options;
    if ((listen === undefined) === (serve === undefined)) {
      throw new InvalidArgumentError(
        `bridge needs exactly one of listen (a TCP/UDP endpoint) and serve (a link such as a serial line), got ${listen === undefined ? 'neither' : 'both'}`,
      );
    }
    if (listen !== undefined && (typeof listen !== 'object' || listen === null)) {
      throw new InvalidArgumentError('bridge listen must give the Modbus server endpoint');
    }
    if (serve !== undefined) checkServe(serve);
    this.#options = options;
    this.#placed = placeMapping(options.mapping, options.status);
    this.#pollIntervalMs = checkNumber('pollIntervalMs', options.pollIntervalMs, 1);
    if (this.#pollIntervalMs > maxTimerMs)
      throw new InvalidArgumentError(`pollIntervalMs must be ≤ ${maxTimerMs}`);
    this.#maxAgeMs = checkNumber('maxAgeMs', options.maxAgeMs ?? 3 * this.#pollIntervalMs, 1);
    this.#acquireTimeoutMs = checkNumber(
      'acquireTimeoutMs',
      options.acquireTimeoutMs ?? Math.min(this.#pollIntervalMs, 30_000),
      1,
    );
    this.#pollTimeoutMs = checkNumber('pollTimeoutMs', options.pollTimeoutMs ?? 60_000, 1);
    this.#stopTimeoutMs = checkNumber('stopTimeoutMs', options.stopTimeoutMs ?? 5000, 0);
    this.#connector = new DlmsConnector(options.dlms);
    this.#model = new ModbusDataModel({ coils: 0, discreteInputs: 0 });
    this.#server = new ModbusServer({
      model: this.#model,
      ...(options.unitIds === undefined ? {} : { unitIds: options.unitIds }),
      onRequest: (request) => this.#answer(request),
    });
    this.#readAt = this.#placed.entries.map(() => undefined);
    this.#errors = this.#placed.entries.map(() => undefined);
  }

  /**
   * The Modbus server's bound address while running with `listen` (its `port` when `listen.port`
   * was 0); `undefined` before start, after stop and always with `serve` (a served link has no
   * address of its own: see its `info.peer`).
   */
  get endpoint():
    | {
        /** Bound address. */
        host: string;
        /** Bound port. */
        port: number;
      }
    | undefined {
    const l = this.#listener;
    return l === undefined ? undefined : { host: l.host, port: l.port };
  }

  /** What the bridge knows now: polls, the last outcome, each entry's validity and last error. */
  status(): BridgeStatus {
    const now = performance.now();
    return {
      polls: this.#polls,
      lastPoll: this.#lastPoll,
      entries: this.#placed.entries.map((p, i) => {
        const error = this.#errors[i];
        return {
          name: p.entry.name ?? p.entry.obis,
          valid: this.#valid(i, now),
          ...(error === undefined ? {} : { error }),
        };
      }),
    };
  }

  /**
   * Checks the port, starts the Modbus server (listening, or on the served link, which it opens
   * if it is not open) and the polls (the first one at once).
   * @throws InvalidArgumentError when the gateway has no such port; LinkError when the server
   *   cannot listen or the served link cannot be opened (TimeoutError after 10 s)
   */
  async start(host: GatewayModeHost): Promise<void> {
    if (this.#stopping !== undefined) throw new LinkError('bridge mode was stopped');
    if (this.#host !== undefined) return;
    if (!host.ports().some((p) => p.id === this.#options.port)) {
      throw new InvalidArgumentError(`bridge: gateway ${host.gatewayId} has no port ${this.#options.port}`);
    }
    const { listen: l, serve } = this.#options;
    if (serve !== undefined) {
      this.#served = new ServedLine(serve, this.#server, (error) => host.reportError(error));
      await this.#served.start(host.signal);
    } else if (l !== undefined) {
      this.#listener = await this.#server.listen({
        port: l.port,
        ...(l.host === undefined ? {} : { host: l.host }),
        ...(l.framing === undefined ? {} : { framing: l.framing }),
        ...(l.transport === undefined ? {} : { transport: l.transport }),
        ...(l.maxConnections === undefined ? {} : { maxConnections: l.maxConnections }),
      });
    }
    this.#host = host;
    this.#schedule(0);
  }

  /**
   * Stops polling (a running poll may finish for up to `stopTimeoutMs`, then it is aborted),
   * releases the port and closes the Modbus server and its connections; stops answering on a
   * served link and closes it if the mode opened it. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    clearTimeout(this.#timer);
    const running = this.#running;
    if (running !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        running.done,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.#stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      running.controller.abort(new AbortError('the bridge mode is stopping'));
      await running.done;
    }
    await this.#listener?.close();
    await this.#served?.stop();
  }

  #schedule(delayMs: number): void {
    if (this.#stopping !== undefined) return;
    this.#timer = setTimeout(() => {
      if (this.#host !== undefined) this.#served?.reopen(this.#host.signal);
      const started = performance.now();
      const controller = new AbortController();
      const done = this.#poll(controller).finally(() => {
        this.#running = undefined;
        this.#schedule(Math.max(0, this.#pollIntervalMs - (performance.now() - started)));
      });
      this.#running = { controller, done };
    }, delayMs);
  }

  #valid(index: number, now: number): boolean {
    const at = this.#readAt[index];
    return at !== undefined && now - at <= this.#maxAgeMs;
  }

  /** The request hook: refuses what the registers cannot answer, refreshes the status registers. */
  #answer(request: ModbusRequest): ModbusResponse | undefined {
    if (request.type === 'read-device-identification') return undefined;
    if (request.type !== 'read-holding-registers' && request.type !== 'read-input-registers') {
      return refuse(request, ExceptionCode.illegalFunction);
    }
    const { address, quantity } = request;
    // Out-of-range requests: the data model answers them (03, 02) as any server does.
    if (quantity < 1 || quantity > 125 || address + quantity > 0x10000) return undefined;
    const table = request.type === 'read-holding-registers' ? 'holding' : 'input';
    const owners = this.#placed.owners[table];
    const now = performance.now();
    let stale = false;
    let status = false;
    for (let r = address; r < address + quantity; r++) {
      const owner = owners[r]!;
      if (owner === noOwner) return refuse(request, ExceptionCode.illegalDataAddress);
      if (owner === statusOwner) status = true;
      else if (!this.#valid(owner, now)) stale = true;
    }
    if (stale) {
      return refuse(
        request,
        this.#polls === 0 ? ExceptionCode.serverDeviceBusy : ExceptionCode.serverDeviceFailure,
      );
    }
    if (status) this.#writeStatus(now);
    return undefined;
  }

  #writeStatus(now: number): void {
    const s = this.#options.status!;
    const registers = s.table === 'holding' ? this.#model.holdingRegisters : this.#model.inputRegisters;
    const valid = this.#placed.entries.filter((_, i) => this.#valid(i, now)).length;
    const at = this.#lastGoodPollAt;
    const age = at === undefined ? 0xffff : Math.min(0xfffe, Math.floor((now - at) / 1000));
    registers[s.address] = pollStateCodes[this.#lastPoll];
    registers[s.address + 1] = Math.min(valid, 0xffff);
    registers[s.address + 2] = age;
  }

  /** One poll; never rejects. */
  async #poll(controller: AbortController): Promise<void> {
    const host = this.#host!;
    const portId = this.#options.port;
    const deadline = setTimeout(
      () => controller.abort(new TimeoutError(`bridge poll of port ${portId}`, this.#pollTimeoutMs)),
      this.#pollTimeoutMs,
    );
    let lease: PortLease | undefined;
    let good = 0;
    try {
      lease = await host.acquirePort(portId, {
        holder: 'bridge',
        timeoutMs: this.#acquireTimeoutMs,
        signal: controller.signal,
      });
      const signal = AbortSignal.any([controller.signal, lease.signal]);
      const client = await this.#connector.connect(lease.link, signal);
      try {
        for (const [source, item] of this.#placed.sources)
          good += await this.#readSource(client, source, item, signal);
      } finally {
        await client.close(signal.aborted ? { release: false, timeoutMs: abortedCloseMs } : {});
      }
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      const cause = reason instanceof TimeoutError ? reason : error;
      for (const p of this.#placed.entries) this.#errors[p.index] = cause as Error;
      if (!(reason instanceof AbortError))
        host.reportError(inContext(cause, `bridge poll of port ${portId}`));
    } finally {
      clearTimeout(deadline);
      lease?.release();
    }
    if (controller.signal.reason instanceof AbortError) return; // stopping
    this.#polls++;
    const total = this.#placed.entries.length;
    this.#lastPoll = good === total ? 'ok' : good === 0 ? 'failed' : 'partial';
    if (good > 0) this.#lastGoodPollAt = performance.now();
  }

  /** Reads one attribute and fills the registers of its entries; returns how many were filled. */
  async #readSource(
    client: Awaited<ReturnType<DlmsConnector['connect']>>,
    source: string,
    item: { obis: string; classId?: number; attribute?: number },
    signal: AbortSignal,
  ): Promise<number> {
    const entries = this.#placed.entries.filter((p) => p.source === source);
    let numeric: number | bigint;
    try {
      const v = await readDlmsItem(client, item, { signal });
      if (v.numeric === undefined) {
        throw new ProtocolError(`${item.obis} attribute ${item.attribute ?? 2} is not a number`);
      }
      numeric = v.numeric;
    } catch (error) {
      for (const p of entries) this.#errors[p.index] = error as Error;
      if (!signal.aborted) this.#host?.reportError(inContext(error, `bridge read of ${item.obis}`));
      return 0;
    }
    let filled = 0;
    for (const p of entries) {
      try {
        const registers = encodeEntry(p, numeric);
        (p.entry.table === 'holding' ? this.#model.holdingRegisters : this.#model.inputRegisters).set(
          registers,
          p.entry.address,
        );
        this.#readAt[p.index] = performance.now();
        this.#errors[p.index] = undefined;
        filled++;
      } catch (error) {
        this.#errors[p.index] = error as Error;
        this.#host?.reportError(
          inContext(error, `bridge mapping[${p.index}] (${p.entry.name ?? p.entry.obis})`),
        );
      }
    }
    return filled;
  }
}

/**
 * Creates the DLMS→Modbus bridge mode of a gateway:
 * `new MqttGateway({ …, modes: [bridgeMode({ port, dlms, mapping, pollIntervalMs, listen | serve })] })`.
 *
 * @param options - The meter's port and association, the mapping, the poll interval and the
 *   Modbus server's endpoint (`listen`) or link (`serve`).
 * @returns The mode (also offers `endpoint` and `status()`).
 * @throws InvalidArgumentError for a bad mapping (overlapping registers, unknown type …, naming
 *   the entry) or option, or unless exactly one of `listen` and `serve` is given; the port is
 *   checked when the gateway starts
 * @example
 * ```ts
 * const bridge = bridgeMode({
 *   port: 'p0', pollIntervalMs: 10_000, listen: { port: 1502, host: '0.0.0.0' },
 *   dlms: { framing: 'hdlc', client: 16, server: { logical: 1, physical: 17 } },
 *   mapping: [
 *     { obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' },   // Wh
 *     { obis: '1.0.32.7.0.255', table: 'input', address: 2, type: 'float32' }, // V
 *   ],
 * });
 * const gateway = new MqttGateway({ broker, id: 'gw-1', ports, modes: [bridge] });
 * await gateway.start(); // a SCADA reads input registers 0–3 over Modbus/TCP on port 1502
 * ```
 * @example
 * Serving Modbus RTU on an RS-485 line instead (a PLC polls address 7 at 9600 bit/s, 8E1):
 * ```ts
 * import { serial } from 'meterlink';
 *
 * const bridge = bridgeMode({
 *   port: 'p0', pollIntervalMs: 10_000,
 *   serve: { link: serial({ path: '/dev/ttyUSB1', baudRate: 9600 }), framing: 'rtu' },
 *   unitIds: [7], // answer address 7 instead of 1
 *   dlms: { framing: 'hdlc', client: 16, server: { logical: 1, physical: 17 } },
 *   mapping: [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' }],
 * });
 * // the mode opens /dev/ttyUSB1 when the gateway starts and closes it when it stops
 * ```
 */
export function bridgeMode(options: BridgeModeOptions): BridgeMode {
  return new BridgeMode(options);
}
