import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex } from '../../../src/core/hex.js';
import { encodeDateTimeOctets } from '../../../src/dlms/axdr/calendar.js';
import { decodeData, encodeData } from '../../../src/dlms/axdr/data-codec.js';
import type { CosemDateTime, Data } from '../../../src/dlms/axdr/types.js';
import type { CaptureObject } from '../../../src/dlms/cosem/capture-objects.js';
import {
  decodeProfileBuffer,
  type ProfileBufferOptions,
  parseProfileBuffer,
} from '../../../src/dlms/cosem/profile-buffer.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { arbData, arbDateTime, arbSimple } from '../axdr/arbitraries.js';

const clock: CaptureObject = { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 };
const energy: CaptureObject = { classId: 3, logicalName: '1.0.1.8.0.255', attributeIndex: 2, dataIndex: 0 };
const status: CaptureObject = { classId: 1, logicalName: '0.0.96.10.1.255', attributeIndex: 2, dataIndex: 0 };
const columns = [clock, energy, status];

const dt = (hour: number, dayOfWeek: number | 'unspecified' = 1): CosemDateTime => ({
  year: 2024,
  month: 1,
  dayOfMonth: 15,
  dayOfWeek,
  hour,
  minute: 0,
  second: 0,
  hundredths: 0,
  deviation: -60,
  clockStatus: 'unspecified',
});
const octets = (v: CosemDateTime): Data => ({ type: 'octet-string', value: encodeDateTimeOctets(v) });
const row = (...value: Data[]): Data => ({ type: 'structure', value });
const buffer = (...rows: Data[]): Data => ({ type: 'array', value: rows });
const u32 = (value: number): Data => ({ type: 'double-long-unsigned', value });
const nul: Data = { type: 'null-data' };

/** Both routes must agree, on success and on failure. */
function both(bytes: Uint8Array, objects: readonly CaptureObject[], options?: ProfileBufferOptions) {
  const fast = decodeProfileBuffer(bytes, objects, options);
  expect(fast).toEqual(parseProfileBuffer(decodeData(bytes, options), objects, options));
  return fast;
}

