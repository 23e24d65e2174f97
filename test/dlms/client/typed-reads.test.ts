import { describe, expect, it } from 'vitest';
import { DlmsClient } from '../../../src/dlms/client/index.js';
import { type Apdu, type Data, encodeData, entryDescriptor } from '../../../src/dlms/index.js';
import { type Answer, aareAccepted, FakeSession, factoryOf, idleLink, meter } from './fake-session.js';
import { dlmsVector, vec } from './vectors.js';

type Attr = { classId: number; instance: string; attributeId: number };

/** A meter answering GETs from a table `classId/obis/attribute` → Data, and recording requests. */
async function withObjects(
  objects: Record<string, Data>,
  options: {
    conformance?: number;
    maxPdu?: number;
    quirks?: { invertDeviation?: boolean };
    onGet?: (a: Apdu) => Answer[] | undefined;
  } = {},
) {
  const requests: Apdu[] = [];
  const session = new FakeSession(
    meter(
      (a) => {
        requests.push(a);
        const custom = options.onGet?.(a);
        if (custom) return custom;
        const value = (attr: Attr) => objects[`${attr.classId}/${attr.instance}/${attr.attributeId}`];
        if (a.type === 'get-request' && a.variant === 'normal') {
          const v = value(a.attribute);
          return [
            {
              type: 'get-response',
              variant: 'normal',
              invoke: a.invoke,
              result: v ? { type: 'data', data: v } : { type: 'error', result: 'object-undefined' },
            },
          ];
        }
        if (a.type === 'get-request' && a.variant === 'with-list') {
          return [
            {
              type: 'get-response',
              variant: 'with-list',
              invoke: a.invoke,
              results: a.items.map((i) => {
                const v = value(i.attribute);
                return v ? { type: 'data', data: v } : { type: 'error', result: 'object-undefined' };
              }),
            },
          ];
        }
        if (a.type === 'set-request' && a.variant === 'normal') {
          objects[`${a.attribute.classId}/${a.attribute.instance}/${a.attribute.attributeId}`] = a.value;
          return [{ type: 'set-response', variant: 'normal', invoke: a.invoke, result: 'success' }];
        }
        if (a.type === 'action-request' && a.variant === 'normal') {
          return [
            {
              type: 'action-response',
              variant: 'normal',
              invoke: a.invoke,
              result: 'success',
              returnParameters: undefined,
            },
          ];
        }
        return undefined;
      },
      aareAccepted({ conformance: options.conformance ?? 0x007e1f, maxPdu: options.maxPdu ?? 0x400 }),
    ),
  );
  const client = await DlmsClient.connect({
    link: idleLink(),
    framing: 'wrapper',
    session: factoryOf(session),
    timeoutMs: 500,
    ...(options.quirks ? { quirks: options.quirks } : {}),
  });
  return { client, requests, session };
}

const scalerUnit = (scaler: number, unit: number): Data => ({
  type: 'structure',
  value: [
    { type: 'integer', value: scaler },
    { type: 'enum', value: unit },
  ],
});
const clockOctets = (hex: string): Data => ({
  type: 'octet-string',
  value: Uint8Array.from(Buffer.from(hex, 'hex')),
});

describe('readRegister (class 3)', () => {
  it('applies scaler_unit, keeps raw, caches the scaler per OBIS (one with-list, then one GET)', async () => {
    const { client, requests } = await withObjects({
      '3/1.0.32.7.0.255/2': { type: 'long-unsigned', value: 2304 },
      '3/1.0.32.7.0.255/3': scalerUnit(-1, 35),
    });
    expect(await client.readRegister('1-0:32.7.0*255')).toEqual({
      value: 230.4,
      unit: 'V',
      unitId: 35,
      scaler: -1,
      raw: { type: 'long-unsigned', value: 2304 },
    });
    expect(requests.at(-1)).toMatchObject({ variant: 'with-list' });
    await client.readRegister('1.0.32.7.0.255');
    expect(requests.at(-1)).toMatchObject({ variant: 'normal', attribute: { attributeId: 2 } });
    await client.close();
  });

  it('without multiple-references: two GETs', async () => {
    const { client, requests } = await withObjects(
      {
        '3/1.0.1.8.0.255/2': { type: 'double-long-unsigned', value: 12345678 },
        '3/1.0.1.8.0.255/3': scalerUnit(0, 30),
      },
      { conformance: 0x00501f },
    );
    expect((await client.readRegister('1.0.1.8.0.255')).value).toBe(12345678);
    expect(requests.filter((r) => r.type === 'get-request')).toHaveLength(2);
    await client.close();
  });

  it('an undefined register ⇒ DataAccessError', async () => {
    const { client } = await withObjects({});
    await expect(client.readRegister('1.0.1.8.0.255')).rejects.toMatchObject({
      code: 'ERR_DLMS_DATA_ACCESS',
      result: 'object-undefined',
    });
    await client.close();
  });
});

