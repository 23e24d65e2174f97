import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import {
  ActionError,
  DataAccessError,
  DlmsClient,
  type DlmsClientOptions,
} from '../../../src/dlms/client/index.js';
import { type Apdu, decodeData, encodeData } from '../../../src/dlms/index.js';
import { type Answer, aareAccepted, FakeSession, factoryOf, idleLink, meter } from './fake-session.js';
import { dlmsVector, vec } from './vectors.js';

type Service = (apdu: Apdu, raw: Uint8Array, session: FakeSession) => Answer[] | undefined;

async function connect(service: Service, extra: Partial<DlmsClientOptions> & { aare?: Answer } = {}) {
  const { aare, ...rest } = extra;
  const session = new FakeSession(meter(service, aare));
  const client = await DlmsClient.connect({
    link: idleLink(),
    framing: 'wrapper',
    session: factoryOf(session),
    timeoutMs: 500,
    ...rest,
  });
  return { client, session };
}

const energy = { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 };

describe('GET (§9.3, §9.4)', () => {
  it('normal: apdu-get-request-normal / apdu-get-response-normal', async () => {
    const { client } = await connect((_a, raw) => {
      expect(toHex(raw)).toBe(dlmsVector('apdu-get-request-normal').hex);
      return [dlmsVector('apdu-get-response-normal').hex];
    });
    expect(await client.get({ classId: 1, obis: '0-0:43.1.0*255', attribute: 2 })).toEqual({
      type: 'double-long-unsigned',
      value: 5009,
    });
    await client.close();
  });

  it('a Data-Access-Result ⇒ DataAccessError with the result and the attribute', async () => {
    const { client } = await connect(() => [dlmsVector('apdu-get-response-error').hex]);
    const error = await client.get(energy).catch((e) => e);
    expect(error).toBeInstanceOf(DataAccessError);
    expect(error).toMatchObject({
      code: 'ERR_DLMS_DATA_ACCESS',
      result: 'object-undefined',
      resultCode: 4,
      attribute: '3/1.0.1.8.0.255/2',
    });
    await client.close();
  });

  it('with-list: apdu-get-request-with-list / apdu-get-response-with-list, per-item results', async () => {
    const { client } = await connect(
      (_a, raw) => {
        expect(toHex(raw)).toBe(dlmsVector('apdu-get-request-with-list').hex);
        return [dlmsVector('apdu-get-response-with-list').hex];
      },
      { aare: aareAccepted({ conformance: 0x007e1f }) },
    );
    // The vector's first request has invoke-id 1 as ours.
    const results = await client.get([
      { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 },
      { classId: 3, obis: '1.0.1.8.0.255', attribute: 3 },
    ]);
    expect(results).toEqual([
      { ok: true, value: { type: 'double-long-unsigned', value: 12345678 } },
      {
        ok: true,
        value: {
          type: 'structure',
          value: [
            { type: 'integer', value: 0 },
            { type: 'enum', value: 30 },
          ],
        },
      },
    ]);
    await client.close();
  });

  it('with-list without multiple-references: one GET per item, errors as items', async () => {
    let n = 0;
    const { client, session } = await connect(
      (a) => {
        if (a.type !== 'get-request') return undefined;
        n++;
        return [
          n === 1
            ? {
                type: 'get-response',
                variant: 'normal',
                invoke: a.invoke,
                result: { type: 'data', data: { type: 'unsigned', value: 1 } },
              }
            : {
                type: 'get-response',
                variant: 'normal',
                invoke: a.invoke,
                result: { type: 'error', result: 'read-write-denied' },
              },
        ];
      },
      { aare: aareAccepted({ conformance: 0x00501f }) },
    );
    const results = await client.get([energy, energy]);
    expect(results[0]).toEqual({ ok: true, value: { type: 'unsigned', value: 1 } });
    expect(results[1]!.ok).toBe(false);
    expect(session.sentApdus().filter((a) => a.type === 'get-request')).toHaveLength(2);
    await client.close();
  });

  it('datablocks: apdu-get-response-block-1, apdu-get-request-next, apdu-get-response-block-2', async () => {
    const { client, session } = await connect((a, raw) => {
      if (a.type === 'get-request' && a.variant === 'normal')
        return [dlmsVector('apdu-get-response-block-1').hex];
      expect(toHex(raw)).toBe(dlmsVector('apdu-get-request-next').hex);
      return [dlmsVector('apdu-get-response-block-2').hex];
    });
    expect(await client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 })).toEqual({
      type: 'visible-string',
      value: 'DLMS/COSEM block transfer example',
    });
    expect(session.sent).toHaveLength(3);
    await client.close();
  });

  it('an unexpected block number ⇒ ProtocolError', async () => {
    const { client } = await connect(() => [dlmsVector('apdu-get-response-block-2').hex]);
    const error = await client.get(energy).catch((e) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/datablock 2 received, 1 expected/);
    await client.close();
  });

  it('quirk blockNumbersFromZero accepts blocks numbered from 0', async () => {
    const block = (n: number, last: boolean, data: number[]) =>
      ({
        type: 'get-response',
        variant: 'with-datablock',
        invoke: { invokeId: 1, confirmed: true, highPriority: true },
        block: { lastBlock: last, blockNumber: n, result: { type: 'raw-data', data: Uint8Array.from(data) } },
      }) as Apdu;
    const { client } = await connect(
      (a) =>
        a.type === 'get-request' && a.variant === 'normal'
          ? [block(0, false, [0x11])]
          : [block(1, true, [0x07])],
      { quirks: { blockNumbersFromZero: true } },
    );
    expect(await client.get(energy)).toEqual({ type: 'unsigned', value: 7 });
    await client.close();
  });

  it('a datablock ending with a result ⇒ DataAccessError', async () => {
    const { client } = await connect((a) => [
      {
        type: 'get-response',
        variant: 'with-datablock',
        invoke: (a as unknown as { invoke: never }).invoke,
        block: { lastBlock: true, blockNumber: 1, result: { type: 'error', result: 'long-get-aborted' } },
      },
    ]);
    await expect(client.get(energy)).rejects.toMatchObject({ result: 'long-get-aborted' });
    await client.close();
  });

  it('a response with another invoke-id is discarded (late answer), the right one accepted', async () => {
    const { client } = await connect((a) => {
      if (a.type !== 'get-request') return undefined;
      return [
        {
          type: 'get-response',
          variant: 'normal',
          invoke: { ...a.invoke, invokeId: (a.invoke.invokeId + 5) & 15 },
          result: { type: 'data', data: { type: 'unsigned', value: 99 } },
        },
        {
          type: 'get-response',
          variant: 'normal',
          invoke: a.invoke,
          result: { type: 'data', data: { type: 'unsigned', value: 1 } },
        },
      ];
    });
    const discards: Error[] = [];
    client.on('discard', (e) => discards.push(e));
    expect(await client.get(energy)).toEqual({ type: 'unsigned', value: 1 });
    expect(discards).toHaveLength(1);
    await client.close();
  });

  it('the same service with the wrong choice family ⇒ ProtocolError', async () => {
    const { client } = await connect((a) =>
      a.type === 'get-request'
        ? [{ type: 'get-response', variant: 'with-list', invoke: a.invoke, results: [] }]
        : undefined,
    );
    await expect(client.get(energy)).rejects.toBeInstanceOf(ProtocolError);
    await client.close();
  });

  it('invoke-ids cycle through 0–15', async () => {
    const { client, session } = await connect((a) =>
      a.type === 'get-request'
        ? [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: a.invoke,
              result: { type: 'data', data: { type: 'null-data' } },
            },
          ]
        : undefined,
    );
    for (let i = 0; i < 17; i++) await client.get(energy);
    const ids = session.sentApdus().flatMap((a) => (a.type === 'get-request' ? [a.invoke.invokeId] : []));
    expect(ids.slice(0, 3)).toEqual([1, 2, 3]);
    expect(ids[15]).toBe(0);
    expect(ids[16]).toBe(1);
    await client.close();
  });
});

