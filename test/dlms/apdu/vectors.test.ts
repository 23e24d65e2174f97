import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { c1, decodeVector, variant } from './helpers.js';

const dateTime = (hex: string): Data => ({ type: 'octet-string', value: fromHex(hex) });

const cet = {
  deviation: -60,
  clockStatus: {
    invalid: false,
    doubtful: false,
    differentClockBase: false,
    invalidClockStatus: false,
    daylightSavingActive: false,
    reserved: 0,
  },
};

describe('GET vectors (§9.3, §9.4)', () => {
  it('apdu-get-request-normal: invocation counter 0.0.43.1.0.255 attribute 2', () => {
    const apdu = variant(decodeVector('apdu-get-request-normal', 'get-request'), 'normal');
    expect(apdu).toEqual({
      type: 'get-request',
      variant: 'normal',
      invoke: c1,
      attribute: { classId: 1, instance: '0.0.43.1.0.255', attributeId: 2 },
      access: undefined,
    });
  });

  it('apdu-get-request-range: profile generic buffer with range_descriptor', () => {
    const apdu = variant(decodeVector('apdu-get-request-range', 'get-request'), 'normal');
    expect(apdu.attribute).toEqual({ classId: 7, instance: '1.0.99.1.0.255', attributeId: 2 });
    expect(apdu.access?.selector).toBe(1);
    expect(apdu.access?.parameters).toEqual({
      type: 'structure',
      value: [
        {
          type: 'structure',
          value: [
            { type: 'long-unsigned', value: 8 },
            { type: 'octet-string', value: fromHex('0000010000FF') },
            { type: 'integer', value: 2 },
            { type: 'long-unsigned', value: 0 },
          ],
        },
        dateTime('07E10A010700000000FFC480'),
        dateTime('07E10A010701000000FFC480'),
        { type: 'array', value: [] },
      ],
    });
  });

  it('apdu-get-request-entry: entry_descriptor 1..3, columns 1..0', () => {
    const apdu = variant(decodeVector('apdu-get-request-entry', 'get-request'), 'normal');
    expect(apdu.invoke).toEqual(c1);
    expect(apdu.attribute).toEqual({ classId: 7, instance: '1.0.99.1.0.255', attributeId: 2 });
    expect(apdu.access).toEqual({
      selector: 2,
      parameters: {
        type: 'structure',
        value: [
          { type: 'double-long-unsigned', value: 1 },
          { type: 'double-long-unsigned', value: 3 },
          { type: 'long-unsigned', value: 1 },
          { type: 'long-unsigned', value: 0 },
        ],
      },
    });
  });

  it('apdu-get-request-next: block 1', () => {
    const apdu = variant(decodeVector('apdu-get-request-next', 'get-request'), 'next');
    expect(apdu).toEqual({ type: 'get-request', variant: 'next', invoke: c1, blockNumber: 1 });
  });

  it('apdu-get-request-with-list: register value and scaler_unit', () => {
    const apdu = variant(decodeVector('apdu-get-request-with-list', 'get-request'), 'with-list');
    expect(apdu.invoke).toEqual(c1);
    expect(apdu.items).toEqual([
      { attribute: { classId: 3, instance: '1.0.1.8.0.255', attributeId: 2 }, access: undefined },
      { attribute: { classId: 3, instance: '1.0.1.8.0.255', attributeId: 3 }, access: undefined },
    ]);
  });

  it('apdu-get-response-normal: double-long-unsigned 5009', () => {
    const apdu = variant(decodeVector('apdu-get-response-normal', 'get-response'), 'normal');
    expect(apdu).toEqual({
      type: 'get-response',
      variant: 'normal',
      invoke: c1,
      result: { type: 'data', data: { type: 'double-long-unsigned', value: 5009 } },
    });
  });

  it('apdu-get-response-error: object-undefined', () => {
    const apdu = variant(decodeVector('apdu-get-response-error', 'get-response'), 'normal');
    expect(apdu.result).toEqual({ type: 'error', result: 'object-undefined' });
  });

  it('apdu-get-response-block-1 and -2 reassemble the visible-string', () => {
    const b1 = variant(decodeVector('apdu-get-response-block-1', 'get-response'), 'with-datablock');
    const b2 = variant(decodeVector('apdu-get-response-block-2', 'get-response'), 'with-datablock');
    expect(b1.invoke).toEqual(c1);
    expect([b1.block.lastBlock, b1.block.blockNumber]).toEqual([false, 1]);
    expect([b2.block.lastBlock, b2.block.blockNumber]).toEqual([true, 2]);
    if (b1.block.result.type !== 'raw-data' || b2.block.result.type !== 'raw-data')
      throw new Error('raw-data');
    expect(b1.block.result.data.length).toBe(20);
    expect(b2.block.result.data.length).toBe(15);
    const whole = toHex(b1.block.result.data) + toHex(b2.block.result.data);
    expect(whole).toBe('0A21444C4D532F434F53454D20626C6F636B207472616E73666572206578616D706C65');
    expect(new TextDecoder().decode(fromHex(whole).subarray(2))).toBe('DLMS/COSEM block transfer example');
  });

  it('apdu-get-response-with-list: 12345678 and scaler_unit {0, Wh}', () => {
    const apdu = variant(decodeVector('apdu-get-response-with-list', 'get-response'), 'with-list');
    expect(apdu.results).toEqual([
      { type: 'data', data: { type: 'double-long-unsigned', value: 12345678 } },
      {
        type: 'data',
        data: {
          type: 'structure',
          value: [
            { type: 'integer', value: 0 },
            { type: 'enum', value: 30 },
          ],
        },
      },
    ]);
  });
});

