import { describe, expect, it } from 'vitest';
import { EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { AsciiFrameDecoder, decodeAsciiFrame, encodeAsciiFrame } from '../../../src/modbus/framing/index.js';
import { splits } from '../../helpers/vectors.js';
import { DiscardLog, expectDecodeError, feed } from './helpers.js';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

describe('encodeAsciiFrame / decodeAsciiFrame', () => {
  it('encodes upper-case hex with the LRC, CR LF (spec §8.2 example)', () => {
    expect(str(encodeAsciiFrame({ unitId: 0xf7, pdu: fromHex('031389000A') }))).toBe(':F7031389000A60\r\n');
    expect(decodeAsciiFrame(text(':F7031389000A60\r\n'))).toEqual({
      unitId: 0xf7,
      pdu: fromHex('031389000A'),
    });
  });

  it('accepts lower-case hex', () => {
    expect(decodeAsciiFrame(text(':f7031389000a60\r\n'))).toEqual({
      unitId: 0xf7,
      pdu: fromHex('031389000A'),
    });
  });

  it('uses a configured end character (FC8/3)', () => {
    const bytes = encodeAsciiFrame({ unitId: 1, pdu: fromHex('07') }, { endChar: 0x0d });
    expect(str(bytes)).toBe(':0107F8\r\r');
    expect(decodeAsciiFrame(bytes, { endChar: 0x0d }).pdu).toEqual(fromHex('07'));
    expectDecodeError(() => decodeAsciiFrame(bytes), 'modbus-ascii', 8);
  });

  it('rejects end characters that cannot delimit a frame', () => {
    for (const endChar of [0x3a, 0x30, 0x41, 0x61, 256, -1, 1.5]) {
      expect(() => encodeAsciiFrame({ unitId: 1, pdu: fromHex('07') }, { endChar })).toThrow(
        InvalidArgumentError,
      );
      expect(() => decodeAsciiFrame(text(':0107F8\r\n'), { endChar })).toThrow(InvalidArgumentError);
      expect(() => new AsciiFrameDecoder({ endChar })).toThrow(InvalidArgumentError);
    }
  });

  it('validates the frame before encoding', () => {
    expect(() => encodeAsciiFrame({ unitId: 300, pdu: fromHex('07') })).toThrow(EncodeError);
    expect(() => encodeAsciiFrame({ unitId: 1, pdu: new Uint8Array(0) })).toThrow(EncodeError);
    expect(() => encodeAsciiFrame({ unitId: 1, pdu: new Uint8Array(254).fill(3) })).toThrow(EncodeError);
    expect(encodeAsciiFrame({ unitId: 1, pdu: new Uint8Array(253).fill(3) })).toHaveLength(513);
  });

  it('rejects malformed frames with character offsets', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['F7070202\r\n', 0, /colon/],
      [':F707\r\n', 7, /too short/],
      [':F70\r\n', 6, /too short/],
      [':F7070\r\n', 8, /too short/],
      [':F70702X\r\n', 7, /not a hex digit/],
      [':F7G702\r\n', 3, /not a hex digit/],
      [':F707020\r\n', 8, /odd number/],
      [':F70703\r\n', 5, /LRC mismatch: frame carries 0x03, computed 0x02/],
      [':F70702\n\n', 7, /CR missing/],
      [':F70702\r\r', 8, /wrong end character/],
      [':', 1, /too short/],
      ['', 0, /colon/],
    ];
    for (const [input, offset, message] of cases) {
      const e = expectDecodeError(() => decodeAsciiFrame(text(input)), 'modbus-ascii', offset);
      expect(e.message, JSON.stringify(input)).toMatch(message);
    }
    expectDecodeError(() => decodeAsciiFrame(text(`:${'0'.repeat(512)}\r\n`)), 'modbus-ascii', 513);
  });
});