describe('extended and demand registers (classes 4, 5)', () => {
  it('readExtendedRegister', async () => {
    const { client } = await withObjects({
      '4/1.0.1.6.0.255/2': { type: 'double-long-unsigned', value: 5000 },
      '4/1.0.1.6.0.255/3': scalerUnit(1, 27),
      '4/1.0.1.6.0.255/4': { type: 'unsigned', value: 0 },
      '4/1.0.1.6.0.255/5': clockOctets('07E8010F0108000000FFC400'),
    });
    const r = await client.readExtendedRegister('1.0.1.6.0.255');
    expect(r).toMatchObject({
      value: 50000,
      unit: 'W',
      status: { type: 'unsigned', value: 0 },
      captureTime: { year: 2024, hour: 8, deviation: -60 },
    });
    await client.close();
  });

  it('readDemandRegister', async () => {
    const { client } = await withObjects({
      '5/1.0.1.4.0.255/2': { type: 'long-unsigned', value: 1234 },
      '5/1.0.1.4.0.255/3': { type: 'long-unsigned', value: 1000 },
      '5/1.0.1.4.0.255/4': scalerUnit(-3, 27),
      '5/1.0.1.4.0.255/5': { type: 'unsigned', value: 0 },
      '5/1.0.1.4.0.255/6': clockOctets('07E8010F0108000000FFC400'),
      '5/1.0.1.4.0.255/7': clockOctets('07E8010F01080F0000FFC400'),
      '5/1.0.1.4.0.255/8': { type: 'double-long-unsigned', value: 900 },
    });
    const r = await client.readDemandRegister('1.0.1.4.0.255');
    expect(r).toMatchObject({
      currentAverage: 1.234,
      lastAverage: 1,
      unit: 'W',
      scaler: -3,
      period: 900,
      startTimeCurrent: { minute: 15 },
    });
    await client.close();
  });
});

describe('Clock (class 8)', () => {
  it('readClock gives the instant, deviation and status', async () => {
    const { client } = await withObjects({ '8/0.0.1.0.0.255/2': clockOctets('07E8010F0108000000FFC400') });
    const r = await client.readClock();
    expect(r.date?.toISOString()).toBe('2024-01-15T07:00:00.000Z');
    expect(r.deviation).toBe(-60);
    expect(r.status).toMatchObject({ invalid: false });
    await client.close();
  });

  it('refuses to guess: unspecified fields ⇒ date undefined', async () => {
    const { client } = await withObjects({ '8/0.0.1.0.0.255/2': clockOctets('FFFF010F0108000000800000') });
    const r = await client.readClock();
    expect(r.date).toBeUndefined();
    expect(r.dateTime.year).toBe('unspecified');
    expect(r.deviation).toBe('unspecified');
    await client.close();
  });

  it('quirk invertDeviation', async () => {
    const { client } = await withObjects(
      { '8/0.0.1.0.0.255/2': clockOctets('07E8010F0108000000003C00') },
      { quirks: { invertDeviation: true } },
    );
    expect((await client.readClock()).deviation).toBe(-60);
    await client.close();
  });

  it('setClock writes the octet-string(12) at the meter’s deviation', async () => {
    const objects: Record<string, Data> = { '8/0.0.1.0.0.255/2': clockOctets('07E8010F0108000000FFC400') };
    const { client } = await withObjects(objects);
    await client.setClock(new Date('2024-06-01T10:00:00Z'));
    const written = objects['8/0.0.1.0.0.255/2'] as { value: Uint8Array };
    // 2024-06-01 Saturday 11:00 local at deviation -60, status 00
    expect(Buffer.from(written.value).toString('hex').toUpperCase()).toBe('07E80601060B000000FFC400');
    await client.setClock({
      year: 2025,
      month: 1,
      dayOfMonth: 2,
      dayOfWeek: 'unspecified',
      hour: 3,
      minute: 4,
      second: 5,
      hundredths: 0,
      deviation: 0,
      clockStatus: 'unspecified',
    });
    expect(
      Buffer.from((objects['8/0.0.1.0.0.255/2'] as { value: Uint8Array }).value)
        .toString('hex')
        .toUpperCase(),
    ).toBe('07E90102FF030405000000FF');
    await client.close();
  });
});

