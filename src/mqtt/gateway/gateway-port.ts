/**
 * One port of a gateway: its link, its lease and FIFO queue, and the chunking of meter bytes.
 *
 * @module
 */

import { AbortError, LinkError, TimeoutError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { type ModeEOptions, modeESignOn } from '../../dlms/session/mode-e.js';
import { messageOf } from '../../links/peer.js';
import {
  type AttachEnvelope,
  type DataEnvelope,
  type Envelope,
  EnvelopeFlag,
  type OpenEnvelope,
  type PushEnvelope,
  type ReasonEnvelope,
  TunnelErrorCode,
} from '../protocol/index.js';
import { AnswerWait } from './answer-wait.js';
import { type ApduAttachFailure, ApduAttachment, attachProblem } from './apdu-attachment.js';
import type { Chunker } from './chunker.js';
import { HdlcChunker } from './hdlc-chunker.js';

/** What a port needs from its gateway. */
export interface PortHost {
  /** Publishes an envelope to a head-end's `res` topic. */
  reply(headEndId: string, envelope: Envelope): void;
  /** Publishes meter bytes that arrived outside a lease to the port's `push` topic. */
  push(envelope: PushEnvelope): void;
  /** The port became busy or free (the meta message changes). */
  busyChanged(portId: string, busy: boolean): void;
  /** A head-end started or stopped holding or waiting for a lease on this port. */
  headEndsChanged(): void;
  /** A non-fatal problem (a link that failed to open, a failed write). */
  reportError(error: Error): void;
}

/** Settings of a {@link GatewayPort}. */
export interface GatewayPortSettings {
  /** Port id. */
  id: string;
  /** The link, or a factory called whenever a fresh one is needed. */
  link: Link | (() => Link);
  /** Chunker of the meter's bytes. */
  chunker: Chunker;
  /** Lease idle time when the `open` asks for none, ms. */
  leaseIdleMs: number;
  /** Longest lease idle time granted, ms. */
  maxLeaseIdleMs: number;
  /** Largest `data` payload accepted from a head-end. */
  maxPayloadBytes: number;
  /** Bound on opening the link, ms. */
  openTimeoutMs: number;
  /**
   * IEC 62056-21 mode E sign-on before every lease (`hdlc` ports on serial lines, optical heads):
   * the meter falls back to its 300 bit/s readout mode when an HDLC conversation ends.
   */
  modeE?: Omit<ModeEOptions, 'signal'>;
  /**
   * Set on request/response ports (`modbus-rtu`): after writing a head-end's request, the next
   * write (or grant) waits for the meter's answer for up to this long, ms, and meter data carries
   * the flag `answers` with the correlation id of the request written last.
   */
  answerTimeoutMs?: number;
}

/** Options of `MqttGateway.acquirePort`: a lease for code running next to the meter. */
export interface LocalLeaseOptions {
  /** Who holds the lease, for errors and logs (e.g. `publish:meter-1`). */
  holder: string;
  /** Stops waiting in the queue (rejects with `AbortError`); after the grant, ends the lease. */
  signal?: AbortSignal;
  /** Bound on waiting in the queue, ms (rejects with `TimeoutError`). Default: no bound. */
  timeoutMs?: number;
  /** The lease ends after this much silence (no write, no meter bytes, no `touch()`), ms. Default: never. */
  idleMs?: number;
  /**
   * Meter bytes while the lease is held, cut by the port's chunker (whole HDLC frames …). Holders
   * that listen on `lease.link` themselves (a DLMS or Modbus client) leave it out.
   */
  onChunk?: (chunk: Uint8Array) => void;
}

/**
 * A lease on a gateway port held by local code (publish and bridge modes, other head-end
 * protocols): exclusive use of the port's link until released. Tunnel leases queue behind it.
 */
export interface PortLease {
  /** The port's link, open. Write to it and listen to it; do not close it. */
  readonly link: Link;
  /** Aborted when the lease ends: released, idle, port link closed, or the gateway stopping. */
  readonly signal: AbortSignal;
  /** Counts as activity for the idle timer. */
  touch(): void;
  /** Ends the lease and lets the next waiter in. Idempotent. */
  release(): void;
}

interface LocalHolder {
  readonly options: LocalLeaseOptions;
  readonly ended: AbortController;
}

interface Lease {
  /** Set for a lease held by local code (sessionId 0, headEndId ''). */
  readonly local?: LocalHolder;
  readonly sessionId: number;
  readonly headEndId: string;
  readonly idleMs: number;
  /** Seq of the last `data` written (duplicates and older ones are dropped). */
  lastSeq: number | undefined;
  /** Seq of the last envelope sent to the head-end in this lease. */
  outSeq: number;
  /**
   * Correlation id echoed on meter data: the `open`'s, then that of the last `data` written to
   * the meter (or of the `attach`).
   */
  correlationId: number;
  /** Fires at the earliest moment the lease can have been idle for `idleMs`; re-armed lazily. */
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Last traffic of the lease (performance clock, ms). */
  touchedAt: number;
  /** APDU mode: the HDLC association run for this lease (set from `attach` on). */
  apdu?: ApduAttachment;
}

interface LocalWaiter {
  readonly options: LocalLeaseOptions;
  resolve(lease: PortLease): void;
  reject(error: Error): void;
  /** Removes the abort listener. */
  cleanup(): void;
}

interface Waiter {
  /** A head-end's `open`; for a local waiter a stand-in with sessionId 0 and no replyTo. */
  readonly open: OpenEnvelope;
  readonly local?: LocalWaiter;
  /** Absolute deadline (ms, performance clock), `Infinity` for none. */
  readonly deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A gateway port. Every envelope for it goes through {@link GatewayPort.handle}; grants and
 * writes run one after the other on a task chain, so bytes of two leases never interleave.
 */
export class GatewayPort {
  readonly id: string;
  readonly #settings: GatewayPortSettings;
  readonly #host: PortHost;
  #link: Link | undefined;
  #lease: Lease | undefined;
  readonly #queue: Waiter[] = [];
  #tasks: Promise<void> = Promise.resolve();
  #gapTimer: ReturnType<typeof setTimeout> | undefined;
  #pushSeq = 0;
  #stopped = false;
  /**
   * APDU mode: the association that owns the link's bytes, from `attach` until its DISC is over
   * (which may outlast the lease); the chunker and push forwarding are bypassed meanwhile.
   */
  #apdu: ApduAttachment | undefined;
  #signingOn = false;
  /** Request/response ports: the answer to the last head-end request written. */
  readonly #answer: AnswerWait | undefined;

  constructor(settings: GatewayPortSettings, host: PortHost) {
    this.id = settings.id;
    this.#settings = settings;
    this.#host = host;
    if (settings.answerTimeoutMs !== undefined) this.#answer = new AnswerWait(settings.answerTimeoutMs);
  }

  /** `true` while a lease is held. */
  get busy(): boolean {
    return this.#lease !== undefined;
  }

  /** Transport behind the port, when known (from the link's `info`). */
  get link(): Link | undefined {
    return this.#link;
  }

  /** Head-end ids holding or waiting for a lease on this port. */
  headEnds(): string[] {
    const ids = this.#queue.filter((w) => w.local === undefined).map((w) => w.open.replyTo);
    if (this.#lease !== undefined && this.#lease.local === undefined) ids.push(this.#lease.headEndId);
    return ids;
  }

  /**
   * Waits for the port (FIFO with head-end `open`s) and returns a lease on it for local code.
   *
   * @throws `AbortError` (signal), `TimeoutError` (`timeoutMs`), `LinkError` (the link cannot be
   *   opened, or the gateway is stopping)
   */
  acquire(options: LocalLeaseOptions): Promise<PortLease> {
    if (this.#stopped) return Promise.reject(new LinkError(`port ${this.id}: the gateway is stopping`));
    if (options.signal?.aborted) return Promise.reject(new AbortError(`waiting for port ${this.id}`));
    return new Promise<PortLease>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.#queue.includes(waiter)) return;
        this.#unqueue(waiter, false);
        reject(new AbortError(`waiting for port ${this.id}`));
      };
      const local: LocalWaiter = {
        options,
        resolve,
        reject,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      };
      const timeoutMs = options.timeoutMs;
      const waiter: Waiter = {
        open: localOpen(this.id),
        local,
        deadline: timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs,
        timer: undefined,
      };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          if (!this.#queue.includes(waiter)) return;
          this.#unqueue(waiter, false);
          reject(new TimeoutError(`${options.holder} waiting for port ${this.id}`, timeoutMs));
        }, timeoutMs);
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#run(() => this.#grantNext());
    });
  }

  /** Opens the link so that pushes are heard; a failure is reported, not thrown. */
  async start(): Promise<void> {
    try {
      await this.#ensureOpen();
    } catch (error) {
      this.#host.reportError(error as Error);
    }
  }

  /** Handles one envelope from a head-end; `arrivedAt` is `performance.now()` at reception. */
  handle(envelope: Envelope, arrivedAt: number): void {
    if (this.#stopped) return;
    switch (envelope.type) {
      case 'open':
        this.#onOpen(envelope, arrivedAt);
        return;
      case 'data':
        this.#onData(envelope, arrivedAt);
        return;
      case 'close':
        this.#onClose(envelope);
        return;
      case 'ping':
        this.#onPing(envelope);
        return;
      case 'attach':
        this.#onAttach(envelope, arrivedAt);
        return;
      default:
        // Gateway-to-head-end types sent to a req topic: nothing to do.
        return;
    }
  }

  /** The head-end `headEndId` is gone: its lease ends, its queued opens are dropped. */
  headEndGone(headEndId: string): void {
    for (const w of this.#queue.filter((q) => q.local === undefined && q.open.replyTo === headEndId))
      this.#unqueue(w);
    if (this.#lease?.headEndId === headEndId) {
      this.#endLease(TunnelErrorCode.headEndGone, 'the head-end went offline', false);
    }
  }

  /** Ends the lease and every queued open (`gateway-stopping`), closes the link, clears timers. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    for (const w of [...this.#queue]) {
      this.#unqueue(w);
      if (w.local !== undefined) {
        w.local.reject(new LinkError(`port ${this.id}: the gateway is stopping`));
        continue;
      }
      this.#host.reply(
        w.open.replyTo,
        reason('error', w.open, TunnelErrorCode.gatewayStopping, 'the gateway is stopping'),
      );
    }
    if (this.#lease !== undefined)
      this.#endLease(TunnelErrorCode.gatewayStopping, 'the gateway is stopping', true);
    this.#stopped = true;
    this.#clearGap();
    this.#answer?.settle();
    // APDU mode: the meter hears DISC (bounded) before the link closes.
    await this.#apdu?.close();
    const link = this.#link;
    this.#detach();
    await link?.close().catch(() => undefined);
    await this.#tasks;
  }

  #onOpen(open: OpenEnvelope, arrivedAt: number): void {
    const lease = this.#lease;
    if (lease !== undefined && owns(lease, open)) {
      // A redelivered open (QoS 1): confirm again.
      this.#host.reply(open.replyTo, this.#opened(open, lease));
      return;
    }
    if (this.#queue.some((w) => w.local === undefined && sameOpen(w.open, open))) return;
    if ((open.flags & EnvelopeFlag.noWait) !== 0 && (lease !== undefined || this.#queue.length > 0)) {
      this.#host.reply(
        open.replyTo,
        reason('error', open, TunnelErrorCode.portBusy, `port ${this.id} is leased`),
      );
      return;
    }
    const waiter: Waiter = {
      open,
      deadline: open.deadlineMs > 0 ? arrivedAt + open.deadlineMs : Number.POSITIVE_INFINITY,
      timer: undefined,
    };
    if (open.deadlineMs > 0) {
      waiter.timer = setTimeout(() => {
        if (!this.#queue.includes(waiter)) return;
        this.#unqueue(waiter);
        this.#host.reply(open.replyTo, deadlinePassed(open, 'while waiting for the port'));
      }, open.deadlineMs);
    }
    this.#queue.push(waiter);
    this.#host.headEndsChanged();
    this.#run(() => this.#grantNext());
  }

  /**
   * The holder's lease for a numbered request (`data`, `attach`), or `undefined` when the request
   * is for no current lease (answered `unknown-session`) or a duplicate (dropped).
   */
  #leaseFor(request: DataEnvelope | AttachEnvelope): Lease | undefined {
    const lease = this.#lease;
    if (lease === undefined || !owns(lease, request)) {
      if (request.replyTo !== '') {
        this.#host.reply(
          request.replyTo,
          reason(
            'error',
            request,
            TunnelErrorCode.unknownSession,
            `no lease ${request.sessionId} on port ${this.id}`,
          ),
        );
      }
      return undefined;
    }
    if (lease.lastSeq !== undefined && !isNewer(request.seq, lease.lastSeq)) return undefined; // duplicate
    lease.lastSeq = request.seq;
    this.#touch(lease);
    return lease;
  }

  #onData(data: DataEnvelope, arrivedAt: number): void {
    const lease = this.#leaseFor(data);
    if (lease === undefined) return;
    if (data.payload.length > this.#settings.maxPayloadBytes) {
      this.#host.reply(
        data.replyTo,
        reason(
          'error',
          data,
          TunnelErrorCode.payloadTooLarge,
          `payload of ${data.payload.length} octets is above ${this.#settings.maxPayloadBytes}`,
        ),
      );
      return;
    }
    const deadline = data.deadlineMs > 0 ? arrivedAt + data.deadlineMs : Number.POSITIVE_INFINITY;
    const payload = data.payload.slice();
    this.#run(async () => {
      await this.#answer?.until(deadline);
      if (this.#lease !== lease) return; // the lease ended meanwhile: nothing is written for it
      if (performance.now() > deadline) {
        this.#host.reply(lease.headEndId, deadlinePassed(data, 'before the bytes could be written'));
        return;
      }
      const link = this.#link;
      try {
        if (link === undefined || !link.isOpen) throw new Error('the port link is not open');
        lease.correlationId = data.correlationId;
        // APDU mode: one whole APDU, segmented by the association; a failure there ends the lease.
        if (lease.apdu !== undefined) await lease.apdu.send(payload);
        else {
          // Before the write: a fast meter can answer before the write's callback.
          // Modbus: address 0 is a broadcast, which no server answers (Modbus over serial line §2.2).
          if (payload[0] !== 0) this.#answer?.expect();
          await link.write(payload);
        }
      } catch (error) {
        this.#answer?.settle(); // nothing was written to answer
        if (lease.apdu !== undefined) {
          this.#host.reportError(error as Error);
          return;
        }
        this.#host.reply(
          lease.headEndId,
          reason(
            'error',
            data,
            TunnelErrorCode.portFailed,
            `writing to port ${this.id} failed: ${messageOf(error)}`,
          ),
        );
      }
    });
  }

  #onAttach(attach: AttachEnvelope, arrivedAt: number): void {
    const lease = this.#leaseFor(attach);
    if (lease === undefined) return;
    lease.correlationId = attach.correlationId;
    const problem = attachProblem(attach, this.#settings.chunker instanceof HdlcChunker);
    if (problem !== undefined) {
      this.#host.reply(lease.headEndId, reason('error', attach, problem.code, problem.message));
      return;
    }
    const deadline = attach.deadlineMs > 0 ? arrivedAt + attach.deadlineMs : Number.POSITIVE_INFINITY;
    this.#run(async () => {
      if (this.#lease !== lease) return;
      // A second attach replaces the association: the meter hears DISC first.
      const previous = lease.apdu;
      lease.apdu = undefined;
      if (previous !== undefined) await this.#disconnect(previous);
      const link = this.#link;
      const remaining = deadline - performance.now();
      if (this.#lease !== lease) return;
      if (remaining <= 0) {
        this.#host.reply(lease.headEndId, deadlinePassed(attach, 'before the meter was called'));
        return;
      }
      if (link === undefined || !link.isOpen) {
        this.#failAttach(lease, attach, {
          code: TunnelErrorCode.portFailed,
          message: `port ${this.id} is not open`,
        });
        return;
      }
      let attachment: ApduAttachment;
      try {
        attachment = new ApduAttachment(link, attach, {
          apdu: (apdu, unsolicited) => this.#onApdu(attachment, apdu, unsolicited),
          lost: (error) => {
            if (this.#lease === lease && lease.apdu === attachment) {
              this.#endLease(
                TunnelErrorCode.meterLost,
                `the meter's HDLC link failed: ${error.message}`,
                true,
              );
            }
          },
        });
      } catch (error) {
        this.#failAttach(lease, attach, { code: TunnelErrorCode.badEnvelope, message: messageOf(error) });
        return;
      }
      // Bytes of the transparent phase go out first; from now on the association takes them.
      this.#flushPending();
      this.#apdu = attachment;
      lease.apdu = attachment;
      const stop = new AbortController();
      const timer = Number.isFinite(remaining) ? setTimeout(() => stop.abort(), remaining) : undefined;
      const outcome = await attachment.open(stop.signal);
      clearTimeout(timer);
      if ('code' in outcome) {
        if (lease.apdu === attachment) lease.apdu = undefined;
        // Over at once after a refusal; a DISC started by the lease's end is waited for.
        await this.#disconnect(attachment);
        this.#failAttach(lease, attach, outcome);
        return;
      }
      if (this.#lease !== lease || lease.apdu !== attachment) return; // ended meanwhile: DISC is queued
      this.#touch(lease);
      lease.outSeq = (lease.outSeq + 1) >>> 0;
      this.#host.reply(lease.headEndId, {
        ...header(
          { sessionId: lease.sessionId, correlationId: attach.correlationId, portId: this.id },
          lease.outSeq,
        ),
        type: 'attached',
        mode: attach.mode,
        ...outcome,
        maxApduBytes: this.#settings.maxPayloadBytes,
      });
    });
  }

  /** Answers a failed `attach` with `error` (the lease goes on, in transparent mode). */
  #failAttach(lease: Lease, attach: AttachEnvelope, failure: ApduAttachFailure): void {
    if (this.#lease !== lease) return;
    this.#host.reply(lease.headEndId, reason('error', attach, failure.code, failure.message));
  }

  /** An APDU from the meter in APDU mode: one `data` envelope to the holder. */
  #onApdu(attachment: ApduAttachment, apdu: Uint8Array, unsolicited: boolean): void {
    const lease = this.#lease;
    // After the lease ended (DISC in progress) nobody takes it: dropped.
    if (lease === undefined || lease.apdu !== attachment) return;
    this.#touch(lease);
    lease.outSeq = (lease.outSeq + 1) >>> 0;
    this.#host.reply(lease.headEndId, {
      ...header(
        { sessionId: lease.sessionId, correlationId: lease.correlationId, portId: this.id },
        lease.outSeq,
      ),
      flags: unsolicited ? EnvelopeFlag.unsolicited : 0,
      type: 'data',
      payload: apdu,
    });
  }

  /** DISC of an association (bounded); the port's own forwarding resumes after it. */
  async #disconnect(attachment: ApduAttachment): Promise<void> {
    await attachment.close();
    if (this.#apdu === attachment) this.#apdu = undefined;
  }

  #onClose(close: Envelope): void {
    const lease = this.#lease;
    if (lease !== undefined && owns(lease, close)) {
      lease.correlationId = close.correlationId;
      this.#endLease(TunnelErrorCode.none, 'closed by the head-end', true);
      return;
    }
    const waiter = this.#queue.find((w) => w.local === undefined && sameOpen(w.open, close));
    if (waiter !== undefined) this.#unqueue(waiter);
    // Closing twice (or a session already gone) is not an error: close is idempotent.
    if (close.replyTo !== '')
      this.#host.reply(close.replyTo, reason('closed', close, TunnelErrorCode.none, 'closed'));
  }

  #onPing(ping: Envelope): void {
    if (ping.replyTo === '') return;
    const lease = this.#lease;
    if (ping.sessionId !== 0) {
      if (lease !== undefined && owns(lease, ping)) {
        this.#touch(lease);
      } else if (!this.#queue.some((w) => w.local === undefined && sameOpen(w.open, ping))) {
        this.#host.reply(
          ping.replyTo,
          reason(
            'error',
            ping,
            TunnelErrorCode.unknownSession,
            `no lease ${ping.sessionId} on port ${this.id}`,
          ),
        );
        return;
      }
    }
    this.#host.reply(ping.replyTo, { ...header(ping, ping.seq), type: 'pong' });
  }

  async #grantNext(): Promise<void> {
    // The previous holder's last request may still be answered: not into the next lease.
    if (this.#lease === undefined) await this.#answer?.until(Number.POSITIVE_INFINITY);
    while (this.#lease === undefined && !this.#stopped) {
      const waiter = this.#queue[0];
      if (waiter === undefined) return;
      const open = waiter.open;
      const remaining = waiter.deadline - performance.now();
      if (remaining <= 0) {
        this.#unqueue(waiter);
        if (waiter.local !== undefined) {
          waiter.local.reject(
            new TimeoutError(
              `${waiter.local.options.holder} waiting for port ${this.id}`,
              waiter.local.options.timeoutMs ?? 0,
            ),
          );
        } else {
          this.#host.reply(open.replyTo, deadlinePassed(open, 'while waiting for the port'));
        }
        continue;
      }
      try {
        await this.#ensureOpen(Math.min(remaining, this.#settings.openTimeoutMs));
        if (this.#settings.modeE !== undefined && this.#queue.includes(waiter)) await this.#signOn();
      } catch (error) {
        if (!this.#queue.includes(waiter)) continue;
        this.#unqueue(waiter);
        if (waiter.local !== undefined) {
          waiter.local.reject(
            new LinkError(`port ${this.id} cannot be opened: ${messageOf(error)}`, { cause: error }),
          );
          continue;
        }
        this.#host.reply(
          open.replyTo,
          reason(
            'error',
            open,
            TunnelErrorCode.portFailed,
            `port ${this.id} cannot be opened: ${messageOf(error)}`,
          ),
        );
        continue;
      }
      // The waiter may have gone (deadline, close, head-end gone) while the link was opening.
      if (!this.#queue.includes(waiter) || this.#stopped) continue;
      this.#unqueue(waiter, false);
      if (waiter.local !== undefined) {
        this.#grantLocal(waiter.local);
        continue;
      }
      const requested = open.leaseIdleMs > 0 ? open.leaseIdleMs : this.#settings.leaseIdleMs;
      const lease: Lease = {
        sessionId: open.sessionId,
        headEndId: open.replyTo,
        idleMs: Math.min(requested, this.#settings.maxLeaseIdleMs),
        lastSeq: undefined,
        outSeq: 0,
        correlationId: open.correlationId,
        idleTimer: undefined,
        touchedAt: 0,
      };
      // Bytes that arrived before the grant belong to nobody's lease: push them first.
      this.#flushPending();
      this.#lease = lease;
      this.#touch(lease);
      this.#host.reply(open.replyTo, this.#opened(open, lease));
      this.#host.busyChanged(this.id, this.busy);
      this.#host.headEndsChanged();
    }
  }

  #grantLocal(waiter: LocalWaiter): void {
    waiter.cleanup();
    const options = waiter.options;
    const holder: LocalHolder = { options, ended: new AbortController() };
    const lease: Lease = {
      local: holder,
      sessionId: 0,
      headEndId: '',
      idleMs: options.idleMs ?? 0,
      lastSeq: undefined,
      outSeq: 0,
      correlationId: 0,
      idleTimer: undefined,
      touchedAt: 0,
    };
    this.#flushPending();
    this.#lease = lease;
    this.#touch(lease);
    const release = (): void => {
      if (this.#lease === lease) this.#endLease(TunnelErrorCode.none, `released by ${options.holder}`, true);
    };
    options.signal?.addEventListener('abort', release, { once: true });
    holder.ended.signal.addEventListener(
      'abort',
      () => options.signal?.removeEventListener('abort', release),
      { once: true },
    );
    this.#host.busyChanged(this.id, this.busy);
    const link = this.#link!;
    waiter.resolve({
      link,
      signal: holder.ended.signal,
      touch: () => {
        if (this.#lease === lease) this.#touch(lease);
      },
      release,
    });
  }

  #opened(open: OpenEnvelope, lease: Lease): Envelope {
    return {
      ...header(open, 0),
      type: 'opened',
      leaseIdleMs: lease.idleMs,
      maxPayloadBytes: this.#settings.maxPayloadBytes,
    };
  }

  /** Ends the lease with a `closed` envelope carrying `code`, and grants the next open. */
  #endLease(code: number, message: string, tell: boolean): void {
    const lease = this.#lease;
    if (lease === undefined) return;
    this.#flushPending();
    clearTimeout(lease.idleTimer);
    this.#lease = undefined;
    const apdu = lease.apdu;
    if (apdu !== undefined) {
      // APDU mode: DISC to the meter before the next holder gets the port.
      const disconnected = this.#disconnect(apdu);
      this.#run(() => disconnected);
    }
    if (lease.local !== undefined) {
      lease.local.ended.abort(new LinkError(`lease on port ${this.id} ended: ${message}`));
    } else if (tell) {
      this.#host.reply(lease.headEndId, {
        ...header(
          { sessionId: lease.sessionId, correlationId: lease.correlationId, portId: this.id },
          ++lease.outSeq,
        ),
        type: 'closed',
        code,
        message,
      });
    }
    this.#host.busyChanged(this.id, this.busy);
    this.#host.headEndsChanged();
    this.#run(() => this.#grantNext());
  }

  /**
   * Records traffic on the lease. One timer per lease rather than one per envelope: when it
   * fires early (traffic since), it is armed again for the rest of the idle time.
   */
  #touch(lease: Lease): void {
    lease.touchedAt = performance.now();
    if (lease.idleTimer === undefined && lease.idleMs > 0) this.#armIdle(lease, lease.idleMs);
  }

  #armIdle(lease: Lease, ms: number): void {
    lease.idleTimer = setTimeout(() => {
      lease.idleTimer = undefined;
      if (this.#lease !== lease) return;
      const idle = performance.now() - lease.touchedAt;
      if (idle < lease.idleMs) this.#armIdle(lease, lease.idleMs - idle);
      else this.#endLease(TunnelErrorCode.leaseExpired, `no traffic for ${lease.idleMs} ms`, true);
    }, ms);
  }

  #unqueue(waiter: Waiter, notify = true): void {
    clearTimeout(waiter.timer);
    waiter.local?.cleanup();
    const at = this.#queue.indexOf(waiter);
    if (at >= 0) this.#queue.splice(at, 1);
    if (notify) this.#host.headEndsChanged();
  }

  #run(task: () => Promise<void>): void {
    this.#tasks = this.#tasks.then(task).catch((error: unknown) => this.#host.reportError(error as Error));
  }

  async #ensureOpen(timeoutMs = this.#settings.openTimeoutMs): Promise<void> {
    if (this.#stopped) throw new Error('the gateway is stopping');
    let link = this.#link;
    if (link === undefined) {
      const source = this.#settings.link;
      link = typeof source === 'function' ? source() : source;
      this.#attach(link);
    }
    if (!link.isOpen) await link.open({ timeoutMs });
  }

  /** Runs the mode E sign-on; its answers are not meter data for anyone (nobody holds the port). */
  async #signOn(): Promise<void> {
    this.#flushPending();
    this.#signingOn = true;
    try {
      await modeESignOn(this.#link!, this.#settings.modeE);
    } catch (error) {
      throw new LinkError(`the mode E sign-on failed: ${messageOf(error)}`, { cause: error });
    } finally {
      this.#signingOn = false;
    }
  }

  readonly #onLinkData = (bytes: Uint8Array): void => {
    if (this.#apdu !== undefined) return; // APDU mode: the association listens to the link itself
    if (this.#signingOn) return; // the sign-on reads its identification line itself
    const chunker = this.#settings.chunker;
    for (const chunk of chunker.push(bytes)) this.#emit(chunk);
    this.#clearGap();
    if (chunker.pending > 0) {
      this.#gapTimer = setTimeout(() => {
        this.#gapTimer = undefined;
        this.#flushPending();
      }, chunker.gapMs);
    }
  };

  readonly #onLinkClose = (error?: Error): void => {
    const link = this.#link;
    if (link === undefined || link.state === 'reconnecting') return;
    this.#flushPending();
    // A factory makes a fresh link next time; a given link is opened again.
    if (typeof this.#settings.link === 'function') this.#detach();
    this.#answer?.settle();
    if (this.#lease !== undefined) {
      this.#endLease(
        TunnelErrorCode.portFailed,
        `port ${this.id} closed${error ? `: ${error.message}` : ''}`,
        true,
      );
    }
  };

  #attach(link: Link): void {
    this.#link = link;
    link.on('data', this.#onLinkData);
    link.on('close', this.#onLinkClose);
  }

  #detach(): void {
    this.#link?.off('data', this.#onLinkData);
    this.#link?.off('close', this.#onLinkClose);
    this.#link = undefined;
  }

  #clearGap(): void {
    if (this.#gapTimer !== undefined) clearTimeout(this.#gapTimer);
    this.#gapTimer = undefined;
  }

  #flushPending(): void {
    this.#clearGap();
    const chunk = this.#settings.chunker.flush();
    if (chunk !== undefined) this.#emit(chunk);
  }

  /** Sends meter bytes to the lease holder, or to the push topic when nobody holds the port. */
  #emit(chunk: Uint8Array): void {
    const lease = this.#lease;
    if (lease === undefined) {
      this.#answer?.settle(); // the previous holder's answer, pushed
      this.#host.push({
        ...header({ sessionId: 0, correlationId: 0, portId: this.id }, ++this.#pushSeq >>> 0),
        type: 'push',
        payload: chunk,
      });
      return;
    }
    this.#touch(lease);
    if (lease.local !== undefined) {
      lease.local.options.onChunk?.(chunk);
      return;
    }
    lease.outSeq = (lease.outSeq + 1) >>> 0;
    const answer = this.#answer;
    answer?.settle();
    // A literal, not a spread header: this is the hot path.
    this.#host.reply(lease.headEndId, {
      type: 'data',
      flags: answer === undefined ? 0 : EnvelopeFlag.answers,
      sessionId: lease.sessionId,
      seq: lease.outSeq,
      correlationId: lease.correlationId,
      deadlineMs: 0,
      sentAt: Date.now(),
      replyTo: '',
      portId: this.id,
      payload: chunk,
    });
  }
}

