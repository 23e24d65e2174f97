/**
 * OBIS codes (COSEM logical names, meterlink spec §11.1): six octets A.B.C.D.E.F, each 0–255.
 *
 * Text forms accepted by {@link parseObis}:
 * - `1.0.1.8.0.255` — six dot-separated decimals (the canonical form, used in APDU descriptors);
 * - `1-0:1.8.0*255` and `1-0:1.8.0.255` — the IEC 62056-61 form, A-B:C.D.E then `*F` or `.F`;
 * - `1-0:1.8.0` — the IEC form without F, which means F = 255 (§11.1).
 *
 * A dotted form with five groups (`1.0.1.8.0`) is refused: without the `A-B:` prefix nothing tells
 * which group is missing (§11.1 only allows omitting F in the IEC form).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';

/** Which text form {@link formatObis} prints. */
export type ObisStyle = 'dotted' | 'standard';

/** Group separators each text form expects after group A…E (index 0…4). */
const dottedSeparators = '.....';
const standardSeparators = '-:..*';

/**
 * Parses an OBIS code into its six octets.
 *
 * @param input - A text form (see the module comment) or six octets (copied).
 * @returns A new 6-octet array.
 * @throws InvalidArgumentError when the input is not an OBIS code: wrong number of groups,
 *   a group that is not a decimal 0–255, wrong separators, or an array whose length is not 6.
 * @example
 * ```ts
 * parseObis('1-0:1.8.0*255'); // Uint8Array [1, 0, 1, 8, 0, 255]
 * parseObis('0.0.1.0.0.255'); // Uint8Array [0, 0, 1, 0, 0, 255]
 * ```
 */
export function parseObis(input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string') {
    if (!(input instanceof Uint8Array)) {
      throw new InvalidArgumentError(`OBIS code must be a string or a Uint8Array, got ${typeof input}`);
    }
    if (input.length !== 6) {
      throw new InvalidArgumentError(`OBIS code must be 6 octets, got ${input.length}`);
    }
    return Uint8Array.from(input);
  }
  const out = new Uint8Array(6);
  const problem = parseText(input, out);
  if (problem !== undefined) throw new InvalidArgumentError(`invalid OBIS code '${input}': ${problem}`);
  return out;
}

/** A text form of an OBIS code, parsed: its octets and its dotted form. */
export interface ParsedObis {
  /** The six octets. Shared by every caller: read them, never write them. */
  readonly octets: Uint8Array;
  /** The canonical dotted form (`1.0.1.8.0.255`). */
  readonly dotted: string;
}

/** Distinct texts {@link parseObisText} remembers; beyond that it starts afresh. */
const parsedLimit = 1024;
const parsedTexts = new Map<string, ParsedObis>();

/**
 * {@link parseObis} for the hot paths (a client turns the same few logical names into request
 * descriptors over and over): the result is remembered per text, so a repeated text costs one
 * map lookup instead of a scan, an allocation and a format. Internal: not exported from an
 * entry point.
 *
 * @throws InvalidArgumentError as {@link parseObis}
 */
export function parseObisText(text: string): ParsedObis {
  const known = parsedTexts.get(text);
  if (known !== undefined) return known;
  const octets = parseObis(text);
  const parsed: ParsedObis = { octets, dotted: formatObis(octets) };
  if (parsedTexts.size >= parsedLimit) parsedTexts.clear();
  parsedTexts.set(text, parsed);
  return parsed;
}

/**
 * Tells whether `text` is an OBIS code {@link parseObis} accepts.
 *
 * @param text - The candidate text.
 * @returns `true` when `parseObis(text)` would succeed.
 * @example
 * ```ts
 * isObis('1-0:1.8.0'); // true
 * isObis('1.0.1.8.0'); // false (dotted form needs six groups)
 * ```
 */
export function isObis(text: string): boolean {
  return typeof text === 'string' && parseText(text, new Uint8Array(6)) === undefined;
}

/**
 * Parses `text` into `out`; returns a description of the problem, or `undefined` on success.
 * A hand-written scanner: the separators tell the form (a `-` after A means the IEC form).
 */
function parseText(text: string, out: Uint8Array): string | undefined {
  const n = text.length;
  let pos = 0;
  let separators = dottedSeparators;
  let group = 0;
  for (;;) {
    const start = pos;
    let value = 0;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      pos++;
    }
    if (pos === start) {
      return pos < n ? `unexpected '${text[pos]}' at position ${pos}` : `group ${'ABCDEF'[group]} is missing`;
    }
    if (pos - start > 3 || value > 255) {
      return `group ${'ABCDEF'[group]} is ${text.slice(start, pos)}, not 0–255`;
    }
    out[group] = value;
    if (group === 5) break;
    if (pos === n) {
      // §11.1: the IEC form may omit F, which then means 255.
      if (group === 4 && separators === standardSeparators) {
        out[5] = 255;
        return undefined;
      }
      return `${group + 1} groups, expected 6${separators === standardSeparators ? ' (or 5 in the A-B:C.D.E form)' : ''}`;
    }
    const sep = text[pos]!;
    if (group === 0 && sep === '-') separators = standardSeparators;
    const allowed = separators[group]!;
    // The IEC form takes `*F` or `.F`.
    if (sep !== allowed && !(group === 4 && separators === standardSeparators && sep === '.')) {
      return `expected '${allowed}' after group ${'ABCDEF'[group]} at position ${pos}, got '${sep}'`;
    }
    pos++;
    group++;
  }
  if (pos !== n) return `unexpected '${text[pos]}' at position ${pos} after group F`;
  return undefined;
}

/**
 * Formats six OBIS octets as text.
 *
 * @param octets - The logical name; must hold exactly 6 octets.
 * @param style - `'dotted'` (default) gives `1.0.1.8.0.255`, the form of APDU descriptors;
 *   `'standard'` gives the IEC 62056-61 form `1-0:1.8.0*255`.
 * @returns The text form.
 * @throws InvalidArgumentError when `octets` does not hold 6 octets.
 * @example
 * ```ts
 * formatObis(Uint8Array.of(1, 0, 1, 8, 0, 255)); // '1.0.1.8.0.255'
 * formatObis(Uint8Array.of(1, 0, 1, 8, 0, 255), 'standard'); // '1-0:1.8.0*255'
 * ```
 */
export function formatObis(octets: Uint8Array, style: ObisStyle = 'dotted'): string {
  if (octets.length !== 6) {
    throw new InvalidArgumentError(`OBIS code must be 6 octets, got ${octets.length}`);
  }
  const a = octets[0]!;
  const b = octets[1]!;
  const c = octets[2]!;
  const d = octets[3]!;
  const e = octets[4]!;
  const f = octets[5]!;
  if (style === 'standard') return `${a}-${b}:${c}.${d}.${e}*${f}`;
  return `${a}.${b}.${c}.${d}.${e}.${f}`;
}
