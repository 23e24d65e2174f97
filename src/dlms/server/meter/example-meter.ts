/**
 * The example meter of `meterlink simulate`: a realistic three-phase household electricity meter
 * whose values evolve with time (meterlink spec §11.5 well-known objects).
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import type { CaptureObject } from '../../cosem/capture-objects.js';
import type { CosemObject } from '../cosem-object.js';
import { Clock } from '../objects/clock.js';
import { DataObject } from '../objects/data-object.js';
import { type NumericData, numericData } from '../objects/data-values.js';
import { DemandRegister } from '../objects/demand-register.js';
import { DisconnectControl } from '../objects/disconnect-control.js';
import { EventCode, EventLog } from '../objects/event-log.js';
import { ExtendedRegister } from '../objects/extended-register.js';
import { logicalDeviceName } from '../objects/logical-device-name.js';
import { ObjectDirectory } from '../objects/object-directory.js';
import { ProfileGeneric } from '../objects/profile-generic.js';
import { type PushSender, PushSetup } from '../objects/push-setup.js';
import { Register } from '../objects/register.js';
import { ScriptTable } from '../objects/script-table.js';
import { IecHdlcSetup, TcpUdpSetup } from '../objects/setup-objects.js';
import { type Energies, Household } from './household.js';
import { logClockAdjustments, logDisconnections } from './meter-events.js';
import { noise } from './noise.js';

/** Options of {@link exampleMeter}. */
export interface ExampleMeterOptions {
  /**
   * The time the meter is created at: its event log holds the outages of the 30 days before.
   * Default `new Date()`. (Values follow the request time, `context.now`, set by the server's clock.)
   */
  now?: () => Date;
  /** Seed of every simulated quantity: the same seed gives the same meter. Default 1. */
  seed?: number;
  /** Sends the pushes of the Push setup (also settable later through its `sender`). */
  onPush?: PushSender;
}

const wh = 30;
const watt = 27;
const volt = 35;
const ampere = 33;
const hertz = 44;
const count = 255;

/** Phase shares of the import power (L1, L2, L3). */
const phaseShare = [0.45, 0.33, 0.22] as const;
const dayMs = 86_400_000;
/** The dummy method parameter `integer 0` (§11.2). */
const dummy: Data = { type: 'integer', value: 0 };

function value(type: NumericData['type'], read: (now: Date) => number): (now: Date) => Data {
  return (now) => numericData(type, Math.round(read(now)));
}

function register(
  obis: string,
  type: NumericData['type'],
  scaler: number,
  unit: number,
  read: (now: Date) => number,
): Register {
  return new Register({ logicalName: obis, value: value(type, read), scaler, unit });
}

function column(classId: number, logicalName: string): CaptureObject {
  return { classId, logicalName, attributeIndex: 2, dataIndex: 0 };
}

/**
 * The object list of a simulated three-phase household meter (logical device 1): logical device
 * name, serial number and firmware, clock (CET with EU daylight saving), +A/−A energy and the two
 * +A tariffs, instantaneous power, voltage, current, frequency and power factor per phase, a
 * demand and a maximum-demand register, a 15-minute load profile of 30 days (clock + the four
 * energy registers, generated when read and always consistent with the registers), an event log
 * with seeded outages, disconnect control (logging its operations) with its script table
 * 0.0.10.0.106.255 (script 1 disconnects, 2 reconnects), push setup, IEC HDLC and TCP-UDP setup.
 * Every value is a pure function of the request time and the seed.
 *
 * @param options - Creation time, seed and push sender.
 * @returns The objects to serve (the server adds the association objects).
 * @example
 * ```ts
 * const server = new DlmsServer({ logicalDevices: [{ address: 1, objects: exampleMeter({ seed: 7 }) }] });
 * ```
 */