describe('SET (§9.5)', () => {
  it('normal: apdu-set-request-normal / apdu-set-response-normal', async () => {
    const { client } = await connect((_a, raw) => {
      expect(toHex(raw).slice(0, 6)).toBe('C101C1');
      expect(toHex(raw).slice(6)).toBe(dlmsVector('apdu-set-request-normal').hex.slice(6));
      return ['C501C100'];
    });
    const value = decodeData(vec('apdu-set-request-normal').subarray(13));
    await client.set({ classId: 8, obis: '0.0.1.0.0.255', attribute: 2 }, value);
    await client.close();
  });

  it('a refused SET ⇒ DataAccessError', async () => {
    const { client } = await connect((a) =>
      a.type === 'set-request'
        ? [{ type: 'set-response', variant: 'normal', invoke: a.invoke, result: 'read-write-denied' }]
        : undefined,
    );
    await expect(client.set(energy, { type: 'unsigned', value: 1 })).rejects.toMatchObject({
      result: 'read-write-denied',
    });
    await client.close();
  });

  it('with-list: per-item results', async () => {
    const { client, session } = await connect((a) =>
      a.type === 'set-request'
        ? [
            {
              type: 'set-response',
              variant: 'with-list',
              invoke: a.invoke,
              results: ['success', 'type-unmatched'],
            },
          ]
        : undefined,
    );
    const results = await client.set([
      { ...energy, value: { type: 'unsigned', value: 1 } },
      { ...energy, attribute: 3, value: { type: 'unsigned', value: 2 } },
    ]);
    expect(results[0]).toEqual({ ok: true, value: undefined });
    expect(results[1]).toMatchObject({ ok: false, error: { result: 'type-unmatched' } });
    expect(session.sentApdus()[1]).toMatchObject({ type: 'set-request', variant: 'with-list' });
    await client.close();
  });

  it('datablocks with a tiny PDU size: blocks reassemble to the value, acknowledged one by one', async () => {
    const received: Uint8Array[] = [];
    const { client, session } = await connect(
      (a) => {
        if (a.type !== 'set-request') return undefined;
        if (a.variant === 'with-first-datablock' || a.variant === 'with-datablock') {
          received.push(a.block.rawData.slice());
          if (!a.block.lastBlock)
            return [
              {
                type: 'set-response',
                variant: 'datablock',
                invoke: a.invoke,
                blockNumber: a.block.blockNumber,
              },
            ];
          return [
            {
              type: 'set-response',
              variant: 'last-datablock',
              invoke: a.invoke,
              result: 'success',
              blockNumber: a.block.blockNumber,
            },
          ];
        }
        throw new Error(`unexpected ${a.variant}`);
      },
      { aare: aareAccepted({ maxPdu: 40 }) },
    );
    const value = {
      type: 'octet-string',
      value: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
    } as const;
    await client.set({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 }, value);
    expect(received.length).toBeGreaterThan(10);
    expect(toHex(Buffer.concat(received))).toBe(toHex(encodeData(value)));
    for (const apdu of session.sent) expect(apdu.length).toBeLessThanOrEqual(40);
    await client.close();
  });

  it('a wrong block acknowledgement ⇒ ProtocolError', async () => {
    const { client } = await connect(
      (a) =>
        a.type === 'set-request'
          ? [{ type: 'set-response', variant: 'datablock', invoke: a.invoke, blockNumber: 7 }]
          : undefined,
      { aare: aareAccepted({ maxPdu: 40 }) },
    );
    await expect(
      client.set(energy, { type: 'octet-string', value: new Uint8Array(100) }),
    ).rejects.toBeInstanceOf(ProtocolError);
    await client.close();
  });

  it('too large without block transfer ⇒ InvalidArgumentError', async () => {
    const { client } = await connect(() => undefined, {
      aare: aareAccepted({ maxPdu: 40, conformance: 0x00001f }),
    });
    await expect(
      client.set(energy, { type: 'octet-string', value: new Uint8Array(100) }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await client.close();
  });
});

describe('ACTION (§9.6)', () => {
  it('normal: apdu-action-request-disconnect / apdu-action-response-success via disconnect()', async () => {
    const { client } = await connect((_a, raw) => {
      expect(toHex(raw)).toBe(dlmsVector('apdu-action-request-disconnect').hex);
      return [dlmsVector('apdu-action-response-success').hex];
    });
    await client.disconnect();
    await client.close();
  });

  it('return data; an Action-Result ⇒ ActionError', async () => {
    let fail = false;
    const { client } = await connect((a) =>
      a.type === 'action-request'
        ? [
            fail
              ? {
                  type: 'action-response',
                  variant: 'normal',
                  invoke: a.invoke,
                  result: 'temporary-failure',
                  returnParameters: undefined,
                }
              : {
                  type: 'action-response',
                  variant: 'normal',
                  invoke: a.invoke,
                  result: 'success',
                  returnParameters: {
                    type: 'data',
                    data: { type: 'octet-string', value: Uint8Array.of(1, 2) },
                  },
                },
          ]
        : undefined,
    );
    expect(
      await client.action(
        { classId: 15, obis: '0.0.40.0.0.255', method: 1 },
        { type: 'octet-string', value: new Uint8Array(2) },
      ),
    ).toEqual({
      type: 'octet-string',
      value: Uint8Array.of(1, 2),
    });
    fail = true;
    const error = await client.reconnect().catch((e) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({
      code: 'ERR_DLMS_ACTION',
      result: 'temporary-failure',
      method: '70/0.0.96.3.10.255/2',
    });
    await client.close();
  });

  it('with-list: per-item results', async () => {
    const { client } = await connect((a) =>
      a.type === 'action-request' && a.variant === 'with-list'
        ? [
            {
              type: 'action-response',
              variant: 'with-list',
              invoke: a.invoke,
              responses: [
                { result: 'success', returnParameters: undefined },
                { result: 'read-write-denied', returnParameters: undefined },
              ],
            },
          ]
        : undefined,
    );
    const results = await client.action([
      { classId: 3, obis: '1.0.1.8.0.255', method: 1, parameters: { type: 'integer', value: 0 } },
      { classId: 3, obis: '1.0.2.8.0.255', method: 1 },
    ]);
    expect(results[0]).toEqual({ ok: true, value: undefined });
    expect(results[1]).toMatchObject({ ok: false, error: { result: 'read-write-denied' } });
    await client.close();
  });

  it('pblocks with a tiny PDU size, and a long result pulled with next-pblock', async () => {
    const parts: Uint8Array[] = [];
    const result = encodeData({ type: 'octet-string', value: new Uint8Array(50).fill(7) });
    const { client } = await connect(
      (a) => {
        if (a.type !== 'action-request') return undefined;
        const invoke = a.invoke;
        if (a.variant === 'with-first-pblock' || a.variant === 'with-pblock') {
          parts.push(a.block.rawData.slice());
          if (!a.block.lastBlock)
            return [
              { type: 'action-response', variant: 'next-pblock', invoke, blockNumber: a.block.blockNumber },
            ];
          return [
            {
              type: 'action-response',
              variant: 'with-pblock',
              invoke,
              block: { lastBlock: false, blockNumber: 1, rawData: result.subarray(0, 30) },
            },
          ];
        }
        if (a.variant === 'next-pblock') {
          expect(a.blockNumber).toBe(1);
          return [
            {
              type: 'action-response',
              variant: 'with-pblock',
              invoke,
              block: { lastBlock: true, blockNumber: 2, rawData: result.subarray(30) },
            },
          ];
        }
        throw new Error(a.variant);
      },
      { aare: aareAccepted({ maxPdu: 40 }) },
    );
    const parameters = { type: 'octet-string', value: new Uint8Array(120).fill(3) } as const;
    const out = await client.action({ classId: 18, obis: '0.0.44.0.0.255', method: 2 }, parameters);
    expect(toHex(Buffer.concat(parts))).toBe(toHex(encodeData(parameters)));
    expect(out).toEqual({ type: 'octet-string', value: new Uint8Array(50).fill(7) });
    await client.close();
  });
});

describe('exception-response and confirmedServiceError (§9.8, §7.7)', () => {
  it('apdu-exception-response ⇒ ServiceError', async () => {
    const { client } = await connect(() => [dlmsVector('apdu-exception-response').hex]);
    const error = await client.get(energy).catch((e) => e);
    expect(error.code).toBe('ERR_DLMS_SERVICE');
    expect(error.detail).toMatchObject({
      stateError: 'service-not-allowed',
      serviceError: 'service-not-supported',
    });
    expect(error.request).toBe('GET 3/1.0.1.8.0.255/2');
    await client.close();
  });

  it('a confirmedServiceError ⇒ ServiceError', async () => {
    const { client } = await connect(() => ['0E050502']);
    const error = await client.get(energy).catch((e) => e);
    expect(error.code).toBe('ERR_DLMS_SERVICE');
    expect(error.detail.type).toBe('confirmed-service-error');
    await client.close();
  });

  it('a malformed answer ⇒ DecodeError for the pending request', async () => {
    const { client } = await connect(() => ['C401C10019']);
    await expect(client.get(energy)).rejects.toMatchObject({ code: 'ERR_DECODE' });
    await client.close();
  });
});
