/**
 * Options of `DlmsClient.connect` (meterlink spec §2, §10, §12) and their validation.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { isApduTunnel, isReconfigurable, type Link } from '../../core/link.js';
import {
  type Conformance,
  conformanceFromBits,
  conformanceToBits,
  lnClientConformanceBits,
} from '../apdu/acse/acse-codec.js';
import type { SecurityMode } from '../security/security-control.js';
import type { ModeEOptions } from '../session/mode-e.js';
import type { DlmsQuirks, DlmsSession } from '../session/types.js';

/** The addresses a session is opened with. */
export interface DlmsSessionAddress {
  /** Client SAP (HDLC client address, wrapper source wPort). */
  client: number;
  /** Server logical device (HDLC upper address, wrapper destination wPort). */
  logical: number;
  /** Server physical device (HDLC lower address); absent for the wrapper or 1-octet addresses. */
  physical?: number;
}

/**
 * Makes the session the client talks through, for one client/server address pair. The client calls
 * it once per association (twice with `invocationCounter: 'read'`: public client first).
 */
export type DlmsSessionFactory = (address: DlmsSessionAddress) => DlmsSession;

/** HDLC link parameters to propose in SNRM (spec §4.7); passed to the HDLC session. */
export interface DlmsHdlcOptions {
  /** Largest information field the client sends. */
  maxInfoTransmit?: number;
  /** Largest information field the client accepts. */
  maxInfoReceive?: number;
  /** Transmit window (1–7). */
  windowTransmit?: number;
  /** Receive window (1–7). */
  windowReceive?: number;
  /**
   * Response timeout per frame (spec §4.10): how long the session waits for the meter before it
   * polls again with RR or repeats SNRM/DISC. Default: the request's `timeoutMs` divided by
   * `retries + 1`, at most 3000 ms, so that every retry fits inside one request.
   */
  frameTimeoutMs?: number;
  /** Recoveries in a row without progress before the link counts as lost (spec §4.10). Default 3. */
  retries?: number;
}

/** Association authentication (spec §7.5, §10.8). */
export type DlmsAuthentication =
  | {
      /** Lowest level security: no authentication (the public client). */
      mechanism: 'none';
    }
  | {
      /** Low level security: a password in the AARQ. */
      mechanism: 'lls';
      /** The password (a string is taken as Latin-1 octets). */
      password: string | Uint8Array;
    }
  | {
      /** High level security with GMAC (mechanism 5, 4-pass): needs the `security` keys. */
      mechanism: 'hls-gmac';
      /** The client challenge CtoS (8–64 octets). Default: 16 random octets. */
      challenge?: Uint8Array;
    };

/** Suite 0 keys, system title, policy and invocation counter (spec §10). */
export interface DlmsSecurityOptions {
  /**
   * What the client does to every xDLMS request (and requires of every response): `'none'` keeps
   * the association plain (keys used only for HLS-GMAC and ciphered pushes); the others use the
   * ciphered application context with SC `10`, `20` or `30`. Default `'authenticated-encrypted'`.
   */
  policy?: SecurityMode | 'none';
  /** Global unicast encryption key EK (16 octets). */
  encryptionKey: Uint8Array;
  /** Authentication key AK (16 octets). */
  authenticationKey: Uint8Array;
  /** The client system title (8 octets), sent as calling-AP-title. */
  systemTitle: Uint8Array;
  /**
   * Propose a dedicated key in the InitiateRequest (needs an encrypting policy): the key, or `true`
   * for 16 random octets. Requests then use ded- APDUs for the life of the association (§10.2).
   */
  dedicatedKey?: Uint8Array | true;
  /**
   * The invocation counter value for the first protected APDU, or `'read'`: open a public-client
   * association first (client SAP `invocationCounterClient`, no security) and read the Data object
   * `invocationCounterObis`, then use value + 1 (§10.7). Default 1.
   */
  invocationCounter?: number | 'read';
  /** Where the meter publishes the counter it expects (class 1, attribute 2). Default `0.0.43.1.0.255`. */
  invocationCounterObis?: string;
  /** Client SAP of the public association used to read the counter. Default 16. */
  invocationCounterClient?: number;
  /**
   * Called with the next counter value to use, before every protected APDU leaves (and after the
   * counter was read): persist it, and pass it back as `invocationCounter` next time. Awaited.
   */
  onInvocationCounter?: (next: number) => void | Promise<void>;
  /**
   * `'service'` (default): glo-/ded- service-specific APDUs; `'general'`: general-glo/ded-ciphering
   * envelopes (conformance bit 1, general-protection).
   */
  envelope?: 'service' | 'general';
}

