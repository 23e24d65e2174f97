/**
 * The meterlink error hierarchy.
 *
 * Every error the library throws on purpose is a {@link MeterlinkError} with a literal `code`.
 * `instanceof` works even when the package is loaded twice (its ESM and its CJS copy in one
 * process): each class carries a `Symbol.for` brand and checks it in `Symbol.hasInstance`,
 * instead of relying on prototype identity.
 *
 * @module
 */

import { toHex } from './hex.js';

/** Every `code` a meterlink error can carry. The list with explanations is in `docs/errors.md`. */
export const ErrorCode = {
  /** `ERR_DECODE` ({@link DecodeError}): malformed input, bytes the protocol does not allow. */
  decode: 'ERR_DECODE',
  /** `ERR_ENCODE` ({@link EncodeError}): a value that cannot be encoded (out of range, too long …). */
  encode: 'ERR_ENCODE',
  /** `ERR_INVALID_ARGUMENT` ({@link InvalidArgumentError}): an option or argument the API refuses. */
  invalidArgument: 'ERR_INVALID_ARGUMENT',
  /** `ERR_TIMEOUT` ({@link TimeoutError}): a wait took longer than its `timeoutMs`. */
  timeout: 'ERR_TIMEOUT',
  /** `ERR_ABORTED` ({@link AbortError}): the caller's `AbortSignal` fired. */
  aborted: 'ERR_ABORTED',
  /** `ERR_LINK_CLOSED` ({@link LinkClosedError}): the link closed while something still needed it. */
  linkClosed: 'ERR_LINK_CLOSED',
  /** `ERR_LINK` ({@link LinkError}): a link could not be opened or failed; `cause` has the OS error. */
  link: 'ERR_LINK',
  /** `ERR_PROTOCOL` ({@link ProtocolError}): a well-formed answer that does not fit the request. */
  protocol: 'ERR_PROTOCOL',
  /** `ERR_MODBUS_EXCEPTION` (`ModbusException` of `meterlink/modbus`): the server sent an exception response. */
  modbusException: 'ERR_MODBUS_EXCEPTION',
  /** `ERR_MISSING_DEPENDENCY` ({@link MissingDependencyError}): an optional peer package is not installed. */
  missingDependency: 'ERR_MISSING_DEPENDENCY',
  /** `ERR_INVALID_URL` ({@link InvalidUrlError}): a meter URL that cannot be parsed or is out of range. */
  invalidUrl: 'ERR_INVALID_URL',
  /**
   * `ERR_SECURITY` ({@link SecurityError}): a ciphered APDU failed its authentication tag, used an
   * unknown security control, replayed an invocation counter, or a key is malformed.
   */
  security: 'ERR_SECURITY',
  /**
   * `ERR_DLMS_ASSOCIATION` (`AssociationError` of `meterlink/dlms`): the meter refused the
   * association (AARE result and diagnostic, or a confirmedServiceError in the AARE).
   */
  dlmsAssociation: 'ERR_DLMS_ASSOCIATION',
  /** `ERR_DLMS_DATA_ACCESS` (`DataAccessError` of `meterlink/dlms`): a GET/SET answered with a Data-Access-Result. */
  dlmsDataAccess: 'ERR_DLMS_DATA_ACCESS',
  /** `ERR_DLMS_ACTION` (`ActionError` of `meterlink/dlms`): an ACTION answered with an Action-Result other than success. */
  dlmsAction: 'ERR_DLMS_ACTION',
  /**
   * `ERR_DLMS_SERVICE` (`ServiceError` of `meterlink/dlms`): the meter answered a request with an
   * exception-response or a confirmedServiceError (it could not even process it).
   */
  dlmsService: 'ERR_DLMS_SERVICE',
  /**
   * `ERR_FLEET_TASK` (`FleetTaskError`): a `readFleet` plan function or connector threw something
   * that is not a meterlink error; `cause` holds it.
   */
  fleetTask: 'ERR_FLEET_TASK',
} as const;