export function exampleMeter(options: ExampleMeterOptions = {}): CosemObject[] {
  const seed = options.seed ?? 1;
  const created = options.now?.() ?? new Date();
  const household = new Household(seed);
  const directory = new ObjectDirectory();
  const energies = (now: Date): Energies => household.energies(now);
  let eventLog: EventLog | undefined;

  const clock = new Clock({
    timeZone: -60,
    daylightSavingsEnabled: true,
    onAdjust: logClockAdjustments(() => eventLog),
  });
  const formatTime = clock.formatTime;
  const serial = String(10_000_000 + Math.floor(noise(seed, 9, 0) * 89_999_999));

  const voltage = (phase: number, now: Date): number =>
    230 +
    2 * Math.sin((2 * Math.PI * (now.getTime() % dayMs)) / dayMs + phase) +
    1.5 * household.jitter(10 + phase, now);
  const powerFactor = (now: Date): number => 0.97 + 0.02 * household.jitter(20, now);
  const phasePower = (phase: number, now: Date): number =>
    household.power(now).import * phaseShare[phase]! * (1 + 0.03 * household.jitter(30 + phase, now));

  const energyRegisters = [
    register('1.0.1.8.0.255', 'double-long-unsigned', 0, wh, (now) => Math.floor(energies(now).import)),
    register('1.0.2.8.0.255', 'double-long-unsigned', 0, wh, (now) => Math.floor(energies(now).export)),
    // Tariff registers count tens of Wh (scaler 1), as many meters do.
    register('1.0.1.8.1.255', 'double-long-unsigned', 1, wh, (now) =>
      Math.floor(energies(now).importTariff1 / 10),
    ),
    register('1.0.1.8.2.255', 'double-long-unsigned', 1, wh, (now) =>
      Math.floor(energies(now).importTariff2 / 10),
    ),
  ];
  const instantaneous = [
    register('1.0.1.7.0.255', 'double-long-unsigned', 0, watt, (now) =>
      phaseShare.reduce((sum, _, p) => sum + phasePower(p, now), 0),
    ),
    register('1.0.2.7.0.255', 'double-long-unsigned', 0, watt, (now) => household.power(now).export),
    ...[21, 41, 61].map((c, p) =>
      register(`1.0.${c}.7.0.255`, 'double-long-unsigned', 0, watt, (now) => phasePower(p, now)),
    ),
    ...[32, 52, 72].map((c, p) =>
      register(`1.0.${c}.7.0.255`, 'long-unsigned', -1, volt, (now) => voltage(p, now) * 10),
    ),
    ...[31, 51, 71].map((c, p) =>
      register(
        `1.0.${c}.7.0.255`,
        'long-unsigned',
        -2,
        ampere,
        (now) => (phasePower(p, now) / (voltage(p, now) * powerFactor(now))) * 100,
      ),
    ),
    register('1.0.14.7.0.255', 'long-unsigned', -2, hertz, (now) => 5000 + 4 * household.jitter(40, now)),
    register('1.0.13.7.0.255', 'long', -3, count, (now) => powerFactor(now) * 1000),
  ];
  const averageImport = (from: Date, to: Date): number => {
    const hours = (to.getTime() - from.getTime()) / 3_600_000;
    return hours <= 0 ? household.power(from).import : (energies(to).import - energies(from).import) / hours;
  };
  const maximumDemand = (now: Date): { value: number; at: Date } => {
    // The largest 15-minute average import since the start of the month (UTC), and when it ended.
    const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    let best = { value: 0, at: new Date(month) };
    for (let t = month + 900_000; t <= now.getTime(); t += 900_000) {
      const demand = averageImport(new Date(t - 900_000), new Date(t));
      if (demand > best.value) best = { value: demand, at: new Date(t) };
    }
    return best;
  };
  const demand = [
    new DemandRegister({ logicalName: '1.0.1.4.0.255', average: averageImport, unit: watt, formatTime }),
    new ExtendedRegister({
      logicalName: '1.0.1.6.0.255',
      value: value('double-long-unsigned', (now) => maximumDemand(now).value),
      unit: watt,
      formatTime,
      captureTime: (now) => maximumDemand(now).at,
    }),
  ];

  const loadProfile = new ProfileGeneric({
    logicalName: '1.0.99.1.0.255',
    directory,
    generated: true,
    capturePeriod: 900,
    profileEntries: 2880,
    captureObjects: [
      column(8, '0.0.1.0.0.255'),
      ...['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255'].map((n) => column(3, n)),
    ],
  });
  eventLog = new EventLog({ directory });
  const disconnect = new DisconnectControl({
    controlMode: 2,
    onChange: logDisconnections(() => eventLog),
  });
  const push = new PushSetup({
    directory,
    pushObjects: [
      { classId: 40, logicalName: '0.0.25.9.0.255', attributeIndex: 1, dataIndex: 0 },
      column(8, '0.0.1.0.0.255'),
      column(3, '1.0.1.8.0.255'),
      column(3, '1.0.2.8.0.255'),
    ],
    ...(options.onPush === undefined ? {} : { sender: options.onPush }),
  });

  const objects: CosemObject[] = [
    logicalDeviceName(`MLK${serial.padStart(13, '0')}`),
    new DataObject({
      logicalName: '0.0.96.1.0.255',
      value: { type: 'visible-string', value: serial },
      readOnly: true,
    }),
    new DataObject({
      logicalName: '1.0.0.2.0.255',
      value: { type: 'visible-string', value: 'MLK-1.4.2' },
      readOnly: true,
    }),
    clock,
    ...energyRegisters,
    ...instantaneous,
    ...demand,
    loadProfile,
    eventLog.profile,
    eventLog.eventCode,
    disconnect,
    // §11.3 Script table 0.0.10.0.106.255: script 1 disconnects, script 2 reconnects.
    new ScriptTable({
      logicalName: '0.0.10.0.106.255',
      directory,
      scripts: {
        1: [{ service: 2, classId: 70, logicalName: '0.0.96.3.10.255', index: 1, parameter: dummy }],
        2: [{ service: 2, classId: 70, logicalName: '0.0.96.3.10.255', index: 2, parameter: dummy }],
      },
    }),
    push,
    new IecHdlcSetup(),
    new TcpUdpSetup(),
  ];
  directory.add(...objects);
  recordOutages(eventLog, seed, created);
  return objects;
}

/** Three seeded power outages (down, then up 1–30 minutes later) in the 30 days before `created`. */
function recordOutages(log: EventLog, seed: number, created: Date): void {
  const starts = [0, 1, 2]
    .map((i) => created.getTime() - (i + noise(seed, 50, i)) * 10 * dayMs)
    .sort((a, b) => a - b);
  starts.forEach((start, i) => {
    log.record(EventCode.powerDown, new Date(start));
    log.record(EventCode.powerUp, new Date(start + (1 + Math.floor(noise(seed, 51, i) * 30)) * 60_000));
  });
}
