import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../src/core/bytes.js';
import { DecodeError, EncodeError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  cipheredServiceOfPlainTag,
  cipheredServiceTags,
  isCipheredTag,
  readCipheredApdu,
  writeCipheredApdu,
} from '../../../src/dlms/security/ciphered-apdu.js';
import type { CipheredApdu, CipheredService } from '../../../src/dlms/security/types.js';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { vector } from './fixtures.js';

function read(bytes: Uint8Array, maxApduBytes?: number): CipheredApdu {
  const r = new ByteReader(bytes, 'apdu');
  const apdu = readCipheredApdu(r, maxApduBytes === undefined ? undefined : { maxApduBytes });
  r.expectEnd('end of APDU');
  return apdu;
}

function write(apdu: CipheredApdu): Uint8Array {
  const w = new ByteWriter();
  writeCipheredApdu(w, apdu);
  return w.finish();
}

/** Expected envelope fields per vector (from the vectors' `meaning`). */
const envelopes: {
  id: string;
  at?: number;
  type: CipheredApdu['type'];
  service?: CipheredService;
  systemTitle?: string;
  sc: number;
  ic: number;
  contentLength: number;
}[] = [
  {
    id: 'sec-glo-get-request-green-book',
    type: 'glo-ciphered',
    service: 'get-request',
    sc: 0x30,
    ic: 0x01234567,
    contentLength: 25,
  },
  {
    id: 'sec-glo-get-response',
    type: 'glo-ciphered',
    service: 'get-response',
    sc: 0x30,
    ic: 0x01234568,
    contentLength: 30,
  },
  {
    id: 'sec-glo-get-request-auth-only',
    type: 'glo-ciphered',
    service: 'get-request',
    sc: 0x10,
    ic: 5,
    contentLength: 25,
  },
  {
    id: 'sec-glo-get-request-enc-only',
    type: 'glo-ciphered',
    service: 'get-request',
    sc: 0x20,
    ic: 6,
    contentLength: 13,
  },
  {
    id: 'sec-general-glo-ciphering',
    type: 'general-glo-ciphering',
    systemTitle: '4D4D4D0000000001',
    sc: 0x30,
    ic: 7,
    contentLength: 25,
  },
  {
    id: 'sec-general-glo-ciphering-real-meter',
    type: 'general-glo-ciphering',
    systemTitle: '2F19229199164103',
    sc: 0x30,
    ic: 485,
    contentLength: 54,
  },
  {
    id: 'sec-glo-initiate-request',
    type: 'glo-ciphered',
    service: 'initiate-request',
    sc: 0x30,
    ic: 0x01234567,
    contentLength: 43,
  },
  // RLRE 63 28 80 01 00 BE 23 04 21 <glo-initiate-response>
  {
    id: 'sec-rlre-glo-initiate-response',
    at: 9,
    type: 'glo-ciphered',
    service: 'initiate-response',
    sc: 0x30,
    ic: 0x01234567,
    contentLength: 26,
  },
];

describe('readCipheredApdu / writeCipheredApdu on the vectors', () => {
  for (const e of envelopes) {
    it(e.id, () => {
      const bytes = vector(e.id).subarray(e.at ?? 0);
      const apdu = read(bytes);
      expect(apdu.type).toBe(e.type);
      expect(apdu.securityControl).toBe(e.sc);
      expect(apdu.invocationCounter).toBe(e.ic);
      expect(apdu.content.length).toBe(e.contentLength);
      if (apdu.type === 'glo-ciphered' || apdu.type === 'ded-ciphered') expect(apdu.service).toBe(e.service);
      else expect(toHex(apdu.systemTitle)).toBe(e.systemTitle);
      expect(toHex(write(apdu))).toBe(toHex(bytes));
    });
  }

  it('reads from the middle of a buffer and stops at the end of the APDU', () => {
    const inner = vector('sec-glo-get-request-green-book');
    const bytes = new Uint8Array([0xaa, ...inner, 0xbb]);
    const r = new ByteReader(bytes, 'apdu', 1);
    const apdu = readCipheredApdu(r);
    expect(r.pos).toBe(1 + inner.length);
    expect(apdu.invocationCounter).toBe(0x01234567);
  });
});

