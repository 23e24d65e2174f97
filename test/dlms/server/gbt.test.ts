import { describe, expect, it } from 'vitest';
import { conformanceFromBits, lnClientConformanceBits } from '../../../src/dlms/apdu/acse/acse-codec.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu, GeneralBlockTransfer } from '../../../src/dlms/apdu/types.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { memoryPair } from '../../../src/links/index.js';
import { attr, get, initiate, invoke, llsAarq, session, testServer } from './helpers.js';
import { bytes } from './test-objects.js';

const gbtConformance = conformanceFromBits(lnClientConformanceBits | 0x200000);

function gbt(n: number, last: boolean, data: Uint8Array, ack = 0): Apdu {
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

describe('DlmsServer general-block-transfer (§9.11)', () => {
  it('sends a long answer in GBT blocks, one per acknowledgement, and reassembles GBT requests', async () => {
    const { server, energy } = testServer();
    const s = session(server, 1);
    const aare = await s.exchange({
      ...llsAarq('12345678'),
      userInformation: initiate({ proposedConformance: gbtConformance, clientMaxReceivePduSize: 64 }),
    });
    expect(aare).toMatchObject({
      userInformation: { negotiatedConformance: { generalBlockTransfer: true } },
    });
    let block = (await s.exchange(get(7, '1.0.99.1.0.255', 2))) as GeneralBlockTransfer;
    const parts: Uint8Array[] = [];
    for (;;) {
      expect(block.type).toBe('general-block-transfer');
      expect(block.blockNumber).toBe(parts.length + 1);
      expect(encodeApdu(block).length).toBeLessThanOrEqual(64);
      parts.push(block.blockData.slice());
      if (block.lastBlock) break;
      block = (await s.exchange(
        gbt(parts.length, false, new Uint8Array(0), block.blockNumber),
      )) as GeneralBlockTransfer;
    }
    const whole = decodeApdu(Uint8Array.from(parts.flatMap((p) => [...p])));
    expect(whole).toMatchObject({
      type: 'get-response',
      variant: 'normal',
      result: { data: { value: bytes(3000) } },
    });

    // A SET sent in three GBT blocks: the first two are acknowledged, the last one answered.
    const request = encodeApdu({
      type: 'set-request',
      variant: 'normal',
      invoke,
      attribute: attr(1, '1.0.1.8.0.255', 2),
      access: undefined,
      value: { type: 'double-long-unsigned', value: 31 },
    });
    expect(await s.exchange(gbt(1, false, request.subarray(0, 5)))).toMatchObject({
      blockNumberAck: 1,
      blockData: new Uint8Array(0),
    });
    expect(await s.exchange(gbt(2, false, request.subarray(5, 10)))).toMatchObject({ blockNumberAck: 2 });
    expect(await s.exchange(gbt(3, true, request.subarray(10)))).toMatchObject({
      type: 'set-response',
      result: 'success',
    });
    expect(energy.value).toEqual({ type: 'double-long-unsigned', value: 31 });
    // Out of sequence: refused.
    expect(await s.exchange(gbt(5, false, request))).toMatchObject({ type: 'exception-response' });
    await server.close();
  });

  it('interoperates with DlmsClient using general-block-transfer', async () => {
    const { server } = testServer();
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    const [a, b] = memoryPair();
    server.serve(b, { framing: 'wrapper' });
    const client = await DlmsClient.connect({
      link: a,
      framing: 'wrapper',
      client: 1,
      auth: { mechanism: 'lls', password: '12345678' },
      maxPduSize: 100,
      generalBlockTransfer: true,
      timeoutMs: 2000,
    });
    expect(await client.get({ classId: 7, obis: '1.0.99.1.0.255', attribute: 2 })).toEqual({
      type: 'octet-string',
      value: bytes(3000),
    });
    // The request fits the server's 1024 octets; the echoed answer comes back in GBT blocks.
    const echo = await client.action(
      { classId: 7, obis: '1.0.99.1.0.255', method: 1 },
      { type: 'octet-string', value: bytes(900) },
    );
    expect(echo).toEqual({ type: 'octet-string', value: bytes(900) });
    await client.close();
    expect(errors).toEqual([]);
    await server.close();
  });
});
