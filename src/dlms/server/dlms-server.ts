/**
 * `DlmsServer`: the meter simulator's server core (meterlink spec §2, §7, §9, §10, §11.3) —
 * logical devices of COSEM objects, associations with access rights, GET/SET/ACTION with block
 * transfer and ciphering, on any number of concurrent sessions.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { encodeApdu } from '../apdu/apdu-codec.js';
import type { DataNotification, EventNotificationRequest } from '../apdu/types.js';
import { dateToCosemDateTime } from '../axdr/calendar-instant.js';
import type { Data } from '../axdr/types.js';
import { createServerSession } from '../session/create-session.js';
import type { HdlcServerSession } from '../session/hdlc-server-session.js';
import type { DlmsSession, SessionAddress } from '../session/types.js';
import { encodeWrapperFrame } from '../wrapper/wrapper-codec.js';
import type { Association } from './association.js';
import { protectPush } from './ciphering.js';
import { type ConnectionHost, type ReleaseReason, ServerConnection } from './connection.js';
import { listenDlms, pushFrame } from './listen.js';
import { deviceName, LogicalDevice } from './logical-device.js';
import { type AssociationInfo, type DlmsServerEvents, ServerEvents } from './server-events.js';
import type {
  AssociationOptions,
  DlmsListener,
  DlmsListenOptions,
  DlmsServeOptions,
  DlmsServerOptions,
} from './server-options.js';

/** A served session: stop it with `close()` (its associations end; the link stays open). */
export interface DlmsServedSession {
  /** Ends the session. */
  close(): Promise<void>;
}

/**
 * A push as a Push setup object hands it over (§11.3 class 40): the body, the trigger time and
 * send_destination_and_method. TCP (0) and UDP (1) destinations `host:port` get the push through
 * a fresh wrapper link; any other transport (5 HDLC …) goes to the clients connected to the
 * logical device of `context`.
 */
export interface DlmsPush {
  /** notification-body. */
  readonly body: Data;
  /** Sent as the notification's date-time (UTC fields, deviation 0). Default: none. */
  readonly time?: Date;
  /** send_destination_and_method: transport_service and the destination octets (ASCII `host:port`). */
  readonly destination?: {
    /** transport_service: 0 TCP, 1 UDP, other values go to the connected clients. */
    readonly transport: number;
    /** The destination octets, ASCII `host:port`. */
    readonly destination: Uint8Array;
  };
  /** The request that triggered the push: its logical device sends it. */
  readonly context?: {
    /** The logical device the pushing object belongs to. */
    readonly logicalDevice: number;
  };
}

/** Options of {@link DlmsServer.notify}. */
export interface DlmsNotifyOptions {
  /**
   * Connected clients: only the associations of this client SAP (default: every established
   * association, one notification per session). Destination: the destination wPort and the
   * association whose keys protect the push (default 0x66, the push wPort of vector
   * `wrapper-data-notification`).
   */
  client?: number;
  /** The sending logical device (default: any when connected, the first device for a destination). */
  logicalDevice?: number;
  /**
   * Push to `'host:port'` through a fresh wrapper link instead of the connected clients (Push
   * setup send_destination, §11.3 class 40). HDLC destinations are not supported.
   */
  destination?: string;
  /** Transport to the destination. Default `'tcp'`. */
  transport?: 'tcp' | 'udp';
  /** Bound on a destination push (connect + write). Default 5000 ms. */
  timeoutMs?: number;
  /** Aborts a destination push. */
  signal?: AbortSignal;
}

/** Destination wPort of a push sent to a destination (vector `wrapper-data-notification`). */
const pushWport = 0x66;

/** The notify options of a Push setup push: TCP/UDP destinations, else the connected clients. */
function pushOptions(push: DlmsPush, options: DlmsNotifyOptions): DlmsNotifyOptions {
  const out: DlmsNotifyOptions = { ...options };
  if (push.context !== undefined) out.logicalDevice = push.context.logicalDevice;
  const transport = push.destination?.transport;
  if (transport === 0 || transport === 1) {
    out.destination = String.fromCharCode(...push.destination!.destination);
    out.transport = transport === 0 ? 'tcp' : 'udp';
  }
  return out;
}

const associationDefaults: readonly AssociationOptions[] = [{ client: 16, mechanism: 'none' }];

/**
 * A DLMS/COSEM server: answers AARQ/RLRQ and GET/SET/ACTION for the COSEM objects of its
 * logical devices, on sessions handed to {@link DlmsServer.serve} or accepted by
 * {@link DlmsServer.listen}. Each session has its own associations; security counters are kept
 * per logical device and client for the server's lifetime.
 *
 * @example
 * ```ts
 * import { DlmsServer } from 'meterlink/dlms';
 *
 * const server = new DlmsServer({
 *   logicalDevices: [{ address: 1, objects: [clock, energy], systemTitle }],
 *   associations: [
 *     { client: 16, mechanism: 'none' },
 *     { client: 1, mechanism: 'lls', password: '12345678' },
 *   ],
 * });
 * const listener = await server.listen({ port: 4059, framing: 'wrapper' });
 * // … later
 * await server.close();
 * ```
 */
