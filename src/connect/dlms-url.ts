/**
 * The DLMS URL forms: `hdlc+…`, `wrapper+…` and `apdu+mqtt(s)`.
 *
 * @module
 */

import type { DlmsScheme, DlmsUrl, DlmsUrlFraming, HdlcUrlSettings, UrlTransport } from './meter-url.js';
import type { UrlReader } from './url-reader.js';

/** Framing and transport of every DLMS scheme. */
export const dlmsSchemes: Readonly<Record<DlmsScheme, { framing: DlmsUrlFraming; transport: UrlTransport }>> =
  {
    'hdlc+tcp': { framing: 'hdlc', transport: 'tcp' },
    'hdlc+udp': { framing: 'hdlc', transport: 'udp' },
    'hdlc+serial': { framing: 'hdlc', transport: 'serial' },
    'hdlc+mqtt': { framing: 'hdlc', transport: 'mqtt' },
    'hdlc+mqtts': { framing: 'hdlc', transport: 'mqtt' },
    'wrapper+tcp': { framing: 'wrapper', transport: 'tcp' },
    'wrapper+udp': { framing: 'wrapper', transport: 'udp' },
    'apdu+mqtt': { framing: 'tunnel-apdu', transport: 'mqtt' },
    'apdu+mqtts': { framing: 'tunnel-apdu', transport: 'mqtt' },
  };

/** IANA port of DLMS/COSEM over TCP and UDP (IEC 62056-47 / Green Book wrapper). */
const dlmsPort = 4059;

const common = ['client', 'server', 'timeout', 'pdu', 'auth', 'policy'] as const;
/** HDLC settings; with `apdu+mqtt` HDLC runs at the gateway, so only the address travels. */
const hdlc = ['physical', 'retries', 'window', 'maxinfo'] as const;
const line = ['baud', 'parity', 'databits', 'stopbits', 'modee'] as const;

function allowedParams(framing: DlmsUrlFraming, transport: UrlTransport): readonly string[] {
  if (framing === 'wrapper') return common;
  if (framing === 'tunnel-apdu') return [...common, 'physical'];
  return transport === 'serial' ? [...common, ...hdlc, ...line] : [...common, ...hdlc];
}

/**
 * Reads a URL whose scheme is `scheme`.
 *
 * @throws InvalidUrlError for an unknown parameter, a value out of range, a bad address
 */
export function parseDlmsUrl(reader: UrlReader, scheme: DlmsScheme): DlmsUrl {
  const { framing, transport } = dlmsSchemes[scheme];
  reader.checkShape(allowedParams(framing, transport), transport === 'mqtt');
  const parsed: DlmsUrl = { protocol: 'dlms', display: reader.display, framing, transport };
  // Ranges of the client options: SAP 7 bits, HDLC addresses 14 bits (IEC 62056-46 §6.4.2.3),
  // a PDU size the smallest APDU fits in (12) up to 16 bits.
  const client = reader.integer('client', 0, 0x7f);
  const logical = reader.integer('server', 0, 0x3fff);
  const physical = reader.integer('physical', 0, 0x3fff);
  const timeoutMs = reader.integer('timeout', 1, 3_600_000);
  const maxPduSize = reader.integer('pdu', 12, 0xffff);
  const auth = reader.choice('auth', ['none', 'lls', 'hls-gmac'] as const);
  const policy = reader.choice('policy', [
    'none',
    'authenticated',
    'encrypted',
    'authenticated-encrypted',
  ] as const);
  if (client !== undefined) parsed.client = client;
  if (logical !== undefined) parsed.logical = logical;
  if (physical !== undefined) parsed.physical = physical;
  if (timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  if (maxPduSize !== undefined) parsed.maxPduSize = maxPduSize;
  if (auth !== undefined) parsed.auth = auth;
  if (policy !== undefined) parsed.policy = policy;
  const link: HdlcUrlSettings = {};
  const window = reader.integer('window', 1, 7);
  const maxInfo = reader.integer('maxinfo', 32, 2030);
  const retries = reader.integer('retries', 0, 100);
  if (window !== undefined) link.window = window;
  if (maxInfo !== undefined) link.maxInfo = maxInfo;
  if (retries !== undefined) link.retries = retries;
  if (Object.keys(link).length > 0) parsed.hdlc = link;

  if (transport === 'tcp' || transport === 'udp') {
    const { host, port } = reader.address(dlmsPort);
    parsed.host = host;
    parsed.port = port;
  } else if (transport === 'serial') {
    // Direct HDLC on a serial line (IEC 62056-46 practice): 9600 bit/s, 8 data bits, no parity,
    // 1 stop bit. With `modee` the sign-on switches the line itself (300 7E1, then 8N1).
    parsed.serial = reader.serial({ baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 });
    const modeE = reader.flag('modee');
    if (modeE !== undefined) parsed.modeE = modeE;
  } else {
    parsed.mqtt = reader.mqtt(scheme.endsWith('mqtts'));
  }
  return parsed;
}
