import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  LinkClosedError,
  MeterlinkError,
  TimeoutError,
} from '../../src/core/errors.js';

describe('error hierarchy', () => {
  it('carries literal codes and subclass relations', () => {
    const e = new TimeoutError('response to FC3', 1000);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toBeInstanceOf(MeterlinkError);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(DecodeError);
    expect(e.code).toBe('ERR_TIMEOUT');
    expect(e.name).toBe('TimeoutError');
    expect(e.message).toContain('1000 ms');
    expect(new LinkClosedError()).not.toBeInstanceOf(TimeoutError);
  });

  it('DecodeError names layer, offset, expectation and shows an excerpt', () => {
    const bytes = Uint8Array.from({ length: 30 }, (_, i) => i);
    const e = new DecodeError('bad byte', { layer: 'modbus-pdu', offset: 12, expected: 'a quantity', bytes });
    expect(e.layer).toBe('modbus-pdu');
    expect(e.offset).toBe(12);
    expect(e.excerpt).toBe('…0405060708090A0B[0C]0D0E0F10111213…');
    expect(e.message).toBe(
      'modbus-pdu: bad byte at byte 12 (expected a quantity): …0405060708090A0B[0C]0D0E0F10111213…',
    );
    const atEnd = new DecodeError('truncated', {
      layer: 'hdlc',
      offset: 2,
      expected: 'x',
      bytes: bytes.subarray(0, 2),
    });
    expect(atEnd.excerpt).toBe('0001[]');
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(new EncodeError('quantity', 'too big', { cause }).cause).toBe(cause);
    expect(new EncodeError('quantity', 'too big').message).toBe('quantity: too big');
  });

  it('instanceof works across two loaded copies of the module (ESM and CJS in one process)', async () => {
    // A query string makes the module loader evaluate a second, independent copy.
    const path = '../../src/core/errors.ts?second-copy';
    const copy = (await import(/* @vite-ignore */ path)) as typeof import('../../src/core/errors.js');
    expect(copy.TimeoutError).not.toBe(TimeoutError);
    const foreign = new copy.TimeoutError('x', 5);
    expect(foreign).toBeInstanceOf(TimeoutError);
    expect(foreign).toBeInstanceOf(MeterlinkError);
    expect(foreign).not.toBeInstanceOf(DecodeError);
    expect(new TimeoutError('x', 5)).toBeInstanceOf(copy.MeterlinkError);
    expect({ code: 'ERR_TIMEOUT' }).not.toBeInstanceOf(MeterlinkError);
  });
});
