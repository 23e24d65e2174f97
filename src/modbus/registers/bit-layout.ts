/**
 * buffer-layout layout for one bit of a register (§12.5: bit 0 = least significant bit).
 *
 * @module
 */

import type { Buffer } from 'node:buffer';
import { EncodeError } from '../../core/errors.js';
import { Layout } from './layout-lib.js';
import { describeValue } from './number-layouts.js';

/**
 * One bit of a register as a `boolean`. Encoding sets or clears only its own bit and keeps the
 * other 15, so several bit fields can share a register.
 */
export class BitLayout extends Layout<boolean> {
  /** Bit number, 0 (least significant) to 15. */
  readonly bit: number;
  private readonly mask: number;

  constructor(bit: number, property?: string) {
    super(2, property);
    this.bit = bit;
    this.mask = 1 << bit;
  }

  override decode(b: Buffer, offset = 0): boolean {
    return (b.readUInt16BE(offset) & this.mask) !== 0;
  }

  override encode(src: boolean, b: Buffer, offset = 0): number {
    if (typeof src !== 'boolean') {
      throw new EncodeError(this.property ?? 'value', `bit needs a boolean, got ${describeValue(src)}`);
    }
    const word = b.readUInt16BE(offset);
    b.writeUInt16BE(src ? word | this.mask : word & ~this.mask & 0xffff, offset);
    return 2;
  }
}