describe('SET vectors (§9.5)', () => {
  it('apdu-set-request-normal: clock time', () => {
    const apdu = variant(decodeVector('apdu-set-request-normal', 'set-request'), 'normal');
    expect(apdu.invoke).toEqual(c1);
    expect(apdu.attribute).toEqual({ classId: 8, instance: '0.0.1.0.0.255', attributeId: 2 });
    expect(apdu.access).toBeUndefined();
    expect(apdu.value).toEqual(dateTime('07E50118FF0E303950FFC400'));
  });

  it('apdu-set-response-normal: success', () => {
    const apdu = variant(decodeVector('apdu-set-response-normal', 'set-response'), 'normal');
    expect(apdu).toEqual({ type: 'set-response', variant: 'normal', invoke: c1, result: 'success' });
  });

  it('apdu-set-request-first-block: 16 raw octets of block 1', () => {
    const apdu = variant(decodeVector('apdu-set-request-first-block', 'set-request'), 'with-first-datablock');
    expect(apdu.attribute).toEqual({ classId: 1, instance: '0.0.96.1.0.255', attributeId: 2 });
    expect(apdu.access).toBeUndefined();
    expect(apdu.block.lastBlock).toBe(false);
    expect(apdu.block.blockNumber).toBe(1);
    expect(toHex(apdu.block.rawData)).toBe('091E0102030405060708090A0B0C0D0E');
  });

  it('apdu-set-response-block: block 1 acknowledged', () => {
    const apdu = variant(decodeVector('apdu-set-response-block', 'set-response'), 'datablock');
    expect(apdu).toEqual({ type: 'set-response', variant: 'datablock', invoke: c1, blockNumber: 1 });
  });

  it('apdu-set-request-last-block: last block 2', () => {
    const apdu = variant(decodeVector('apdu-set-request-last-block', 'set-request'), 'with-datablock');
    expect(apdu.block.lastBlock).toBe(true);
    expect(apdu.block.blockNumber).toBe(2);
    expect(toHex(apdu.block.rawData)).toBe('0F101112131415161718191A1B1C1D1E');
  });

  it('apdu-set-response-last-block: success, block 2', () => {
    const apdu = variant(decodeVector('apdu-set-response-last-block', 'set-response'), 'last-datablock');
    expect(apdu).toEqual({
      type: 'set-response',
      variant: 'last-datablock',
      invoke: c1,
      result: 'success',
      blockNumber: 2,
    });
  });
});

describe('ACTION vectors (§9.6)', () => {
  it('apdu-action-request-disconnect: remote_disconnect with integer 0', () => {
    const apdu = variant(decodeVector('apdu-action-request-disconnect', 'action-request'), 'normal');
    expect(apdu).toEqual({
      type: 'action-request',
      variant: 'normal',
      invoke: c1,
      method: { classId: 70, instance: '0.0.96.3.10.255', methodId: 1 },
      parameters: { type: 'integer', value: 0 },
    });
  });

  it('apdu-action-response-success: no return parameters', () => {
    const apdu = variant(decodeVector('apdu-action-response-success', 'action-response'), 'normal');
    expect(apdu).toEqual({
      type: 'action-response',
      variant: 'normal',
      invoke: c1,
      result: 'success',
      returnParameters: undefined,
    });
  });

  it('apdu-action-response-data: f(CtoS) octet-string, invoke C0', () => {
    const apdu = variant(decodeVector('apdu-action-response-data', 'action-response'), 'normal');
    expect(apdu.invoke).toEqual({ invokeId: 0, confirmed: true, highPriority: true });
    expect(apdu.result).toBe('success');
    expect(apdu.returnParameters).toEqual({
      type: 'data',
      data: { type: 'octet-string', value: fromHex('1000001AFDE8857B728A3499106AA665D1') },
    });
  });
});

