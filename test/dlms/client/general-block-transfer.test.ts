import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/hex.js';
import { DlmsClient } from '../../../src/dlms/client/index.js';
import { type Apdu, decodeApdu, encodeApdu } from '../../../src/dlms/index.js';
import { aareAccepted, FakeSession, factoryOf, idleLink } from './fake-session.js';
import { vec } from './vectors.js';

function gbt(n: number, ack: number, last: boolean, data: Uint8Array): Apdu {
  return {
    type: 'general-block-transfer',
    lastBlock: last,
    streaming: false,
    windowSize: 1,
    blockNumber: n,
    blockNumberAck: ack,
    blockData: data,
  };
}

describe('general-block-transfer (§9.11)', () => {
  it('a long SET goes out in acknowledged GBT blocks; a GBT answer is reassembled and acknowledged', async () => {
    const received: Uint8Array[] = [];
    const acksFromClient: number[] = [];
    const session = new FakeSession((raw) => {
      const apdu = decodeApdu(raw);
      if (apdu.type === 'aarq') {
        expect(apdu.userInformation).toMatchObject({ proposedConformance: { generalBlockTransfer: true } });
        return [aareAccepted({ maxPdu: 40, conformance: 0x207e1f })];
      }
      if (apdu.type === 'rlrq') return ['6303800100'];
      if (apdu.type !== 'general-block-transfer') throw new Error(apdu.type);
      if (apdu.blockData.length === 0) {
        acksFromClient.push(apdu.blockNumberAck);
        return [
          gbt(
            2,
            0,
            true,
            encodeApdu({
              type: 'set-response',
              variant: 'normal',
              invoke: { invokeId: 1, confirmed: true, highPriority: true },
              result: 'success',
            }).subarray(2),
          ),
        ];
      }
      received.push(apdu.blockData.slice());
      if (!apdu.lastBlock) return [gbt(received.length, apdu.blockNumber, false, new Uint8Array(0))];
      // The whole request arrived: answer in two blocks (the first two octets, then the rest).
      const answer = encodeApdu({
        type: 'set-response',
        variant: 'normal',
        invoke: { invokeId: 1, confirmed: true, highPriority: true },
        result: 'success',
      });
      return [gbt(1, apdu.blockNumber, false, answer.subarray(0, 2))];
    });
    const client = await DlmsClient.connect({
      link: idleLink(),
      framing: 'wrapper',
      session: factoryOf(session),
      timeoutMs: 500,
      generalBlockTransfer: true,
    });
    const value = { type: 'octet-string', value: new Uint8Array(200).fill(9) } as const;
    await client.set({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 }, value);
    const request = decodeApdu(new Uint8Array(Buffer.concat(received)));
    expect(request).toMatchObject({ type: 'set-request', variant: 'normal', value });
    expect(acksFromClient).toEqual([1]);
    for (const apdu of session.sent) expect(apdu.length).toBeLessThanOrEqual(40);
    await client.close();
  });

  it('a one-block GBT answer (apdu-general-block-transfer) is unwrapped', async () => {
    const session = new FakeSession((raw) => {
      const apdu = decodeApdu(raw);
      if (apdu.type === 'aarq') return [aareAccepted({ conformance: 0x207e1f })];
      if (apdu.type === 'rlrq') return ['6303800100'];
      return [toHex(vec('apdu-general-block-transfer'))];
    });
    const client = await DlmsClient.connect({
      link: idleLink(),
      framing: 'wrapper',
      session: factoryOf(session),
      timeoutMs: 500,
      generalBlockTransfer: true,
    });
    expect(await client.get({ classId: 1, obis: '0.0.43.1.0.255', attribute: 2 })).toEqual({
      type: 'double-long-unsigned',
      value: 5009,
    });
    await client.close();
  });
});
