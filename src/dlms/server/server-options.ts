/**
 * Configuration of a `DlmsServer`: logical devices, the associations clients may open, and who
 * may access what (meterlink spec §7, §10, §11.3 class 15).
 *
 * @module
 */

import type { HdlcServerSessionOptions } from '../session/hdlc-server-session.js';
import type { WrapperServerSessionOptions } from '../session/wrapper-server-session.js';
import type { AttributeAccessLevel, CosemObject } from './cosem-object.js';

/** The keys of a ciphered or HLS-GMAC association (suite 0, §10.2): 16 octets each. */
export interface AssociationKeys {
  /** Global unicast encryption key (EK), also the GMAC key of HLS-GMAC. */
  encryptionKey: Uint8Array;
  /** Authentication key (AK). */
  authenticationKey: Uint8Array;
  /** Master key (KEK): lets Security setup `global_key_transfer` replace the keys (§10.9). Default: none (refused). */
  masterKey?: Uint8Array;
}

/** Access to the attributes and methods of one object, for a {@link CustomAccessRights} table. */
export interface ObjectAccess {
  /** Access to every attribute not listed in `attributes`. Default `'no-access'`. */
  default?: AttributeAccessLevel;
  /** Access per attribute id. Attribute 1 (logical_name) is always at least readable. */
  attributes?: Readonly<Record<number, AttributeAccessLevel>>;
  /** Methods the association may call: all (`true`), none (`false`, the default) or these ids. */
  methods?: boolean | readonly number[];
}

/**
 * An access-rights table: per object (dotted OBIS `'1.0.1.8.0.255'`), and under the key `'*'`
 * for every object not named. Objects that get no entry are not visible to the association: they
 * are left out of its object_list and answer `object-undefined`.
 */
export type CustomAccessRights = Readonly<Record<string, ObjectAccess>>;

/**
 * Access rights of an association (§11.3 class 15 object_list access_rights):
 * - `'read-only-public'`: read-only access to the device's public objects (its `publicObjects`
 *   plus the current association, the SAP assignment and the invocation counters), no methods;
 * - `'management'`: read and write on every attribute, every method (the association's own
 *   `secret` is write-only);
 * - a {@link CustomAccessRights} table.
 */
export type AccessRightsOption = 'read-only-public' | 'management' | CustomAccessRights;

/** Protection an association requires on every xDLMS APDU (the Security setup policy, §10.6). */
export type AssociationSecurity = 'none' | 'authenticated' | 'encrypted' | 'authenticated-encrypted';

/** One association a client may open: who, how it authenticates, and what it may do. */
export interface AssociationOptions {
  /** The client SAP (16 = public client, 1 = management client …), 0–127. */
  client: number;
  /** Authentication mechanism the AARQ must use (§10.8). */
  mechanism: 'none' | 'lls' | 'hls-gmac';
  /** LLS password (Latin-1 string or octets); required for `'lls'`. Writable through Association LN attribute 7. */
  password?: string | Uint8Array;
  /** Suite 0 keys; required for `'hls-gmac'` and for any `security` other than `'none'`. */
  keys?: AssociationKeys;
  /**
   * Protection required on every xDLMS request and used on the responses (§10.6). Anything but
   * `'none'` requires the ciphered application context. Default `'none'` (ciphered requests are
   * still accepted and answered ciphered when `keys` are set and the context is ciphered).
   */
  security?: AssociationSecurity;
  /** Access rights. Default: `'read-only-public'` for client 16, else `'management'`. */
  access?: AccessRightsOption;
  /** server-max-receive-pdu-size announced (and the largest APDU sent), 64–65535. Default 1024. */
  maxPduSize?: number;
  /**
   * The `e` of this association's Security setup `0.0.43.0.e.255` and invocation counter
   * `0.0.43.1.e.255` objects (§10.7, §11.5), for associations with `keys`. Default: 0 for the
   * first association with keys, 1 for the next, and so on.
   */
  securitySetup?: number;
}

