// Type declarations for the part of `buffer-layout` 1.2 that the register codecs use. The package
// ships no types; only what src/modbus/registers needs is declared here, and nothing from it
// appears in meterlink's public types.
declare module 'buffer-layout' {
  /** Base class of every layout: a span of bytes in a Buffer that maps to a JavaScript value. */
  export class Layout<T = unknown> {
    constructor(span: number, property?: string);
    /** Span in bytes (negative when value-specific). */
    span: number;
    /** Property name when the layout is a member of a structure. */
    property: string | undefined;
    decode(b: Buffer, offset?: number): T;
    /** Writes `src` at `offset`; returns the number of bytes written. */
    encode(src: T, b: Buffer, offset?: number): number;
    getSpan(b?: Buffer, offset?: number): number;
    replicate(property: string): this;
  }
  /** Big-endian unsigned integer of 1–6 bytes. */
  export class UIntBE extends Layout<number> {
    constructor(span: number, property?: string);
  }
  /** Big-endian two's complement integer of 1–6 bytes. */
  export class IntBE extends Layout<number> {
    constructor(span: number, property?: string);
  }
  /** Big-endian IEEE 754 binary32. */
  export class FloatBE extends Layout<number> {
    constructor(property?: string);
  }
  /** Big-endian IEEE 754 binary64. */
  export class DoubleBE extends Layout<number> {
    constructor(property?: string);
  }
}
