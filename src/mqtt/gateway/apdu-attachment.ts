/**
 * The gateway side of APDU mode: an HDLC client session on a port's link, run for the lease
 * holder, so that the tunnel carries whole APDUs while SNRM/UA, segmentation, RR and DISC stay
 * next to the meter (docs/mqtt-tunnel.md, "APDU mode").
 *
 * @module
 */

import { AbortError, LinkClosedError, ProtocolError, TimeoutError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { HdlcClientSession } from '../../dlms/session/hdlc-client-session.js';
import type { HdlcServerAddressOptions } from '../../dlms/session/hdlc-options.js';
import { messageOf } from '../../links/peer.js';
import { ApduModeCode, type AttachEnvelope, TunnelErrorCode } from '../protocol/index.js';

/** Response timeout per HDLC frame when the `attach` asks for none, ms (IEC 62056-46 typical). */
const defaultApduFrameTimeoutMs = 3000;

/** Recoveries without progress when the `attach` asks for none. */
const defaultApduRetries = 3;

/** Longest wait for the meter's UA/DM to the DISC that ends an association, ms. */
const discBoundMs = 2000;

/** What an {@link ApduAttachment} reports to its port. */
export interface ApduAttachmentHandlers {
  /** One whole APDU from the meter; `unsolicited` for HDLC UI frames (pushes). */
  apdu(apdu: Uint8Array, unsolicited: boolean): void;
  /** The HDLC association failed on its own (retries exhausted, DM, FRMR, link closed). */
  lost(error: Error): void;
}

/** The values agreed with the meter, as `attached` carries them. */
export interface ApduAttachmentParameters {
  /** Longest information field the gateway sends. */
  maxInfoTransmit: number;
  /** Longest information field the gateway receives. */
  maxInfoReceive: number;
  /** Transmit window. */
  windowTransmit: number;
  /** Receive window. */
  windowReceive: number;
}

/** Why an `attach` failed: the tunnel error code and a message for the head-end. */
export interface ApduAttachFailure {
  /** A `TunnelErrorCode`. */
  code: number;
  /** Human-readable; never a secret. */
  message: string;
}

/**
 * Why `attach` cannot be served on a port, or `undefined` when it can.
 *
 * @param attach - The request.
 * @param hdlcPort - The port's protocol is `hdlc`.
 */
export function attachProblem(attach: AttachEnvelope, hdlcPort: boolean): ApduAttachFailure | undefined {
  if (attach.mode !== ApduModeCode.dlmsHdlc) {
    return { code: TunnelErrorCode.unsupported, message: `APDU mode ${attach.mode} is not supported` };
  }
  if (!hdlcPort) {
    return {
      code: TunnelErrorCode.unsupported,
      message: `port ${attach.portId} is not an hdlc port: APDU mode needs one`,
    };
  }
  return undefined;
}

/**
 * One HDLC association to the meter on behalf of a lease. Create it, `open()` it (SNRM/UA),
 * `send()` APDUs, `close()` it (DISC, bounded). It listens on the link itself: the port must not
 * forward the link's bytes while it exists.
 */
export class ApduAttachment {
  readonly #session: HdlcClientSession;
  readonly #frameTimeoutMs: number;
  /** SNRM/UA succeeded: from now on a failure of the session is a lost association. */
  #up = false;
  #ended = false;

  /**
   * @throws `InvalidArgumentError` when the addresses of `attach` do not make an HDLC address
   *   (a physical address with address size 1, none with 2 or 4)
   */
  constructor(link: Link, attach: AttachEnvelope, handlers: ApduAttachmentHandlers) {
    this.#frameTimeoutMs = attach.frameTimeoutMs || defaultApduFrameTimeoutMs;
    const server: HdlcServerAddressOptions = {
      logical: attach.serverLogical,
      ...(attach.serverPhysical === undefined ? {} : { physical: attach.serverPhysical }),
      ...(attach.addressSize === 0 ? {} : { addressSize: attach.addressSize }),
    };
    this.#session = new HdlcClientSession(link, {
      client: attach.client,
      server,
      timeoutMs: this.#frameTimeoutMs,
      retries: attach.retries || defaultApduRetries,
      ...(attach.maxInfoTransmit === 0 ? {} : { maxInfoTransmit: attach.maxInfoTransmit }),
      ...(attach.maxInfoReceive === 0 ? {} : { maxInfoReceive: attach.maxInfoReceive }),
      ...(attach.windowTransmit === 0 ? {} : { windowTransmit: attach.windowTransmit }),
      ...(attach.windowReceive === 0 ? {} : { windowReceive: attach.windowReceive }),
    });
    this.#session.on('apdu', ({ apdu, unsolicited }) => handlers.apdu(apdu, unsolicited));
    this.#session.on('close', (error) => {
      if (this.#up && !this.#ended && error !== undefined) handlers.lost(error);
    });
  }

  /**
   * SNRM/UA with the meter, bounded by the session's retries and by `signal`.
   *
   * @returns The negotiated parameters, or why it failed (`meter-refused`, `port-failed`,
   *   `deadline-passed`); never throws.
   */
  async open(signal: AbortSignal): Promise<ApduAttachmentParameters | ApduAttachFailure> {
    try {
      await this.#session.open({ signal });
      this.#up = true;
      const p = this.#session.parameters;
      return {
        maxInfoTransmit: p.maxInfoTransmit,
        maxInfoReceive: p.maxInfoReceive,
        windowTransmit: p.windowTransmit,
        windowReceive: p.windowReceive,
      };
    } catch (error) {
      this.#ended = true;
      return openFailure(error);
    }
  }

  /**
   * Sends one APDU (segmented as negotiated); resolves when its last segment is out. The answer
   * comes through the `apdu` handler; a failure ends the association (`lost`).
   * @throws whatever the session's `send` throws
   */
  send(apdu: Uint8Array): Promise<void> {
    return this.#session.send(apdu);
  }

  /** DISC, waiting at most a bounded time for UA/DM; then the session stops listening. Idempotent, never rejects. */
  close(): Promise<void> {
    this.#ended = true;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), Math.min(this.#frameTimeoutMs, discBoundMs));
    return this.#session
      .close({ timeoutMs: this.#frameTimeoutMs, signal: stop.signal })
      .catch(() => undefined)
      .finally(() => clearTimeout(timer));
  }
}

/** The tunnel error for a failed SNRM/UA. */
function openFailure(error: unknown): ApduAttachFailure {
  const message = messageOf(error);
  if (error instanceof AbortError) {
    return { code: TunnelErrorCode.deadlinePassed, message: `the deadline passed during SNRM: ${message}` };
  }
  if (error instanceof TimeoutError || error instanceof ProtocolError) {
    return { code: TunnelErrorCode.meterRefused, message };
  }
  if (error instanceof LinkClosedError) return { code: TunnelErrorCode.portFailed, message };
  return { code: TunnelErrorCode.internal, message };
}
