import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SecurityError } from '../../../src/core/errors.js';
import {
  buildSecurityControl,
  checkSecurityControl,
  parseSecurityControl,
  satisfiesSecurity,
} from '../../../src/dlms/security/security-control.js';

describe('security control byte (§10.3)', () => {
  it('parses every field', () => {
    expect(parseSecurityControl(0x30)).toEqual({
      suite: 0,
      authentication: true,
      encryption: true,
      broadcastKey: false,
      compression: false,
    });
    expect(parseSecurityControl(0xd2)).toEqual({
      suite: 2,
      authentication: true,
      encryption: false,
      broadcastKey: true,
      compression: true,
    });
    expect(() => parseSecurityControl(256)).toThrow(InvalidArgumentError);
    expect(() => parseSecurityControl(1.5)).toThrow(InvalidArgumentError);
  });

  it('builds 10, 20, 30 and the broadcast variants', () => {
    expect(buildSecurityControl('authenticated')).toBe(0x10);
    expect(buildSecurityControl('encrypted')).toBe(0x20);
    expect(buildSecurityControl('authenticated-encrypted')).toBe(0x30);
    expect(buildSecurityControl('authenticated-encrypted', { broadcastKey: true })).toBe(0x70);
  });

  it('accepts exactly the suite-0 combinations with A and/or E', () => {
    const accepted: Record<number, string> = {
      16: 'authenticated',
      32: 'encrypted',
      48: 'authenticated-encrypted',
      80: 'authenticated',
      96: 'encrypted',
      112: 'authenticated-encrypted',
    };
    for (let sc = 0; sc < 256; sc++) {
      const expected = accepted[sc];
      if (expected !== undefined) {
        expect(checkSecurityControl(sc)).toBe(expected);
        expect(checkSecurityControl(parseAndBuild(sc))).toBe(expected);
      } else {
        try {
          checkSecurityControl(sc);
          expect.unreachable(`0x${sc.toString(16)} accepted`);
        } catch (e) {
          expect(e).toBeInstanceOf(SecurityError);
          expect((e as SecurityError).failure).toBe('unsupported-security-control');
        }
      }
    }
  });

  it('orders protections (§10.6)', () => {
    expect(satisfiesSecurity('authenticated-encrypted', 'authenticated')).toBe(true);
    expect(satisfiesSecurity('authenticated-encrypted', 'encrypted')).toBe(true);
    expect(satisfiesSecurity('authenticated', 'authenticated')).toBe(true);
    expect(satisfiesSecurity('encrypted', 'authenticated')).toBe(false);
    expect(satisfiesSecurity('authenticated', 'encrypted')).toBe(false);
    expect(satisfiesSecurity('authenticated', 'authenticated-encrypted')).toBe(false);
  });
});

function parseAndBuild(sc: number): number {
  const f = parseSecurityControl(sc);
  const mode =
    f.authentication && f.encryption
      ? 'authenticated-encrypted'
      : f.authentication
        ? 'authenticated'
        : 'encrypted';
  return buildSecurityControl(mode, { broadcastKey: f.broadcastKey });
}