/** Literal union of every meterlink error code. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const kBrands = Symbol.for('meterlink.error.brands');

interface Branded {
  [kBrands]?: ReadonlySet<string>;
}

/** Options every meterlink error accepts. */
export interface MeterlinkErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/**
 * Base class of every error meterlink throws on purpose.
 *
 * @example
 * ```ts
 * try { await client.readHoldingRegisters(0, 10); }
 * catch (e) { if (e instanceof MeterlinkError) console.error(e.code, e.message); }
 * ```
 */
export class MeterlinkError extends Error {
  /** Brand checked by `instanceof`; subclasses override it with their own unique name. */
  static readonly brand: string = 'MeterlinkError';

  /** Machine-readable error code (see `docs/errors.md`). */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: MeterlinkErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    const brands = new Set<string>();
    for (let c: unknown = new.target; typeof c === 'function' && 'brand' in c; c = Object.getPrototypeOf(c)) {
      brands.add((c as { brand: string }).brand);
    }
    Object.defineProperty(this, kBrands, { value: brands, enumerable: false });
  }

  /**
   * Called by `instanceof`: `true` when `value` is a meterlink error of this class or a subclass.
   *
   * The test is on the `Symbol.for` brand set each error carries, not on the prototype chain, so it
   * also holds for an error created by the other copy of the package (ESM and CJS loaded in one
   * process), where the two class objects differ.
   *
   * @param value - Anything; non-objects are never instances.
   * @returns Whether `value` carries the brand of the class on the right of `instanceof`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // `this` is the class on the right of `instanceof`: check the value carries its brand.
    // biome-ignore lint/complexity/noThisInStatic: the receiver class is exactly what is tested
    return (value as Branded)[kBrands]?.has(this.brand) === true;
  }
}

/** Where a decode error happened: the protocol layer that rejected the bytes. */
export type DecodeLayer =
  | 'core'
  | 'modbus-pdu'
  | 'modbus-rtu'
  | 'modbus-ascii'
  | 'modbus-tcp'
  | 'modbus-registers'
  | 'hdlc'
  | 'wrapper'
  | 'axdr'
  | 'apdu'
  | 'security'
  | 'cosem'
  | 'mqtt-tunnel';

/** Details of a {@link DecodeError}. */
export interface DecodeErrorOptions extends MeterlinkErrorOptions {
  /** Protocol layer that rejected the input. */
  layer: DecodeLayer;
  /** Byte offset, from the start of the decoded unit, at which the problem was found. */
  offset: number;
  /** What the decoder expected at that offset, in words. */
  expected: string;
  /** The input (or the frame) being decoded; a short hex excerpt around `offset` is kept. */
  bytes?: Uint8Array;
}

/** Half-width, in bytes, of the hex excerpt kept in a {@link DecodeError}. */
const excerptRadius = 8;

/**
 * Malformed input: bytes that cannot be what the protocol allows.
 *
 * Never thrown for "need more bytes" (incremental decoders return that) nor for a peer that
 * answered "no" (a Modbus exception, a DLMS data-access-result): those are typed results or
 * their own errors.
 *
 * @example
 * ```ts
 * import { DecodeError, fromHex } from 'meterlink';
 * import { decodeData } from 'meterlink/dlms';
 *
 * try {
 *   decodeData(fromHex('02 02 0F FD 16')); // a structure of two elements, cut short
 * } catch (e) {
 *   if (e instanceof DecodeError) console.error(e.layer, e.offset, e.excerpt); // 'axdr' 5 '02020FFD16[]'
 * }
 * ```
 */
export class DecodeError extends MeterlinkError {
  static override readonly brand: string = 'DecodeError';
  /** Protocol layer that rejected the input. */
  readonly layer: DecodeLayer;
  /** Byte offset at which the problem was found. */
  readonly offset: number;
  /** What was expected at `offset`. */
  readonly expected: string;
  /** Hex excerpt of the input around `offset` (`…` marks cut ends, `[..]` the offending byte). */
  readonly excerpt: string;

