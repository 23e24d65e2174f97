/**
 * `TunnelApduSession`: the DLMS session of framing `'tunnel-apdu'` — a tunnel gateway terminates
 * HDLC next to the meter and the link carries whole APDUs (the APDU mode of the MQTT tunnel).
 *
 * @module
 */

import { throwIfAborted } from '../../core/abort.js';
import { InvalidArgumentError, LinkClosedError } from '../../core/errors.js';
import {
  type ApduAttachResult,
  type ApduTunnelHdlcProposal,
  type ApduTunnelLink,
  isApduTunnel,
  type Link,
} from '../../core/link.js';
import { HdlcEventRegistry } from './hdlc-events.js';
import { checkDuration, type HdlcServerAddressOptions, serverHdlcAddress } from './hdlc-options.js';
import type {
  DlmsSession,
  DlmsSessionEvents,
  SessionAddress,
  SessionSendOptions,
  SessionState,
  SessionWaitOptions,
} from './types.js';

/** Options of {@link TunnelApduSession}. */
export interface TunnelApduSessionOptions {
  /** The client SAP: the HDLC client address the gateway uses, 0–127. */
  client: number;
  /** The meter's HDLC address. */
  server: HdlcServerAddressOptions;
  /** HDLC proposals and timing for the gateway's link to the meter. Default: the gateway's. */
  hdlc?: ApduTunnelHdlcProposal;
  /**
   * Bound on `open()`: the gateway's SNRM/UA with its retries plus the broker round trip, ms.
   * Default 15 000.
   */
  timeoutMs?: number;
}

type EventMap = { [E in keyof DlmsSessionEvents]: DlmsSessionEvents[E] };

/**
 * A {@link DlmsSession} over a link in APDU mode ({@link ApduTunnelLink}, e.g. `mqttLink`).
 *
 * - `open()` asks the gateway to set up HDLC with the meter (`attachApdu`: SNRM/UA at the
 *   gateway, with the client and server addresses and the HDLC proposals); opens the link first
 *   when it was never opened. A refusal fails with the link's typed error (`TunnelError`
 *   `unsupported` or `meter-refused`), `TimeoutError` or `AbortError`.
 * - `send()` writes the APDU as one message; every `data` event of the link is one APDU from the
 *   meter, emitted as `apdu` (`unsolicited: true` for the meter's UI frames, its pushes).
 * - `close()` sends nothing: the gateway disconnects the meter (DISC) when the link's lease ends
 *   or when a new session attaches. The link closing ends the session (`close` with the cause).
 * - `maxApduBytes` is the gateway's limit on one APDU, known after `open()`.
 *
 * @example
 * ```ts
 * const link = mqttLink({ broker: 'mqtt://broker:1883', gatewayId: 'gw-1', port: 'p0' });
 * const session = new TunnelApduSession(link, { client: 16, server: { logical: 1, physical: 17 } });
 * session.on('apdu', ({ apdu }) => handle(apdu));
 * await session.open();
 * await session.send(encodeApdu(aarq));
 * ```
 */
export class TunnelApduSession implements DlmsSession {
  /** Always `'tunnel-apdu'`. */
  readonly framing = 'tunnel-apdu' as const;

  readonly #link: ApduTunnelLink;
  readonly #client: number;
  readonly #server: HdlcServerAddressOptions;
  readonly #address: SessionAddress;
  readonly #hdlc: ApduTunnelHdlcProposal | undefined;
  readonly #timeoutMs: number;
  readonly #events = new HdlcEventRegistry<EventMap>();
  #state: SessionState = 'idle';
  #opening: Promise<void> | undefined;
  #attached: ApduAttachResult | undefined;

