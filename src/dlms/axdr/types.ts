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
  /**
   * Bits 4–6 as received, in place (`octet & 0x70`: 0 or a subset of 0x70). Reserved; kept so the
   * octet re-encodes identically.
   */
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
  /** A simple type: the element is that type's content without its tag. */
  | {
      /** The simple type. */
      type: SimpleDataType;
    }
  /** A structure: one description per member (at least one). */
  | {
      /** Discriminant. */
      type: 'structure';
      /** The members' descriptions, in order. */
      elements: TypeDescription[];
    }
  /** A fixed-length array (count on two octets on the wire, at least 1). */
  | {
      /** Discriminant. */
      type: 'array';
      /** Number of elements, 1–65535. */
      length: number;
      /** Description of every element. */
      element: TypeDescription;
    };

/** Every `Data` alternative (§6.3). */
export type Data =
  /** No value. */
  | {
      /** Discriminant: tag 0. */
      type: 'null-data';
    }
  /** An array (SEQUENCE OF Data). */
  | {
      /** Discriminant: tag 1. */
      type: 'array';
      /** The elements (normally all of one type). */
      value: Data[];
    }
  /** A structure of any member types. */
  | {
      /** Discriminant: tag 2. */
      type: 'structure';
      /** The members, in order. */
      value: Data[];
    }
  /** A boolean. */
  | {
      /** Discriminant: tag 3. */
      type: 'boolean';
      /** `00` is false; any other octet decodes as true (§6.2). */
      value: boolean;
    }
  /** A bit-string, one boolean per bit. */
  | {
      /** Discriminant: tag 4. */
      type: 'bit-string';
      /** `value[0]` is bit 0, the most significant bit of the first octet (§6.4). */
      value: boolean[];
    }
  /** int32. */
  | {
      /** Discriminant: tag 5. */
      type: 'double-long';
      /** −2^31 … 2^31−1. */
      value: number;
    }
  /** uint32. */
  | {
      /** Discriminant: tag 6. */
      type: 'double-long-unsigned';
      /** 0 … 2^32−1. */
      value: number;
    }
  /** An octet-string (OBIS codes, date-times in octet form …). */
  | {
      /** Discriminant: tag 9. */
      type: 'octet-string';
      /** The octets (a copy when decoded, independent of the input buffer). */
      value: Uint8Array;
    }
  /** An ASCII string. */
  | {
      /** Discriminant: tag 10. */
      type: 'visible-string';
      /** Decoded as Latin-1 so any octet survives a round trip (§6.3: decoders accept any octet value); every character must be U+0000–U+00FF to encode. */
      value: string;
    }
  /** A UTF-8 string. */
  | {
      /** Discriminant: tag 12. */
      type: 'utf8-string';
      /** The text (the length on the wire counts UTF-8 octets). */
      value: string;
    }
  /** Two BCD digits in one octet. */
  | {
      /** Discriminant: tag 13. */
      type: 'bcd';
      /** 0–99 (two BCD digits). */
      value: number;
    }
  /** int8. */
  | {
      /** Discriminant: tag 15. */
      type: 'integer';
      /** −128 … 127. */
      value: number;
    }
  /** int16. */
  | {
      /** Discriminant: tag 16. */
      type: 'long';
      /** −32768 … 32767. */
      value: number;
    }
  /** uint8. */
  | {
      /** Discriminant: tag 17. */
      type: 'unsigned';
      /** 0 … 255. */
      value: number;
    }
  /** uint16. */
  | {
      /** Discriminant: tag 18. */
      type: 'long-unsigned';
      /** 0 … 65535. */
      value: number;
    }
  /** A compact-array (§6.6): one type description, elements encoded without tags. */
  | {
      /** Discriminant: tag 19. */
      type: 'compact-array';
      /** The type of every element. */
      description: TypeDescription;
      /** Elements decoded per `description`, each a `Data` with the described type. */
      value: Data[];
    }
  /** int64, as bigint. */
  | {
      /** Discriminant: tag 20. */
      type: 'long64';
      /** −2^63 … 2^63−1. */
      value: bigint;
    }
  /** uint64, as bigint. */
  | {
      /** Discriminant: tag 21. */
      type: 'long64-unsigned';
      /** 0 … 2^64−1. */
      value: bigint;
    }
  /** An enumeration value (uint8). */
  | {
      /** Discriminant: tag 22. */
      type: 'enum';
      /** 0 … 255. */
      value: number;
    }
  /** A float32. */
  | {
      /** Discriminant: tag 23. */
      type: 'float32';
      /** An IEEE 754 binary32 value (a number that is not one is rounded on encoding). */
      value: number;
    }
  /** A float64. */
  | {
      /** Discriminant: tag 24. */
      type: 'float64';
      /** An IEEE 754 binary64 value. */
      value: number;
    }
  /** A date-time (tag 25). */
  | {
      /** Discriminant: tag 25. */
      type: 'date-time';
      /** The 12-octet date-time (§6.5). */
      value: CosemDateTime;
    }
  /** A date (tag 26). */
  | {
      /** Discriminant: tag 26. */
      type: 'date';
      /** The 5-octet date (§6.5). */
      value: CosemDate;
    }
  /** A time (tag 27). */
  | {
      /** Discriminant: tag 27. */
      type: 'time';
      /** The 4-octet time (§6.5). */
      value: CosemTime;
    }
  /** A delta value, int8 (§14.10: decoded, never sent by the client). */
  | {
      /** Discriminant: tag 28. */
      type: 'delta-integer';
      /** −128 … 127. */
      value: number;
    }
  /** A delta value, int16. */
  | {
      /** Discriminant: tag 29. */
      type: 'delta-long';
      /** −32768 … 32767. */
      value: number;
    }
  /** A delta value, int32. */
  | {
      /** Discriminant: tag 30. */
      type: 'delta-double-long';
      /** −2^31 … 2^31−1. */
      value: number;
    }
  /** A delta value, uint8. */
  | {
      /** Discriminant: tag 31. */
      type: 'delta-unsigned';
      /** 0 … 255. */
      value: number;
    }
  /** A delta value, uint16. */
  | {
      /** Discriminant: tag 32. */
      type: 'delta-long-unsigned';
      /** 0 … 65535. */
      value: number;
    }
  /** A delta value, uint32. */
  | {
      /** Discriminant: tag 33. */
      type: 'delta-double-long-unsigned';
      /** 0 … 2^32−1. */
      value: number;
    }
  /** "Any value", only inside selective-access parameters. */
  | {
      /** Discriminant: tag 255. */
      type: 'dont-care';
    };

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
