import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu } from '../../../src/dlms/apdu/types.js';
import { c1 } from './helpers.js';

function decodeError(hex: string, options?: Parameters<typeof decodeApdu>[1]): DecodeError {
  try {
    decodeApdu(fromHex(hex), options);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error(`${hex} decoded without error`);
}

function encodeError(apdu: unknown): EncodeError {
  try {
    encodeApdu(apdu as Apdu);
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
  throw new Error('encoded without error');
}

const getNormal = {
  type: 'get-request',
  variant: 'normal',
  invoke: c1,
  attribute: { classId: 1, instance: '0.0.43.1.0.255', attributeId: 2 },
  access: undefined,
} as const;

describe('invoke-id-and-priority (§9.1)', () => {
  it('decodes the bits and encodes them back', () => {
    const apdu = decodeApdu(fromHex('C50142FA'));
    expect(apdu).toEqual({
      type: 'set-response',
      variant: 'normal',
      invoke: { invokeId: 2, confirmed: true, highPriority: false },
      result: 'other-reason',
    });
  });

  it('rejects reserved bits 4–5 at the octet', () => {
    for (const octet of ['D1', 'E1']) {
      const e = decodeError(`C501${octet}00`);
      expect(e.offset).toBe(2);
      expect(e.message).toContain('reserved');
    }
  });

  it('rejects reserved bits 24–27 of the long form', () => {
    const e = decodeError('0F4100000100 0F00'.replace(/ /g, ''));
    expect(e.offset).toBe(1);
  });

  it('encodes the long form with every flag', () => {
    const bytes = encodeApdu({
      type: 'data-notification',
      invoke: {
        longInvokeId: 0xabcdef,
        selfDescriptive: true,
        breakOnError: true,
        confirmed: true,
        highPriority: true,
      },
      dateTime: undefined,
      body: { type: 'null-data' },
    });
    expect(toHex(bytes)).toBe('0FF0ABCDEF0000');
  });

  it('refuses an invoke id above 15', () => {
    expect(encodeError({ ...getNormal, invoke: { ...c1, invokeId: 16 } }).field).toBe('invokeId');
    expect(encodeError({ ...getNormal, invoke: undefined }).field).toBe('invoke');
  });
});

describe('descriptors (§9.2)', () => {
  it('reads attribute and method ids as Integer8', () => {
    const apdu = decodeApdu(fromHex('C001C1000100002B0100FF8000'));
    expect(apdu).toMatchObject({ attribute: { attributeId: -128 } });
    expect(toHex(encodeApdu(apdu))).toBe('C001C1000100002B0100FF8000');
  });

  it('accepts the IEC OBIS form when encoding', () => {
    const bytes = encodeApdu({
      ...getNormal,
      attribute: { classId: 3, instance: '1-0:1.8.0*255', attributeId: 2 },
    });
    expect(toHex(bytes)).toBe('C001C100030100010800FF0200');
  });

  it('refuses out-of-range descriptor fields', () => {
    expect(encodeError({ ...getNormal, attribute: { ...getNormal.attribute, classId: 65536 } }).field).toBe(
      'classId',
    );
    expect(
      encodeError({ ...getNormal, attribute: { ...getNormal.attribute, instance: '1.2.3' } }).field,
    ).toBe('instance');
    expect(encodeError({ ...getNormal, attribute: { ...getNormal.attribute, attributeId: 128 } }).field).toBe(
      'attributeId',
    );
    expect(
      encodeError({ ...getNormal, access: { selector: 256, parameters: { type: 'null-data' } } }).field,
    ).toBe('selector');
  });

  it('rejects an access-selection presence octet other than 00/01', () => {
    const e = decodeError('C001C1000100002B0100FF0202');
    expect(e.offset).toBe(12);
  });
});

describe('choices and lists', () => {
  it('rejects unknown choices at the choice octet', () => {
    for (const [hex, offset] of [
      ['C004C1', 1],
      ['C400C1', 1],
      ['C106C1', 1],
      ['C506C1', 1],
      ['C307C1', 1],
      ['C705C1', 1],
      ['C401C102', 3],
      ['C402C10000000001 02', 8],
      ['050103FA08', 2],
      ['0C010400', 2],
      ['0D0103', 2],
    ] as const) {
      const e = decodeError(hex.replace(/ /g, ''));
      expect([hex, e.offset]).toEqual([hex, offset]);
    }
  });

  it('decodes C505 as set-response-with-list when complete', () => {
    expect(decodeApdu(fromHex('C505C1020004'))).toEqual({
      type: 'set-response',
      variant: 'with-list',
      invoke: c1,
      results: ['success', 'object-undefined'],
    });
  });

  it('checks list counts against maxArrayLength and the bytes left before allocating', () => {
    expect(decodeError('C503C1', {}).message).toContain('input ends');
    const over = decodeError('C505C10300');
    expect(over.offset).toBe(3);
    expect(over.message).toContain('cannot fit');
    const limited = decodeError('C505C103000000', { maxArrayLength: 2 });
    expect(limited.message).toContain('maxArrayLength');
    expect(limited.offset).toBe(3);
    const huge = decodeError('C403C184FFFFFFFF00');
    expect(huge.offset).toBe(3);
  });

  it('keeps unknown Data-Access-Result and Action-Result values as numbers', () => {
    const apdu = decodeApdu(fromHex('C501C163'));
    expect(apdu).toMatchObject({ result: 99 });
    expect(toHex(encodeApdu(apdu))).toBe('C501C163');
    expect(decodeApdu(fromHex('C701C11100'))).toMatchObject({ result: 17, returnParameters: undefined });
    expect(decodeApdu(fromHex('C701C10F00'))).toMatchObject({ result: 'long-action-aborted' });
  });

  it('refuses an unknown result name', () => {
    const e = encodeError({ type: 'set-response', variant: 'normal', invoke: c1, result: 'nope' });
    expect(e.field).toBe('data-access-result');
    expect(encodeError({ type: 'set-response', variant: 'normal', invoke: c1, result: 300 }).field).toBe(
      'data-access-result',
    );
  });

  it('refuses an unknown variant', () => {
    expect(encodeError({ ...getNormal, variant: 'sideways' }).message).toContain('sideways');
  });

  it('accepts any non-zero BOOLEAN octet as true (§6.2)', () => {
    const apdu = decodeApdu(fromHex('C103C1FF000000020100'));
    expect(apdu).toMatchObject({ block: { lastBlock: true, blockNumber: 2 } });
  });
});

describe('octet fields', () => {
  it('returns raw data as a view of the input (no copy)', () => {
    const input = fromHex('C402C10100000002000F72616E73666572206578616D706C65');
    const apdu = decodeApdu(input);
    if (
      apdu.type !== 'get-response' ||
      apdu.variant !== 'with-datablock' ||
      apdu.block.result.type !== 'raw-data'
    ) {
      throw new Error('unexpected');
    }
    expect(apdu.block.result.data.buffer).toBe(input.buffer);
    expect(apdu.block.result.data.byteOffset).toBe(10);
  });

  it('rejects a raw-data length beyond the input', () => {
    expect(decodeError('C402C10100000002001072616E73666572206578616D706C65').layer).toBe('apdu');
  });

  it('refuses raw data that is not a Uint8Array', () => {
    const block = { lastBlock: true, blockNumber: 1, rawData: [1, 2] };
    expect(encodeError({ type: 'set-request', variant: 'with-datablock', invoke: c1, block }).field).toBe(
      'rawData',
    );
    expect(
      encodeError({
        type: 'set-request',
        variant: 'with-datablock',
        invoke: c1,
        block: { ...block, blockNumber: -1 },
      }).field,
    ).toBe('blockNumber');
  });
});

describe('date-time fields (§9.9, §9.10)', () => {
  it('rejects a data-notification date-time that is neither empty nor 12 octets', () => {
    const e = decodeError('0F00000001050102030405 0000'.replace(/ /g, ''));
    expect(e.offset).toBe(5);
    expect(e.message).toContain('5 octets');
  });

  it('rejects an out-of-range date-time field', () => {
    expect(decodeError('0F000000010C07E80D0F0108000000FFC40000').offset).toBe(8);
  });

  it('rejects an event-notification time that is present but empty', () => {
    expect(decodeError('C2010000080000010000FF0200').offset).toBe(2);
  });

  it('applies invertDeviation to the push date-time both ways', () => {
    const hex = '0F400000010C07E8010F0108000000FFC40000';
    const apdu = decodeApdu(fromHex(hex), { invertDeviation: true });
    expect(apdu).toMatchObject({ dateTime: { deviation: 60 } });
    expect(toHex(encodeApdu(apdu, { invertDeviation: true }))).toBe(hex);
    expect(toHex(encodeApdu(apdu))).toBe('0F400000010C07E8010F01080000000 03C0000'.replace(/ /g, ''));
  });
});

describe('exception-response (§9.8)', () => {
  it('keeps unknown state and service errors as numbers', () => {
    expect(decodeApdu(fromHex('D80907'))).toEqual({
      type: 'exception-response',
      stateError: 9,
      serviceError: 7,
      invocationCounter: undefined,
    });
  });

  it('needs the counter after invocation-counter-error', () => {
    expect(decodeError('D80106000000').offset).toBe(6);
  });

  it('ties invocationCounter to invocation-counter-error when encoding', () => {
    const base = { type: 'exception-response', stateError: 'service-not-allowed' } as const;
    expect(encodeError({ ...base, serviceError: 'invocation-counter-error' }).field).toBe(
      'invocationCounter',
    );
    expect(encodeError({ ...base, serviceError: 'pdu-too-long', invocationCounter: 1 }).field).toBe(
      'invocationCounter',
    );
    expect(encodeError({ ...base, serviceError: 'other-reason', stateError: 'nope' }).field).toBe(
      'stateError',
    );
  });
});

describe('general-block-transfer (§9.11)', () => {
  it('decodes block-control bits and refuses a window above 63', () => {
    expect(decodeApdu(fromHex('E07F0002000100'))).toEqual({
      type: 'general-block-transfer',
      lastBlock: false,
      streaming: true,
      windowSize: 63,
      blockNumber: 2,
      blockNumberAck: 1,
      blockData: new Uint8Array(0),
    });
    const gbt = {
      type: 'general-block-transfer',
      lastBlock: true,
      streaming: false,
      blockNumber: 1,
      blockNumberAck: 0,
    };
    expect(encodeError({ ...gbt, windowSize: 64, blockData: new Uint8Array(0) }).field).toBe('windowSize');
    expect(
      encodeError({ ...gbt, windowSize: 1, blockNumber: 70000, blockData: new Uint8Array(0) }).field,
    ).toBe('blockNumber');
  });
});

describe('short-name services (§9.13)', () => {
  it('round-trips every SN APDU form', () => {
    for (const hex of [
      '0503 02FA08 04FA10 01 120000 05 0003',
      '0C04 00 120001 01 04 02 01 0002 02 AABB 03 0005',
      '0601 02FA08 01 1207D0',
      '0D03 00 01 03 02 0009',
      '1601 02FA08 01 0F01',
      '18 01 0C 07E8010F0108000000FFC400 01 02FA08 01 0600000001',
      '18 00 00 00',
    ]) {
      const bytes = fromHex(hex.replace(/ /g, ''));
      expect(toHex(encodeApdu(decodeApdu(bytes)))).toBe(toHex(bytes));
    }
    expect(decodeApdu(fromHex('050302000104000201120000050003'))).toEqual({
      type: 'read-request',
      items: [
        { type: 'variable-name', variableName: 1 },
        {
          type: 'parameterized-access',
          variableName: 2,
          selector: 1,
          parameters: { type: 'long-unsigned', value: 0 },
        },
        { type: 'block-number-access', blockNumber: 3 },
      ],
    });
  });

  it('refuses a short name outside 0–65535', () => {
    expect(
      encodeError({ type: 'read-request', items: [{ type: 'variable-name', variableName: -1 }] }).field,
    ).toBe('variableName');
  });
});

describe('access-request / access-response (§9.12)', () => {
  it('decodes every request and response specification', () => {
    const request =
      '40000005 00 05 01000100002B0100FF02 02000100002B0100FF02 03004600006003 0AFF01 ' +
      '04 0007 0100630100FF 02 02 0F00 05 0007 0100630100FF 02 02 0F01 05 00 00 00 0F00 0F01';
    const bytes = fromHex(`D9${request.replace(/ /g, '')}`);
    const apdu = decodeApdu(bytes);
    expect(apdu).toMatchObject({
      type: 'access-request',
      invoke: { longInvokeId: 5, confirmed: true },
      dateTime: undefined,
      requests: [
        { type: 'get', attribute: { classId: 1, instance: '0.0.43.1.0.255', attributeId: 2 } },
        { type: 'set' },
        { type: 'action', method: { classId: 70, instance: '0.0.96.3.10.255', methodId: 1 } },
        { type: 'get-with-selection', access: { selector: 2 } },
        { type: 'set-with-selection', access: { selector: 2, parameters: { type: 'integer', value: 1 } } },
      ],
    });
    expect(toHex(encodeApdu(apdu))).toBe(toHex(bytes));
    const response = fromHex('DA4000000500000206000000010003010402000300');
    expect(decodeApdu(response)).toEqual({
      type: 'access-response',
      invoke: {
        longInvokeId: 5,
        selfDescriptive: false,
        breakOnError: false,
        confirmed: true,
        highPriority: false,
      },
      dateTime: undefined,
      requests: undefined,
      data: [{ type: 'double-long-unsigned', value: 1 }, { type: 'null-data' }],
      responses: [
        { type: 'get', result: 'object-undefined' },
        { type: 'set', result: 'success' },
        { type: 'action', result: 'success' },
      ],
    });
    expect(toHex(encodeApdu(decodeApdu(response)))).toBe(toHex(response));
  });
});
