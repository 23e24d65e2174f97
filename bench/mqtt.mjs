// MQTT tunnel benchmark: `npm run bench:mqtt` (builds dist/ first), or `node bench/mqtt.mjs
// [options]` against an existing build (MQTT_BENCH_SOURCE=1: bundle the sources instead).
//
// The figures issue 5 asks for, each beside a baseline measured in the same run (medians of rounds):
//   1. DLMS GET round trips through the tunnel, 1 in flight: DlmsClient.get of a Register value
//      over mqttLink → embedded broker → MqttGateway (HDLC port) → memoryPair → DlmsServer,
//      beside a bare MQTT.js requester ↔ echo client exchanging the same messages (recorded
//      sizes, same QoS 1, same broker, TCP_NODELAY on both). Broker messages per GET (recorded).
//      Target ≥ 0.8× the bare round trip.
//   2. A profile read of 100+ HDLC segments in transparent mode: broker messages and wall time per
//      read, beside the bare requester ↔ echo playing the same messages turn by turn.
//   3. One head-end reading N meters (default 1,000) behind G gateways (default 10 × 100 memory
//      ports, one DlmsServer serving every meter link) with C reads in flight (default 50): a read
//      is DlmsClient.connect over a fresh mqttLink (SNRM, AARQ), one GET, close (RLRQ, DISC,
//      lease close). Meters/s, CPU per meter in each process, memory, errors; beside bare MQTT.js
//      sessions doing the same conversation's data turns (connect, subscribe, turns, disconnect),
//      and with mqttLink's MQTT version and session options varied, and over links of one shared
//      mqttHeadEnd (one MQTT connection for the whole pass). Each pass of N reads runs on a
//      fresh broker and site (the broker's state grows with every read).
//   4. The same profile read (100+ HDLC segments) in APDU mode (framing 'tunnel-apdu': the gateway
//      runs HDLC, the tunnel carries whole APDUs) vs transparent mode, the meter's and the
//      client's PDU size 65535 in both: broker messages per read and per whole conversation
//      (lease, association, read, release, close), wall time per read; as ratios. Target ≥ 10×
//      fewer messages.
//   5. Modbus FC3 reads through the tunnel, 1 in flight: ModbusClient (RTU) over mqttLink to a
//      `modbus-rtu` port (one request on the line at a time, answers tagged with their request;
//      docs/mqtt-tunnel.md "Request/response ports") → memoryPair → ModbusServer, beside the bare
//      MQTT.js requester ↔ echo exchanging the same messages.
// Part 1 also runs two diagnostic baselines (the echo answering one event-loop turn later, as a
// meter behind a link does; both ends on persistent sessions, as the tunnel's), and counts the
// TCP segments each process sends and receives per GET (ss).
//
// Processes: this one is the head-end; the broker (startBroker) and the site (the gateways, their
// meters and the baseline's echo client) run in child processes, so each role's CPU time and
// memory are its own, as in a deployment (a broker is a server of its own). Placement as in the
// other benchmarks (--pin; default everything on CPU 0, see lib/servers.mjs).
// About 2 minutes. A report, not a test: it exits 0 whatever the figures.
//
// Options:
//   --seconds S       length of each measurement window of parts 1–2 (default 2)
//   --rounds N        rounds per measurement, the median is reported (default 3)
//   --only a,b        parts to run: get, profile, meters, apdu, modbus (default all)
//   --rows N          profile rows of part 2 (default 400: over 100 HDLC segments)
//   --meters N        meters read in part 3 (default 1000)
//   --gateways G      gateways in part 3 (default 10; N / G ports each)
//   --concurrency C   meter reads in flight in part 3 (default 50)
//   --meter-rounds N  rounds of part 3 (default 2)
//   --contenders a,b  only these contenders / variants by id (bare, tunnel, bare-async,
//                     bare-persistent, tunnel-v4, tunnel-clean, tunnel-shared), e.g. to
//                     profile one with `node --cpu-prof` and --prof (ratios need bare)
//   --pin same|split|none  CPU placement (default same)
//   --prof DIR        write V8 CPU profiles of the broker and site processes into DIR
//   --json FILE       also write the figures and every round's values as JSON

