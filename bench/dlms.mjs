// DLMS codec benchmark: `npm run bench:dlms` (builds dist/ first), or `node bench/dlms.mjs`.
//
// The three figures issue 3 asks for, each printed beside baselines measured in the same run:
//   1. a 228-byte data-notification push in an HDLC UI frame, decoded HDLC + APDU + Data, in
//      frames/s — against the 600k/s target, and beside JSON.parse of the same notification as
//      JSON text;
//   2. a 10,000-row load profile buffer (date-time + 4 registers), decoded from its A-XDR bytes
//      into typed rows by decodeProfileBuffer — beside JSON.parse of the same rows as JSON (the
//      decoder's own output serialised) and of a compact JSON form (ISO time + 4 numbers);
//   3. HdlcFrameDecoder throughput on a stream of back-to-back frames cut into 1,460-byte chunks —
//      beside a bare table-driven CRC-16/X.25 loop over the same bytes.
// Medians of several rounds; a report, not a test: it exits 0 whatever the figures.
// See docs/performance.md.
//
// Options: --seconds S (per measurement, default 1), --rounds N (default 5), --json FILE.

import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import {
  decodeApdu,
  decodeHdlcFrame,
  decodeProfileBuffer,
  encodeApdu,
  encodeData,
  encodeHdlcFrame,
  HdlcFrameDecoder,
  stripLlc,
  withLlc,
} from '../dist/dlms/index.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const timeMs = Math.round(Number(args.seconds) * 1000);
const rounds = Math.max(1, Number.parseInt(args.rounds, 10));

let sink;
// Read once at the end so no engine can prove the benchmarked results unused.
process.on('exit', () => sink === Symbol.for('never') && console.log(sink));

/** Runs `tasks` ({ name: fn }) `rounds` times; returns the median ops/s of each. */
async function measure(tasks) {
  const samples = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs), throws: true });
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) samples[task.name].push(1000 / task.result.latency.p50);
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, values.sort((a, b) => a - b)[values.length >> 1]]),
  );
}

// ---------------------------------------------------------------------------------------------
// 1. The push frame: a meter's periodic push (as a DSMR/IDIS-style meter sends it): logical
// device name, then energies, powers, voltages and currents, in one structure.

const pushTime = {
  year: 2026,
  month: 11,
  dayOfMonth: 25,
  dayOfWeek: 3,
  hour: 20,
  minute: 15,
  second: 0,
  hundredths: 0,
  deviation: -60,
  clockStatus: 'unspecified',
};

function pushApdu(nameLength) {
  const body = {
    type: 'structure',
    value: [
      { type: 'octet-string', value: new TextEncoder().encode('MLK'.padEnd(nameLength, '0')) },
      ...Array.from({ length: 8 }, (_, i) => ({ type: 'double-long-unsigned', value: 1_234_567 + i * 1111 })),
      ...Array.from({ length: 6 }, (_, i) => ({ type: 'double-long', value: -1200 + i * 450 })),
      ...Array.from({ length: 6 }, (_, i) => ({ type: 'long-unsigned', value: 2300 + i })),
      ...Array.from({ length: 6 }, (_, i) => ({ type: 'long', value: 50 - i * 20 })),
      { type: 'enum', value: 1 },
      { type: 'date-time', value: pushTime },
    ],
  };
  return {
    type: 'data-notification',
    invoke: {
      longInvokeId: 1,
      selfDescriptive: false,
      breakOnError: false,
      confirmed: false,
      highPriority: true,
    },
    dateTime: pushTime,
    body,
  };
}

function pushFrame(apdu) {
  return encodeHdlcFrame({
    segmented: false,
    destination: { upper: 0x10, size: 1 },
    source: { upper: 1, lower: 0x11, size: 2 },
    control: { kind: 'UI', pollFinal: false },
    information: withLlc(encodeApdu(apdu), 'response'),
  });
}

