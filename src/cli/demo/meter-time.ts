/**
 * How the demo shows a COSEM date-time: the meter's wall-clock fields as sent, with the UTC offset
 * its deviation gives (`2024-06-15 14:00:00 +02:00`).
 *
 * @module
 */

import type { CosemDateTime } from '../../dlms/axdr/types.js';

const two = (n: number): string => String(n).padStart(2, '0');

function field(value: number | string, width = 2): string {
  return typeof value === 'number' ? String(value).padStart(width, '0') : '?'.repeat(width);
}

/**
 * Formats a date-time as the meter's local time plus the UTC offset (unspecified fields show as
 * `?`; no offset when the deviation is unspecified).
 */
export function formatMeterTime(time: CosemDateTime): string {
  const date = `${field(time.year, 4)}-${field(time.month)}-${field(time.dayOfMonth)}`;
  const clock = `${field(time.hour)}:${field(time.minute)}:${field(time.second)}`;
  if (typeof time.deviation !== 'number') return `${date} ${clock}`;
  // DLMS deviation: UTC = local + deviation (minutes), so the ISO offset is its negation (§6.5).
  const offset = -time.deviation;
  const abs = Math.abs(offset);
  return `${date} ${clock} ${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
