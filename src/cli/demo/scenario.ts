/**
 * The building blocks of `meterlink demo`: a scenario starts one simulated device and hangs it on
 * a port of the demo's tunnel gateway; once the broker and the gateway run, it reads the device
 * through the tunnel and returns what it read. New simulators join by adding a scenario to
 * `scenarios.ts`.
 *
 * @module
 */

import type { Link } from '../../core/link.js';
import type { MqttGatewayPort } from '../../mqtt/gateway/mqtt-gateway.js';

/** What a scenario gets from the demo runner. */
export interface DemoContext {
  /** Fires on Ctrl-C or when the demo's overall time limit passes. */
  signal: AbortSignal;
  /** Response and connect timeout for every request, in ms. */
  timeoutMs: number;
  /**
   * Registers a cleanup (close a server, a client, a broker). Cleanups run in reverse order when
   * the demo ends, whether it succeeded or not, so a scenario never leaks a socket.
   */
  defer(cleanup: () => unknown): void;
}

/** The running tunnel, as a scenario reads its device through it. */
export interface DemoTunnel {
  /** The embedded broker, `mqtt://127.0.0.1:<port>`. */
  broker: string;
  /** Id of the gateway the devices hang on. */
  gatewayId: string;
  /** A fresh, unopened `mqttLink` to a port of the gateway (closed by the demo at the end). */
  link(portId: string): Link;
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

/** A few rows of a load profile. */
export interface DemoProfile {
  /** What the profile is, e.g. `Load profile 1.0.99.1.0.255 (15 min), last 4 entries`. */
  title: string;
  /** Column headers (`time`, then one per value column). */
  columns: string[];
  /** Units of the columns (`''` for the time column). */
  units: string[];
  /**
   * The rows: the capture time (meter local time with its UTC offset), then the scaled values
   * (`null` where the meter sent no number).
   */
  rows: [string, ...(number | null)[]][];
}

/** Everything read from one simulated device. */
export interface DemoDevice {
  /** What the device is, e.g. `Three-phase household meter — DLMS/HDLC, LLS`. */
  title: string;
  /** How the head-end reached it: broker, gateway, port and the port's protocol. */
  route: string;
  /** Where the gateway reaches the device (`wrapper+tcp://127.0.0.1:4059`, `RS-485 bus (simulated)`). */
  device: string;
  /** Identification the device reported (vendor, product, serial number), if any. */
  identity?: string;
  /** The device's own clock (local time with its UTC offset), when it has one. */
  clock?: string;
  /** When the head-end read the values (ISO 8601, UTC). */
  readAt: string;
  /** The readings, in display order. */
  readings: DemoReading[];
  /** A load-profile excerpt, when the device keeps one. */
  profile?: DemoProfile;
}

/** A simulated device, started and hung on a gateway port, waiting to be read. */
export interface DemoMeter {
  /** The gateway port the device is on. */
  port: MqttGatewayPort;
  /** Reads the device through the tunnel (the runner adds the `route`). */
  read(tunnel: DemoTunnel): Promise<Omit<DemoDevice, 'route'>>;
}

/** A part of the demo. */
export interface DemoScenario {
  /** Short id, also the gateway port id, e.g. `dlms-hdlc`. */
  id: string;
  /** Starts the simulated device (registering its cleanup) and returns it. */
  start(context: DemoContext): Promise<DemoMeter>;
}
