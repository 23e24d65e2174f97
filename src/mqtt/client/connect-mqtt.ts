/**
 * The MQTT connection both ends of the tunnel use: unique client ids, persistent sessions,
 * reconnect with exponential backoff and jitter, `TCP_NODELAY`, MQTT 5 when the broker has it.
 *
 * @module
 */

import mqtt, { type IClientOptions, type MqttClient, type Timer } from 'mqtt';
import { waitFor } from '../../core/abort.js';
import { LinkError, MeterlinkError } from '../../core/errors.js';
import {
  backoffDelay,
  type ReconnectOptions,
  type ReconnectPolicy,
  reconnectPolicy,
} from '../../links/backoff.js';
import { messageOf } from '../../links/peer.js';
import { checkNumber, checkText } from '../../links/validate.js';
import { type MqttBroker, type ResolvedBroker, resolveBroker } from './broker-options.js';
import { createClientId } from './client-id.js';

/** The MQTT protocol version to speak: 3.1.1 (`4`), 5, or 5 with a fallback to 3.1.1. */
export type MqttProtocolVersion = 4 | 5 | 'auto';

/** A Last Will: published by the broker when the client vanishes without a DISCONNECT. */
export interface MqttWill {
  /** Topic of the will message. */
  topic: string;
  /** Payload of the will message. */
  payload: Uint8Array | string;
  /** QoS of the will message. Default `1`. */
  qos?: 0 | 1;
  /** Retain the will message. Default `true` (a status topic). */
  retain?: boolean;
}

/** Options of {@link connectMqtt}. */
export interface ConnectMqttOptions {
  /** The broker: a URL or MQTT.js options (TLS `ca`/`cert`/`key`, `username`/`password` …). */
  broker: MqttBroker;
  /** Role in generated client ids (`'gw'`, `'he'` …). */
  role: string;
  /**
   * Fixed client id. Default: `{clientIdPrefix}-{role}-{8 random hex digits}`, new for every
   * process, kept across reconnects (so a persistent session resumes). A client id set in
   * `broker` options wins over this one.
   */
  clientId?: string;
  /** Prefix of generated client ids. Default `'meterlink'`. */
  clientIdPrefix?: string;
  /**
   * `'persistent'` (`clean: false`): the broker keeps the subscriptions and queues QoS 1
   * messages while the client is away, so they survive a reconnect (and a broker restart, if the
   * broker persists sessions). `'clean'`: everything starts over on every connect. Default `'clean'`.
   */
  session?: 'persistent' | 'clean';
  /**
   * MQTT 5 only: how long the broker keeps a persistent session after a disconnect, in seconds
   * (MQTT 3.1.1 brokers keep it until their own expiry). Default `3600`.
   */
  sessionExpirySeconds?: number;
  /**
   * Protocol version. `'auto'` tries MQTT 5 and falls back to 3.1.1 when the broker refuses it
   * (one extra connection to a 3.1.1 broker such as aedes), then keeps the version that worked
   * for every reconnect. Default `'auto'`.
   */
  protocolVersion?: MqttProtocolVersion;
  /** Last Will. Default: none. */
  will?: MqttWill;
  /** Keep-alive interval in seconds (the broker drops a silent client after 1.5×). Default `30`. */
  keepaliveSeconds?: number;
  /** Wait for the first CONNACK at most this long, in ms. Default `10_000`. */
  connectTimeoutMs?: number;
  /**
   * Backoff between reconnect attempts after the connection drops. Default: `initialDelayMs`
   * 250, `maxDelayMs` 30 000, `factor` 2, `jitter` 0.3, unlimited attempts.
   */
  reconnect?: ReconnectOptions;
  /** Abandon the first connect. */
  signal?: AbortSignal;
  /** Told about failed reconnect attempts and other non-fatal problems (no secrets in them). */
  onError?: (error: Error) => void;
}

/** A connected MQTT client, returned by {@link connectMqtt}. */
export interface MqttConnection {
  /**
   * The MQTT.js client: use its promise API (`publishAsync`, `subscribeAsync`) and its events
   * (`message`, `connect`, `offline`, `close`). Do not call `end()` on it: call {@link close}.
   */
  readonly client: MqttClient;
  /** The client id in use. */
  readonly clientId: string;
  /** The protocol version the broker accepted: `4` (3.1.1) or `5`. */
  readonly protocolVersion: 4 | 5;
  /** `scheme://host:port` of the broker, for messages (never credentials). */
  readonly broker: string;
  /**
   * Disconnects cleanly (a DISCONNECT, so the Last Will is not published), or drops the socket
   * when that does not finish within `timeoutMs` (default 2000; then the will is published).
   * Stops reconnecting and removes every listener this helper added. Idempotent.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Stops the connection from keeping the Node.js process alive on its own: its socket and that
   * of every later reconnect, and MQTT.js's reconnect, CONNACK and keep-alive timers are unref'd
   * (WebSocket streams cannot be). It goes on working while something else keeps the process
   * running. For work in the background that must not delay an exit. Irreversible; idempotent.
   */
  unref(): void;
}

