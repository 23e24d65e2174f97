/**
 * Demo scenarios with simulated DLMS/COSEM meters (the example meter of `meterlink simulate`),
 * each behind a port of the tunnel gateway: one speaking HDLC with LLS, as behind a
 * serial-to-Ethernet converter, and one speaking the wrapper with HLS-GMAC and
 * authenticated-encrypted ciphering, as an IP meter does. Both listen on 127.0.0.1 with ports the
 * OS picks; the head-end reads them only through the broker.
 *
 * @module
 */

import type { Data } from '../../dlms/axdr/types.js';
import { DlmsClient } from '../../dlms/client/dlms-client.js';
import type { DlmsAuthentication, DlmsSecurityOptions } from '../../dlms/client/options.js';
import type { RegisterValue } from '../../dlms/client/register-reads.js';
import { DlmsServer } from '../../dlms/server/dlms-server.js';
import { exampleMeter } from '../../dlms/server/meter/example-meter.js';
import type { AssociationOptions } from '../../dlms/server/server-options.js';
import { tcp } from '../../links/tcp.js';
import type { GatewayPortProtocol } from '../../mqtt/gateway/create-chunker.js';
import { formatMeterTime } from './meter-time.js';
import type {
  DemoContext,
  DemoDevice,
  DemoMeter,
  DemoProfile,
  DemoReading,
  DemoScenario,
  DemoTunnel,
} from './scenario.js';

/** The management client of both meters (client SAP 1). */
const managementClient = 1;
const password = '12345678';
/** Suite 0 keys of the ciphered meter: the test keys of `meterlink simulate`, never printed. */
const keys = {
  encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i),
  authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i),
};
/** System titles: 'MLK' and a serial number (meter), 'MLH' (head-end). */
const meterTitle = Uint8Array.of(0x4d, 0x4c, 0x4b, 0, 0x01, 0x2d, 0x68, 0x7a);
const headEndTitle = Uint8Array.of(0x4d, 0x4c, 0x48, 0, 0, 0, 0, 1);

/** The 15-minute load profile of the example meter and how many of its last rows are shown. */
const loadProfile = '1.0.99.1.0.255';
const profileRows = 4;

/** What the demo reads, in display order: OBIS, label, decimals. */
const registers: readonly [obis: string, label: string, digits: number][] = [
  ['1.0.1.8.0.255', 'Active energy import (+A)', 0],
  ['1.0.2.8.0.255', 'Active energy export (−A)', 0],
  ['1.0.1.8.1.255', 'Import tariff 1', 0],
  ['1.0.1.8.2.255', 'Import tariff 2', 0],
  ['1.0.32.7.0.255', 'Voltage L1', 1],
  ['1.0.52.7.0.255', 'Voltage L2', 1],
  ['1.0.72.7.0.255', 'Voltage L3', 1],
  ['1.0.31.7.0.255', 'Current L1', 2],
  ['1.0.51.7.0.255', 'Current L2', 2],
  ['1.0.71.7.0.255', 'Current L3', 2],
  ['1.0.1.7.0.255', 'Active power import', 0],
  ['1.0.14.7.0.255', 'Frequency', 2],
  ['1.0.13.7.0.255', 'Power factor', 3],
];

/** Short profile column names, by captured logical name. */
const profileColumnNames: Readonly<Record<string, string>> = {
  '1.0.1.8.0.255': '+A',
  '1.0.2.8.0.255': '−A',
  '1.0.1.8.1.255': '+A T1',
  '1.0.1.8.2.255': '+A T2',
};

/** One simulated DLMS meter and how the head-end talks to it. */
interface DlmsMeterSetup {
  id: string;
  title: string;
  framing: 'hdlc' | 'wrapper';
  /** The gateway port protocol: whole HDLC frames, or `raw` (the wrapper is a plain byte stream). */
  protocol: GatewayPortProtocol;
  seed: number;
  association: AssociationOptions;
  auth: DlmsAuthentication;
  security?: DlmsSecurityOptions;
  /** Describes the security in the output (never a key or password). */
  securityText: string;
}

function text(data: Data | undefined): string | undefined {
  if (data === undefined) return undefined;
  if (data.type === 'visible-string' || data.type === 'utf8-string') return data.value;
  if (data.type === 'octet-string') return String.fromCharCode(...data.value);
  return undefined;
}

/** A DLMS meter scenario: serve the example meter on TCP, read it through the tunnel. */
function dlmsMeter(setup: DlmsMeterSetup): DemoScenario {
  return {
    id: setup.id,
    async start(context): Promise<DemoMeter> {
      const server = new DlmsServer({
        logicalDevices: [
          { address: 1, objects: exampleMeter({ seed: setup.seed }), systemTitle: meterTitle },
        ],
        associations: [{ client: 16, mechanism: 'none' }, setup.association],
      });
      context.defer(() => server.close());
      const listener = await server.listen({ host: '127.0.0.1', port: 0, framing: setup.framing });
      context.defer(() => listener.close());
      const device = `${setup.framing}+tcp://127.0.0.1:${listener.port}`;
      return {
        port: {
          id: setup.id,
          // A fresh TCP connection whenever the gateway needs one (at start and after a drop).
          link: () => tcp({ host: '127.0.0.1', port: listener.port }),
          protocol: setup.protocol,
        },
        read: (tunnel) => readDlmsMeter(context, setup, device, tunnel),
      };
    },
  };
}

