/**
 * The building blocks of `meterlink demo`: a scenario starts simulated devices, reads them
 * through the public API and returns what it read. New simulators (DLMS meters, an MQTT broker
 * with a tunnel gateway) join by adding a scenario to `scenarios.ts`.
 *
 * @module
 */

/** What a scenario gets from the demo runner. */
export interface DemoContext {
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** Response and connect timeout for every request, in ms. */
  timeoutMs: number;
  /**
   * Registers a cleanup (close a server, a client, a broker). Cleanups run in reverse order when
   * the demo ends, whether it succeeded or not, so a scenario never leaks a socket.
   */
  defer(cleanup: () => unknown): void;
}

/** One value read from a simulated device. */
export interface DemoReading {
  /** Name shown to people, e.g. `Voltage L1`. */
  label: string;
  /** The value as decoded (64-bit counters stay `bigint`). */
  value: number | bigint | string;
  /** Physical unit (`V`, `kWh`), or `''`. */
  unit: string;
  /** Decimals shown for a `number` in text output. */
  digits?: number;
}

/** Everything read from one simulated device. */
export interface DemoDevice {
  /** What the device is and how it was reached, e.g. `Single-phase energy meter — Modbus/TCP`. */
  title: string;
  /** The URL the device was read through (as `meterlink modbus read` would take it). */
  url: string;
  /** Identification the device reported (vendor, product, revision), if any. */
  identity?: string;
  /** The readings, in display order. */
  readings: DemoReading[];
}

/** A part of the demo. */
export interface DemoScenario {
  /** Short id, e.g. `modbus-tcp`. */
  id: string;
  /** Starts its simulators (registering their cleanup), reads them and returns the results. */
  run(context: DemoContext): Promise<DemoDevice[]>;
}
