/**
 * The client end of a wrapper session (spec §5): APDUs to and from one logical device over TCP or UDP.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import type { WrapperFrame } from '../wrapper/wrapper-codec.js';
import type { ReceivedApdu, SessionWaitOptions } from './types.js';
import { checkWport, WrapperSession, type WrapperSessionOptions } from './wrapper-session-base.js';

/** The "all stations" server wPort (spec §5): answers may come from any logical device. */
const allStations = 0x7f;

/** Options of {@link WrapperClientSession}. */
export interface WrapperClientSessionOptions extends WrapperSessionOptions {
  /** The client's wPort, the source of every APDU sent (spec §5). Default `0x10` (public client). */
  client?: number;
  /**
   * The server's wPort, the destination of every APDU sent: the logical device. Default `1`
   * (management logical device).
   */
  server?: number;
  /**
   * Further destination wPorts whose APDUs are emitted, from any source wPort: the push
   * destinations configured in the meter's Push setup objects, when pushes arrive on this
   * connection (spec §5, vector `wrapper-data-notification` goes to wPort `0x66`). Default none.
   */
  pushDestinations?: readonly number[];
}

/**
 * A {@link DlmsSession} on the client side of the TCP/UDP wrapper (IEC 62056-47, spec §5). Each
 * APDU sent travels in one frame from wPort `client` to wPort `server`.
 *
 * Receiving: on a byte stream (TCP) frames are cut out of the stream; on a message-oriented link
 * (UDP) each datagram is one frame, and a datagram that is not one well-formed frame is dropped
 * and counted (`counters.malformed`). A frame whose destination is not `client` (or one of
 * `pushDestinations`), or whose source is not `server`, belongs to another association and is
 * ignored and counted (`counters.ignored`) — spec §5. Every APDU is emitted with
 * `unsolicited: false`: the wrapper cannot tell a push from an answer, the client decides by
 * the APDU tag.
 *
 * The session ends (`close` event) on `close()`, when the link closes (`LinkClosedError`, `cause`
 * = the link's error), or when the stream carries a bad header (the `DecodeError`: a TCP stream
 * cannot resynchronise, spec §5). The link is never closed by the session.
 *
 * @example
 * ```ts
 * const link = tcp({ host: '10.0.0.5', port: 4059 });
 * const session = new WrapperClientSession(link, { client: 0x10, server: 1 });
 * session.on('apdu', ({ apdu }) => console.log(toHex(apdu)));
 * await session.open(); // opens the link, nothing on the wire
 * await session.send(aarq);
 * ```
 */
export class WrapperClientSession extends WrapperSession {
  /** The client's wPort (source of what is sent). */
  readonly client: number;
  /** The server's wPort (destination of what is sent). */
  readonly server: number;
  readonly #pushDestinations: ReadonlySet<number>;

  /**
   * @throws {@link InvalidArgumentError} for a wPort outside 0–65535, a `maxApduBytes` outside
   *   1–65535 or a `timeoutMs` out of range
   */
  constructor(link: Link, options: WrapperClientSessionOptions = {}) {
    super(link, options);
    this.client = checkWport('client', options.client ?? 0x10);
    this.server = checkWport('server', options.server ?? 1);
    const push = options.pushDestinations ?? [];
    if (!Array.isArray(push)) throw new InvalidArgumentError('pushDestinations must be an array of wPorts');
    this.#pushDestinations = new Set(push.map((port, i) => checkWport(`pushDestinations[${i}]`, port)));
  }

  /**
   * Sends one APDU in one frame from `client` to `server`. Resolves when the link took the bytes.
   *
   * @throws {@link EncodeError} when the APDU is longer than `maxApduBytes` (nothing is written),
   *   {@link LinkClosedError} when the session is not open, {@link TimeoutError},
   *   {@link AbortError}, `LinkError` when the transport fails
   */
  send(apdu: Uint8Array, options?: SessionWaitOptions): Promise<void> {
    return this.writeFrame(apdu, this.client, this.server, options);
  }

  /** Spec §5: a frame for this association (or a configured push destination) is emitted. */
  protected accept(frame: WrapperFrame): ReceivedApdu | undefined {
    const { source, destination, payload } = frame;
    const ours =
      (destination === this.client && (source === this.server || this.server === allStations)) ||
      this.#pushDestinations.has(destination);
    if (!ours) return undefined;
    return { apdu: payload, address: { client: destination, logicalDevice: source }, unsolicited: false };
  }
}
