// DLMS session benchmark: `npm run bench:dlms-session` (builds dist/ first), or
// `node bench/dlms-session.mjs [options]` against an existing build.
//
// The figures issue 4 asks for, each printed as a ratio against a baseline measured in the same
// run (medians of rounds):
//   1. GET round trips/s over loopback TCP, wrapper and HDLC framing, 1 in flight: DlmsClient.get
//      of a Register value (class 3, attribute 2) against DlmsServer.listen in a child process,
//      beside a raw `net` client ↔ raw echo server (child process) exchanging the same byte
//      counts; client and server CPU µs per GET. Target ≥ 0.8× the raw echo.
//   2. A 10,000-row profile read (clock + 4 registers) end to end, DlmsClient.readProfile over
//      the wrapper and HDLC: time per read and rows/s, beside JSON.parse of the same rows as
//      JSON, and beside the raw echo pair moving the same bytes — in the same round trips as the
//      real read, and in one.
//   3. Concurrent associations on one server process (the example meter, wrapper): N raw clients
//      that each associated with a pre-recorded AARQ and then stay idle; the server's memory per
//      association (RSS and heap, measured in the server process after GC) beside a raw echo
//      server holding as many idle sockets, a DlmsClient's GET latency with N associations open
//      beside N = 0, and one GET on every association at once. Target: 10,000 associations.
// The byte counts and frames come from a recording proxy between a real DlmsClient and the
// server (lib/dlms-wire.mjs), not from assumptions. Servers run in child processes (client CPU
// is this process's `process.cpuUsage()`); placement as in the Modbus benchmark (--pin).
// About 2½ minutes. A report, not a test: it exits 0 whatever the figures.
//
// Options:
//   --seconds S       length of each measurement (default 2)
//   --rounds N        rounds per measurement, the median is reported (default 3)
//   --only a,b        parts to run: get, stack, profile, meters (default all)
//   --contenders a,b  part 1 contenders by id (ours-wrapper, ours-hdlc, raw-server-wrapper; the raw
//                     baselines always run), e.g. to profile one with `node --cpu-prof`
//   --meters a,b,…    association counts for part 3 (default 1000,2500,5000,10000)
//   --rows N          profile rows (default 10000)
//   --pin same|split|none  CPU placement (default same: everything on CPU 0; see lib/servers.mjs)
//   --server-prof DIR write a V8 CPU profile of the DLMS server process (parts 1–2) into DIR
//   --json FILE       also write the figures and every round's values as JSON

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadDlms } from './lib/dlms-api.mjs';
import { runStackBench } from './lib/dlms-inline.mjs';
import { SocketPool, TurnClient, timedLoop } from './lib/dlms-load.mjs';
import { startDlmsServer } from './lib/dlms-servers.mjs';
import { echoTurns, echoUnit, recordingProxy, replayTurns, totals } from './lib/dlms-wire.mjs';
import { pinCpus } from './lib/servers.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: 'get,stack,profile,meters' },
    contenders: { type: 'string' },
    meters: { type: 'string', default: '1000,2500,5000,10000' },
    rows: { type: 'string', default: '10000' },
    pin: { type: 'string', default: 'same' },
    'server-prof': { type: 'string' },
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
const meterLevels = args.meters
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const profileRows = Number.parseInt(args.rows, 10);
const host = '127.0.0.1';
const registerValue = { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 };
const profileObis = '1.0.99.1.0.255';

// ---------------------------------------------------------------------------------------------
// helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const spreadOf = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const load1 = () => loadavg()[0].toFixed(2);

/** Machine-wide CPU time from /proc/stat (Linux), µs (USER_HZ taken as 100), or undefined. */
function machineCpu() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: (total - f[3] - f[4]) * 1e4, total: total * 1e4 };
  } catch {
    return undefined;
  }
}

