/**
 * Receives the pushes (data-notifications) meters send on connections they open, here from a
 * simulated meter in the same script that pushes a reading every half second.
 *
 * Usage: dlms-push-listener.ts [port] [count]
 *   port   TCP port on 127.0.0.1 to listen on, default 4060; 0 picks a free one
 *   count  pushes the simulated meter sends before the script ends, default 3; with 0 no simulated
 *          meter runs and the script listens for real meters until Ctrl-C
 */

import { cosemDateTimeToDate, type Data, DlmsPushListener, DlmsServer, exampleMeter } from 'meterlink/dlms';

const port = Number(process.argv[2] ?? 4060);
const count = Number(process.argv[3] ?? 3);

// Wrapper frames over TCP, as most IP meters push (keys go in `security` for ciphered pushes).
const listener = await DlmsPushListener.listen({
  host: '127.0.0.1',
  port,
  transport: 'tcp',
  framing: 'wrapper',
});
console.log(`Listening for pushes on 127.0.0.1:${listener.port}`);

let received = 0;
listener.on('push', (push) => {
  // `push` is the decoded APDU: data-notification (body, date-time) or event-notification.
  if (push.type !== 'data-notification') return;
  const sent = push.dateTime === undefined ? 'undated' : cosemDateTimeToDate(push.dateTime).toISOString();
  const values = push.body.type === 'structure' ? push.body.value : [push.body];
  const text = values.map((v) => ('value' in v ? String(v.value) : v.type)).join(', ');
  console.log(`Push from ${push.peer} (${sent}): ${text}`);
  if (++received === count) void stop();
});
listener.on('discard', (error, _apdu, peer) => console.error(`Dropped bytes from ${peer}: ${error.message}`));

// The simulated meter: a DlmsServer whose notify() opens a connection to the destination.
const meter = new DlmsServer({ logicalDevices: [{ address: 1, objects: exampleMeter() }] });
let energyWh = 1_234_567;
const timer =
  count > 0
    ? setInterval(() => {
        energyWh += 125;
        const body: Data = { type: 'structure', value: [{ type: 'double-long-unsigned', value: energyWh }] };
        const destination = `127.0.0.1:${listener.port}`; // Push setup's send_destination
        meter
          .notify({ body, time: new Date() }, { destination })
          .catch((e) => console.error(`Push failed: ${e}`));
      }, 500)
    : undefined;

async function stop(): Promise<void> {
  clearInterval(timer);
  await meter.close();
  await listener.close(); // stops listening and closes every meter connection
  console.log(`Stopped after ${received} pushes.`);
}
process.once('SIGINT', () => void stop());