const defaultReconnect: ReconnectOptions = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.3,
};

/** CONNACK codes that mean "this protocol version is not spoken here" (3.1.1: 1; MQTT 5: 0x84). */
const unsupportedVersionCodes = new Set([1, 0x84]);

/**
 * Connects to an MQTT broker and keeps the connection up.
 *
 * - **Client id**: unique per process and role unless fixed; a duplicate id makes two clients
 *   kick each other off in a loop.
 * - **Reconnect**: after a drop MQTT.js reconnects on its own; this helper sets its
 *   `reconnectPeriod` before every attempt from exponential backoff with jitter (MQTT.js alone
 *   would retry at a fixed period), and keeps retrying after a refused CONNACK (a broker that
 *   restarts may answer "server unavailable" for a while).
 * - **Subscriptions** come back after a reconnect: MQTT.js resubscribes when the broker has no
 *   session for the client (clean sessions, or a persistent one the broker lost), and the broker
 *   keeps them when the session is resumed.
 * - **`TCP_NODELAY`** is set on the socket of every (re)connect (MQTT.js leaves Nagle on, which
 *   costs about 40 ms per QoS 1 hop).
 * - **No secrets** in errors or logs: URL credentials become `username`/`password`, descriptions
 *   show only `scheme://host:port`, and MQTT.js's debug log (which would print the CONNECT
 *   packet, password included) is switched off.
 *
 * The first connect fails fast (refused, TLS failure, bad credentials, timeout); only later
 * drops are retried.
 *
 * @throws {@link LinkError} when the first connect fails (the message names the broker without
 *   credentials), {@link TimeoutError}, {@link AbortError}, {@link InvalidArgumentError} for bad options
 * @example
 * ```ts
 * const connection = await connectMqtt({
 *   broker: 'mqtts://broker.example:8883',
 *   role: 'he',
 *   session: 'persistent',
 *   will: { topic: 'site/he/status', payload: 'offline' },
 * });
 * connection.client.on('message', (topic, payload) => console.log(topic, payload));
 * await connection.client.subscribeAsync('site/he/res', { qos: 1 });
 * await connection.close();
 * ```
 */
export async function connectMqtt(options: ConnectMqttOptions): Promise<MqttConnection> {
  const resolved = resolveBroker(options.broker);
  const clientId =
    resolved.options.clientId ??
    options.clientId ??
    createClientId(checkText('role', options.role), options.clientIdPrefix);
  // An options object always yields a policy (only `false`/`undefined` mean "never").
  const policy = reconnectPolicy({ ...defaultReconnect, ...options.reconnect })!;
  const connectTimeoutMs = checkNumber('connectTimeoutMs', options.connectTimeoutMs ?? 10_000, 1);
  const versions: readonly (4 | 5)[] =
    options.protocolVersion === 4 ? [4] : options.protocolVersion === 5 ? [5] : [5, 4];
  for (let i = 0; ; i++) {
    const version = versions[i]!;
    try {
      return await connectOnce(resolved, clientId, version, policy, connectTimeoutMs, options);
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (i + 1 < versions.length && typeof code === 'number' && unsupportedVersionCodes.has(code)) continue;
      throw error;
    }
  }
}

async function connectOnce(
  resolved: ResolvedBroker,
  clientId: string,
  version: 4 | 5,
  policy: ReconnectPolicy,
  connectTimeoutMs: number,
  options: ConnectMqttOptions,
): Promise<MqttConnection> {
  const persistent = options.session === 'persistent';
  const will = options.will;
  const refs = { held: true };
  const clientOptions: IClientOptions = {
    keepalive: checkNumber('keepaliveSeconds', options.keepaliveSeconds ?? 30, 0),
    ...resolved.options,
    clientId,
    clean: !persistent,
    protocolVersion: version,
    resubscribe: true,
    // The first connect is not retried (it fails fast); the backoff takes over once connected.
    reconnectPeriod: 0,
    reconnectOnConnackError: false,
    connectTimeout: connectTimeoutMs,
    manualConnect: true,
    // MQTT.js's keep-alive timers, unref'd once the connection no longer holds the process.
    timerVariant: keepaliveTimer(refs),
    // MQTT.js's debug log prints whole CONNECT packets, password included.
    log: () => undefined,
    ...(will === undefined
      ? {}
      : {
          will: {
            topic: will.topic,
            payload: typeof will.payload === 'string' ? Buffer.from(will.payload) : Buffer.from(will.payload),
            qos: will.qos ?? 1,
            retain: will.retain ?? true,
          },
        }),
    ...(version === 5 && persistent
      ? {
          properties: {
            ...resolved.options.properties,
            sessionExpiryInterval: checkNumber(
              'sessionExpirySeconds',
              options.sessionExpirySeconds ?? 3600,
              0,
            ),
          },
        }
      : {}),
  };
  const client =
    resolved.url === undefined ? mqtt.connect(clientOptions) : mqtt.connect(resolved.url, clientOptions);
  const setNoDelay = (packet: { cmd: string }): void => {
    // The stream of this (re)connect was just built: CONNECT is its first packet.
    if (packet.cmd === 'connect')
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  };
  client.on('packetsend', setNoDelay);
  client.connect();
  try {
    await waitFor<void>(
      (resolve, reject) => {
        const onConnect = (): void => resolve();
        const onError = (error: Error): void =>
          reject(
            new LinkError(`cannot connect to the MQTT broker ${resolved.description}: ${messageOf(error)}`, {
              cause: error,
            }),
          );
        const onClose = (): void =>
          reject(
            new LinkError(`the MQTT broker ${resolved.description} closed the connection before CONNACK`),
          );
        client.once('connect', onConnect);
        client.on('error', onError);
        client.once('close', onClose);
        return () => {
          client.off('connect', onConnect);
          client.off('error', onError);
          client.off('close', onClose);
        };
      },
      { timeoutMs: connectTimeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) },
      `connecting to the MQTT broker ${resolved.description}`,
    );
  } catch (error) {
    client.off('packetsend', setNoDelay);
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    throw error instanceof MeterlinkError ? error : new LinkError(messageOf(error), { cause: error });
  }
  return keepConnected(
    client,
    clientId,
    version,
    resolved.description,
    policy,
    options.onError,
    setNoDelay,
    refs,
  );
}

