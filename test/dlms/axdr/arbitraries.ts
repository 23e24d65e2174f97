// Reusable fast-check arbitraries for A-XDR `Data` values (meterlink spec §6.3–§6.6). Every value
// generated here encodes without error and decodes back deep-equal, so other layers (APDU, COSEM)
// can use them for their own round-trip properties.
import fc from 'fast-check';
import type {
  ClockStatus,
  CosemDate,
  CosemDateTime,
  CosemTime,
  Data,
  SimpleDataType,
  TypeDescription,
} from '../../../src/dlms/axdr/types.js';

const unspecified = fc.constant('unspecified' as const);
const orUnspecified = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), unspecified);

/** A valid clock status (never all bits set: 0xFF means "not specified"). */
export function arbClockStatus(): fc.Arbitrary<ClockStatus | 'unspecified'> {
  const flags = fc
    .record({
      invalid: fc.boolean(),
      doubtful: fc.boolean(),
      differentClockBase: fc.boolean(),
      invalidClockStatus: fc.boolean(),
      daylightSavingActive: fc.boolean(),
      reserved: fc.integer({ min: 0, max: 7 }).map((n) => n << 4),
    })
    .filter(
      (s) =>
        !(
          s.invalid &&
          s.doubtful &&
          s.differentClockBase &&
          s.invalidClockStatus &&
          s.daylightSavingActive &&
          s.reserved === 0x70
        ),
    );
  return fc.oneof(flags, unspecified);
}

/** Any valid COSEM date, including every special value of §6.5. */
export function arbDate(): fc.Arbitrary<CosemDate> {
  return fc.record({
    year: fc.oneof(fc.integer({ min: 0, max: 0xfffe }), unspecified),
    month: fc.oneof(
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom('unspecified', 'dst-begin', 'dst-end') as fc.Arbitrary<
        'unspecified' | 'dst-begin' | 'dst-end'
      >,
    ),
    dayOfMonth: fc.oneof(
      fc.integer({ min: 1, max: 31 }),
      fc.constantFrom('unspecified', 'last', 'second-last') as fc.Arbitrary<
        'unspecified' | 'last' | 'second-last'
      >,
    ),
    dayOfWeek: orUnspecified(1, 7),
  });
}

/** Any valid COSEM time. */
export function arbTime(): fc.Arbitrary<CosemTime> {
  return fc.record({
    hour: orUnspecified(0, 23),
    minute: orUnspecified(0, 59),
    second: orUnspecified(0, 59),
    hundredths: orUnspecified(0, 99),
  });
}

/** Any valid COSEM date-time (deviation −840…840 or unspecified, DLMS sign). */
export function arbDateTime(): fc.Arbitrary<CosemDateTime> {
  return fc
    .record({
      date: arbDate(),
      time: arbTime(),
      deviation: orUnspecified(-840, 840),
      clockStatus: arbClockStatus(),
    })
    .map(({ date, time, deviation, clockStatus }) => ({ ...date, ...time, deviation, clockStatus }));
}

const simpleTypes: SimpleDataType[] = [
  'boolean',
  'bit-string',
  'double-long',
  'double-long-unsigned',
  'octet-string',
  'visible-string',
  'utf8-string',
  'bcd',
  'integer',
  'long',
  'unsigned',
  'long-unsigned',
  'long64',
  'long64-unsigned',
  'enum',
  'float32',
  'float64',
  'date-time',
  'date',
  'time',
  'delta-integer',
  'delta-long',
  'delta-double-long',
  'delta-unsigned',
  'delta-long-unsigned',
  'delta-double-long-unsigned',
];

const int = (min: number, max: number) => fc.integer({ min, max });

/**
 * A value of a simple type. Floats: float32 values are float32-representable (fc.float), -0, NaN
 * and ±Infinity included (they round-trip; NaN compares equal under Object.is).
 */
