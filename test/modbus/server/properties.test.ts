// Property: whatever bytes arrive, the server never throws out of its data handler and only ever
// writes well-formed frames (random streams, random chunking, stream or datagram links).
// (The property tests are spread over several files on purpose: each file runs in a worker of its
// own, and on Node 20.20 a worker that runs all of them in a row sometimes dies in V8's concurrent
// TurboFan compilation — see the server report; \`--no-concurrent-recompilation\` makes it vanish.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWritten, fuzzServer, HandLink } from './fuzz.js';

const chunked = fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 12 });

describe.each(['tcp', 'rtu', 'ascii'] as const)('%s framing', (framing) => {
  it('random byte streams: no throw, only well-formed frames out', async () => {
    await fc.assert(
      fc.asyncProperty(chunked, fc.boolean(), async (chunks, messageOriented) => {
        const server = fuzzServer();
        server.on('handlerError', () => undefined);
        const link = new HandLink(messageOriented);
        server.serve(link, { framing });
        for (const chunk of chunks) {
          if (link.state === 'closed') break;
          link.deliver(chunk);
        }
        await new Promise((r) => setImmediate(r));
        const units = checkWritten(framing, link.written);
        if (framing !== 'tcp') for (const unit of units) expect([1, 2]).toContain(unit);
      }),
      { numRuns: 500 },
    );
  });
});
