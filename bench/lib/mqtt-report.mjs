// Statistics, machine load and table formatting of the MQTT benchmark (the same conventions as
// bench/dlms-session.mjs: medians of rounds, spread = (max − min) / median, other processes'
// CPU from /proc/stat).

import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
export const spreadOf = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
export const load1 = () => loadavg()[0].toFixed(2);
export const cpuOfProcess = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Machine-wide CPU time from /proc/stat (Linux), µs (USER_HZ taken as 100), or undefined. */
export function machineCpu() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: (total - f[3] - f[4]) * 1e4, total: total * 1e4 };
  } catch {
    return undefined;
  }
}

/** Share of the machine's CPU time that was busy over `ms`. */
export async function machineBusy(ms = 1000) {
  const a = machineCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineCpu();
  if (!a || !b || b.total === a.total) return Number.NaN;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** Cores the rest of the machine used between two machineCpu() readings, given our own CPU µs. */
export function otherCores(m0, m1, ownUs) {
  if (!m0 || !m1) return Number.NaN;
  return Math.max(0, (m1.busy - m0.busy - ownUs) / ((m1.total - m0.total) / cpus().length));
}

export function fmtRate(x) {
  if (!Number.isFinite(x)) return '—';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}
export const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
export const fmtPct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
export const fmtMB = (x) => (Number.isFinite(x) ? `${(x / 1e6).toFixed(1)} MB` : '—');
export const fmtBytes = (x) =>
  !Number.isFinite(x)
    ? '—'
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} MB`
      : x >= 1e3
        ? `${(x / 1e3).toFixed(1)} kB`
        : `${x} B`;

export function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (align[i] === 'l' ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