async function machineBusy(ms = 1000) {
  const a = machineCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineCpu();
  if (!a || !b || b.total === a.total) return Number.NaN;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** Cores the rest of the machine used between two machineCpu() readings, given our own CPU µs. */
function otherCores(m0, m1, ownUs) {
  if (!m0 || !m1) return Number.NaN;
  return Math.max(0, (m1.busy - m0.busy - ownUs) / ((m1.total - m0.total) / cpus().length));
}
const cpuOfProcess = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function fmtRate(x) {
  if (!Number.isFinite(x)) return '—';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}
const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const fmtPct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const fmtBytes = (x) =>
  !Number.isFinite(x)
    ? '—'
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} MB`
      : x >= 1e3
        ? `${(x / 1e3).toFixed(1)} kB`
        : `${x} B`;

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (align[i] === 'l' ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The CPU list the servers go on (same as lib/servers.mjs's pinCpus decision). */
function serverCpuOf(placement) {
  return placement === 'same' ? '0' : placement === 'split' ? '1' : undefined;
}

function fdLimit() {
  try {
    const soft = execFileSync('sh', ['-c', 'ulimit -Sn'], { encoding: 'utf8' }).trim();
    const hard = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return { soft: Number(soft) || Number.POSITIVE_INFINITY, hard };
  } catch {
    return { soft: Number.NaN, hard: '?' };
  }
}

function portRange() {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return { lo, hi, count: hi - lo + 1 };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// startup

const started = new Date();
console.log('# meterlink DLMS session benchmark\n');
console.log(
  `${started.toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
);
const busy = await machineBusy();
console.log(
  `machine busy at start: ${(busy * 100).toFixed(0)}% of CPU time over 1 s (load average ${load1()})` +
    (busy > 0.1 ? ' — other work is running, figures may be noisy' : ''),
);
const placement = pinCpus(args.pin);
const serverCpu = serverCpuOf(placement);
console.log(
  {
    same: 'CPU placement: client and servers pinned to CPU 0 (--pin same)',
    split: 'CPU placement: client on CPU 0, servers on CPU 1 (--pin split)',
    none: 'CPU placement: not pinned',
  }[placement],
);
const { api, source, module, dispose } = await loadDlms();
// The source bundle (if any) is deleted when the run ends, whatever part ran.
process.on('exit', dispose);
console.log(`meterlink loaded from ${source}`);
const { DlmsClient, tcp } = api;

const out = {
  date: started.toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  placement,
  rounds,
  durationMs,
  source,
};

const connect = (port, framing, options = {}) =>
  DlmsClient.connect({ link: tcp({ host, port }), framing, timeoutMs: 10_000, ...options });

/**
 * Records what a DlmsClient exchanges with the server on `port`: the association (AARQ …)
 * and then `operation` (after `warm`, which is not recorded).
 */
async function record(port, framing, operation, warm, options) {
  const proxy = await recordingProxy(port);
  try {
    const client = await connect(proxy.port, framing, options);
    const association = proxy.turns();
    if (warm) await warm(client);
    proxy.mark();
    await operation(client);
    const turns = proxy.turns();
    await client.close();
    return { association, turns };
  } finally {
    await proxy.close();
  }
}

/**
 * Measures contenders in interleaved rounds (order rotating each round): each contender is
 * `{ id, run(ms) → { count, ms, cpuUs, times }, server? }`; returns the samples, with the server's
 * CPU µs over each sample when the contender names its server.
 */
async function interleave(contenders, { warmup = warmupMs, windowMs = durationMs } = {}) {
  const measure = async (c, ms) => {
    const s0 = c.server ? await c.server.cpu() : 0;
    const r = await c.run(ms);
    const serverUs = c.server ? (await c.server.cpu()) - s0 : Number.NaN;
    return { ...r, serverUs };
  };
  const m0 = machineCpu();
  const servers = [...new Set(contenders.map((c) => c.server).filter(Boolean))];
  const serverCpus = async () => (await Promise.all(servers.map((s) => s.cpu()))).reduce((a, b) => a + b, 0);
  const own0 = cpuOfProcess() + (await serverCpus());
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
  const own1 = cpuOfProcess() + (await serverCpus());
  return otherCores(m0, machineCpu(), own1 - own0);
}

