/**
 * The HDLC parameter negotiation field of SNRM and UA frames (spec §4.7).
 *
 * @module
 */

import { ByteReader } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';

/** Octets of a parameter value on the wire: 1, 2 or 4; 0 = the parameter is left out (default value). */
export type HdlcParameterWidth = 0 | 1 | 2 | 4;

/** How wide each parameter of {@link HdlcParameters} is on the wire. */
export interface HdlcParameterWidths {
  /** Width of parameter 05. */
  maxInfoTransmit: HdlcParameterWidth;
  /** Width of parameter 06. */
  maxInfoReceive: HdlcParameterWidth;
  /** Width of parameter 07. */
  windowTransmit: HdlcParameterWidth;
  /** Width of parameter 08. */
  windowReceive: HdlcParameterWidth;
}

/**
 * HDLC link parameters, stated from the sender's point of view (spec §4.7): in an SNRM the
 * client's, in a UA the server's.
 */
export interface HdlcParameters {
  /** Parameter 05: longest information field the sender transmits, 32–2030 octets. Default 128. */
  maxInfoTransmit: number;
  /** Parameter 06: longest information field the sender can receive, 32–2030 octets. Default 128. */
  maxInfoReceive: number;
  /** Parameter 07: frames the sender transmits before waiting for an acknowledgement, 1–7. Default 1. */
  windowTransmit: number;
  /** Parameter 08: frames the sender can receive before acknowledging, 1–7. Default 1. */
  windowReceive: number;
  /**
   * Width of each value on the wire. Decoding always sets it (0 for a parameter that was absent),
   * so that a decoded field re-encodes byte-identically. Default when encoding: lengths in 1
   * octet below 256, else 2; windows in 4 octets; every parameter present (spec §4.7).
   */
  widths?: HdlcParameterWidths;
}

/** The values that apply when a parameter, or the whole field, is absent (spec §4.7). */
export const defaultHdlcParameters = {
  /** Parameter 05 when absent: 128 octets. */
  maxInfoTransmit: 128,
  /** Parameter 06 when absent: 128 octets. */
  maxInfoReceive: 128,
  /** Parameter 07 when absent: 1 frame. */
  windowTransmit: 1,
  /** Parameter 08 when absent: 1 frame. */
  windowReceive: 1,
} as const;

type ParameterName = keyof typeof defaultHdlcParameters;

/** Parameter identifiers (PI) in encoding order, with their names (spec §4.7). */
const parameterIds: ReadonlyArray<readonly [number, ParameterName]> = [
  [0x05, 'maxInfoTransmit'],
  [0x06, 'maxInfoReceive'],
  [0x07, 'windowTransmit'],
  [0x08, 'windowReceive'],
];

/** Format identifier and group identifier that open the field (spec §4.7). */
const formatId = 0x81;
const groupId = 0x80;

/**
 * Encodes the parameter negotiation field: `81 80 LL` then `PI PL PV` for each parameter present,
 * in the order 05, 06, 07, 08. Returns an empty array when every width is 0 (an SNRM or UA
 * without information field means all defaults).
 *
 * @throws {@link EncodeError} naming the parameter when a length is not 32–2030, a window not
 *   1–7, a value does not fit its width, or a left-out parameter is not the default value
 * @example
 * ```ts
 * encodeHdlcParameters({ maxInfoTransmit: 512, maxInfoReceive: 512, windowTransmit: 1, windowReceive: 1 });
 * // 81 80 14 05 02 02 00 06 02 02 00 07 04 00 00 00 01 08 04 00 00 00 01
 * ```
 */
export function encodeHdlcParameters(params: HdlcParameters): Uint8Array {
  const widths = [0, 0, 0, 0];
  let size = 0;
  for (let k = 0; k < 4; k++) {
    const name = parameterIds[k]![1];
    const value = params[name];
    const isWindow = k >= 2;
    const [min, max] = isWindow ? [1, 7] : [32, 2030];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new EncodeError(name, `must be an integer ${min}–${max} (spec §4.7), got ${value}`);
    }
    const width = params.widths?.[name] ?? (isWindow ? 4 : value < 256 ? 1 : 2);
    if (width !== 0 && width !== 1 && width !== 2 && width !== 4) {
      throw new EncodeError(`widths.${name}`, `must be 0, 1, 2 or 4, got ${String(width)}`);
    }
    if (width === 0 && value !== defaultHdlcParameters[name]) {
      throw new EncodeError(
        name,
        `${value} is not the default ${defaultHdlcParameters[name]}, so it cannot be left out`,
      );
    }
    if (width === 1 && value > 0xff) throw new EncodeError(name, `${value} does not fit in 1 octet`);
    widths[k] = width;
    if (width > 0) size += 2 + width;
  }
  if (size === 0) return new Uint8Array(0);
  const out = new Uint8Array(3 + size);
  out[0] = formatId;
  out[1] = groupId;
  out[2] = size;
  let p = 3;
  for (let k = 0; k < 4; k++) {
    const width = widths[k]!;
    if (width === 0) continue;
    const [id, name] = parameterIds[k]!;
    out[p++] = id;
    out[p++] = width;
    const value = params[name];
    for (let shift = (width - 1) * 8; shift >= 0; shift -= 8) out[p++] = value >> shift;
  }
  return out;
}

/**
 * Decodes the information field of an SNRM or UA frame. An empty field means all defaults;
 * absent parameters take their default value (width 0); unknown parameter identifiers are
 * skipped and not kept (spec §4.7). Values are returned as sent: capping them to the allowed
 * range and to one's own proposal is the link layer's job.
 *
 * @throws {@link DecodeError} (layer `hdlc`, offset in `information`) when the field does not
 *   start with `81 80`, its group length does not match, a parameter is truncated, a known
 *   parameter has a value length other than 1, 2 or 4, or appears twice
 * @example
 * ```ts
 * decodeHdlcParameters(frame.information).maxInfoReceive; // 154
 * ```
 */
export function decodeHdlcParameters(information: Uint8Array): Required<HdlcParameters> {
  const values: Record<ParameterName, number> = { ...defaultHdlcParameters };
  const widths: HdlcParameterWidths = {
    maxInfoTransmit: 0,
    maxInfoReceive: 0,
    windowTransmit: 0,
    windowReceive: 0,
  };
  if (information.length > 0) {
    const r: ByteReader = new ByteReader(information, 'hdlc');
    if (r.u8('format identifier') !== formatId) r.fail('wrong format identifier', 'format identifier 81', 0);
    if (r.u8('group identifier') !== groupId) r.fail('wrong group identifier', 'group identifier 80', 1);
    const groupLength = r.u8('group length');
    if (groupLength !== r.remaining) {
      r.fail(`group length ${groupLength} does not match`, `group length ${r.remaining}`, 2);
    }
    while (r.remaining > 0) {
      const at = r.pos;
      const id = r.u8('parameter identifier');
      const width = r.u8('parameter length');
      const known = id >= 0x05 && id <= 0x08 ? parameterIds[id - 0x05]![1] : undefined;
      if (known === undefined) {
        r.bytesView(width, 'parameter value');
        continue;
      }
      if (width !== 1 && width !== 2 && width !== 4) {
        r.fail(`parameter ${id} has a value of ${width} octets`, 'a value length of 1, 2 or 4', at + 1);
      }
      if (widths[known] !== 0) r.fail(`parameter ${id} appears twice`, 'each parameter once', at);
      values[known] =
        width === 1
          ? r.u8('parameter value')
          : width === 2
            ? r.u16('parameter value')
            : r.u32('parameter value');
      widths[known] = width;
    }
  }
  return { ...values, widths };
}