async function readDlmsMeter(
  context: DemoContext,
  setup: DlmsMeterSetup,
  device: string,
  tunnel: DemoTunnel,
): Promise<Omit<DemoDevice, 'route'>> {
  const options = { timeoutMs: context.timeoutMs, signal: context.signal };
  const link = tunnel.link(setup.id);
  context.defer(() => link.close());
  const meter = await DlmsClient.connect({
    link,
    framing: setup.framing,
    client: managementClient,
    server: setup.framing === 'hdlc' ? { logical: 1, physical: 17 } : { logical: 1 },
    auth: setup.auth,
    ...(setup.security === undefined ? {} : { security: setup.security }),
    ...options,
  });
  context.defer(() => meter.close());
  const [serial, firmware] = await meter.get(
    [
      { classId: 1, obis: '0.0.96.1.0.255', attribute: 2 },
      { classId: 1, obis: '1.0.0.2.0.255', attribute: 2 },
    ],
    options,
  );
  const clock = await meter.readClock(options);
  const readAt = new Date();
  const values = new Map<string, RegisterValue>();
  for (const [obis] of registers) values.set(obis, await meter.readRegister(obis, options));
  const readings: DemoReading[] = registers.map(([obis, label, digits]) => {
    const value = values.get(obis)!;
    return { label, value: value.value, unit: value.unit, digits };
  });
  // The last hour of the 15-minute profile by the meter's own clock, of which the last rows.
  const to = clock.date ?? readAt;
  const buffer = await meter.readProfile(
    loadProfile,
    { from: new Date(to.getTime() - 3_600_000), to },
    options,
  );
  await meter.close();
  const identity = [
    serial?.ok === true && `serial ${text(serial.value)}`,
    firmware?.ok === true && `firmware ${text(firmware.value)}`,
  ]
    .filter((part) => typeof part === 'string')
    .join(', ');
  const profile: DemoProfile = {
    title: `Load profile ${loadProfile} (15 min), last ${profileRows} entries`,
    columns: [
      'time',
      ...buffer.columns.slice(1).map((c) => profileColumnNames[c.captureObject.logicalName] ?? c.label),
    ],
    units: ['', ...buffer.columns.slice(1).map((c) => values.get(c.captureObject.logicalName)?.unit ?? '')],
    rows: buffer.rows.slice(-profileRows).map(([time, ...cells]) => [
      typeof time === 'object' && time !== null && 'hour' in time ? formatMeterTime(time) : String(time),
      ...cells.map((cell, i) => {
        const scaler = values.get(buffer.columns[i + 1]?.captureObject.logicalName ?? '')?.scaler ?? 0;
        // A null cell (a value the meter left out) stays null rather than becoming a number.
        return typeof cell === 'number' || typeof cell === 'bigint' ? Number(cell) * 10 ** scaler : null;
      }),
    ]),
  };
  return {
    title: `${setup.title} — DLMS/COSEM ${setup.framing === 'hdlc' ? 'HDLC' : 'wrapper'}, ${setup.securityText}`,
    device,
    ...(identity === '' ? {} : { identity }),
    clock: formatMeterTime(clock.dateTime),
    readAt: readAt.toISOString(),
    readings,
    profile,
  };
}

/** The example meter over HDLC with LLS (a password), as behind a serial-to-Ethernet converter. */
export const dlmsHdlcMeter: DemoScenario = dlmsMeter({
  id: 'dlms-hdlc',
  title: 'Three-phase household meter',
  framing: 'hdlc',
  protocol: 'hdlc',
  seed: 1,
  association: { client: managementClient, mechanism: 'lls', password },
  auth: { mechanism: 'lls', password },
  securityText: 'LLS (password)',
});

/** The example meter over the wrapper with HLS-GMAC and authenticated-encrypted APDUs. */
export const dlmsWrapperMeter: DemoScenario = dlmsMeter({
  id: 'dlms-wrapper',
  title: 'Three-phase household meter',
  framing: 'wrapper',
  protocol: 'raw',
  seed: 2,
  association: {
    client: managementClient,
    mechanism: 'hls-gmac',
    keys,
    security: 'authenticated-encrypted',
  },
  auth: { mechanism: 'hls-gmac' },
  security: { ...keys, systemTitle: headEndTitle, policy: 'authenticated-encrypted' },
  securityText: 'HLS-GMAC, authenticated-encrypted APDUs (suite 0)',
});
