// Property: valid request frames, concatenated and cut anywhere, get exactly the answers the rules
// call for (none for broadcasts, other addresses and listen-only mode), each a well-formed frame.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeRequest } from '../../../src/modbus/index.js';
import { checkWritten, fuzzServer, HandLink, isForceListenOnly, isRestart, requestFor } from './fuzz.js';

describe.each(['tcp', 'rtu', 'ascii'] as const)('%s framing', (framing) => {
  it('framed valid requests, cut anywhere: exactly the answers the rules call for', async () => {
    const requests = fc.array(fc.tuple(requestFor(framing), fc.constantFrom(0, 1, 2, 3)), {
      minLength: 1,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(requests, fc.integer({ min: 1, max: 64 }), async (list, cut) => {
        const server = fuzzServer();
        server.on('handlerError', () => undefined);
        const link = new HandLink();
        server.serve(link, { framing });
        const bytes: number[] = [];
        let expected = 0;
        let listenOnly = false;
        list.forEach(([request, unitId], i) => {
          bytes.push(...encodeFrame(framing, { unitId, pdu: encodeRequest(request), transactionId: i }));
          const enters = isForceListenOnly(request);
          if (framing === 'tcp') {
            if (!enters) expected++; // MBAP answers every unit id, unit 0 included
            return;
          }
          if (unitId === 3) return; // another server on the bus
          if (unitId === 0) {
            // A broadcast: never answered; it may still switch listen-only mode.
            if (enters) listenOnly = true;
            else if (isRestart(request)) listenOnly = false;
            return;
          }
          if (listenOnly) {
            if (isRestart(request)) listenOnly = false;
            return;
          }
          if (enters) listenOnly = true;
          else expected++;
        });
        const stream = Uint8Array.from(bytes);
        for (let at = 0; at < stream.length; at += cut) link.deliver(stream.subarray(at, at + cut));
        await new Promise((r) => setImmediate(r));
        expect(checkWritten(framing, link.written)).toHaveLength(expected);
      }),
      { numRuns: 200 },
    );
  });
});
