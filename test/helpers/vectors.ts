// Loads the golden vectors kept as fixtures in test/vectors/ (copied from the shared originals
// by `npm run vectors`), so a fresh clone tests against them with nothing beside it.
import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/core/hex.js';

/** One entry of test/vectors/modbus.json. */
export interface ModbusVector {
  id: string;
  framing: 'pdu' | 'rtu' | 'ascii' | 'tcp';
  direction: 'request' | 'response';
  hex?: string;
  text?: string;
  meaning: string;
  source: string;
}

/** One entry of test/vectors/dlms.json. */
export interface DlmsVector {
  id: string;
  layer: 'hdlc' | 'wrapper' | 'axdr' | 'apdu' | 'security' | 'cosem';
  hex: string;
  meaning: string;
  source: string;
  verified: string;
}

function load<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8')) as T[];
}

export const modbusVectors: ModbusVector[] = load<ModbusVector>('modbus.json');
export const dlmsVectors: DlmsVector[] = load<DlmsVector>('dlms.json');

/** The vector's bytes: decoded hex, or the ASCII frame's characters as bytes. */
export function vectorBytes(v: ModbusVector | DlmsVector): Uint8Array {
  if ('text' in v && v.text !== undefined) return new TextEncoder().encode(v.text);
  return fromHex(v.hex!);
}

/** `true` for vectors that must be rejected (their meaning starts with `INVALID -`). */
export function isInvalid(v: { meaning: string }): boolean {
  return v.meaning.startsWith('INVALID -');
}

/** Looks a vector up by id; throws when it does not exist (a renamed vector must fail loudly). */
export function modbusVector(id: string): ModbusVector {
  const v = modbusVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no modbus vector '${id}'`);
  return v;
}

/** Every way to cut `bytes` into two chunks, plus byte-by-byte. */
export function* splits(bytes: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 1; i < bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
  yield Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}