/** Interval timers for MQTT.js's keep-alive, unref'd while `refs.held` is false. */
function keepaliveTimer(refs: { held: boolean }): Timer {
  return {
    set: (callback: () => void, ms: number): number => {
      const timer = setInterval(callback, ms);
      if (!refs.held) timer.unref();
      return timer as unknown as number;
    },
    clear: (id: number): void => clearInterval(id as unknown as ReturnType<typeof setInterval>),
  };
}

/** MQTT.js's private timers (reconnect and CONNACK), reached to unref them. */
interface ClientTimers {
  reconnectTimer?: { unref?: () => void } | null;
  connackTimer?: { unref?: () => void } | null;
}

function keepConnected(
  client: MqttClient,
  clientId: string,
  version: 4 | 5,
  description: string,
  policy: ReconnectPolicy,
  onError: ((error: Error) => void) | undefined,
  setNoDelay: (packet: { cmd: string }) => void,
  refs: { held: boolean },
): MqttConnection {
  let failures = 0;
  const nextDelay = (): number => Math.max(1, backoffDelay(failures + 1, policy));
  // MQTT.js schedules the next attempt with `options.reconnectPeriod` in its own 'close'
  // handler: prepend ours so the period is the backoff of this attempt when it reads it.
  const onCloseFirst = (): void => {
    client.options.reconnectPeriod = nextDelay();
    failures++;
  };
  const onConnect = (): void => {
    failures = 0;
    client.options.reconnectPeriod = nextDelay();
  };
  const onClientError = (error: Error): void => {
    onError?.(new LinkError(`MQTT connection to ${description}: ${messageOf(error)}`, { cause: error }));
  };
  client.options.reconnectPeriod = nextDelay();
  client.options.reconnectOnConnackError = true;
  client.prependListener('close', onCloseFirst);
  client.on('connect', onConnect);
  client.on('error', onClientError);
  const unrefTimers = (): void => {
    const timers = client as unknown as ClientTimers;
    timers.reconnectTimer?.unref?.();
    timers.connackTimer?.unref?.();
  };
  const unrefStream = (): void => (client.stream as { unref?: () => void } | undefined)?.unref?.();
  // A reconnect: the new socket, then (set right after CONNECT is written) the CONNACK timer.
  const unrefConnect = (packet: { cmd: string }): void => {
    if (packet.cmd !== 'connect') return;
    unrefStream();
    queueMicrotask(unrefTimers);
  };
  let closing: Promise<void> | undefined;
  return {
    client,
    clientId,
    protocolVersion: version,
    broker: description,
    close({ timeoutMs = 2000 } = {}) {
      closing ??= (async () => {
        client.off('close', onCloseFirst);
        client.off('connect', onConnect);
        client.off('packetsend', setNoDelay);
        client.off('packetsend', unrefConnect);
        client.off('close', unrefTimers);
        const force = !client.connected;
        await waitFor<void>(
          (resolve) => {
            client.end(force, {}, () => resolve());
            return undefined;
          },
          { timeoutMs },
          'MQTT disconnect',
        ).catch(() => {
          // The DISCONNECT did not go out (broker unreachable): drop the socket.
          client.stream?.destroy();
        });
        client.off('error', onClientError);
      })();
      return closing;
    },
    unref() {
      if (!refs.held || closing !== undefined) return;
      refs.held = false;
      unrefStream();
      unrefTimers();
      // A keep-alive timer already running is replaced by an unref'd one.
      if (client.connected) client.keepaliveManager?.reschedule();
      client.on('packetsend', unrefConnect);
      // MQTT.js sets its reconnect timer in its own 'close' listener, ahead of this one.
      client.on('close', unrefTimers);
    },
  };
}
