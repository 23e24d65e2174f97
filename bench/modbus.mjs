// Modbus benchmark: `npm run bench` (builds dist/ first), or `node bench/modbus.mjs [options]`.
//
// Everything in one run, printed as ratios against baselines measured in the same run:
//   1. codec ops/s (tinybench) beside JSON.stringify/parse of the same message and a copy of the
//      same bytes;
//   2. meterlink's client and server stacks without I/O (tinybench), beside the least the same
//      work costs in-process;
//   3. Modbus/TCP round trips/s with 1 and 16 requests in flight (FC3, 10 registers: 12-byte
//      request, 29-byte response): meterlink's client against meterlink's server, jsmodbus and
//      modbus-serial against the same server, beside a raw `net` client against a raw echo
//      server (the physical limit here); meterlink's server against the raw echo server under the
//      same raw load; client CPU time per transaction beside the raw client's.
// Servers run in child processes, so `process.cpuUsage()` in this process is the client's alone;
// where the processes run is set by --pin. Takes about 2 minutes. It is a report: it exits 0
// whatever the figures. See docs/performance.md.
//
// Options:
//   --seconds S       length of each measurement (default 2)
//   --rounds N        rounds per measurement, the median is reported (default 3)
//   --only codec|tcp  run one part only
//   --contenders a,b  TCP contenders to run (ids below; default all)
//   --server-prof DIR write a V8 CPU profile of meterlink's server process into DIR
//   --json FILE       also write the raw figures as JSON
//   --pin same|split|none  CPU placement (default same: client and servers on CPU 0; see
//                     lib/servers.mjs for why one core gives reproducible figures on this VM)

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runCodecBench, runStackBench } from './lib/codec.mjs';
import { JsmodbusClient, MeterlinkClient, ModbusSerialClient, RawClient } from './lib/load.mjs';
import { pinCpus, startServer } from './lib/servers.mjs';
import { requestBytes, responseBytes } from './lib/wire.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    contenders: { type: 'string' },
    'server-prof': { type: 'string' },
    json: { type: 'string' },
    pin: { type: 'string', default: 'same' },
  },
});
if (!['same', 'split', 'none'].includes(args.pin)) {
  console.error(`--pin must be same, split or none, got ${args.pin}`);
  process.exit(2);
}
const durationMs = Math.round(Number(args.seconds) * 1000);
const rounds = Math.max(1, Number.parseInt(args.rounds, 10));
const warmupMs = Math.min(300, durationMs);

/**
 * TCP contenders: who talks to which server, and how. The baseline (`raw`) writes each request
 * on its own, as every per-request client API does; `raw-batched` coalesces the requests due
 * after one received chunk into one write (what write coalescing could reach; 16 in flight only,
 * at 1 in flight both are the same); `raw-reuse` reads into one reused buffer instead of a Buffer
 * allocated per read, as meterlink's `tcp()` link does (1 in flight only).
 */
const contenders = [
  {
    id: 'raw',
    label: 'raw socket → raw echo server',
    server: 'echo',
    make: () => new RawClient(),
    options: { batched: false },
  },
  {
    id: 'raw-reuse',
    label: 'raw socket, reused read buffer → raw echo',
    server: 'echo',
    make: () => new RawClient({ reuseReadBuffer: true }),
    options: { batched: false },
    depths: [1],
  },
  {
    id: 'raw-batched',
    label: 'raw socket, coalesced writes → raw echo',
    server: 'echo',
    make: () => new RawClient(),
    depths: [16],
  },
  {
    id: 'ours',
    label: 'meterlink → meterlink server',
    server: 'meterlink',
    make: () => new MeterlinkClient(),
  },
  {
    id: 'ours-echo',
    label: 'meterlink → raw echo server',
    server: 'echo',
    make: () => new MeterlinkClient(),
  },
  {
    id: 'jsmodbus',
    label: 'jsmodbus → meterlink server',
    server: 'meterlink',
    make: () => new JsmodbusClient(),
  },
  {
    id: 'modbus-serial',
    label: 'modbus-serial → meterlink server',
    server: 'meterlink',
    make: () => new ModbusSerialClient(),
  },
  {
    id: 'raw-ours',
    label: 'raw socket → meterlink server',
    server: 'meterlink',
    make: () => new RawClient(),
    options: { batched: false },
  },
  {
    id: 'raw-batched-ours',
    label: 'raw socket, coalesced writes → meterlink server',
    server: 'meterlink',
    make: () => new RawClient(),
    depths: [16],
  },
];
const depths = [1, 16];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load1 = () => loadavg()[0].toFixed(2);

