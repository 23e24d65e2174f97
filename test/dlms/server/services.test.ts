import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import { encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu, GetResponseWithDatablock } from '../../../src/dlms/apdu/types.js';
import { decodeData, encodeData } from '../../../src/dlms/axdr/data-codec.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { parseObjectList } from '../../../src/dlms/cosem/object-list.js';
import { aarq, attr, get, initiate, invoke, llsAarq, session, testServer } from './helpers.js';
import { bytes } from './test-objects.js';

function dataOf(apdu: Apdu): Data {
  if (apdu.type !== 'get-response' || apdu.variant !== 'normal' || apdu.result.type !== 'data') {
    throw new Error(`not a data get-response: ${JSON.stringify(apdu)}`);
  }
  return apdu.result.data;
}

const setEnergy = (value: number): Apdu => ({
  type: 'set-request',
  variant: 'normal',
  invoke,
  attribute: attr(1, '1.0.1.8.0.255', 2),
  access: undefined,
  value: { type: 'double-long-unsigned', value },
});

describe('DlmsServer services (§9)', () => {
  it('answers attribute 1, enforces access rights and object existence', async () => {
    const { server, energy } = testServer();
    const pub = session(server, 16);
    await pub.exchange(aarq());
    expect(dataOf(await pub.exchange(get(1, '0.0.42.0.0.255', 1)))).toEqual({
      type: 'octet-string',
      value: Uint8Array.of(0, 0, 42, 0, 0, 255),
    });
    // The energy register is not public: invisible to client 16.
    expect(await pub.exchange(get(1, '1.0.1.8.0.255', 2))).toMatchObject({
      result: { result: 'object-undefined' },
    });
    // The logical device name is public and read-only.
    expect(dataOf(await pub.exchange(get(1, '0.0.42.0.0.255', 2))).type).toBe('octet-string');
    const denied = await pub.exchange({ ...setEnergy(1), attribute: attr(1, '0.0.42.0.0.255', 2) } as Apdu);
    expect(denied).toMatchObject({ type: 'set-response', result: 'read-write-denied' });
    expect(await pub.exchange(get(3, '0.0.42.0.0.255', 2))).toMatchObject({
      result: { result: 'object-class-inconsistent' },
    });
    expect(await pub.exchange(get(1, '0.0.42.0.0.255', 3))).toMatchObject({
      result: { result: 'object-undefined' },
    });
    expect(await pub.exchange(get(1, '9.9.9.9.9.9', 2))).toMatchObject({
      result: { result: 'object-undefined' },
    });
    // The public object_list lists the public objects only, with read-only rights.
    const list = parseObjectList(dataOf(await pub.exchange(get(15, '0.0.40.0.0.255', 2))));
    expect(list.map((o) => o.logicalName).sort()).toEqual([
      '0.0.40.0.0.255',
      '0.0.41.0.0.255',
      '0.0.42.0.0.255',
      '0.0.43.1.0.255',
      '0.0.43.1.1.255',
    ]);
    expect(
      list.find((o) => o.logicalName === '0.0.42.0.0.255')?.access.attributes.map((a) => a.access),
    ).toEqual(['read-only', 'read-only']);

    const mgmt = session(server, 1);
    await mgmt.exchange(llsAarq('12345678'));
    expect(await mgmt.exchange(setEnergy(777))).toMatchObject({ type: 'set-response', result: 'success' });
    expect(energy.value).toEqual({ type: 'double-long-unsigned', value: 777 });
    expect(energy.lastContext).toBeUndefined();
    expect(dataOf(await mgmt.exchange(get(1, '1.0.1.8.0.255', 2)))).toEqual({
      type: 'double-long-unsigned',
      value: 777,
    });
    expect(energy.lastContext).toMatchObject({ client: 1, logicalDevice: 1, mechanism: 'lls' });
    const full = parseObjectList(dataOf(await mgmt.exchange(get(15, '0.0.40.0.0.255', 2))));
    const profile = full.find((o) => o.logicalName === '1.0.99.1.0.255');
    expect(profile?.access.attributes[1]).toMatchObject({ access: 'read-and-write', selectors: [1, 2] });
    expect(full.find((o) => o.logicalName === '0.0.40.0.0.255')?.access.attributes[6]?.access).toBe(
      'write-only',
    );
    await server.close();
  });

  it('serves GET, SET and ACTION with-list', async () => {
    const { server } = testServer();
    const s = session(server, 1);
    await s.exchange(llsAarq('12345678'));
    const list = await s.exchange({
      type: 'get-request',
      variant: 'with-list',
      invoke,
      items: [
        { attribute: attr(1, '1.0.1.8.0.255', 2), access: undefined },
        { attribute: attr(1, '1.0.1.8.0.255', 9), access: undefined },
        { attribute: attr(17, '0.0.41.0.0.255', 2), access: undefined },
      ],
    });
    expect(list).toMatchObject({
      type: 'get-response',
      variant: 'with-list',
      results: [
        { type: 'data', data: { value: 12345 } },
        { type: 'error', result: 'object-undefined' },
        { type: 'data', data: { type: 'array' } },
      ],
    });
    const set = await s.exchange({
      type: 'set-request',
      variant: 'with-list',
      invoke,
      items: [
        { attribute: attr(1, '1.0.1.8.0.255', 2), access: undefined },
        { attribute: attr(1, '0.0.42.0.0.255', 1), access: undefined },
      ],
      values: [
        { type: 'double-long-unsigned', value: 5 },
        { type: 'octet-string', value: new Uint8Array(6) },
      ],
    });
    expect(set).toMatchObject({ variant: 'with-list', results: ['success', 'read-write-denied'] });
    const method = (methodId: number) => ({ classId: 7, instance: '1.0.99.1.0.255', methodId });
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    const actions = await s.exchange({
      type: 'action-request',
      variant: 'with-list',
      invoke,
      methods: [method(1), method(2), method(3)],
      parameters: [
        { type: 'integer', value: 7 },
        { type: 'integer', value: 0 },
        { type: 'integer', value: 0 },
      ],
    });
    expect(actions).toMatchObject({
      variant: 'with-list',
      responses: [
        { result: 'success', returnParameters: { type: 'data', data: { type: 'integer', value: 7 } } },
        { result: 'other-reason' },
        { result: 'object-undefined' },
      ],
    });
    expect(errors.map((e) => e.message)).toEqual(['method 2 is broken']);
    await server.close();
  });

  it('sends a long GET in datablocks sized for a tiny client PDU, numbered from 1 (§9.4)', async () => {
    const { server, big } = testServer();
    const s = session(server, 1);
    await s.exchange(
      aarq({ ...llsAarq('12345678'), userInformation: initiate({ clientMaxReceivePduSize: 64 }) }),
    );
    const access = { selector: 2, parameters: { type: 'null-data' } as Data };
    const first = await s.exchange({
      type: 'get-request',
      variant: 'normal',
      invoke,
      attribute: attr(7, '1.0.99.1.0.255', 2),
      access,
    });
    expect(big.lastAccess).toEqual(access);
    const parts: Uint8Array[] = [];
    let block = first as GetResponseWithDatablock;
    for (;;) {
      expect(block.variant).toBe('with-datablock');
      expect(block.block.blockNumber).toBe(parts.length + 1);
      if (block.block.result.type !== 'raw-data') throw new Error('unexpected error block');
      expect(encodeApdu(block).length).toBeLessThanOrEqual(64);
      parts.push(block.block.result.data.slice());
      if (block.block.lastBlock) break;
      block = (await s.exchange({
        type: 'get-request',
        variant: 'next',
        invoke,
        blockNumber: block.block.blockNumber,
      })) as GetResponseWithDatablock;
    }
    expect(parts.length).toBeGreaterThan(50);
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    expect(decodeData(all)).toEqual({ type: 'octet-string', value: bytes(3000) });
    // Transfer over: another next is refused.
    expect(
      await s.exchange({ type: 'get-request', variant: 'next', invoke, blockNumber: parts.length }),
    ).toMatchObject({
      block: { lastBlock: true, result: { type: 'error', result: 'no-long-get-in-progress' } },
    });
    // A wrong block number ends a transfer with data-block-number-invalid.
    await s.exchange(get(7, '1.0.99.1.0.255', 2));
    expect(await s.exchange({ type: 'get-request', variant: 'next', invoke, blockNumber: 5 })).toMatchObject({
      block: { result: { type: 'error', result: 'data-block-number-invalid' } },
    });
    await server.close();
  });

  it('reassembles SET datablocks and ACTION pblocks (§9.5, §9.6)', async () => {
    const { server, energy, big } = testServer();
    const s = session(server, 1);
    await s.exchange(llsAarq('12345678'));
    const raw = encodeData({ type: 'double-long-unsigned', value: 4242 });
    const first = await s.exchange({
      type: 'set-request',
      variant: 'with-first-datablock',
      invoke,
      attribute: attr(1, '1.0.1.8.0.255', 2),
      access: undefined,
      block: { lastBlock: false, blockNumber: 1, rawData: raw.subarray(0, 2) },
    });
    expect(first).toEqual({ type: 'set-response', variant: 'datablock', invoke, blockNumber: 1 });
    const second = await s.exchange({
      type: 'set-request',
      variant: 'with-datablock',
      invoke,
      block: { lastBlock: false, blockNumber: 2, rawData: raw.subarray(2, 4) },
    });
    expect(second).toMatchObject({ variant: 'datablock', blockNumber: 2 });
    const last = await s.exchange({
      type: 'set-request',
      variant: 'with-datablock',
      invoke,
      block: { lastBlock: true, blockNumber: 3, rawData: raw.subarray(4) },
    });
    expect(last).toEqual({
      type: 'set-response',
      variant: 'last-datablock',
      invoke,
      result: 'success',
      blockNumber: 3,
    });
    expect(energy.value).toEqual({ type: 'double-long-unsigned', value: 4242 });
    // Out of sequence.
    expect(
      await s.exchange({
        type: 'set-request',
        variant: 'with-datablock',
        invoke,
        block: { lastBlock: true, blockNumber: 9, rawData: raw },
      }),
    ).toMatchObject({
      variant: 'last-datablock',
      result: 'no-long-set-in-progress',
    });
    // ACTION parameters in two pblocks; the echoed result comes back in pblocks too when too long.
    const param = encodeData({ type: 'octet-string', value: bytes(40) });
    const pb1 = await s.exchange({
      type: 'action-request',
      variant: 'with-first-pblock',
      invoke,
      method: { classId: 7, instance: '1.0.99.1.0.255', methodId: 1 },
      block: { lastBlock: false, blockNumber: 1, rawData: param.subarray(0, 20) },
    });
    expect(pb1).toEqual({ type: 'action-response', variant: 'next-pblock', invoke, blockNumber: 1 });
    const pb2 = await s.exchange({
      type: 'action-request',
      variant: 'with-pblock',
      invoke,
      block: { lastBlock: true, blockNumber: 2, rawData: param.subarray(20) },
    });
    expect(pb2).toMatchObject({
      variant: 'normal',
      result: 'success',
      returnParameters: { data: { type: 'octet-string', value: bytes(40) } },
    });
    expect(big.payload.length).toBe(3000);
    await server.close();
  });

  it('answers exception-response to garbage, unsupported services and requests outside an association (§9.8)', async () => {
    const { server } = testServer();
    const s = session(server, 16);
    expect(await s.exchange(get(1, '0.0.42.0.0.255', 2))).toEqual({
      type: 'exception-response',
      stateError: 'service-not-allowed',
      serviceError: 'operation-not-possible',
      invocationCounter: undefined,
    });
    await s.exchange(aarq());
    expect(await s.exchange(Uint8Array.of(0xff, 0x01, 0x02))).toMatchObject({
      stateError: 'service-unknown',
      serviceError: 'service-not-supported',
    });
    expect(await s.exchange(Uint8Array.of(0xc0, 0x01))).toMatchObject({ stateError: 'service-unknown' });
    // An SN read-request is a valid APDU the server does not serve (vector apdu-sn-read-request).
    expect(await s.exchange(fromHex('050102FA08'))).toMatchObject({
      stateError: 'service-not-allowed',
      serviceError: 'service-not-supported',
    });
    // Longer than server-max-receive-pdu-size (1024).
    expect(await s.exchange(new Uint8Array(2000).fill(0xc0))).toMatchObject({ serviceError: 'pdu-too-long' });
    // Still associated afterwards.
    expect(dataOf(await s.exchange(get(1, '0.0.42.0.0.255', 2))).type).toBe('octet-string');
    await server.close();
  });

  it('keeps concurrent associations isolated', async () => {
    const { server } = testServer();
    const a = session(server, 1);
    const b = session(server, 1);
    await a.exchange(
      aarq({ ...llsAarq('12345678'), userInformation: initiate({ clientMaxReceivePduSize: 64 }) }),
    );
    await b.exchange(llsAarq('12345678'));
    const first = (await a.exchange(get(7, '1.0.99.1.0.255', 2))) as GetResponseWithDatablock;
    expect(first.variant).toBe('with-datablock');
    // b has no long GET in progress and a large PDU: it gets the whole value at once.
    expect(await b.exchange({ type: 'get-request', variant: 'next', invoke, blockNumber: 1 })).toMatchObject({
      block: { result: { result: 'no-long-get-in-progress' } },
    });
    expect((await b.exchange(get(7, '1.0.99.1.0.255', 2))).type).toBe('get-response');
    // Releasing b does not disturb a's transfer.
    await b.exchange(fromHex('6203800100'));
    const second = (await a.exchange({
      type: 'get-request',
      variant: 'next',
      invoke,
      blockNumber: 1,
    })) as GetResponseWithDatablock;
    expect(second.block.blockNumber).toBe(2);
    // Many associations at once, all answered.
    const many = Array.from({ length: 50 }, () => session(server, 16));
    await Promise.all(many.map((m) => m.exchange(aarq())));
    const answers = await Promise.all(many.map((m) => m.exchange(get(1, '0.0.42.0.0.255', 2))));
    expect(answers.every((x) => x.type === 'get-response')).toBe(true);
    expect(server.sessionCount).toBe(52);
    a.end();
    expect(server.sessionCount).toBe(51);
    await server.close();
    expect(many.every((m) => m.closed && m.listenerCount() === 0)).toBe(true);
  });
});
