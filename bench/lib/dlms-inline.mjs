// The DLMS client and server stacks without I/O: DlmsClient and DlmsServer over in-process links
// (lib/inline-link.mjs: what one side writes arrives on the other as a `data` event in a
// microtask), so what is timed is meterlink's JavaScript per GET and nothing of the kernel's.
//
//   client:  DlmsClient.get, wrapper; the link answers each GET frame with the recorded
//            response (its invoke-id patched to the request's), as the raw echo would
//   server:  DlmsServer serving a wrapper link; the recorded GET frame is delivered, the time
//            runs until the response is written
//   pair:    DlmsClient.get ↔ DlmsServer in this process, wrapper and HDLC (client + server),
//            each write delivered in the next setImmediate
// Baselines: a bare promise resolved in a microtask with the response bytes (for whoever awaits
// an answer), the raw echo server's work for one unit (header read + answer slice) and a promise,
// and (pair) a promise resolved after two setImmediate hops (request and response).

import { timedLoop } from './dlms-load.mjs';
import { InlineLink } from './inline-link.mjs';

const registerValue = { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 };

/** A DlmsServer holding the benchmark's Register, readable by the public client. */
function benchServer(api) {
  const register = new api.Register({
    logicalName: registerValue.obis,
    value: { type: 'double-long-unsigned', value: 1_234_567 },
    scaler: 0,
    unit: 30,
  });
  return new api.DlmsServer({
    logicalDevices: [{ address: 1, objects: [register], publicObjects: [registerValue.obis] }],
  });
}

/**
 * Two InlineLinks wired back to back: a write on one is `data` on the other in the next
 * `setImmediate`, as memoryPair() delivers — closer to a socket, which never answers within the
 * same turn of the event loop, than a microtask would be.
 */
function inlinePair() {
  let a;
  let b;
  a = new InlineLink((bytes) => void setImmediate(() => b.deliver(bytes)));
  b = new InlineLink((bytes) => void setImmediate(() => a.deliver(bytes)));
  return [a, b];
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1];
};

/**
 * Times `op` in batches of `batch` calls for `ms` per round; returns the median µs per call over
 * `rounds` rounds (each round's figure: its total time / calls).
 */
async function perCall(op, ms, rounds, batch = 200) {
  const figures = [];
  await timedLoop(
    async () => {
      for (let i = 0; i < batch; i++) await op();
    },
    Math.min(ms, 300),
  );
  for (let r = 0; r < rounds; r++) {
    const res = await timedLoop(async () => {
      for (let i = 0; i < batch; i++) await op();
    }, ms);
    figures.push((res.ms * 1000) / (res.count * batch));
  }
  return median(figures);
}

/**
 * Runs the stack measurements. `wire` holds the recorded wrapper GET request and response
 * frames (Buffers).
 * @returns {Promise<{ name: string, us: number, baseName: string, baseUs: number }[]>}
 */
export async function runStackBench(api, wire, { ms, rounds }) {
  const results = [];
  const response = new Uint8Array(wire.response);
  const request = new Uint8Array(wire.request);
  // wrapper: 8-octet header, then C0 01 <invoke-id-and-priority> … / C4 01 <invoke-id-and-priority> …
  const invokeAt = 10;

  // Baselines
  const barePromise = () => new Promise((resolve) => queueMicrotask(() => resolve(response)));
  const promiseUs = await perCall(barePromise, ms, rounds);
  const echoUnit = Buffer.alloc(request.length);
  echoUnit.writeUInt32BE(request.length, 0);
  echoUnit.writeUInt32BE(response.length, 4);
  const zeros = Buffer.alloc(response.length);
  let sink;
  const echoWork = () => {
    const answer = echoUnit.readUInt32BE(4);
    if (echoUnit.readUInt32BE(0) <= echoUnit.length) sink = zeros.subarray(0, answer);
    return barePromise();
  };
  const echoUs = await perCall(echoWork, ms, rounds);
  const immediatePromise = () =>
    new Promise((resolve) => setImmediate(() => setImmediate(() => resolve(response))));
  const immediateUs = await perCall(immediatePromise, ms, rounds);
  void sink;

  // client alone: the AARQ is answered with the recorded AARE, every GET with the recorded response
  const clientLink = new InlineLink((bytes) => {
    if (bytes[8] === 0x60) return wire.aare; // AARQ → the recorded AARE
    const answer = response.slice();
    answer[invokeAt] = bytes[invokeAt];
    return answer;
  });
  const client = await api.DlmsClient.connect({ link: clientLink, framing: 'wrapper' });
  const clientUs = await perCall(() => client.get(registerValue), ms, rounds);
  await client.close({ release: false });
  results.push({
    name: 'DlmsClient.get, wrapper (answered in a microtask)',
    us: clientUs,
    baseName: 'bare promise',
    baseUs: promiseUs,
  });

  // server alone
  {
    const server = benchServer(api);
    let answered;
    const link = new InlineLink(() => {
      answered?.();
      return undefined;
    });
    server.serve(link, { framing: 'wrapper' });
    const exchange = (frame) =>
      new Promise((resolve) => {
        answered = resolve;
        link.deliver(frame);
      });
    await exchange(new Uint8Array(wire.aarq));
    const frame = request;
    const serverUs = await perCall(() => exchange(frame), ms, rounds);
    await server.close();
    results.push({
      name: 'DlmsServer, one wrapper GET frame in → response out',
      us: serverUs,
      baseName: 'raw echo unit + promise',
      baseUs: echoUs,
    });
  }

  // client + server in one process
  for (const framing of ['wrapper', 'hdlc']) {
    const server = benchServer(api);
    const [c, s] = inlinePair();
    server.serve(s, { framing });
    const pairClient = await api.DlmsClient.connect({ link: c, framing });
    const us = await perCall(() => pairClient.get(registerValue), ms, rounds);
    await pairClient.close();
    await server.close();
    results.push({
      name: `DlmsClient.get ↔ DlmsServer, ${framing} (setImmediate delivery)`,
      us,
      baseName: 'promise after 2 setImmediate',
      baseUs: immediateUs,
    });
  }
  return results;
}