// Pad the device name until the frame is exactly 228 octets.
let nameLength = 1;
while (pushFrame(pushApdu(nameLength)).length < 228) nameLength++;
const push = pushApdu(nameLength);
const pushBytes = pushFrame(push);
if (pushBytes.length !== 228) throw new Error(`push frame is ${pushBytes.length} octets, not 228`);
const pushJson = JSON.stringify(decodeApdu(stripLlc(decodeHdlcFrame(pushBytes).information)), (_, v) =>
  v instanceof Uint8Array ? Array.from(v) : v,
);

function decodePush() {
  const frame = decodeHdlcFrame(pushBytes);
  return decodeApdu(stripLlc(frame.information, 'response'));
}
// The decoded push must be what was sent, or the figure means nothing.
if (decodePush().body.value.length !== push.body.value.length) throw new Error('push did not decode');

// ---------------------------------------------------------------------------------------------
// 2. The load profile: clock + four energy registers, 10,000 rows, 15-minute period.

const rows = 10_000;
const captureObjects = [
  { classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 },
  { classId: 3, logicalName: '1.0.1.8.0.255', attributeIndex: 2, dataIndex: 0 },
  { classId: 3, logicalName: '1.0.2.8.0.255', attributeIndex: 2, dataIndex: 0 },
  { classId: 3, logicalName: '1.0.3.8.0.255', attributeIndex: 2, dataIndex: 0 },
  { classId: 3, logicalName: '1.0.4.8.0.255', attributeIndex: 2, dataIndex: 0 },
];

function dateTimeOctets(t) {
  const d = new Date(Date.UTC(2026, 0, 1) + t * 900_000);
  const b = new Uint8Array(12);
  b[0] = d.getUTCFullYear() >> 8;
  b[1] = d.getUTCFullYear() & 0xff;
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = ((d.getUTCDay() + 6) % 7) + 1;
  b[5] = d.getUTCHours();
  b[6] = d.getUTCMinutes();
  b[7] = 0;
  b[8] = 0;
  b[9] = 0;
  b[10] = 0; // deviation 0 (UTC)
  b[11] = 0; // clock status ok
  return b;
}

const profileBytes = encodeData({
  type: 'array',
  value: Array.from({ length: rows }, (_, t) => ({
    type: 'structure',
    value: [
      { type: 'octet-string', value: dateTimeOctets(t) },
      ...[0, 1, 2, 3].map((k) => ({ type: 'double-long-unsigned', value: 100_000 + t * 7 + k * 13 })),
    ],
  })),
});
const profile = decodeProfileBuffer(profileBytes, captureObjects);
if (profile.rows.length !== rows) throw new Error('profile did not decode');
const profileJson = JSON.stringify(profile.rows);
const profileCompactJson = JSON.stringify(
  Array.from({ length: rows }, (_, t) => ({
    time: new Date(Date.UTC(2026, 0, 1) + t * 900_000).toISOString(),
    values: [0, 1, 2, 3].map((k) => 100_000 + t * 7 + k * 13),
  })),
);

// ---------------------------------------------------------------------------------------------
// 3. A stream of HDLC frames: the push frame and a short RR, back to back, 1,460-byte chunks
// (one TCP segment's payload).

const rr = encodeHdlcFrame({
  segmented: false,
  destination: { upper: 0x10, size: 1 },
  source: { upper: 1, lower: 0x11, size: 2 },
  control: { kind: 'RR', receiveSequence: 3, pollFinal: true },
  information: new Uint8Array(0),
});
const framesInStream = 2000;
const stream = new Uint8Array(framesInStream * (pushBytes.length + rr.length));
for (let i = 0, at = 0; i < framesInStream; i++) {
  stream.set(pushBytes, at);
  at += pushBytes.length;
  stream.set(rr, at);
  at += rr.length;
}
const chunks = [];
for (let at = 0; at < stream.length; at += 1460) chunks.push(stream.subarray(at, at + 1460));
const decoder = new HdlcFrameDecoder();
let decoded = 0;
for (const chunk of chunks) decoded += decoder.push(chunk).length;
if (decoded !== 2 * framesInStream) throw new Error(`stream decoded ${decoded} frames`);