// ---------------------------------------------------------------------------------------------
// 1. GET round trips

async function getPart(servers) {
  const { dlms, echo } = servers;
  console.log(`\n## 1. GET round trips, 1 in flight (${rounds} rounds × ${durationMs / 1000} s)\n`);
  const contenders = [];
  const wire = {};
  for (const framing of ['wrapper', 'hdlc']) {
    const rec = await record(dlms.ports[framing], framing, (c) => c.get(registerValue));
    if (rec.turns.length !== 1) throw new Error(`a ${framing} GET took ${rec.turns.length} turns`);
    wire[framing] = rec;
    const client = await connect(dlms.ports[framing], framing);
    const raw = new TurnClient();
    await raw.open(echo.ports.echo);
    const echoGet = echoTurns(rec.turns);
    contenders.push(
      {
        id: `raw-${framing}`,
        framing,
        base: true,
        label: `raw socket → raw echo server (${framing} sizes)`,
        server: echo,
        run: (ms) => raw.run(echoGet, ms),
        close: () => raw.close(),
      },
      {
        id: `ours-${framing}`,
        framing,
        label: `DlmsClient.get → DlmsServer (${framing})`,
        server: dlms,
        run: (ms) => timedLoop(() => client.get(registerValue), ms),
        close: () => client.close(),
      },
    );
  }
  // The server alone under the raw client's load: the recorded AARQ, then the recorded GET frame
  // over and over (the wrapper's GET is the same bytes every time; HDLC's is not: N(S), N(R), FCS).
  const rawServer = new TurnClient();
  await rawServer.open(dlms.ports.wrapper);
  await rawServer.run(replayTurns(wire.wrapper.association), 0);
  const wrapperGet = replayTurns(wire.wrapper.turns);
  contenders.push({
    id: 'raw-server-wrapper',
    framing: 'wrapper',
    label: 'raw socket, recorded GET frame → DlmsServer (wrapper)',
    server: dlms,
    run: (ms) => rawServer.run(wrapperGet, ms),
    close: () => rawServer.close(),
  });

  const wanted = args.contenders?.split(',');
  for (const c of contenders.filter((x) => wanted && !x.base && !wanted.includes(x.id))) await c.close();
  if (wanted)
    contenders.splice(0, contenders.length, ...contenders.filter((x) => x.base || wanted.includes(x.id)));
  const others = await interleave(contenders);
  for (const c of contenders) await c.close();
  for (const c of contenders) {
    const s = c.samples;
    c.rate = median(s.map((x) => (x.count * 1000) / x.ms));
    c.cpuPerTx = median(s.map((x) => x.cpuUs / x.count));
    c.serverPerTx = median(s.map((x) => x.serverUs / x.count));
    c.spread = spreadOf(s.map((x) => (x.count * 1000) / x.ms));
  }
  const base = (framing) => contenders.find((c) => c.base && c.framing === framing);
  console.log(
    `\nGET of a Register value (class 3, attribute 2, double-long-unsigned) by the public client, loopback TCP.\n` +
      `Bytes per GET (recorded): wrapper ${wire.wrapper.turns[0].client} B request / ${wire.wrapper.turns[0].server} B response; ` +
      `HDLC ${wire.hdlc.turns[0].client} B / ${wire.hdlc.turns[0].server} B (an I-frame each way, no RR).\n` +
      `× raw: against the raw socket ↔ raw echo server exchanging the same byte counts, same framing's sizes. ` +
      `Median of ${rounds} rounds.\n`,
  );
  const rows = contenders.map((c) => {
    const b = base(c.framing);
    return [
      c.label,
      fmtRate(c.rate),
      c.base ? '1 (base)' : fmtRatio(c.rate / b.rate),
      fmt(1e6 / c.rate),
      fmt(c.cpuPerTx),
      c.base ? '1 (base)' : fmtRatio(c.cpuPerTx / b.cpuPerTx),
      fmt(c.serverPerTx),
      c.base ? '1 (base)' : fmtRatio(c.serverPerTx / b.serverPerTx),
      fmtPct(c.spread),
    ];
  });
  console.log(
    table(
      [
        'client → server',
        'GET/s',
        '× raw',
        'µs/GET',
        'client CPU µs',
        '× raw',
        'server CPU µs',
        '× raw',
        'spread',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    `\nCPU: µs of process time (user + system) per GET, client = this process, server = the server process. ` +
      `Other processes used ${fmt(others)} cores meanwhile (0 = quiet).`,
  );
  return {
    otherCores: others,
    bytes: Object.fromEntries(
      Object.entries(wire).map(([f, r]) => [f, { request: r.turns[0].client, response: r.turns[0].server }]),
    ),
    contenders: contenders.map((c) => ({
      id: c.id,
      rate: c.rate,
      ratio: c.rate / base(c.framing).rate,
      cpuPerTx: c.cpuPerTx,
      serverPerTx: c.serverPerTx,
      samples: c.samples.map((s) => (s.count * 1000) / s.ms),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// 1b. The stacks without I/O

async function stackPart(servers) {
  console.log(
    '\n## 1b. Client and server stacks without I/O (in-process links; µs per GET, median of rounds)\n',
  );
  const rec = await record(servers.dlms.ports.wrapper, 'wrapper', (c) => c.get(registerValue));
  const wire = {
    aarq: rec.association[0].frame,
    aare: rec.association[0].reply,
    request: rec.turns[0].frame,
    response: rec.turns[0].reply,
  };
  const results = await runStackBench(api, wire, { ms: Math.max(200, durationMs / 2), rounds });
  const rows = results.map((r) => [
    r.name,
    fmt(r.us),
    `${fmt(r.us - r.baseUs)} more than ${r.baseName} (${fmt(r.baseUs)} µs)`,
  ]);
  console.log(table(['operation', 'µs/GET', 'baseline'], rows, ['l', 'r', 'l']));
  console.log(
    '\nThe JavaScript cost of a GET in meterlink with no socket: the part of the CPU per GET over TCP (part 1) that is ' +
      'not the kernel.\nThe in-process links (lib/inline-link.mjs) write without a promise; client alone: answered in a ' +
      'microtask; pair: each write delivered in the next setImmediate.',
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// 2. Profile read

async function profilePart(servers) {
  const { dlms, echo } = servers;
  console.log(
    `\n## 2. ${profileRows.toLocaleString('en')}-row profile read end to end (${rounds} rounds × ≥ ${durationMs / 1000} s)\n`,
  );
  const contenders = [];
  const info = {};
  let rowsJson;
  const big = { maxInfoTransmit: 2030, maxInfoReceive: 2030, windowTransmit: 7, windowReceive: 7 };
  const variants = [
    { id: 'wrapper', framing: 'wrapper', label: 'wrapper', options: {}, bulk: true },
    { id: 'wrapper-65535', framing: 'wrapper', label: 'wrapper, server PDU 65535', options: { client: 17 } },
    { id: 'hdlc', framing: 'hdlc', label: 'HDLC', options: {}, bulk: true },
    {
      id: 'hdlc-2030w7',
      framing: 'hdlc',
      label: 'HDLC, info 2030, window 7, PDU 65535',
      options: { client: 17, maxPduSize: 65535, hdlc: big },
    },
  ];
  for (const v of variants) {
    const read = (c) => c.readProfile(profileObis);
    // Recorded after one read, as measured: capture_objects are cached per client by then.
    const rec = await record(dlms.ports[v.framing], v.framing, read, read, v.options);
    const client = await connect(dlms.ports[v.framing], v.framing, v.options);
    const first = await read(client);
    if (first.rows.length !== profileRows)
      throw new Error(`read ${first.rows.length} rows, not ${profileRows}`);
    rowsJson ??= JSON.stringify(first.rows);
    const t = totals(rec.turns);
    info[v.id] = { label: v.label, turns: rec.turns.length, ...t };
    const raw = new TurnClient();
    await raw.open(echo.ports.echo);
    const same = echoTurns(rec.turns);
    const bulk = [{ frame: echoUnit(t.client, t.server), answer: t.server }];
    contenders.push(
      {
        id: `ours-${v.id}`,
        variant: v.id,
        kind: 'ours',
        label: `DlmsClient.readProfile → DlmsServer (${v.label})`,
        server: dlms,
        run: (ms) => timedLoop(() => read(client), ms),
        close: () => client.close(),
      },
      {
        id: `raw-turns-${v.id}`,
        variant: v.id,
        kind: 'turns',
        label: `raw echo, same bytes in the same ${rec.turns.length} round trips`,
        server: echo,
        run: (ms) => raw.run(same, ms),
        close: () => raw.close(),
      },
    );
    if (v.bulk)
      contenders.push({
        id: `raw-bulk-${v.id}`,
        variant: v.id,
        kind: 'bulk',
        label: 'raw echo, same bytes in 1 round trip',
        server: echo,
        run: (ms) => raw.run(bulk, ms),
      });
  }
  // Each read is short: a window of 0.6 × --seconds per round gives tens to hundreds of reads.
  const others = await interleave(contenders, { windowMs: Math.max(100, Math.round(durationMs * 0.6)) });
  for (const c of contenders) await c.close?.();

  // JSON.parse of the same rows as JSON (the read's own output serialised), timed here too.
  const jsonTimes = [];
  for (let r = 0; r < rounds; r++) {
    const { times } = await timedLoop(async () => JSON.parse(rowsJson), Math.max(200, durationMs / 4));
    jsonTimes.push(median(times));
  }
  const jsonMs = median(jsonTimes);

  for (const c of contenders) {
    const s = c.samples;
    c.ms = median(s.flatMap((x) => x.times));
    const passes = (x) => x.times.length;
    c.cpuMs = median(s.map((x) => x.cpuUs / passes(x) / 1000));
    c.serverMs = median(s.map((x) => x.serverUs / passes(x) / 1000));
    c.spread = spreadOf(s.map((x) => median(x.times)));
  }
  console.log(
    `\nProfile generic ${profileObis}: stored buffer of ${profileRows.toLocaleString('en')} rows (date-time octet-string + 4 ` +
      'double-long-unsigned), read whole (no selective access) with DlmsClient.readProfile, decoded into typed rows.\n' +
      'Defaults: server max PDU 1024 (block transfer), HDLC information field 128 and window 1 (the spec defaults); ' +
      'the other rows use\nclient 17, whose association has a 65535-octet PDU (and for HDLC proposes 2030-octet ' +
      'information fields and windows of 7).\nBytes on the wire per read (recorded):\n' +
      Object.values(info)
        .map(
          (i) =>
            `  ${i.label}: ${fmtBytes(i.client)} from the client, ${fmtBytes(i.server)} from the server, in ${i.turns} round trips`,
        )
        .join('\n') +
      `\nJSON.parse of the same rows as JSON (${fmtBytes(rowsJson.length)}): ${fmt(jsonMs)} ms. Times: median per read.\n`,
  );
  const rows = [];
  for (const v of variants) {
    const of = (kind) => contenders.find((c) => c.variant === v.id && c.kind === kind);
    const ours = of('ours');
    const turns = of('turns');
    const bulk = of('bulk') ?? contenders.find((c) => c.kind === 'bulk' && c.variant === v.framing);
    for (const c of [ours, turns, of('bulk')].filter(Boolean)) {
      const isOurs = c === ours;
      rows.push([
        c.label,
        fmt(c.ms),
        fmtRate((profileRows * 1000) / c.ms),
        isOurs ? fmtRatio(jsonMs / c.ms) : '',
        isOurs ? fmtRatio(turns.ms / c.ms) : '',
        isOurs ? fmtRatio(bulk.ms / c.ms) : '',
        fmt(c.cpuMs),
        fmt(c.serverMs),
        fmtPct(c.spread),
      ]);
    }
  }
  console.log(
    table(
      [
        'read',
        'ms/read',
        'rows/s',
        '× JSON.parse',
        '× raw same turns',
        '× raw 1 turn',
        'client CPU ms',
        'server CPU ms',
        'spread',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    '\n× figures: speed relative to the baseline (baseline time / our time; > 1 = faster than the baseline). ' +
      `Other processes used ${fmt(others)} cores meanwhile.`,
  );
  return {
    otherCores: others,
    jsonMs,
    jsonBytes: rowsJson.length,
    wire: info,
    contenders: contenders.map((c) => ({
      id: c.id,
      ms: c.ms,
      cpuMs: c.cpuMs,
      serverMs: c.serverMs,
      samples: c.samples.map((x) => median(x.times)),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrent associations

async function metersPart() {
  const limit = fdLimit();
  const ports = portRange();
  // Each process holds one descriptor per connection; keep 200 for everything else.
  const fdCap = Number.isFinite(limit.soft) ? limit.soft - 200 : Number.POSITIVE_INFINITY;
  const portCap = ports ? ports.count - 1000 : Number.POSITIVE_INFINITY;
  const levels = meterLevels.filter((n) => n <= Math.min(fdCap, portCap));
  const dropped = meterLevels.filter((n) => !levels.includes(n));
  console.log('\n## 3. Concurrent associations on one server process (wrapper)\n');
  console.log(
    `File descriptors: soft limit ${limit.soft}, hard ${limit.hard} per process (a process cannot raise its own ` +
      'limit from Node; client and server are separate processes, one descriptor per connection each). ' +
      `Ephemeral ports: ${ports ? `${ports.lo}–${ports.hi} (${ports.count})` : '?'}.` +
      (dropped.length ? ` Skipped (over those limits): ${dropped.join(', ')}.` : ''),
  );
  const meter = await startDlmsServer('meter', { cpu: serverCpu, module });
  const echo = await startDlmsServer('echo', { cpu: serverCpu, module });
  const port = meter.ports.wrapper;
  const rec = await record(port, 'wrapper', (c) => c.get(registerValue));
  const aarq = replayTurns(rec.association)[0];
  const get = replayTurns(rec.turns)[0];
  const echoHello = echoTurns(rec.association)[0];
  const echoGet = echoTurns(rec.turns)[0];
  const latencyMs = Math.max(300, Math.round(durationMs / 2));

  // The probe: one real DlmsClient association on the meter, one raw echo client.
  const probe = await connect(port, 'wrapper');
  const rawProbe = new TurnClient();
  await rawProbe.open(echo.ports.echo);
  let warm = latencyMs; // the first measurement warms the probe up for longer
  const latency = async () => {
    await timedLoop(() => probe.get(registerValue), warm);
    warm = 100;
    const ours = await timedLoop(() => probe.get(registerValue), latencyMs);
    await rawProbe.run([echoGet], 100);
    const raw = await rawProbe.run([echoGet], latencyMs);
    return {
      median: median(ours.times) * 1000,
      p99: quantile(ours.times, 0.99) * 1000,
      rawMedian: median(raw.times) * 1000,
      rawP99: quantile(raw.times, 0.99) * 1000,
    };
  };

  console.log(
    `Client: ${aarq.frame.length} B AARQ → ${aarq.answer} B AARE, then idle; GET ${get.frame.length} B → ${get.answer} B ` +
      `(recorded from DlmsClient). Server: the example meter. Memory: server process after two GCs, minus N = 0. ` +
      `Latency: one DlmsClient's GETs for ${latencyMs / 1000} s (median, p99). Sweep: one GET on every association at once.\n`,
  );
  const results = [];
  const run = async (kind) => {
    const server = kind === 'dlms' ? meter : echo;
    const pool = new SocketPool(
      server.ports[kind === 'dlms' ? 'wrapper' : 'echo'],
      kind === 'dlms' ? aarq : echoHello,
    );
    const m0 = await server.memory();
    const l0 = await latency();
    results.push({ kind, n: 0, memory: m0, latency: l0 });
    for (const n of levels) {
      process.stdout.write(`${kind}: opening ${n} (load ${load1()})… `);
      const setupMs = await pool.grow(n);
      const m = await server.memory();
      const l = await latency();
      const sweepMs = pool.error ? Number.NaN : await pool.sweep(kind === 'dlms' ? get : echoGet);
      const m2 = await server.memory();
      process.stdout.write(`${pool.size} open${pool.error ? ` (stopped: ${pool.error.message})` : ''}\n`);
      results.push({
        kind,
        n: pool.size,
        wanted: n,
        setupMs,
        memory: m,
        memoryAfterSweep: m2,
        latency: l,
        sweepMs,
        error: pool.error?.message,
      });
      if (pool.error) break;
    }
    pool.close();
    return m0;
  };
  const m0 = machineCpu();
  const own0 = cpuOfProcess() + (await meter.cpu()) + (await echo.cpu());
  const dlmsBase = await run('dlms');
  const echoBase = await run('echo');
  const others = otherCores(
    m0,
    machineCpu(),
    cpuOfProcess() + (await meter.cpu()) + (await echo.cpu()) - own0,
  );
  await probe.close();
  rawProbe.close();
  await Promise.all([meter.stop(), echo.stop()]);

  const per = (r, base, field) => (r.memory.memory[field] - base.memory[field]) / r.n;
  const rows = [];
  const l0 = results.find((r) => r.kind === 'dlms' && r.n === 0).latency;
  for (const r of results.filter((x) => x.kind === 'dlms' && x.n > 0)) {
    const e = results.find((x) => x.kind === 'echo' && x.wanted === r.wanted);
    const rss = per(r, dlmsBase, 'rss');
    const heap = per(r, dlmsBase, 'heapUsed');
    const eRss = e ? per(e, echoBase, 'rss') : Number.NaN;
    const eHeap = e ? per(e, echoBase, 'heapUsed') : Number.NaN;
    rows.push([
      `${r.n.toLocaleString('en')}${r.n < r.wanted ? ` of ${r.wanted}` : ''}`,
      fmt(r.memory.associations, 0),
      fmt(r.setupMs / 1000),
      fmtRate((r.n * 1000) / r.setupMs),
      fmt(rss / 1024, 1),
      fmt(heap / 1024, 1),
      fmtRatio(rss / eRss),
      fmtRatio(heap / eHeap),
      fmt(r.latency.median, 0),
      fmtRatio(r.latency.median / l0.median),
      fmt(r.latency.p99, 0),
      fmt(r.sweepMs, 0),
      fmtRatio(e ? e.sweepMs / r.sweepMs : Number.NaN),
    ]);
  }
  console.log(
    '\n' +
      table(
        [
          'associations',
          'server holds',
          'setup s',
          'assoc/s',
          'RSS kB/assoc',
          'heap kB/assoc',
          'RSS × raw sock',
          'heap × raw sock',
          'GET µs p50',
          '× N=0',
          'GET µs p99',
          'sweep ms',
          '× raw sweep',
        ],
        rows,
        ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
  );
  console.log(
    '\nserver holds: established associations the server reports (its `association` minus `release` events), the ' +
      "probe's included.\nkB/assoc: (server memory − memory at N = 0) / N; × raw sock: that figure over the raw echo " +
      "server's per idle socket.\n× N=0: GET latency with N associations open over the latency with none. Sweep: ms " +
      'until all N GETs were answered; × raw sweep: the raw echo sweep time over ours.',
  );
  const echoRows = results
    .filter((x) => x.kind === 'echo' && x.n > 0)
    .map((e) => [
      e.n.toLocaleString('en'),
      fmt(e.setupMs / 1000),
      fmt(per(e, echoBase, 'rss') / 1024, 1),
      fmt(per(e, echoBase, 'heapUsed') / 1024, 1),
      fmt(e.latency.rawMedian, 0),
      fmt(e.sweepMs, 0),
    ]);
  console.log('\nBaseline: raw echo server holding as many idle sockets (each after one echo exchange):\n');
  console.log(
    table(
      ['sockets', 'setup s', 'RSS kB/sock', 'heap kB/sock', 'raw GET-size µs p50', 'sweep ms'],
      echoRows,
      ['r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    `\nWith N = 0: DlmsClient GET ${fmt(l0.median, 0)} µs p50 / ${fmt(l0.p99, 0)} µs p99; raw echo of the same sizes ` +
      `${fmt(l0.rawMedian, 0)} µs p50 (${fmtRatio(l0.rawMedian / l0.median)} of the GET rate). Server RSS at N = 0: ` +
      `${fmtBytes(dlmsBase.memory.rss)}, heap ${fmtBytes(dlmsBase.memory.heapUsed)}. ` +
      `Other processes used ${fmt(others)} cores meanwhile.`,
  );
  return { levels, dropped, fdLimit: limit, results, otherCores: others };
}

// ---------------------------------------------------------------------------------------------

try {
  if (parts.has('get') || parts.has('stack') || parts.has('profile')) {
    const execArgv = args['server-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['server-prof']] : [];
    const servers = {
      dlms: await startDlmsServer('dlms', {
        cpu: serverCpu,
        module,
        execArgv,
        env: { PROFILE_ROWS: String(profileRows) },
      }),
      echo: await startDlmsServer('echo', { cpu: serverCpu, module }),
    };
    try {
      if (parts.has('get')) out.get = await getPart(servers);
      if (parts.has('stack')) out.stack = await stackPart(servers);
      if (parts.has('profile')) out.profile = await profilePart(servers);
    } finally {
      await Promise.all([servers.dlms.stop(), servers.echo.stop()]);
    }
  }
  if (parts.has('meters')) out.meters = await metersPart();
  targets(out);
} catch (error) {
  console.error('\nbenchmark failed:', error);
}
console.log(`\nload average (1 min) at end: ${load1()} · ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
process.exit(0);

function targets(o) {
  console.log('\n## Targets\n');
  for (const framing of ['wrapper', 'hdlc']) {
    const c = o.get?.contenders.find((x) => x.id === `ours-${framing}`);
    if (c)
      console.log(
        `${c.ratio >= 0.8 ? '✓' : '✗'} GET round trips, ${framing}, ≥ 0.8× the raw echo: ${fmtRatio(c.ratio)} ` +
          `(${fmtRate(c.rate)} GET/s, client CPU ${fmt(c.cpuPerTx)} µs/GET)`,
      );
  }
  if (o.meters) {
    const top = o.meters.results.filter((r) => r.kind === 'dlms').at(-1);
    const n = top?.memory.associations ?? 0;
    console.log(
      `${n >= 10_000 ? '✓' : '✗'} 10,000 concurrent associations on one server: ${n.toLocaleString('en')} established` +
        (top?.error ? ` (stopped: ${top.error})` : ''),
    );
  }
}