describe('the tag table (§8)', () => {
  it('glo = plain + 8 / + 32 and ded = plain + 16 / + 64', () => {
    for (const [service, t] of Object.entries(cipheredServiceTags)) {
      const ln = t.plain >= 0xc0;
      expect(t.glo - t.plain, service).toBe(ln ? 8 : 32);
      expect(t.ded - t.plain, service).toBe(ln ? 16 : 64);
      expect(isCipheredTag(t.glo)).toBe(true);
      expect(isCipheredTag(t.ded)).toBe(true);
      expect(isCipheredTag(t.plain)).toBe(false);
      expect(cipheredServiceOfPlainTag(t.plain)).toBe(service);
    }
  });

  it('DB and DC are ciphered, DD/DF/D8/E0 and plain tags are not', () => {
    expect(isCipheredTag(0xdb)).toBe(true);
    expect(isCipheredTag(0xdc)).toBe(true);
    for (const tag of [0xdd, 0xdf, 0xd8, 0xe0, 0x60, 0x61, 0x0f, 0xc0, 0xc7, 0xd9])
      expect(isCipheredTag(tag)).toBe(false);
    let count = 0;
    for (let t = 0; t < 256; t++) if (isCipheredTag(t)) count++;
    expect(count).toBe(34);
  });

  it('round trips every service in both envelopes', () => {
    for (const service of Object.keys(cipheredServiceTags) as CipheredService[]) {
      for (const type of ['glo-ciphered', 'ded-ciphered'] as const) {
        const apdu: CipheredApdu = {
          type,
          service,
          securityControl: 0x30,
          invocationCounter: 0xffffffff,
          content: new Uint8Array([1, 2, 3]),
        };
        const bytes = write(apdu);
        expect(bytes[0]).toBe(cipheredServiceTags[service][type === 'glo-ciphered' ? 'glo' : 'ded']);
        expect(read(bytes)).toEqual(apdu);
      }
    }
  });
});

describe('malformed envelopes', () => {
  const bad: [string, string][] = [
    ['C0 05 30 00000001', 'not a ciphered tag'],
    ['C8 04 30 000000', 'length below the security header'],
    ['C8 06 30 00000001', 'length beyond the input'],
    ['C8 80 30 00000001', 'indefinite length'],
    ['C8 85 00 00 00 00 05 30 00000001', '5 length octets'],
    ['DB 07 4D4D4D00000000 05 30 00000001', '7-octet system title'],
    ['DB 08 4D4D4D0000000001', 'missing content length'],
    ['DC 08 4D4D4D0000000001 05 30 000000', 'truncated counter'],
    ['', 'empty'],
  ];
  for (const [hex, why] of bad) {
    it(why, () => {
      expect(() => read(fromHex(hex.replace(/ /g, '')))).toThrow(DecodeError);
    });
  }

  it('enforces maxApduBytes before reading the content', () => {
    const bytes = vector('sec-glo-get-request-green-book');
    expect(read(bytes, bytes.length).invocationCounter).toBe(0x01234567);
    try {
      read(bytes, bytes.length - 1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).offset).toBe(1);
      expect((e as DecodeError).layer).toBe('apdu');
    }
  });

  it('refuses to encode out-of-range header fields', () => {
    const base = { type: 'glo-ciphered', service: 'get-request', content: new Uint8Array(0) } as const;
    expect(() => write({ ...base, securityControl: 256, invocationCounter: 0 })).toThrow(EncodeError);
    expect(() => write({ ...base, securityControl: 0x30, invocationCounter: -1 })).toThrow(EncodeError);
    expect(() => write({ ...base, securityControl: 0x30, invocationCounter: 2 ** 32 })).toThrow(EncodeError);
    expect(() =>
      write({
        type: 'general-glo-ciphering',
        systemTitle: new Uint8Array(7),
        securityControl: 0x30,
        invocationCounter: 1,
        content: new Uint8Array(0),
      }),
    ).toThrow(EncodeError);
  });
});

describe('properties', () => {
  const arbApdu: fc.Arbitrary<CipheredApdu> = fc.oneof(
    fc.record({
      type: fc.constantFrom('glo-ciphered' as const, 'ded-ciphered' as const),
      service: fc.constantFrom(...(Object.keys(cipheredServiceTags) as CipheredService[])),
      securityControl: fc.integer({ min: 0, max: 255 }),
      invocationCounter: fc.integer({ min: 0, max: 0xffffffff }),
      content: fc.uint8Array({ maxLength: 300 }),
    }),
    fc.record({
      type: fc.constantFrom('general-glo-ciphering' as const, 'general-ded-ciphering' as const),
      systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      securityControl: fc.integer({ min: 0, max: 255 }),
      invocationCounter: fc.integer({ min: 0, max: 0xffffffff }),
      content: fc.uint8Array({ maxLength: 300 }),
    }),
  );

  it('read(write(x)) deep-equals x', () => {
    fc.assert(
      fc.property(arbApdu, (apdu) => {
        expect(read(write(apdu))).toEqual(apdu);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  function onlyDecodeErrors(bytes: Uint8Array): void {
    try {
      readCipheredApdu(new ByteReader(bytes, 'apdu'), { maxApduBytes: 200 });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  }

  it('random bytes after a ciphered tag only ever throw DecodeError', () => {
    const tags = Array.from({ length: 256 }, (_, t) => t).filter(isCipheredTag);
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 40 }), (tag, rest) => {
        onlyDecodeErrors(new Uint8Array([tag, ...rest]));
      }),
      { numRuns: fuzzRuns(50_000) },
    );
  });

  it('mutated vectors only ever throw DecodeError', () => {
    const seeds = envelopes.map((e) => vector(e.id).subarray(e.at ?? 0));
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (seed, edits, cut) => {
          const bytes = seed.slice(0, seed.length - (cut % 3 === 0 ? cut % seed.length : 0));
          for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
          onlyDecodeErrors(bytes);
        },
      ),
      { numRuns: fuzzRuns(50_000) },
    );
  });
});