/** Machine-wide CPU time from /proc/stat (Linux), in µs (USER_HZ taken as 100), or undefined. */
function machineCpu() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: (total - f[3] - f[4]) * 1e4, total: total * 1e4 };
  } catch {
    return undefined;
  }
}

/** Share of all CPU time the whole machine spent busy over `ms`, or NaN. */
async function machineBusy(ms = 1000) {
  const a = machineCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineCpu();
  if (!a || !b || b.total === a.total) return Number.NaN;
  return (b.busy - a.busy) / (b.total - a.total);
}

// ---------------------------------------------------------------------------------------------
// formatting

function fmtRate(x) {
  if (!Number.isFinite(x)) return '—';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}
const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const fmtUs = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (align[i] === 'l' ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// codec

async function codecPart() {
  console.log('\n## Codec (tinybench; ops/s, median batch rate)\n');
  const results = await runCodecBench({ timeMs: Math.max(100, Math.round(durationMs / 8)) });
  const rows = results.map((r) => [
    r.name,
    fmtRate(r.ours),
    fmtRatio(r.ours / r.json),
    fmtRatio(r.ours / r.copy),
  ]);
  console.log(table(['operation', 'ops/s', '× JSON', '× copy'], rows, ['l', 'r', 'r', 'r']));
  console.log(
    '\n× JSON: against JSON.stringify (encoders) / JSON.parse (decoders) of the same message as a plain object;\n' +
      '× copy: against allocating a Uint8Array of the same bytes and set()-ting them (memcpy).',
  );
  return results;
}

async function stackPart() {
  console.log('\n## Client and server stacks without I/O (tinybench over an in-process link)\n');
  const results = await runStackBench({ timeMs: Math.max(100, Math.round(durationMs / 8)) });
  const rows = results.map((r) => [
    r.name,
    fmtRate(r.ours),
    fmtUs(1e6 / r.ours),
    `${fmtRatio(r.ours / r.base)} ${r.baseName} (${fmtUs(1e6 / r.base)} µs)`,
  ]);
  console.log(table(['operation', 'tx/s', 'µs/tx', '× baseline'], rows, ['l', 'r', 'r', 'l']));
  console.log(
    '\nThe JavaScript cost of a transaction in meterlink (FC3, 10 registers), with no socket: the part of the\n' +
      'client CPU per transaction below that is not the kernel. Baselines: a bare promise resolved in a microtask\n' +
      "with the raw echo's answer bytes (client); the raw echo server's per-chunk work (server).",
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// round trips

async function tcpPart() {
  const wanted = args.contenders ? new Set(args.contenders.split(',')) : undefined;
  const chosen = contenders.filter((c) => !wanted || wanted.has(c.id) || c.id === 'raw');
  const serverArgv = args['server-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['server-prof']] : [];
  const servers = {
    echo: await startServer('echo'),
    meterlink: await startServer('meterlink', serverArgv),
  };
  const ownCpu = async () =>
    (await servers.echo.cpu()) + (await servers.meterlink.cpu()) + cpuOf(process.cpuUsage());
  const cpuOf = (u) => u.user + u.system;
  const runs = [];
  for (const c of chosen) {
    c.client = c.make();
    await c.client.open(servers[c.server].port);
    for (const depth of c.depths ?? depths) runs.push({ contender: c, depth, samples: [] });
  }

  const measure = async (run, ms) => {
    const server = servers[run.contender.server];
    const s0 = await server.cpu();
    const r = await run.contender.client.run(run.depth, ms, run.contender.options);
    const serverUs = (await server.cpu()) - s0;
    return {
      ...r,
      rate: (r.count * 1000) / r.ms,
      cpuPerTx: r.cpuUs / r.count,
      serverPerTx: serverUs / r.total,
    };
  };

  process.stdout.write(
    `\n## Round trips (${runs.length} measurements × ${rounds} rounds × ${durationMs / 1000} s)\n\n`,
  );
  const machine0 = machineCpu();
  const own0 = await ownCpu();
  process.stdout.write('warm-up');
  for (const run of runs) {
    await measure(run, warmupMs);
    process.stdout.write('.');
  }
  for (let round = 0; round < rounds; round++) {
    process.stdout.write(` round ${round + 1} (load ${load1()})`);
    // Rotate the order each round so slow drift of the machine touches every contender alike.
    for (let i = 0; i < runs.length; i++) {
      const run = runs[(i + round * 3) % runs.length];
      run.samples.push(await measure(run, durationMs));
      process.stdout.write('.');
    }
  }
  process.stdout.write('\n');
  const machine1 = machineCpu();
  const own1 = await ownCpu();
  // CPU time the rest of the machine used while we measured, in cores (0 = a quiet machine).
  const otherCores =
    machine0 && machine1
      ? (machine1.busy - machine0.busy - (own1 - own0)) / ((machine1.total - machine0.total) / cpus().length)
      : Number.NaN;

  for (const c of chosen) await c.client.close();
  await Promise.all([servers.echo.stop(), servers.meterlink.stop()]);

  // medians
  for (const run of runs) {
    const s = run.samples;
    run.rate = median(s.map((x) => x.rate));
    run.cpuPerTx = median(s.map((x) => x.cpuPerTx));
    run.serverPerTx = median(s.map((x) => x.serverPerTx));
    run.errors = s.reduce((n, x) => n + x.errors, 0);
    run.firstError = s.find((x) => x.firstError)?.firstError;
    run.maxWireDepth = Math.max(...s.map((x) => x.maxWireDepth));
    run.spread = (Math.max(...s.map((x) => x.rate)) - Math.min(...s.map((x) => x.rate))) / run.rate;
  }
  runs.otherCores = otherCores;
  return runs;
}

function tcpReport(runs) {
  const find = (id, depth) => runs.find((r) => r.contender.id === id && r.depth === depth);
  console.log(
    `\nFC3 read of 10 holding registers: request ${requestBytes} B, response ${responseBytes} B, one TCP ` +
      `connection per client, loopback.\nMedian of ${rounds} rounds × ${durationMs / 1000} s. ` +
      '× raw: round trips/s over the raw socket ↔ raw echo server at the same depth. CPU: µs of process time ' +
      '(user + system) per transaction.\n',
  );
  const rows = [];
  for (const depth of depths) {
    const base = find('raw', depth);
    for (const run of runs.filter((r) => r.depth === depth)) {
      const isBase = run === base;
      rows.push([
        run.contender.label,
        depth,
        fmtRate(run.rate),
        isBase ? '1 (base)' : fmtRatio(run.rate / base.rate),
        fmtUs(1e6 / run.rate),
        fmtUs(run.cpuPerTx),
        isBase ? '1 (base)' : fmtRatio(run.cpuPerTx / base.cpuPerTx),
        fmtUs(run.serverPerTx),
        depth === 1 ? '' : run.maxWireDepth < 0 ? '?' : run.maxWireDepth,
        `${(run.spread * 100).toFixed(1)}%`,
        run.errors ? `${run.errors} (${run.firstError?.message ?? run.firstError})` : '',
      ]);
    }
  }
  console.log(
    table(
      [
        'client → server',
        'in flight',
        'tx/s',
        '× raw',
        'µs/tx',
        'client CPU µs/tx',
        '× raw CPU',
        'server CPU µs/tx',
        'wire depth',
        'spread',
        'errors',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  console.log(
    `\nOther processes used ${Number.isFinite(runs.otherCores) ? Math.max(0, runs.otherCores).toFixed(2) : '?'} ` +
      'cores on average while these were measured (0 = quiet machine; /proc/stat minus our 3 processes).',
  );
  console.log(
    'µs/tx = 1 / (tx/s): the latency per transaction at 1 in flight. wire depth: most requests seen written ' +
      'but unanswered at once\n(the pipelining probe). spread: (max − min) / median of the rounds.',
  );

  // targets
  const checks = [];
  const check = (text, ok, detail) => checks.push({ text, ok, detail });
  const ratio = (a, b) => (a && b ? a.rate / b.rate : Number.NaN);
  const ours1 = find('ours', 1);
  const ours16 = find('ours', 16);
  const raw1 = find('raw', 1);
  const raw16 = find('raw', 16);
  if (ours1)
    check('client, 1 in flight ≥ 0.95× raw echo', ratio(ours1, raw1) >= 0.95, fmtRatio(ratio(ours1, raw1)));
  if (ours16) {
    check(
      'client, 16 in flight ≥ 0.9× raw pipelined echo',
      ratio(ours16, raw16) >= 0.9,
      fmtRatio(ratio(ours16, raw16)),
    );
    for (const peer of ['jsmodbus', 'modbus-serial']) {
      const p = find(peer, 16);
      if (p)
        check(
          `client, 16 in flight ahead of ${peer}`,
          ours16.rate > p.rate,
          `${fmtRatio(ratio(ours16, p))} ${peer}`,
        );
    }
  }
  const srv16 = find('raw-ours', 16);
  if (srv16)
    check(
      'server ≥ 0.9× raw echo server, 16 in flight',
      ratio(srv16, raw16) >= 0.9,
      fmtRatio(ratio(srv16, raw16)),
    );
  const srvB = find('raw-batched-ours', 16);
  const rawB = find('raw-batched', 16);
  const srvNote =
    srvB && rawB
      ? `; under coalesced load ${fmtRatio(ratio(srvB, rawB))} (not a target, for the cause analysis)`
      : '';
  for (const [o, r] of [
    [ours1, raw1],
    [ours16, raw16],
  ]) {
    if (o && r) {
      const x = o.cpuPerTx / r.cpuPerTx;
      check(
        `client CPU per transaction ≤ 2× raw, ${o.depth} in flight`,
        x <= 2,
        `${fmtRatio(x)} (${fmtUs(o.cpuPerTx)} vs ${fmtUs(r.cpuPerTx)} µs)`,
      );
    }
  }
  console.log('\n## Targets\n');
  for (const c of checks) console.log(`${c.ok ? '✓' : '✗'} ${c.text}: ${c.detail}`);
  if (srvNote) console.log(`  server${srvNote}`);
  const reuse1 = find('raw-reuse', 1);
  if (ours1 && reuse1) {
    console.log(
      `  client, 1 in flight: ${fmtRatio(ratio(ours1, reuse1))} a raw socket that also reads into a reused ` +
        "buffer, as meterlink's tcp() link does (not a target, for the cause analysis)",
    );
  }

  console.log('\n## Pipelining (16 in flight vs 1, same client and server)\n');
  for (const id of ['ours', 'jsmodbus', 'modbus-serial']) {
    const a = find(id, 1);
    const b = find(id, 16);
    if (!a || !b) continue;
    const wire = b.maxWireDepth < 0 ? 'unknown' : b.maxWireDepth;
    console.log(
      `${b.contender.label.padEnd(34)} ${fmtRatio(b.rate / a.rate)} the 1-in-flight rate, up to ${wire} ` +
        `request(s) on the wire → ${b.maxWireDepth > 1 ? 'pipelines' : 'does not pipeline'}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

const started = new Date();
console.log('# meterlink Modbus benchmark\n');
console.log(
  `${started.toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
);
const busy = await machineBusy();
console.log(
  `machine busy at start: ${(busy * 100).toFixed(0)}% of CPU time over 1 s (load average ${load1()})` +
    (busy > 0.1 ? ' — other work is running, figures may be noisy' : ''),
);

const placement = pinCpus(args.pin);
console.log(
  {
    same: 'CPU placement: client and servers pinned to CPU 0 (--pin same)',
    split: 'CPU placement: client on CPU 0, servers on CPU 1 (--pin split)',
    none: 'CPU placement: not pinned',
  }[placement],
);

const out = {
  date: started.toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  placement,
  rounds,
  durationMs,
};
try {
  if (args.only !== 'tcp') {
    out.codec = await codecPart();
    out.stack = await stackPart();
  }
  if (args.only !== 'codec') {
    const runs = await tcpPart();
    tcpReport(runs);
    out.otherCores = runs.otherCores;
    out.tcp = runs.map((r) => ({
      id: r.contender.id,
      depth: r.depth,
      rate: r.rate,
      cpuPerTx: r.cpuPerTx,
      serverPerTx: r.serverPerTx,
      maxWireDepth: r.maxWireDepth,
      errors: r.errors,
      samples: r.samples.map((s) => s.rate),
    }));
  }
} catch (error) {
  console.error('\nbenchmark failed:', error);
}
console.log(`\nload average (1 min) at end: ${load1()} · ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
process.exit(0);