describe('exception-response vectors (§9.8)', () => {
  it('apdu-exception-response: service-not-allowed, service-not-supported', () => {
    expect(decodeVector('apdu-exception-response', 'exception-response')).toEqual({
      type: 'exception-response',
      stateError: 'service-not-allowed',
      serviceError: 'service-not-supported',
      invocationCounter: undefined,
    });
  });

  it('apdu-exception-response-ic: invocation-counter-error expecting 0x42', () => {
    expect(decodeVector('apdu-exception-response-ic', 'exception-response')).toEqual({
      type: 'exception-response',
      stateError: 'service-not-allowed',
      serviceError: 'invocation-counter-error',
      invocationCounter: 0x42,
    });
  });
});

describe('notification vectors (§9.9, §9.10)', () => {
  it('apdu-data-notification-with-time: 2024-01-15 08:00 CET, clock + 12345678', () => {
    const apdu = decodeVector('apdu-data-notification-with-time', 'data-notification');
    expect(apdu.invoke).toEqual({
      longInvokeId: 1,
      selfDescriptive: false,
      breakOnError: false,
      confirmed: true,
      highPriority: false,
    });
    expect(apdu.dateTime).toEqual({
      year: 2024,
      month: 1,
      dayOfMonth: 15,
      dayOfWeek: 1,
      hour: 8,
      minute: 0,
      second: 0,
      hundredths: 0,
      ...cet,
    });
    expect(apdu.body).toEqual({
      type: 'structure',
      value: [
        { type: 'octet-string', value: fromHex('0000010000FF') },
        { type: 'double-long-unsigned', value: 12345678 },
      ],
    });
  });

  it('apdu-data-notification-no-time: id 0x1DB, 34-octet body', () => {
    const apdu = decodeVector('apdu-data-notification-no-time', 'data-notification');
    expect(apdu.invoke.longInvokeId).toBe(0x1db);
    expect(apdu.invoke.confirmed).toBe(false);
    expect(apdu.dateTime).toBeUndefined();
    if (apdu.body.type !== 'octet-string') throw new Error('octet-string body expected');
    expect(apdu.body.value.length).toBe(34);
  });

  it('apdu-event-notification: no time, clock 0.0.1.0.0.255 attribute 2', () => {
    const apdu = decodeVector('apdu-event-notification', 'event-notification-request');
    expect(apdu.time).toBeUndefined();
    expect(apdu.attribute).toEqual({ classId: 8, instance: '0.0.1.0.0.255', attributeId: 2 });
    expect(apdu.value).toEqual(dateTime('07E8010F0108000000FFC400'));
  });

  it('apdu-event-notification-with-time: time 2024-01-15 08:00 dev -60', () => {
    const apdu = decodeVector('apdu-event-notification-with-time', 'event-notification-request');
    expect(apdu.time).toMatchObject({
      year: 2024,
      month: 1,
      dayOfMonth: 15,
      hour: 8,
      minute: 0,
      deviation: -60,
    });
    expect(apdu.attribute).toEqual({ classId: 8, instance: '0.0.1.0.0.255', attributeId: 2 });
  });
});

describe('general-block-transfer vector (§9.11)', () => {
  it('apdu-general-block-transfer: one last block carrying a get-response', () => {
    const apdu = decodeVector('apdu-general-block-transfer', 'general-block-transfer');
    expect(apdu).toMatchObject({
      lastBlock: true,
      streaming: false,
      windowSize: 1,
      blockNumber: 1,
      blockNumberAck: 0,
    });
    expect(toHex(apdu.blockData)).toBe('C401C1000600001391');
  });
});

describe('SN vectors (§9.13)', () => {
  it('apdu-sn-read-request: variable-name FA08', () => {
    expect(decodeVector('apdu-sn-read-request', 'read-request')).toEqual({
      type: 'read-request',
      items: [{ type: 'variable-name', variableName: 0xfa08 }],
    });
  });

  it('apdu-sn-read-response: long-unsigned 4660', () => {
    expect(decodeVector('apdu-sn-read-response', 'read-response')).toEqual({
      type: 'read-response',
      results: [{ type: 'data', data: { type: 'long-unsigned', value: 4660 } }],
    });
  });
});

