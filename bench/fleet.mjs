// Fleet reading benchmark: `npm run bench:fleet` (builds dist/ first), or `node bench/fleet.mjs`.
//
// What readFleet costs over the least a script could do: N meter reads (connect a DlmsClient from
// a URL, read one Register with its scaler and unit, release), C in flight, against the
// simulator's example meter (DLMS wrapper over loopback TCP) in a child process:
//   baseline  a hand-written pool of C workers calling connectDlms + readRegister + close;
//   readFleet the same reads through readFleet(meters, [{ obis }], { concurrency: C, … }), which
//             adds scheduling per gateway, retries, backpressure, progress and typed results.
// Printed as meters/s and the ratio to the baseline measured in the same run (median of rounds,
// the two alternating). A report, not a test: it exits 0 whatever the figures.
//
// Options: --meters N (default 2000), --concurrency C (default 16), --rounds R (default 3)

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startDlmsServer } from './lib/dlms-servers.mjs';

const { values: args } = parseArgs({
  options: {
    meters: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
  },
});
const total = Number.parseInt(args.meters, 10);
const concurrency = Number.parseInt(args.concurrency, 10);
const rounds = Math.max(1, Number.parseInt(args.rounds, 10));
const obis = '1.0.1.8.0.255';

const { connectDlms, readFleet } = await import('../dist/index.js');
const server = await startDlmsServer('meter', { module: 'dist' });
const url = `wrapper+tcp://127.0.0.1:${server.ports.wrapper}?client=16`;
const meters = Array.from({ length: total }, (_, i) => ({ id: `m${i}`, url }));

/** The baseline: C workers taking the next meter until none is left. */
async function handPool() {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const client = await connectDlms(url);
      try {
        const { value } = await client.readRegister(obis);
        if (typeof value === 'number') ok++;
      } finally {
        await client.close();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ok;
}

async function fleet() {
  let ok = 0;
  // Every meter is behind the same host:port: let all C run at once, like the pool.
  const options = { concurrency, perGatewayConcurrency: concurrency, retries: 0 };
  for await (const result of readFleet(meters, [{ obis }], options)) if (result.ok) ok++;
  return ok;
}

async function measure(run) {
  const t0 = performance.now();
  const ok = await run();
  const ms = performance.now() - t0;
  if (ok !== total) throw new Error(`${total - ok} of ${total} reads failed`);
  return (total / ms) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { pool: [], fleet: [] };
try {
  await measure(handPool); // warm-up: JIT, sockets
  for (let r = 1; r <= rounds; r++) {
    process.stdout.write(`round ${r} (load ${loadavg()[0].toFixed(2)})… `);
    results.pool.push(await measure(handPool));
    results.fleet.push(await measure(fleet));
    console.log(`pool ${results.pool.at(-1).toFixed(0)}/s, readFleet ${results.fleet.at(-1).toFixed(0)}/s`);
  }
} finally {
  await server.stop();
}

const pool = median(results.pool);
const fl = median(results.fleet);
console.log(`\n## readFleet: ${total} meter reads (connect, register, release), ${concurrency} in flight\n`);
console.log('reads                                              meters/s   × pool');
console.log('─────────────────────────────────────────────────  ────────  ───────');
console.log(`hand-written pool of connectDlms + readRegister     ${pool.toFixed(0).padStart(8)}    1.00×`);
console.log(
  `readFleet(meters, [{ obis }], { concurrency })     ${fl.toFixed(0).padStart(8)}  ${(fl / pool).toFixed(2).padStart(6)}×`,
);
console.log(`\nload average (1 min) at end: ${loadavg()[0].toFixed(2)}`);