import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { timedLoop } from './lib/dlms-load.mjs';
import { loadMeterlink } from './lib/mqtt-api.mjs';
import { dataTurns, EchoRequester, startSniffer } from './lib/mqtt-echo.mjs';
import { startProcess, tcpSegments } from './lib/mqtt-processes.mjs';
import {
  cpuOfProcess,
  fmt,
  fmtBytes,
  fmtMB,
  fmtPct,
  fmtRate,
  fmtRatio,
  load1,
  machineBusy,
  machineCpu,
  median,
  otherCores,
  quantile,
  spreadOf,
  table,
} from './lib/mqtt-report.mjs';
import { pinCpus } from './lib/servers.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: 'get,profile,meters,apdu,modbus' },
    rows: { type: 'string', default: '400' },
    meters: { type: 'string', default: '1000' },
    gateways: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '50' },
    'meter-rounds': { type: 'string', default: '2' },
    contenders: { type: 'string' },
    pin: { type: 'string', default: 'same' },
    prof: { type: 'string' },
    json: { type: 'string' },
  },
});
if (!['same', 'split', 'none'].includes(args.pin)) {
  console.error(`--pin must be same, split or none, got ${args.pin}`);
  process.exit(2);
}
const durationMs = Math.round(Number(args.seconds) * 1000);
const rounds = Math.max(1, Number.parseInt(args.rounds, 10));
const warmupMs = Math.min(300, durationMs);
const parts = new Set(args.only.split(','));
const profileRows = Number.parseInt(args.rows, 10);
const meterCount = Number.parseInt(args.meters, 10);
const gatewayCount = Number.parseInt(args.gateways, 10);
const portsPerGateway = Math.ceil(meterCount / gatewayCount);
const concurrency = Number.parseInt(args.concurrency, 10);
const meterRounds = Math.max(1, Number.parseInt(args['meter-rounds'], 10));
const wanted = args.contenders?.split(',');
/** The contenders the run keeps (all unless --contenders names some). */
const chosen = (list) => (wanted ? list.filter((c) => wanted.includes(c.id)) : list);
const registerValue = { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 };
const profileObis = '1.0.99.1.0.255';
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const gcTwice = () => {
  gc();
  gc();
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// startup

const started = new Date();
console.log('# meterlink MQTT tunnel benchmark\n');
console.log(
  `${started.toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
);
const busy = await machineBusy();
console.log(
  `machine busy at start: ${(busy * 100).toFixed(0)}% of CPU time over 1 s (load average ${load1()})` +
    (busy > 0.1 ? ' — other work is running, figures may be noisy' : ''),
);
const placement = pinCpus(args.pin);
const childCpu = placement === 'same' ? '0' : placement === 'split' ? '1' : undefined;
console.log(
  {
    same: 'CPU placement: head-end, broker and site processes pinned to CPU 0 (--pin same)',
    split: 'CPU placement: head-end on CPU 0, broker and site on CPU 1 (--pin split)',
    none: 'CPU placement: not pinned',
  }[placement],
);
const meterlink = await loadMeterlink();
const { module } = meterlink;
console.log(`meterlink loaded from ${meterlink.source}`);
const { DlmsClient, ModbusClient, mqttLink, mqttHeadEnd } = meterlink.api;

const out = {
  date: started.toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  placement,
  rounds,
  durationMs,
  source: meterlink.source,
};

let profiles = 0;
const profArgv = (name) =>
  args.prof
    ? [
        '--cpu-prof',
        '--cpu-prof-dir',
        args.prof,
        '--cpu-prof-name',
        `${name}-${process.pid}-${++profiles}.cpuprofile`,
      ]
    : [];

/** A broker process and a site process on it. */
async function startSetup(siteConfig) {
  const broker = await startProcess('broker', { cpu: childCpu, module, execArgv: profArgv('broker') });
  const site = await startProcess('site', {
    cpu: childCpu,
    module,
    execArgv: profArgv('site'),
    config: { broker: broker.ready.url, echo: true, ...siteConfig },
  });
  return {
    broker,
    site,
    url: broker.ready.url,
    port: Number(new URL(broker.ready.url).port),
    async stop() {
      await site.stop();
      await broker.stop();
    },
  };
}

const connectTunnel = (url, gatewayId, port, linkOptions = {}) =>
  DlmsClient.connect({
    link: mqttLink({ broker: url, gatewayId, port, ...linkOptions }),
    framing: 'hdlc',
    timeoutMs: 10_000,
  });

/** Messages logged by the sniffer while `operation` ran, after `warm` (not logged). */
async function sniff(url, operation, warm) {
  const sniffer = await startSniffer(url);
  try {
    if (warm) await warm();
    await sleep(300); // the warm-up's last messages (a lease's closed, meta) arrive before the mark
    sniffer.mark();
    await operation();
    return await sniffer.collect();
  } finally {
    await sniffer.close();
  }
}

/** `{ "kind type": { count, bytes } }` of a sniffed log. */
function byKind(log) {
  const counts = {};
  for (const m of log) {
    const key = `${m.kind}${m.type ? ` ${m.type}` : ''}`;
    counts[key] ??= { count: 0, bytes: 0 };
    counts[key].count++;
    counts[key].bytes += m.bytes;
  }
  return counts;
}

const describeKinds = (counts) =>
  Object.entries(counts)
    .map(([k, v]) => `${k} ×${v.count} (${fmtBytes(v.bytes)})`)
    .join(', ');

/**
 * Measures contenders in interleaved rounds (order rotating each round): each contender is
 * `{ id, run(ms) → { count, ms, cpuUs, times } }`; every sample also gets the broker's and the
 * site's CPU µs over it. Returns the cores other processes used meanwhile.
 */
async function interleave(contenders, setup, { warmup = warmupMs, windowMs = durationMs } = {}) {
  const measure = async (c, ms) => {
    const g0 = tcpSegments(setup.port);
    const b0 = await setup.broker.cpu();
    const s0 = await setup.site.cpu();
    const r = await c.run(ms);
    const brokerUs = (await setup.broker.cpu()) - b0;
    const siteUs = (await setup.site.cpu()) - s0;
    const g1 = tcpSegments(setup.port);
    const delta = (pid, dir) => (g1?.[pid]?.[dir] ?? Number.NaN) - (g0?.[pid]?.[dir] ?? 0);
    const segments = {
      headOut: delta(process.pid, 'out'),
      headIn: delta(process.pid, 'in'),
      siteOut: delta(setup.site.pid, 'out'),
      siteIn: delta(setup.site.pid, 'in'),
    };
    return { ...r, brokerUs, siteUs, segments };
  };
  const m0 = machineCpu();
  const children = async () => (await setup.broker.cpu()) + (await setup.site.cpu());
  const own0 = cpuOfProcess() + (await children());
  process.stdout.write('warm-up');
  for (const c of contenders) {
    c.samples = [];
    await measure(c, warmup);
    process.stdout.write('.');
  }
  for (let round = 0; round < rounds; round++) {
    process.stdout.write(` round ${round + 1} (load ${load1()})`);
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length];
      c.samples.push(await measure(c, windowMs));
      process.stdout.write('.');
    }
  }
  process.stdout.write('\n');
  const own1 = cpuOfProcess() + (await children());
  return otherCores(m0, machineCpu(), own1 - own0);
}

/** The contender `id` of `list`, or one whose figures are all NaN (so ratios print —). */
const byId = (list, id) => list.find((c) => c.id === id) ?? { rate: Number.NaN, msPerOp: Number.NaN };

/** Per-operation figures of a measured contender (`count` operations per sample). */
function summarise(c) {
  const s = c.samples;
  c.rate = median(s.map((x) => (x.count * 1000) / x.ms));
  c.msPerOp = median(s.flatMap((x) => x.times));
  c.headUs = median(s.map((x) => x.cpuUs / x.count));
  c.brokerUs = median(s.map((x) => x.brokerUs / x.count));
  c.siteUs = median(s.map((x) => x.siteUs / x.count));
  c.segments = Object.fromEntries(
    ['headOut', 'headIn', 'siteOut', 'siteIn'].map((k) => [k, median(s.map((x) => x.segments[k] / x.count))]),
  );
  c.spread = spreadOf(s.map((x) => (x.count * 1000) / x.ms));
}

// ---------------------------------------------------------------------------------------------
// 1. GET round trips and 2. profile read (one gateway, one HDLC port)

async function getAndProfile() {
  const setup = await startSetup({
    gateways: 1,
    ports: 1,
    rows: profileRows,
    echoVariants: ['plain', 'async', 'persistent'],
  });
  const result = {};
  try {
    const client = await connectTunnel(setup.url, 'gw-0', 'p0');
    const get = () => client.get(registerValue);
    const read = () => client.readProfile(profileObis);
    // Recorded after a warm-up call (for the profile: capture_objects are cached by then).
    const getLog = await sniff(setup.url, get, get);
    const profileLog = parts.has('profile') ? await sniff(setup.url, read, read) : [];
    if (parts.has('get')) result.get = await getPart(setup, client, getLog);
    if (parts.has('profile')) result.profile = await profilePart(setup, client, profileLog);
    await client.close();
    result.siteErrors = (await setup.site.stats()).errors;
    const events = Object.entries(result.siteErrors);
    if (events.length > 0)
      console.log(`\ngateway error events: ${events.map(([k, n]) => `${n} × ${k}`).join('; ')}`);
  } finally {
    await setup.stop();
  }
  return result;
}

async function getPart(setup, client, log) {
  console.log(
    `\n## 1. DLMS GET round trips through the tunnel, 1 in flight (${rounds} rounds × ${durationMs / 1000} s)\n`,
  );
  const wire = dataTurns(log);
  if (wire.turns.length !== 1) throw new Error(`a GET took ${wire.turns.length} turns`);
  const requester = new EchoRequester({ url: setup.url, ...wire });
  const asyncRequester = new EchoRequester({ url: setup.url, ...wire, variant: 'async' });
  const persistentRequester = new EchoRequester({ url: setup.url, ...wire, variant: 'persistent' });
  for (const r of [requester, asyncRequester, persistentRequester]) await r.open();
  const contenders = chosen([
    {
      id: 'bare',
      label: 'bare MQTT.js requester → broker → echo client (baseline)',
      run: (ms) => requester.run(wire.turns, ms),
    },
    {
      id: 'tunnel',
      label: 'DlmsClient.get → mqttLink → broker → MqttGateway → DlmsServer',
      run: (ms) => timedLoop(() => client.get(registerValue), ms),
    },
    {
      id: 'bare-async',
      label: 'diagnostic: the baseline, echo answering one event-loop turn later',
      run: (ms) => asyncRequester.run(wire.turns, ms),
    },
    {
      id: 'bare-persistent',
      label: 'diagnostic: the baseline on persistent sessions (clean: false)',
      run: (ms) => persistentRequester.run(wire.turns, ms),
    },
  ]);
  const others = await interleave(contenders, setup);
  for (const r of [requester, asyncRequester, persistentRequester]) await r.close();
  for (const c of contenders) summarise(c);
  const base = byId(contenders, 'bare');
  const ours = byId(contenders, 'tunnel');
  const turn = wire.turns[0];
  console.log(
    `\nGET of a Register value (class 3, attribute 2, double-long-unsigned), public client, HDLC (one I-frame each way).\n` +
      `Broker messages per GET (recorded by a # subscriber): ${log.length} — ${describeKinds(byKind(log))}.\n` +
      `Each is a QoS 1 PUBLISH + PUBACK into the broker and again out of it: ${log.length * 4} MQTT packets per GET. ` +
      `The baseline publishes ${turn.requests.join(' + ')} B on a ${wire.reqTopicLength}-character topic and the echo answers ` +
      `${turn.answers.join(' + ')} B on a ${wire.resTopicLength}-character topic (the tunnel's sizes and topic lengths).\n` +
      `Median of ${rounds} rounds. CPU µs per GET in each process (all on one core: a round trip costs their sum plus ` +
      "wake-ups).\nTCP data segments per GET on the clients' sockets (ss): head-end → broker / broker → head-end, " +
      'site → broker / broker → site; MQTT.js writes all packets of one tick in one segment.\n',
  );
  const seg = (c, a, b) => `${fmt(c.segments[a], 1)} / ${fmt(c.segments[b], 1)}`;
  const rows = contenders.map((c) => [
    c.label,
    fmtRate(c.rate),
    fmtRatio(c.rate / base.rate),
    fmt(1e6 / c.rate, 0),
    fmt(c.headUs, 1),
    fmt(c.brokerUs, 1),
    fmt(c.siteUs, 1),
    fmt(c.headUs + c.brokerUs + c.siteUs, 1),
    seg(c, 'headOut', 'headIn'),
    seg(c, 'siteOut', 'siteIn'),
    fmtPct(c.spread),
  ]);
  console.log(
    table(
      [
        'round trip',
        'GET/s',
        '× bare',
        'µs/GET',
        'head-end CPU µs',
        'broker CPU µs',
        'site CPU µs',
        'sum µs',
        'head-end segs',
        'site segs',
        'spread',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    '\nhead-end: this process (DlmsClient + mqttLink, or the bare requester); site: the gateway + DlmsServer ' +
      `process (or the echo client). Other processes used ${fmt(others)} cores meanwhile.`,
  );
  return {
    otherCores: others,
    messages: log.length,
    kinds: byKind(log),
    turns: wire.turns,
    ratio: ours.rate / base.rate,
    contenders: contenders.map(
      ({ id, rate, msPerOp, headUs, brokerUs, siteUs, segments, spread, samples }) => ({
        id,
        rate,
        msPerOp,
        headUs,
        brokerUs,
        siteUs,
        segments,
        spread,
        samples: samples.map((x) => (x.count * 1000) / x.ms),
      }),
    ),
  };
}

async function profilePart(setup, client, log) {
  const wire = dataTurns(log);
  const segments = log.filter((m) => m.kind === 'res' && m.type === 'data').length;
  const sent = log.filter((m) => m.kind === 'req' && m.type === 'data');
  const requests = sent.length;
  // The head-end's RR frames are its smallest data envelopes; the larger ones carry I-frames
  // (the GET and the next-block requests): one APDU exchange each.
  const smallest = Math.min(...sent.map((m) => m.bytes));
  const exchanges = sent.filter((m) => m.bytes > smallest).length;
  const windowMs = Math.max(200, Math.round(durationMs * 0.75));
  console.log(`\n## 2. Profile read, transparent mode (${rounds} rounds × ${windowMs / 1000} s)\n`);
  const first = await client.readProfile(profileObis);
  if (first.rows.length !== profileRows)
    throw new Error(`read ${first.rows.length} rows, not ${profileRows}`);
  const requester = new EchoRequester({ url: setup.url, ...wire });
  await requester.open();
  const contenders = chosen([
    {
      id: 'bare',
      label: `bare MQTT.js requester ↔ echo, same ${wire.turns.length} turns (baseline)`,
      run: (ms) => requester.run(wire.turns, ms),
    },
    {
      id: 'tunnel',
      label: 'DlmsClient.readProfile through the tunnel (transparent)',
      run: (ms) => timedLoop(() => client.readProfile(profileObis), ms),
    },
  ]);
  const others = await interleave(contenders, setup, { windowMs });
  await requester.close();
  for (const c of contenders) summarise(c);
  const base = byId(contenders, 'bare');
  const ours = byId(contenders, 'tunnel');
  const bytes = log.reduce((n, m) => n + m.bytes, 0);
  const payload = log.filter((m) => m.type === 'data').reduce((n, m) => n + m.bytes, 0);
  console.log(
    `\nProfile generic ${profileObis}: ${profileRows} rows (date-time + 4 double-long-unsigned), read whole with ` +
      'DlmsClient.readProfile; HDLC information field 128, window 1 (the defaults), server PDU 1024 (GET blocks).\n' +
      `Broker messages per read (recorded): ${log.length} — ${describeKinds(byKind(log))}; ` +
      `${fmtBytes(bytes)} of payload (${fmtBytes(payload)} in data envelopes).\n` +
      `HDLC segments from the meter: ${segments} (one data envelope each); envelopes from the head-end: ${requests} ` +
      `(${exchanges} I-frames: the GET and its next-block requests, ${requests - exchanges} RR frames); ` +
      `${wire.turns.length} turns. APDU mode vs transparent: part 4.\n`,
  );
  const rows = contenders.map((c) => [
    c.label,
    fmt(c.msPerOp, 1),
    fmtRatio(base.msPerOp / c.msPerOp),
    fmt((c.msPerOp * 1000) / log.length, 0),
    fmt(c.headUs / 1000, 2),
    fmt(c.brokerUs / 1000, 2),
    fmt(c.siteUs / 1000, 2),
    fmtPct(c.spread),
  ]);
  console.log(
    table(
      [
        'read',
        'ms/read',
        '× bare',
        'µs/message',
        'head-end CPU ms',
        'broker CPU ms',
        'site CPU ms',
        'spread',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    `\nms/read: median over every read of the rounds. Other processes used ${fmt(others)} cores meanwhile.`,
  );
  return {
    otherCores: others,
    rows: profileRows,
    messages: log.length,
    segments,
    requests,
    exchanges,
    turns: wire.turns.length,
    bytes,
    kinds: byKind(log),
    ratio: base.msPerOp / ours.msPerOp,
    contenders: contenders.map(({ id, msPerOp, headUs, brokerUs, siteUs, spread, samples }) => ({
      id,
      msPerOp,
      headUs,
      brokerUs,
      siteUs,
      spread,
      samples: samples.map((x) => median(x.times)),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. One head-end, many meters behind many gateways

/** Runs `task(i)` for i in 0 … n − 1, `limit` at a time; resolves with per-task ms and errors. */
async function pool(n, limit, task) {
  const times = [];
  const errors = {};
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const t = performance.now();
      try {
        await task(i);
        times.push(performance.now() - t);
      } catch (error) {
        const key = `${error?.name ?? 'Error'}: ${String(error?.message ?? error).replace(/\d+/g, 'N')}`;
        errors[key] = (errors[key] ?? 0) + 1;
      }
      inFlight--;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return { ms: performance.now() - t0, times, errors, maxInFlight };
}

const meterAt = (i) => ({
  gatewayId: `gw-${i % gatewayCount}`,
  port: `p${Math.floor(i / gatewayCount) % portsPerGateway}`,
});

/** One meter read: connect over a fresh mqttLink (or a link of `headEnd`) (HDLC), one GET, close. */
async function readMeter(url, i, linkOptions, headEnd) {
  const { gatewayId, port } = meterAt(i);
  const client = headEnd
    ? await DlmsClient.connect({
        link: headEnd.link({ gatewayId, port }),
        framing: 'hdlc',
        timeoutMs: 10_000,
      })
    : await connectTunnel(url, gatewayId, port, linkOptions);
  try {
    const value = await client.get(registerValue);
    if (typeof value?.value !== 'number') throw new Error(`unexpected value ${JSON.stringify(value)}`);
  } finally {
    await client.close();
  }
}

/**
 * One pass of part 3 on a fresh broker and site: every meter read once by `task(url, i)`, with
 * CPU, connections and memory (GC'd before and after; peaks sampled every 50 ms).
 */
async function meterPass(task, end) {
  const setup = await startSetup({ gateways: gatewayCount, ports: portsPerGateway, rows: 0 });
  try {
    gcTwice();
    const before = {
      head: process.memoryUsage(),
      site: (await setup.site.memory()).memory,
      broker: (await setup.broker.memory()).memory,
    };
    const peak = { headRss: 0, headHeap: 0, site: 0, broker: 0 };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.headRss = Math.max(peak.headRss, m.rss);
      peak.headHeap = Math.max(peak.headHeap, m.heapUsed);
      peak.site = Math.max(peak.site, setup.site.rss());
      peak.broker = Math.max(peak.broker, setup.broker.rss());
    }, 50);
    const m0 = machineCpu();
    const c0 = cpuOfProcess();
    const b0 = await setup.broker.cpu();
    const s0 = await setup.site.cpu();
    const k0 = (await setup.broker.stats()).connections;
    const r = await pool(meterCount, concurrency, (i) => task(setup.url, i));
    const headUs = cpuOfProcess() - c0;
    const brokerUs = (await setup.broker.cpu()) - b0;
    const siteUs = (await setup.site.cpu()) - s0;
    const connections = (await setup.broker.stats()).connections - k0;
    const others = otherCores(m0, machineCpu(), headUs + brokerUs + siteUs);
    clearInterval(sampler);
    await sleep(300); // closing sessions settle
    gcTwice();
    const site = await setup.site.memory();
    const after = {
      head: process.memoryUsage(),
      site: site.memory,
      broker: (await setup.broker.memory()).memory,
    };
    return {
      ...r,
      headUs,
      brokerUs,
      siteUs,
      connections,
      others,
      before,
      after,
      peak,
      siteErrors: site.errors,
    };
  } finally {
    await end?.();
    await setup.stop();
  }
}

/** Part 3's reads over one `mqttHeadEnd` per broker URL, closed by `end()` after the pass. */
function sharedHeadEnd() {
  const headEnds = new Map();
  return {
    task: (url, i) => {
      let headEnd = headEnds.get(url);
      if (!headEnd) {
        headEnd = mqttHeadEnd({ broker: url });
        headEnds.set(url, headEnd);
      }
      return readMeter(url, i, undefined, headEnd);
    },
    end: async () => {
      await Promise.all([...headEnds.values()].map((h) => h.close()));
      headEnds.clear();
    },
  };
}

async function metersPart() {
  console.log(
    `\n## 3. One head-end, ${meterCount.toLocaleString('en')} meters behind ${gatewayCount} gateways ` +
      `(${portsPerGateway} HDLC memory ports each), ${concurrency} reads in flight, ${meterRounds} rounds\n`,
  );
  // One read recorded on a setup of its own: every message it puts through the broker.
  const recording = await startSetup({ gateways: gatewayCount, ports: portsPerGateway, rows: 0 });
  let log;
  try {
    log = await sniff(
      recording.url,
      () => readMeter(recording.url, 0),
      () => readMeter(recording.url, 1),
    );
  } finally {
    await recording.stop();
  }
  const wire = dataTurns(log);
  const bare = async (url) => {
    const r = new EchoRequester({ url, ...wire });
    await r.open();
    await r.run(wire.turns, 0);
    await r.close();
  };
  const variants = chosen([
    {
      id: 'bare',
      label: 'bare MQTT.js sessions: connect, subscribe, same data turns, disconnect',
      task: bare,
    },
    {
      id: 'tunnel',
      label: 'DlmsClient.connect + get + close over mqttLink (defaults)',
      task: (url, i) => readMeter(url, i),
    },
    {
      id: 'tunnel-v4',
      label: 'the same, mqttLink protocolVersion 4 (no MQTT 5 attempt)',
      task: (url, i) => readMeter(url, i, { protocolVersion: 4 }),
    },
    {
      id: 'tunnel-clean',
      label: "the same, protocolVersion 4 and session 'clean'",
      task: (url, i) => readMeter(url, i, { protocolVersion: 4, session: 'clean' }),
    },
    { id: 'tunnel-shared', label: 'the same, links of one shared MqttHeadEnd', ...sharedHeadEnd() },
  ]);
  for (const v of variants) v.samples = [];
  for (let round = 0; round < meterRounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round) % variants.length];
      process.stdout.write(`round ${round + 1} ${v.id} (load ${load1()})… `);
      const sample = await meterPass(v.task, v.end);
      v.samples.push(sample);
      const failed = Object.values(sample.errors).reduce((a, b) => a + b, 0);
      process.stdout.write(
        `${fmt((sample.times.length * 1000) / sample.ms, 0)}/s${failed ? `, ${failed} failed` : ''}\n`,
      );
    }
  }
  for (const v of variants) {
    const s = v.samples;
    const med = (f) => median(s.map(f));
    v.rate = med((x) => (x.times.length * 1000) / x.ms);
    v.p50 = med((x) => median(x.times));
    v.p99 = med((x) => quantile(x.times, 0.99));
    const per = (field) => med((x) => x[field] / Math.max(1, x.times.length));
    v.headUs = per('headUs');
    v.brokerUs = per('brokerUs');
    v.siteUs = per('siteUs');
    v.connections = per('connections');
    v.spread = spreadOf(s.map((x) => (x.times.length * 1000) / x.ms));
    v.others = Math.max(...s.map((x) => x.others));
    v.errors = {};
    v.siteErrors = {};
    for (const x of s) {
      for (const [k, n] of Object.entries(x.errors)) v.errors[k] = (v.errors[k] ?? 0) + n;
      for (const [k, n] of Object.entries(x.siteErrors)) v.siteErrors[k] = (v.siteErrors[k] ?? 0) + n;
    }
    v.failed = Object.values(v.errors).reduce((a, b) => a + b, 0);
    v.maxInFlight = Math.max(...s.map((x) => x.maxInFlight));
    v.memory = {
      headPeakRss: med((x) => x.peak.headRss),
      headPeakHeap: med((x) => x.peak.headHeap),
      headHeapGrowth: med((x) => x.after.head.heapUsed - x.before.head.heapUsed),
      siteRest: med((x) => x.before.site.rss),
      siteRestHeap: med((x) => x.before.site.heapUsed),
      sitePeak: med((x) => x.peak.site),
      siteHeapAfter: med((x) => x.after.site.heapUsed),
      brokerPeak: med((x) => x.peak.broker),
      brokerHeapPerRead: med((x) => (x.after.broker.heapUsed - x.before.broker.heapUsed) / meterCount),
    };
  }
  const base = byId(variants, 'bare');
  const kinds = byKind(log);
  console.log(
    `\nA read: DlmsClient.connect over a new mqttLink (MQTT connect, subscribe, open/opened; SNRM/UA, AARQ/AARE), ` +
      'get of 1.0.1.8.0.255 value, close (RLRQ/RLRE, DISC/UA, close/closed, MQTT disconnect).\n' +
      `Broker messages per read (recorded, publishes only): ${log.length} — ${describeKinds(kinds)}.\n` +
      `Data turns per read: ${wire.turns.length}; the bare sessions play these (${wire.turns
        .map((t) => `${t.requests.join('+')}→${t.answers.join('+')} B`)
        .join(', ')}).\n` +
      `Every pass runs on a fresh broker and site (10 gateways' state grows with every read: see memory). ` +
      `${concurrency} reads in flight (most seen: ${Math.max(...variants.map((v) => v.maxInFlight))}); ` +
      `meters/s: median of ${meterRounds} passes of ${meterCount} reads; CPU ms per read in each process; ` +
      'TCP conns/read: connections the broker accepted per read.\n',
  );
  console.log(
    table(
      [
        'reads',
        'meters/s',
        '× bare',
        'ms/read p50',
        'p99',
        'head-end CPU ms',
        'broker CPU ms',
        'gateways CPU ms',
        'TCP conns/read',
        'failed',
        'spread',
      ],
      variants.map((v) => [
        v.label,
        fmt(v.rate, 0),
        fmtRatio(v.rate / base.rate),
        fmt(v.p50, 1),
        fmt(v.p99, 1),
        fmt(v.headUs / 1000, 2),
        fmt(v.brokerUs / 1000, 2),
        fmt(v.siteUs / 1000, 2),
        fmt(v.connections, 2),
        `${v.failed} of ${meterCount * meterRounds}`,
        fmtPct(v.spread),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  for (const v of variants) {
    if (v.failed > 0)
      console.log(
        `\nerrors (${v.id}): ${Object.entries(v.errors)
          .map(([k, n]) => `${n} × ${k}`)
          .join('; ')}`,
      );
    const siteErrors = Object.entries(v.siteErrors);
    if (siteErrors.length > 0)
      console.log(`gateway error events (${v.id}): ${siteErrors.map(([k, n]) => `${n} × ${k}`).join('; ')}`);
  }
  console.log(
    '\nMemory, median of the passes. Head-end: this process; site: the 10 gateways, their 1,000 ports and the ' +
      'DlmsServer (and the idle echo); at rest = after start, two GCs; peak = sampled every 50 ms during the pass; ' +
      'broker heap/read = broker heap after the pass (two GCs) minus before, per read.\n',
  );
  console.log(
    table(
      [
        'reads',
        'head-end RSS peak',
        'head-end heap peak',
        'head-end heap kept',
        'site RSS at rest',
        'site heap at rest',
        'site RSS peak',
        'broker RSS peak',
        'broker heap kB/read',
      ],
      variants.map((v) => [
        v.id,
        fmtMB(v.memory.headPeakRss),
        fmtMB(v.memory.headPeakHeap),
        fmtMB(v.memory.headHeapGrowth),
        fmtMB(v.memory.siteRest),
        fmtMB(v.memory.siteRestHeap),
        fmtMB(v.memory.sitePeak),
        fmtMB(v.memory.brokerPeak),
        fmt(v.memory.brokerHeapPerRead / 1024, 2),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    `\nOther processes used at most ${fmt(Math.max(...variants.map((v) => v.others)))} cores during a pass.`,
  );
  return {
    meters: meterCount,
    gateways: gatewayCount,
    concurrency,
    messages: log.length,
    kinds,
    turns: wire.turns,
    variants: variants.map(
      ({
        id,
        rate,
        p50,
        p99,
        headUs,
        brokerUs,
        siteUs,
        connections,
        spread,
        errors,
        siteErrors,
        maxInFlight,
        memory,
        others,
        samples,
      }) => ({
        id,
        rate,
        p50,
        p99,
        headUs,
        brokerUs,
        siteUs,
        connections,
        spread,
        errors,
        siteErrors,
        maxInFlight,
        memory,
        otherCores: others,
        samples: samples.map((x) => (x.times.length * 1000) / x.ms),
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Profile read: APDU mode vs transparent mode

async function apduPart() {
  // Two ports on one gateway, one DlmsServer whose public association takes PDUs of 65535.
  const setup = await startSetup({ gateways: 1, ports: 2, rows: profileRows, maxPduSize: 65535 });
  const windowMs = Math.max(200, Math.round(durationMs * 0.75));
  try {
    const modes = [
      { id: 'transparent', framing: 'hdlc', port: 'p0', label: "transparent (framing 'hdlc')" },
      { id: 'apdu', framing: 'tunnel-apdu', port: 'p1', label: "APDU mode (framing 'tunnel-apdu')" },
    ];
    const connect = (m) =>
      DlmsClient.connect({
        link: mqttLink({ broker: setup.url, gatewayId: 'gw-0', port: m.port }),
        framing: m.framing,
        maxPduSize: 65535,
        timeoutMs: 10_000,
      });
    for (const m of modes) {
      m.conversation = await sniff(setup.url, async () => {
        const client = await connect(m);
        const profile = await client.readProfile(profileObis);
        if (profile.rows.length !== profileRows) throw new Error(`read ${profile.rows.length} rows`);
        await client.close();
      });
      m.client = await connect(m);
      const read = () => m.client.readProfile(profileObis);
      m.read = await sniff(setup.url, read, read); // after a warm-up read: capture objects cached
    }
    const [transparent, apdu] = modes;
    const segments = transparent.read.filter((x) => x.kind === 'res' && x.type === 'data').length;
    console.log(
      `\n## 4. Profile read, APDU mode vs transparent (${rounds} rounds × ${windowMs / 1000} s)\n\n` +
        `Profile generic ${profileObis}: ${profileRows} rows, ${segments} HDLC segments from the meter ` +
        '(information field 128, window 1); client and meter PDU size 65535, so the profile is one APDU.\n' +
        modes
          .map(
            (m) =>
              `${m.label}: per read ${m.read.length} messages — ${describeKinds(byKind(m.read))}; ` +
              `per conversation ${m.conversation.length} — ${describeKinds(byKind(m.conversation))}`,
          )
          .join('\n') +
        '\n',
    );
    const contenders = chosen(
      modes.map((m) => ({
        id: m.id,
        label: m.label,
        run: (ms) => timedLoop(() => m.client.readProfile(profileObis), ms),
      })),
    );
    const others = await interleave(contenders, setup, { windowMs });
    for (const m of modes) await m.client.close();
    for (const c of contenders) summarise(c);
    const base = byId(contenders, 'transparent');
    const rows = modes.map((m) => {
      const c = byId(contenders, m.id);
      return [
        m.label,
        String(m.read.length),
        fmtRatio(transparent.read.length / m.read.length),
        String(m.conversation.length),
        fmtRatio(transparent.conversation.length / m.conversation.length),
        fmt(c.msPerOp, 1),
        fmtRatio(base.msPerOp / c.msPerOp),
        fmt(c.headUs / 1000, 2),
        fmt(c.brokerUs / 1000, 2),
        fmt(c.siteUs / 1000, 2),
        fmtPct(c.spread),
      ];
    });
    console.log(
      table(
        [
          'mode',
          'messages/read',
          '× fewer',
          'messages/conversation',
          '× fewer',
          'ms/read',
          '× faster',
          'head-end CPU ms',
          'broker CPU ms',
          'site CPU ms',
          'spread',
        ],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    console.log(
      `\nms/read: median over every read of the rounds. Other processes used ${fmt(others)} cores meanwhile.`,
    );
    return {
      otherCores: others,
      rows: profileRows,
      segments,
      messages: Object.fromEntries(
        modes.map((m) => [m.id, { read: m.read.length, conversation: m.conversation.length }]),
      ),
      readRatio: transparent.read.length / apdu.read.length,
      conversationRatio: transparent.conversation.length / apdu.conversation.length,
      timeRatio: base.msPerOp / byId(contenders, 'apdu').msPerOp,
      contenders: contenders.map(({ id, msPerOp, headUs, brokerUs, siteUs, spread }) => ({
        id,
        msPerOp,
        headUs,
        brokerUs,
        siteUs,
        spread,
      })),
    };
  } finally {
    await setup.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Modbus reads through the tunnel (one gateway, one modbus-rtu port)

async function modbusPart() {
  console.log(
    `\n## 5. Modbus FC3 reads through the tunnel, 1 in flight (${rounds} rounds × ${durationMs / 1000} s)\n`,
  );
  const setup = await startSetup({ gateways: 1, ports: 0, modbus: true, echoVariants: ['plain'] });
  try {
    const client = await ModbusClient.connect({
      link: mqttLink({ broker: setup.url, gatewayId: 'gw-0', port: 'mb' }),
      framing: 'rtu',
      unitId: 1,
      timeoutMs: 10_000,
    });
    const read = () => client.readHoldingRegisters(0, 2);
    const log = await sniff(setup.url, read, read);
    const wire = dataTurns(log);
    if (wire.turns.length !== 1) throw new Error(`a Modbus read took ${wire.turns.length} turns`);
    const requester = new EchoRequester({ url: setup.url, ...wire });
    await requester.open();
    const contenders = chosen([
      {
        id: 'bare',
        label: 'bare MQTT.js requester → broker → echo client (baseline)',
        run: (ms) => requester.run(wire.turns, ms),
      },
      {
        id: 'modbus',
        label: 'ModbusClient FC3 → mqttLink → broker → MqttGateway (modbus-rtu) → ModbusServer',
        run: (ms) => timedLoop(read, ms),
      },
    ]);
    const others = await interleave(contenders, setup);
    await requester.close();
    await client.close();
    for (const c of contenders) summarise(c);
    const base = byId(contenders, 'bare');
    const ours = byId(contenders, 'modbus');
    console.log(
      `Read of 2 holding registers of unit 1 (RTU framing). Broker messages per read: ${log.length} — ` +
        `${describeKinds(byKind(log))}. Median of ${rounds} rounds; CPU µs per read in each process.\n`,
    );
    const rows = contenders.map((c) => [
      c.label,
      fmtRate(c.rate),
      fmtRatio(c.rate / base.rate),
      fmt(1e6 / c.rate, 0),
      fmt(c.headUs, 1),
      fmt(c.brokerUs, 1),
      fmt(c.siteUs, 1),
      fmtPct(c.spread),
    ]);
    console.log(
      table(
        [
          'round trip',
          'reads/s',
          '× bare',
          'µs/read',
          'head-end CPU µs',
          'broker CPU µs',
          'site CPU µs',
          'spread',
        ],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    console.log(`\nOther processes used ${fmt(others)} cores meanwhile.`);
    return {
      otherCores: others,
      messages: log.length,
      ratio: ours.rate / base.rate,
      contenders: contenders.map(({ id, rate, headUs, brokerUs, siteUs, spread }) => ({
        id,
        rate,
        headUs,
        brokerUs,
        siteUs,
        spread,
      })),
    };
  } finally {
    await setup.stop();
  }
}

// ---------------------------------------------------------------------------------------------

try {
  if (parts.has('get') || parts.has('profile')) Object.assign(out, await getAndProfile());
  if (parts.has('meters')) out.meters = await metersPart();
  if (parts.has('apdu')) out.apdu = await apduPart();
  if (parts.has('modbus')) out.modbus = await modbusPart();
  targets(out);
} catch (error) {
  console.error('\nbenchmark failed:', error);
}
meterlink.dispose();
console.log(`\nload average (1 min) at end: ${load1()} · ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
process.exit(0);

function targets(o) {
  console.log('\n## Targets\n');
  const get = o.get?.contenders.find((c) => c.id === 'tunnel');
  if (get) {
    console.log(
      `${o.get.ratio >= 0.8 ? '✓' : '✗'} DLMS GET through the tunnel ≥ 0.8× the bare MQTT request/echo: ` +
        `${fmtRatio(o.get.ratio)} (${fmtRate(get.rate)} GET/s, ${o.get.messages} broker messages per GET)`,
    );
  }
  const profile = o.profile?.contenders.find((c) => c.id === 'tunnel');
  if (profile) {
    console.log(
      `· profile read, transparent: ${o.profile.messages} broker messages and ${fmt(profile.msPerOp, 1)} ms per read ` +
        `of ${o.profile.segments} HDLC segments (${fmtRatio(o.profile.ratio)} the bare echo of the same turns)`,
    );
  }
  if (o.apdu) {
    console.log(
      `${o.apdu.conversationRatio >= 10 ? '✓' : '✗'} profile read of ${o.apdu.segments} HDLC segments, APDU mode vs ` +
        `transparent, ≥ 10× fewer broker messages: ${fmtRatio(o.apdu.readRatio)} per read ` +
        `(${o.apdu.messages.transparent.read} → ${o.apdu.messages.apdu.read}), ${fmtRatio(o.apdu.conversationRatio)} ` +
        `per conversation (${o.apdu.messages.transparent.conversation} → ${o.apdu.messages.apdu.conversation}); ` +
        `wall time ${fmtRatio(o.apdu.timeRatio)} faster`,
    );
  }
  const meters = o.meters?.variants.find((v) => v.id === 'tunnel');
  if (meters) {
    const failed = Object.values(meters.errors).reduce((a, b) => a + b, 0);
    console.log(
      `${failed === 0 ? '✓' : '✗'} ${o.meters.meters.toLocaleString('en')} meters behind ${o.meters.gateways} gateways ` +
        `read by one head-end: ${fmt(meters.rate, 0)} meters/s at ${o.meters.concurrency} in flight, ${failed} failed`,
    );
  }
  const shared = o.meters?.variants.find((v) => v.id === 'tunnel-shared');
  if (shared) {
    const failed = Object.values(shared.errors).reduce((a, b) => a + b, 0);
    console.log(
      `· the same over one shared MqttHeadEnd: ${fmt(shared.rate, 0)} meters/s, ${fmt(shared.connections, 3)} ` +
        `broker connections per read, ${failed} failed`,
    );
  }
}
