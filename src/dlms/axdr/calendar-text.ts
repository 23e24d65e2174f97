/**
 * COSEM date and time as wall-clock text (`YYYY-MM-DD`, `hh:mm:ss[.hh]`), with `*` for every
 * unspecified field (spec §14.1: 0xFF / 0xFFFF) and the named special values of a date's month
 * and day (`dst-end`, `last` …) as they are: for display and JSON, never parsed back.
 *
 * @module
 */

import type { CosemDate, CosemTime } from './types.js';

function two(n: number | string): string {
  return typeof n === 'number' ? String(n).padStart(2, '0') : '**';
}

/**
 * `2024-06-15`, `****-06-**`, `2024-dst-end-last`.
 *
 * @example
 * ```ts
 * cosemDateText({ year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 }); // '2024-06-15'
 * ```
 */
export function cosemDateText(d: CosemDate): string {
  const year = typeof d.year === 'number' ? String(d.year).padStart(4, '0') : '****';
  const month = typeof d.month === 'number' ? two(d.month) : d.month === 'unspecified' ? '**' : d.month;
  const day =
    typeof d.dayOfMonth === 'number'
      ? two(d.dayOfMonth)
      : d.dayOfMonth === 'unspecified'
        ? '**'
        : d.dayOfMonth;
  return `${year}-${month}-${day}`;
}

/**
 * `12:00:00`, `12:00:00.50` (hundredths only when given and not 0), `**:**:**`.
 *
 * @example
 * ```ts
 * cosemTimeText({ hour: 12, minute: 0, second: 0, hundredths: 0 }); // '12:00:00'
 * ```
 */
export function cosemTimeText(t: CosemTime): string {
  const hundredths = typeof t.hundredths === 'number' && t.hundredths !== 0 ? `.${two(t.hundredths)}` : '';
  return `${two(t.hour)}:${two(t.minute)}:${two(t.second)}${hundredths}`;
}