describe('AsciiFrameDecoder', () => {
  const a = ':F7031389000A60\r\n';
  const b = ':F70702\r\n';

  function run(input: string | string[], options: ConstructorParameters<typeof AsciiFrameDecoder>[0] = {}) {
    const log = new DiscardLog();
    const d = new AsciiFrameDecoder({ ...options, onDiscard: log.listener });
    const frames = feed(d, (Array.isArray(input) ? input : [input]).map(text));
    return { frames, log, d, discarded: log.runs.map((h) => str(fromHex(h))) };
  }

  it('decodes back-to-back frames split at every byte', () => {
    const stream = text(a + b + a.toLowerCase());
    for (const chunks of splits(stream)) {
      const log = new DiscardLog();
      const frames = feed(new AsciiFrameDecoder({ onDiscard: log.listener }), chunks);
      expect(frames.map((f) => f.pdu)).toEqual(['031389000A', '07', '031389000A']);
      expect(log.runs).toEqual([]);
    }
  });

  it('restarts on a colon, discarding the frame in progress', () => {
    const { frames, discarded, log } = run(`:F70313${a}`);
    expect(frames).toHaveLength(1);
    expect(discarded).toEqual([':F70313']);
    expect(log.errors[0]!.message).toMatch(/restarted by a colon/);
    expect(log.errors[0]!.offset).toBe(7);
  });

  it('reports characters outside frames and keeps going', () => {
    const { frames, discarded } = run(`xx\r\n${a}\n${b}`);
    expect(frames.map((f) => f.pdu)).toEqual(['031389000A', '07']);
    expect(discarded).toEqual(['xx\r\n', '\n']);
  });

  it('discards odd, short, non-hex and bad-LRC frames, reporting each once', () => {
    const bad = [':F707020\r\n', ':F707\r\n', ':F7Z702\r\n', ':F70703\r\n', ':F70702\rX'];
    const { frames, discarded, log } = run(bad.join('') + b);
    expect(frames.map((f) => f.pdu)).toEqual(['07']);
    expect(discarded).toEqual(bad);
    expect(log.errors.map((e) => e.offset)).toEqual([8, 7, 3, 5, 8]);
    expect(log.errors.every((e) => e.layer === 'modbus-ascii' && e.excerpt.length > 0)).toBe(true);
  });

  it('bounds a frame by maxFrameChars without allocating more', () => {
    const long = `:${'01'.repeat(10)}`;
    const { frames, discarded, log } = run(`${long}\r\n${b}`, { maxFrameChars: 20 });
    expect(frames.map((f) => f.pdu)).toEqual(['07']);
    expect(discarded[0]).toBe(long.slice(0, 20));
    expect(log.errors[0]!.message).toMatch(/longer than 20 characters/);
    // The longest standard frame fits the default.
    const max = str(encodeAsciiFrame({ unitId: 1, pdu: new Uint8Array(253).fill(0xab) }));
    expect(run(max).frames).toHaveLength(1);
    expect(() => new AsciiFrameDecoder({ maxFrameChars: 8 })).toThrow(InvalidArgumentError);
    expect(() => new AsciiFrameDecoder({ maxFrameChars: 514 })).toThrow(InvalidArgumentError);
  });

  it('uses the configured end character', () => {
    const { frames, discarded } = run([':F70702\r\r', b], { endChar: 0x0d });
    expect(frames.map((f) => f.pdu)).toEqual(['07']);
    expect(discarded).toEqual([b]);
  });

  it('drops a partial frame after the inter-character timeout (nowMs)', () => {
    const log = new DiscardLog();
    const d = new AsciiFrameDecoder({ onDiscard: log.listener });
    expect(d.push(text(':F703'), 0)).toEqual([]);
    expect(d.pending).toBe(5);
    expect(d.push(text('1389'), 1000)).toEqual([]); // exactly the limit: kept
    expect(feed(d, [text('000A60\r\n')], 1500)).toHaveLength(1);
    d.push(text(':F703'), 2000);
    expect(feed(d, [text('1389000A60\r\n')], 3001)).toEqual([]);
    expect(log.runs.map((h) => str(fromHex(h)))).toEqual([':F703', '1389000A60\r\n']);
    expect(log.errors[0]!.message).toMatch(/1001 ms/);

    const slow = new AsciiFrameDecoder({ interCharTimeoutMs: 5000 });
    slow.push(text(':F703'), 0);
    expect(feed(slow, [text('1389000A60\r\n')], 4000)).toHaveLength(1);
    expect(() => new AsciiFrameDecoder({ interCharTimeoutMs: -1 })).toThrow(InvalidArgumentError);
  });

  it('reset() and end() drop the partial frame', () => {
    const { d, log } = run(':F703');
    expect(d.pending).toBe(5);
    d.reset();
    expect(d.pending).toBe(0);
    expect(log.runs).toHaveLength(1);
    d.push(text(':F7'));
    const e = expectDecodeError(() => d.end(), 'modbus-ascii', 3);
    expect(e.message).toMatch(/stream ended inside a frame/);
    d.end();
    d.push(text('junk'));
    expect(d.pending).toBe(0);
    d.end();
  });

  it('returns PDUs that do not alias its buffer', () => {
    const d = new AsciiFrameDecoder();
    const [first] = d.push(text(a));
    d.push(text(b));
    expect(toHex(first!.pdu)).toBe('031389000A');
  });
});