/** `true` when `envelope` comes from the head-end holding `lease` (never for a local lease). */
function owns(lease: Lease, envelope: Envelope): boolean {
  return (
    lease.local === undefined &&
    lease.sessionId === envelope.sessionId &&
    lease.headEndId === envelope.replyTo
  );
}

function sameOpen(open: OpenEnvelope, envelope: Envelope): boolean {
  return open.sessionId === envelope.sessionId && open.replyTo === envelope.replyTo;
}

/** The stand-in `open` of a local waiter (never sent anywhere). */
function localOpen(portId: string): OpenEnvelope {
  return {
    type: 'open',
    flags: 0,
    sessionId: 0,
    seq: 0,
    correlationId: 0,
    deadlineMs: 0,
    sentAt: 0,
    replyTo: '',
    portId,
    leaseIdleMs: 0,
  };
}

/** `true` when u32 sequence number `seq` comes after `last` (serial number arithmetic, RFC 1982). */
function isNewer(seq: number, last: number): boolean {
  const d = (seq - last) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/** The header of a gateway envelope answering `to`: same session, correlation and port. */
function header(
  to: { sessionId: number; correlationId: number; portId: string },
  seq: number,
): Omit<ReasonEnvelope, 'type' | 'code' | 'message'> {
  return {
    flags: 0,
    sessionId: to.sessionId,
    seq,
    correlationId: to.correlationId,
    deadlineMs: 0,
    sentAt: Date.now(),
    replyTo: '',
    portId: to.portId,
  };
}

function reason(type: 'closed' | 'error', to: Envelope, code: number, message: string): ReasonEnvelope {
  return { ...header(to, 0), type, code, message };
}

function deadlinePassed(to: Envelope, when: string): ReasonEnvelope {
  return reason(
    'error',
    to,
    TunnelErrorCode.deadlinePassed,
    `the request's deadline of ${to.deadlineMs} ms passed ${when}`,
  );
}