export class DlmsServer {
  readonly #devices = new Map<number, LogicalDevice>();
  readonly #events = new ServerEvents();
  readonly #connections = new Set<ServerConnection>();
  readonly #listeners = new Set<DlmsListener>();
  readonly #host: ConnectionHost;
  #notificationId = 0;
  #closed = false;

  /**
   * @throws InvalidArgumentError for no or duplicate logical devices, invalid associations,
   *   keys without a system title, or objects using the server's reserved logical names
   */
  constructor(options: DlmsServerOptions) {
    const devices = options.logicalDevices;
    if (!Array.isArray(devices) || devices.length === 0) {
      throw new InvalidArgumentError('a DlmsServer needs at least one logical device');
    }
    const sapList = devices.map((d) => ({ sap: d.address, name: deviceName(d) }));
    for (const d of devices) {
      if (this.#devices.has(d.address))
        throw new InvalidArgumentError(`two logical devices at address ${d.address}`);
      this.#devices.set(
        d.address,
        new LogicalDevice(d, d.associations ?? options.associations ?? associationDefaults, sapList),
      );
    }
    const maxBlock = options.maxBlockTransferBytes ?? 0x100000;
    if (!Number.isInteger(maxBlock) || maxBlock < 1) {
      throw new InvalidArgumentError(`maxBlockTransferBytes must be a positive integer, got ${maxBlock}`);
    }
    const events = this.#events;
    const info = (a: Association): AssociationInfo => ({
      client: a.config.client,
      logicalDevice: a.device.address,
      mechanism: a.config.mechanism,
      ciphered: a.ciphered,
    });
    this.#host = {
      devices: this.#devices,
      clock: options.clock ?? (() => new Date()),
      maxBlockTransferBytes: maxBlock,
      report: (error) => events.emit('error', error instanceof Error ? error : new Error(String(error))),
      associated: (a) => events.emit('association', info(a)),
      released: (a, reason: ReleaseReason) => events.emit('release', { ...info(a), reason }),
      closed: (connection) => this.#connections.delete(connection),
    };
  }

  /** Adds a listener. */
  on<E extends keyof DlmsServerEvents>(event: E, listener: DlmsServerEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof DlmsServerEvents>(event: E, listener: DlmsServerEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Number of sessions being served. */
  get sessionCount(): number {
    return this.#connections.size;
  }

  /**
   * Serves an already created server-side session (APDU level) until it closes.
   *
   * @throws InvalidArgumentError after `close()`
   */
  serveSession(session: DlmsSession): DlmsServedSession {
    if (this.#closed) throw new InvalidArgumentError('the DlmsServer is closed');
    const connection = new ServerConnection(session, this.#host);
    this.#connections.add(connection);
    return { close: () => connection.close() };
  }

  /**
   * Serves the clients on `link` (which the caller opened, and closes) with the given framing
   * until the link or the returned handle closes.
   *
   * @throws InvalidArgumentError for an unknown framing or after `close()`
   * @example
   * ```ts
   * const [client, meter] = memoryPair();
   * const served = server.serve(meter, { framing: 'hdlc' });
   * ```
   */
  serve(link: Link, options: DlmsServeOptions): DlmsServedSession {
    return this.#serveLink(link, options, false);
  }

  /**
   * Serves `link` with one session at a time. When an HDLC session ends while the link stays open
   * (DISC, or the inactivity timeout on a link the caller owns), a fresh session follows: the
   * meter is back in disconnected mode and waits for the next SNRM (spec §4.8, §4.10).
   * Otherwise serving stops, and a link the server accepted itself is closed.
   */
  #serveLink(link: Link, options: DlmsServeOptions, ownsLink: boolean): DlmsServedSession {
    if (this.#closed) throw new InvalidArgumentError('the DlmsServer is closed');
    // Frames for addresses the server does not hold are ignored by the session (spec §4.3, §5).
    const accepts = (address: SessionAddress): boolean => this.#devices.has(address.logicalDevice);
    let stopped = false;
    let connection: ServerConnection;
    const start = (): void => {
      const session: DlmsSession =
        options.framing === 'hdlc'
          ? createServerSession(link, { ...options, accepts })
          : createServerSession(link, { ...options, accepts });
      const current = new ServerConnection(session, this.#host);
      connection = current;
      this.#connections.add(current);
      if (session.framing === 'hdlc') {
        // A new SNRM on a connected link voids the associations above it (spec §4.8).
        (session as HdlcServerSession).on('connect', (_address, reset) => {
          if (reset) current.reset();
        });
      }
      session.on('close', (error) => {
        // An accepted connection whose session failed (inactivity, retries) is dropped.
        const again = !stopped && !this.#closed && session.framing === 'hdlc' && link.isOpen;
        if (again && (!ownsLink || error === undefined)) start();
        else if (ownsLink) void link.close();
      });
    };
    start();
    return {
      close: () => {
        stopped = true;
        return connection.close();
      },
    };
  }

  /**
   * Listens on TCP (HDLC or wrapper framing) or UDP (wrapper) and serves every connection with
   * its own session and associations.
   *
   * @throws LinkError when the port cannot be bound, InvalidArgumentError for bad options
   * @example
   * ```ts
   * const { port, close } = await server.listen({ port: 0, framing: 'hdlc' });
   * ```
   */
  async listen(options: DlmsListenOptions = {}): Promise<DlmsListener> {
    if (this.#closed) throw new InvalidArgumentError('the DlmsServer is closed');
    const framing = options.framing ?? 'wrapper';
    const report = this.#host.report;
    const listener = await listenDlms(
      options,
      (link) => {
        const session: DlmsServeOptions =
          framing === 'hdlc' ? { ...options.hdlc, framing } : { ...options.wrapper, framing };
        this.#serveLink(link, session, true);
      },
      report,
    );
    const handle: DlmsListener = {
      port: listener.port,
      host: listener.host,
      close: async () => {
        this.#listeners.delete(handle);
        await listener.close();
      },
    };
    this.#listeners.add(handle);
    return handle;
  }

  /**
   * Sends a data-notification (§9.9) or an event-notification-request (§9.10, the unsolicited
   * report of one attribute's new value that meters older than Push setup send): to connected
   * clients (resolves with how many sessions got it), or to `options.destination` through a fresh
   * wrapper link (resolves with 1). A plain `Data` becomes the body of a data-notification with the
   * next long-invoke-id and no date-time; a {@link DlmsPush} is routed by its destination.
   * Associations whose policy asks for protection get the push in general-glo-ciphering (§10.4).
   *
   * @throws InvalidArgumentError for an unknown logical device or a malformed destination;
   *   LinkError, TimeoutError or AbortError when a destination push fails
   * @example
   * ```ts
   * await server.notify({ type: 'structure', value: [energy] });
   * await server.notify(body, { destination: '127.0.0.1:4060', client: 1 });
   * await server.notify({
   *   type: 'event-notification-request',
   *   time: undefined,
   *   attribute: { classId: 1, instance: '0.0.96.11.0.255', attributeId: 2 }, // event code
   *   value: { type: 'long-unsigned', value: 47 },
   * });
   * ```
   */
  async notify(
    notification: Data | DataNotification | EventNotificationRequest | DlmsPush,
    options: DlmsNotifyOptions = {},
  ): Promise<number> {
    if (!('type' in notification))
      return this.notify(
        this.#wrap(notification.body, notification.time),
        pushOptions(notification, options),
      );
    const apdu = encodeApdu(
      notification.type === 'data-notification' || notification.type === 'event-notification-request'
        ? notification
        : this.#wrap(notification),
    );
    if (options.destination === undefined) {
      const sent = await Promise.all(
        [...this.#connections].map((c) => c.notify(apdu, options.client, options.logicalDevice)),
      );
      return sent.filter(Boolean).length;
    }
    const address = options.logicalDevice ?? this.#devices.keys().next().value!;
    const device = this.#devices.get(address);
    if (device === undefined) throw new InvalidArgumentError(`no logical device ${address}`);
    const client = options.client ?? pushWport;
    const security = device.associations.get(client)?.security;
    const payload =
      security === undefined || security.policy === 'none' ? apdu : await protectPush(apdu, device, security);
    const frame = encodeWrapperFrame({ source: address, destination: client, payload });
    const wait = {
      timeoutMs: options.timeoutMs ?? 5000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    await pushFrame({ destination: options.destination, transport: options.transport ?? 'tcp' }, frame, wait);
    return 1;
  }

  /**
   * A push sender for Push setup objects: `notify(push)` without waiting; a failure is emitted as
   * an `error` event.
   *
   * @example
   * ```ts
   * pushSetup.sender = server.pushSender();
   * ```
   */
  pushSender(): (push: DlmsPush) => void {
    return (push) => {
      this.notify(push).catch((error: unknown) => this.#host.report(error));
    };
  }

  #wrap(body: Data, time?: Date): DataNotification {
    this.#notificationId = (this.#notificationId + 1) & 0xffffff;
    return {
      type: 'data-notification',
      invoke: {
        longInvokeId: this.#notificationId,
        selfDescriptive: false,
        breakOnError: false,
        confirmed: false,
        highPriority: false,
      },
      dateTime: time === undefined ? undefined : dateToCosemDateTime(time, { deviation: 0 }),
      body,
    };
  }

  /** Stops every listener and session; idempotent. Links handed to `serve` stay open. */
  async close(): Promise<void> {
    this.#closed = true;
    const listeners = [...this.#listeners].map((l) => l.close());
    const sessions = [...this.#connections].map((c) => c.close());
    await Promise.allSettled([...listeners, ...sessions]);
  }
}