export function arbSimple(type: SimpleDataType): fc.Arbitrary<Data> {
  switch (type) {
    case 'boolean':
      return fc.boolean().map((value) => ({ type, value }));
    case 'bit-string':
      return fc.array(fc.boolean(), { maxLength: 20 }).map((value) => ({ type, value }));
    case 'double-long':
    case 'delta-double-long':
      return int(-0x80000000, 0x7fffffff).map((value) => ({ type, value }));
    case 'double-long-unsigned':
    case 'delta-double-long-unsigned':
      return int(0, 0xffffffff).map((value) => ({ type, value }));
    case 'octet-string':
      return fc.uint8Array({ maxLength: 16 }).map((value) => ({ type, value }));
    case 'visible-string':
      return fc
        .string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 12 })
        .map((value) => ({ type, value }));
    case 'utf8-string':
      return fc.string({ unit: 'binary', maxLength: 8 }).map((value) => ({ type, value }));
    case 'bcd':
      return int(0, 99).map((value) => ({ type, value }));
    case 'integer':
    case 'delta-integer':
      return int(-0x80, 0x7f).map((value) => ({ type, value }));
    case 'long':
    case 'delta-long':
      return int(-0x8000, 0x7fff).map((value) => ({ type, value }));
    case 'unsigned':
    case 'enum':
    case 'delta-unsigned':
      return int(0, 0xff).map((value) => ({ type, value }));
    case 'long-unsigned':
    case 'delta-long-unsigned':
      return int(0, 0xffff).map((value) => ({ type, value }));
    case 'long64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type, value }));
    case 'long64-unsigned':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ type, value }));
    case 'float32':
      return fc.float().map((value) => ({ type, value }));
    case 'float64':
      return fc.double().map((value) => ({ type, value }));
    case 'date-time':
      return arbDateTime().map((value) => ({ type, value }));
    case 'date':
      return arbDate().map((value) => ({ type, value }));
    case 'time':
      return arbTime().map((value) => ({ type, value }));
  }
}

/** A compact-array type description (no empty structures or zero-length arrays, §6.6). */
export function arbTypeDescription(maxDepth = 2): fc.Arbitrary<TypeDescription> {
  const simple = fc.constantFrom(...simpleTypes).map((type): TypeDescription => ({ type }));
  if (maxDepth <= 0) return simple;
  const inner = arbTypeDescription(maxDepth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: simple },
    {
      weight: 1,
      arbitrary: fc
        .array(inner, { minLength: 1, maxLength: 3 })
        .map((elements): TypeDescription => ({ type: 'structure', elements })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ length: int(1, 3), element: inner })
        .map(({ length, element }): TypeDescription => ({ type: 'array', length, element })),
    },
  );
}

/** A value matching `description` (what a compact-array element decodes to). */
export function arbDescribed(description: TypeDescription): fc.Arbitrary<Data> {
  switch (description.type) {
    case 'structure':
      return fc
        .tuple(...description.elements.map(arbDescribed))
        .map((value): Data => ({ type: 'structure', value }));
    case 'array':
      return fc
        .array(arbDescribed(description.element), {
          minLength: description.length,
          maxLength: description.length,
        })
        .map((value): Data => ({ type: 'array', value }));
    default:
      return arbSimple(description.type);
  }
}

/**
 * A compact-array with a random description (`descriptionDepth` nested structure/array levels at
 * most, default 2) and 0–4 elements consistent with it.
 */
export function arbCompactArray(descriptionDepth = 2): fc.Arbitrary<Data> {
  return arbTypeDescription(descriptionDepth).chain((description) =>
    fc
      .array(arbDescribed(description), { maxLength: 4 })
      .map((value): Data => ({ type: 'compact-array', description, value })),
  );
}

/** Options of {@link arbData}. */
export interface ArbDataOptions {
  /** Deepest nesting of arrays/structures/compact-arrays. Default 3. */
  maxDepth?: number;
}

/** Any `Data` value, every alternative of §6.3 included, nesting at most `maxDepth` containers. */
export function arbData(options?: ArbDataOptions): fc.Arbitrary<Data> {
  const maxDepth = options?.maxDepth ?? 3;
  const leaf: fc.Arbitrary<Data> = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<Data>({ type: 'null-data' }, { type: 'dont-care' }) },
    { weight: 8, arbitrary: fc.constantFrom(...simpleTypes).chain(arbSimple) },
  );
  if (maxDepth <= 0) return leaf;
  const inner = arbData({ maxDepth: maxDepth - 1 });
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc.array(inner, { maxLength: 4 }).map((value): Data => ({ type: 'array', value })),
    },
    {
      weight: 1,
      arbitrary: fc.array(inner, { maxLength: 4 }).map((value): Data => ({ type: 'structure', value })),
    },
    { weight: 1, arbitrary: arbCompactArray(Math.min(2, maxDepth - 1)) },
  );
}