describe('profile buffer', () => {
  it('types cells by content', () => {
    const b = buffer(
      row(octets(dt(0)), { type: 'long64-unsigned', value: 2n ** 60n }, { type: 'boolean', value: true }),
      row({ type: 'date-time', value: dt(1) }, { type: 'float32', value: 1.5 }, { type: 'enum', value: 3 }),
      row(nul, { type: 'long', value: -2 }, { type: 'visible-string', value: 'x' }),
      row({ type: 'octet-string', value: Uint8Array.of(1, 2) }, u32(7), { type: 'integer', value: -1 }),
    );
    const { rows } = both(encodeData(b), columns);
    expect(rows).toEqual([
      [dt(0), 2n ** 60n, true],
      [dt(1), 1.5, 3],
      [null, -2, { type: 'visible-string', value: 'x' }],
      [{ type: 'octet-string', value: Uint8Array.of(1, 2) }, 7, -1],
    ]);
  });

  it('a 12-octet octet-string outside a date-time column stays Data', () => {
    const v = octets(dt(0));
    const { rows } = both(encodeData(buffer(row(v, v, v))), columns);
    expect(rows[0]).toEqual([dt(0), v, v]);
  });

  it('reconstructs omitted timestamps and repeated values only when asked (§11.3)', () => {
    const b = encodeData(
      buffer(
        row(octets(dt(23)), u32(1), nul),
        row(nul, nul, { type: 'unsigned', value: 5 }),
        row(nul, u32(3), nul),
      ),
    );
    expect(both(b, columns).rows).toEqual([
      [dt(23), 1, null],
      [null, null, 5],
      [null, 3, null],
    ]);
    const filled = both(b, columns, { capturePeriod: 3600, repeatPrevious: true }).rows;
    expect(filled).toEqual([
      [dt(23), 1, null],
      [{ ...dt(0, 2), dayOfMonth: 16 }, 1, 5],
      [{ ...dt(1, 2), dayOfMonth: 16 }, 3, 5],
    ]);
    expect(both(b, columns, { capturePeriod: 900 }).rows[1]).toEqual([{ ...dt(23), minute: 15 }, null, 5]);
    expect(() => decodeProfileBuffer(b, columns, { capturePeriod: -1 })).toThrow(InvalidArgumentError);
    // A pattern (unspecified fields) cannot be advanced: the null stays.
    const pattern = encodeData(
      buffer(row(octets({ ...dt(1), year: 'unspecified' }), u32(1), nul), row(nul, nul, nul)),
    );
    expect(both(pattern, columns, { capturePeriod: 60 }).rows[1]).toEqual([null, null, null]);
  });

  it('applies invertDeviation to octet-string date-times', () => {
    const b = encodeData(buffer(row(octets(dt(0)), u32(1), nul)));
    expect((both(b, columns, { invertDeviation: true }).rows[0]![0] as CosemDateTime).deviation).toBe(60);
  });

  it('decodes a compact-array buffer', () => {
    // 13 | 02 02 12 06 | length 0C | {1,1} {2,2}
    const b = fromHex('13020212060C00010000000100020000000' + '2');
    const objects = [energy, status];
    expect(both(b, objects).rows).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('checks limits before allocating and rejects malformed shapes', () => {
    const rows10 = encodeData(buffer(...Array.from({ length: 10 }, () => row(nul, nul, nul))));
    expect(() => decodeProfileBuffer(rows10, columns, { maxRows: 9 })).toThrow(/10 rows exceed maxRows 9/);
    expect(() => parseProfileBuffer(decodeData(rows10), columns, { maxRows: 9 })).toThrow(DecodeError);
    // Announces 0x10000 rows with 4 octets behind.
    expect(() => decodeProfileBuffer(fromHex('018301000002000000'), [], { maxRows: 1e6 })).toThrow(
      /65536 rows announced/,
    );
    expect(() => decodeProfileBuffer(encodeData(buffer(row(u32(1), u32(2)))), columns)).toThrow(
      /row 0 has 2 elements but there are 3 capture objects/,
    );
    expect(() => parseProfileBuffer(decodeData(encodeData(buffer(row(nul)))), columns)).toThrow(
      /structure of 3 elements/,
    );
    expect(() => parseProfileBuffer({ type: 'structure', value: [] }, columns)).toThrow(DecodeError);
    expect(() => decodeProfileBuffer(fromHex('0200'), columns)).toThrow(/not an array/);
    expect(() => decodeProfileBuffer(fromHex('01010300'), [])).toThrow(/not a structure/);
    expect(() => decodeProfileBuffer(fromHex('0100FF'), columns)).toThrow(/end of the buffer/);
    // A truncated cell of every fixed size is reported at the end of the input.
    for (const hex of ['010102010600', '0101020110FF', '010102011400000000']) {
      expect(() => decodeProfileBuffer(fromHex(hex), [energy]), hex).toThrow(/input ends/);
    }
    expect(() => decodeProfileBuffer(fromHex('0100'), columns, { maxDepth: 1 })).toThrow(/maxDepth/);
    // A 12-octet octet-string in the clock column that is no date-time (month 13).
    const bad = encodeData(
      buffer(row({ type: 'octet-string', value: fromHex('07E80D0F0100000000FFC400') }, nul, nul)),
    );
    expect(() => decodeProfileBuffer(bad, columns)).toThrow(DecodeError);
    expect(() => parseProfileBuffer(decodeData(bad), columns)).toThrow(DecodeError);
  });

  it('decodes 10,000 rows quickly', () => {
    const base = Date.UTC(2024, 0, 1);
    const rows: Data[] = [];
    for (let i = 0; i < 10_000; i++) {
      const t = new Date(base + i * 900_000);
      rows.push(
        row(
          octets({
            ...dt(t.getUTCHours()),
            dayOfMonth: t.getUTCDate(),
            minute: t.getUTCMinutes(),
            dayOfWeek: 'unspecified',
          }),
          u32(i),
          u32(i * 2),
          u32(i * 3),
          u32(i * 4),
        ),
      );
    }
    const bytes = encodeData(buffer(...rows));
    const objects = [clock, energy, energy, energy, energy];
    decodeProfileBuffer(bytes, objects);
    const start = performance.now();
    const { rows: out } = decodeProfileBuffer(bytes, objects);
    expect(performance.now() - start).toBeLessThan(200);
    expect(out).toHaveLength(10_000);
    expect(out[9_999]![4]).toBe(39_996);
  });
});

/** A cell for a column: mostly what meters send, sometimes anything. */
function arbCell(dateTime: boolean): fc.Arbitrary<Data> {
  const numbers = fc.constantFrom(
    'double-long-unsigned',
    'double-long',
    'long-unsigned',
    'long',
    'unsigned',
    'integer',
    'enum',
    'boolean',
    'long64',
    'float64',
  ) as fc.Arbitrary<'enum'>;
  return fc.oneof(
    dateTime ? arbDateTime().map(octets) : numbers.chain(arbSimple),
    fc.constant(nul),
    arbData({ maxDepth: 1 }),
  );
}

const arbObjects = fc.array(
  fc.constantFrom<CaptureObject>(
    clock,
    energy,
    status,
    { ...clock, dataIndex: 1 },
    { ...energy, classId: 5, attributeIndex: 6 },
  ),
  { maxLength: 4 },
);

const arbBuffer = arbObjects.chain((objects) =>
  fc
    .array(fc.tuple(...objects.map((o) => arbCell(o.classId === 8 ? o.dataIndex === 0 : o.classId === 5))), {
      maxLength: 4,
    })
    .map((cells) => ({ objects, bytes: encodeData(buffer(...cells.map((c) => row(...c)))) })),
);

function onlyDecodeError(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('profile buffer properties', { timeout: 60_000 }, () => {
  it('decodeProfileBuffer equals parseProfileBuffer(decodeData(bytes)) on random buffers', () => {
    fc.assert(
      fc.property(arbBuffer, fc.boolean(), ({ objects, bytes }, invert) => {
        const options = { invertDeviation: invert, capturePeriod: 60, repeatPrevious: true };
        both(bytes, objects, options);
        both(bytes, objects);
      }),
      { numRuns: fuzzRuns(1500) },
    );
  });

  it('random bytes behind an array tag only give DecodeError (fast and slow route agree)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.nat(3), (tail, width) => {
        const bytes = new Uint8Array(tail.length + 1);
        bytes[0] = 1;
        bytes.set(tail, 1);
        const objects = columns.slice(0, width);
        let fast: unknown;
        let slow: unknown;
        try {
          fast = decodeProfileBuffer(bytes, objects);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          // The error points into the input, never past it (the fast path keeps its own cursor).
          // (plain checks: expect() is too slow for 50k cases)
          if (e.offset > bytes.length || /-\d+ unexpected trailing|ends after -/.test(e.message))
            throw new Error(`bad error: ${e.message}`);
          fast = 'error';
        }
        try {
          slow = parseProfileBuffer(decodeData(bytes), objects);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          slow = 'error';
        }
        if (fast === 'error' || slow === 'error') {
          if (fast !== slow) throw new Error(`fast ${String(fast)} / slow ${String(slow)}`);
        } else expect(fast).toEqual(slow);
      }),
      { numRuns: fuzzRuns(50_000) },
    );
  });

  it('fully random and mutated buffers only give DecodeError', () => {
    const valid = fc.sample(arbBuffer, { numRuns: 200, seed: 7 }).filter((b) => b.bytes.length > 2);
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(2)), {
          minLength: 1,
          maxLength: 3,
        }),
        ({ objects, bytes }, edits) => {
          let b = Uint8Array.from(bytes);
          for (const [at, value, kind] of edits) {
            const i = at % b.length;
            if (kind === 0) b[i] = value;
            else if (kind === 1) b = Uint8Array.of(...b.subarray(0, i), value, ...b.subarray(i));
            else b = b.subarray(0, i);
          }
          onlyDecodeError(() => decodeProfileBuffer(b, objects, { capturePeriod: 1, repeatPrevious: true }));
        },
      ),
      { numRuns: fuzzRuns(40_000) },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (b) =>
        onlyDecodeError(() => decodeProfileBuffer(b, columns)),
      ),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('malformed Data into parseProfileBuffer only gives DecodeError', () => {
    fc.assert(
      fc.property(arbData({ maxDepth: 3 }), arbObjects, (data, objects) =>
        onlyDecodeError(() => parseProfileBuffer(data, objects, { capturePeriod: 1 })),
      ),
      { numRuns: fuzzRuns(3000) },
    );
  });
});
