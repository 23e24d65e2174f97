/**
 * The TCP/UDP wrapper of IEC 62056-47 (spec §5): an 8-octet header before every APDU.
 *
 * @module
 */

import { DecodeError, EncodeError, InvalidArgumentError } from '../../core/errors.js';

/** One wrapper frame: the APDU with the wPorts it travels between (spec §5). */
export interface WrapperFrame {
  /** Sender's wPort (its SAP), 0–65535. */
  source: number;
  /** Receiver's wPort, 0–65535. */
  destination: number;
  /** The APDU, 0–65535 octets. */
  payload: Uint8Array;
}

/** Options of {@link decodeWrapperFrame} and {@link WrapperFrameDecoder}. */
export interface WrapperDecodeOptions {
  /** Longest APDU accepted, 0–65535; a longer length field is a {@link DecodeError}. Default 65535. */
  maxApduBytes?: number;
}

/** The only wrapper version (spec §5). */
export const wrapperVersion = 1;

/** Octets of the wrapper header: version, source wPort, destination wPort, length (spec §5). */
export const wrapperHeaderLength = 8;

/** The well-known TCP and UDP port of DLMS/COSEM (spec §5). */
export const dlmsPort = 4059;

/**
 * Encodes a wrapper frame: version 1, source wPort, destination wPort, APDU length, APDU (spec §5).
 *
 * @throws {@link EncodeError} when a wPort is not an integer 0–65535 or the payload is longer
 *   than 65535 octets
 * @example
 * ```ts
 * encodeWrapperFrame({ source: 0x10, destination: 1, payload: fromHex('6203800100') });
 * // 00 01 00 10 00 01 00 05 62 03 80 01 00
 * ```
 */
export function encodeWrapperFrame(frame: WrapperFrame): Uint8Array {
  const { source, destination, payload } = frame;
  checkPort(source, 'source');
  checkPort(destination, 'destination');
  const n = payload.length;
  if (n > 0xffff) throw new EncodeError('payload', `${n} octets do not fit the 16-bit length (spec §5)`);
  const out = new Uint8Array(wrapperHeaderLength + n);
  out[1] = wrapperVersion;
  out[2] = source >> 8;
  out[3] = source;
  out[4] = destination >> 8;
  out[5] = destination;
  out[6] = n >> 8;
  out[7] = n;
  out.set(payload, wrapperHeaderLength);
  return out;
}

function checkPort(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new EncodeError(field, `wPort must be an integer 0–65535, got ${value}`);
  }
}

/**
 * Decodes exactly one wrapper frame (a UDP datagram, spec §5). The payload is a view into
 * `bytes` (not a copy).
 *
 * @throws {@link DecodeError} (layer `wrapper`) when the header is truncated, the version is not
 *   1 (offset 0), the length is above `maxApduBytes` (offset 6) or does not match the octets
 *   after the header
 * @throws {@link InvalidArgumentError} when `maxApduBytes` is not an integer 0–65535
 * @example
 * ```ts
 * const { source, destination, payload } = decodeWrapperFrame(datagram);
 * ```
 */
export function decodeWrapperFrame(bytes: Uint8Array, options?: WrapperDecodeOptions): WrapperFrame {
  const max = maxApduOption(options);
  const n = bytes.length;
  if (n < wrapperHeaderLength) {
    throw new DecodeError(`input ends after ${n} of the 8 header octets`, {
      layer: 'wrapper',
      offset: n,
      expected: 'the wrapper header',
      bytes,
    });
  }
  const error = checkWrapperHeader(bytes, 0, max);
  if (error !== undefined) throw error;
  const length = (bytes[6]! << 8) | bytes[7]!;
  if (n !== wrapperHeaderLength + length) {
    const offset = Math.min(n, wrapperHeaderLength + length);
    throw new DecodeError(`length field says ${length} APDU octets, ${n - wrapperHeaderLength} follow`, {
      layer: 'wrapper',
      offset,
      expected: n < wrapperHeaderLength + length ? 'the rest of the APDU' : 'the end of the frame',
      bytes,
    });
  }
  return {
    source: (bytes[2]! << 8) | bytes[3]!,
    destination: (bytes[4]! << 8) | bytes[5]!,
    payload: bytes.subarray(wrapperHeaderLength),
  };
}

/**
 * Returns `maxApduBytes` from the options (default 65535).
 *
 * @throws {@link InvalidArgumentError} when it is not an integer 0–65535
 */
export function maxApduOption(options: WrapperDecodeOptions | undefined): number {
  const max = options?.maxApduBytes;
  if (max === undefined) return 0xffff;
  if (!Number.isInteger(max) || max < 0 || max > 0xffff) {
    throw new InvalidArgumentError(`maxApduBytes must be an integer 0–65535, got ${max}`);
  }
  return max;
}

/**
 * Checks the version and the length limit of the header at `b[s]` (8 octets available).
 * Returns the error (offsets from the header's start), or `undefined` when the header is good.
 */
export function checkWrapperHeader(b: Uint8Array, s: number, maxApduBytes: number): DecodeError | undefined {
  const version = (b[s]! << 8) | b[s + 1]!;
  if (version !== wrapperVersion) {
    return new DecodeError(`wrapper version ${version}`, {
      layer: 'wrapper',
      offset: 0,
      expected: 'version 1 (00 01)',
      bytes: b.slice(s, s + wrapperHeaderLength),
    });
  }
  const length = (b[s + 6]! << 8) | b[s + 7]!;
  if (length > maxApduBytes) {
    return new DecodeError(`APDU length ${length} is above the limit`, {
      layer: 'wrapper',
      offset: 6,
      expected: `an APDU length of at most ${maxApduBytes} (maxApduBytes)`,
      bytes: b.slice(s, s + wrapperHeaderLength),
    });
  }
  return undefined;
}
