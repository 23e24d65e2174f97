// Runs one round-trip load alone, for profiling (not part of `npm run bench`):
//
//   node --cpu-prof --cpu-prof-dir=prof bench/profile.mjs ours 16 --seconds 5 --server-prof prof
//   node bench/cpuprofile-top.mjs prof/<file>.cpuprofile
//
// Load: raw | raw-reuse | raw-batched | ours | ours-echo | jsmodbus | modbus-serial | raw-ours | raw-batched-ours.
// The client runs in this process (profile it with `node --cpu-prof`); `--server-prof DIR` writes
// a CPU profile of the server process too. `--pin same|split|none` as in modbus.mjs.

import { parseArgs } from 'node:util';
import { JsmodbusClient, MeterlinkClient, ModbusSerialClient, RawClient } from './lib/load.mjs';
import { pinCpus, startServer } from './lib/servers.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '5' },
    'server-prof': { type: 'string' },
    pin: { type: 'string', default: 'same' },
  },
});
const [load = 'ours', depthText = '1'] = positionals;
const depth = Number.parseInt(depthText, 10);

const loads = {
  raw: ['echo', () => new RawClient(), { batched: false }],
  'raw-reuse': ['echo', () => new RawClient({ reuseReadBuffer: true }), { batched: false }],
  'raw-batched': ['echo', () => new RawClient(), { batched: true }],
  ours: ['meterlink', () => new MeterlinkClient()],
  'ours-echo': ['echo', () => new MeterlinkClient()],
  jsmodbus: ['meterlink', () => new JsmodbusClient()],
  'modbus-serial': ['meterlink', () => new ModbusSerialClient()],
  'raw-ours': ['meterlink', () => new RawClient(), { batched: false }],
  'raw-batched-ours': ['meterlink', () => new RawClient(), { batched: true }],
};
const chosen = loads[load];
if (!chosen) {
  console.error(`unknown load ${load}; one of ${Object.keys(loads).join(', ')}`);
  process.exit(2);
}
const [mode, make, options] = chosen;
pinCpus(args.pin);
const prof = args['server-prof'];
const server = await startServer(mode, prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []);
const client = make();
await client.open(server.port);
await client.run(depth, 500, options); // warm-up
const s0 = await server.cpu();
const r = await client.run(depth, Number(args.seconds) * 1000, options);
const serverUs = (await server.cpu()) - s0;
console.log(
  `${load}, ${depth} in flight: ${((r.count * 1000) / r.ms).toFixed(0)} tx/s, ` +
    `client CPU ${(r.cpuUs / r.count).toFixed(2)} µs/tx, server CPU ${(serverUs / r.total).toFixed(2)} µs/tx, ` +
    `${r.errors} errors`,
);
await client.close();
await server.stop();