describe('readProfile (class 7)', () => {
  const captureObjects = vec('cosem-capture-objects').subarray(4);

  it('reads capture objects, then the buffer with a range descriptor; named typed columns', async () => {
    const { client, requests } = await withObjects(
      {},
      {
        onGet: (a) => {
          if (a.type !== 'get-request' || a.variant !== 'normal') return undefined;
          if (a.attribute.attributeId === 3)
            return [`C401C100${Buffer.from(captureObjects).toString('hex')}`];
          if (a.attribute.attributeId === 2) {
            expect(a.access?.selector).toBe(1);
            return [
              dlmsVector('cosem-profile-buffer').hex.replace(
                /^C401C1/,
                `C401${a.invoke.invokeId === 2 ? 'C2' : 'C1'}`,
              ),
            ];
          }
          return undefined;
        },
      },
    );
    const profile = await client.readProfile(
      '1.0.99.1.0.255',
      { from: new Date('2024-01-14T23:00:00Z'), to: new Date('2024-01-15T01:00:00Z') },
      { deviation: -60 },
    );
    expect(profile.columns.map((c) => c.name)).toEqual(['0.0.1.0.0.255:2', '1.0.1.8.0.255:2']);
    expect(profile.rows).toHaveLength(3);
    expect(profile.rows[1]![1]).toBe(1250);
    expect(profile.rows[0]![0]).toMatchObject({ year: 2024, month: 1, dayOfMonth: 15, hour: 0 });
    // capture objects are cached: a second read sends one request
    const before = requests.length;
    await client.readProfile('1.0.99.1.0.255', { fromEntry: 1, toEntry: 3 }).catch(() => undefined);
    expect(requests.length - before).toBe(1);
    expect((requests.at(-1) as { access: unknown }).access).toEqual(
      entryDescriptor({ fromEntry: 1, toEntry: 3 }),
    );
    await client.close();
  });

  it('a buffer arriving in datablocks is decoded straight from the octets', async () => {
    const buffer = vec('cosem-profile-buffer').subarray(4);
    const { client } = await withObjects(
      {},
      {
        onGet: (a) => {
          if (a.type !== 'get-request') return undefined;
          if (a.variant === 'normal' && a.attribute.attributeId === 3)
            return [
              'C401' +
                a.invoke.invokeId.toString(16).padStart(2, '0').replace(/^0/, 'C') +
                '00' +
                Buffer.from(captureObjects).toString('hex'),
            ];
          const invoke = a.invoke;
          if (a.variant === 'normal')
            return [
              {
                type: 'get-response',
                variant: 'with-datablock',
                invoke,
                block: {
                  lastBlock: false,
                  blockNumber: 1,
                  result: { type: 'raw-data', data: buffer.subarray(0, 20) },
                },
              },
            ];
          if (a.variant === 'next')
            return [
              {
                type: 'get-response',
                variant: 'with-datablock',
                invoke,
                block: {
                  lastBlock: true,
                  blockNumber: 2,
                  result: { type: 'raw-data', data: buffer.subarray(20) },
                },
              },
            ];
          return undefined;
        },
      },
    );
    const profile = await client.readProfile('1.0.99.1.0.255');
    expect(profile.rows.map((r) => r[1])).toEqual([1000, 1250, 1490]);
    await client.close();
  });
});

describe('object list and disconnect control', () => {
  it('readObjectList parses cosem-object-list-fragment', async () => {
    const { client } = await withObjects(
      {},
      {
        onGet: (a) => (a.type === 'get-request' ? [dlmsVector('cosem-object-list-fragment').hex] : undefined),
      },
    );
    const list = await client.readObjectList();
    expect(list.map((o) => [o.classId, o.logicalName])).toEqual([
      [8, '0.0.1.0.0.255'],
      [3, '1.0.1.8.0.255'],
    ]);
    await client.close();
  });

  it('readDisconnectState, disconnect, reconnect', async () => {
    const { client, requests } = await withObjects({
      '70/0.0.96.3.10.255/2': { type: 'boolean', value: true },
      '70/0.0.96.3.10.255/3': { type: 'enum', value: 1 },
      '70/0.0.96.3.10.255/4': { type: 'enum', value: 4 },
    });
    expect(await client.readDisconnectState()).toEqual({
      outputState: true,
      controlState: 'connected',
      controlMode: 4,
    });
    await client.disconnect();
    await client.reconnect();
    expect(requests.slice(-2).map((r) => (r as { method: { methodId: number } }).method.methodId)).toEqual([
      1, 2,
    ]);
    await client.close();
  });
});

describe('encodeData sanity', () => {
  it('is the codec the fake uses', () => {
    expect(encodeData({ type: 'unsigned', value: 1 })).toEqual(Uint8Array.of(0x11, 1));
  });
});
