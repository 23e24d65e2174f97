/**
 * Reads a fleet of DLMS meters at once with readFleet: bounded concurrency, retries with backoff,
 * and one result per meter — its readings or a typed error — as soon as it is done.
 *
 * Usage: fleet-read.ts [url…]
 *   url  meter URLs, e.g. 'wrapper+tcp://10.0.0.5:4059?client=1&auth=lls'; default: three simulated
 *        meters this script starts on 127.0.0.1, plus one address where nothing listens
 *
 * LLS meters get the password from METER_PASSWORD (default: the simulated meters' one).
 */

import { readFleet } from 'meterlink';
import { DlmsServer, exampleMeter } from 'meterlink/dlms';

const password = process.env.METER_PASSWORD ?? '12345678';
const simulated: DlmsServer[] = [];
let urls = process.argv.slice(2);
if (urls.length === 0) {
  for (let seed = 1; seed <= 3; seed++) {
    const server = new DlmsServer({
      logicalDevices: [{ address: 1, objects: exampleMeter({ seed }) }],
      associations: [{ client: 1, mechanism: 'lls', password }],
    });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 }); // the wrapper over TCP
    simulated.push(server);
    urls.push(`wrapper+tcp://127.0.0.1:${port}?client=1&auth=lls`);
  }
  urls = [...urls, 'wrapper+tcp://127.0.0.1:1?client=1&auth=lls']; // refused: a typed error result
}

// The plan: what to read from every meter, by name. Registers come scaled, with their unit.
const plan = [
  { obis: '0.0.1.0.0.255', classId: 8, name: 'clock' },
  { obis: '1.0.1.8.0.255', name: 'energy' },
];
const fleet = readFleet(urls, plan, {
  concurrency: 8, // meters at once
  retries: 1, // one more attempt after a timeout or a link failure (not after a wrong password)
  backoff: { initialDelayMs: 100 },
  timeoutMs: 10_000, // per attempt: connect and plan
  connectOptions: { dlms: { auth: { mechanism: 'lls', password } } },
});
fleet.on('progress', (p) => console.error(`progress: ${p.done}/${p.total ?? '?'} done, ${p.failed} failed`));

for await (const result of fleet) {
  const { clock, energy } = result.ok ? result.value : {};
  if (clock?.type === 'clock' && energy?.type === 'register') {
    console.log(`${result.meter.url}  ${clock.date?.toISOString()}  ${energy.value} ${energy.unit}`);
  } else if (!result.ok) {
    console.log(`${result.meter.url}  failed after ${result.attempts} attempts: ${result.error.code}`);
  }
}
for (const server of simulated) await server.close(); // closes its listeners and connections
