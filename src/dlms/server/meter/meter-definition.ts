/**
 * The JSON format of a custom simulated meter, read by `loadMeterDefinition` and by
 * `meterlink simulate meter.json` (example: `examples/meters/example.json`).
 *
 * ```jsonc
 * {
 *   "name": "MLK0000000000042",          // logical device name 0.0.42.0.0.255 (3-letter code + ≤ 13 chars); optional
 *   "seed": 42,                          // seed of the "noise" of wave generators; default 1
 *   "objects": [
 *     // class: a name below or the class id. obis: 'A.B.C.D.E.F' or 'A-B:C.D.E*F'.
 *     { "class": "clock", "timeZone": -60, "daylightSaving": true },        // 0.0.1.0.0.255 by default
 *     { "class": "data", "obis": "0.0.96.1.0.255", "value": "12345678" },    // visible-string
 *     { "class": "data", "obis": "0.0.96.14.0.255", "type": "unsigned", "value": 1 },
 *     { "class": "data", "obis": "0.0.96.1.1.255", "type": "octet-string", "value": "0a0b0c" },  // hex
 *     // Raw values: physical = value × 10^scaler. unit: the §11.4 id or its symbol ("Wh", "V" …).
 *     { "class": "register", "obis": "1.0.1.8.0.255", "type": "double-long-unsigned", "scaler": 0, "unit": "Wh",
 *       "generator": { "kind": "counter", "start": 1000000, "perHour": 450, "since": "2024-01-01T00:00:00Z" } },
 *     { "class": "register", "obis": "1.0.32.7.0.255", "type": "long-unsigned", "scaler": -1, "unit": "V",
 *       "generator": { "kind": "wave", "mean": 2300, "amplitude": 20, "periodSeconds": 86400, "noise": 5 } },
 *     { "class": "register", "obis": "1.0.0.3.0.255", "type": "long-unsigned", "value": 1000, "unit": 45 },
 *     { "class": "extended-register", "obis": "1.0.1.6.0.255", "value": 4200, "unit": "W", "status": 0 },
 *     { "class": "demand-register", "obis": "1.0.1.4.0.255", "unit": "W", "period": 900,
 *       "generator": { "kind": "wave", "mean": 800, "amplitude": 400 } },
 *     // Profiles: columns name objects of this file (attribute 2 unless given). A capture period
 *     // makes a generated buffer (rows computed from the columns' values at each capture time);
 *     // without one the buffer is stored and filled by the capture method.
 *     { "class": "profile-generic", "obis": "1.0.99.1.0.255", "capturePeriod": 900, "entries": 2880,
 *       "columns": ["0.0.1.0.0.255", "1.0.1.8.0.255", { "obis": "1.0.32.7.0.255", "attribute": 2 }] },
 *     { "class": "event-log" },             // 0.0.99.98.0.255 + event code 0.0.96.11.0.255: clock and disconnector events
 *     { "class": "disconnect-control", "controlMode": 1 },
 *     { "class": "push-setup", "objects": ["0.0.1.0.0.255", "1.0.1.8.0.255"] },
 *     { "class": "iec-hdlc-setup" },
 *     { "class": "tcp-udp-setup", "port": 4059 }
 *   ]
 * }
 * ```
 *
 * Generators give the raw value as a function of time: `counter` = `start + perHour × hours since
 * since` (before `since`: `start`), `wave` = `mean + amplitude·sin(2π·(t + phaseSeconds)/periodSeconds)
 * + noise × (seeded uniform −1…1, new every 10 s)`. A demand register averages its generator over
 * each period. A `value` is fixed (writable); a generator makes the value evolve.
 *
 * @module
 */

/** A number, or a decimal string for 64-bit values. */
export type DefinitionNumber = number | string;

/** The generator of a live value. */
export type GeneratorDefinition =
  | {
      /** A counter growing linearly with time. */
      kind: 'counter';
      /** Value at `since`. Default 0. */
      start?: number;
      /** Growth per hour (raw units). */
      perHour: number;
      /** ISO instant the counting starts at. Default `'2024-01-01T00:00:00Z'`. */
      since?: string;
    }
  | {
      /** A sine wave with optional noise. */
      kind: 'wave';
      /** Mean value. */
      mean: number;
      /** Amplitude. Default 0. */
      amplitude?: number;
      /** Period in seconds, ≥ 1. Default 86400. */
      periodSeconds?: number;
      /** Phase shift in seconds. Default 0. */
      phaseSeconds?: number;
      /** Largest seeded noise added (new every 10 s). Default 0. */
      noise?: number;
    };

/** A profile column: an OBIS code (attribute 2), or the full capture object. */
export type ColumnDefinition =
  | string
  | {
      /** Logical name of an object of the definition. */
      obis: string;
      /** Captured attribute. Default 2. */
      attribute?: number;
      /** Element of an array/structure attribute (from 1); 0 = the whole attribute. Default 0. */
      dataIndex?: number;
    };

/** One object of a definition (see the module comment for every class and its fields). */
export interface ObjectDefinition {
  /** Class name or id. */
  class: string | number;
  /** Logical name; required except for classes with a well-known default. */
  obis?: string;
  /** Data / register value type (§6.3 names). */
  type?: string;
  /** Fixed value: a number (or decimal string), a string or a boolean. */
  value?: DefinitionNumber | boolean;
  /** Live value (registers, data) or measured quantity (demand registers). */
  generator?: GeneratorDefinition;
  /** Register scaler, −128…127. Default 0. */
  scaler?: number;
  /** Register unit: id or symbol. Default 255 (count). */
  unit?: number | string;
  /** Other class-specific fields. */
  [field: string]: unknown;
}

/** A custom meter. */
export interface MeterDefinition {
  /** Logical device name. Default `'MLK0000000000001'`. */
  name?: string;
  /** Noise seed. Default 1. */
  seed?: number;
  /** The objects. */
  objects: ObjectDefinition[];
}