  constructor(message: string, options: DecodeErrorOptions) {
    const excerpt = options.bytes === undefined ? '' : hexExcerpt(options.bytes, options.offset);
    super(
      ErrorCode.decode,
      `${options.layer}: ${message} at byte ${options.offset} (expected ${options.expected})${excerpt ? `: ${excerpt}` : ''}`,
      options,
    );
    this.layer = options.layer;
    this.offset = options.offset;
    this.expected = options.expected;
    this.excerpt = excerpt;
  }
}

/** Renders the bytes around `offset` as hex, marking the byte at `offset` with brackets. */
export function hexExcerpt(bytes: Uint8Array, offset: number): string {
  const start = Math.max(0, offset - excerptRadius);
  const end = Math.min(bytes.length, offset + excerptRadius);
  const before = toHex(bytes.subarray(start, Math.min(offset, end)));
  const at = offset < bytes.length ? `[${toHex(bytes.subarray(offset, offset + 1))}]` : '[]';
  const after = offset + 1 < end ? toHex(bytes.subarray(offset + 1, end)) : '';
  return `${start > 0 ? '…' : ''}${before}${at}${after}${end < bytes.length ? '…' : ''}`;
}

/**
 * A value that cannot be encoded (out of range, too long, …): the caller's input is wrong.
 *
 * @example
 * ```ts
 * import { EncodeError } from 'meterlink';
 * import { encodeValue } from 'meterlink/modbus';
 *
 * try {
 *   encodeValue('uint16', 70_000);
 * } catch (e) {
 *   if (e instanceof EncodeError) console.error(e.field, e.message); // 'value' …
 * }
 * ```
 */
export class EncodeError extends MeterlinkError {
  static override readonly brand: string = 'EncodeError';
  /** Name of the offending field. */
  readonly field: string;
  constructor(field: string, message: string, options?: MeterlinkErrorOptions) {
    super(ErrorCode.encode, `${field}: ${message}`, options);
    this.field = field;
  }
}

/**
 * An option or argument outside what the API accepts. Thrown before any I/O, so nothing needs
 * cleaning up.
 *
 * @example
 * ```ts
 * import { fromHex, InvalidArgumentError } from 'meterlink';
 *
 * try {
 *   fromHex(process.argv[2] ?? '');
 * } catch (e) {
 *   if (e instanceof InvalidArgumentError) console.error(`not a hex frame: ${e.message}`);
 * }
 * ```
 */
export class InvalidArgumentError extends MeterlinkError {
  static override readonly brand: string = 'InvalidArgumentError';
  constructor(message: string, options?: MeterlinkErrorOptions) {
    super(ErrorCode.invalidArgument, message, options);
  }
}

/**
 * A wait (response, connect, open …) that took longer than its `timeoutMs`.
 *
 * @example
 * ```ts
 * try {
 *   await mb.readHoldingRegisters(0, 2, { timeoutMs: 500 });
 * } catch (e) {
 *   if (e instanceof TimeoutError) console.error(`unit silent for ${e.timeoutMs} ms`);
 * }
 * ```
 */