/** One logical device of the server (§11.3 SAP assignment): its address and its objects. */
export interface LogicalDeviceOptions {
  /** The logical device address (HDLC upper address / wrapper wPort), 1–0x3FFF; 1 = management logical device. */
  address: number;
  /**
   * The COSEM objects served. The device adds its own current Association LN `0.0.40.0.0.255`,
   * SAP assignment `0.0.41.0.0.255` and, per association with keys, Security setup
   * `0.0.43.0.e.255` and invocation counter `0.0.43.1.e.255`; none of these may be given here.
   */
  objects: readonly CosemObject[];
  /** 8-octet server system title (§10.2); required when an association uses keys. */
  systemTitle?: Uint8Array;
  /** COSEM logical device name for the SAP assignment list (≤ 16 characters). Default `'MLK'` + the address in 13 digits. */
  name?: string;
  /** Associations of this device. Default: the server's `associations`. */
  associations?: readonly AssociationOptions[];
  /**
   * Logical names (dotted OBIS) a `'read-only-public'` association may read besides the built-in
   * objects. Default: the clock `0.0.1.0.0.255`, the logical device name `0.0.42.0.0.255`, the
   * device IDs `0.0.96.1.0.255`–`0.0.96.1.9.255` and the firmware identifier `1.0.0.2.0.255`.
   */
  publicObjects?: readonly string[];
}

/** Options of `new DlmsServer(...)`. */
export interface DlmsServerOptions {
  /** The logical devices (at least one). */
  logicalDevices: readonly LogicalDeviceOptions[];
  /**
   * Associations offered by every logical device without its own list. Default: the public
   * client 16 only (no authentication, read-only public objects).
   */
  associations?: readonly AssociationOptions[];
  /** The server's clock: the `now` of every request context. Default `() => new Date()`. */
  clock?: () => Date;
  /** Largest value reassembled from SET / ACTION blocks, in octets. Default 1 MiB. */
  maxBlockTransferBytes?: number;
}

/**
 * HDLC session options of a served link (information field sizes, windows, inactivity timeout,
 * quirks …, spec §4.7–§4.10). `accepts` is set by the server: the addresses of its logical devices.
 */
export type DlmsServerHdlcOptions = Omit<HdlcServerSessionOptions, 'accepts'>;

/** Wrapper session options of a served link (`inactivityTimeoutMs`, `maxApduBytes` …, spec §5). */
export type DlmsServerWrapperOptions = Omit<WrapperServerSessionOptions, 'accepts'>;

/** Options of `DlmsServer.serve`: the framing and that session's options. */
export type DlmsServeOptions =
  | ({
      /** HDLC (spec §4). */
      framing: 'hdlc';
    } & DlmsServerHdlcOptions)
  | ({
      /** The TCP/UDP wrapper (spec §5). */
      framing: 'wrapper';
    } & DlmsServerWrapperOptions);

/** Options of `DlmsServer.listen`. */
export interface DlmsListenOptions {
  /** Port; 0 picks a free one. Default 4059 (the IANA DLMS/COSEM port, §2). */
  port?: number;
  /** Address to bind. Default `'127.0.0.1'`. */
  host?: string;
  /** Framing of every connection. Default `'wrapper'`. */
  framing?: 'hdlc' | 'wrapper';
  /** `'tcp'` (default) or `'udp'` (wrapper only). */
  transport?: 'tcp' | 'udp';
  /** HDLC session options of every connection (framing `'hdlc'`). */
  hdlc?: DlmsServerHdlcOptions;
  /** Wrapper session options of every connection (framing `'wrapper'`). */
  wrapper?: DlmsServerWrapperOptions;
  /** Most simultaneous TCP connections (the oldest is closed beyond it). Default: no limit. */
  maxConnections?: number;
}

/** A listening server endpoint. */
export interface DlmsListener {
  /** The bound port. */
  readonly port: number;
  /** The bound address. */
  readonly host: string;
  /** Stops listening and closes every connection it accepted. */
  close(): Promise<void>;
}
