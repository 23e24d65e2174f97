/**
 * The physics of the example meter: a household with a daily consumption pattern and a small
 * rooftop PV system, as pure functions of time. Energy is computed in closed form (no summing of
 * years of history), strictly increasing, and the tariff registers add up to the total.
 *
 * Construction: the day (local standard time, UTC+1) has 96 slots of 15 minutes. Slot k of day
 * position j imports `base[j] + n(k+1) − n(k)` Wh, where `base` is the daily pattern and `n` a
 * seeded noise in [0, 30) Wh that is 0 at the tariff boundaries (00:00, 06:00, 22:00): the noise
 * telescopes, so the energy at any slot boundary is `days·dayTotal + prefix[j] + n(k)`, and every
 * day imports exactly the same total in each tariff. Export follows a PV curve scaled by a
 * seasonal factor whose running sum has a closed form too. Between boundaries energy grows
 * linearly.
 *
 * @module
 */

import { noise } from './noise.js';

const slotMs = 900_000;
const slotsPerDay = 96;
/** Local standard time is UTC+1 (the example meter runs on CET/CEST). */
const localOffsetMs = 3_600_000;
/** The meter was installed at 2020-01-01 00:00 local standard time: energy counts from there. */
const installedSlot = Date.UTC(2020, 0, 1) / slotMs;
/** Tariff 1 (day) runs 06:00–22:00 local standard time: slots 24–87. */
const tariffStart = 24;
const tariffEnd = 88;
/** Largest noise in Wh per slot boundary: below the smallest base slot, so energy always grows. */
const noiseWh = 30;

function bump(hour: number, centre: number, width: number): number {
  const x = (hour - centre) / width;
  return Math.exp(-x * x);
}

/** Import per slot in Wh: 40 Wh (160 W) base load, a morning and a larger evening peak. */
const importBase = Array.from({ length: slotsPerDay }, (_, j) => {
  const hour = (j + 0.5) / 4;
  return 40 + 90 * bump(hour, 7.5, 1.2) + 60 * bump(hour, 13, 1.5) + 180 * bump(hour, 19.5, 1.8);
});

/** Export per slot in Wh on a midsummer day: a PV curve peaking at 250 Wh (1 kW) at 12:00. */
const exportBase = Array.from({ length: slotsPerDay }, (_, j) => {
  const hour = (j + 0.5) / 4;
  return hour > 6 && hour < 18 ? Math.round(250 * Math.sin((Math.PI * (hour - 6)) / 12) ** 2) : 0;
});

/** Season of the PV yield: day d (since installation) yields `0.6 + 0.4·cos(ω(d − 172))` of midsummer. */
const seasonOmega = (2 * Math.PI) / 365.25;
const midsummer = 172;

function season(day: number): number {
  return 0.6 + 0.4 * Math.cos(seasonOmega * (day - midsummer));
}

/** Σ season(d) for d = 0 … days − 1, in closed form (a sum of cosines in arithmetic progression). */
function seasonSum(days: number): number {
  if (days <= 0) return 0;
  const half = seasonOmega / 2;
  const cosines =
    (Math.sin(days * half) / Math.sin(half)) * Math.cos(seasonOmega * ((days - 1) / 2 - midsummer));
  return 0.6 * days + 0.4 * cosines;
}

function prefix(values: readonly number[], keep: (j: number) => boolean): number[] {
  const out = [0];
  for (let j = 0; j < values.length; j++) out.push(out[j]! + (keep(j) ? values[j]! : 0));
  return out;
}

const importPrefix = prefix(importBase, () => true);
const importTariff1Prefix = prefix(importBase, (j) => j >= tariffStart && j < tariffEnd);
const exportPrefix = prefix(exportBase, () => true);

/** Energy counters at one instant, in Wh (fractional). */
export interface Energies {
  /** +A total. */
  import: number;
  /** +A in tariff 1 (06:00–22:00). */
  importTariff1: number;
  /** +A in tariff 2 (22:00–06:00). */
  importTariff2: number;
  /** −A total. */
  export: number;
}

/** The simulated household of the example meter, for one seed (which also sets its consumption and PV size). */
export class Household {
  readonly #seed: number;
  /** How much this household consumes: 0.7–1.3 × the daily pattern. */
  readonly #importScale: number;
  /** Its PV system: 0.5–1.5 kWp. */
  readonly #exportScale: number;

  /** @param seed - Any integer; the same seed gives the same meter. */
  constructor(seed: number) {
    this.#seed = seed;
    this.#importScale = 0.7 + 0.6 * noise(seed, 2, 0);
    this.#exportScale = 0.5 + noise(seed, 3, 0);
  }

  /** Noise (Wh) at slot boundary `k` (absolute slot index since installation). */
  #noise(k: number): number {
    const j = ((k % slotsPerDay) + slotsPerDay) % slotsPerDay;
    if (j === 0 || j === tariffStart || j === tariffEnd) return 0;
    return noiseWh * noise(this.#seed, 1, k);
  }

  /** The counters at slot boundary `k` (slots since installation, ≥ 0). */
  #atSlot(k: number): Energies {
    const days = Math.floor(k / slotsPerDay);
    const j = k - days * slotsPerDay;
    const n = this.#noise(k);
    const total = days * importPrefix[slotsPerDay]! + importPrefix[j]! + n;
    const tariff1 =
      days * importTariff1Prefix[slotsPerDay]! +
      importTariff1Prefix[j]! +
      (j > tariffStart && j < tariffEnd ? n : 0);
    const scale = this.#importScale;
    return {
      import: scale * total,
      importTariff1: scale * tariff1,
      importTariff2: scale * (total - tariff1),
      export:
        this.#exportScale * (seasonSum(days) * exportPrefix[slotsPerDay]! + season(days) * exportPrefix[j]!),
    };
  }

  /** The energy counters at `time` (0 before installation). */
  energies(time: Date): Energies {
    const position = (time.getTime() + localOffsetMs) / slotMs - installedSlot;
    if (position <= 0) return { import: 0, importTariff1: 0, importTariff2: 0, export: 0 };
    const k = Math.floor(position);
    const a = this.#atSlot(k);
    const f = position - k;
    if (f === 0) return a;
    const b = this.#atSlot(k + 1);
    return {
      import: a.import + f * (b.import - a.import),
      importTariff1: a.importTariff1 + f * (b.importTariff1 - a.importTariff1),
      importTariff2: a.importTariff2 + f * (b.importTariff2 - a.importTariff2),
      export: a.export + f * (b.export - a.export),
    };
  }

  /** Average import and export power in W over the 15-minute slot containing `time`. */
  power(time: Date): { import: number; export: number } {
    const start = Math.floor(time.getTime() / slotMs) * slotMs;
    const a = this.energies(new Date(start));
    const b = this.energies(new Date(start + slotMs));
    return { import: (b.import - a.import) * 4, export: (b.export - a.export) * 4 };
  }

  /** Seeded noise in [−1, 1) for quantity `stream` in the 10-second bucket of `time`. */
  jitter(stream: number, time: Date): number {
    return 2 * noise(this.#seed, stream, Math.floor(time.getTime() / 10_000)) - 1;
  }
}
