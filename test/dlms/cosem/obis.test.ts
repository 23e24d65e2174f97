import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { formatObis, isObis, parseObis } from '../../../src/dlms/cosem/obis.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

const energy = [1, 0, 1, 8, 0, 255];

describe('parseObis', () => {
  it.each([
    ['1.0.1.8.0.255', energy],
    ['1-0:1.8.0*255', energy],
    ['1-0:1.8.0.255', energy],
    ['1-0:1.8.0', energy],
    ['0-0:96.1.0*255', [0, 0, 96, 1, 0, 255]],
    ['000.0.0.0.0.0', [0, 0, 0, 0, 0, 0]],
    ['255.255.255.255.255.255', [255, 255, 255, 255, 255, 255]],
  ])('%s', (text, octets) => {
    expect([...parseObis(text)]).toEqual(octets);
    expect(isObis(text)).toBe(true);
  });

  it('copies a 6-octet array', () => {
    const src = Uint8Array.of(...energy);
    const out = parseObis(src);
    expect([...out]).toEqual(energy);
    src[0] = 9;
    expect(out[0]).toBe(1);
  });

  it.each([
    ['', /group A is missing/],
    ['1.0.1.8.0', /5 groups, expected 6/],
    ['1.0.1.8', /4 groups/],
    ['1-0:1.8', /4 groups, expected 6 \(or 5/],
    ['1.0.1.8.0.255.1', /after group F/],
    ['1.0.1.8.0.256', /group F is 256, not 0–255/],
    ['1.0.1.8.0.0255', /group F is 0255/],
    ['1-0:1.8.0*255 ', /unexpected ' '/],
    [' 1.0.1.8.0.255', /unexpected ' ' at position 0/],
    ['1-0.1.8.0.255', /expected ':' after group B/],
    ['1.0:1.8.0.255', /expected '.' after group B/],
    ['1.0.1.8.0*255', /expected '.' after group E/],
    ['1-0:1*8.0.255', /expected '.' after group C/],
    ['1-0:1.8.0*', /group F is missing/],
    ['1..1.8.0.255', /unexpected '.' at position 2/],
    ['-1.0.1.8.0.255', /unexpected '-'/],
    ['1.0.1.8.0.x', /unexpected 'x'/],
    ['1.0.1.8.0.2e2', /unexpected 'e'/],
  ])('refuses %j', (text, message) => {
    expect(() => parseObis(text)).toThrow(InvalidArgumentError);
    expect(() => parseObis(text)).toThrow(message);
    expect(() => parseObis(text)).toThrow(`'${text}'`);
    expect(isObis(text)).toBe(false);
  });

  it('refuses arrays of the wrong length and non-strings', () => {
    expect(() => parseObis(new Uint8Array(5))).toThrow(/6 octets, got 5/);
    expect(() => parseObis(new Uint8Array(7))).toThrow(InvalidArgumentError);
    expect(() => parseObis(42 as unknown as string)).toThrow(InvalidArgumentError);
    expect(isObis(undefined as unknown as string)).toBe(false);
  });
});

describe('formatObis', () => {
  it('prints both styles', () => {
    const o = Uint8Array.of(...energy);
    expect(formatObis(o)).toBe('1.0.1.8.0.255');
    expect(formatObis(o, 'dotted')).toBe('1.0.1.8.0.255');
    expect(formatObis(o, 'standard')).toBe('1-0:1.8.0*255');
  });

  it('refuses a wrong length', () => {
    expect(() => formatObis(new Uint8Array(4))).toThrow(InvalidArgumentError);
  });

  it('round-trips any six octets through both text forms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (o) => {
        expect(parseObis(formatObis(o))).toEqual(o);
        expect(parseObis(formatObis(o, 'standard'))).toEqual(o);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('random text only ever parses or throws InvalidArgumentError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.-:*x '), maxLength: 24 }), (s) => {
        try {
          const o = parseObis(s);
          expect(o.length).toBe(6);
          expect(isObis(s)).toBe(true);
        } catch (e) {
          if (!(e instanceof InvalidArgumentError)) throw e;
          expect(isObis(s)).toBe(false);
        }
      }),
      { numRuns: fuzzRuns(5000) },
    );
  });
});