export class TimeoutError extends MeterlinkError {
  static override readonly brand: string = 'TimeoutError';
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: MeterlinkErrorOptions) {
    super(ErrorCode.timeout, `${message} (no answer within ${timeoutMs} ms)`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` fired; `cause` holds the signal's reason.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * process.once('SIGINT', () => stop.abort());
 * try {
 *   await meter.readProfile('1.0.99.1.0.255', {}, { signal: stop.signal });
 * } catch (e) {
 *   if (e instanceof AbortError) console.log('profile read cancelled');
 * }
 * ```
 */
export class AbortError extends MeterlinkError {
  static override readonly brand: string = 'AbortError';
  constructor(message = 'operation aborted', options?: MeterlinkErrorOptions) {
    super(ErrorCode.aborted, message, options);
  }
}

/**
 * The link closed (by us, the peer or the network) while something still needed it.
 *
 * @example
 * ```ts
 * try {
 *   await meter.readClock();
 * } catch (e) {
 *   // The meter or the network hung up mid-request: what was in flight is lost, connect again.
 *   if (e instanceof LinkClosedError) meter = await connectDlms(url);
 * }
 * ```
 */
export class LinkClosedError extends MeterlinkError {
  static override readonly brand: string = 'LinkClosedError';
  constructor(message = 'link closed', options?: MeterlinkErrorOptions) {
    super(ErrorCode.linkClosed, message, options);
  }
}

/**
 * A link could not be opened or failed (connection refused, port busy, …); `cause` has the OS error.
 *
 * @example
 * ```ts
 * try {
 *   await connect('modbus+tcp://10.0.0.9:502?unit=1');
 * } catch (e) {
 *   if (e instanceof LinkError) console.error(e.message, e.cause); // cause: the ECONNREFUSED error
 * }
 * ```
 */
export class LinkError extends MeterlinkError {
  static override readonly brand: string = 'LinkError';
  constructor(message: string, options?: MeterlinkErrorOptions) {
    super(ErrorCode.link, message, options);
  }
}

/**
 * The peer answered something well-formed that does not fit the request (wrong echo, wrong count …).
 *
 * @example
 * ```ts
 * try {
 *   await mb.readHoldingRegisters(0, 10);
 * } catch (e) {
 *   if (e instanceof ProtocolError) console.error(`device answered off-spec: ${e.message}`);
 * }
 * ```
 */
export class ProtocolError extends MeterlinkError {
  static override readonly brand: string = 'ProtocolError';
  constructor(message: string, options?: MeterlinkErrorOptions) {
    super(ErrorCode.protocol, message, options);
  }
}

/**
 * An optional peer dependency (e.g. `serialport`) is needed but not installed.
 *
 * @example
 * ```ts
 * try {
 *   await connect('hdlc+serial:///dev/ttyUSB0?baud=9600');
 * } catch (e) {
 *   if (e instanceof MissingDependencyError) console.error(`run: npm install ${e.packageName}`);
 * }
 * ```
 */
export class MissingDependencyError extends MeterlinkError {
  static override readonly brand: string = 'MissingDependencyError';
  /** The npm package to install. */
  readonly packageName: string;
  constructor(packageName: string, purpose: string, options?: MeterlinkErrorOptions) {
    super(
      ErrorCode.missingDependency,
      `${purpose} needs the optional package '${packageName}': run \`npm install ${packageName}\``,
      options,
    );
    this.packageName = packageName;
  }
}

/**
 * A meter URL that cannot be parsed or names an unknown scheme/option.
 *
 * @example
 * ```ts
 * import { InvalidUrlError, parseMeterUrl } from 'meterlink';
 *
 * try {
 *   parseMeterUrl(process.argv[2] ?? '');
 * } catch (e) {
 *   if (e instanceof InvalidUrlError) console.error(e.message); // never contains a password or key
 * }
 * ```
 */
export class InvalidUrlError extends MeterlinkError {
  static override readonly brand: string = 'InvalidUrlError';
  /** The URL as given (passwords and keys removed). */
  readonly url: string;
  constructor(url: string, message: string, options?: MeterlinkErrorOptions) {
    super(ErrorCode.invalidUrl, `${url}: ${message}`, options);
    this.url = url;
  }
}

/** What went wrong in a {@link SecurityError}. */
export type SecurityFailure =
  | 'tag-mismatch'
  | 'replay'
  | 'unsupported-security-control'
  | 'bad-key'
  | 'crypto-unavailable'
  | 'authentication-failed';

/**
 * A DLMS security check failed: an authentication tag does not verify (the plaintext is never
 * returned), an invocation counter was replayed, a security control byte asks for something
 * unsupported, a key has the wrong length, WebCrypto is missing, or the peer failed HLS.
 *
 * @example
 * ```ts
 * try { await unprotectApdu(apdu, { encryptionKey, authenticationKey, systemTitle: meterTitle }); }
 * catch (e) { if (e instanceof SecurityError && e.failure === 'tag-mismatch') console.error('tampered or wrong key'); }
 * ```
 */
export class SecurityError extends MeterlinkError {
  static override readonly brand: string = 'SecurityError';
  /** The kind of failure. */
  readonly failure: SecurityFailure;
  constructor(failure: SecurityFailure, message: string, options?: MeterlinkErrorOptions) {
    super(ErrorCode.security, message, options);
    this.failure = failure;
  }
}
