/**
 * The A-XDR `Data` CHOICE (meterlink spec §6.3) as a tagged union, and the calendar types of §6.5.
 *
 * Every decoded value keeps its original type tag so it re-encodes to the same octets (§6.3).
 * 64-bit integers are `bigint`.
 *
 * @module
 */

/** "Not specified" in a calendar field (octet 0xFF, year 0xFFFF, deviation 0x8000). */
export type Unspecified = 'unspecified';

/** Month of a COSEM date: 1–12 or a special value (§6.5). */
export type CosemMonth = number | Unspecified | 'dst-begin' | 'dst-end';

/** Day of month of a COSEM date: 1–31 or a special value (§6.5). */
export type CosemDayOfMonth = number | Unspecified | 'last' | 'second-last';

/** A COSEM date (§6.5): 5 octets, year / month / day of month / day of week (1 = Monday … 7 = Sunday). */
export interface CosemDate {
  /** 0–65534, or unspecified (0xFFFF). */
  year: number | Unspecified;
  /** 1–12, DST begin (0xFE) / end (0xFD) month, or unspecified (0xFF). */
  month: CosemMonth;
  /** 1–31, last (0xFE) / second-to-last (0xFD) day of the month, or unspecified (0xFF). */
  dayOfMonth: CosemDayOfMonth;
  /** 1 (Monday) – 7 (Sunday), or unspecified (0xFF). */
  dayOfWeek: number | Unspecified;
}

/** A COSEM time (§6.5): 4 octets. */
export interface CosemTime {
  /** 0–23 or unspecified. */
  hour: number | Unspecified;
  /** 0–59 or unspecified. */
  minute: number | Unspecified;
  /** 0–59 or unspecified. */
  second: number | Unspecified;
  /** 0–99 or unspecified. */
  hundredths: number | Unspecified;
}

/** The clock status octet (§6.5). */
export interface ClockStatus {
  /** Bit 0: the time could not be recovered after a power failure. */
  invalid: boolean;
  /** Bit 1: the time may be wrong. */
  doubtful: boolean;
  /** Bit 2: the time comes from another clock base than the configured one. */
  differentClockBase: boolean;
  /** Bit 3: the other status bits are not reliable. */
  invalidClockStatus: boolean;
  /** Bit 7: daylight saving time is active. */
  daylightSavingActive: boolean;
  /** Bits 4–6 as received (reserved; kept so the octet re-encodes identically). */
  reserved: number;
}

/**
 * A COSEM date-time (§6.5): 12 octets. `deviation` follows the DLMS convention —
 * the minutes to ADD to the local time to get UTC (CET = −60) — whatever the wire convention of
 * the meter (see `invertDeviation` in {@link DataDecodeOptions}).
 */
export interface CosemDateTime extends CosemDate, CosemTime {
  /** Minutes, −720…+720 (±840 accepted), or unspecified (0x8000). */
  deviation: number | Unspecified;
  /** Clock status, or unspecified (0xFF). */
  clockStatus: ClockStatus | Unspecified;
}

/** Type description of a compact-array element (§6.6). */
export type TypeDescription =
  | { type: SimpleDataType }
  | { type: 'structure'; elements: TypeDescription[] }
  | { type: 'array'; length: number; element: TypeDescription };

/** Every `Data` alternative (§6.3). */
export type Data =
  | { type: 'null-data' }
  | { type: 'array'; value: Data[] }
  | { type: 'structure'; value: Data[] }
  | { type: 'boolean'; value: boolean }
  /** `value[0]` is bit 0, the most significant bit of the first octet (§6.4). */
  | { type: 'bit-string'; value: boolean[] }
  | { type: 'double-long'; value: number }
  | { type: 'double-long-unsigned'; value: number }
  | { type: 'octet-string'; value: Uint8Array }
  /** Decoded as Latin-1 so any octet survives a round trip (§6.3: decoders accept any octet value). */
  | { type: 'visible-string'; value: string }
  | { type: 'utf8-string'; value: string }
  /** Two BCD digits, 0–99. */
  | { type: 'bcd'; value: number }
  | { type: 'integer'; value: number }
  | { type: 'long'; value: number }
  | { type: 'unsigned'; value: number }
  | { type: 'long-unsigned'; value: number }
  /** Elements decoded per `description`, each a `Data` with the described type. */
  | { type: 'compact-array'; description: TypeDescription; value: Data[] }
  | { type: 'long64'; value: bigint }
  | { type: 'long64-unsigned'; value: bigint }
  | { type: 'enum'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'float64'; value: number }
  | { type: 'date-time'; value: CosemDateTime }
  | { type: 'date'; value: CosemDate }
  | { type: 'time'; value: CosemTime }
  | { type: 'delta-integer'; value: number }
  | { type: 'delta-long'; value: number }
  | { type: 'delta-double-long'; value: number }
  | { type: 'delta-unsigned'; value: number }
  | { type: 'delta-long-unsigned'; value: number }
  | { type: 'delta-double-long-unsigned'; value: number }
  | { type: 'dont-care' };

/** The name of a `Data` alternative. */
export type DataType = Data['type'];

/** Types that carry no nested `Data` (allowed as compact-array element descriptions). */
export type SimpleDataType = Exclude<
  DataType,
  'array' | 'structure' | 'compact-array' | 'null-data' | 'dont-care'
>;

/** Limits checked before anything is allocated or recursed into (style guide: "limits before allocation"). */
export interface DataLimits {
  /** Largest array/structure/compact-array element count. Default 65 535. */
  maxArrayLength?: number;
  /** Deepest nesting of arrays/structures. Default 32. */
  maxDepth?: number;
  /** Largest octet-string/visible-string/utf8-string/bit-string content, in octets. Default 65 535. */
  maxStringBytes?: number;
}

/** Options of `decodeData`. */
export interface DataDecodeOptions extends DataLimits {
  /**
   * The meter sends the deviation with the opposite sign (UTC = local − deviation), as some
   * national companion specifications do (§6.5, §14.1). Default false (DLMS convention).
   */
  invertDeviation?: boolean;
}

/** Options of `encodeData`. */
export interface DataEncodeOptions {
  /** Write the deviation with the opposite sign (see {@link DataDecodeOptions.invertDeviation}). */
  invertDeviation?: boolean;
}
