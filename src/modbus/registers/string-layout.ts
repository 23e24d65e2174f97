/**
 * buffer-layout layout for fixed-size strings stored two characters per register (§12.4).
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { EncodeError } from '../../core/errors.js';
import { Layout } from './layout-lib.js';
import { describeValue } from './number-layouts.js';
import type { StringEncoding } from './types.js';

/** Resolved settings of a {@link StringLayout}. */
export interface StringLayoutSettings {
  /** Field size in registers. */
  readonly registers: number;
  /** First character in the low byte of each register. */
  readonly byteSwap: boolean;
  /** Pad byte, 0–255 (0–127 for utf8). */
  readonly pad: number;
  readonly encoding: StringEncoding;
}

/**
 * A string of `2 × registers` bytes. Decoding stops at the first 0x00 and drops trailing pad
 * bytes (so a string that really ends with the pad character loses it); encoding fills the
 * unused bytes with the pad byte and refuses text that does not fit, contains U+0000 or, for
 * `ascii`/`latin1`, has characters above U+007F/U+00FF.
 */
export class StringLayout extends Layout<string> {
  /** The resolved settings. */
  readonly settings: StringLayoutSettings;

  constructor(settings: StringLayoutSettings, property?: string) {
    super(settings.registers * 2, property);
    this.settings = settings;
  }

  override decode(b: Buffer, offset = 0): string {
    const { byteSwap, pad, encoding } = this.settings;
    let bytes = b;
    let start = offset;
    if (byteSwap) {
      bytes = Buffer.allocUnsafe(this.span);
      for (let i = 0; i < this.span; i += 2) {
        bytes[i] = b[offset + i + 1]!;
        bytes[i + 1] = b[offset + i]!;
      }
      start = 0;
    }
    // §12.4: decoding SHOULD stop at the first 0x00.
    let end = start;
    const limit = start + this.span;
    while (end < limit && bytes[end] !== 0) end++;
    if (pad !== 0) while (end > start && bytes[end - 1] === pad) end--;
    return bytes.toString(encoding === 'utf8' ? 'utf8' : 'latin1', start, end);
  }

  override encode(src: string, b: Buffer, offset = 0): number {
    const field = this.property ?? 'value';
    const { byteSwap, pad, encoding, registers } = this.settings;
    if (typeof src !== 'string') {
      throw new EncodeError(field, `string needs a string, got ${describeValue(src)}`);
    }
    let bytes: Buffer;
    if (encoding === 'utf8') {
      bytes = Buffer.from(src, 'utf8');
    } else {
      const max = encoding === 'ascii' ? 0x7f : 0xff;
      for (let i = 0; i < src.length; i++) {
        const code = src.charCodeAt(i);
        if (code > max) {
          const hex = code.toString(16).toUpperCase().padStart(4, '0');
          throw new EncodeError(field, `character U+${hex} at index ${i} cannot be encoded as ${encoding}`);
        }
      }
      bytes = Buffer.from(src, 'latin1');
    }
    if (bytes.includes(0)) {
      throw new EncodeError(field, 'the string contains U+0000, which ends it when decoded');
    }
    if (bytes.length > this.span) {
      throw new EncodeError(
        field,
        `the string needs ${bytes.length} bytes, the field holds ${this.span} (${registers} registers)`,
      );
    }
    // First character in the high byte unless byteSwap (§12.4); unused bytes get the pad byte.
    const swap = byteSwap ? 1 : 0;
    for (let i = 0; i < this.span; i++) b[offset + (i ^ swap)] = i < bytes.length ? bytes[i]! : pad;
    return this.span;
  }
}
