// Test oracle written straight from the order names of Modbus spec §12.2/§12.3: the letters of
// an order name list the value's big-endian bytes (A = most significant) in transmission order.
import type { RegisterOrder } from '../../../src/modbus/registers/index.js';

/** Register values of big-endian bytes (high byte of each register first). */
export function regsOf(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  return out;
}

/** Bytes of register values, high byte first. */
export function bytesOf(regs: Uint16Array): Uint8Array {
  const out = new Uint8Array(regs.length * 2);
  for (let i = 0; i < regs.length; i++) {
    out[2 * i] = regs[i]! >> 8;
    out[2 * i + 1] = regs[i]! & 0xff;
  }
  return out;
}

const eightLetter: Record<string, string> = {
  ABCD: 'ABCDEFGH',
  CDAB: 'GHEFCDAB',
  BADC: 'BADCFEHG',
  DCBA: 'HGFEDCBA',
};

/** Places big-endian value bytes on the wire as the order's letters say. */
export function arrange(valueBytes: Uint8Array, order: RegisterOrder): Uint16Array {
  const name = valueBytes.length === 8 && order.length === 4 ? eightLetter[order]! : order;
  let letters: string;
  if (valueBytes.length === 2)
    letters = name.startsWith('BA') || name.startsWith('DC') || name.startsWith('HG') ? 'BA' : 'AB';
  else if (valueBytes.length === 4 && name.length === 8)
    letters = { ABCDEFGH: 'ABCD', GHEFCDAB: 'CDAB', BADCFEHG: 'BADC', HGFEDCBA: 'DCBA' }[name]!;
  else letters = name;
  const wire = new Uint8Array(valueBytes.length);
  for (let i = 0; i < letters.length; i++) wire[i] = valueBytes[letters.charCodeAt(i) - 65]!;
  return regsOf(wire);
}

/** Big-endian bytes of a value of the given type. */
export function bigEndian(type: string, value: number | bigint): Uint8Array {
  const size = { int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8, int64: 8, uint64: 8 }[
    type
  ]!;
  const view = new DataView(new ArrayBuffer(size));
  switch (type) {
    case 'int16':
      view.setInt16(0, value as number);
      break;
    case 'uint16':
      view.setUint16(0, value as number);
      break;
    case 'int32':
      view.setInt32(0, value as number);
      break;
    case 'uint32':
      view.setUint32(0, value as number);
      break;
    case 'float32':
      view.setFloat32(0, value as number);
      break;
    case 'float64':
      view.setFloat64(0, value as number);
      break;
    case 'int64':
      view.setBigInt64(0, value as bigint);
      break;
    case 'uint64':
      view.setBigUint64(0, value as bigint);
      break;
  }
  return new Uint8Array(view.buffer);
}
