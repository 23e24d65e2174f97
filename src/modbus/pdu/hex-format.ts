/**
 * Hex formatting for error messages of the PDU codec (internal).
 *
 * @module
 */

/** `0x2B`-style rendering of a byte. */
export function hexByte(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** `0xFF00`-style rendering of a 16-bit word. */
export function hexWord(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}
