// Property: valid request frames with some bytes flipped never break the server, and it only ever
// writes well-formed frames. (A file of its own: each test file runs in a fresh worker.)
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { encodeFrame, encodeRequest } from '../../../src/modbus/index.js';
import { checkWritten, fuzzServer, HandLink, requestFor } from './fuzz.js';

describe('mutated frames', () => {
  it.each(['tcp', 'rtu', 'ascii'] as const)(
    '%s: flipping bytes of valid frames never breaks the server',
    async (framing) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(requestFor(framing), { minLength: 1, maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
          async (requests, flips) => {
            const server = fuzzServer();
            server.on('handlerError', () => undefined);
            const link = new HandLink();
            server.serve(link, { framing });
            const stream = Uint8Array.from(
              requests.flatMap((r, i) => [
                ...encodeFrame(framing, { unitId: 1, pdu: encodeRequest(r), transactionId: i }),
              ]),
            );
            for (const [at, mask] of flips) stream[at % stream.length]! ^= mask;
            link.deliver(stream);
            await new Promise((r) => setImmediate(r));
            checkWritten(framing, link.written);
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});
