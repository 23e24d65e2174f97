// Property: the FC3/FC4 fast path of the server answers exactly the bytes of the general path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/index.js';
import { encodeFrame, ModbusServer } from '../../../src/modbus/index.js';
import { HandLink } from './fuzz.js';

describe('the FC3/FC4 fast path', () => {
  it('answers exactly what the general path answers', async () => {
    const model = { holdingRegisters: Array.from({ length: 300 }, (_, i) => i * 7), inputRegisters: 200 };
    const fast = new ModbusServer({ model, unitIds: [1] });
    // A hook that never answers sends every request through decodeRequest/answerRequest/encodeResponse.
    const general = new ModbusServer({ model, unitIds: [1], onRequest: () => undefined });
    const requests: unknown[] = [];
    fast.on('request', (request) => requests.push(request));
    const fastLink = new HandLink(true);
    const generalLink = new HandLink(true);
    fast.serve(fastLink, { framing: 'tcp' });
    general.serve(generalLink, { framing: 'tcp' });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(3, 4),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 130 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(1, 2),
        fc.boolean(),
        async (code, address, quantity, transactionId, unitId, trailing) => {
          const pdu = [
            code,
            address >> 8,
            address & 0xff,
            quantity >> 8,
            quantity & 0xff,
            ...(trailing ? [0] : []),
          ];
          const adu = encodeFrame('tcp', { transactionId, unitId, pdu: Uint8Array.from(pdu) });
          fastLink.deliver(adu);
          generalLink.deliver(adu);
          await new Promise((r) => setImmediate(r));
          expect(fastLink.written.splice(0).map((b) => toHex(b))).toEqual(
            generalLink.written.splice(0).map((b) => toHex(b)),
          );
        },
      ),
      { numRuns: 300 },
    );
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]).toMatchObject({ type: expect.stringMatching(/^read-(holding|input)-registers$/) });
  });
});