  /**
   * @throws {@link InvalidArgumentError} when `link` does not offer APDU mode, or for an address
   *   out of range
   */
  constructor(link: Link, options: TunnelApduSessionOptions) {
    if (typeof link?.write !== 'function' || !isApduTunnel(link)) {
      throw new InvalidArgumentError(
        `framing 'tunnel-apdu' needs a tunnel link with APDU mode (mqttLink), not ${link?.info?.peer ?? String(link)}`,
      );
    }
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('TunnelApduSession needs options { client, server }');
    }
    const client = options.client;
    if (!Number.isInteger(client) || client < 0 || client > 127) {
      throw new InvalidArgumentError(`client must be an integer 0–127, got ${String(client)}`);
    }
    const address = serverHdlcAddress(options.server); // checks the server address
    this.#link = link;
    this.#client = client;
    this.#server = { ...options.server };
    this.#address = {
      client,
      logicalDevice: address.upper,
      ...(address.lower === undefined ? {} : { physicalDevice: address.lower }),
    };
    this.#hdlc = options.hdlc === undefined ? undefined : { ...options.hdlc };
    this.#timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? 15_000, 1);
  }

  /** Where the session is in its life cycle. */
  get state(): SessionState {
    return this.#state;
  }

  /** The gateway's limit on one APDU after `open()` (`undefined` before, or when it states none). */
  get maxApduBytes(): number | undefined {
    const max = this.#attached?.maxApduBytes;
    return max === undefined || max === 0 ? undefined : max;
  }

  /** What the gateway negotiated with the meter (after `open()`). */
  get attached(): Readonly<ApduAttachResult> | undefined {
    return this.#attached === undefined ? undefined : { ...this.#attached };
  }

  /** Adds a listener. */
  on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Attaches APDU mode at the gateway (SNRM/UA next to the meter). A failed open closes the
   * session (create a new one to try again).
   *
   * @throws `TunnelError` (`unsupported`: no APDU mode on this gateway or port; `meter-refused`:
   *   DM, FRMR or no UA), `TimeoutError`, `AbortError`, `LinkClosedError`, `LinkError`
   */
  open(options: SessionWaitOptions = {}): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'opening') return this.#opening!;
    if (this.#state !== 'idle')
      return Promise.reject(new LinkClosedError('the tunnel APDU session is closed'));
    this.#state = 'opening';
    this.#opening = this.#attach(options);
    return this.#opening;
  }

  /**
   * Sends one APDU as one message; the answer comes as an `apdu` event.
   * @throws `LinkClosedError` (not open), `InvalidArgumentError` (not bytes, or above the
   *   gateway's limit), `AbortError`
   */
  async send(apdu: Uint8Array, options: SessionSendOptions = {}): Promise<void> {
    if (!(apdu instanceof Uint8Array)) throw new InvalidArgumentError('apdu must be a Uint8Array');
    if (this.#state !== 'open') throw new LinkClosedError(`the tunnel APDU session is ${this.#state}`);
    throwIfAborted(options.signal, 'tunnel APDU send');
    await this.#link.write(apdu);
  }

  /** Stops using the link; nothing is sent (the gateway's DISC comes with the lease's end). Idempotent. */
  close(): Promise<void> {
    this.#end(undefined);
    return Promise.resolve();
  }

  async #attach(options: SessionWaitOptions): Promise<void> {
    const timeoutMs = checkDuration('timeoutMs', options.timeoutMs ?? this.#timeoutMs, 1);
    const signal = options.signal;
    const wait = { timeoutMs, ...(signal === undefined ? {} : { signal }) };
    try {
      throwIfAborted(signal, 'tunnel APDU open');
      const link = this.#link;
      if (!link.isOpen) {
        if (link.state === 'closed') throw new LinkClosedError('the link is closed');
        await link.open(wait);
      }
      if (this.#state !== 'opening')
        throw new LinkClosedError('the tunnel APDU session was closed while opening');
      // Listen first: the first APDU may follow `attached` at once.
      link.on('data', this.#onData);
      link.on('close', this.#onClose);
      this.#attached = await link.attachApdu(
        {
          mode: 'dlms-hdlc',
          client: this.#client,
          server: this.#server,
          ...(this.#hdlc === undefined ? {} : { hdlc: this.#hdlc }),
          onUnsolicited: (apdu) => this.#deliver(apdu, true),
        },
        wait,
      );
      if (this.#state !== 'opening')
        throw new LinkClosedError('the tunnel APDU session was closed while opening');
      this.#state = 'open';
    } catch (error) {
      if (this.#state === 'opening') this.#end(error as Error);
      throw error;
    }
  }

  readonly #onData = (bytes: Uint8Array): void => {
    if (this.#state === 'open') this.#deliver(bytes, false);
  };

  readonly #onClose = (error?: Error): void => {
    this.#end(new LinkClosedError('the link closed under the tunnel APDU session', { cause: error }));
  };

  #deliver(apdu: Uint8Array, unsolicited: boolean): void {
    if (this.#state !== 'open') return;
    this.#events.emit('apdu', { apdu: apdu.slice(), address: { ...this.#address }, unsolicited });
  }

  #end(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#link.off('data', this.#onData);
    this.#link.off('close', this.#onClose);
    this.#events.emit('close', error);
  }
}