/** Options of `DlmsClient.connect`. */
export interface DlmsClientOptions {
  /** The link to the meter; opened when not open yet (and then closed by `close()`). */
  link: Link;
  /**
   * The framing on the link. `'tunnel-apdu'`: the link is a tunnel in APDU mode (`mqttLink`): its
   * gateway runs HDLC with the meter (with the `client`/`server` addresses and the `hdlc`
   * proposals) and the tunnel carries whole APDUs.
   */
  framing: 'hdlc' | 'wrapper' | 'tunnel-apdu';
  /**
   * The session maker: tests and custom framings inject one; default: the package's session factory
   * for `framing`.
   */
  session?: DlmsSessionFactory;
  /** Client SAP. Default 16 (public client). */
  client?: number;
  /** Server addresses. Default `{ logical: 1 }`. */
  server?: {
    /** Logical device (HDLC upper address, wrapper destination wPort). Default 1. */
    logical?: number;
    /** Physical device (HDLC lower address); absent for the wrapper or 1-octet addresses. */
    physical?: number;
  };
  /** Authentication. Default `{ mechanism: 'none' }`. */
  auth?: DlmsAuthentication;
  /** Suite 0 ciphering; absent: no keys, plain association. */
  security?: DlmsSecurityOptions;
  /**
   * client-max-receive-pdu-size. Default 65535 for the wrapper and `'tunnel-apdu'` (segments
   * stay at the gateway, so one large APDU costs one tunnel message), 1024 for HDLC (§12.2).
   */
  maxPduSize?: number;
  /**
   * Conformance to propose: named flags or the 24-bit value. Default `00 7E 1F` (§7.6.1), plus
   * general-protection when ciphering and general-block-transfer when `generalBlockTransfer`.
   */
  conformance?: Conformance | number;
  /** Propose and use general-block-transfer (conformance bit 2). Default false. */
  generalBlockTransfer?: boolean;
  /** Limit of every wait (one request/response round trip, connect steps), ms. Default 5000. */
  timeoutMs?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** Work-arounds for non-conforming meters (all off by default). */
  quirks?: DlmsQuirks;
  /** HDLC link parameters to propose (with `'tunnel-apdu'`: what the gateway proposes to the meter). */
  hdlc?: DlmsHdlcOptions;
  /**
   * HDLC on an optical port: run the IEC 62056-21 mode E sign-on (`modeESignOn`, spec §3) after
   * the link is open and before SNRM, once per `connect`; `true` for its defaults, or its options
   * (the sign-on uses the connect `signal`). Needs a reconfigurable link (`serial()`). Default off.
   */
  modeE?: boolean | Omit<ModeEOptions, 'signal'>;
  /**
   * Wrapper: destination wPorts of pushes that arrive on this connection besides the client's own
   * (the meter's Push setup destination, e.g. `0x66`). Default none.
   */
  pushDestinations?: readonly number[];
}

/** Validated security options. */
export interface ResolvedSecurity {
  policy: SecurityMode | 'none';
  encryptionKey: Uint8Array;
  authenticationKey: Uint8Array;
  systemTitle: Uint8Array;
  dedicatedKey: Uint8Array | true | undefined;
  invocationCounter: number | 'read';
  invocationCounterObis: string;
  invocationCounterClient: number;
  onInvocationCounter: ((next: number) => void | Promise<void>) | undefined;
  envelope: 'service' | 'general';
}