const crcTable = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
  crcTable[n] = c;
}
function bareCrc(bytes) {
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ crcTable[(crc ^ bytes[i]) & 0xff];
  return crc ^ 0xffff;
}

// ---------------------------------------------------------------------------------------------

const pushBatch = 1000;
const figures = await measure({
  push: () => {
    for (let i = 0; i < pushBatch; i++) sink = decodePush();
  },
  pushJson: () => {
    for (let i = 0; i < pushBatch; i++) sink = JSON.parse(pushJson);
  },
  profile: () => {
    sink = decodeProfileBuffer(profileBytes, captureObjects);
  },
  profileJson: () => {
    sink = JSON.parse(profileJson);
  },
  profileCompactJson: () => {
    sink = JSON.parse(profileCompactJson);
  },
  stream: () => {
    for (const chunk of chunks) sink = decoder.push(chunk);
  },
  crc: () => {
    for (const chunk of chunks) sink = bareCrc(chunk);
  },
});

const pushPerSecond = figures.push * pushBatch;
const mbPerSecond = (opsPerSecond) => (opsPerSecond * stream.length) / 1e6;
const fmt = (n, digits = 2) => n.toFixed(digits);
const result = {
  machine: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`,
  push: {
    frameBytes: pushBytes.length,
    framesPerSecond: Math.round(pushPerSecond),
    vsTarget600k: pushPerSecond / 600_000,
    vsJsonParse: figures.push / figures.pushJson,
    jsonBytes: pushJson.length,
  },
  profile: {
    rows,
    bytes: profileBytes.length,
    rowsPerSecond: Math.round(figures.profile * rows),
    vsJsonParse: figures.profile / figures.profileJson,
    jsonBytes: profileJson.length,
    vsCompactJsonParse: figures.profile / figures.profileCompactJson,
    compactJsonBytes: profileCompactJson.length,
  },
  hdlcDecoder: {
    streamBytes: stream.length,
    decoderMBps: mbPerSecond(figures.stream),
    crcMBps: mbPerSecond(figures.crc),
    vsBareCrc: figures.stream / figures.crc,
  },
};

console.log(`DLMS codecs — ${result.machine}; median of ${rounds} rounds of ${timeMs} ms`);
console.log('');
console.log(`1. ${pushBytes.length}-byte HDLC data-notification push, decoded HDLC + APDU + Data`);
console.log(`   ${result.push.framesPerSecond.toLocaleString('en')} frames/s`);
console.log(`   ${fmt(result.push.vsTarget600k)}× the 600k frames/s target`);
console.log(
  `   ${fmt(result.push.vsJsonParse)}× JSON.parse of the same notification (${pushJson.length} B of JSON)`,
);
console.log('');
console.log(
  `2. ${rows.toLocaleString('en')}-row load profile (date-time + 4 registers, ${profileBytes.length} B)`,
);
console.log(`   ${result.profile.rowsPerSecond.toLocaleString('en')} rows/s`);
console.log(
  `   ${fmt(result.profile.vsJsonParse)}× JSON.parse of the same rows (${profileJson.length} B of JSON) — target ≥ 1.0×`,
);
console.log(
  `   ${fmt(result.profile.vsCompactJsonParse)}× JSON.parse of compact rows (ISO time + 4 numbers, ${profileCompactJson.length} B)`,
);
console.log('');
console.log(`3. HdlcFrameDecoder on ${stream.length} B of back-to-back frames in 1,460 B chunks`);
console.log(
  `   ${fmt(result.hdlcDecoder.decoderMBps, 1)} MB/s; bare CRC-16/X.25 loop ${fmt(result.hdlcDecoder.crcMBps, 1)} MB/s`,
);
console.log(`   ${fmt(result.hdlcDecoder.vsBareCrc)}× the bare CRC loop — target ≥ 0.5×`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
