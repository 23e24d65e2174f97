/**
 * The server (meter) end of a wrapper session (spec §5): every APDU a client sends over one TCP
 * connection or from one UDP peer, whatever wPort pair it uses.
 *
 * @module
 */

import { InvalidArgumentError, TimeoutError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import type { WrapperFrame } from '../wrapper/wrapper-codec.js';
import type { ReceivedApdu, SessionAddress, SessionState, SessionWaitOptions } from './types.js';
import { checkDurationMs, WrapperSession, type WrapperSessionOptions } from './wrapper-session-base.js';

/** Options of {@link WrapperServerSession}. */
export interface WrapperServerSessionOptions extends WrapperSessionOptions {
  /**
   * Which frames the server serves, by address (`client` = source wPort, `logicalDevice` =
   * destination wPort): a predicate, or a list of the wPort pairs served. The others are ignored
   * and counted (`counters.ignored`). Default: all.
   */
  accepts?: ((address: SessionAddress) => boolean) | readonly SessionAddress[];
  /**
   * End the session with a {@link TimeoutError} when no accepted APDU arrived for this long, in
   * ms (TCP-UDP setup `inactivity_time_out`, spec §11, counts frames received from the client;
   * APDUs sent do not count). Default `0`: no limit.
   */
  inactivityTimeoutMs?: number;
}

/** Options of {@link WrapperServerSession.send}. */
export interface WrapperSendOptions extends SessionWaitOptions {
  /**
   * Whom to send to: the frame goes from wPort `logicalDevice` to wPort `client` (spec §5: the
   * server answers with the wPorts swapped). Default: the address of the last APDU received.
   */
  address?: SessionAddress;
}

/**
 * A {@link DlmsSession} on the server side of the TCP/UDP wrapper (IEC 62056-47, spec §5), for a
 * link handed out by an acceptor (`listenTcp`: one per connection; `listenUdp`: one per remote
 * address and port) or any other link. It starts `open` when the link is open: the peer opens it
 * by sending.
 *
 * Every accepted APDU is emitted with its address (`client` = source wPort, `logicalDevice` =
 * destination wPort) and `unsolicited: false`. Several clients may share one TCP connection with
 * different wPort pairs: answer each with `send(apdu, { address })` using the address the
 * request came with; without `address`, `send` answers the last APDU received.
 *
 * Receiving, ending and counters are as for {@link WrapperClientSession}; in addition the
 * session ends with a {@link TimeoutError} after `inactivityTimeoutMs` without an accepted APDU.
 * The link is never closed by the session: the owner closes it on `close`.
 *
 * @example
 * ```ts
 * const server = await listenTcp({ port: 4059 }, (link) => {
 *   const session = new WrapperServerSession(link, { inactivityTimeoutMs: 180_000 });
 *   session.on('apdu', ({ apdu, address }) => void session.send(answer(apdu), { address }));
 *   session.on('close', () => void link.close());
 * });
 * ```
 */
export class WrapperServerSession extends WrapperSession {
  readonly #accepts: (address: SessionAddress) => boolean;
  readonly #inactivityTimeoutMs: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` when the last accepted APDU arrived (or the session opened). */
  #lastActivity = 0;
  #lastAddress: SessionAddress | undefined;

  /**
   * @throws {@link InvalidArgumentError} for an `accepts` that is not a function, a
   *   `maxApduBytes` outside 1–65535, or a `timeoutMs`/`inactivityTimeoutMs` out of range
   */
  constructor(link: Link, options: WrapperServerSessionOptions = {}) {
    super(link, options);
    this.#accepts = acceptor(options.accepts);
    const inactivity = options.inactivityTimeoutMs ?? 0;
    this.#inactivityTimeoutMs =
      inactivity === 0 ? undefined : checkDurationMs('inactivityTimeoutMs', inactivity);
    if (link.isOpen) this.start();
  }

  /** The address of the last APDU received (what `send` answers by default), if any. */
  get lastAddress(): SessionAddress | undefined {
    return this.#lastAddress === undefined ? undefined : { ...this.#lastAddress };
  }

  /**
   * Sends one APDU in one frame from `address.logicalDevice` to `address.client`.
   *
   * @throws {@link InvalidArgumentError} when no `address` is given and no APDU was received yet,
   *   {@link EncodeError} for an APDU longer than `maxApduBytes` or a wPort outside 0–65535
   *   (nothing is written), {@link LinkClosedError} when the session is not open,
   *   {@link TimeoutError}, {@link AbortError}, `LinkError` when the transport fails
   */
  send(apdu: Uint8Array, options: WrapperSendOptions = {}): Promise<void> {
    const address = options.address ?? this.#lastAddress;
    if (address === undefined) {
      return Promise.reject(new InvalidArgumentError('no APDU was received yet: pass options.address'));
    }
    return this.writeFrame(apdu, address.logicalDevice, address.client, options);
  }

  /**
   * Pushes an APDU the client did not ask for (data-notification, event-notification, spec
   * §9.9–9.10). On the wrapper it travels like any other frame, from `address.logicalDevice` to
   * `address.client` (the push destination wPort of the Push setup, spec §5): the same as
   * `send`, under the name the HDLC server session uses for its UI frames.
   *
   * @throws as {@link WrapperServerSession.send}
   */
  notify(apdu: Uint8Array, options: WrapperSendOptions = {}): Promise<void> {
    return this.send(apdu, options);
  }

  /** Emits every frame `accepts` takes, and remembers its address for `send`. */
  protected accept(frame: WrapperFrame): ReceivedApdu | undefined {
    const address: SessionAddress = { client: frame.source, logicalDevice: frame.destination };
    if (!this.#accepts(address)) return undefined;
    this.#lastAddress = address;
    this.#lastActivity = performance.now();
    return { apdu: frame.payload, address: { ...address }, unsolicited: false };
  }

  /** Stops the inactivity timer. */
  protected override ended(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Starts receiving and, with `inactivityTimeoutMs`, watching for inactivity. */
  protected override start(): void {
    if (this.state === 'open') return;
    super.start();
    const limit = this.#inactivityTimeoutMs;
    if (limit === undefined || (this.state as SessionState) !== 'open') return; // the link may have been closed
    this.#lastActivity = performance.now();
    this.#watch(limit, limit);
  }

  /**
   * Checks inactivity after `delayMs`. The timer is re-armed for the time left rather than reset
   * on every APDU, so busy sessions cost no timer churn.
   */
  #watch(delayMs: number, limit: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const idle = performance.now() - this.#lastActivity;
      if (idle < limit) {
        this.#watch(limit - idle, limit);
        return;
      }
      this.finish(
        new TimeoutError(`wrapper session with ${this.link.info.peer}: no APDU from the client`, limit),
      );
    }, delayMs);
  }
}

/**
 * The `accepts` option as a predicate: a list entry matches by client and logical device wPort.
 *
 * @throws {@link InvalidArgumentError} when it is neither a function nor a list
 */
function acceptor(accepts: WrapperServerSessionOptions['accepts']): (address: SessionAddress) => boolean {
  if (accepts === undefined) return () => true;
  if (typeof accepts === 'function') return accepts;
  if (!Array.isArray(accepts)) {
    throw new InvalidArgumentError('accepts must be a function or a list of addresses');
  }
  const list = accepts.map((entry: SessionAddress) => ({
    client: entry.client,
    logicalDevice: entry.logicalDevice,
  }));
  return (address) =>
    list.some((entry) => entry.client === address.client && entry.logicalDevice === address.logicalDevice);
}
