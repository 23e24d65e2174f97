/**
 * buffer-layout layout of a whole register block: fields at precomputed byte offsets.
 *
 * @module
 */

import type { Buffer } from 'node:buffer';
import { EncodeError } from '../../core/errors.js';
import { Layout } from './layout-lib.js';

/** A field layout placed at a byte offset of the block. */
export interface PlacedField {
  readonly name: string;
  readonly layout: Layout<unknown>;
  readonly byteOffset: number;
}

/**
 * Fields at fixed byte offsets, possibly with gaps and with bit fields sharing a register —
 * which buffer-layout's sequential `Structure` cannot express. Offsets are computed once, so
 * decoding is one loop over parallel arrays that allocates only the result object.
 */
export class RegisterStructure extends Layout<Record<string, unknown>> {
  private readonly names: readonly string[];
  private readonly layouts: readonly Layout<unknown>[];
  private readonly offsets: readonly number[];

  constructor(fields: readonly PlacedField[], span: number) {
    super(span);
    this.names = fields.map((f) => f.name);
    this.layouts = fields.map((f) => f.layout);
    this.offsets = fields.map((f) => f.byteOffset);
  }

  override decode(b: Buffer, offset = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const { names, layouts, offsets } = this;
    for (let i = 0; i < names.length; i++) out[names[i]!] = layouts[i]!.decode(b, offset + offsets[i]!);
    return out;
  }

  override encode(src: Record<string, unknown>, b: Buffer, offset = 0): number {
    return this.encodeFields(src, b, offset, false);
  }

  /**
   * Encodes the fields of `src`. With `partial`, missing (`undefined`) fields leave their bytes
   * unchanged; otherwise they are an error.
   *
   * @throws {EncodeError} naming the first field that is missing or invalid.
   */
  encodeFields(src: Record<string, unknown>, b: Buffer, offset: number, partial: boolean): number {
    const { names, layouts, offsets } = this;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = src[name];
      if (value === undefined) {
        if (partial) continue;
        throw new EncodeError(name, 'missing value (use encodeInto to update some fields only)');
      }
      layouts[i]!.encode(value, b, offset + offsets[i]!);
    }
    return this.span;
  }
}
