import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import type { Aare } from '../../../src/dlms/apdu/acse/acse-codec.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu, GetResponseWithDatablock } from '../../../src/dlms/apdu/types.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { wrapKey } from '../../../src/dlms/security/key-wrap.js';
import { protectApdu, unprotectApdu } from '../../../src/dlms/security/protect.js';
import type { CipheredApdu } from '../../../src/dlms/security/types.js';
import { DlmsServer } from '../../../src/dlms/server/dlms-server.js';
import {
  aarq,
  authenticationKey,
  CipherClient,
  clientTitle,
  encryptionKey,
  get,
  initiate,
  invoke,
  llsAarq,
  serverTitle,
  session,
  testServer,
} from './helpers.js';
import { BigObject, bytes } from './test-objects.js';

const masterKey = fromHex('00112233445566778899AABBCCDDEEFF');

function action(classId: number, instance: string, methodId: number, parameters?: Data): Apdu {
  return {
    type: 'action-request',
    variant: 'normal',
    invoke,
    method: { classId, instance, methodId },
    parameters,
  } as Apdu;
}

describe('DlmsServer security objects and ciphered transfers (§10, §11.3)', () => {
  it('exposes Security setup and lets security_activate only strengthen the policy', async () => {
    const { server } = testServer();
    const c = new CipherClient(session(server, 3));
    await c.open('secret!!');
    c.serverCounter = 1;
    const setup = '0.0.43.0.1.255';
    expect(await c.exchange(get(64, setup, 2))).toMatchObject({
      result: { data: { type: 'enum', value: 3 } },
    });
    expect(await c.exchange(get(64, setup, 4))).toMatchObject({ result: { data: { value: clientTitle } } });
    expect(await c.exchange(get(64, setup, 5))).toMatchObject({ result: { data: { value: serverTitle } } });
    expect(await c.exchange(action(64, setup, 1, { type: 'enum', value: 1 }))).toMatchObject({
      result: 'read-write-denied',
    });
    expect(await c.exchange(action(64, setup, 1, { type: 'enum', value: 3 }))).toMatchObject({
      result: 'success',
    });
    // No master key configured: key transfer refused.
    expect(await c.exchange(action(64, setup, 2, { type: 'array', value: [] }))).toMatchObject({
      result: 'read-write-denied',
    });
    // The association's own object: security_setup_reference and the negotiated xDLMS context.
    expect(await c.exchange(get(15, '0.0.40.0.0.255', 9))).toMatchObject({
      result: { data: { value: Uint8Array.of(0, 0, 43, 0, 1, 255) } },
    });
    expect(await c.exchange(get(15, '0.0.40.0.0.255', 4))).toMatchObject({
      result: { data: { type: 'structure' } },
    });
    const context = await c.exchange(get(15, '0.0.40.0.0.255', 5));
    expect(context).toMatchObject({
      result: {
        data: { value: [{ type: 'bit-string' }, { value: 1024 }, { value: 1200 }, { value: 6 }, {}, {}] },
      },
    });
    await server.close();
  });

  it('replaces keys through global_key_transfer and the HLS secret through change_HLS_secret (§10.9)', async () => {
    const newAk = fromHex('A0A1A2A3A4A5A6A7A8A9AAABACADAEAF');
    const server = new DlmsServer({
      logicalDevices: [{ address: 1, objects: [], systemTitle: serverTitle }],
      associations: [
        {
          client: 1,
          mechanism: 'lls',
          password: 'pw',
          keys: { encryptionKey, authenticationKey, masterKey },
        },
      ],
    });
    const s = session(server, 1);
    await s.exchange(llsAarq('pw'));
    const wrapped = await wrapKey(newAk, masterKey);
    const transfer = await s.exchange(
      action(64, '0.0.43.0.0.255', 2, {
        type: 'array',
        value: [
          {
            type: 'structure',
            value: [
              { type: 'enum', value: 2 },
              { type: 'octet-string', value: wrapped },
            ],
          },
        ],
      }),
    );
    expect(transfer).toMatchObject({ result: 'success' });
    const bad = await s.exchange(
      action(64, '0.0.43.0.0.255', 2, {
        type: 'array',
        value: [
          {
            type: 'structure',
            value: [
              { type: 'enum', value: 0 },
              { type: 'octet-string', value: new Uint8Array(24) },
            ],
          },
        ],
      }),
    );
    expect(bad).toMatchObject({ result: 'other-reason' });
    // LLS: change_HLS_secret is refused; the password changes through attribute 7.
    expect(
      await s.exchange(action(15, '0.0.40.0.0.255', 2, { type: 'octet-string', value: wrapped })),
    ).toMatchObject({ result: 'read-write-denied' });
    const secret = {
      type: 'set-request',
      variant: 'normal',
      invoke,
      attribute: { classId: 15, instance: '0.0.40.0.0.255', attributeId: 7 },
      access: undefined,
      value: { type: 'octet-string', value: new TextEncoder().encode('newpw') },
    } as Apdu;
    expect(await s.exchange(secret)).toMatchObject({ result: 'success' });
    expect(await s.exchange(get(15, '0.0.40.0.0.255', 7))).toMatchObject({
      result: { result: 'read-write-denied' },
    });
    expect(await session(server, 1).exchange(llsAarq('pw'))).toMatchObject({ result: 'rejected-permanent' });
    expect(await session(server, 1).exchange(llsAarq('newpw'))).toMatchObject({ result: 'accepted' });
    await server.close();
  });

  it('sizes ciphered datablocks for the protection overhead and answers RLRQ with a ciphered InitiateResponse', async () => {
    const { server } = testServer();
    const s = session(server, 3);
    const c = new CipherClient(s);
    const user = (await protectApdu(encodeApdu(initiate({ clientMaxReceivePduSize: 100 })), {
      envelope: 'glo',
      security: 'authenticated-encrypted',
      encryptionKey,
      authenticationKey,
      systemTitle: clientTitle,
      invocationCounter: c.counter++,
    })) as CipheredApdu;
    const aare = (await s.exchange(
      aarq({
        applicationContextName: 'logical-name-with-ciphering',
        callingApTitle: clientTitle,
        mechanismName: 'lls',
        callingAuthenticationValue: { type: 'charstring', value: new TextEncoder().encode('secret!!') },
        userInformation: user,
      }),
    )) as Aare;
    expect(aare.result).toBe('accepted');
    c.serverCounter = 1;
    let blocks = 0;
    let request: Apdu = get(7, '1.0.99.1.0.255', 2);
    for (;;) {
      const raw = await s.exchangeRaw(await c.protect(request));
      expect(raw.length).toBeLessThanOrEqual(100);
      const block = (await c.unprotect(raw)) as GetResponseWithDatablock;
      blocks++;
      if (block.block.lastBlock) break;
      request = { type: 'get-request', variant: 'next', invoke, blockNumber: block.block.blockNumber };
    }
    expect(blocks).toBeGreaterThan(30);
    const rlrqInfo = (await protectApdu(encodeApdu(initiate()), {
      envelope: 'glo',
      security: 'authenticated-encrypted',
      encryptionKey,
      authenticationKey,
      systemTitle: clientTitle,
      invocationCounter: c.counter++,
    })) as CipheredApdu;
    const rlre = await s.exchange({ type: 'rlrq', reason: 'normal', userInformation: rlrqInfo });
    expect(rlre).toMatchObject({
      type: 'rlre',
      reason: 'normal',
      userInformation: { type: 'glo-ciphered', service: 'initiate-response' },
    });
    const plain = await unprotectApdu((rlre as { userInformation: CipheredApdu }).userInformation, {
      encryptionKey,
      authenticationKey,
      systemTitle: serverTitle,
    });
    expect(decodeApdu(plain.plain)).toMatchObject({ type: 'initiate-response' });
    await server.close();
  });

  it('returns a long ACTION result in pblocks pulled with next-pblock (§9.6)', async () => {
    const { server } = testServer();
    const s = session(server, 1);
    await s.exchange({ ...llsAarq('12345678'), userInformation: initiate({ clientMaxReceivePduSize: 64 }) });
    const param = { type: 'octet-string' as const, value: bytes(200) };
    let response = await s.exchange(action(7, '1.0.99.1.0.255', 1, param));
    const parts: Uint8Array[] = [];
    for (;;) {
      expect(response).toMatchObject({
        type: 'action-response',
        variant: 'with-pblock',
        block: { blockNumber: parts.length + 1 },
      });
      const block = (response as { block: { lastBlock: boolean; blockNumber: number; rawData: Uint8Array } })
        .block;
      parts.push(block.rawData.slice());
      if (block.lastBlock) break;
      response = await s.exchange({
        type: 'action-request',
        variant: 'next-pblock',
        invoke,
        blockNumber: block.blockNumber,
      });
    }
    const all = Uint8Array.from(parts.flatMap((p) => [...p]));
    expect(all).toEqual(Uint8Array.of(0x09, 0x81, 200, ...bytes(200)));
    expect(
      await s.exchange({ type: 'action-request', variant: 'next-pblock', invoke, blockNumber: 1 }),
    ).toMatchObject({ result: 'no-long-action-in-progress' });
    await server.close();
  });

  it('protects pushes to a ciphered association with general-glo-ciphering', async () => {
    const { server } = testServer();
    const s = session(server, 3);
    const c = new CipherClient(s);
    await c.open('secret!!');
    c.serverCounter = 1;
    const pushed = s.next();
    expect(await server.notify({ type: 'unsigned', value: 3 }, { client: 3 })).toBe(1);
    const raw = await pushed;
    expect(raw[0]).toBe(0xdb);
    expect(await c.unprotect(raw)).toMatchObject({ type: 'data-notification', body: { value: 3 } });
    await server.close();
  });

  it('validates its configuration', () => {
    const device = { address: 1, objects: [] };
    expect(() => new DlmsServer({ logicalDevices: [] })).toThrow(/at least one/);
    expect(() => new DlmsServer({ logicalDevices: [device, device] })).toThrow(/two logical devices/);
    expect(
      () => new DlmsServer({ logicalDevices: [device], associations: [{ client: 1, mechanism: 'lls' }] }),
    ).toThrow(/password/);
    expect(
      () =>
        new DlmsServer({ logicalDevices: [device], associations: [{ client: 1, mechanism: 'hls-gmac' }] }),
    ).toThrow(/keys/);
    expect(
      () =>
        new DlmsServer({
          logicalDevices: [device],
          associations: [{ client: 1, mechanism: 'none', keys: { encryptionKey, authenticationKey } }],
        }),
    ).toThrow(/systemTitle/);
    expect(
      () =>
        new DlmsServer({
          logicalDevices: [{ address: 1, objects: [new BigObject(bytes(1)), new BigObject(bytes(1))] }],
        }),
    ).toThrow(/two objects/);
  });
});