describe('cosem-* vectors that are whole APDUs', () => {
  it('cosem-object-list-fragment: Association LN object_list, 2 entries', () => {
    const apdu = variant(decodeVector('cosem-object-list-fragment', 'get-response'), 'normal');
    if (apdu.result.type !== 'data' || apdu.result.data.type !== 'array') throw new Error('array expected');
    const entries = apdu.result.data.value;
    expect(entries).toHaveLength(2);
    const head = (d: Data | undefined) => (d?.type === 'structure' ? d.value.slice(0, 3) : undefined);
    expect(head(entries[0])).toEqual([
      { type: 'long-unsigned', value: 8 },
      { type: 'unsigned', value: 0 },
      { type: 'octet-string', value: fromHex('0000010000FF') },
    ]);
    expect(head(entries[1])).toEqual([
      { type: 'long-unsigned', value: 3 },
      { type: 'unsigned', value: 0 },
      { type: 'octet-string', value: fromHex('0100010800FF') },
    ]);
  });

  it('cosem-capture-objects: clock and register 1.0.1.8.0.255', () => {
    const apdu = variant(decodeVector('cosem-capture-objects', 'get-response'), 'normal');
    const capture = (classId: number, ln: string): Data => ({
      type: 'structure',
      value: [
        { type: 'long-unsigned', value: classId },
        { type: 'octet-string', value: fromHex(ln) },
        { type: 'integer', value: 2 },
        { type: 'long-unsigned', value: 0 },
      ],
    });
    expect(apdu.result).toEqual({
      type: 'data',
      data: { type: 'array', value: [capture(8, '0000010000FF'), capture(3, '0100010800FF')] },
    });
  });

  it('cosem-profile-buffer: three rows 1000, 1250, 1490', () => {
    const apdu = variant(decodeVector('cosem-profile-buffer', 'get-response'), 'normal');
    const row = (hour: string, value: number): Data => ({
      type: 'structure',
      value: [dateTime(`07E8010F01${hour}000000FFC400`), { type: 'double-long-unsigned', value }],
    });
    expect(apdu.result).toEqual({
      type: 'data',
      data: { type: 'array', value: [row('00', 1000), row('01', 1250), row('02', 1490)] },
    });
  });

  it('cosem-profile-range-request: clock range 2024-01-15 00:00 … 02:00', () => {
    const apdu = variant(decodeVector('cosem-profile-range-request', 'get-request'), 'normal');
    expect(apdu.invoke).toEqual(c1);
    expect(apdu.attribute).toEqual({ classId: 7, instance: '1.0.99.1.0.255', attributeId: 2 });
    expect(apdu.access?.selector).toBe(1);
    expect(apdu.access?.parameters).toMatchObject({
      type: 'structure',
      value: [
        {
          type: 'structure',
          value: [{ value: 8 }, { value: fromHex('0000010000FF') }, { value: 2 }, { value: 0 }],
        },
        dateTime('07E8010FFF00000000FFC400'),
        dateTime('07E8010FFF02000000FFC400'),
        { type: 'array', value: [] },
      ],
    });
  });

  it('cosem-register-scaler-unit: {-1, V}', () => {
    const apdu = variant(decodeVector('cosem-register-scaler-unit', 'get-response'), 'normal');
    expect(apdu.result).toEqual({
      type: 'data',
      data: {
        type: 'structure',
        value: [
          { type: 'integer', value: -1 },
          { type: 'enum', value: 35 },
        ],
      },
    });
  });

  it('cosem-image-transfer-initiate: method 1 of 0.0.44.0.0.255 with IMG00001, 65536', () => {
    const apdu = variant(decodeVector('cosem-image-transfer-initiate', 'action-request'), 'normal');
    expect(apdu.method).toEqual({ classId: 18, instance: '0.0.44.0.0.255', methodId: 1 });
    expect(apdu.parameters).toEqual({
      type: 'structure',
      value: [
        { type: 'octet-string', value: new TextEncoder().encode('IMG00001') },
        { type: 'double-long-unsigned', value: 65536 },
      ],
    });
  });

  it('cosem-application-context-name: 2.16.756.5.8.1.1', () => {
    const apdu = variant(decodeVector('cosem-application-context-name', 'get-response'), 'normal');
    if (apdu.result.type !== 'data' || apdu.result.data.type !== 'structure') throw new Error('structure');
    expect(apdu.result.data.value.map((d) => ('value' in d ? d.value : undefined))).toEqual([
      2, 16, 756, 5, 8, 1, 1,
    ]);
  });
});