/** Validated client options. */
export interface ResolvedClientOptions {
  client: number;
  logical: number;
  physical: number | undefined;
  auth: DlmsAuthentication;
  security: ResolvedSecurity | undefined;
  maxPduSize: number;
  conformance: Conformance;
  generalBlockTransfer: boolean;
  timeoutMs: number;
  quirks: DlmsQuirks;
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer ${min}–${max}, got ${String(value)}`);
  }
  return value;
}

function bytes(name: string, value: unknown, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new InvalidArgumentError(`${name} must be ${length} octets`);
  }
  return value;
}

function resolveSecurity(s: DlmsSecurityOptions): ResolvedSecurity {
  const policy = s.policy ?? 'authenticated-encrypted';
  if (!['none', 'authenticated', 'encrypted', 'authenticated-encrypted'].includes(policy)) {
    throw new InvalidArgumentError(`security.policy '${String(policy)}' is not a suite 0 policy`);
  }
  const counter = s.invocationCounter ?? 1;
  if (counter !== 'read') integer('security.invocationCounter', counter, 0, 0xffffffff);
  if (s.dedicatedKey !== undefined) {
    if (s.dedicatedKey !== true) bytes('security.dedicatedKey', s.dedicatedKey, 16);
    if (policy === 'none' || policy === 'authenticated') {
      throw new InvalidArgumentError(
        'a dedicated key needs an encrypting security.policy (it travels in the InitiateRequest)',
      );
    }
  }
  const envelope = s.envelope ?? 'service';
  if (envelope !== 'service' && envelope !== 'general') {
    throw new InvalidArgumentError(
      `security.envelope must be 'service' or 'general', got ${String(envelope)}`,
    );
  }
  return {
    policy,
    encryptionKey: bytes('security.encryptionKey', s.encryptionKey, 16),
    authenticationKey: bytes('security.authenticationKey', s.authenticationKey, 16),
    systemTitle: bytes('security.systemTitle', s.systemTitle, 8),
    dedicatedKey: s.dedicatedKey,
    invocationCounter: counter,
    invocationCounterObis: s.invocationCounterObis ?? '0.0.43.1.0.255',
    invocationCounterClient: integer(
      'security.invocationCounterClient',
      s.invocationCounterClient ?? 16,
      0,
      0x7f,
    ),
    onInvocationCounter: s.onInvocationCounter,
    envelope,
  };
}

/**
 * Validates the connect options and fills in the defaults.
 *
 * @throws InvalidArgumentError for an option out of range or an inconsistent combination
 */
export function resolveClientOptions(options: DlmsClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('DlmsClient.connect needs an options object');
  }
  if (options.framing !== 'hdlc' && options.framing !== 'wrapper' && options.framing !== 'tunnel-apdu') {
    throw new InvalidArgumentError(
      `framing must be 'hdlc', 'wrapper' or 'tunnel-apdu', got ${String(options.framing)}`,
    );
  }
  if (typeof options.link?.write !== 'function') {
    throw new InvalidArgumentError('DlmsClient.connect needs a `link`');
  }
  if (options.framing === 'tunnel-apdu' && options.session === undefined && !isApduTunnel(options.link)) {
    throw new InvalidArgumentError(
      `framing 'tunnel-apdu' needs a tunnel link with APDU mode (mqttLink), not ${options.link.info.peer}`,
    );
  }
  if (options.modeE !== undefined && options.modeE !== false) {
    if (options.framing !== 'hdlc') throw new InvalidArgumentError("modeE needs framing 'hdlc'");
    if (!isReconfigurable(options.link)) {
      throw new InvalidArgumentError(
        `modeE needs a link that can change its line settings (serial), not ${options.link.info.peer}`,
      );
    }
  }
  const auth = options.auth ?? { mechanism: 'none' };
  if (!['none', 'lls', 'hls-gmac'].includes(auth.mechanism)) {
    throw new InvalidArgumentError(`auth.mechanism '${String(auth.mechanism)}' is not supported`);
  }
  const security = options.security === undefined ? undefined : resolveSecurity(options.security);
  if (auth.mechanism === 'hls-gmac' && security === undefined) {
    throw new InvalidArgumentError("auth 'hls-gmac' needs the `security` keys and system title");
  }
  const gbt = options.generalBlockTransfer ?? false;
  let bits: number;
  if (options.conformance === undefined) {
    bits = lnClientConformanceBits;
    if (security !== undefined && security.policy !== 'none') bits |= 0x400000; // bit 1 general-protection
    if (gbt) bits |= 0x200000; // bit 2 general-block-transfer
  } else if (typeof options.conformance === 'number') {
    bits = integer('conformance', options.conformance, 0, 0xffffff);
  } else {
    bits = conformanceToBits(options.conformance);
  }
  const maxPduSize = options.maxPduSize ?? (options.framing === 'hdlc' ? 1024 : 0xffff);
  return {
    client: integer('client', options.client ?? 16, 0, 0x7f),
    logical: integer('server.logical', options.server?.logical ?? 1, 0, 0x3fff),
    physical:
      options.server?.physical === undefined
        ? undefined
        : integer('server.physical', options.server.physical, 0, 0x3fff),
    auth,
    security,
    // §14.7: never announce 0; 12 octets is the smallest APDU any service fits in.
    maxPduSize: integer('maxPduSize', maxPduSize, 12, 0xffff),
    conformance: conformanceFromBits(bits),
    generalBlockTransfer: gbt,
    timeoutMs: integer('timeoutMs', options.timeoutMs ?? 5000, 1, 0x7fffffff),
    quirks: options.quirks ?? {},
  };
}
